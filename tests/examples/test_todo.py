"""The todo example: a typed CRUD API over SQLite."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from example_modules import import_example

from resourceful import App
from resourceful.testing import TestClient

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "todo"


@pytest.fixture(scope="module")
def example() -> Iterator[ModuleType]:
    try:
        yield import_example(EXAMPLE / "app.py", "todo_example_app")
    finally:
        sys.modules.pop("todo_example_app", None)


@pytest.fixture
def app(example: ModuleType, tmp_path: Path) -> App:
    app: App = example.create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "db" / "todo.sqlite3")}
    )
    return app


@pytest.fixture
def client(app: App) -> TestClient:
    return app.test_client()


def add(client: TestClient, title: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/todos/", json={"title": title, **extra})
    assert response.status_code == 201, response.get_json()
    data: dict[str, Any] = response.get_json()
    return data


def test_database_is_created_on_first_request(app: App, client: TestClient, tmp_path: Path) -> None:
    database = tmp_path / "db" / "todo.sqlite3"
    assert not database.exists()
    assert client.get("/todos/").get_json() == {"items": [], "total": 0, "limit": 20, "offset": 0}
    assert database.exists()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM todo").fetchone() == (0,)


def test_database_path_defaults_to_the_instance_folder(example: ModuleType) -> None:
    app = example.create_app()
    assert app.config["DATABASE"] == str(Path(app.instance_path) / "todo.sqlite3")


def test_create_returns_201_with_location_and_the_todo(client: TestClient) -> None:
    response = client.post("/todos/", json={"title": "milk", "due": "2030-01-02", "tags": ["shop"]})
    assert response.status_code == 201
    assert response.headers["Location"] == "/todos/1"
    body = response.get_json()
    assert body["id"] == 1
    assert (body["title"], body["done"], body["due"], body["tags"]) == (
        "milk",
        False,
        "2030-01-02",
        ["shop"],
    )
    assert "createdAt" in body


def test_get_replace_update_delete(client: TestClient) -> None:
    todo = add(client, "milk")
    url = f"/todos/{todo['id']}"
    assert client.get(url).get_json()["title"] == "milk"
    replaced = client.put(url, json={"title": "oat milk", "done": True}).get_json()
    assert (replaced["title"], replaced["done"], replaced["tags"]) == ("oat milk", True, [])
    updated = client.patch(url, json={"done": False}).get_json()
    assert (updated["title"], updated["done"]) == ("oat milk", False)
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_missing_todo_is_a_problem(client: TestClient) -> None:
    response = client.get("/todos/42")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Todo not found",
        "status": 404,
        "detail": "There is no todo with id 42.",
    }
    assert client.patch("/todos/42", json={"done": True}).status_code == 404
    assert client.put("/todos/42", json={"title": "x"}).status_code == 404


def test_patch_with_null_clears_due_and_leaves_the_rest(client: TestClient) -> None:
    todo = add(client, "milk", due="2030-01-02", tags=["shop"])
    url = f"/todos/{todo['id']}"

    cleared = client.patch(url, json={"due": None}).get_json()

    assert (cleared["title"], cleared["due"], cleared["tags"]) == ("milk", None, ["shop"])
    assert client.get(url).get_json()["due"] is None


def test_patch_with_null_title_is_a_422_naming_title(client: TestClient) -> None:
    todo = add(client, "milk")

    response = client.patch(f"/todos/{todo['id']}", json={"title": None})

    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "location": "body",
            "pointer": "/title",
            "detail": "is required and takes no null; in a merge patch null deletes the field,"
            " so send a value or leave it out",
        }
    ]
    assert client.get(f"/todos/{todo['id']}").get_json()["title"] == "milk"


def test_patch_takes_a_json_merge_patch(client: TestClient) -> None:
    todo = add(client, "milk", done=True, tags=["shop", "food"])

    response = client.patch(
        f"/todos/{todo['id']}",
        data='{"done": null, "tags": ["home"], "title": "oat milk"}',
        content_type="application/merge-patch+json",
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["done"], body["tags"]) == ("oat milk", False, ["home"])


def test_patch_refuses_the_fields_only_the_server_sets(client: TestClient) -> None:
    todo = add(client, "milk")

    response = client.patch(
        f"/todos/{todo['id']}",
        data='{"id": 5, "createdAt": "x"}',
        content_type="application/merge-patch+json",
    )

    assert response.status_code == 422
    assert [error["pointer"] for error in response.get_json()["errors"]] == ["/id", "/createdAt"]


def test_patch_schema_says_title_takes_no_null_and_due_does(app: App) -> None:
    document = app.openapi()
    body = document["paths"]["/todos/{todo_id}"]["patch"]["requestBody"]["content"]
    schema = document["components"]["schemas"]["MergePatch_NewTodo"]["properties"]

    assert list(body) == ["application/merge-patch+json"]
    assert schema["title"]["type"] == "string"
    assert schema["due"]["type"] == ["string", "null"]


def test_list_filters_by_done_tag_and_text(client: TestClient) -> None:
    add(client, "buy milk", tags=["shop"])
    add(client, "walk dog", done=True)
    add(client, "buy bread", tags=["shop", "bakery"], done=True)

    def titles(query: str) -> list[str]:
        return [item["title"] for item in client.get(f"/todos/?{query}").get_json()["items"]]

    assert titles("done=false") == ["buy milk"]
    assert titles("done=yes") == ["walk dog", "buy bread"]
    assert titles("tag=shop") == ["buy milk", "buy bread"]
    assert titles("q=buy&done=1") == ["buy bread"]


def test_text_search_matches_percent_underscore_and_backslash_literally(
    client: TestClient,
) -> None:
    for title in ["100% done", "1000 done", "snake_case", "snakeXcase", "back\\slash", "backslash"]:
        add(client, title)

    def titles(search: str) -> list[str]:
        response = client.get("/todos/", query_string={"q": search})
        return [item["title"] for item in response.get_json()["items"]]

    assert titles("0%") == ["100% done"]
    assert titles("%") == ["100% done"]
    assert titles("e_c") == ["snake_case"]
    assert titles("_") == ["snake_case"]
    assert titles("k\\s") == ["back\\slash"]
    assert len(titles("done")) == 2


def test_list_pages_with_limit_and_offset(client: TestClient) -> None:
    for number in range(5):
        add(client, f"todo {number}")
    page = client.get("/todos/?limit=2&offset=2").get_json()
    assert [item["title"] for item in page["items"]] == ["todo 2", "todo 3"]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)


def test_invalid_body_reports_every_problem(client: TestClient) -> None:
    response = client.post(
        "/todos/", json={"title": "", "done": "no", "tags": ["ok", ""], "due": "soon"}
    )
    assert response.status_code == 422
    assert [(e["location"], e["pointer"]) for e in response.get_json()["errors"]] == [
        ("body", "/done"),
        ("body", "/due"),
        ("body", "/title"),
        ("body", "/tags/1"),
    ]


def test_invalid_paging_is_a_query_problem(client: TestClient) -> None:
    response = client.get("/todos/?limit=0&offset=-1&done=maybe")
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/done", "/limit", "/offset"]


def test_json_content_type_is_required(client: TestClient) -> None:
    assert client.post("/todos/", data="title=milk").status_code == 415


def test_response_structures_back_into_the_type(example: ModuleType, client: TestClient) -> None:
    add(client, "milk")
    todo = client.get("/todos/1").structure(example.Todo)
    assert (todo.id, todo.title) == (1, "milk")


def test_the_store_comes_from_a_provider_that_tests_can_override(
    example: ModuleType, app: App, client: TestClient
) -> None:
    store_module = example.todo_store
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    connection.execute(store_module.SCHEMA)
    fake = store_module.TodoStore(connection)
    with app.override(store_module.TodoStore, fake):
        created = add(client, "in memory")
        assert client.get(f"/todos/{created['id']}").json["title"] == "in memory"
    # The real database never saw it.
    assert client.get("/todos/").json["total"] == 0
    connection.close()


def test_each_request_closes_its_connection(
    example: ModuleType, app: App, client: TestClient
) -> None:
    opened: list[sqlite3.Connection] = []
    store_module = example.todo_store
    real_connect = store_module.sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(real_connect(*args, **kwargs))
        return opened[-1]

    store_module.sqlite3.connect = connect
    try:
        add(client, "one")
        client.get("/todos/")
    finally:
        store_module.sqlite3.connect = real_connect
    assert len(opened) == 2
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            connection.execute("SELECT 1")
