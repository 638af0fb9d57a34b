"""A bookshop API: authors and books under /api/v1, public to read, protected to change.

Serve it with::

    resourceful --app examples/bookshop/app.py run

- ``GET /api/v1/authors/``, ``GET /api/v1/books/?author_id=1``: public.
- ``POST /api/v1/tokens`` with HTTP Basic credentials (``admin``/``admin`` and
  ``reader``/``reader`` in the demo database) returns a bearer token, signed
  with ``SECRET_KEY``: any process that shares the key can check it.
- Writing (``POST``, ``PUT``, ``PATCH``, ``DELETE``) needs the ``admin``
  permission, from a bearer token of an admin or from an API key
  (``X-API-Key``) that has it.
- A book has an ETag (``GET /api/v1/books/1``); changing it (``PUT``,
  ``PATCH``) needs ``If-Match`` with that ETag: 428 without it, 412 when the
  book changed meanwhile, so no change is lost. ``If-None-Match`` gives 304.
- ``GET /api/v1/me`` says who the credentials belong to.
- ``GET /api/v1/authors/1/books/?limit=10`` pages one author's books, with a
  ``Link`` header to the first, previous, next and last pages.
- Browser front ends on the origins in ``CORS_ORIGINS`` may call the API
  (their scripts may read ``Link`` and ``Location``); every error of the API,
  an unknown URL under ``/api/v1`` included, is problem+json.

The SQLite database comes from a provider, one connection per request; a
server database is another provider (see docs/deploying.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from collections.abc import Iterator
from typing import Any

import attrs
from attrs import validators as v
from itsdangerous import BadSignature, URLSafeTimedSerializer

from resourceful import App, Blueprint, Resource, current_app, operation, url_for
from resourceful.binding import MergePatch, Query
from resourceful.conditional import Conditional
from resourceful.cors import CORS
from resourceful.errors import Problem
from resourceful.pagination import OffsetQuery, Page
from resourceful.providers import Provided
from resourceful.render import Reply, created
from resourceful.security import APIKey, HTTPBasic, HTTPBearer, Security

SCHEMA = """
CREATE TABLE IF NOT EXISTS author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS book (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES author (id)
);
CREATE TABLE IF NOT EXISTS account (
    name TEXT PRIMARY KEY,
    password_sha256 TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS api_key (
    key_sha256 TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0
);
"""

#: Token lifetime, in seconds.
TOKEN_MAX_AGE = 3600
#: SQLite's integers are 64-bit: larger ids cannot be stored, nor looked up.
MAX_ID = 2**63 - 1


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# -- the database: a provider ---------------------------------------------------------------


class Database:
    """The bookshop's tables, on one SQLite connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.connection.execute(sql, args).fetchall()

    def row(self, sql: str, *args: Any) -> sqlite3.Row | None:
        found: sqlite3.Row | None = self.connection.execute(sql, args).fetchone()
        return found

    def change(self, sql: str, *args: Any) -> int:
        with self.connection:
            cursor = self.connection.execute(sql, args)
        return (
            int(cursor.lastrowid or 0)
            if sql.lstrip().upper().startswith("INSERT")
            else cursor.rowcount
        )


def open_database() -> Iterator[Database]:
    """Provide the database on a new connection; closed when the request ends."""
    connection = sqlite3.connect(current_app.config["DATABASE"])
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    try:
        yield Database(connection)
    finally:
        connection.close()


def init_database(
    path: str, accounts: dict[str, tuple[str, bool]], keys: dict[str, tuple[str, bool]]
) -> None:
    """Create the tables and the demo accounts and API keys (idempotent)."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.executescript(SCHEMA)
        for name, (password, admin) in accounts.items():
            connection.execute(
                "INSERT OR IGNORE INTO account VALUES (?, ?, ?)", (name, _sha256(password), admin)
            )
        for key, (owner, admin) in keys.items():
            connection.execute(
                "INSERT OR IGNORE INTO api_key VALUES (?, ?, ?)", (_sha256(key), owner, admin)
            )
    connection.close()


# -- who is calling ----------------------------------------------------------------------------


@attrs.frozen
class Caller:
    """Whoever the credentials belong to: an account or an API key's owner."""

    name: str
    permissions: frozenset[str]


def _caller(name: str, admin: bool) -> Caller:
    return Caller(name, frozenset({"admin"} if admin else ()))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="bookshop-token")


def login(name: str, password: str, db: Provided[Database]) -> Caller | None:
    """Check a username and password (for the token endpoint)."""
    account = db.row("SELECT * FROM account WHERE name = ?", name)
    # Hash first, then compare digests in constant time, found or not.
    given = _sha256(password)
    expected = account["password_sha256"] if account is not None else _sha256("")
    if not hmac.compare_digest(given, expected) or account is None:
        return None
    return _caller(account["name"], bool(account["admin"]))


