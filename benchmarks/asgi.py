"""Call an ASGI app in-process, the way ``run.py`` calls the WSGI apps: directly, no server.

The WSGI apps are measured as a server would call them, minus the server:
each request is a fresh copy of a prebuilt environ handed straight to the
callable. :class:`ASGIBench` does the same for an ASGI app: each request is a
fresh copy of a prebuilt ``scope``, a ``receive`` that hands over the body
once, and a ``send`` that keeps (or, when timing, drops) what the app sends.

A whole timed batch runs inside one coroutine on one event loop that lives as
long as the harness, and the clock is read inside that coroutine: starting
the loop is not charged to any request, just as a WSGI server's own loop is
not. What each request pays is what an ASGI server's per-request cost leaves
out too: the app's coroutine, its awaits, and the objects it makes.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = dict[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

_DISCONNECT: Message = {"type": "http.disconnect"}


def scope_from_environ(environ: dict[str, Any]) -> Scope:
    """Return the ASGI HTTP scope of the request a WSGI environ describes."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if not value:
                continue
            name = key.replace("_", "-").lower()
        else:
            continue
        headers.append((name.encode("latin-1"), str(value).encode("latin-1")))
    path = environ.get("PATH_INFO", "/")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": environ.get("SERVER_PROTOCOL", "HTTP/1.1").partition("/")[2] or "1.1",
        "method": environ["REQUEST_METHOD"],
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "path": path,
        "raw_path": path.encode("latin-1"),
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "root_path": environ.get("SCRIPT_NAME", ""),
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": (environ.get("SERVER_NAME", "localhost"), int(environ.get("SERVER_PORT", 80))),
    }


class _Receive:
    """Hand the request body over once; after it, say the client went away.

    A server's ``receive`` would wait for the disconnect instead; nothing in
    a plain request-response exchange asks for it, and answering at once
    cannot hang a benchmark that got this wrong.
    """

    __slots__ = ("message",)

    def __init__(self, body: bytes) -> None:
        self.message: Message | None = {"type": "http.request", "body": body, "more_body": False}

    async def __call__(self) -> Message:
        message = self.message
        if message is None:
            return _DISCONNECT
        self.message = None
        return message


async def _discard(message: Message) -> None:
    """Drop what the app sends (the timed calls: only the app's work counts)."""


class ASGIBench:
    """An ASGI app wrapped so that ``run.py`` can check and time it like a WSGI app.

    ``answer`` sends one request and returns ``(status, headers, body)``;
    ``time_batch`` returns the time per request of ``number`` requests.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._loop = asyncio.new_event_loop()
        # The loop lives as long as the harness; closing it then keeps tests free
        # of "unclosed event loop" warnings.
        weakref.finalize(self, self._loop.close)
        self._scopes: dict[int, tuple[dict[str, Any], Scope]] = {}

    def __repr__(self) -> str:
        return f"<ASGIBench {self.app!r}>"

    def _scope(self, environ: dict[str, Any]) -> Scope:
        # Keyed on the environ's identity, kept alive with it, so its id stays its own.
        known = self._scopes.get(id(environ))
        if known is None or known[0] is not environ:
            known = self._scopes[id(environ)] = (environ, scope_from_environ(environ))
        return known[1]

    def answer(
        self, environ: dict[str, Any], body: bytes | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request; return the status, the headers and the whole body."""
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        scope = self._scope(environ).copy()
        self._loop.run_until_complete(self.app(scope, _Receive(body or b""), send))
        start = next((m for m in sent if m["type"] == "http.response.start"), None)
        if start is None:
            raise RuntimeError("the app returned without sending http.response.start")
        headers = [
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in start["headers"]
        ]
        data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], headers, data

    def time_batch(self, environs: list[dict[str, Any]], body: bytes | None, number: int) -> float:
        """Return the time per request, in seconds, of ``number`` requests sent in turn."""
        copies = [self._scope(environ).copy for environ in environs]
        return self._loop.run_until_complete(self._batch(copies, body or b"", number))

    async def _batch(self, copies: list[Callable[[], Scope]], body: bytes, number: int) -> float:
        app = self.app
        receive = _Receive
        send = _discard
        count = len(copies)
        clock = time.perf_counter
        begin = clock()
        for i in range(number):
            await app(copies[i % count](), receive(body), send)
        return (clock() - begin) / number
