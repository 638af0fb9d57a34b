"""Static checks: Flask-style annotations from ``resourceful.typing`` type-check.

mypy --strict runs on this file (``just typecheck``); nothing here runs in pytest.
"""

from __future__ import annotations

from werkzeug.datastructures import Headers

from resourceful import App, Response
from resourceful.typing import (
    AfterRequestCallable,
    ErrorHandlerCallable,
    HeadersValue,
    ResponseReturnValue,
    RouteCallable,
    TeardownCallable,
)

app = App(__name__)


@app.route("/")
def index() -> ResponseReturnValue:
    return "Hello", 200, {"X-Greeting": "yes"}


def as_json() -> ResponseReturnValue:
    return {"ok": True}, 201


def with_headers() -> ResponseReturnValue:
    headers: HeadersValue = Headers({"X-Id": "1"})
    return b"body", headers


def add_header(response: Response) -> Response:
    response.headers["X-Seen"] = "1"
    return response


def teardown(error: BaseException | None) -> None:
    return None


def not_found(error: Exception) -> ResponseReturnValue:
    return "missing", 404


route: RouteCallable = index
after: AfterRequestCallable[Response] = add_header
tear: TeardownCallable = teardown
handler: ErrorHandlerCallable = not_found
