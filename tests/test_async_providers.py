"""async def providers: coroutine functions and async generators, for sync and async handlers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from problem_json import pointers

from resourceful import App, DefinitionError, Header, Resource
from resourceful.coroutines import thread_loop
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


class Settings:
    def __init__(self, region: str) -> None:
        self.region = region


class Fails(Exception):
    pass


class SyncHandler(Resource):
    def get(self, repo: Provided[Repository], fail: bool = False) -> Out:
        if fail:
            raise Fails("boom")
        return Out(repo.connection.name)


class AsyncHandler(Resource):
    async def get(self, repo: Provided[Repository], fail: bool = False) -> Out:
        await asyncio.sleep(0)
        if fail:
            raise Fails("boom")
        return Out(repo.connection.name)


handlers = pytest.mark.parametrize("handler", [SyncHandler, AsyncHandler], ids=["def", "async"])


def test_an_async_provider_gives_its_value_to_a_sync_and_an_async_handler(app: App) -> None:
    @app.provider()
    async def connection() -> Connection:
        await asyncio.sleep(0)
        return Connection("async")

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    app.add_resource(SyncHandler, "/sync")
    app.add_resource(AsyncHandler, "/async")
    client = app.test_client()
    assert client.get("/sync").json == {"value": "async"}
    assert client.get("/async").json == {"value": "async"}


def test_a_provider_awaiting_a_sleep_waits_on_the_threads_loop(app: App) -> None:
    seen: dict[str, Any] = {}

    @app.provider()
    async def connection() -> Connection:
        await asyncio.sleep(0.02)
        seen["loop"] = asyncio.get_running_loop()
        seen["task"] = asyncio.current_task()
        return Connection("rested")

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    app.add_resource(SyncHandler, "/t")
    began = time.perf_counter()
    assert app.test_client().get("/t").json == {"value": "rested"}
    assert time.perf_counter() - began >= 0.02
    assert seen["loop"] is thread_loop()
    assert isinstance(seen["task"], asyncio.Task)


def test_an_async_provider_without_await_points_runs_in_place(app: App) -> None:
    tasks: list[Any] = []

    @app.provider()
    async def connection() -> Connection:
        tasks.append(asyncio.current_task())
        return Connection("in place")

    @app.provider()
    async def repository(connection: Provided[Connection]) -> AsyncIterator[Repository]:
        tasks.append(asyncio.current_task())
        yield Repository(connection)
        tasks.append(asyncio.current_task())

    app.add_resource(SyncHandler, "/t")
    assert app.test_client().get("/t").json == {"value": "in place"}
    assert tasks == [None, None, None]


def _mixed_providers(app: App, log: list[str]) -> None:
    """A sync generator, an async generator that waits, and an async one that never does."""

    @app.provider()
    def settings() -> Iterator[Settings]:
        log.append("open settings")
        try:
            yield Settings("eu")
        except Exception as exc:
            log.append(f"settings saw {exc}")
            raise
        finally:
            log.append("close settings")

    @app.provider()
    async def connection(settings: Provided[Settings]) -> AsyncIterator[Connection]:
        await asyncio.sleep(0)
        log.append("open connection")
        try:
            yield Connection(f"c@{settings.region}")
        except Exception as exc:
            log.append(f"connection saw {exc}")
            raise
        finally:
            await asyncio.sleep(0)  # closing a real connection waits too
            log.append("close connection")

    @app.provider()
    async def repository(connection: Provided[Connection]) -> AsyncIterator[Repository]:
        log.append("open repository")
        try:
            yield Repository(connection)
        except Exception as exc:
            log.append(f"repository saw {exc}")
            raise
        finally:
            log.append("close repository")


@handlers
def test_async_generator_providers_close_at_teardown_in_reverse_order_with_sync_ones(
    app: App, handler: type[Resource]
) -> None:
    log: list[str] = []
    _mixed_providers(app, log)
    app.add_resource(handler, "/t")

    @app.teardown_request
    def hook(exc: BaseException | None) -> None:
        log.append("teardown hook")

    assert app.test_client().get("/t").json == {"value": "c@eu"}
    opened = ["open settings", "open connection", "open repository"]
    assert log[:3] == opened
    assert [entry for entry in log[3:] if entry.startswith("close")] == [
        "close repository",
        "close connection",
        "close settings",
    ]


@handlers
def test_async_generator_providers_see_the_exception_the_app_handled(
    app: App, handler: type[Resource]
) -> None:
    log: list[str] = []
    _mixed_providers(app, log)
    app.add_resource(handler, "/t")
    app.register_error_handler(Fails, lambda exc: ("handled", 418))
    assert app.test_client().get("/t?fail=true").status_code == 418
    assert log[3:] == [
        "repository saw boom",
        "close repository",
        "connection saw boom",
        "close connection",
        "settings saw boom",
        "close settings",
    ]


@handlers
def test_async_generator_providers_see_an_unhandled_exception(
    app: App, handler: type[Resource]
) -> None:
    log: list[str] = []
    _mixed_providers(app, log)
    app.add_resource(handler, "/t")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/t?fail=true").status_code == 500
    assert log[3:] == [
        "repository saw boom",
        "close repository",
        "connection saw boom",
        "close connection",
        "settings saw boom",
        "close settings",
    ]


def test_an_async_value_is_made_once_per_request_however_many_ask(app: App) -> None:
    made: list[Connection] = []

    @app.provider()
    async def connection() -> Connection:
        await asyncio.sleep(0)
        made.append(Connection(f"c{len(made)}"))
        return made[-1]

    @app.provider()
    async def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    class Both(Resource):
        async def get(self, repo: Provided[Repository], conn: Provided[Connection]) -> Out:
            return Out(f"{repo.connection is conn}:{conn.name}")

    app.add_resource(Both, "/both")
    client = app.test_client()
    assert client.get("/both").json == {"value": "True:c0"}
    assert client.get("/both").json == {"value": "True:c1"}


def test_an_async_providers_parameters_are_bound_validated_and_documented(app: App) -> None:
    @app.provider()
    async def connection(tenant: Header[int]) -> Connection:
        await asyncio.sleep(0)
        return Connection(f"tenant {tenant}")

    class Named(Resource):
        def get(self, conn: Provided[Connection], limit: int) -> Out:
            return Out(f"{conn.name} x{limit}")

    app.add_resource(Named, "/n")
    client = app.test_client()
    assert client.get("/n?limit=2", headers={"Tenant": "7"}).json == {"value": "tenant 7 x2"}
    bad = client.get("/n?limit=2", headers={"Tenant": "seven"})
    assert bad.status_code == 422
    assert pointers(bad) == [("header", "/tenant")]
    parameters = app.openapi()["paths"]["/n"]["get"]["parameters"]
    assert sorted(p["name"] for p in parameters) == ["limit", "tenant"]


def test_an_overridden_async_provider_does_not_run(app: App) -> None:
    ran: list[str] = []

    @app.provider()
    async def connection() -> AsyncIterator[Connection]:
        ran.append("open")
        yield Connection("real")
        ran.append("close")

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    app.add_resource(AsyncHandler, "/t")
    client = app.test_client()
    with app.override(Connection, Connection("fake")):
        assert client.get("/t").json == {"value": "fake"}
    with client.override("connection", Connection("by name")):
        assert client.get("/t").json == {"value": "by name"}
    assert ran == []
    assert client.get("/t").json == {"value": "real"}
    assert ran == ["open", "close"]


def test_an_async_generator_that_yields_twice_is_reported_and_closed(app: App) -> None:
    closed: list[bool] = []

    @app.provider()
    async def connection() -> AsyncIterator[Connection]:
        try:
            yield Connection("a")
            await asyncio.sleep(0)
            yield Connection("b")
        finally:
            closed.append(True)

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    app.add_resource(SyncHandler, "/t")
    with pytest.raises(RuntimeError, match="connection yielded more than once; an async"):
        app.test_client().get("/t")
    assert closed == [True]


def test_an_async_generator_that_never_yields_is_reported(app: App) -> None:
    @app.provider()
    async def connection() -> AsyncIterator[Connection]:
        await asyncio.sleep(0)
        return
        yield Connection("never")  # pragma: no cover

    @app.provider()
    def repository(connection: Provided[Connection]) -> Repository:
        return Repository(connection)

    app.add_resource(SyncHandler, "/t")
    with pytest.raises(RuntimeError, match="returned without yielding a value"):
        app.test_client().get("/t")


def test_an_async_database_driver_as_a_provider(app: App, tmp_path: Path) -> None:
    aiosqlite = pytest.importorskip("aiosqlite")
    path = tmp_path / "shop.db"
    closed: list[str] = []

    @app.provider()
    async def database() -> AsyncIterator[Any]:
        db = await aiosqlite.connect(path)
        try:
            yield db
        finally:
            await db.close()
            closed.append("closed")

    class Books(Resource):
        async def get(self, db: Provided[Any]) -> Out:
            await db.execute("CREATE TABLE IF NOT EXISTS books (title TEXT)")
            await db.execute("INSERT INTO books VALUES ('Dune')")
            async with db.execute("SELECT count(*) FROM books") as cursor:
                (count,) = await cursor.fetchone()
            await db.commit()
            return Out(str(count))

    app.add_resource(Books, "/books")
    client = app.test_client()
    assert client.get("/books").json == {"value": "1"}
    assert client.get("/books").json == {"value": "2"}
    assert closed == ["closed", "closed"]


# -- definition errors ---------------------------------------------------------------------


def test_an_app_scoped_async_provider_is_refused_at_registration(app: App) -> None:
    async def pool() -> Connection:
        return Connection("pool")  # pragma: no cover - refused

    with pytest.raises(DefinitionError) as info:
        app.add_provider(pool, scope="app")
    assert str(info.value) == (
        "The provider test_an_app_scoped_async_provider_is_refused_at_registration.<locals>.pool"
        " (app 'test_app') is 'async def' and scope='app'. Each worker thread runs coroutines on"
        " its own event loop, so an app-wide value made on one thread's loop (a connection"
        " pool, a client) would be used, and closed, on other threads' loops. Make it"
        " request-scoped (the default), or, if the value is not tied to an event loop, make"
        " the provider a plain 'def'."
    )


def test_an_async_generator_provider_must_be_annotated_async_iterator(app: App) -> None:
    async def connection() -> Iterator[Connection]:  # type: ignore[misc]
        yield Connection("c")  # pragma: no cover - refused

    with pytest.raises(DefinitionError) as info:
        app.add_provider(connection)
    assert str(info.value).endswith(
        "is an async generator, so annotate it -> AsyncIterator[T] (what it yields),"
        " not -> Iterator[Connection]."
    )


def test_a_sync_generator_provider_must_not_be_annotated_async_iterator(app: App) -> None:
    def connection() -> AsyncIterator[Connection]:  # type: ignore[misc]
        yield Connection("c")  # pragma: no cover - refused

    with pytest.raises(DefinitionError) as info:
        app.add_provider(connection)
    assert str(info.value).endswith(
        "is a generator, so annotate it -> Iterator[T] (what it yields),"
        " not -> AsyncIterator[Connection]."
    )


# -- with security -------------------------------------------------------------------------


@attrs.frozen
class User:
    name: str


def test_a_verify_function_may_ask_for_an_async_provider(app: App) -> None:
    from resourceful.security import HTTPBearer, Security

    closed: list[str] = []

    @app.provider()
    async def connection() -> AsyncIterator[Connection]:
        await asyncio.sleep(0)
        yield Connection("tokens")
        closed.append("closed")

    def verify(token: str, conn: Provided[Connection]) -> User | None:
        return User(f"ann via {conn.name}") if token == "ok" else None

    class Me(Resource):
        async def get(self, user: Provided[User]) -> Out:
            return Out(user.name)

    app.require(Security(HTTPBearer(verify)))
    app.add_resource(Me, "/me")
    client = app.test_client()
    ok = client.get("/me", headers={"Authorization": "Bearer ok"})
    assert ok.json == {"value": "ann via tokens"}
    assert client.get("/me", headers={"Authorization": "Bearer no"}).status_code == 401
    assert closed == ["closed", "closed"]
