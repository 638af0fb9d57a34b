"""A view's return value -> a response: one rule for function views and typed handlers.

A view (or a typed handler) may return a body alone, or a tuple that adds a
status, headers or both. :func:`split_return` is the one rule for those
tuples; :meth:`App.make_response <resourceful.App.make_response>` (function
views) and the typed renderer (:mod:`resourceful.render`) both call it, and
both finish with :func:`apply_status_and_headers`:

================================  ==========================================
return value                      meaning
================================  ==========================================
``body``                          the body, default status and headers
``(body, status)``                ``status`` is an ``int`` (``201``) or a
                                  ``str`` (``"201 Created"``)
``(body, headers)``               ``headers`` is a ``dict`` or other mapping,
                                  a ``Headers``, or a list or tuple of
                                  ``(name, value)`` pairs
``(body, status, headers)``       both
================================  ==========================================

The body may itself be a response object, to which the status and headers
are applied. What a body may be otherwise differs by kind of view: a
function view's body is turned into a response here (:func:`make_response`),
a typed handler's value is checked and encoded by its operation's renderer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from types import AsyncGeneratorType
from typing import TYPE_CHECKING, Any, cast

import attrs
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.response import Response as SansIOResponse
from werkzeug.wrappers import Response as BaseResponse

from .coroutines import iterate_async
from .globals import _cv_request
from .json.provider import DefaultJSONProvider
from .wrappers import content_type

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from _typeshed.wsgi import WSGIEnvironment

    from .app import App
    from .wrappers import Response

_ERROR_BODY_CACHE_SIZE = 128

#: A status as a view may give it: ``201`` or ``"201 Created"``.
Status = int | str
_HEADER_TYPES = (Headers, Mapping, tuple, list)
#: What the direct path sends: a status line, the headers, the body.
DirectAnswer = tuple[str, list[tuple[str, str]], bytes]


class PreparedResponse:
    """A response written out but not made: its status, headers and encoded body.

    A service for the typed layer, which knows the whole answer of a typed
    handler or a validation error before any response object exists. The
    direct path sends it as it is; anything else (an after-request hook, a
    session, a signal receiver) gets the response :func:`make_response`
    makes of it: ``response_class(body, status, headers)``. ``headers`` holds
    what that response would send, in order (``Content-Type`` and
    ``Content-Length`` first); ``status`` is an ``int`` from 200 to 599 other
    than 204, whose headers werkzeug would adjust. A 304 is allowed when its
    headers are already those werkzeug would send (no ``Content-Type``,
    ``Content-Length`` or ``Last-Modified``; resourceful.conditional makes
    them so) and its body is empty. Return one only when
    :func:`may_answer_directly` says so.
    """

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"<PreparedResponse {self.status} {len(self.body)} bytes>"


def may_answer_directly(app: App) -> bool:
    """Return whether a view of ``app`` may return a :class:`PreparedResponse`.

    True when the app may take the direct path at all (its serving plan: no
    after-request hook, no overridden step such as ``make_response``, the
    default response class); the request may still take the full path.
    """
    return (app._plan or app._serving).direct


def split_return(rv: tuple[Any, ...], who: Callable[[], str]) -> tuple[Any, Status | None, Any]:
    """Return ``(body, status, headers)`` for a returned tuple (see the module docs).

    ``who()`` names the view for the error message (called only on error):
    a tuple of another size is a :class:`TypeError`.
    """
    size = len(rv)
    if size == 3:
        return rv[0], rv[1], rv[2]
    if size == 2:
        if isinstance(rv[1], _HEADER_TYPES):
            return rv[0], None, rv[1]
        return rv[0], rv[1], None
    raise TypeError(
        f"{who()} returned a tuple of {size} items; return (body, status), (body, headers)"
        " or (body, status, headers)."
    )


def apply_status_and_headers(
    response: SansIOResponse, status: Status | None, headers: Any
) -> SansIOResponse:
    """Set ``status`` (an ``int`` or a ``str``) and add ``headers`` to ``response``; return it."""
    if status is not None:
        if isinstance(status, (str, bytes, bytearray)):
            response.status = status
        else:
            response.status_code = status
    if headers:
        response.headers.update(headers)
    return response


def make_response(app: App, rv: Any) -> Response:
    """Turn what a function view returned into an ``app.response_class`` instance.

    Accepted: a response object; ``str``, ``bytes`` or an iterator of them
    (streamed) as the body; a ``dict``, ``list`` or attrs instance as JSON
    (through ``app.json``); an HTTP error (rendered); any WSGI callable; and
    the tuples of :func:`split_return`.
    """
    if type(rv) is PreparedResponse:
        return app.response_class(rv.body, status=rv.status, headers=rv.headers)
    status: Status | None = None
    headers: Any = None
    if isinstance(rv, tuple):
        rv, status, headers = split_return(rv, _the_view)
    if type(rv) is AsyncGeneratorType:
        rv = iterate_async(rv)  # streamed from the worker thread's event loop
    if rv is None:
        raise TypeError(
            f"{_the_view()} returned None (did it forget a return statement?). Return a"
            " string, dict, list, tuple or response object."
        )

    response_class = app.response_class
    response: Response
    if isinstance(rv, response_class):
        response = rv
    elif isinstance(rv, (str, bytes, bytearray, Iterator)):
        # PERF: werkzeug derives the Content-Type from the mimetype for every
        # response; pass the one computed once per mimetype instead.
        mimetype = response_class.default_mimetype
        response = response_class(
            cast(Any, rv),
            status=status,
            headers=headers,
            content_type=None if headers or not mimetype else content_type(mimetype),
        )
        return response
    elif isinstance(rv, (dict, list)) or attrs.has(type(rv)):
        response = app.json.response(rv)
    elif isinstance(rv, HTTPException):
        response = http_error_response(app, rv)
    elif isinstance(rv, BaseResponse) or callable(rv):
        try:
            response = cast("Response", response_class.force_type(rv, _cv_request.get().environ))
        except TypeError as exc:
            raise TypeError(
                f"{_the_view()} returned {type(rv).__name__}, a callable that is not a WSGI"
                f" application ({exc})."
            ).with_traceback(sys.exc_info()[2]) from None
    else:
        raise TypeError(
            f"{_the_view()} returned a {type(rv).__name__}; return a string, dict, list,"
            " tuple, attrs instance or response object."
        )
    if status is None and not headers:
        return response
    return cast("Response", apply_status_and_headers(response, status, headers))


def http_error_response(app: App, e: HTTPException) -> Response:
    """Render the HTTP error ``e`` as werkzeug does, into ``app.response_class``."""
    environ = _cv_request.get().environ
    if not _renders_plainly(e):
        return cast("Response", app.response_class.force_type(e.get_response(environ)))
    return app.response_class(
        _error_body(app, e, environ), status=e.code, headers=e.get_headers(environ)
    )


def _renders_plainly(e: HTTPException) -> bool:
    cls = type(e)
    return (
        e.response is None
        and cls.get_response is HTTPException.get_response
        and cls.get_body is HTTPException.get_body
        and cls.get_description is HTTPException.get_description
    )


def _error_body(app: App, e: HTTPException, environ: WSGIEnvironment) -> str:
    # PERF: werkzeug renders and escapes the same HTML page for every 404 and 405;
    # render each (error class, description) once. Headers (Allow...) stay per error.
    bodies = app._error_bodies
    key = (type(e), e.description)
    body = bodies.get(key)
    if body is None:
        body = e.get_body(environ)
        if len(bodies) >= _ERROR_BODY_CACHE_SIZE:
            bodies.clear()
        bodies[key] = body
    return body


# -- the direct path: what the response would send, without making it -------------------------

_status_lines: dict[int, str] = {}
_TEXT_TYPE = content_type("text/html")


def status_line(code: int) -> str:
    """Return the status line werkzeug sends for ``code`` (``"201 CREATED"``)."""
    line = _status_lines.get(code)
    if line is None:
        line = _status_lines[code] = BaseResponse(status=code).status
    return line


def direct_answer(app: App, rv: Any, environ: WSGIEnvironment) -> DirectAnswer | None:
    """Return the status, headers and body ``make_response(rv)`` would send, or ``None``.

    For the common return values only: ``str``, ``bytes``, ``dict``, ``list``,
    one of them with an ``int`` status, HTTP errors rendered as werkzeug
    renders them, and a :class:`PreparedResponse`. ``None`` means "make the
    response": anything else, and statuses whose headers werkzeug adjusts
    (1xx, 204, 304). The caller
    checks that nothing else needs the response object
    (:attr:`ServingPlan.direct <resourceful.hooks.ServingPlan.direct>`).
    tests/test_app_fast_paths.py holds every case to the response's answer.
    """
    kind = type(rv)
    if kind is PreparedResponse:
        body = b"" if environ["REQUEST_METHOD"] == "HEAD" else rv.body
        return _status_lines.get(rv.status) or status_line(rv.status), rv.headers, body
    status = 200
    if kind is tuple:
        if len(rv) != 2 or type(rv[1]) is not int:
            return None
        rv, status = rv
        if status < 200 or status == 204 or status == 304:
            return None
        kind = type(rv)
    if kind is str:
        body = rv.encode()
        headers = [("Content-Type", _TEXT_TYPE), ("Content-Length", str(len(body)))]
    elif kind is bytes:
        body = rv
        headers = [("Content-Type", _TEXT_TYPE), ("Content-Length", str(len(body)))]
    elif kind is dict or kind is list:
        provider = app.json
        if not isinstance(provider, DefaultJSONProvider) or not _plain_json(type(provider)):
            return None
        body = provider._response_body(rv).encode()
        headers = [
            ("Content-Type", content_type(provider.mimetype)),
            ("Content-Length", str(len(body))),
        ]
    elif isinstance(rv, HTTPException) and status == 200:
        code = rv.code
        if code is None or code < 200 or code == 204 or code == 304 or not _renders_plainly(rv):
            return None
        status = code
        body = _error_body(app, rv, environ).encode()
        headers = [*rv.get_headers(environ), ("Content-Length", str(len(body)))]
    else:
        return None
    if environ["REQUEST_METHOD"] == "HEAD":
        body = b""
    return status_line(status), headers, body


def _plain_json(cls: type[DefaultJSONProvider]) -> bool:
    return cls.response is DefaultJSONProvider.response


def _the_view() -> str:
    ctx = _cv_request.get(None)
    endpoint = ctx.request.endpoint if ctx is not None else None
    return f"The view for {endpoint!r}"
