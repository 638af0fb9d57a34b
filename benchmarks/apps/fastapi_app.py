"""The benchmark apps on FastAPI, called in-process through the ASGI harness.

Every handler and dependency is ``async def``: that is FastAPI's fastest
form, since a plain ``def`` (handler or dependency) is sent to a worker
thread on every request. The typed body is a pydantic model with the rules
of the hand-written checks (``benchmarks/apps/handwritten.py``): strict
strings and booleans, the title's length bounds, unknown fields refused.
"""

# NOTE: no ``from __future__ import annotations``: FastAPI reads the handlers'
# annotations at registration, and ``Depends(...)`` names local functions.
import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, StringConstraints

from benchmarks.apps.handwritten import TITLE_MAX, TITLE_MIN, Connection, secured_item, user_for
from benchmarks.asgi import ASGIBench
from benchmarks.scenarios import RULE_COUNT

NOTES = {
    "hooked": "the session and after-request hook are Flask's pipeline; not compared",
    "async_core": "FastAPI's handlers are all async def already: see the text row",
    "async_typed": "FastAPI's handlers are all async def already: see the typed rows",
}


def make_core() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    async def index() -> str:
        return "Hello, World!"

    @app.get("/users/{user_id}")
    async def user(user_id: int):
        # No return annotation, as in the Flask app: FastAPI encodes the dict as it is.
        return {"id": user_id, "name": f"user {user_id}"}

    return app


def make_many_rules() -> FastAPI:
    app = FastAPI()

    def add(number: int) -> None:
        async def view(item_id: int) -> str:
            return f"section {number} item {item_id}"

        app.add_api_route(
            f"/section{number}/items/{{item_id}}",
            view,
            methods=["GET"],
            name=f"section{number}",
            response_class=PlainTextResponse,
        )

    for number in range(RULE_COUNT):
        add(number)
    return app


class NewTodo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[StrictStr, StringConstraints(min_length=TITLE_MIN, max_length=TITLE_MAX)]
    tags: list[StrictStr]
    done: StrictBool = False
    # An ISO date string; pydantic's lax date also takes a whole-day Unix time.
    due: dt.date | None = None


class Todo(BaseModel):
    id: int
    title: str
    done: bool
    tags: list[str]
    due: dt.date | None


def make_typed() -> FastAPI:
    app = FastAPI()

    @app.post("/todos", status_code=201)
    async def create_todo(body: NewTodo) -> Todo:
        return Todo(id=1, title=body.title, done=body.done, tags=body.tags, due=body.due)

    return app


class Item(BaseModel):
    id: int
    owner: str
    source: str


def make_secured() -> FastAPI:
    """The secured GET: ``HTTPBearer`` and a request-scoped ``Depends`` (a yield dependency)."""
    app = FastAPI()
    bearer = HTTPBearer()

    async def current_user(
        credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
    ) -> str:
        user = user_for(credentials.credentials)
        if user is None:
            raise HTTPException(
                401,
                "The credentials were not accepted.",
                {"WWW-Authenticate": 'Bearer realm="api"'},
            )
        return user

    async def connection() -> AsyncIterator[Connection]:
        opened = Connection()
        try:
            yield opened
        finally:
            opened.close()

    @app.get("/items/{item_id}")
    async def item(
        item_id: int,
        user: Annotated[str, Depends(current_user)],
        db: Annotated[Connection, Depends(connection)],
    ) -> Item:
        return Item(**secured_item(item_id, user, db))

    return app


def make_apps() -> dict[str, Any]:
    core = ASGIBench(make_core())
    return {
        "core": core,
        "many_rules": ASGIBench(make_many_rules()),
        "typed": ASGIBench(make_typed()),
        "secured": ASGIBench(make_secured()),
    }
