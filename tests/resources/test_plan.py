"""Planning a resource: its rules, endpoints and operation records."""

import pytest
from models import NewTodo, Todo, TodoResource

from resourceful import App, Blueprint, url_for
from resourceful.errors import DefinitionError
from resourceful.operation import Operation
from resourceful.resources import Resource, ResourceView, operation, plan_rules


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


def test_collection_only_class_serves_the_rule_as_given(app: App) -> None:
    class Feed(Resource):
        def list(self) -> list[Todo]:
            return []

    app.add_resource(Feed, "/feed")
    assert app.test_client().get("/feed").get_json() == []


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


def test_plan_rules_gives_each_rule_its_endpoint_and_operations_without_an_app() -> None:
    collection, member = plan_rules(TodoResource, "/todos/<int:todo_id>")

    assert (collection.rule, collection.endpoint, sorted(collection.operations)) == (
        "/todos/",
        "todo_list",
        ["GET", "POST"],
    )
    assert (member.rule, member.endpoint, sorted(member.operations)) == (
        "/todos/<int:todo_id>",
        "todo",
        ["DELETE", "GET", "PATCH"],
    )
    assert member.operations["GET"].operation_id == "getTodo"
    assert collection.operations["GET"].operation_id == "listTodos"
    assert [p.name for p in member.operations["GET"].params] == ["todo_id"]


def test_endpoint_option_names_both_endpoints_and_operation_ids() -> None:
    collection, member = plan_rules(TodoResource, "/todos/<int:todo_id>", endpoint="shopping_item")

    assert (collection.endpoint, member.endpoint) == ("shopping_item_list", "shopping_item")
    assert member.operations["GET"].operation_id == "getShoppingItem"
    assert collection.operations["GET"].operation_id == "listShoppingItems"
