"""Resolving operations on an app: providers by scope, requirements by scope, definition errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import attrs
import pytest

from resourceful import App, Blueprint, DefinitionError, Header, Resource, operation
from resourceful.operation import operations_of
from resourceful.providers import Provide, Provided
from resourceful.security import PUBLIC, APIKey, HTTPBearer, Security


@attrs.frozen
class User:
    name: str


@attrs.frozen
class Out:
    value: str


class Database:
    def __init__(self, name: str) -> None:
        self.name = name


class A:
    pass


class B:
    pass


class Settings:
    pass


def find_user(token: str) -> User | None:
    return User("ann") if token == "good" else None


bearer = HTTPBearer(find_user)


class UsesDatabase(Resource):
    def get(self, db: Provided[Database]) -> Out:
        return Out(db.name)


def test_the_nearest_provider_wins_class_then_blueprint_then_app(app: App) -> None:
    def app_db() -> Database:
        return Database("app")

    def blueprint_db() -> Database:
        return Database("blueprint")

    def class_db() -> Database:
        return Database("class")

    class Own(UsesDatabase):
        providers = (class_db,)

    app.add_provider(app_db)
    api = Blueprint("api", __name__, url_prefix="/api")
    api.add_provider(blueprint_db)
    api.add_resource(UsesDatabase, "/bp")
    api.add_resource(Own, "/own")
    app.register_blueprint(api)
    app.add_resource(UsesDatabase, "/app", endpoint="on_app")
    client = app.test_client()
    assert client.get("/app").json == {"value": "app"}
    assert client.get("/api/bp").json == {"value": "blueprint"}
    assert client.get("/api/own").json == {"value": "class"}


def test_nested_blueprints_look_innermost_first(app: App) -> None:
    def outer_db() -> Database:
        return Database("outer")

    def inner_db() -> Database:
        return Database("inner")

    outer = Blueprint("outer", __name__, url_prefix="/o")
    inner = Blueprint("inner", __name__, url_prefix="/i")
    plain = Blueprint("plain", __name__, url_prefix="/p")
    outer.add_provider(outer_db)
    inner.add_provider(inner_db)
    inner.add_resource(UsesDatabase, "/db")
    plain.add_resource(UsesDatabase, "/db")
    outer.register_blueprint(inner)
    outer.register_blueprint(plain)
    app.register_blueprint(outer)
    client = app.test_client()
    assert client.get("/o/i/db").json == {"value": "inner"}
    assert client.get("/o/p/db").json == {"value": "outer"}


def test_a_provider_found_by_name(app: App) -> None:
    @app.provider(name="replica")
    def replica() -> Annotated[Database, "replica"]:
        return Database("replica")

    @app.provider()
    def primary() -> Database:
        return Database("primary")

    class Both(Resource):
        def get(
            self, main: Provided[Database], copy: Annotated[Database, Provide("replica")]
        ) -> Out:
            return Out(f"{main.name}+{copy.name}")

    app.add_resource(Both, "/both")
    assert app.test_client().get("/both").json == {"value": "primary+replica"}


def test_two_providers_of_one_type_in_one_place_are_refused(app: App) -> None:
    def one() -> Database:
        return Database("1")

    def two() -> Database:
        return Database("2")

    app.add_provider(one)
    with pytest.raises(DefinitionError) as info:
        app.add_provider(two)
    assert str(info.value) == (
        "app 'test_app' already has a provider for the type Database:"
        " test_two_providers_of_one_type_in_one_place_are_refused.<locals>.one. Remove one,"
        " or register test_two_providers_of_one_type_in_one_place_are_refused.<locals>.two"
        " under another name=... ."
    )


def test_a_missing_provider_is_refused_at_registration_naming_handler_and_parameter(
    app: App,
) -> None:
    with pytest.raises(DefinitionError) as info:
        app.add_resource(UsesDatabase, "/db")
    assert str(info.value) == (
        "UsesDatabase.get: parameter 'db' asks for a provided value by the type Database, but"
        " no provider for it is registered (looked in resource class UsesDatabase, app"
        " 'test_app'). Register one, e.g. @app.provider() on a function returning Database,"
        " or on the blueprint or resource class."
    )


def test_a_missing_provider_on_a_blueprint_is_refused_when_it_is_registered(app: App) -> None:
    api = Blueprint("api", __name__)
    api.add_resource(UsesDatabase, "/db")
    with pytest.raises(DefinitionError, match="looked in resource class UsesDatabase, blueprint"):
        app.register_blueprint(api)


def test_a_cycle_of_providers_is_refused(app: App) -> None:
    def make_a(b: Provided[B]) -> A:
        return A()

    def make_b(a: Provided[A]) -> B:
        return B()

    class Loop(Resource):
        def get(self, a: Provided[A]) -> Out:
            return Out("x")

    app.add_provider(make_a, A)
    app.add_provider(make_b, B)
    with pytest.raises(DefinitionError) as info:
        app.add_resource(Loop, "/loop")
    message = str(info.value)
    assert message.startswith("Loop.get: its providers form a cycle: ")
    assert "make_a -> " in message and "make_b -> " in message
    assert message.endswith("break the cycle by providing one of them differently.")


def test_an_app_scoped_provider_asking_for_a_request_value_is_refused(app: App) -> None:
    def per_request() -> Database:
        return Database("r")

    def settings(db: Provided[Database]) -> Settings:
        return Settings()

    class Uses(Resource):
        def get(self, s: Provided[Settings]) -> Out:
            return Out("x")

    app.add_provider(per_request)
    app.add_provider(settings, Settings, scope="app")
    with pytest.raises(DefinitionError, match="An app-wide value cannot depend on one request"):
        app.add_resource(Uses, "/u")


def test_an_app_scoped_provider_reading_request_input_is_refused(app: App) -> None:
    def tenant_db(tenant: Header[str]) -> Database:
        return Database(tenant)

    app.add_provider(tenant_db, scope="app")
    with pytest.raises(DefinitionError) as info:
        app.add_resource(UsesDatabase, "/db")
    assert "reads request input ('tenant')" in str(info.value)
    assert "Make it request-scoped (the default)" in str(info.value)


def test_providers_parameters_join_the_effective_operation(app: App) -> None:
    def tenant_db(tenant: Header[str]) -> Database:
        return Database(tenant)

    app.add_provider(tenant_db)
    app.add_resource(UsesDatabase, "/db")
    view = app.view_functions["uses_database"]
    declared = operations_of(view)["GET"]
    served = operations_of(view, app)["GET"]
    assert [p.location for p in declared.params] == ["provided"]
    assert [(p.location, p.wire_name) for p in served.params] == [
        ("provided", ""),
        ("header", "tenant"),
    ]


def test_the_nearest_requirement_wins(app: App) -> None:
    key = APIKey(lambda key: User("k") if key == "k" else None)

    class Mixed(Resource):
        security = Security(key)

        def get(self) -> Out:
            return Out("class")

        @operation(security=PUBLIC)
        def delete(self) -> None:
            pass

    class Plain(Resource):
        def get(self) -> Out:
            return Out("plain")

    app.require(Security(bearer))
    app.add_resource(Mixed, "/mixed")
    app.add_resource(Plain, "/plain")
    ops = operations_of(app.view_functions["mixed"], app)
    assert ops["GET"].requirement == Security(key)
    assert ops["DELETE"].requirement is PUBLIC
    assert operations_of(app.view_functions["plain"], app)["GET"].requirement == Security(bearer)


def test_require_after_resources_is_refused(app: App) -> None:
    app.add_resource(type("P", (Resource,), {"get": _plain_get}), "/p")
    with pytest.raises(RuntimeError) as info:
        app.require(Security(bearer))
    assert str(info.value) == (
        "require() was called on <App 'test_app'> after resources were registered on it, so"
        " they would not be protected. Call require() before add_resource() and"
        " register_blueprint()."
    )


def _plain_get(self: object) -> Out:
    return Out("p")


def test_require_takes_a_security_requirement(app: App) -> None:
    app.require({"bearer": []})
    with pytest.raises(DefinitionError, match=r"it takes a resourceful\.security\.Security"):
        app.add_resource(type("P", (Resource,), {"get": _plain_get}), "/p")


def test_documented_only_security_under_an_enforced_requirement_is_refused(app: App) -> None:
    class Doc(Resource):
        @operation(security=[{"gateway": []}])
        def get(self) -> Out:
            return Out("x")

    app.require(Security(bearer))
    with pytest.raises(DefinitionError) as info:
        app.add_resource(Doc, "/doc")
    assert str(info.value) == (
        "Doc.get: it documents security=[{'gateway': ()}] (documentation only) while"
        " Security(schemes=(<HTTPBearer 'bearerAuth'>,), requires=frozenset()) is enforced,"
        " so the document would not say what is checked. Remove the mapping form, or state"
        " the requirement with @operation(security=Security(...)) or PUBLIC."
    )


def test_the_principal_is_provided_only_where_a_scheme_authenticates(app: App) -> None:
    class Me(Resource):
        def get(self, user: Provided[User]) -> Out:
            return Out(user.name)

    with pytest.raises(DefinitionError, match="by the type User, but no provider"):
        app.add_resource(Me, "/me")


def test_a_verify_function_may_ask_only_for_provided_values(app: App) -> None:
    def verify(token: str, tenant: Header[str]) -> User | None:
        return None

    class Me(Resource):
        security = Security(HTTPBearer(verify))

        def get(self) -> Out:
            return Out("x")

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Me, "/me")
    assert str(info.value) == (
        "Me.get: the verify function of <HTTPBearer 'bearerAuth'> takes 'tenant', which are"
        " not provided values. After its credentials a verify function may ask only for"
        " Provided[...] values (it runs before the request is bound)."
    )


def test_a_generator_provider_must_say_what_it_yields(app: App) -> None:
    def db() -> Database:  # a generator annotated with what it yields, not Iterator[...]
        yield Database("x")  # type: ignore[misc]

    with pytest.raises(DefinitionError, match=r"annotate it -> Iterator\[T\]"):
        app.add_provider(db)


def test_generator_annotation_gives_the_provided_type(app: App) -> None:
    def db() -> Iterator[Database]:
        yield Database("x")

    assert app.add_provider(db).provides is Database
