from collections.abc import Callable
from typing import Any

import attrs
import pytest
from werkzeug.exceptions import NotFound

from resourceful import App, Blueprint, g, request_finished, session, url_for
from resourceful.errors import DefinitionError, Problem
from resourceful.helpers import abort
from resourceful.operation import Operation
from resourceful.render import Reply, created
from resourceful.resources import Resource, ResourceView, operation


@attrs.define
class Todo:
    id: int
    title: str


@attrs.define
class NewTodo:
    title: str


class TodoResource(Resource):
    """Todos: things to do."""

    tags = ("todos",)

    def __init__(self) -> None:
        self.items: dict[int, Todo] = {1: Todo(1, "milk")}

    def list(self) -> list[Todo]:
        """List every todo.

        Ordered by id.
        """
        return list(self.items.values())

    def create(self, body: NewTodo) -> Reply[Todo]:
        todo = Todo(max(self.items, default=0) + 1, body.title)
        self.items[todo.id] = todo
        return created(todo, url_for("todo", todo_id=todo.id))

    def get(self, todo_id: int) -> Todo:
        if todo_id not in self.items:
            abort(404, f"No todo with id {todo_id}.")
        return self.items[todo_id]

    @operation(deprecated=True, summary="Rename a todo.")
    def update(self, todo_id: int, body: NewTodo) -> Todo:
        todo = self.get(todo_id)
        todo.title = body.title
        return todo

    def delete(self, todo_id: int) -> None:
        self.items.pop(todo_id, None)


@pytest.fixture
def app() -> App:
    app = App(__name__)
    app.config["TESTING"] = True
    app.secret_key = "test"
    return app


@pytest.fixture
def todos(app: App) -> App:
    app.add_resource(TodoResource, "/todos/<int:todo_id>")
    return app


# -- rules and endpoints -------------------------------------------------------------------------


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


def test_endpoint_default_comes_from_the_class_name(app: App) -> None:
    class ShoppingListResource(Resource):
        def get(self) -> Todo:
            return Todo(1, "a")

    app.add_resource(ShoppingListResource, "/list")
    assert [r.endpoint for r in app.url_map.iter_rules() if r.rule == "/list"] == ["shopping_list"]


def test_endpoint_option_names_both_rules(app: App) -> None:
    app.add_resource(TodoResource, "/tasks/<int:todo_id>", endpoint="task")
    with app.test_request_context():
        assert url_for("task_list") == "/tasks/"
        assert url_for("task", todo_id=1) == "/tasks/1"


def test_class_attributes_give_rule_and_endpoints(app: App) -> None:
    class Notes(TodoResource):
        rule = "/notes/<int:todo_id>"
        endpoint = "note"
        collection_endpoint = "notes"

    app.add_resource(Notes)
    with app.test_request_context():
        assert url_for("notes") == "/notes/"
        assert url_for("note", todo_id=1) == "/notes/1"


def test_collection_rule_option_overrides_the_derived_rule(app: App) -> None:
    app.add_resource(TodoResource, "/todos/<int:todo_id>", collection_rule="/all-todos")
    assert app.test_client().get("/all-todos").status_code == 200


def test_decorator_form_registers_and_returns_the_class(app: App) -> None:
    @app.resource("/ping")
    class Ping(Resource):
        def get(self) -> dict[str, bool]:
            return {"pong": True}

    assert issubclass(Ping, Resource)
    assert app.test_client().get("/ping").get_json() == {"pong": True}


def test_collection_only_class_serves_the_rule_as_given(app: App) -> None:
    class Feed(Resource):
        def list(self) -> list[Todo]:
            return []

    app.add_resource(Feed, "/feed")
    assert app.test_client().get("/feed").get_json() == []


def test_instance_registration_uses_that_instance(app: App) -> None:
    resource = TodoResource()
    resource.items[5] = Todo(5, "five")
    app.add_resource(resource, "/todos/<int:todo_id>")
    assert app.test_client().get("/todos/5").get_json() == {"id": 5, "title": "five"}


def test_one_instance_is_reused_by_default(todos: App) -> None:
    client = todos.test_client()
    client.post("/todos/", json={"title": "kept"})
    assert client.get("/todos/2").status_code == 200


def test_init_every_request_creates_an_instance_per_request(app: App) -> None:
    class Fresh(TodoResource):
        init_every_request = True
        endpoint = "todo"

    app.add_resource(Fresh, "/todos/<int:todo_id>")
    client = app.test_client()
    client.post("/todos/", json={"title": "lost"})
    assert client.get("/todos/2").status_code == 404


# -- the pipeline -------------------------------------------------------------------------------


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