def from_token(token: str) -> Caller | None:
    """Check a bearer token this app signed."""
    try:
        name, admin = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return _caller(str(name), bool(admin))


def from_api_key(key: str, db: Provided[Database]) -> Caller | None:
    """Look an API key up by its hash (so the table never holds the key itself)."""
    found = db.row("SELECT * FROM api_key WHERE key_sha256 = ?", _sha256(key))
    return None if found is None else _caller(found["owner"], bool(found["admin"]))


def _permissions(caller: Caller) -> frozenset[str]:
    return caller.permissions


basic = HTTPBasic(login, realm="bookshop")
bearer = HTTPBearer(from_token, permissions=_permissions, realm="bookshop")
api_key = APIKey(from_api_key, permissions=_permissions, realm="bookshop")
#: Changing the catalogue: an admin, by token or by key.
ADMIN = (bearer | api_key).requiring("admin")


# -- the API ----------------------------------------------------------------------------------


@attrs.frozen
class NewAuthor:
    name: str = attrs.field(validator=[v.min_len(1), v.max_len(200)])


@attrs.frozen
class Author:
    id: int
    name: str


@attrs.frozen
class NewBook:
    title: str = attrs.field(validator=[v.min_len(1), v.max_len(200)])
    author_id: int = attrs.field(validator=[v.ge(0), v.le(MAX_ID)])


@attrs.frozen
class Book:
    id: int
    title: str
    author_id: int


@attrs.frozen
class Token:
    access_token: str
    token_type: str
    expires_in: int


@attrs.frozen
class Me:
    name: str
    permissions: list[str]


def _missing(what: str, item_id: int) -> Problem:
    return Problem(404, title=f"{what} not found", detail=f"There is no {what.lower()} {item_id}.")


class Authors(Resource):
    """Writers whose books the shop sells."""

    tags = ("authors",)

    def list(self, db: Provided[Database]) -> list[Author]:
        """List every author."""
        return [
            Author(row["id"], row["name"]) for row in db.rows("SELECT * FROM author ORDER BY id")
        ]

    @operation(security=ADMIN)
    def create(self, body: NewAuthor, db: Provided[Database]) -> Reply[Author]:
        """Add an author."""
        author_id = db.change("INSERT INTO author (name) VALUES (?)", body.name)
        return created(Author(author_id, body.name), url_for("api.authors", author_id=author_id))

    def get(self, author_id: int, db: Provided[Database]) -> Author:
        """Read one author."""
        row = db.row("SELECT * FROM author WHERE id = ?", author_id)
        if row is None:
            raise _missing("Author", author_id)
        return Author(row["id"], row["name"])


def _book(db: Database, book_id: int) -> Book | None:
    row = db.row("SELECT * FROM book WHERE id = ?", book_id)
    return None if row is None else Book(row["id"], row["title"], row["author_id"])


def _known_author(db: Database, author_id: int) -> None:
    if db.row("SELECT id FROM author WHERE id = ?", author_id) is None:
        raise Problem(422, title="Unknown author", detail=f"There is no author {author_id}.")


#: A change to a book must say which version it changes (If-Match).
CHANGE_CHECKED = Conditional(required=True)


