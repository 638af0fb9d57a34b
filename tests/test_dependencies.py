"""Planning providers at registration and running them per request."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from typing import Annotated, Any

import pytest

from resourceful import DefinitionError
from resourceful.dependencies import (
    AppValues,
    ProvidedParam,
    RequestValues,
    Signature,
    plan,
    run,
)
from resourceful.operation import Param
from resourceful.providers import Overrides, Provide, Provided, Provider, Providers


class Database:
    def __init__(self, name: str = "db") -> None:
        self.name = name


class Session:
    def __init__(self, db: Database) -> None:
        self.db = db


class Settings:
    pass


def provided_params(function: Any) -> tuple[list[ProvidedParam], list[Param]]:
    """Read a function's parameters: Provided ones, and the rest as query values."""
    hints = typing.get_type_hints(function, include_extras=True)
    provided: list[ProvidedParam] = []
    bound: list[Param] = []
    for name, parameter in inspect.signature(function).parameters.items():
        hint = hints[name]
        if typing.get_origin(hint) is Annotated:
            inner, *extras = typing.get_args(hint)
            markers = [extra for extra in extras if isinstance(extra, Provide)]
            if markers:
                provided.append(ProvidedParam(name, inner, markers[0]))
                continue
        required = parameter.default is inspect.Parameter.empty
        bound.append(Param(name, "query", hint, name, required))
    return provided, bound


def read(provider: Provider) -> Signature:
    provided, bound = provided_params(provider.function)
    return Signature(tuple(provided), tuple(bound))


def plan_for(handler: Any, *chain: Providers) -> Any:
    provided, bound = provided_params(handler)
    return plan(handler.__qualname__, provided, bound, chain, read)


def call(handler: Any, the_plan: Any, bound: dict[str, Any] | None = None, **stores: Any) -> Any:
    kwargs = dict(bound or {})
    run(
        the_plan,
        kwargs,
        stores.get("request_values") or RequestValues(),
        stores.get("app_values") or AppValues(),
        stores.get("overrides"),
    )
    return handler(**kwargs)


def test_a_provided_parameter_gets_the_providers_value_by_type() -> None:
    app = Providers("app 'shop'")

    @app.add
    def database() -> Database:
        return Database("main")

    def handler(db: Provided[Database]) -> str:
        return db.name

    assert call(handler, plan_for(handler, app)) == "main"


def test_the_nearest_registry_wins() -> None:
    app, blueprint = Providers("app 'shop'"), Providers("blueprint 'api'")
    app.add(lambda: Database("app"), provides=Database, name="app_db")
    blueprint.add(lambda: Database("blueprint"), provides=Database, name="bp_db")

    def handler(db: Provided[Database]) -> str:
        return db.name

    assert call(handler, plan_for(handler, blueprint, app)) == "blueprint"
    assert call(handler, plan_for(handler, app)) == "app"


def test_a_named_marker_finds_the_provider_by_name() -> None:
    app = Providers("app 'shop'")
    app.add(lambda: Database("primary"), provides=Database, name="primary")
    app.add(lambda: Database("replica"), provides=Settings, name="replica")

    def handler(db: Annotated[Database, Provide("replica")]) -> str:
        return db.name

    assert call(handler, plan_for(handler, app)) == "replica"


def test_providers_may_ask_for_other_providers_and_each_value_is_made_once() -> None:
    app = Providers("app 'shop'")
    made: list[str] = []

    @app.add
    def database() -> Database:
        made.append("db")
        return Database()

    @app.add
    def session(db: Provided[Database]) -> Session:
        made.append("session")
        return Session(db)

    def handler(db: Provided[Database], session: Provided[Session]) -> bool:
        return session.db is db

    the_plan = plan_for(handler, app)
    assert [step.provider.name for step in the_plan.steps] == ["database", "session"]
    assert call(handler, the_plan) is True
    assert made == ["db", "session"]


