"""The benchmark apps on Flask, the baseline every ratio is measured against."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request, session

from benchmarks.apps import WSGIApp
from benchmarks.apps.handwritten import PROBLEM_JSON, created, problem, validate_todo
from benchmarks.scenarios import RULE_COUNT


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


def make_apps() -> dict[str, WSGIApp]:
    return {
        "core": make_core(),
        "many_rules": make_many_rules(),
        "hooked": make_hooked(),
        "typed": make_typed(),
    }