def test_resources_on_blueprints_get_prefix_and_dotted_endpoints(app: App) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_resource(TodoResource, "/todos/<int:todo_id>")
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/api/todos/1").get_json() == {"id": 1, "title": "milk"}
    with app.test_request_context():
        assert url_for("api.todo_list") == "/api/todos/"


def test_blueprint_resource_types_are_checked_when_the_blueprint_is_registered(app: App) -> None:
    class Opaque:
        pass

    @attrs.define
    class Holder:
        thing: Opaque

    class Holders(Resource):
        def get(self) -> Holder:
            return Holder(Opaque())

    bp = Blueprint("api", __name__)
    bp.add_resource(Holders, "/holders")
    with pytest.raises(DefinitionError, match=r"Holders.get: its return type"):
        app.register_blueprint(bp)


# -- the records ----------------------------------------------------------------------------


def test_view_functions_carry_operation_records_for_openapi(app: App) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_resource(TodoResource, "/todos/<int:todo_id>")
    app.register_blueprint(bp)
    found: dict[tuple[str, str], Operation] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method, op in getattr(view, "operations", {}).items():
            found[(rule.rule, method)] = op
    assert sorted(found) == [
        ("/api/todos/", "GET"),
        ("/api/todos/", "POST"),
        ("/api/todos/<int:todo_id>", "DELETE"),
        ("/api/todos/<int:todo_id>", "GET"),
        ("/api/todos/<int:todo_id>", "PATCH"),
    ]
    create = found[("/api/todos/", "POST")]
    assert (create.handler_name, create.status, create.response_type) == ("create", 201, Todo)
    assert create.body is not None and create.body.type is NewTodo
    assert create.operation_id == "createTodo"
    assert found[("/api/todos/", "GET")].operation_id == "listTodos"


def test_operation_metadata_comes_from_docstrings_class_and_decorator(todos: App) -> None:
    view = todos.view_functions["todo_list"]
    assert isinstance(view, ResourceView)
    listing = view.operations["GET"]
    assert listing.summary == "List every todo."
    assert listing.description == "Ordered by id."
    assert listing.tags == ("todos",)
    assert listing.deprecated is False
    update = todos.view_functions["todo"].operations["PATCH"]  # type: ignore[attr-defined]
    assert update.summary == "Rename a todo."
    assert update.deprecated is True
    delete = todos.view_functions["todo"].operations["DELETE"]  # type: ignore[attr-defined]
    assert (delete.status, delete.response_type) == (204, None)


def test_operation_decorator_sets_id_tags_and_security(app: App) -> None:
    class Secure(Resource):
        security = ({"bearer": ()},)

        @operation(operation_id="readSecret", tags=["secrets"])
        def get(self) -> Todo:
            return Todo(1, "x")

        @operation(security=[])
        def delete(self) -> None:
            pass

    app.add_resource(Secure, "/secret")
    ops = app.view_functions["secure"].operations  # type: ignore[attr-defined]
    assert (ops["GET"].operation_id, ops["GET"].tags) == ("readSecret", ("secrets",))
    assert ops["GET"].security == ({"bearer": ()},)
    assert ops["DELETE"].security == ()


def test_view_function_looks_like_a_view(todos: App) -> None:
    view: Any = todos.view_functions["todo"]
    assert view.view_class is TodoResource
    assert view.__name__ == "todo"
    assert view.__doc__ == "Todos: things to do."
    assert view.methods == ("DELETE", "GET", "PATCH")


# -- definition mistakes -----------------------------------------------------------------------


def test_mixing_method_named_and_action_named_handlers_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:

        class Mixed(Resource):
            def post(self) -> None:
                pass

            def list(self) -> None:
                pass

    assert str(info.value) == (
        "Mixed mixes handlers named after HTTP methods (post) with handlers named after"
        " actions (list). Use one style: get/post/put/patch/delete for one rule, or"
        " list/create/get/replace/update/delete for a collection and its members."
    )


def test_head_handler_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:

        class Wrong(Resource):
            def head(self) -> None:
                pass

    assert (
        str(info.value)
        == "Wrong.head: head is not a resource handler; remove it: HEAD is answered by get."
    )


@attrs.define
class _Note:
    text: str


