"""Application and request contexts, the proxies, g, and copying a request context."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

import resourceful
from resourceful import (
    App,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from resourceful.ctx import AppContext, RequestContext
from resourceful.testing import TestClient


def test_no_context_by_default() -> None:
    assert not has_app_context()
    assert not has_request_context()


@pytest.mark.parametrize("name", ["current_app", "g"])
def test_app_proxies_outside_context_explain_how_to_push_one(name: str) -> None:
    proxy = getattr(resourceful, name)
    with pytest.raises(RuntimeError) as info:
        proxy.anything  # noqa: B018
    message = str(info.value)
    assert message.startswith("Working outside of application context.")
    assert "with app.app_context():" in message


@pytest.mark.parametrize("name", ["request", "session"])
def test_request_proxies_outside_context_explain_how_to_push_one(name: str) -> None:
    proxy = getattr(resourceful, name)
    with pytest.raises(RuntimeError) as info:
        proxy.anything  # noqa: B018
    message = str(info.value)
    assert message.startswith("Working outside of request context.")
    assert 'with app.test_request_context("/path"):' in message


def test_request_proxy_in_app_context_only_still_raises(app_ctx: AppContext) -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        request.path  # noqa: B018


def test_app_context_makes_app_current(app: App) -> None:
    with app.app_context() as ctx:
        assert has_app_context()
        assert not has_request_context()
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert ctx.app is app
    assert not has_app_context()


def test_request_context_pushes_app_context(app: App) -> None:
    with app.test_request_context("/path?x=1"):
        assert has_app_context()
        assert has_request_context()
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert request.path == "/path"
        assert request.args["x"] == "1"
    assert not has_app_context()


def test_request_context_reuses_active_app_context_of_same_app(app: App) -> None:
    with app.app_context():
        g.marker = "outer"
        with app.test_request_context("/"):
            assert g.marker == "outer"
        assert g.marker == "outer"


def test_request_context_of_other_app_pushes_its_own_app_context(app: App) -> None:
    other = App("other", root_path=app.root_path)
    with app.app_context():
        g.marker = "first"
        with other.test_request_context("/"):
            assert current_app.name == "other"
            assert "marker" not in g
        assert current_app.name == app.name
        assert g.marker == "first"


def test_contexts_nest_and_restore(app: App) -> None:
    with app.test_request_context("/outer"):
        with app.test_request_context("/inner"):
            assert request.path == "/inner"
        assert request.path == "/outer"


def test_context_can_be_pushed_again_and_teardown_runs_on_last_pop(app: App) -> None:
    torn: list[Any] = []
    app.teardown_request(torn.append)
    ctx = app.test_request_context("/")
    with ctx:
        with ctx:
            assert request.path == "/"
        assert torn == []
        assert has_request_context()
    assert torn == [None]
    assert not has_request_context()


def test_app_context_teardown_runs_on_last_pop_with_exception(app: App) -> None:
    torn: list[Any] = []
    app.teardown_appcontext(torn.append)
    error = ValueError("inside")
    with pytest.raises(ValueError), app.app_context():
        raise error
    assert torn == [error]


def test_popping_wrong_context_raises(app: App) -> None:
    first = app.app_context()
    second = app.app_context()
    first.push()
    second.push()
    with pytest.raises(AssertionError, match="Popped the wrong app context"):
        first.pop()
    assert resourceful._app_ctx_stack.top is second
    second.pop()
    first.pop()
    assert not has_app_context()


def test_popping_wrong_request_context_raises_and_changes_nothing(app: App) -> None:
    first = app.test_request_context("/first")
    second = app.test_request_context("/second")
    first.push()
    second.push()
    with pytest.raises(AssertionError, match="Popped the wrong request context"):
        first.pop()
    assert request.path == "/second"
    second.pop()
    first.pop()
    assert not has_app_context()


def test_contexts_are_separate_per_thread(app: App) -> None:
    seen: dict[str, Any] = {}

    def worker() -> None:
        seen["has_app"] = has_app_context()
        with app.test_request_context("/thread"):
            seen["path"] = request.path

    with app.test_request_context("/main"):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert request.path == "/main"
    assert seen == {"has_app": False, "path": "/thread"}


def test_contexts_are_separate_per_asyncio_task(app: App) -> None:
    async def handle(path: str) -> str:
        with app.test_request_context(path):
            await asyncio.sleep(0)
            return request.path

    async def main() -> list[str]:
        return await asyncio.gather(handle("/a"), handle("/b"))

    assert asyncio.run(main()) == ["/a", "/b"]


def test_copy_current_request_context_runs_in_thread(app: App, client: TestClient) -> None:
    results: list[str] = []

    @app.route("/")
    def index() -> str:
        @copy_current_request_context
        def work() -> None:
            results.append(f"{request.path}?{request.args['q']}")

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "started"

    assert client.get("/?q=1").data == b"started"
    assert results == ["/?1"]


def test_copy_current_request_context_shares_session(app: App, client: TestClient) -> None:
    results: list[Any] = []

    @app.route("/")
    def index() -> str:
        session["user"] = "ann"

        @copy_current_request_context
        def work() -> None:
            results.append(session.get("user"))

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "ok"

    client.get("/")
    assert results == ["ann"]


def test_copy_current_request_context_outside_request_raises() -> None:
    with pytest.raises(RuntimeError, match="needs an active request"):
        copy_current_request_context(lambda: None)


def test_copy_current_request_context_keeps_function_metadata(app: App) -> None:
    def named() -> None:
        """Doc."""

    with app.test_request_context("/"):
        wrapped = copy_current_request_context(named)
    assert wrapped.__name__ == "named"
    assert wrapped.__doc__ == "Doc."


# -- g ------------------------------------------------------------------------------------


def test_g_attribute_access(app_ctx: AppContext) -> None:
    g.user = "ann"
    assert g.user == "ann"
    del g.user
    with pytest.raises(AttributeError, match="'g' has no attribute 'user'"):
        g.user  # noqa: B018


def test_g_get_pop_setdefault_in_and_iteration(app_ctx: AppContext) -> None:
    assert g.get("missing") is None
    assert g.get("missing", 3) == 3
    assert g.setdefault("a", 1) == 1
    assert g.setdefault("a", 2) == 1
    g.b = 2
    assert "a" in g
    assert "zzz" not in g
    assert sorted(g) == ["a", "b"]
    assert g.pop("a") == 1
    assert g.pop("a", "gone") == "gone"
    with pytest.raises(KeyError):
        g.pop("a")


def test_g_is_per_app_context(app: App) -> None:
    with app.app_context():
        g.value = 1
    with app.app_context():
        assert "value" not in g


def test_g_lives_as_long_as_the_request(app: App, client: TestClient) -> None:
    @app.before_request
    def load() -> None:
        g.user = "ann"

    @app.route("/")
    def index() -> str:
        return str(g.user)

    assert client.get("/").data == b"ann"


def test_g_repr_names_app(app_ctx: AppContext, app: App) -> None:
    assert repr(g) == f"<resourceful.g of {app.name!r}>"


def test_app_ctx_globals_class_is_replaceable(app: App) -> None:
    class MyGlobals(resourceful.ctx._AppCtxGlobals):
        def greet(self) -> str:
            return "hello"

    app.app_ctx_globals_class = MyGlobals
    with app.app_context():
        assert g.greet() == "hello"


# -- the read-only stack views ---------------------------------------------------------


def test_ctx_stack_top_shows_current_contexts(app: App) -> None:
    assert resourceful._app_ctx_stack.top is None
    assert resourceful._request_ctx_stack.top is None
    with app.test_request_context("/") as ctx:
        assert resourceful._request_ctx_stack.top is ctx
        top = resourceful._app_ctx_stack.top
        assert isinstance(top, AppContext)
        assert top.app is app
    assert resourceful._request_ctx_stack.top is None


def test_ctx_stack_views_are_read_only() -> None:
    with pytest.raises(AttributeError):
        resourceful._app_ctx_stack.top = object()  # type: ignore[misc]
    assert not hasattr(resourceful._request_ctx_stack, "push")
    assert not hasattr(resourceful._request_ctx_stack, "pop")


def test_request_context_from_environ(app: App) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/env",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    with app.request_context(environ) as ctx:
        assert isinstance(ctx, RequestContext)
        assert request.path == "/env"


def test_test_request_context_takes_environ_builder_arguments(app: App) -> None:
    with app.test_request_context("/submit", method="POST", json={"a": 1}, headers={"X-Test": "1"}):
        assert request.method == "POST"
        assert request.get_json() == {"a": 1}
        assert request.headers["X-Test"] == "1"


def test_test_request_context_uses_server_name(app: App) -> None:
    app.config.update(SERVER_NAME="example.test", APPLICATION_ROOT="/root")
    with app.test_request_context("/page"):
        assert request.url == "http://example.test/root/page"


def test_request_context_matches_url(app: App) -> None:
    app.add_url_rule("/items/<int:id>", "item", lambda id: "x")
    with app.test_request_context("/items/4"):
        assert request.endpoint == "item"
        assert request.view_args == {"id": 4}
    with app.test_request_context("/nope"):
        assert request.endpoint is None
        assert request.routing_exception is not None
        assert request.routing_exception.code == 404


def test_the_match_is_kept_on_the_context_until_the_request_exists_then_on_the_request(
    app: App,
) -> None:
    app.add_url_rule("/items/<int:id>", "item", lambda id: "x")
    ctx = RequestContext(app, {**app.test_request_context("/items/4").environ})
    ctx.match_request()
    assert ctx._request is None
    assert ctx.view_args == {"id": 4}
    ctx.view_args = {"id": 5}
    request_object = ctx.request
    assert request_object.view_args == {"id": 5}
    ctx.view_args = {"id": 6}
    assert request_object.view_args == {"id": 6}
    request_object.url_rule = None
    assert ctx.url_rule is None


def test_appcontext_signals_and_url_adapter_with_server_name(app: App) -> None:
    app.config["SERVER_NAME"] = "example.test"
    with app.app_context() as ctx:
        assert ctx.url_adapter is not None
    app.config["SERVER_NAME"] = None
    with app.app_context() as ctx:
        assert ctx.url_adapter is None
