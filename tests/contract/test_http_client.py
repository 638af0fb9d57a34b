"""HTTPClient: the typed calls of TypedClient, against a real server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from example_modules import EXAMPLES, import_example
from werkzeug.serving import make_server

from resourceful.contract import HTTPClient
from resourceful.errors import ProblemDetails


@pytest.fixture(scope="module")
def todo() -> ModuleType:
    return import_example(EXAMPLES / "todo" / "app.py", "todo_app_for_http_client")


@pytest.fixture
def base_url(todo: ModuleType, tmp_path: Path) -> Iterator[str]:
    app = todo.create_app({"DATABASE": str(tmp_path / "todo.sqlite3")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.mark.live
def test_typed_calls_over_http_return_the_declared_types(todo: ModuleType, base_url: str) -> None:
    # The client reads its URLs, parameters and converter from an app it never serves.
    client = HTTPClient(base_url, todo.create_app())
    created = client.call(todo.TodoResource.create, todo.NewTodo(title="milk", tags=["shop"]))
    assert isinstance(created, todo.Todo)
    assert client.call(todo.TodoResource.get, todo_id=created.id) == created
    page = client.call(todo.TodoResource.list, todo.TodoFilter(tag="shop"))
    assert isinstance(page, todo.TodoPage)
    assert [item.id for item in page.items] == [created.id]
    assert client.call(todo.TodoResource.delete, todo_id=created.id) is None


@pytest.mark.live
def test_a_problem_over_http_is_problem_details(todo: ModuleType, base_url: str) -> None:
    client = HTTPClient(base_url + "/", todo.create_app())
    assert client.call(todo.TodoResource.get, todo_id=999) == ProblemDetails(
        status=404, title="Todo not found", detail="There is no todo with id 999."
    )
