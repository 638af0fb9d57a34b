"""Provided values at request time: caching, teardown, problems, scopes and overrides."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from problem_json import pointers, problem

from resourceful import App, Header, Query, Resource
from resourceful.dependencies import close_app_values
from resourceful.providers import Provided


@attrs.frozen
class Out:
    value: str


class Connection:
    def __init__(self, name: str) -> None:
        self.name = name


class Repository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection


class Pool:
    pass


def test_a_value_is_computed_once_per_request_however_many_ask(app: App) -> None:
    made: list[Connection] = []

    @app.provider()
    def connection() -> Connection:
        made.append(Connection(f"c{len(made)}"))
        return made[-1]

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    class Both(Resource):
        def get(self, repo: Provided[Repository], conn: Provided[Connection]) -> Out:
            return Out(f"{repo.connection is conn}:{conn.name}")

    app.add_resource(Both, "/both")
    client = app.test_client()
    assert client.get("/both").json == {"value": "True:c0"}
    assert client.get("/both").json == {"value": "True:c1"}
    assert len(made) == 2


def _tracking_providers(app: App, log: list[str]) -> None:
    @app.provider()
    def connection() -> Iterator[Connection]:
        log.append("open connection")
        try:
            yield Connection("c")
        except Exception as exc:
            log.append(f"connection saw {exc}")
            raise
        finally:
            log.append("close connection")

    @app.provider()
    def repository(connection: Provided[Connection]) -> Iterator[Repository]:
        log.append("open repository")
        try:
            yield Repository(connection)
        except Exception as exc:
            log.append(f"repository saw {exc}")
            raise
        finally:
            log.append("close repository")


class Fails(Exception):
    pass


class Tracked(Resource):
    def get(self, repo: Provided[Repository], fail: bool = False) -> Out:
        if fail:
            raise Fails("boom")
        return Out(repo.connection.name)


def test_generator_providers_close_at_teardown_in_reverse_order(app: App) -> None:
    log: list[str] = []
    _tracking_providers(app, log)
    app.add_resource(Tracked, "/t")
    app.teardown_request(lambda exc: log.append("teardown hook"))
    assert app.test_client().get("/t").json == {"value": "c"}
    assert log[:2] == ["open connection", "open repository"]
    assert [entry for entry in log[2:] if entry.startswith("close")] == [
        "close repository",
        "close connection",
    ]


def test_generator_providers_see_an_exception_the_app_handled(app: App) -> None:
    log: list[str] = []
    _tracking_providers(app, log)
    app.add_resource(Tracked, "/t")
    app.register_error_handler(Fails, lambda exc: ("handled", 418))
    response = app.test_client().get("/t?fail=true")
    assert response.status_code == 418
    assert log == [
        "open connection",
        "open repository",
        "repository saw boom",
        "close repository",
        "connection saw boom",
        "close connection",
    ]


def test_generator_providers_see_an_unhandled_exception(app: App) -> None:
    log: list[str] = []
    _tracking_providers(app, log)
    app.add_resource(Tracked, "/t")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/t?fail=true").status_code == 500
    assert log[2:] == [
        "repository saw boom",
        "close repository",
        "connection saw boom",
        "close connection",
    ]


def test_providers_do_not_run_when_binding_fails(app: App) -> None:
    log: list[str] = []
    _tracking_providers(app, log)
    app.add_resource(Tracked, "/t")
    assert app.test_client().get("/t?fail=maybe").status_code == 422
    assert log == []


def test_provider_parameters_are_bound_and_their_problems_join_the_handlers(app: App) -> None:
    @app.provider()
    def connection(tenant: Header[int], region: Query[str]) -> Connection:
        return Connection(f"{tenant}@{region}")

    class Listing(Resource):
        def get(self, conn: Provided[Connection], limit: int) -> Out:
            return Out(f"{conn.name} x{limit}")

    app.add_resource(Listing, "/l")
    client = app.test_client()
    ok = client.get("/l?limit=2&region=eu", headers={"Tenant": "7"})
    assert ok.json == {"value": "7@eu x2"}
    bad = client.get("/l?limit=x", headers={"Tenant": "seven"})
    assert bad.status_code == 422
    assert sorted(pointers(bad)) == [
        ("header", "/tenant"),
        ("query", "/limit"),
        ("query", "/region"),
    ]


def test_a_provider_and_the_handler_share_one_wire_value(app: App) -> None:
    @app.provider()
    def connection(region: str) -> Connection:
        return Connection(region)

    class Shared(Resource):
        def get(self, conn: Provided[Connection], region: str) -> Out:
            return Out(f"{conn.name}/{region}")

    app.add_resource(Shared, "/s")
    assert app.test_client().get("/s?region=eu").json == {"value": "eu/eu"}


def test_an_app_scoped_value_is_made_once_and_closed_on_demand(app: App) -> None:
    log: list[str] = []

    @app.provider(scope="app")
    def pool() -> Iterator[Pool]:
        log.append("open pool")
        yield Pool()
        log.append("close pool")

    class UsesPool(Resource):
        def get(self, pool: Provided[Pool]) -> Out:
            return Out(str(id(pool)))

    app.add_resource(UsesPool, "/p")
    client = app.test_client()
    first = client.get("/p").json
    assert client.get("/p").json == first
    assert log == ["open pool"]
    close_app_values(app)
    assert log == ["open pool", "close pool"]
    client.get("/p")
    assert log == ["open pool", "close pool", "open pool"]


def test_app_override_replaces_a_provider_by_type_and_by_name(app: App) -> None:
    @app.provider()
    def connection() -> Connection:
        raise AssertionError("the real provider must not run under an override")

    class Named(Resource):
        def get(self, conn: Provided[Connection]) -> Out:
            return Out(conn.name)

    app.add_resource(Named, "/n")
    client = app.test_client()
    with app.override(Connection, Connection("fake")):
        assert client.get("/n").json == {"value": "fake"}
    with app.override("connection", Connection("by name")):
        assert client.get("/n").json == {"value": "by name"}
    with pytest.raises(AssertionError, match="must not run"):
        client.get("/n")


def test_a_test_client_override_applies_to_that_client_only(app: App) -> None:
    @app.provider()
    def connection() -> Connection:
        return Connection("real")

    class Named(Resource):
        def get(self, conn: Provided[Connection]) -> Out:
            return Out(conn.name)

    app.add_resource(Named, "/n")
    faked, plain = app.test_client(), app.test_client()
    with faked.override(Connection, Connection("fake")):
        assert faked.get("/n").json == {"value": "fake"}
        assert plain.get("/n").json == {"value": "real"}
        with app.override(Connection, Connection("app")):
            # The client's own override comes first, then the app's.
            assert faked.get("/n").json == {"value": "fake"}
            assert plain.get("/n").json == {"value": "app"}
    assert faked.get("/n").json == {"value": "real"}


def test_a_generator_that_yields_twice_is_reported(app: App) -> None:
    @app.provider()
    def connection() -> Iterator[Connection]:
        yield Connection("a")
        yield Connection("b")

    class Named(Resource):
        def get(self, conn: Provided[Connection]) -> Out:
            return Out(conn.name)

    app.add_resource(Named, "/n")
    with pytest.raises(RuntimeError, match="yielded more than once"):
        app.test_client().get("/n")


def test_a_provider_problem_is_problem_json(app: App) -> None:
    @app.provider()
    def connection(tenant: Header[int]) -> Connection:
        return Connection(str(tenant))

    class Named(Resource):
        def get(self, conn: Provided[Connection]) -> Out:
            return Out(conn.name)

    app.add_resource(Named, "/n")
    body = problem(app.test_client().get("/n"))
    assert body["errors"] == [
        {"location": "header", "pointer": "/tenant", "detail": "is required but missing"}
    ]


def test_a_provider_that_fails_is_seen_by_the_providers_made_before_it(app: App) -> None:
    log: list[str] = []

    @app.provider()
    def connection() -> Iterator[Connection]:
        try:
            yield Connection("c")
        except Exception as exc:
            log.append(f"connection saw {exc}")
            raise

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        raise Fails("no repository")

    app.add_resource(Tracked, "/t")
    app.register_error_handler(Fails, lambda exc: ("handled", 503))
    assert app.test_client().get("/t").status_code == 503
    assert log == ["connection saw no repository"]


def test_provided_values_and_path_values_are_bound_without_the_request_object(app: App) -> None:
    from resourceful.globals import _cv_request

    @app.provider()
    def connection() -> Connection:
        return Connection("c")

    class Item(Resource):
        def get(self, item_id: int, conn: Provided[Connection]) -> Out:
            made = _cv_request.get()._request is not None
            return Out(f"{conn.name}{item_id}:{made}")

    app.add_resource(Item, "/items/<int:item_id>")
    status: list[str] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/items/3",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    body = b"".join(app(environ, lambda line, headers, exc_info=None: status.append(line)))

    assert (status, body) == (["200 OK"], b'{"value":"c3:False"}\n')
