"""Static checks of the public API's types: mypy runs on this file (``just typecheck``).

Nothing here runs in pytest; each ``assert_type`` states what a user's type
checker sees.
"""

from __future__ import annotations

import attrs
from typing_extensions import assert_type

from resourceful import (
    App,
    Blueprint,
    Config,
    Request,
    Resource,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template_string,
    request,
    session,
    url_for,
)
from resourceful.sessions import SessionMixin
from resourceful.testing import TestClient, TestResponse
from resourceful.views import MethodView

app = App(__name__)
bp = Blueprint("bp", __name__)


@app.route("/")
def index() -> str:
    return "hi"


@bp.get("/items/<int:item_id>")
def item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


# Route decorators give back the function unchanged.
assert_type(index(), str)
assert_type(item(1), dict[str, int])


@attrs.define
class Todo:
    id: int
    title: str


@app.resource("/todos/<int:todo_id>")
class Todos(Resource):
    def get(self, todo_id: int) -> Todo:
        return Todo(todo_id, "milk")


# The resource decorator gives back the class.
assert_type(Todos, type[Todos])


class Counter(MethodView):
    def get(self) -> str:
        return "0"


assert_type(app.config, Config)
assert_type(request, Request)
assert_type(current_app.debug, bool)
assert_type(session, SessionMixin)
assert_type("user" in g, bool)
assert_type(url_for("index"), str)
assert_type(make_response("x"), Response)
assert_type(jsonify(a=1), Response)
assert_type(render_template_string("{{ 1 }}"), str)

client = app.test_client()
assert_type(client, TestClient)
response = client.get("/todos/1")
assert_type(response, TestResponse)
assert_type(response.structure(Todo), Todo)
