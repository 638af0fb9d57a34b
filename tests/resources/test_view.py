"""Serving resources: the request pipeline, errors, and invalid input."""

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from models import NewTodo, Todo, TodoResource
from werkzeug.exceptions import NotFound

from resourceful import App, Blueprint, g, request_finished, session, url_for
from resourceful.errors import Problem
from resourceful.helpers import abort
from resourceful.resources import Resource, operation


def test_one_class_generates_collection_and_member_rules(todos: App) -> None:
    rules = {rule.rule: (rule.endpoint, rule.methods) for rule in todos.url_map.iter_rules()}
    assert rules["/todos/"] == ("todo_list", {"GET", "POST", "HEAD", "OPTIONS"})
    assert rules["/todos/<int:todo_id>"] == (
        "todo",
        {"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"},
    )


def test_endpoints_build_urls(todos: App) -> None:
    with todos.test_request_context():
        assert url_for("todo_list") == "/todos/"
        assert url_for("todo", todo_id=3) == "/todos/3"


def test_crud_round_trip(todos: App) -> None:
    client = todos.test_client()
    response = client.post("/todos/", json={"title": "bread"})
    assert response.status_code == 201
    assert response.headers["Location"] == "/todos/2"
    assert client.get("/todos/2").get_json() == {"id": 2, "title": "bread"}
    assert client.patch("/todos/2", json={"title": "rye"}).get_json() == {"id": 2, "title": "rye"}
    assert client.delete("/todos/2").status_code == 204
    assert [t["id"] for t in client.get("/todos/").get_json()] == [1]


def test_test_client_accepts_attrs_json_and_structures_responses(todos: App) -> None:
    client = todos.test_client()
    response = client.post("/todos/", json=NewTodo("tea"))
    assert response.structure(Todo) == Todo(2, "tea")


def test_head_uses_get_and_other_methods_give_405(todos: App) -> None:
    client = todos.test_client()
    head = client.head("/todos/1")
    assert (head.status_code, head.data) == (200, b"")
    response = client.put("/todos/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {
        "GET",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
    }


def test_options_is_automatic(todos: App) -> None:
    response = todos.test_client().options("/todos/")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_resources_run_hooks_preprocessors_signals_sessions_and_g(todos: App) -> None:
    events: list[str] = []

    @todos.url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, Any] | None) -> None:
        events.append(f"preprocess {endpoint}")

    @todos.before_request
    def before() -> None:
        g.user = "ann"
        session["seen"] = True
        events.append("before")

    @todos.after_request
    def after(response: Any) -> Any:
        events.append(f"after {g.user}")
        return response

    @todos.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    def finished(sender: Any, response: Any, **extra: Any) -> None:
        events.append(f"finished {response.status_code}")

    with request_finished.connected_to(finished, todos):
        response = todos.test_client().get("/todos/1")
    assert response.status_code == 200
    assert "session=" in response.headers["Set-Cookie"]
    assert events == ["preprocess todo", "before", "after ann", "finished 200", "teardown"]


def test_before_request_can_answer_instead_of_the_resource(todos: App) -> None:
    todos.before_request(lambda: ("blocked", 403))
    assert todos.test_client().get("/todos/1").status_code == 403


def test_abort_in_a_resource_renders_problem_json(todos: App) -> None:
    response = todos.test_client().get("/todos/9")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No todo with id 9.",
    }


def test_problem_with_its_own_type_title_and_detail(app: App) -> None:
    @app.resource("/pay")
    class Pay(Resource):
        def create(self) -> None:
            raise Problem(
                402, type="https://example.com/probs/credit", title="No credit", detail="Top up."
            )

    response = app.test_client().post("/pay")
    assert response.status_code == 402
    assert response.get_json() == {
        "type": "https://example.com/probs/credit",
        "title": "No credit",
        "status": 402,
        "detail": "Top up.",
    }


def test_error_handlers_still_see_http_errors_from_resources(todos: App) -> None:
    @todos.errorhandler(404)
    def missing(error: NotFound) -> tuple[str, int]:
        return f"custom: {error.description}", 404

    response = todos.test_client().get("/todos/9")
    assert response.get_data(as_text=True) == "custom: No todo with id 9."


