"""The benchmark apps on resourceful: the same code as the Flask ones, other imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
from attrs.validators import max_len, min_len

from benchmarks.apps import WSGIApp
from benchmarks.apps.handwritten import TITLE_MAX, TITLE_MIN, TOKENS, Connection, secured_item
from benchmarks.scenarios import CORS_ORIGIN, ETAG_SHELF, RULE_COUNT
from resourceful import App, session
from resourceful.providers import Provided

NOTES: dict[str, str] = {}


def make_core() -> App:
    app = App("bench_core")

    @app.route("/")
    def index() -> str:
        return "Hello, World!"

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "name": f"user {user_id}"}

    return app


def make_many_rules() -> App:
    app = App("bench_many_rules")

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


# The same rules as the hand-written checks (benchmarks/apps/handwritten.py),
# declared instead of written: strict JSON types, length bounds, a default.
@attrs.define
class NewTodo:
    title: str = attrs.field(validator=[min_len(TITLE_MIN), max_len(TITLE_MAX)])
    tags: list[str]
    done: bool = False
    due: dt.date | None = None


@attrs.define
class Todo:
    id: int
    title: str
    done: bool
    tags: list[str]
    due: dt.date | None


def make_typed() -> App | None:
    try:
        from resourceful.resources import Resource
    except ImportError:
        NOTES["typed"] = "resourceful.resources (issue 3) is not importable"
        return None

    app = App("bench_typed")

    @app.resource("/todos")
    class Todos(Resource):
        def create(self, body: NewTodo) -> Todo:
            return Todo(id=1, title=body.title, done=body.done, tags=body.tags, due=body.due)

    return app


def make_hooked() -> App:
    app = App("bench_hooked")
    app.secret_key = "benchmarks"

    @app.after_request
    def tag(response: Any) -> Any:
        response.headers["X-Served-By"] = "bench"
        return response

    @app.route("/me")
    def me() -> str:
        return f"user {session.get('user', 'anonymous')}"

    return app


@attrs.frozen
class Item:
    id: int
    owner: str
    source: str


def make_secured() -> App:
    from resourceful.resources import Resource
    from resourceful.security import HTTPBearer, Security, lookup_secret

    app = App("bench_secured")

    def find_user(token: str) -> str | None:
        return lookup_secret(token, TOKENS)

    app.require(Security(HTTPBearer(find_user)))

    @app.provider()
    def connection() -> Iterator[Connection]:
        opened = Connection()
        try:
            yield opened
        finally:
            opened.close()

    @app.resource("/items/<int:item_id>")
    class Items(Resource):
        def get(self, item_id: int, user: Provided[str], db: Provided[Connection]) -> Item:
            return Item(**secured_item(item_id, user, db))

    return app


def make_async_core() -> App | None:
    app = App("bench_async_core")

    async def index() -> str:
        return "Hello, World!"

    try:
        app.add_url_rule("/", view_func=index)
    except TypeError:
        NOTES["async_core"] = "async function views are refused until issue 14's wiring lands"
        return None
    return app


def make_async_typed() -> App | None:
    # NOTE: App.ensure_sync arrives with the wiring of async handlers (issue 14);
    # before it a resource accepts an async handler but cannot answer with it.
    if not hasattr(App, "ensure_sync"):
        NOTES["async_typed"] = "async resource handlers wait for issue 14's wiring"
        return None
    from resourceful.resources import Resource

    app = App("bench_async_typed")

    @app.resource("/todos")
    class Todos(Resource):
        async def create(self, body: NewTodo) -> Todo:
            return Todo(id=1, title=body.title, done=body.done, tags=body.tags, due=body.due)

    return app


def make_cors() -> App:
    """A resource whose own CORS settings answer the preflight (from the route table)."""
    from resourceful.cors import CORS
    from resourceful.resources import Resource

    app = App("bench_cors")

    @app.resource("/items/<int:item_id>")
    class Items(Resource):
        cors = CORS(origins=[CORS_ORIGIN])

        def get(self, item_id: int) -> Item:
            return Item(item_id, "ann", "db")

        def replace(self, item_id: int, body: Item) -> Item:
            return body

        def delete(self, item_id: int) -> None:
            return None

    return app


@attrs.frozen
class Book:
    id: int
    title: str
    version: int


def make_etag() -> App:
    """GET /books/<id> with the default ETag (a hash of the body); /versioned/<id>: its version."""
    from resourceful.conditional import Conditional
    from resourceful.resources import Resource

    app = App("bench_etag")

    @app.resource("/books/<int:book_id>")
    class Books(Resource):
        conditional = Conditional()

        def get(self, book_id: int) -> Book:
            return Book(book_id, "Dune", 3)

    @app.resource("/versioned/<int:book_id>")
    class Versioned(Resource):
        conditional = Conditional(etag=lambda book: book.version)

        def get(self, book_id: int) -> Book:
            return Book(book_id, "Dune", 3)

    return app


@attrs.frozen
class ShelfBook:  # the fields in sorted order, as Flask sorts the keys
    author: str
    id: int
    summary: str
    tags: list[str]
    title: str
    year: int


@attrs.frozen
class Shelf:
    books: list[ShelfBook]
    id: int
    version: int


def make_etag_large() -> App:
    """GET /shelves/<id>: a 20 KB shelf, hashed ETag; /versioned-shelves/<id>: its version."""
    from resourceful.conditional import Conditional
    from resourceful.resources import Resource

    # Loaded once, as a handler would fetch it: what is timed is the framework's part.
    shelf = Shelf(
        [ShelfBook(**book) for book in ETAG_SHELF["books"]],
        ETAG_SHELF["id"],
        ETAG_SHELF["version"],
    )
    app = App("bench_etag_large")

    @app.resource("/shelves/<int:shelf_id>")
    class Shelves(Resource):
        conditional = Conditional()

        def get(self, shelf_id: int) -> Shelf:
            return shelf

    @app.resource("/versioned-shelves/<int:shelf_id>")
    class VersionedShelves(Resource):
        conditional = Conditional(etag=lambda shelf: shelf.version)

        def get(self, shelf_id: int) -> Shelf:
            return shelf

    return app


def make_apps() -> dict[str, WSGIApp]:
    apps: dict[str, WSGIApp] = {
        "core": make_core(),
        "many_rules": make_many_rules(),
        "hooked": make_hooked(),
    }
    optional = {
        "typed": make_typed(),
        "async_core": make_async_core(),
        "async_typed": make_async_typed(),
    }
    apps.update((kind, app) for kind, app in optional.items() if app is not None)
    if "typed" in apps:
        apps["secured"] = make_secured()
        apps["cors"] = make_cors()
        apps["etag"] = make_etag()
        apps["etag_large"] = make_etag_large()
    return apps
