"""The benchmark apps as plain WSGI callables: the floor, what no framework can beat.

Dispatch is a dict lookup and bodies are built by hand; the typed app uses
the same hand-written checks as Flask and Falcon.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from benchmarks.apps import WSGIApp
from benchmarks.apps.handwritten import (
    PROBLEM_JSON,
    Connection,
    check_token,
    created,
    problem,
    secured_item,
    validate_todo,
)
from benchmarks.scenarios import CORS_ORIGIN, ETAG_SHELF, RULE_COUNT

StartResponse = Callable[..., Any]

_HTML = [("Content-Type", "text/html; charset=utf-8")]
_JSON = [("Content-Type", "application/json")]


def _answer(
    start_response: StartResponse, status: str, headers: list[tuple[str, str]], body: bytes
) -> Iterable[bytes]:
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def _not_found(start_response: StartResponse) -> Iterable[bytes]:
    return _answer(start_response, "404 NOT FOUND", _HTML, b"<h1>Not Found</h1>")


def core(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if environ["REQUEST_METHOD"] != "GET":
        return _not_found(start_response)
    if path == "/":
        return _answer(start_response, "200 OK", _HTML, b"Hello, World!")
    if path.startswith("/users/"):
        user_id = path[7:]
        if user_id.isdigit():
            body = json.dumps({"id": int(user_id), "name": f"user {user_id}"}).encode()
            return _answer(start_response, "200 OK", _JSON, body)
    return _not_found(start_response)


_SECTIONS = {f"section{number}": number for number in range(RULE_COUNT)}


def many_rules(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    parts = environ["PATH_INFO"].split("/")
    if len(parts) == 4 and parts[2] == "items" and parts[3].isdigit():
        number = _SECTIONS.get(parts[1])
        if number is not None:
            body = f"section {number} item {int(parts[3])}".encode()
            return _answer(start_response, "200 OK", _HTML, body)
    return _not_found(start_response)


def typed(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    if environ["PATH_INFO"] != "/todos" or environ["REQUEST_METHOD"] != "POST":
        return _not_found(start_response)
    if environ.get("CONTENT_TYPE", "").partition(";")[0].strip() != "application/json":
        return _answer(start_response, "415 UNSUPPORTED MEDIA TYPE", _HTML, b"")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        data = json.loads(environ["wsgi.input"].read(length))
    except ValueError:
        return _answer(start_response, "400 BAD REQUEST", _HTML, b"Malformed JSON.")
    todo, errors = validate_todo(data)
    if errors:
        body = json.dumps(problem(errors)).encode()
        return _answer(
            start_response, "422 UNPROCESSABLE ENTITY", [("Content-Type", PROBLEM_JSON)], body
        )
    assert todo is not None
    return _answer(start_response, "201 CREATED", _JSON, json.dumps(created(todo)).encode())


def hooked(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    # No session machinery: a missing session cookie means an anonymous user.
    cookies = environ.get("HTTP_COOKIE", "")
    user = "anonymous" if "session=" not in cookies else "someone"
    headers = [*_HTML, ("X-Served-By", "bench")]
    return _answer(start_response, "200 OK", headers, f"user {user}".encode())


def secured(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if not path.startswith("/items/") or not path[7:].isdigit():
        return _not_found(start_response)
    user = check_token(environ.get("HTTP_AUTHORIZATION"))
    if user is None:
        headers = [("Content-Type", PROBLEM_JSON), ("WWW-Authenticate", 'Bearer realm="api"')]
        return _answer(start_response, "401 UNAUTHORIZED", headers, b"{}")
    connection = Connection()
    try:
        body = json.dumps(secured_item(int(path[7:]), user, connection)).encode()
    finally:
        connection.close()
    return _answer(start_response, "200 OK", _JSON, body)


def _held(environ: dict[str, Any]) -> list[str]:
    held = environ.get("HTTP_IF_NONE_MATCH")
    return [] if held is None else [item.strip().removeprefix("W/") for item in held.split(",")]


def etag(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    hashed = path.startswith("/books/")
    if not (hashed or path.startswith("/versioned/")):
        return _not_found(start_response)
    book_id = path.rpartition("/")[2]
    if not book_id.isdigit():
        return _not_found(start_response)
    book = {"id": int(book_id), "title": "Dune", "version": 3}
    return _conditional(environ, start_response, book, hashed)


def etag_large(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    hashed = path.startswith("/shelves/")
    if not (hashed or path.startswith("/versioned-shelves/")):
        return _not_found(start_response)
    if not path.rpartition("/")[2].isdigit():
        return _not_found(start_response)
    return _conditional(environ, start_response, ETAG_SHELF, hashed)


def _conditional(
    environ: dict[str, Any], start_response: StartResponse, data: dict[str, Any], hashed: bool
) -> Iterable[bytes]:
    """Answer a GET of ``data``: 304 if If-None-Match holds its tag (its hash, or its version)."""
    tag = None if hashed else f'"{data["version"]}"'
    if tag is not None and tag in _held(environ):
        start_response("304 NOT MODIFIED", [("ETag", tag)])
        return []
    body = json.dumps(data, separators=(",", ":"), sort_keys=True).encode() + b"\n"
    if tag is None:
        tag = f'"{hashlib.sha1(body).hexdigest()}"'
        if tag in _held(environ):
            start_response("304 NOT MODIFIED", [("ETag", tag)])
            return []
    return _answer(start_response, "200 OK", [*_JSON, ("ETag", tag)], body)


NOTES = {
    "async_core": "a plain WSGI callable has no event loop to await on",
    "async_typed": "a plain WSGI callable has no event loop to await on",
}


def cors(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer a preflight for /items/<id> by hand: the URL's methods, the asked headers."""
    path = environ["PATH_INFO"]
    if not path.startswith("/items/") or not path[7:].isdigit():
        return _not_found(start_response)
    if environ["REQUEST_METHOD"] != "OPTIONS":
        return _not_found(start_response)
    headers = [("Allow", "DELETE, GET, HEAD, OPTIONS, PUT"), ("Vary", "Origin")]
    if (
        environ.get("HTTP_ORIGIN") == CORS_ORIGIN
        and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
    ):
        headers += [
            ("Access-Control-Allow-Origin", CORS_ORIGIN),
            ("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PUT"),
            ("Access-Control-Allow-Headers", "Content-Type"),
        ]
    return _answer(start_response, "200 OK", headers, b"")


def make_apps() -> dict[str, WSGIApp]:
    return {
        "core": core,
        "many_rules": many_rules,
        "hooked": hooked,
        "typed": typed,
        "secured": secured,
        "cors": cors,
        "etag": etag,
        "etag_large": etag_large,
    }