def test_a_providers_own_parameters_are_bound_under_private_keys() -> None:
    app = Providers("app 'shop'")

    @app.add
    def database(tenant: str) -> Database:
        return Database(tenant)

    def handler(db: Provided[Database]) -> str:
        return db.name

    the_plan = plan_for(handler, app)
    assert [(p.name, p.wire_name, p.location) for p in the_plan.params] == [
        ("database.tenant", "tenant", "query")
    ]
    assert call(handler, the_plan, {"database.tenant": "acme"}) == "acme"


def test_a_value_read_by_handler_and_provider_is_bound_once() -> None:
    app = Providers("app 'shop'")

    @app.add
    def database(tenant: str) -> Database:
        return Database(tenant)

    def handler(tenant: str, db: Provided[Database]) -> str:
        return f"{tenant}/{db.name}"

    the_plan = plan_for(handler, app)
    assert the_plan.params == ()
    assert call(handler, the_plan, {"tenant": "acme"}) == "acme/acme"


def test_one_value_read_with_two_types_is_a_definition_error() -> None:
    app = Providers("app 'shop'")

    @app.add
    def database(tenant: int) -> Database:
        return Database(str(tenant))

    def handler(tenant: str, db: Provided[Database]) -> None: ...

    with pytest.raises(DefinitionError) as info:
        plan_for(handler, app)
    assert "the query value 'tenant' is read as str by one parameter and as int" in str(info.value)


def test_a_missing_provider_names_the_handler_the_parameter_and_the_fix() -> None:
    def handler(db: Provided[Database]) -> None: ...

    with pytest.raises(DefinitionError) as info:
        plan_for(handler, Providers("blueprint 'api'"), Providers("app 'shop'"))
    assert str(info.value) == (
        "test_a_missing_provider_names_the_handler_the_parameter_and_the_fix.<locals>.handler:"
        " parameter 'db' asks for a provided value by the type Database, but no provider for it"
        " is registered (looked in blueprint 'api', app 'shop'). Register one, e.g."
        " @app.provider() on a function returning Database, or on the blueprint or resource"
        " class."
    )


def test_a_cycle_is_a_definition_error_naming_it() -> None:
    app = Providers("app 'shop'")

    def database(session: Provided[Session]) -> Database:
        return session.db

    def session(db: Provided[Database]) -> Session:
        return Session(db)

    app.add(database)
    app.add(session)

    def handler(db: Provided[Database]) -> None: ...

    with pytest.raises(DefinitionError) as info:
        plan_for(handler, app)
    message = str(info.value)
    assert "its providers form a cycle:" in message
    assert "database -> " in message and "session -> " in message


def test_an_app_scoped_provider_asking_for_a_request_value_is_refused() -> None:
    app = Providers("app 'shop'")

    @app.add
    def database() -> Database:
        return Database()

    def settings(db: Provided[Database]) -> Settings:
        return Settings()

    app.add(settings, scope="app")

    def handler(settings: Provided[Settings]) -> None: ...

    with pytest.raises(DefinitionError) as info:
        plan_for(handler, app)
    assert "the app-scoped provider" in str(info.value)
    assert "make" in str(info.value) and "request-scoped" in str(info.value)


def test_an_app_scoped_provider_reading_request_input_is_refused() -> None:
    app = Providers("app 'shop'")

    def settings(debug: bool) -> Settings:
        return Settings()

    app.add(settings, scope="app")

    def handler(settings: Provided[Settings]) -> None: ...

    with pytest.raises(DefinitionError, match="reads request input \\('debug'\\)"):
        plan_for(handler, app)


def test_app_scoped_values_are_made_once_across_requests() -> None:
    made: list[Settings] = []

    def settings() -> Settings:
        made.append(Settings())
        return made[-1]

    app_scoped = Providers("app 'other'")
    app_scoped.add(settings, scope="app")

    def handler(settings: Provided[Settings]) -> Settings:
        return settings

    the_plan = plan_for(handler, app_scoped)
    values = AppValues()
    first = call(handler, the_plan, app_values=values)
    second = call(handler, the_plan, app_values=values)
    assert first is second
    assert len(made) == 1


