"""Bad input gets its 4xx with a short reason, never a 500."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from resourceful import App, request
from resourceful.testing import TestClient


@pytest.fixture
def echo(app: App) -> App:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/echo/<name>", methods=["GET", "POST"])
    def echo_view(name: str) -> dict[str, Any]:
        return {"name": name, "args": request.args.to_dict()}

    @app.route("/json", methods=["POST"])
    def json_view() -> Any:
        return {"got": request.get_json()}

    @app.route("/form", methods=["POST"])
    def form_view() -> Any:
        return {"fields": len(request.form), "files": len(request.files)}

    return app


def test_malformed_json_is_400_with_reason(echo: App, client: TestClient) -> None:
    response = client.post("/json", data=b'{"a": ', content_type="application/json")
    assert response.status_code == 400
    assert b"The request body is not valid JSON" in response.data


def test_json_with_wrong_content_type_is_415(echo: App, client: TestClient) -> None:
    response = client.post("/json", data=b'{"a": 1}', content_type="text/plain")
    assert response.status_code == 415


def test_get_json_silent_returns_none_for_malformed_body(app: App) -> None:
    with app.test_request_context(
        "/", method="POST", data=b"{nope", content_type="application/json"
    ):
        assert request.get_json(silent=True) is None


def _call(app: App, environ: dict[str, Any]) -> tuple[int, bytes]:
    """Call the app with ``environ`` as is (the test client would rebuild it)."""
    app_iter, status, _headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter)


def test_body_over_max_content_length_is_413_without_reading_it(echo: App) -> None:
    echo.config["MAX_CONTENT_LENGTH"] = 10
    read: list[int] = []

    class Tracking(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            read.append(len(data))
            return data

    environ = EnvironBuilder(
        path="/form",
        method="POST",
        input_stream=Tracking(b"a=" + b"x" * 98),
        content_length=100,
        content_type="application/x-www-form-urlencoded",
    ).get_environ()
    status, body = _call(echo, environ)
    assert status == 413
    assert b"The request body is 100 bytes; this server accepts at most 10" in body
    assert b"MAX_CONTENT_LENGTH" in body
    assert sum(read) == 0


def test_chunked_body_over_max_content_length_is_413(echo: App) -> None:
    echo.config["MAX_CONTENT_LENGTH"] = 10
    environ = EnvironBuilder(
        path="/form",
        method="POST",
        input_stream=io.BytesIO(b"a=" + b"x" * 100),
        content_type="application/x-www-form-urlencoded",
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input_terminated"] = True
    assert _call(echo, environ)[0] == 413


def test_max_content_length_allows_bodies_up_to_the_limit(echo: App, client: TestClient) -> None:
    echo.config["MAX_CONTENT_LENGTH"] = 10
    assert client.post("/form", data={"a": "x" * 8}).get_json() == {"fields": 1, "files": 0}


def test_before_request_hook_can_raise_the_body_limit_for_one_request(
    echo: App, client: TestClient
) -> None:
    echo.config["MAX_CONTENT_LENGTH"] = 10

    @echo.before_request
    def allow_big_uploads() -> None:
        if request.args.get("big"):
            request.max_content_length = 1000

    data = {"a": "x" * 100}
    assert client.post("/form?big=1", data=data).get_json() == {"fields": 1, "files": 0}
    assert client.post("/form", data=data).status_code == 413


def test_too_many_form_parts_is_413(echo: App, client: TestClient) -> None:
    echo.config["MAX_FORM_PARTS"] = 5
    data = {f"field{i}": "v" for i in range(10)}
    response = client.post("/form", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def test_form_field_over_max_form_memory_size_is_413(echo: App, client: TestClient) -> None:
    echo.config["MAX_FORM_MEMORY_SIZE"] = 10
    response = client.post("/form", data={"big": "x" * 100}, content_type="multipart/form-data")
    assert response.status_code == 413


def test_form_within_limits_is_parsed(echo: App, client: TestClient) -> None:
    response = client.post("/form", data={"a": "1", "b": "2"})
    assert response.get_json() == {"fields": 2, "files": 0}


def _raw_environ(path: bytes, query: bytes = b"") -> dict[str, Any]:
    environ = EnvironBuilder(path="/").get_environ()
    environ["wsgi.errors"] = io.StringIO()
    environ["PATH_INFO"] = path.decode("latin-1")
    environ["QUERY_STRING"] = query.decode("latin-1")
    environ["REQUEST_URI"] = environ["RAW_URI"] = (path + (b"?" + query if query else b"")).decode(
        "latin-1"
    )
    return environ


def test_invalid_utf8_in_path_is_400_with_reason(echo: App) -> None:
    status, body = _call(echo, _raw_environ(b"/echo/\xff\xfe"))
    assert status == 400
    assert b"The request path is not valid UTF-8" in body


def test_valid_utf8_in_path_is_decoded(echo: App) -> None:
    _status, body = _call(echo, _raw_environ("/echo/é".encode()))
    assert json.loads(body)["name"] == "é"


def test_invalid_percent_escape_in_query_is_400_with_reason(echo: App) -> None:
    status, body = _call(echo, _raw_environ(b"/echo/x", b"a=%zz"))
    assert status == 400
    assert b"malformed percent-escape at position 2: &#39;%zz&#39;" in body


def test_percent_encoded_invalid_utf8_in_query_is_400(echo: App) -> None:
    status, body = _call(echo, _raw_environ(b"/echo/x", b"a=%ff"))
    assert status == 400
    assert b"not valid UTF-8" in body


def test_raw_utf8_in_query_is_accepted(echo: App) -> None:
    status, body = _call(echo, _raw_environ(b"/echo/x", "a=é".encode()))
    assert status == 200
    assert json.loads(body)["args"] == {"a": "é"}


def test_raw_invalid_bytes_in_query_are_400(echo: App) -> None:
    status, body = _call(echo, _raw_environ(b"/echo/x", b"a=\xff"))
    assert status == 400
    assert b"not valid UTF-8" in body


def test_well_formed_query_is_decoded(echo: App, client: TestClient) -> None:
    response = client.get("/echo/x?a=%C3%A9&b=1+2&c=")
    assert response.get_json()["args"] == {"a": "é", "b": "1 2", "c": ""}


def test_invalid_percent_escape_in_path_is_400(echo: App) -> None:
    status, body = _call(echo, _raw_environ(b"/echo/a%zz"))
    assert status == 400
    assert b"percent-escape" in body


def test_encoded_percent_sign_in_path_is_fine(echo: App) -> None:
    environ = _raw_environ(b"/echo/100%")
    environ["REQUEST_URI"] = environ["RAW_URI"] = "/echo/100%25"
    status, body = _call(echo, environ)
    assert status == 200
    assert json.loads(body)["name"] == "100%"


def test_host_outside_trusted_hosts_is_400(echo: App, client: TestClient) -> None:
    echo.config["TRUSTED_HOSTS"] = ["good.test", ".example.test"]
    assert client.get("/echo/x", base_url="http://good.test").status_code == 200
    assert client.get("/echo/x", base_url="http://api.example.test").status_code == 200
    response = client.get("/echo/x", base_url="http://evil.test")
    assert response.status_code == 400
    assert b"The Host header &#39;evil.test&#39; is not one this application serves" in (
        response.data
    )


def test_untrusted_host_is_400_on_every_request(echo: App, client: TestClient) -> None:
    echo.config["TRUSTED_HOSTS"] = ["good.test"]
    for _ in range(2):
        assert client.get("/echo/x", base_url="http://evil.test").status_code == 400


def test_malformed_host_header_with_trusted_hosts_is_400(echo: App, client: TestClient) -> None:
    echo.config["TRUSTED_HOSTS"] = ["good.test"]
    response = client.get("/echo/x", headers={"Host": "bad host\x00"})
    assert response.status_code == 400


def test_malformed_host_header_is_not_a_server_error(echo: App, client: TestClient) -> None:
    response = client.get("/echo/x", headers={"Host": "bad host\x00"})
    assert response.status_code == 200


_SERVED_APP = """
from resourceful import App, request

