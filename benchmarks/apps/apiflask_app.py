"""The typed POST on APIFlask (Flask plus marshmallow schemas), when it is installed.

Only the typed scenarios: for the others APIFlask is Flask.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask, HTTPTokenAuth, Schema
from apiflask.fields import Boolean, Date, Integer, List, String
from apiflask.validators import Length
from flask import g

from benchmarks.apps import WSGIApp
from benchmarks.apps.handwritten import (
    TITLE_MAX,
    TITLE_MIN,
    Connection,
    check_token,
    secured_item,
)

NOTES = {
    "core": "typed scenarios only (APIFlask is Flask there)",
    "many_rules": "typed scenarios only (APIFlask is Flask there)",
    "async_core": "typed scenarios only (APIFlask is Flask there)",
    "async_typed": "its async views are Flask's (asgiref), measured in the Flask column",
}


class TodoIn(Schema):
    title = String(required=True, validate=Length(TITLE_MIN, TITLE_MAX))
    # Only JSON booleans: marshmallow's default also takes "yes", "on", 1...
    done = Boolean(load_default=False, truthy={True}, falsy={False})
    tags = List(String(), required=True)
    due = Date(load_default=None, allow_none=True)


class TodoOut(Schema):
    id = Integer()
    title = String()
    done = Boolean()
    tags = List(String())
    due = Date(allow_none=True)


def make_typed() -> APIFlask:
    app = APIFlask("bench_apiflask", docs_path=None, spec_path=None)

    @app.post("/todos")
    @app.input(TodoIn)
    @app.output(TodoOut, status_code=201)
    def create_todo(json_data: dict[str, Any]) -> dict[str, Any]:
        return {"id": 1, **json_data}

    return app


class ItemOut(Schema):
    id = Integer()
    owner = String()
    source = String()


def make_secured() -> APIFlask:
    app = APIFlask("bench_apiflask_secured", docs_path=None, spec_path=None)
    auth = HTTPTokenAuth(scheme="Bearer")

    @auth.verify_token
    def verify_token(token: str) -> str | None:
        return check_token(f"Bearer {token}")

    def get_connection() -> Connection:
        if "connection" not in g:
            g.connection = Connection()
        return g.connection  # type: ignore[no-any-return]

    @app.teardown_appcontext
    def close_connection(exc: BaseException | None) -> None:
        connection = g.pop("connection", None)
        if connection is not None:
            connection.close()

    @app.get("/items/<int:item_id>")
    @app.auth_required(auth)
    @app.output(ItemOut)
    def item(item_id: int) -> dict[str, Any]:
        return secured_item(item_id, auth.current_user, get_connection())

    return app


def make_apps() -> dict[str, WSGIApp]:
    return {"typed": make_typed(), "secured": make_secured()}
