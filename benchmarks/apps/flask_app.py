"""The benchmark apps on Flask, the baseline every ratio is measured against."""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, jsonify, request, session

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

NOTES: dict[str, str] = {}


def make_core() -> Flask:
    app = Flask("bench_core")

    @app.route("/")
    def index() -> str:
        return "Hello, World!"

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "name": f"user {user_id}"}

    return app


def make_many_rules() -> Flask:
    app = Flask("bench_many_rules")

    def make_view(number: int) -> Any:
        def view(item_id: int) -> str:
            return f"section {number} item {item_id}"

        return view

    for number in range(RULE_COUNT):
        app.add_url_rule(
            f"/section{number}/items/<int:item_id>",
            endpoint=f"section{number}",
            view_func=make_view(number),
        )
    return app


def make_typed() -> Flask:
    app = Flask("bench_typed")

    @app.post("/todos")
    def create_todo() -> Any:
        todo, errors = validate_todo(request.get_json())
        if errors:
            return Response(json.dumps(problem(errors)), status=422, mimetype=PROBLEM_JSON)
        assert todo is not None
        return created(todo), 201

    return app


def make_hooked() -> Flask:
    app = Flask("bench_hooked")
    app.secret_key = "benchmarks"

    @app.after_request
    def tag(response: Any) -> Any:
        response.headers["X-Served-By"] = "bench"
        return response

    @app.route("/me")
    def me() -> str:
        return f"user {session.get('user', 'anonymous')}"

    return app


def make_secured() -> Flask:
    """The same secured GET written as a careful Flask developer would: a decorator and g."""
    app = Flask("bench_secured")

    def get_connection() -> Connection:
        if "connection" not in g:
            g.connection = Connection()
        return g.connection  # type: ignore[no-any-return]

    @app.teardown_appcontext
    def close_connection(exc: BaseException | None) -> None:
        connection = g.pop("connection", None)
        if connection is not None:
            connection.close()

    def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            user = check_token(request.headers.get("Authorization"))
            if user is None:
                body = json.dumps({"title": "Unauthorized", "status": 401})
                return Response(
                    body,
                    status=401,
                    mimetype=PROBLEM_JSON,
                    headers={"WWW-Authenticate": 'Bearer realm="api"'},
                )
            return view(user=user, **kwargs)

        return wrapper

    @app.get("/items/<int:item_id>")
    @token_required
    def item(item_id: int, user: str) -> Any:
        return secured_item(item_id, user, get_connection())

    return app


def make_async_core() -> Flask:
    app = Flask("bench_async_core")

    @app.route("/")
    async def index() -> str:
        return "Hello, World!"

    return app


def make_async_typed() -> Flask:
    app = Flask("bench_async_typed")

    @app.post("/todos")
    async def create_todo() -> Any:
        todo, errors = validate_todo(request.get_json())
        if errors:
            return Response(json.dumps(problem(errors)), status=422, mimetype=PROBLEM_JSON)
        assert todo is not None
        return created(todo), 201

    return app


def make_cors() -> Flask:
    """The same URL with Flask-Cors answering the preflight."""
    from flask_cors import CORS

    app = Flask("bench_cors")
    CORS(app, origins=[CORS_ORIGIN])

    @app.route("/items/<int:item_id>", methods=["GET", "PUT", "DELETE"])
    def item(item_id: int) -> Any:
        if request.method == "DELETE":
            return "", 204
        return {"id": item_id, "owner": "ann", "source": "db"}

    return app


def make_etag() -> Flask:
    """The conditional GET by hand, as Flask's docs suggest: add_etag, then make_conditional."""
    app = Flask("bench_etag")

    @app.get("/books/<int:book_id>")
    def book(book_id: int) -> Any:
        response = jsonify({"id": book_id, "title": "Dune", "version": 3})
        response.add_etag()
        return response.make_conditional(request)

    @app.get("/versioned/<int:book_id>")
    def versioned(book_id: int) -> Any:
        book = {"id": book_id, "title": "Dune", "version": 3}
        response = jsonify(book)
        response.set_etag(str(book["version"]))
        return response.make_conditional(request)

    return app


def make_etag_large() -> Flask:
    """The same by hand on a 20 KB shelf (loaded once, as the resourceful app does)."""
    app = Flask("bench_etag_large")

    @app.get("/shelves/<int:shelf_id>")
    def shelves(shelf_id: int) -> Any:
        response = jsonify(ETAG_SHELF)
        response.add_etag()
        return response.make_conditional(request)

    @app.get("/versioned-shelves/<int:shelf_id>")
    def versioned_shelves(shelf_id: int) -> Any:
        response = jsonify(ETAG_SHELF)
        response.set_etag(str(ETAG_SHELF["version"]))
        return response.make_conditional(request)

    return app


def make_apps() -> dict[str, WSGIApp]:
    apps: dict[str, WSGIApp] = {
        "core": make_core(),
        "many_rules": make_many_rules(),
        "hooked": make_hooked(),
        "typed": make_typed(),
        "secured": make_secured(),
        "etag": make_etag(),
        "etag_large": make_etag_large(),
    }
    if importlib.util.find_spec("flask_cors") is None:
        NOTES["cors"] = "Flask-Cors is not installed"
    else:
        apps["cors"] = make_cors()
    # Flask runs async views through asgiref (flask[async]); without it they fail.
    if importlib.util.find_spec("asgiref") is None:
        NOTES["async_core"] = NOTES["async_typed"] = "asgiref is not installed (flask[async])"
    else:
        apps["async_core"] = make_async_core()
        apps["async_typed"] = make_async_typed()
    return apps
