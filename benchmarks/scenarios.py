"""What is measured: one request per scenario, the same for every framework.

Each scenario names the app it needs (``core``, ``many_rules`` or ``typed``,
and ``async_core`` and ``async_typed``, the same handlers written ``async def``),
the request to send, and how to check the answer. Every framework module in
``benchmarks/apps/`` builds those apps so they answer identically (same
status, same body), which :func:`check` verifies before anything is timed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.test import EnvironBuilder

#: How many rules the ``many_rules`` app has, and which one is requested.
RULE_COUNT = 1000
RULE_REQUESTED = 990

VALID_TODO: dict[str, Any] = {
    "title": "Buy milk",
    "done": False,
    "tags": ["home", "shopping"],
    "due": "2030-01-31",
}
CREATED_TODO: dict[str, Any] = {"id": 1, **VALID_TODO}

#: Every field is wrong: too short, not a bool, not a list of strings, not a date.
INVALID_TODO: dict[str, Any] = {
    "title": "",
    "done": "yes",
    "tags": ["home", 7],
    "due": "tomorrow",
}
INVALID_FIELDS = ("title", "done", "tags", "due")


@dataclass(frozen=True)
class Scenario:
    """One request and the answer every framework must give to it."""

    name: str
    description: str
    app: str
    method: str
    path: str
    status: int
    check_body: Callable[[bytes], str | None]
    json_body: Any = None
    typed: bool = False
    #: The handlers are ``async def``: only frameworks that run them under WSGI serve it.
    asynchronous: bool = False
    #: When set, ``{id}`` in ``path`` takes this many different values in turn, so
    #: nothing that remembers recent URLs helps (the first one is checked).
    distinct_ids: int = 0
    #: Request headers, as (name, value) pairs.
    headers: tuple[tuple[str, str], ...] = ()
    #: Checks the response headers (``None``: any); says what is wrong, or ``None``.
    check_headers: Callable[[list[tuple[str, str]]], str | None] | None = None

    def environ(self, path: str | None = None) -> dict[str, Any]:
        """Build the WSGI environ for this request (copy it before each call)."""
        if path is None:
            path = self.path.format(id=42)
        builder = EnvironBuilder(
            path=path,
            method=self.method,
            json=self.json_body,
            base_url="http://localhost/",
            headers=list(self.headers),
        )
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def environs(self) -> list[dict[str, Any]]:
        """Build the environs that are sent in turn (one unless ``distinct_ids``)."""
        if not self.distinct_ids:
            return [self.environ()]
        return [self.environ(self.path.format(id=i)) for i in range(1, self.distinct_ids + 1)]

    @property
    def body(self) -> bytes | None:
        """The request body, or ``None`` for requests without one."""
        if self.json_body is None:
            return None
        return json.dumps(self.json_body).encode()


def _equals_text(expected: str) -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        text = body.decode("utf-8", "replace")
        return None if text == expected else f"expected body {expected!r}, got {text!r}"

    return check


def _equals_json(expected: Any) -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        try:
            data = json.loads(body)
        except ValueError:
            return f"expected JSON {expected!r}, got {body[:200]!r}"
        return None if data == expected else f"expected JSON {expected!r}, got {data!r}"

    return check


def _any_body(body: bytes) -> str | None:
    return None


def _names_every_invalid_field(body: bytes) -> str | None:
    # Each framework words its errors differently (problem+json pointers,
    # marshmallow messages, our hand-written list); all must name every field.
    text = body.decode("utf-8", "replace")
    missing = [name for name in INVALID_FIELDS if name not in text]
    return f"the error body does not mention {missing}: {text[:300]!r}" if missing else None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="text",
        description="GET / returning text",
        app="core",
        method="GET",
        path="/",
        status=200,
        check_body=_equals_text("Hello, World!"),
    ),
    Scenario(
        name="json",
        description="GET /users/<int:id> returning JSON",
        app="core",
        method="GET",
        path="/users/42",
        status=200,
        check_body=_equals_json({"id": 42, "name": "user 42"}),
    ),
    Scenario(
        name="json_distinct",
        description="the same, a different id each request",
        app="core",
        method="GET",
        path="/users/{id}",
        status=200,
        check_body=_equals_json({"id": 42, "name": "user 42"}),
        distinct_ids=4096,
    ),
    Scenario(
        name="not_found",
        description="GET of an unknown URL (404)",
        app="core",
        method="GET",
        path="/no/such/page",
        status=404,
        check_body=_any_body,
    ),
    Scenario(
        name="many_rules",
        description=f"{RULE_COUNT} rules, rule {RULE_REQUESTED} requested",
        app="many_rules",
        method="GET",
        path=f"/section{RULE_REQUESTED}/items/7",
        status=200,
        check_body=_equals_text(f"section {RULE_REQUESTED} item 7"),
    ),
    Scenario(
        name="hooked",
        description="GET reading the session, with an after-request hook",
        app="hooked",
        method="GET",
        path="/me",
        status=200,
        check_body=_equals_text("user anonymous"),
    ),
    Scenario(
        name="typed_valid",
        description="typed POST, valid JSON body (201)",
        app="typed",
        method="POST",
        path="/todos",
        status=201,
        check_body=_equals_json(CREATED_TODO),
        json_body=VALID_TODO,
        typed=True,
    ),
    Scenario(
        name="typed_invalid",
        description="typed POST, four invalid fields (422)",
        app="typed",
        method="POST",
        path="/todos",
        status=422,
        check_body=_names_every_invalid_field,
        json_body=INVALID_TODO,
        typed=True,
    ),
    Scenario(
        name="async_text",
        description="async def GET / returning text",
        app="async_core",
        method="GET",
        path="/",
        status=200,
        check_body=_equals_text("Hello, World!"),
        asynchronous=True,
    ),
    Scenario(
        name="async_typed_valid",
        description="async def typed POST, valid body (201)",
        app="async_typed",
        method="POST",
        path="/todos",
        status=201,
        check_body=_equals_json(CREATED_TODO),
        json_body=VALID_TODO,
        typed=True,
        asynchronous=True,
    ),
)

SCENARIOS += (
    Scenario(
        name="secured",
        description="typed GET, one per-request provider and a bearer check",
        app="secured",
        method="GET",
        path="/items/42",
        status=200,
        check_body=_equals_json({"id": 42, "owner": "ann", "source": "db"}),
        typed=True,
        headers=(("Authorization", "Bearer bench-token"),),
    ),
)

#: The origin the ``cors`` apps allow, and the request a preflight asks about.
CORS_ORIGIN = "https://app.example.com"


def _answers_the_preflight(headers: list[tuple[str, str]]) -> str | None:
    # NOTE: what every framework sends; Flask-Cors and Falcon send no Vary: Origin,
    # and offer every method they know rather than the URL's.
    sent = {name.lower(): value for name, value in headers}
    wrong = []
    if sent.get("access-control-allow-origin") != CORS_ORIGIN:
        wrong.append(f"Access-Control-Allow-Origin {sent.get('access-control-allow-origin')!r}")
    if "PUT" not in sent.get("access-control-allow-methods", "").split(", "):
        wrong.append(f"Access-Control-Allow-Methods {sent.get('access-control-allow-methods')!r}")
    return f"the preflight's answer is wrong: {', '.join(wrong)}" if wrong else None


SCENARIOS += (
    Scenario(
        name="cors_preflight",
        description="CORS preflight OPTIONS /items/42 from an allowed origin",
        app="cors",
        method="OPTIONS",
        path="/items/42",
        status=200,
        check_body=_any_body,
        headers=(
            ("Origin", CORS_ORIGIN),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "content-type"),
        ),
        check_headers=_answers_the_preflight,
    ),
)

# -- conditional GET (issue 13) -------------------------------------------------------------------

#: The book the ``etag`` app sends for GET /books/42.
ETAG_BOOK: dict[str, Any] = {"id": 42, "title": "Dune", "version": 3}
#: Its body as every framework encodes it (compact, sorted keys, a newline, as Flask does).
ETAG_BODY = json.dumps(ETAG_BOOK, separators=(",", ":"), sort_keys=True).encode() + b"\n"
#: Its ETag: the SHA-1 of the body, as werkzeug's ``Response.add_etag()`` makes it.
ETAG = f'"{hashlib.sha1(ETAG_BODY).hexdigest()}"'

SCENARIOS += (
    Scenario(
        name="etag_200",
        description="GET with an ETag, no If-None-Match (200)",
        app="etag",
        method="GET",
        path="/books/42",
        status=200,
        check_body=_equals_text(ETAG_BODY.decode()),
    ),
    Scenario(
        name="etag_304",
        description="the same with a matching If-None-Match (304)",
        app="etag",
        method="GET",
        path="/books/42",
        status=304,
        check_body=_equals_text(""),
        headers=(("If-None-Match", ETAG),),
    ),
    Scenario(
        name="etag_version_304",
        description="a matching If-None-Match, the tag a version field (304)",
        app="etag",
        method="GET",
        path="/versioned/42",
        status=304,
        check_body=_equals_text(""),
        headers=(("If-None-Match", f'"{ETAG_BOOK["version"]}"'),),
    ),
)

#: The shelf the ``etag_large`` app sends for GET /shelves/7: about 20 KB of JSON,
#: where a 304's savings (and the hash's cost) show. Keys in sorted order.
ETAG_SHELF: dict[str, Any] = {
    "books": [
        {
            "author": f"Author {i % 40}",
            "id": i,
            "summary": "A sweeping saga of sand, spice and politics on a desert planet.",
            "tags": ["classic", "science fiction"],
            "title": f"Book {i}",
            "year": 1950 + i % 70,
        }
        for i in range(120)
    ],
    "id": 7,
    "version": 3,
}
ETAG_SHELF_BODY = json.dumps(ETAG_SHELF, separators=(",", ":"), sort_keys=True).encode() + b"\n"
ETAG_SHELF_TAG = f'"{hashlib.sha1(ETAG_SHELF_BODY).hexdigest()}"'

SCENARIOS += (
    Scenario(
        name="etag_large_200",
        description="GET of a 20 KB shelf with an ETag, no If-None-Match (200)",
        app="etag_large",
        method="GET",
        path="/shelves/7",
        status=200,
        check_body=_equals_text(ETAG_SHELF_BODY.decode()),
    ),
    Scenario(
        name="etag_large_304",
        description="the same with a matching If-None-Match (304)",
        app="etag_large",
        method="GET",
        path="/shelves/7",
        status=304,
        check_body=_equals_text(""),
        headers=(("If-None-Match", ETAG_SHELF_TAG),),
    ),
    Scenario(
        name="etag_large_version_304",
        description="the 20 KB shelf, a matching If-None-Match, the tag a version (304)",
        app="etag_large",
        method="GET",
        path="/versioned-shelves/7",
        status=304,
        check_body=_equals_text(""),
        headers=(("If-None-Match", f'"{ETAG_SHELF["version"]}"'),),
    ),
)

SCENARIOS_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
