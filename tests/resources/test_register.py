"""Registering resources on apps and blueprints, and what registration refuses."""

import attrs
import pytest
from models import Todo, TodoResource

from resourceful import App, Blueprint, url_for
from resourceful.errors import DefinitionError
from resourceful.providers import Provided
from resourceful.resources import Resource


def test_decorator_form_registers_and_returns_the_class(app: App) -> None:
    @app.resource("/ping")
    class Ping(Resource):
        def get(self) -> dict[str, bool]:
            return {"pong": True}

    assert issubclass(Ping, Resource)
    assert app.test_client().get("/ping").get_json() == {"pong": True}


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


def test_missing_rule_is_a_definition_error(app: App) -> None:
    with pytest.raises(DefinitionError) as info:
        app.add_resource(TodoResource)
    assert str(info.value) == (
        "add_resource(TodoResource) needs a rule: pass one, as in"
        " app.add_resource(TodoResource, '/todos/<int:todo_id>'), or set `rule = ...` on the class."
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


def test_a_mistake_in_one_rule_registers_none_of_the_class_rules(app: App) -> None:
    class Broken(Resource):
        def list(self) -> list[Todo]:
            return []

        def get(self, todo_id: int, limit) -> Todo:  # type: ignore[no-untyped-def]
            return Todo(todo_id, "a")

    with pytest.raises(DefinitionError):
        app.add_resource(Broken, "/broken/<int:todo_id>")

    assert [rule.rule for rule in app.url_map.iter_rules() if "broken" in rule.rule] == []


def test_registering_a_resource_twice_names_the_class_and_the_first_place(app: App) -> None:
    app.add_resource(TodoResource, "/todos/<int:todo_id>")
    with pytest.raises(DefinitionError) as info:
        app.add_resource(TodoResource, "/todos/<int:todo_id>")
    message = str(info.value)
    assert message.startswith(
        "TodoResource is already registered on 'test_app' as endpoint 'todo_list' (first at"
    )
    assert "test_register.py:" in message
    assert "pass endpoint=... to give that registration its own name." in message


def test_a_second_registration_under_its_own_endpoint_is_accepted(app: App) -> None:
    app.add_resource(TodoResource, "/todos/<int:todo_id>")
    app.add_resource(
        TodoResource, "/v2/todos/<int:todo_id>", endpoint="todo_v2", collection_rule="/v2/todos/"
    )
    assert {"todo", "todo_v2"} <= set(app.view_functions)


def test_a_blueprint_resource_registered_twice_serves_under_both_names(app: App) -> None:
    shop = Blueprint("shop", __name__)

    @shop.resource("/items/<int:item_id>")
    class Items(Resource):
        def get(self, item_id: int) -> dict[str, int]:
            return {"id": item_id}

    app.register_blueprint(shop, url_prefix="/a")
    app.register_blueprint(shop, url_prefix="/b", name="second")
    client = app.test_client()
    assert client.get("/a/items/1").get_json() == {"id": 1}
    assert client.get("/b/items/2").get_json() == {"id": 2}
    with app.test_request_context():
        assert url_for("second.items", item_id=3) == "/b/items/3"


def test_a_resource_registered_twice_where_its_providers_differ_is_refused(app: App) -> None:
    # Finding every endpoint of the view (both registrations) is what lets
    # registration see that they resolve differently.
    shop = Blueprint("shop", __name__)

    @shop.resource("/items/<int:item_id>")
    class Items(Resource):
        def get(self, item_id: int, who: Provided[str]) -> dict[str, str]:
            return {"who": who}

    @app.provider()
    def app_who() -> str:
        return "app"

    outer = Blueprint("outer", __name__)

    @outer.provider()
    def outer_who() -> str:
        return "outer"

    app.register_blueprint(shop, url_prefix="/a")
    outer.register_blueprint(shop, url_prefix="/b")
    with pytest.raises(DefinitionError) as caught:
        app.register_blueprint(outer, url_prefix="/o")
    assert str(caught.value) == (
        f"Items is registered twice on {app!r}, in {shop!r} in {app!r} and in {shop!r} in"
        f" {outer!r} in {app!r}, which resolve its providers or security differently."
        " Register it once per app, or give both the same providers and requirements."
    )


def test_registration_leaves_the_openapi_document_to_its_first_use(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resourceful.openapi import document

    builds = []
    real = document._Builder.build

    def counting(self: document._Builder) -> dict[str, object]:
        builds.append(self.app)
        return real(self)

    monkeypatch.setattr(document._Builder, "build", counting)
    for number in range(3):
        app.add_resource(type(f"Todos{number}", (TodoResource,), {}), f"/t{number}/<int:todo_id>")
    assert builds == []
    assert len(app.openapi()["paths"]) == 6
    app.openapi()
    assert builds == [app]
