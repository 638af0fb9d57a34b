"""The benchmark apps on Falcon (the level the product aims for)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import falcon

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

NOTES = {
    "async_core": "Falcon runs async responders only as an ASGI app",
    "async_typed": "Falcon runs async responders only as an ASGI app",
}


class Index:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Hello, World!"


class User:
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = {"id": user_id, "name": f"user {user_id}"}


class Section:
    def __init__(self, number: int) -> None:
        self.number = number

    def on_get(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"section {self.number} item {item_id}"


class Todos:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        todo, errors = validate_todo(req.get_media())
        if errors:
            resp.status = 422
            resp.content_type = PROBLEM_JSON
            resp.text = json.dumps(problem(errors))
            return
        assert todo is not None
        resp.status = 201
        resp.media = created(todo)


def make_core() -> falcon.App:
    app = falcon.App()
    app.add_route("/", Index())
    app.add_route("/users/{user_id:int}", User())
    return app


def make_many_rules() -> falcon.App:
    app = falcon.App()
    for number in range(RULE_COUNT):
        app.add_route(f"/section{number}/items/{{item_id:int}}", Section(number))
    return app


def make_typed() -> falcon.App:
    app = falcon.App()
    app.add_route("/todos", Todos())
    return app


class ServedBy:
    """The after-request hook, as Falcon middleware."""

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        resp.set_header("X-Served-By", "bench")


class Me:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # Falcon has no sessions: a missing session cookie means an anonymous user.
        user = "anonymous" if req.cookies.get("session") is None else "someone"
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"user {user}"


def make_hooked() -> falcon.App:
    app = falcon.App(middleware=[ServedBy()])
    app.add_route("/me", Me())

    return app


def _require_token(req: falcon.Request, resp: falcon.Response, resource: Any, params: Any) -> None:
    user = check_token(req.get_header("Authorization"))
    if user is None:
        raise falcon.HTTPUnauthorized(challenges=['Bearer realm="api"'])
    req.context.user = user


class Items:
    @falcon.before(_require_token)
    def on_get(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        connection = Connection()
        try:
            resp.media = secured_item(item_id, req.context.user, connection)
        finally:
            connection.close()


def make_secured() -> falcon.App:
    app = falcon.App()
    app.add_route("/items/{item_id:int}", Items())
    return app


class CorsItem:
    def on_get(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.media = {"id": item_id, "owner": "ann", "source": "db"}

    def on_put(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.media = req.get_media()

    def on_delete(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.status = 204


def make_cors() -> falcon.App:
    """The same URL with Falcon's own CORS middleware answering the preflight."""
    app = falcon.App(middleware=[falcon.CORSMiddleware(allow_origins=CORS_ORIGIN)])
    app.add_route("/items/{item_id:int}", CorsItem())
    return app


class Book:
    def on_get(self, req: falcon.Request, resp: falcon.Response, book_id: int) -> None:
        book = {"id": book_id, "title": "Dune", "version": 3}
        body = json.dumps(book, separators=(",", ":"), sort_keys=True).encode() + b"\n"
        tag = hashlib.sha1(body).hexdigest()
        resp.etag = tag
        held = req.if_none_match
        if held is not None and any(item == tag for item in held):
            resp.status = 304
            return
        resp.content_type = falcon.MEDIA_JSON
        resp.data = body


class Versioned:
    def on_get(self, req: falcon.Request, resp: falcon.Response, book_id: int) -> None:
        book = {"id": book_id, "title": "Dune", "version": 3}
        resp.etag = tag = str(book["version"])
        held = req.if_none_match
        if held is not None and any(item == tag for item in held):
            resp.status = 304
            return
        resp.content_type = falcon.MEDIA_JSON
        resp.data = json.dumps(book, separators=(",", ":"), sort_keys=True).encode() + b"\n"


class Shelf:
    """The 20 KB shelf, its ETag a hash of the body (``hashed``) or its version."""

    def __init__(self, hashed: bool) -> None:
        self.hashed = hashed

    def on_get(self, req: falcon.Request, resp: falcon.Response, shelf_id: int) -> None:
        body: bytes | None = None
        if self.hashed:
            body = json.dumps(ETAG_SHELF, separators=(",", ":"), sort_keys=True).encode() + b"\n"
            tag = hashlib.sha1(body).hexdigest()
        else:
            tag = str(ETAG_SHELF["version"])
        resp.etag = tag
        held = req.if_none_match
        if held is not None and any(item == tag for item in held):
            resp.status = 304
            return
        if body is None:
            body = json.dumps(ETAG_SHELF, separators=(",", ":"), sort_keys=True).encode() + b"\n"
        resp.content_type = falcon.MEDIA_JSON
        resp.data = body


def make_etag_large() -> falcon.App:
    app = falcon.App()
    app.add_route("/shelves/{shelf_id:int}", Shelf(hashed=True))
    app.add_route("/versioned-shelves/{shelf_id:int}", Shelf(hashed=False))
    return app


def make_etag() -> falcon.App:
    app = falcon.App()
    app.add_route("/books/{book_id:int}", Book())
    app.add_route("/versioned/{book_id:int}", Versioned())
    return app


def make_apps() -> dict[str, WSGIApp]:
    return {
        "core": make_core(),
        "many_rules": make_many_rules(),
        "hooked": make_hooked(),
        "typed": make_typed(),
        "secured": make_secured(),
        "cors": make_cors(),
        "etag": make_etag(),
        "etag_large": make_etag_large(),
    }