def test_generator_providers_resume_at_close_in_reverse_order() -> None:
    app = Providers("app 'shop'")
    events: list[str] = []

    @app.add
    def database() -> Iterator[Database]:
        events.append("open db")
        yield Database()
        events.append("close db")

    @app.add
    def session(db: Provided[Database]) -> Iterator[Session]:
        events.append("open session")
        yield Session(db)
        events.append("close session")

    def handler(session: Provided[Session]) -> None:
        events.append("handler")

    values = RequestValues()
    call(handler, plan_for(handler, app), request_values=values)
    values.close()
    assert events == ["open db", "open session", "handler", "close session", "close db"]


def test_generator_providers_receive_the_exception_at_close() -> None:
    app = Providers("app 'shop'")
    seen: list[str] = []

    @app.add
    def database() -> Iterator[Database]:
        try:
            yield Database()
        except ValueError as exc:
            seen.append(f"db saw {exc}")
            raise

    @app.add
    def session(db: Provided[Database]) -> Iterator[Session]:
        try:
            yield Session(db)
        except ValueError as exc:
            seen.append(f"session saw {exc}")
            raise

    def handler(session: Provided[Session]) -> None: ...

    values = RequestValues()
    call(handler, plan_for(handler, app), request_values=values)
    values.close(ValueError("boom"))
    assert seen == ["session saw boom", "db saw boom"]


def test_every_generator_is_resumed_even_when_one_fails() -> None:
    app = Providers("app 'shop'")
    closed: list[str] = []

    @app.add
    def database() -> Iterator[Database]:
        yield Database()
        closed.append("db")

    @app.add
    def session(db: Provided[Database]) -> Iterator[Session]:
        yield Session(db)
        raise RuntimeError("session cleanup failed")

    def handler(session: Provided[Session]) -> None: ...

    values = RequestValues()
    call(handler, plan_for(handler, app), request_values=values)
    with pytest.raises(RuntimeError, match="session cleanup failed"):
        values.close()
    assert closed == ["db"]


def test_a_generator_that_yields_twice_is_an_error_at_close() -> None:
    app = Providers("app 'shop'")

    @app.add
    def database() -> Iterator[Database]:
        yield Database()
        yield Database()

    def handler(db: Provided[Database]) -> None: ...

    values = RequestValues()
    call(handler, plan_for(handler, app), request_values=values)
    with pytest.raises(RuntimeError, match="yielded more than once"):
        values.close()


def test_overrides_replace_a_provider_by_type_or_name_within_the_block() -> None:
    app = Providers("app 'shop'")
    app.add(lambda: Database("real"), provides=Database, name="database")

    def handler(db: Provided[Database]) -> str:
        return db.name

    the_plan = plan_for(handler, app)
    overrides = Overrides()
    with overrides.override(Database, Database("fake")):
        assert call(handler, the_plan, overrides=overrides) == "fake"
    with overrides.override("database", Database("by name")):
        assert call(handler, the_plan, overrides=overrides) == "by name"
    assert call(handler, the_plan, overrides=overrides) == "real"


def test_registering_needs_a_return_annotation() -> None:
    def database():  # type: ignore[no-untyped-def]
        return Database()

    with pytest.raises(DefinitionError, match="has no return annotation"):
        Providers("app 'shop'").add(database)


def test_a_generator_provider_must_be_annotated_as_an_iterator() -> None:
    def database() -> Database:  # type: ignore[misc]
        yield Database()

    with pytest.raises(DefinitionError, match="annotate it -> Iterator\\[T\\]"):
        Providers("app 'shop'").add(database)


def test_two_providers_for_one_type_on_one_registry_are_refused() -> None:
    app = Providers("app 'shop'")
    app.add(lambda: Database(), provides=Database, name="one")
    with pytest.raises(DefinitionError, match="already has a provider for the type Database"):
        app.add(lambda: Database(), provides=Database, name="two")


def test_an_unknown_scope_is_refused() -> None:
    def database() -> Database:
        return Database()

    with pytest.raises(DefinitionError, match="has scope='session'"):
        Providers("app 'shop'").add(database, scope="session")  # type: ignore[arg-type]
