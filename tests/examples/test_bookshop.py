"""The bookshop example: a blueprint API, public reads, tokens, API keys, an admin permission."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from example_modules import EXAMPLES, import_example
from openapi_spec_validator import validate

from resourceful import App
from resourceful.testing import TestClient

EXAMPLE = EXAMPLES / "bookshop"


@pytest.fixture(scope="module")
def example() -> Iterator[ModuleType]:
    try:
        yield import_example(EXAMPLE / "app.py", "bookshop_example_app")
    finally:
        sys.modules.pop("bookshop_example_app", None)


@pytest.fixture
def app(example: ModuleType, tmp_path: Path) -> App:
    app: App = example.create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "shop.sqlite3"), "SECRET_KEY": "test"}
    )
    return app


@pytest.fixture
def client(app: App) -> TestClient:
    return app.test_client()


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def token_for(client: TestClient, user: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", headers=basic(user, user))
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.json['access_token']}"}


ADMIN_KEY = {"X-API-Key": "demo-admin-key"}


def test_reading_is_public(client: TestClient) -> None:
    assert client.get("/api/v1/authors/").json == []
    assert client.get("/api/v1/books/?author_id=1").json == []


def test_writing_needs_credentials(client: TestClient) -> None:
    response = client.post("/api/v1/authors/", json={"name": "Le Guin"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="bookshop", APIKey realm="bookshop", in="header", name="X-API-Key"'
    )


def test_an_admin_token_writes_and_a_reader_token_is_forbidden(client: TestClient) -> None:
    admin = token_for(client, "admin")
    author = client.post("/api/v1/authors/", json={"name": "Le Guin"}, headers=admin)
    assert author.status_code == 201
    assert author.headers["Location"].endswith("/api/v1/authors/1")
    book = client.post("/api/v1/books/", json={"title": "Earthsea", "author_id": 1}, headers=admin)
    assert book.json == {"id": 1, "title": "Earthsea", "author_id": 1}

    reader = token_for(client, "reader")
    denied = client.delete("/api/v1/books/1", headers=reader)
    assert denied.status_code == 403
    assert denied.json["missing_permissions"] == ["admin"]
    assert client.delete("/api/v1/books/1", headers=admin).status_code == 204
    assert client.get("/api/v1/books/").json == []


def test_an_api_key_with_the_admin_permission_writes(client: TestClient) -> None:
    created = client.post("/api/v1/authors/", json={"name": "Austen"}, headers=ADMIN_KEY)
    assert created.status_code == 201
    wrong = client.post("/api/v1/authors/", json={"name": "x"}, headers={"X-API-Key": "nope"})
    assert wrong.status_code == 401


def test_wrong_passwords_and_forged_tokens_are_401(client: TestClient) -> None:
    assert client.post("/api/v1/tokens", headers=basic("admin", "wrong")).status_code == 401
    assert client.post("/api/v1/tokens", headers=basic("nobody", "x")).status_code == 401
    forged = {"Authorization": "Bearer WyJhZG1pbiIsdHJ1ZV0.aaaa.bbbb"}
    assert client.get("/api/v1/me", headers=forged).status_code == 401


def test_me_names_the_caller(client: TestClient) -> None:
    assert client.get("/api/v1/me", headers=token_for(client, "reader")).json == {
        "name": "reader",
        "permissions": [],
    }
    assert client.get("/api/v1/me", headers=ADMIN_KEY).json == {
        "name": "integration",
        "permissions": ["admin"],
    }


def test_a_book_needs_a_known_author(client: TestClient) -> None:
    response = client.post("/api/v1/books/", json={"title": "x", "author_id": 9}, headers=ADMIN_KEY)
    assert response.status_code == 422
    assert response.json["detail"] == "There is no author 9."


def _a_book(client: TestClient) -> str:
    """Add Earthsea by Le Guin; return the book's ETag."""
    client.post("/api/v1/authors/", json={"name": "Le Guin"}, headers=ADMIN_KEY)
    client.post("/api/v1/books/", json={"title": "Earthsea", "author_id": 1}, headers=ADMIN_KEY)
    etag: str = client.get("/api/v1/books/1").headers["ETag"]
    return etag