app = App("served")


@app.route("/echo/<name>")
def echo(name):
    return {"name": name, "args": request.args.to_dict()}
"""


@pytest.fixture
def server(live_server: Callable[[str], tuple[str, int]]) -> tuple[str, int]:
    return live_server(_SERVED_APP)


def _send(address: tuple[str, int], raw: bytes) -> bytes:
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_malformed_request_line_over_real_server_is_400(server: tuple[str, int]) -> None:
    reply = _send(server, b"THIS IS NOT HTTP AT ALL\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400 Bad request version ('ALL')\r\n")


def test_request_line_with_bad_version_over_real_server_is_400(server: tuple[str, int]) -> None:
    reply = _send(server, b"GET / HTTP/9.x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400 Bad request version ('HTTP/9.x')\r\n")


def test_bad_percent_escape_over_real_server_is_400(server: tuple[str, int]) -> None:
    reply = _send(server, b"GET /echo/a%zz HTTP/1.0\r\nHost: localhost\r\n\r\n")
    assert reply.split(b"\r\n", 1)[0].endswith(b"400 BAD REQUEST")


def test_invalid_utf8_path_over_real_server_is_400(server: tuple[str, int]) -> None:
    reply = _send(server, b"GET /echo/%ff HTTP/1.0\r\nHost: localhost\r\n\r\n")
    assert reply.split(b"\r\n", 1)[0].endswith(b"400 BAD REQUEST")
    assert b"not valid UTF-8" in reply


def test_good_request_over_real_server(server: tuple[str, int]) -> None:
    reply = _send(server, b"GET /echo/%C3%A9?x=1 HTTP/1.0\r\nHost: localhost\r\n\r\n")
    assert reply.split(b"\r\n", 1)[0].endswith(b"200 OK")
    assert reply.endswith(b'{"args":{"x":"1"},"name":"\\u00e9"}\n')
