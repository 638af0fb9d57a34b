"""async def across the app: views, hooks, handlers, signals and resources."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import attrs
import pytest
from werkzeug.exceptions import NotFound

from resourceful import App, abort, g, render_template_string, request, session, signals
from resourceful.providers import Provided
from resourceful.resources import Resource, operation


async def pause() -> None:
    await asyncio.sleep(0)


def test_an_async_function_view_is_awaited_with_request_g_and_session(app: App) -> None:
    @app.route("/hello/<name>")
    async def hello(name: str) -> str:
        await pause()
        session["seen"] = name
        g.greeted = name
        return f"{request.method} hello {name}"

    client = app.test_client()
    with client:
        assert client.get("/hello/ann").get_data(as_text=True) == "GET hello ann"
        assert g.greeted == "ann"
    assert app.view_functions["hello"] is hello
    with client.session_transaction() as sess:
        assert sess["seen"] == "ann"


def test_an_async_before_request_hook_can_answer_instead_of_the_view(app: App) -> None:
    @app.before_request
    async def gate() -> str | None:
        await pause()
        return "stopped" if request.args.get("stop") else None

    app.add_url_rule("/", "index", lambda: "view")
    client = app.test_client()
    assert client.get("/").data == b"view"
    assert client.get("/?stop=1").data == b"stopped"


def test_an_async_after_request_hook_changes_the_response(app: App) -> None:
    @app.after_request
    async def stamp(response: Any) -> Any:
        await pause()
        response.headers["X-Stamp"] = "async"
        return response

    app.add_url_rule("/", "index", lambda: "view")
    assert app.test_client().get("/").headers["X-Stamp"] == "async"


def test_async_teardown_hooks_see_the_exception(app: App) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[str] = []

    @app.teardown_request
    async def request_done(exc: BaseException | None) -> None:
        await pause()
        seen.append(f"request: {exc!r}")

    @app.teardown_appcontext
    async def app_done(exc: BaseException | None) -> None:
        await pause()
        seen.append(f"app: {exc!r}")

    @app.route("/")
    async def broken() -> str:
        raise LookupError("gone")

    assert app.test_client().get("/").status_code == 500
    assert seen == ["request: LookupError('gone')", "app: LookupError('gone')"]


def test_an_async_error_handler_answers(app: App) -> None:
    @app.errorhandler(NotFound)
    async def not_found(e: NotFound) -> tuple[str, int]:
        await pause()
        return f"nothing at {request.path}", 404

    @app.route("/")
    async def index() -> str:
        abort(404)

    response = app.test_client().get("/")
    assert (response.status_code, response.data) == (404, b"nothing at /")


def test_an_async_url_value_preprocessor_pops_a_value(app: App) -> None:
    @app.url_value_preprocessor
    async def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        await pause()
        assert values is not None
        g.lang = values.pop("lang")

    @app.route("/<lang>/")
    def index() -> str:
        return f"lang={g.lang}"

    assert app.test_client().get("/fr/").data == b"lang=fr"


def test_an_async_context_processor_feeds_a_template_rendered_from_a_sync_view(app: App) -> None:
    @app.context_processor
    async def user() -> dict[str, str]:
        await pause()
        return {"user": "ann"}

    app.add_url_rule("/", "index", lambda: render_template_string("hi {{ user }}"))
    assert app.test_client().get("/").data == b"hi ann"


def test_an_async_signal_receiver_runs(app: App) -> None:
    received: list[str] = []

    async def started(sender: App, **extra: Any) -> None:
        await pause()
        received.append(request.path)

    app.add_url_rule("/", "index", lambda: "view")
    with signals.request_started.connected_to(started, app):
        app.test_client().get("/")
    assert received == ["/"]


def test_app_ensure_sync_keeps_sync_functions_and_wraps_coroutine_functions(app: App) -> None:
    def plain() -> int:
        return 1

    async def coroutine_function() -> int:
        return 2

    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(coroutine_function)() == 2
    assert app.async_to_sync(coroutine_function)() == 2


def test_an_app_overriding_async_to_sync_runs_every_coroutine_through_it() -> None:
    calls: list[str] = []

    class Counting(App):
        def async_to_sync(
            self, func: Callable[..., Coroutine[Any, Any, Any]]
        ) -> Callable[..., Any]:
            calls.append(func.__name__)
            return super().async_to_sync(func)

    app = Counting(__name__)

    @app.before_request
    async def before() -> None:
        pass

    @app.route("/")
    async def index() -> str:
        return "ok"

    client = app.test_client()
    assert client.get("/").data == b"ok"
    assert client.get("/").data == b"ok"
    assert calls == ["before", "index"]  # once each: at first use, not per request


def test_teardown_appcontext_functions_pass_through_ensure_sync_once_not_per_request() -> None:
    calls: list[str] = []
    torn: list[BaseException | None] = []

    class Counting(App):
        def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
            calls.append(func.__name__)
            return super().ensure_sync(func)

    app = Counting(__name__)

    @app.teardown_appcontext
    async def close(exc: BaseException | None) -> None:
        torn.append(exc)

    @app.route("/")
    def index() -> str:
        return "ok"

    client = app.test_client()
    for _ in range(3):
        assert client.get("/").data == b"ok"
    assert torn == [None, None, None]
    assert calls.count("close") == 1


# -- resources ---------------------------------------------------------------------------------


@attrs.define
class NewNote:
    text: str


@attrs.define
class Note:
    id: int
    text: str


def test_an_async_resource_handler_binds_and_renders(app: App) -> None:
    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        async def create(self, body: NewNote) -> Note:
            await pause()
            return Note(id=1, text=body.text)

        async def get(self, note_id: int) -> Note:
            if note_id != 1:
                abort(404)
            return Note(id=note_id, text="first")

    client = app.test_client()
    created = client.post("/notes/", json={"text": "buy milk"})
    assert (created.status_code, created.get_json()) == (201, {"id": 1, "text": "buy milk"})
    assert client.get("/notes/1").get_json() == {"id": 1, "text": "first"}
    missing = client.get("/notes/2")
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    assert client.post("/notes/", json={"text": 3}).status_code == 422


@attrs.define
class Store:
    name: str


def test_an_async_handler_gets_provided_values_and_their_teardown_sees_its_exception(
    app: App,
) -> None:
    closed: list[str] = []

    @app.provider()
    def store() -> Iterator[Store]:
        try:
            yield Store("main")
        except LookupError as exc:
            closed.append(f"failed: {exc}")
            raise
        else:
            closed.append("ok")

    class Notes(Resource):
        async def get(self, note_id: int, store: Provided[Store]) -> Note:
            await asyncio.sleep(0)
            if note_id == 0:
                raise LookupError("no note 0")
            return Note(id=note_id, text=store.name)

    app.add_resource(Notes, "/notes/<int:note_id>")

    @app.errorhandler(LookupError)
    def missing(exc: LookupError) -> tuple[str, int]:
        return str(exc), 404

    client = app.test_client()
    assert client.get("/notes/3").json == {"id": 3, "text": "main"}
    response = client.get("/notes/0")
    assert (response.status_code, response.text) == (404, "no note 0")
    assert closed == ["ok", "failed: no note 0"]


def test_a_coroutine_decorator_on_a_resource_awaits_the_async_handler(app: App) -> None:
    events: list[str] = []

    def audited(call: Callable[..., Any]) -> Callable[..., Any]:
        async def wrapper(**view_args: Any) -> Any:
            await pause()
            events.append("before")
            result = await call(**view_args)
            events.append("after")
            return result

        return wrapper

    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        decorators = (audited,)

        async def get(self, note_id: int) -> Note:
            events.append("handler")
            return Note(id=note_id, text="first")

    assert app.test_client().get("/notes/4").get_json() == {"id": 4, "text": "first"}
    assert events == ["before", "handler", "after"]


def test_a_coroutine_decorator_around_a_sync_handler_runs_too(app: App) -> None:
    def checked(call: Callable[..., Any]) -> Callable[..., Any]:
        async def wrapper(**view_args: Any) -> Any:
            await pause()
            if view_args["note_id"] == 0:
                abort(403)
            return call(**view_args)

        return wrapper

    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        decorators = (checked,)

        def get(self, note_id: int) -> Note:
            return Note(id=note_id, text="sync")

    client = app.test_client()
    assert client.get("/notes/2").get_json() == {"id": 2, "text": "sync"}
    assert client.get("/notes/0").status_code == 403


def _resource_view(app: App) -> Any:
    from resourceful.resources.view import ResourceView

    (view,) = [v for v in app.view_functions.values() if isinstance(v, ResourceView)]
    return view


def audited(call: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(**view_args: Any) -> Any:
        result = call(**view_args)
        return await result if inspect.isawaitable(result) else result

    return wrapper


class SyncNotes(Resource):
    def get(self, note_id: int) -> Note:
        return Note(id=note_id, text="sync")


class InPlaceNotes(Resource):
    async def get(self, note_id: int) -> Note:
        return Note(id=note_id, text="in place")


class WaitingNotes(Resource):
    async def get(self, note_id: int) -> Note:
        await pause()
        return Note(id=note_id, text="waited")


class DecoratedSyncNotes(SyncNotes):
    decorators = (audited,)


class DecoratedInPlaceNotes(Resource):
    @operation(decorators=(audited,))
    async def get(self, note_id: int) -> Note:
        return Note(id=note_id, text="in place")


@pytest.mark.parametrize(
    ("resource", "text", "runs_coroutines"),
    [
        (SyncNotes, "sync", False),
        (InPlaceNotes, "in place", False),
        (WaitingNotes, "waited", True),
        (DecoratedSyncNotes, "sync", True),
        (DecoratedInPlaceNotes, "in place", True),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_whether_a_resource_view_runs_coroutines_is_decided_when_it_is_built(
    app: App, resource: type[Resource], text: str, runs_coroutines: bool
) -> None:
    app.add_resource(resource, "/notes/<int:note_id>")
    assert _resource_view(app).runs_coroutines is runs_coroutines
    assert app.test_client().get("/notes/5").get_json() == {"id": 5, "text": text}


def test_a_sync_resource_never_looks_for_a_coroutine_in_what_its_handler_returns(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resourceful.resources import view

    looked_at: list[Any] = []

    class Watching(type):
        def __instancecheck__(cls, instance: Any) -> bool:
            looked_at.append(instance)
            return False

    monkeypatch.setattr(view, "CoroutineType", Watching("CoroutineType", (), {}))

    @app.provider()
    def store() -> Store:
        return Store("provided")

    class ProvidedNotes(Resource):
        def get(self, note_id: int, store: Provided[Store]) -> Note:
            return Note(id=note_id, text=store.name)

    app.add_resource(SyncNotes, "/notes/<int:note_id>")
    app.add_resource(InPlaceNotes, "/in-place/<int:note_id>")
    app.add_resource(ProvidedNotes, "/provided/<int:note_id>")
    client = app.test_client()
    assert client.get("/notes/1").get_json() == {"id": 1, "text": "sync"}
    assert client.get("/in-place/1").get_json() == {"id": 1, "text": "in place"}
    assert client.get("/provided/1").get_json() == {"id": 1, "text": "provided"}
    assert looked_at == []


def test_an_async_handler_without_await_points_runs_in_place_with_its_providers(
    app: App,
) -> None:
    events: list[str] = []

    @app.provider()
    def store() -> Iterator[Store]:
        try:
            yield Store("main")
        finally:
            events.append("store closed")

    class Notes(Resource):
        async def get(self, note_id: int, store: Provided[Store]) -> Note:
            events.append(f"task: {asyncio.current_task()}")
            if note_id == 0:
                raise LookupError("no note 0")
            return Note(id=note_id, text=store.name)

    app.add_resource(Notes, "/notes/<int:note_id>")
    assert _resource_view(app).runs_coroutines is False
    client = app.test_client()
    assert client.get("/notes/2").get_json() == {"id": 2, "text": "main"}
    with pytest.raises(LookupError):
        client.get("/notes/0")
    assert events == ["task: None", "store closed"] * 2


def test_a_resource_with_sync_and_async_handlers_serves_both(app: App) -> None:
    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        def get(self, note_id: int) -> Note:
            return Note(id=note_id, text="sync")

        async def delete(self, note_id: int) -> None:
            await pause()

    assert _resource_view(app).runs_coroutines is True
    client = app.test_client()
    assert client.get("/notes/1").get_json() == {"id": 1, "text": "sync"}
    assert client.delete("/notes/1").status_code == 204


@pytest.mark.parametrize("waits", [False, True], ids=["never waits", "waits"])
def test_async_views_return_what_sync_ones_do(app: App, waits: bool) -> None:
    @app.route("/")
    async def index() -> tuple[dict[str, int], int, dict[str, str]]:
        if waits:
            await pause()
        return {"n": 1}, 202, {"X-Kind": "async"}

    response = app.test_client().get("/")
    assert (response.status_code, response.get_json()) == (202, {"n": 1})
    assert response.headers["X-Kind"] == "async"


# -- request-scoped helpers, streaming, and where async cannot work -------------------------------


def test_after_this_request_takes_an_async_function(app: App) -> None:
    from resourceful import after_this_request

    @app.route("/")
    async def index() -> str:
        @after_this_request
        async def mark(response: Any) -> Any:
            await pause()
            response.headers["X-After"] = "yes"
            return response

        return "view"

    assert app.test_client().get("/").headers["X-After"] == "yes"


def test_copy_current_request_context_runs_an_async_function_in_another_thread(app: App) -> None:
    import threading

    from resourceful import copy_current_request_context

    seen: list[str] = []

    @app.route("/")
    def index() -> str:
        @copy_current_request_context
        async def work() -> None:
            await pause()
            seen.append(request.path)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(10)
        return "done"

    assert app.test_client().get("/").data == b"done"
    assert seen == ["/"]


def test_a_view_returning_an_async_generator_streams_it(app: App) -> None:
    @app.route("/")
    def index() -> Any:
        async def parts() -> Any:
            for part in ("a", "b"):
                await pause()
                yield part

        return parts(), 206

    response = app.test_client().get("/")
    assert (response.status_code, response.data) == (206, b"ab")


def test_an_async_generator_function_view_streams_its_parts(app: App) -> None:
    @app.route("/")
    async def parts() -> Any:
        yield "x"
        await pause()
        yield "y"

    assert app.test_client().get("/").data == b"xy"


async def not_allowed(*args: Any) -> Any:
    return None  # pragma: no cover - refused before it could run


@pytest.mark.parametrize(
    ("register", "message"),
    [
        (
            lambda app: app.url_defaults(not_allowed),
            "url_defaults() cannot take not_allowed(): it is an 'async def' function, and"
            " url_for() calls it synchronously, also inside async views where nothing can"
            " wait. Define it with 'def'.",
        ),
        (
            lambda app: app.add_template_filter(not_allowed),
            "add_template_filter() cannot take not_allowed(): it is an 'async def' function,"
            " and Jinja calls it synchronously while it renders, also inside async views."
            " Define it with 'def'.",
        ),
        (
            lambda app: app.add_template_global(not_allowed),
            "add_template_global() cannot take not_allowed(): it is an 'async def' function,"
            " and Jinja calls it synchronously while it renders, also inside async views."
            " Define it with 'def'.",
        ),
        (
            lambda app: app.shell_context_processor(not_allowed),
            "shell_context_processor() cannot take not_allowed(): it is an 'async def'"
            " function, and the shell command calls it synchronously. Define it with 'def'.",
        ),
    ],
    ids=["url_defaults", "template filter", "template global", "shell context processor"],
)
def test_sync_only_extension_points_refuse_async_def_at_registration(
    app: App, register: Callable[[App], Any], message: str
) -> None:
    with pytest.raises(TypeError) as info:
        register(app)
    assert str(info.value) == message
