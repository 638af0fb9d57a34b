"""The development server behind :meth:`App.run <resourceful.App.run>`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

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