class Books(Resource):
    """The catalogue."""

    tags = ("books",)
    # A book's ETag is a hash of its JSON as GET sends it; If-None-Match gives 304.
    conditional = Conditional()

    def list(self, db: Provided[Database], author_id: int | None = None) -> list[Book]:
        """List books, optionally by one author."""
        if author_id is None:
            rows = db.rows("SELECT * FROM book ORDER BY id")
        elif not -MAX_ID - 1 <= author_id <= MAX_ID:
            rows = []  # No author has an id SQLite cannot store.
        else:
            rows = db.rows("SELECT * FROM book WHERE author_id = ? ORDER BY id", author_id)
        return [Book(row["id"], row["title"], row["author_id"]) for row in rows]

    @operation(security=ADMIN)
    def create(self, body: NewBook, db: Provided[Database]) -> Reply[Book]:
        """Add a book."""
        _known_author(db, body.author_id)
        book_id = db.change(
            "INSERT INTO book (title, author_id) VALUES (?, ?)", body.title, body.author_id
        )
        return created(
            Book(book_id, body.title, body.author_id), url_for("api.books", book_id=book_id)
        )

    def get(self, book_id: int, db: Provided[Database]) -> Book:
        """Read one book."""
        book = _book(db, book_id)
        if book is None:
            raise _missing("Book", book_id)
        return book

    def current(self, book_id: int, db: Provided[Database]) -> Book | None:
        """Return the book as it is now: If-Match is checked against it before a change."""
        return _book(db, book_id)

    @operation(security=ADMIN, conditional=CHANGE_CHECKED)
    def replace(self, book_id: int, body: NewBook, db: Provided[Database]) -> Book:
        """Replace a book's title and author (If-Match: the ETag you read)."""
        _known_author(db, body.author_id)
        if not db.change(
            "UPDATE book SET title = ?, author_id = ? WHERE id = ?",
            body.title,
            body.author_id,
            book_id,
        ):
            raise _missing("Book", book_id)
        return Book(book_id, body.title, body.author_id)

    @operation(security=ADMIN, conditional=CHANGE_CHECKED)
    def update(self, book_id: int, patch: MergePatch[NewBook], db: Provided[Database]) -> Book:
        """Change some of a book's fields (a JSON merge patch; If-Match: the ETag you read)."""
        book = _book(db, book_id)
        if book is None:
            raise _missing("Book", book_id)
        changed = patch.apply(NewBook(book.title, book.author_id))
        _known_author(db, changed.author_id)
        db.change(
            "UPDATE book SET title = ?, author_id = ? WHERE id = ?",
            changed.title,
            changed.author_id,
            book_id,
        )
        return Book(book_id, changed.title, changed.author_id)

    @operation(security=ADMIN)
    def delete(self, book_id: int, db: Provided[Database]) -> None:
        """Remove a book (removing a missing one is not an error)."""
        db.change("DELETE FROM book WHERE id = ?", book_id)


class AuthorBooks(Resource):
    """The books of one author, a page at a time."""

    tags = ("books",)

    def list(
        self, author_id: int, paging: Query[OffsetQuery], db: Provided[Database]
    ) -> Reply[Page[Book]]:
        """List an author's books by id; the Link header points to the other pages."""
        if db.row("SELECT id FROM author WHERE id = ?", author_id) is None:
            raise _missing("Author", author_id)
        window = paging.window()
        total = db.row("SELECT count(*) FROM book WHERE author_id = ?", author_id)
        rows = db.rows(
            "SELECT * FROM book WHERE author_id = ? ORDER BY id LIMIT ? OFFSET ?",
            author_id,
            window.limit,
            window.offset,
        )
        books = [Book(row["id"], row["title"], row["author_id"]) for row in rows]
        return window.page(books, total=int(total[0]) if total is not None else 0)


class Tokens(Resource):
    """Bearer tokens, for a username and password."""

    tags = ("tokens",)
    security = Security(basic)

    @operation(status=201)
    def post(self, caller: Provided[Caller]) -> Token:
        """Issue a bearer token for the HTTP Basic credentials sent."""
        token = _serializer().dumps([caller.name, "admin" in caller.permissions])
        return Token(token, "Bearer", TOKEN_MAX_AGE)


class WhoAmI(Resource):
    """Who the credentials belong to."""

    tags = ("tokens",)
    security = Security(bearer, api_key)

    def get(self, caller: Provided[Caller]) -> Me:
        """Say who is calling and what they may do."""
        return Me(caller.name, sorted(caller.permissions))


def create_app(test_config: dict[str, Any] | None = None) -> App:
    """Create the bookshop."""
    app = App(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",  # set a real one in production: tokens are signed with it
        DATABASE=os.path.join(app.instance_path, "bookshop.sqlite3"),
        OPENAPI_TITLE="Bookshop API",
        ACCOUNTS={"admin": ("admin", True), "reader": ("reader", False)},
        API_KEYS={"demo-admin-key": ("integration", True)},
        # The browser front ends that may call the API (a local dev server here).
        CORS_ORIGINS=["http://localhost:3000"],
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    init_database(app.config["DATABASE"], app.config["ACCOUNTS"], app.config["API_KEYS"])
    app.add_provider(open_database)

    api = Blueprint("api", __name__, url_prefix="/api/v1")
    CORS(
        api,
        origins=app.config["CORS_ORIGINS"],
        # A front end sends back the ETag it read (If-Match) and must be able to read it.
        headers=["Content-Type", "Authorization", "X-API-Key", "If-Match", "If-None-Match"],
        expose_headers=["Link", "Location", "ETag"],
        max_age=600,
    )
    # Ids beyond MAX_ID match no rule (a 404), and the document says "maximum": MAX_ID.
    api.add_resource(Authors, f"/authors/<int(max={MAX_ID}):author_id>")
    api.add_resource(AuthorBooks, f"/authors/<int(max={MAX_ID}):author_id>/books/")
    api.add_resource(Books, f"/books/<int(max={MAX_ID}):book_id>")
    api.add_resource(Tokens, "/tokens")
    api.add_resource(WhoAmI, "/me")
    app.register_blueprint(api)
    return app
