"""TypedClient.call: handlers called with their own types, typed results back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from example_modules import EXAMPLES, import_example

from resourceful import App, Cookie, Header, Query, Resource, Response
from resourceful.contract import TypedClient, UnexpectedResponse
from resourceful.errors import FieldError, ProblemDetails


@pytest.fixture(scope="module")
def todo() -> ModuleType:
    return import_example(EXAMPLES / "todo" / "app.py", "todo_app_for_typed_client")


@pytest.fixture
def client(todo: ModuleType, tmp_path: Path) -> TypedClient:
    app = todo.create_app({"TESTING": True, "DATABASE": str(tmp_path / "todo.sqlite3")})
    return TypedClient(app.test_client())


def test_a_json_body_goes_in_and_the_declared_type_comes_back(
    todo: ModuleType, client: TypedClient
) -> None:
    created = client.call(todo.TodoResource.create, todo.NewTodo(title="milk", tags=["shop"]))
    assert isinstance(created, todo.Todo)
    assert (created.title, created.tags, created.done) == ("milk", ["shop"], False)
    assert isinstance(created.created_at, dt.datetime)


def test_path_variables_build_the_url_from_the_rule(todo: ModuleType, client: TypedClient) -> None:
    created = client.call(todo.TodoResource.create, todo.NewTodo(title="milk"))
    assert client.call(todo.TodoResource.get, todo_id=created.id) == created
    assert client.call(todo.TodoResource.get, created.id) == created


def test_a_query_group_is_sent_field_by_field(todo: ModuleType, client: TypedClient) -> None:
    for title, tags in (("milk", ["shop"]), ("bread", ["shop"]), ("taxes", [])):
        client.call(todo.TodoResource.create, todo.NewTodo(title=title, tags=tags))
    page = client.call(todo.TodoResource.list, todo.TodoFilter(tag="shop", limit=1))
    assert isinstance(page, todo.TodoPage)
    assert (page.total, page.limit, [item.title for item in page.items]) == (2, 1, ["milk"])
    done = client.call(todo.TodoResource.list, todo.TodoFilter(done=False))
    assert done.total == 3


def test_no_content_is_none(todo: ModuleType, client: TypedClient) -> None:
    created = client.call(todo.TodoResource.create, todo.NewTodo(title="milk"))
    assert client.call(todo.TodoResource.delete, todo_id=created.id) is None


def test_a_problem_response_is_problem_details(todo: ModuleType, client: TypedClient) -> None:
    assert client.call(todo.TodoResource.get, todo_id=999) == ProblemDetails(
        status=404, title="Todo not found", detail="There is no todo with id 999."
    )


def test_a_validation_problem_keeps_its_errors(todo: ModuleType, client: TypedClient) -> None:
    with attrs.validators.disabled():
        too_many = todo.TodoFilter(limit=500)
    problem = client.call(todo.TodoResource.list, too_many)
    assert isinstance(problem, ProblemDetails)
    assert problem.status == 422
    assert problem.errors == (FieldError("query", "/limit", problem.errors[0].detail),)


@attrs.define
class Trace:
    request_id: str
    hops: int = 0


@attrs.define
class Echo:
    seen: dict[str, Any]


class EchoResource(Resource):
    def get(
        self,
        trace: Header[Trace],
        lang: Cookie[str] = "en",
        verbose: Query[bool] = False,
    ) -> Echo:
        return Echo({"id": trace.request_id, "hops": trace.hops, "lang": lang, "verbose": verbose})


def test_headers_cookies_and_single_query_values_are_sent(app: App) -> None:
    app.add_resource(EchoResource, "/echo")
    client = TypedClient(app.test_client())
    echo = client.call(EchoResource.get, Trace("r-1", 2), lang="fr", verbose=True)
    assert echo == Echo({"id": "r-1", "hops": 2, "lang": "fr", "verbose": True})
    # The cookie stays in the client's jar, as a browser keeps it.
    echo = client.call(EchoResource.get, trace=Trace("r-2"))
    assert echo == Echo({"id": "r-2", "hops": 0, "lang": "fr", "verbose": False})


def test_a_client_without_a_cookie_jar_sends_cookies_in_the_header(app: App) -> None:
    app.add_resource(EchoResource, "/echo")
    client = TypedClient(app.test_client(use_cookies=False))
    assert client.call(EchoResource.get, Trace("r-1"), lang="fr").seen["lang"] == "fr"
    assert client.call(EchoResource.get, Trace("r-1")).seen["lang"] == "en"


class RawResource(Resource):
    def get(self) -> Response:
        return Response("plain", mimetype="text/plain")

    def post(self) -> int:
        return 1


def test_a_handler_returning_a_response_gets_the_response(app: App) -> None:
    app.add_resource(RawResource, "/raw")
    response = TypedClient(app.test_client()).call(RawResource.get)
    assert response.get_data(as_text=True) == "plain"


def test_an_answer_that_is_neither_declared_nor_a_problem_raises(app: App) -> None:
    app.add_resource(RawResource, "/raw")

    @app.after_request
    def break_it(response: Response) -> Response:
        return Response("<h1>teapot</h1>", status=418, mimetype="text/html")

    with pytest.raises(UnexpectedResponse) as caught:
        TypedClient(app.test_client()).call(RawResource.post)
    assert str(caught.value) == (
        "POST for RawResource.post answered 418 I'M A TEAPOT (text/html), which is neither a"
        " declared success nor a problem: '<h1>teapot</h1>'"
    )


def test_a_handler_of_no_registered_resource_is_a_lookup_error(app: App) -> None:
    with pytest.raises(LookupError) as caught:
        TypedClient(app.test_client()).call(RawResource.get)
    assert str(caught.value) == (
        "RawResource.get serves no operation of app 'test_app'; register its resource with"
        " app.add_resource() (or @app.resource) first."
    )


def test_arguments_that_do_not_fit_the_handler_are_a_type_error(
    todo: ModuleType, client: TypedClient
) -> None:
    with pytest.raises(TypeError) as caught:
        client.call(todo.TodoResource.get, id=3)
    assert str(caught.value) == (
        "Cannot call TodoResource.get: missing a required argument: 'todo_id'."
    )
