"""The same typed calls as :class:`~resourceful.contract.TypedClient`, over HTTP.

``HTTPClient("http://127.0.0.1:5000", app).call(TodoResource.get, todo_id=3)``
sends the request to a running service with :mod:`urllib.request` and
returns the same typed result. ``app`` is only read, never served: any app
that registers the service's resources at the same rules (its factory, or
an ``App`` you add the shared resource classes to) gives the URLs, the
parameter records and the converter. No code is generated.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, overload

from ..errors import ProblemDetails
from .calls import (
    NO_BODY,
    RequestParts,
    bind_arguments,
    find_operation,
    request_parts,
    typed_result,
)

if TYPE_CHECKING:
    from ..app import App
    from ..render import Reply

__all__ = ["HTTPClient"]

P = ParamSpec("P")
T = TypeVar("T")


class HTTPClient:
    """Call another service's handlers over HTTP with the shared attrs models."""

    def __init__(self, base_url: str, app: App, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.app = app
        self.timeout = timeout

    @overload
    def call(
        self,
        handler: Callable[Concatenate[Any, P], Reply[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T | ProblemDetails: ...

    @overload
    def call(
        self, handler: Callable[Concatenate[Any, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T | ProblemDetails: ...

    def call(self, handler: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Send the request ``handler`` serves with these arguments; return the typed result."""
        rule, operation = find_operation(self.app, handler)
        values = bind_arguments(operation, handler, args, kwargs)
        parts = request_parts(self.app, rule.endpoint, operation, values)
        status, reason, mimetype, body = self.send(parts)
        return typed_result(
            self.app,
            operation,
            status,
            f"{status} {reason}",
            mimetype,
            lambda: json.loads(body),
            lambda: body.decode("utf-8", "replace"),
        )

    def send(self, parts: RequestParts) -> tuple[int, str, str, bytes]:
        """Send ``parts``; return the status, reason, media type and body."""
        adapter = self.app.url_map.bind("localhost")
        path = adapter.build(parts.endpoint, dict(parts.path), method=parts.operation.method)
        url = self.base_url + path
        if parts.query:
            url += "?" + urllib.parse.urlencode(parts.query)
        headers = dict(parts.headers)
        if parts.cookies:
            headers["Cookie"] = "; ".join(f"{key}={text}" for key, text in parts.cookies)
        data: bytes | None = None
        if parts.json is not NO_BODY:
            data = self.app.json.dumps(parts.json).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            url, data=data, headers=headers, method=parts.operation.method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return _answer(answer)
        except urllib.error.HTTPError as error:
            with error:
                return _answer(error)


def _answer(answer: Any) -> tuple[int, str, str, bytes]:
    mimetype = (answer.headers.get("Content-Type") or "").split(";")[0].strip()
    return int(answer.status), str(answer.reason), mimetype, answer.read()