def test_error_handler_for_a_class_sees_resource_errors(todos: App) -> None:
    @todos.errorhandler(NotFound)
    def missing(error: NotFound) -> tuple[str, int]:
        return "by class", 404

    assert todos.test_client().get("/todos/9").get_data(as_text=True) == "by class"


def test_plain_function_views_keep_html_errors(todos: App) -> None:
    @todos.route("/plain")
    def plain() -> str:
        abort(404)

    response = todos.test_client().get("/plain")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_class_decorators_wrap_the_view_and_operation_decorators_wrap_one_operation(
    app: App,
) -> None:
    calls: list[str] = []

    def tag(label: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(**kwargs: Any) -> Any:
                calls.append(label)
                return view(**kwargs)

            return wrapper

        return decorator

    def deny(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> Any:
            abort(401)

        return wrapper

    class Guarded(Resource):
        decorators = (tag("class inner"), tag("class outer"))

        @operation(decorators=[tag("op")])
        def get(self) -> dict[str, bool]:
            return {"ok": True}

        @operation(decorators=[deny])
        def delete(self) -> None:
            pass

    app.add_resource(Guarded, "/guarded")
    client = app.test_client()
    assert client.get("/guarded").get_json() == {"ok": True}
    assert calls == ["class outer", "class inner", "op"]
    denied = client.delete("/guarded")
    assert (denied.status_code, denied.mimetype) == (401, "application/problem+json")


def test_view_function_looks_like_a_view(todos: App) -> None:
    view: Any = todos.view_functions["todo"]
    assert view.view_class is TodoResource
    assert view.__name__ == "todo"
    assert view.__doc__ == "Todos: things to do."
    assert view.methods == ("DELETE", "GET", "PATCH")


def test_a_problem_raised_in_a_resource_propagates_as_itself(app: App) -> None:
    raised = Problem(409, detail="Taken.")

    @app.resource("/things")
    class Things(Resource):
        def list(self) -> None:
            raise raised

    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    with pytest.raises(Problem) as excinfo:
        app.test_client().get("/things")

    assert excinfo.value is raised
    # Not its own cause: that would be a reference cycle holding every frame.
    assert excinfo.value.__cause__ is None


@attrs.define
class _Named:
    name: str = attrs.field(validator=attrs.validators.min_len(1))


def _named_app() -> tuple[App, type[Resource]]:
    app = App(__name__)
    app.config["TESTING"] = True

    class NamedThing(Resource):
        def post(self, body: _Named) -> None:
            return None

    return app, NamedThing


def test_invalid_body_goes_to_a_registered_422_handler() -> None:
    app, resource = _named_app()
    app.add_resource(resource, "/things")

    @app.errorhandler(422)
    def unprocessable(error: Exception) -> tuple[str, int]:
        return "handled", 422

    response = app.test_client().post("/things", json={"name": ""})
    assert (response.status_code, response.text) == (422, "handled")


def test_invalid_body_goes_to_a_blueprint_handler_for_the_class() -> None:
    from resourceful.errors import RequestValidationError

    app, resource = _named_app()
    bp = Blueprint("api", __name__)
    bp.add_resource(resource, "/things")

    @bp.errorhandler(RequestValidationError)
    def invalid(error: RequestValidationError) -> tuple[str, int]:
        return f"{len(error.details.errors)} problem", 400

    app.register_blueprint(bp, url_prefix="/api")
    response = app.test_client().post("/api/things", json={"name": ""})
    assert (response.status_code, response.text) == (400, "1 problem")


def test_invalid_body_is_seen_by_a_resource_decorator() -> None:
    from resourceful.errors import RequestValidationError

    seen: list[int] = []

    def record_errors(view: Any) -> Any:
        def wrapper(**kwargs: Any) -> Any:
            try:
                return view(**kwargs)
            except RequestValidationError as error:
                seen.append(error.code or 0)
                raise

        return wrapper

    app, resource = _named_app()
    resource.decorators = [record_errors]
    app.add_resource(resource, "/things")
    response = app.test_client().post("/things", json={"name": ""})
    assert response.status_code == 422
    assert seen == [422]


def test_invalid_body_propagates_when_http_errors_are_trapped() -> None:
    from resourceful.errors import RequestValidationError

    app, resource = _named_app()
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    app.add_resource(resource, "/things")
    with pytest.raises(RequestValidationError):
        app.test_client().post("/things", json={"name": ""})


def test_invalid_body_runs_after_request_and_teardown_hooks_without_an_error() -> None:
    app, resource = _named_app()
    app.add_resource(resource, "/things")
    events: list[object] = []

    @app.after_request
    def after(response: Any) -> Any:
        events.append(response.status_code)
        return response

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        events.append(error)

    response = app.test_client().post("/things", json={"name": ""})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/name"
    assert events == [422, None]


def _notes(app: App, decorated: bool) -> App:
    """Register one resource; ``decorated`` wraps it in a class decorator that changes nothing."""

    def same(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> Any:
            return view(**kwargs)

        return wrapper

    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        decorators = (same,) if decorated else ()

        def get(self, note_id: int) -> Todo:
            if note_id == 404:
                abort(404, description="No such note.")
            if note_id == 409:
                raise Problem(409, detail="Taken.")
            return Todo(id=note_id, title="milk")

        def put(self, note_id: int, body: NewTodo) -> Todo:
            return Todo(id=note_id, title=body.title)

    return app


def test_an_operation_nothing_wraps_answers_as_a_wrapped_one() -> None:
    from wsgi_calls import wsgi_call

    direct, wrapped = _notes(App(__name__), False), _notes(App(__name__), True)
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("/notes/3", "GET", {}),
        ("/notes/3", "HEAD", {}),
        ("/notes/404", "GET", {}),
        ("/notes/409", "GET", {}),
        ("/notes/3", "PUT", {"json": {"title": "bread"}}),
        ("/notes/3", "PUT", {"json": {"title": 5}}),
        ("/notes/3", "DELETE", {}),
    ]
    for path, method, builder in cases:
        expected = wsgi_call(wrapped, path, method, **builder)[:3]
        assert wsgi_call(direct, path, method, **builder)[:3] == expected, (path, method)
    view = direct.view_functions["notes"]
    assert sorted(view._direct) == ["GET", "HEAD", "PUT"]
    assert wrapped.view_functions["notes"]._direct == {}


def test_an_operation_decorator_keeps_its_operation_off_the_direct_run() -> None:
    calls: list[str] = []

    def note(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> Any:
            calls.append("decorator")
            return view(**kwargs)

        return wrapper

    app = App(__name__)

    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        @operation(decorators=[note])
        def get(self, note_id: int) -> Todo:
            return Todo(id=note_id, title="milk")

        def put(self, note_id: int, body: NewTodo) -> Todo:
            return Todo(id=note_id, title=body.title)

    client = app.test_client()
    assert client.get("/notes/1").get_json() == {"id": 1, "title": "milk"}
    assert client.put("/notes/1", json={"title": "rye"}).get_json() == {"id": 1, "title": "rye"}
    assert calls == ["decorator"]
    assert sorted(app.view_functions["notes"]._direct) == ["PUT"]


def test_a_view_registered_on_two_apps_serves_each_with_its_own_converter() -> None:
    class Titles(Resource):
        def get(self, todo_id: int) -> Todo:
            return Todo(id=todo_id, title="milk")

    api = Blueprint("api", __name__)
    api.add_resource(Titles, "/titles/<int:todo_id>")
    plain, shouting = App(__name__), App(__name__)
    shouting.converter.register_unstructure_hook(
        Todo, lambda todo: {"id": todo.id, "title": todo.title.upper()}
    )
    plain.register_blueprint(api)
    shouting.register_blueprint(api)
    view = plain.view_functions["api.titles"]
    assert shouting.view_functions["api.titles"] is view
    clients = plain.test_client(), shouting.test_client()
    for _ in range(2):  # each app in turn: neither answers with the other's steps
        assert clients[0].get("/titles/1").get_json() == {"id": 1, "title": "milk"}
        assert clients[1].get("/titles/1").get_json() == {"id": 1, "title": "MILK"}
    assert view.operations_on(plain)["GET"] is view.operations["GET"]
    assert view.operations_on(shouting)["GET"] is view.operations["GET"]