def test_a_book_has_an_etag_and_if_none_match_with_it_gives_304(client: TestClient) -> None:
    etag = _a_book(client)
    assert etag.startswith('"') and etag.endswith('"')
    unchanged = client.get("/api/v1/books/1", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""


def test_changing_a_book_needs_if_match_and_a_stale_one_is_412(client: TestClient) -> None:
    etag = _a_book(client)
    body = {"title": "A Wizard of Earthsea", "author_id": 1}
    missing = client.put("/api/v1/books/1", json=body, headers=ADMIN_KEY)
    assert missing.status_code == 428
    assert missing.mimetype == "application/problem+json"

    replaced = client.put("/api/v1/books/1", json=body, headers={**ADMIN_KEY, "If-Match": etag})
    assert replaced.status_code == 200
    assert replaced.json == {"id": 1, "title": "A Wizard of Earthsea", "author_id": 1}
    new_etag = replaced.headers["ETag"]
    assert new_etag != etag
    assert client.get("/api/v1/books/1").headers["ETag"] == new_etag

    # A second client still holding the first ETag cannot overwrite the change.
    stale = client.patch(
        "/api/v1/books/1", json={"title": "Earthsea"}, headers={**ADMIN_KEY, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json["title"] == "Precondition Failed"
    assert client.get("/api/v1/books/1").json["title"] == "A Wizard of Earthsea"

    retitled = client.patch(
        "/api/v1/books/1", json={"title": "Earthsea"}, headers={**ADMIN_KEY, "If-Match": new_etag}
    )
    assert retitled.status_code == 200
    assert retitled.json["title"] == "Earthsea"


def test_patching_a_book_is_a_merge_patch_checked_as_a_whole_book(client: TestClient) -> None:
    etag = _a_book(client)
    client.post("/api/v1/authors/", json={"name": "Jemisin"}, headers=ADMIN_KEY)
    headers = {**ADMIN_KEY, "If-Match": etag, "Content-Type": "application/merge-patch+json"}
    moved = client.patch("/api/v1/books/1", data=b'{"author_id": 2}', headers=headers)
    assert moved.status_code == 200, moved.json
    assert moved.json == {"id": 1, "title": "Earthsea", "author_id": 2}

    headers["If-Match"] = moved.headers["ETag"]
    # title takes no null, and an empty title breaks its bound: each at its pointer.
    for patch, pointer in ((b'{"title": null}', "/title"), (b'{"title": ""}', "/title")):
        refused = client.patch("/api/v1/books/1", data=patch, headers=headers)
        assert refused.status_code == 422
        assert [error["pointer"] for error in refused.json["errors"]] == [pointer]
    unknown = client.patch("/api/v1/books/1", data=b'{"author_id": 99}', headers=headers)
    assert unknown.status_code == 422
    assert client.get("/api/v1/books/1").json["author_id"] == 2

    spec = client.get("/openapi.json").json
    patch_op = spec["paths"]["/api/v1/books/{book_id}"]["patch"]
    assert list(patch_op["requestBody"]["content"]) == ["application/merge-patch+json"]


def test_credentials_are_checked_before_preconditions(client: TestClient) -> None:
    etag = _a_book(client)
    response = client.put(
        "/api/v1/books/1", json={"title": "x", "author_id": 1}, headers={"If-Match": etag}
    )
    assert response.status_code == 401


def test_the_document_describes_the_etags(app: App) -> None:
    document = app.openapi()
    book = document["paths"]["/api/v1/books/{book_id}"]
    assert "ETag" in book["get"]["responses"]["200"]["headers"]
    assert "304" in book["get"]["responses"]
    for method in ("put", "patch"):
        if_match = next(p for p in book[method]["parameters"] if p["name"] == "If-Match")
        assert if_match["required"] is True
        assert {"412", "428"} <= set(book[method]["responses"])
    assert "428" not in book["delete"]["responses"]


def test_the_database_provider_can_be_overridden(
    example: ModuleType, app: App, client: TestClient, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite3"
    example.init_database(str(other), {}, {})
    connection = sqlite3.connect(other)
    connection.row_factory = sqlite3.Row
    connection.execute("INSERT INTO author (name) VALUES ('From the fake')")
    connection.commit()
    with client.override(example.Database, example.Database(connection)):
        assert client.get("/api/v1/authors/").json == [{"id": 1, "name": "From the fake"}]
    assert client.get("/api/v1/authors/").json == []
    connection.close()


def test_the_document_describes_the_security(app: App) -> None:
    document = app.openapi()
    validate(document)  # type: ignore[arg-type]
    assert sorted(document["components"]["securitySchemes"]) == [
        "apiKeyAuth",
        "basicAuth",
        "bearerAuth",
    ]
    books = document["paths"]["/api/v1/books/"]
    assert "security" not in books["get"]
    assert books["post"]["security"] == [{"bearerAuth": ["admin"]}, {"apiKeyAuth": ["admin"]}]
    assert {"401", "403"} <= set(books["post"]["responses"])
    assert document["paths"]["/api/v1/tokens"]["post"]["security"] == [{"basicAuth": []}]


# -- pages, CORS and API-wide errors -------------------------------------------------------------

FRONT_END = "http://localhost:3000"


def _links(response: Any) -> dict[str, str]:
    links = {}
    for part in response.headers["Link"].split(", "):
        url, rel = part.split("; ")
        links[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return links


def test_an_authors_books_come_a_page_at_a_time_with_link_headers(client: TestClient) -> None:
    assert client.post("/api/v1/authors/", json={"name": "Le Guin"}, headers=ADMIN_KEY).json == {
        "id": 1,
        "name": "Le Guin",
    }
    for title in ("Earthsea", "The Tombs of Atuan", "The Farthest Shore"):
        created = client.post(
            "/api/v1/books/", json={"title": title, "author_id": 1}, headers=ADMIN_KEY
        )
        assert created.status_code == 201
    first = client.get("/api/v1/authors/1/books/?limit=2")
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/json"
    base = "http://localhost/api/v1/authors/1/books/"
    assert _links(first) == {
        "first": f"{base}?limit=2&offset=0",
        "next": f"{base}?limit=2&offset=2",
        "last": f"{base}?limit=2&offset=2",
    }
    assert first.json == {
        "items": [
            {"id": 1, "title": "Earthsea", "author_id": 1},
            {"id": 2, "title": "The Tombs of Atuan", "author_id": 1},
        ],
        "next": f"{base}?limit=2&offset=2",
        "prev": None,
        "total": 3,
    }
    second = client.get(first.json["next"])
    assert second.json["items"] == [{"id": 3, "title": "The Farthest Shore", "author_id": 1}]
    assert second.json["next"] is None
    assert set(_links(second)) == {"first", "prev", "last"}


def test_the_books_of_an_unknown_author_are_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/authors/9/books/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json == {
        "type": "about:blank",
        "title": "Author not found",
        "status": 404,
        "detail": "There is no author 9.",
    }


def test_the_document_shows_the_paging_parameters_and_the_link_header(app: App) -> None:
    operation = app.openapi()["paths"]["/api/v1/authors/{author_id}/books/"]["get"]
    assert [(p["name"], p["in"]) for p in operation["parameters"]] == [
        ("author_id", "path"),
        ("offset", "query"),
        ("limit", "query"),
    ]
    assert operation["parameters"][2]["schema"]["maximum"] == 100
    assert "Link" in operation["responses"]["200"]["headers"]


def test_the_front_end_may_call_the_api_across_origins(client: TestClient) -> None:
    preflight = client.options(
        "/api/v1/books/",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert "Content-Type" not in preflight.headers
    assert preflight.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST"
    assert preflight.headers["Access-Control-Allow-Headers"] == (
        "Content-Type, Authorization, X-API-Key, If-Match, If-None-Match"
    )
    assert preflight.headers["Access-Control-Max-Age"] == "600"
    assert preflight.headers["Vary"] == "Origin"
    read = client.get("/api/v1/authors/", headers={"Origin": FRONT_END})
    assert read.json == []
    assert read.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert read.headers["Access-Control-Expose-Headers"] == "Link, Location, ETag"


def test_the_front_end_may_read_a_books_etag_and_change_it_with_if_match(
    client: TestClient,
) -> None:
    _a_book(client)
    read = client.get("/api/v1/books/1", headers={"Origin": FRONT_END})
    assert "ETag" in read.headers["Access-Control-Expose-Headers"].split(", ")
    preflight = client.options(
        "/api/v1/books/1",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "x-api-key, if-match, content-type",
        },
    )
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower().split(", ")
    assert {"x-api-key", "if-match", "content-type"} <= set(allowed)
    assert "PATCH" in preflight.headers["Access-Control-Allow-Methods"]
    changed = client.patch(
        "/api/v1/books/1",
        json={"title": "Earthsea!"},
        headers={**ADMIN_KEY, "Origin": FRONT_END, "If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200
    assert changed.headers["Access-Control-Allow-Origin"] == FRONT_END


def test_another_origin_gets_no_cors_headers(client: TestClient) -> None:
    response = client.get("/api/v1/authors/", headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 200
    assert response.headers["Vary"] == "Origin"
    assert not [name for name, _ in response.headers.items() if name.startswith("Access-Control-")]


def test_an_unknown_url_of_the_api_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/v1/publishers/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["title"] == "Not Found"
    # A book serves PUT and PATCH too (with If-Match), so POST is the wrong method here.
    wrong_method = client.post("/api/v1/books/1")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Content-Type"] == "application/problem+json"
    assert wrong_method.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"


# -- several processes: gunicorn with two workers ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _call(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_login_and_a_protected_call_work_whichever_gunicorn_worker_answers(
    tmp_path: Path, worker_class: str
) -> None:
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed (pip install -e '.[dev]')")
    port = _free_port()
    config = {"DATABASE": str(tmp_path / "shop.sqlite3"), "SECRET_KEY": "shared by every worker"}
    access_log = tmp_path / "access.log"
    command = [
        gunicorn,
        "--workers",
        "2",
        "--worker-class",
        worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(EXAMPLE),
        "--access-logfile",
        str(access_log),
        # The worker's pid on each line, to see which process answered.
        "--access-logformat",
        "%(p)s %(m)s %(U)s %(s)s",
        f"app:create_app({config!r})",
    ]
    base = f"http://127.0.0.1:{port}/api/v1"
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(200):
                if process.poll() is not None:
                    pytest.fail((tmp_path / "server.log").read_text())
                try:
                    _call(base + "/authors/")
                    break
                except OSError:
                    time.sleep(0.05)
            # Log in and use the token many times, each on a new connection,
            # until both workers have answered some of the calls.
            statuses = []
            for _ in range(100):
                status, body = _call(base + "/tokens", "POST", basic("admin", "admin"))
                assert status == 201, body
                bearer = {"Authorization": f"Bearer {body['access_token']}"}
                statuses.append(_call(base + "/me", headers=bearer))
                pids = {line.split()[0] for line in access_log.read_text().splitlines()}
                if len(pids) >= 2 and len(statuses) >= 10:
                    break
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert statuses and all(
        answer == (200, {"name": "admin", "permissions": ["admin"]}) for answer in statuses
    )
    lines = [line.split() for line in access_log.read_text().splitlines()]
    assert len({pid for pid, *_ in lines}) == 2, "one worker answered everything"
    assert all(status in ("200", "201") for *_, status in lines)
