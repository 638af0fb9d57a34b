"""app.run() on werkzeug's development server, over real HTTP."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable

import pytest

_APP = """
from resourceful import App, request, stream_with_context

app = App("served")


@app.route("/")
def index():
    return "hello from resourceful"


@app.route("/users/<int:id>", methods=["GET", "PUT"])
def user(id):
    if request.method == "PUT":
        return {"id": id, "body": request.get_json()}
    return {"id": id}


@app.route("/stream")
def stream():
    def generate():
        yield "a-"
        yield request.args.get("end", "z")
    return stream_with_context(generate())
"""


@pytest.fixture
def connection(
    live_server: Callable[[str], tuple[str, int]],
) -> http.client.HTTPConnection:
    host, port = live_server(_APP)
    return http.client.HTTPConnection(host, port, timeout=10)


def _request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_text_response(connection: http.client.HTTPConnection) -> None:
    status, headers, body = _request(connection, "GET", "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == b"hello from resourceful"


def test_json_request_and_response(connection: http.client.HTTPConnection) -> None:
    status, _, body = _request(
        connection, "PUT", "/users/3", b'{"name": "ann"}', {"Content-Type": "application/json"}
    )
    assert status == 200
    assert json.loads(body) == {"id": 3, "body": {"name": "ann"}}


def test_not_found_and_method_not_allowed(connection: http.client.HTTPConnection) -> None:
    assert _request(connection, "GET", "/nope")[0] == 404
    status, headers, _ = _request(connection, "DELETE", "/users/1")
    assert status == 405
    assert set(headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "OPTIONS"}


def test_streamed_response_keeps_request_context(connection: http.client.HTTPConnection) -> None:
    status, _, body = _request(connection, "GET", "/stream?end=done")
    assert status == 200
    assert body == b"a-done"


def test_keeps_serving_after_errors(connection: http.client.HTTPConnection) -> None:
    assert _request(connection, "GET", "/users/x")[0] == 404
    assert _request(connection, "GET", "/users/2")[2] == b'{"id":2}\n'
