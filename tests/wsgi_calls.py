"""Call a WSGI app as a server does, for tests that compare what two apps send."""

from __future__ import annotations

from typing import Any

from werkzeug.test import EnvironBuilder


def wsgi_call(
    app: Any, path: str, method: str = "GET", **builder: Any
) -> tuple[str, list[tuple[str, str]], bytes, dict[str, Any]]:
    """Return the status line, headers and body ``app`` sends for a request, and its environ.

    ``builder`` is passed to werkzeug's ``EnvironBuilder`` (``json=``,
    ``headers=``, ``data=``...). The response iterable is consumed and closed,
    as a WSGI server does.
    """
    env_builder = EnvironBuilder(path, method=method, **builder)
    environ = env_builder.get_environ()
    env_builder.close()
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.append((status, list(headers)))

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return started[0][0], started[0][1], body, environ