def test_handlers_named_after_http_methods_serve_the_rule_as_given() -> None:
    app = App(__name__)
    notes: dict[int, str] = {1: "milk"}

    @app.resource("/notes/<int:note_id>")
    class Note(Resource):
        def get(self, note_id: int) -> _Note:
            return _Note(notes[note_id])

        def post(self, note_id: int, body: _Note) -> _Note:
            notes[note_id] = body.text
            return body

        @operation(status=202)
        def put(self, note_id: int, body: _Note) -> _Note:
            notes[note_id] = body.text
            return body

        def patch(self, note_id: int, body: _Note) -> _Note:
            notes[note_id] += body.text
            return _Note(notes[note_id])

        def delete(self, note_id: int) -> None:
            del notes[note_id]

    client = app.test_client()
    assert client.get("/notes/1").json == {"text": "milk"}
    assert client.post("/notes/2", json={"text": "tea"}).status_code == 200
    assert client.put("/notes/2", json={"text": "coffee"}).status_code == 202
    assert client.patch("/notes/2", json={"text": "!"}).json == {"text": "coffee!"}
    assert client.delete("/notes/2").status_code == 204
    assert notes == {1: "milk"}
    # One rule, no collection rule, every handler on it.
    assert [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint == "note"] == [
        "/notes/<int:note_id>"
    ]
    assert "note_list" not in app.view_functions
    operations = app.view_functions["note"].operations  # type: ignore[attr-defined]
    assert sorted(operations) == ["DELETE", "GET", "PATCH", "POST", "PUT"]
    assert operations["POST"].operation_id == "postNote"


def test_handler_without_return_annotation_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:

        class Loose(Resource):
            def get(self):  # type: ignore[no-untyped-def]
                pass

    assert str(info.value) == (
        "Loose.get has no return annotation; it is the response schema. Annotate it, for"
        " example `-> Todo`, `-> list[Todo]`, `-> Reply[Todo]` or `-> None`."
    )


def test_parameter_without_annotation_names_class_and_handler(app: App) -> None:
    class Untyped(Resource):
        def get(self, page) -> None:  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(DefinitionError, match=r"^Untyped.get: parameter 'page' has no annotation"):
        app.add_resource(Untyped, "/untyped")


def test_resource_without_handlers_is_a_definition_error(app: App) -> None:
    class Empty(Resource):
        pass

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Empty, "/empty")
    assert str(info.value) == (
        "Empty defines no handlers. Add at least one of list, create (the collection) or get,"
        " replace, update, delete (one member)."
    )


def test_missing_rule_is_a_definition_error(app: App) -> None:
    with pytest.raises(DefinitionError) as info:
        app.add_resource(TodoResource)
    assert str(info.value) == (
        "add_resource(TodoResource) needs a rule: pass one, as in"
        " app.add_resource(TodoResource, '/todos/<int:todo_id>'), or set `rule = ...` on the class."
    )


def test_collection_and_member_need_a_trailing_variable(app: App) -> None:
    with pytest.raises(DefinitionError) as info:
        app.add_resource(TodoResource, "/todos/")
    assert str(info.value) == (
        "TodoResource has collection handlers (list, create) and member handlers (get,"
        " replace, update, delete), so its rule must end with the member variable, such as"
        " '/todos/<int:todo_id>'; got '/todos/'. Or pass collection_rule=... to add_resource."
    )


def test_two_operations_for_one_rule_and_method_is_a_definition_error(app: App) -> None:
    class Both(Resource):
        def list(self) -> list[Todo]:
            return []

        def get(self) -> Todo:
            return Todo(1, "a")

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Both, "/both", collection_rule="/both")
    assert str(info.value) == (
        "Both.list and Both.get both handle GET /both. Give the member rule a trailing variable"
        " (such as '/todos/<int:todo_id>') or pass collection_rule=..., so each handler has its"
        " own rule."
    )


def test_rule_and_method_served_by_another_endpoint_is_a_definition_error(todos: App) -> None:
    class Again(Resource):
        def get(self, todo_id: int) -> Todo:
            return Todo(todo_id, "again")

    with pytest.raises(DefinitionError) as info:
        todos.add_resource(Again, "/todos/<int:todo_id>")
    assert str(info.value) == (
        "Again registers GET /todos/<int:todo_id> (endpoint 'again'), which endpoint 'todo'"
        " already serves. Two operations cannot share a rule and method: change one of the rules."
    )


def test_methods_option_is_a_definition_error(app: App) -> None:
    with pytest.raises(DefinitionError, match=r"methods come from the handlers"):
        app.add_resource(TodoResource, "/todos/<int:todo_id>", methods=["GET"])


def test_non_resource_is_a_definition_error(app: App) -> None:
    with pytest.raises(DefinitionError, match=r"add_resource\(\) takes a Resource subclass"):
        app.add_resource(Todo, "/todo")  # type: ignore[arg-type]


def test_unsupported_return_type_is_a_definition_error(app: App) -> None:
    class Opaque:
        pass

    class Weird(Resource):
        def get(self) -> Opaque:
            return Opaque()

    with pytest.raises(DefinitionError, match=r"^Weird.get: its return type .*Opaque"):
        app.add_resource(Weird, "/weird")


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


# -- invalid input: the app's error handling sees it as before ----------------------------------


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
    from resourceful import Blueprint
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
