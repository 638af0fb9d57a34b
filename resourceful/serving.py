"""The development server behind :meth:`App.run <resourceful.App.run>`."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from . import coroutines

_F = TypeVar("_F", bound=Callable[..., Any])

if TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIApplication
    from werkzeug.serving import WSGIRequestHandler

    from .app import App


def run_app(
    app: App,
    host: str | None,
    port: int | None,
    debug: bool | None,
    load_dotenv: bool,
    options: dict[str, Any],
) -> None:
    """Serve ``app`` with werkzeug's development server (see ``App.run``)."""
    if os.environ.get("RESOURCEFUL_RUN_FROM_CLI") == "true":
        return
    if load_dotenv:
        from .cli import load_dotenv as _load_dotenv

        _load_dotenv()
        env_debug = env_flag("RESOURCEFUL_DEBUG")
        if env_debug is not None:
            app.debug = env_debug
    if debug is not None:
        app.debug = bool(debug)
    server_name = app.config.get("SERVER_NAME")
    sn_host = sn_port = None
    if server_name:
        sn_host, _, sn_port = server_name.partition(":")
    host = host or sn_host or "127.0.0.1"
    port = int(port or sn_port or 5000)
    options.setdefault("use_reloader", app.debug)
    options.setdefault("use_debugger", app.debug)
    options.setdefault("threaded", True)
    from werkzeug.serving import run_simple

    options.setdefault("request_handler", _dev_request_handler())

    try:
        run_simple(host, port, cast("WSGIApplication", app), **options)
    finally:
        app._got_first_request = False


def _dev_request_handler() -> type[WSGIRequestHandler]:
    """Return the development server's request handler class."""
    from werkzeug.serving import WSGIRequestHandler

    class RequestHandler(WSGIRequestHandler):
        # The standard library answers a malformed request line in HTTP/0.9 style, a
        # bare HTML page with no status line; answer "HTTP/1.0 400 ..." instead.
        default_request_version = "HTTP/1.0"

    return RequestHandler


def env_flag(name: str) -> bool | None:
    """Return the environment variable ``name`` as a flag; ``None`` when unset or empty."""
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    return value.lower() not in {"0", "false", "no", "off"}


class ServingMixin:
    """The test and development-server methods of :class:`~resourceful.App`.

    ``App`` inherits them, so they are Flask's ``App`` methods and a subclass
    may override them. The test client and CLI runner are imported only when
    asked for, as Flask does.
    """

    if TYPE_CHECKING:  # pragma: no cover - what the methods read from App
        from werkzeug.wrappers import Response as _BaseResponse

        from .ctx import RequestContext
        from .testing import ResourcefulCliRunner, TestClient

        test_client_class: type[TestClient] | None
        test_cli_runner_class: type[ResourcefulCliRunner] | None
        response_class: type[_BaseResponse]

        shell_context_processors: list[Callable[[], dict[str, Any]]]

        def request_context(self, environ: Any) -> RequestContext:
            """Create a request context (App's method)."""

        def _check_setup_finished(self, f_name: str) -> None:
            """Refuse setup once the app serves (App's method)."""

    def test_request_context(self, *args: Any, **kwargs: Any) -> RequestContext:
        """Create a request context from werkzeug ``EnvironBuilder`` arguments, for tests.

        ``app.test_request_context("/users/1", method="POST", json={...})``
        """
        from .testing import EnvironBuilder

        builder = EnvironBuilder(cast("App", self), *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def test_client(self, use_cookies: bool = True, **kwargs: Any) -> TestClient:
        """Return a test client that calls this app directly (no server needed)."""
        cls = self.test_client_class
        if cls is None:
            from .testing import TestClient as cls
        assert cls is not None
        return cls(cast("App", self), self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: Any) -> ResourcefulCliRunner:
        """Return a click test runner whose ``invoke`` finds this app."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .testing import ResourcefulCliRunner as cls
        assert cls is not None
        return cls(cast("App", self), **kwargs)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: Any,
    ) -> None:
        """Serve the app with werkzeug's development server (not for production).

        ``host`` defaults to 127.0.0.1 and ``port`` to 5000 (or what
        ``SERVER_NAME`` says). ``debug`` turns on the reloader and the
        debugger. ``options`` go to :func:`werkzeug.serving.run_simple`.
        Inside the ``resourceful run`` command this does nothing, so a script
        can call it under ``if __name__ == "__main__"`` and still work with the CLI.
        """
        run_app(cast("App", self), host, port, debug, load_dotenv, options)

    def shell_context_processor(self, f: _F) -> _F:
        """Add the dict returned by ``f()`` to the ``shell`` command's namespace."""
        self._check_setup_finished("shell_context_processor")
        coroutines.refuse_coroutine_function(
            f, "shell_context_processor()", "the shell command calls it synchronously"
        )
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, Any]:
        """Return the ``shell`` command's namespace: ``app``, ``g`` and the processors' names."""
        from .globals import g

        namespace: dict[str, Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            namespace.update(processor())
        return namespace
