"""CORS (the Fetch standard's cross-origin resource sharing) for an app or a blueprint.

:class:`CORS` plugs in like an extension, through the public request hooks::

    cors = CORS(origins=["https://app.example.com"], credentials=True, max_age=600)
    cors.init_app(app)          # or CORS(api_blueprint, origins=...)

For every response in its scope it adds ``Vary: Origin`` (a cache must not
give one origin's answer to another). For a request from an allowed origin
it adds ``Access-Control-Allow-Origin`` and, as configured,
``Access-Control-Allow-Credentials`` and ``Access-Control-Expose-Headers``.
A preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) also gets ``Access-Control-Allow-Methods``,
listing exactly the methods the URL serves (asked of the URL map, as the
automatic ``Allow`` header is), ``Access-Control-Allow-Headers`` and
``Access-Control-Max-Age``. A request from an origin that is not allowed
gets no CORS headers at all, so the browser refuses it.

Settings on a blueprint apply to its routes instead of the app's, and
settings on a resource class (its ``cors`` attribute) to the resource's URLs
instead of its blueprint's or the app's: the nearest scope that has CORS
answers, and the outer ones stay out. The typed layer applies a resource's
settings with :meth:`CORS.init_endpoints` when the resource is registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .errors import DefinitionError
from .globals import _cv_app, _cv_request, request, request_ctx

if TYPE_CHECKING:
    from .app import App
    from .scaffold import Scaffold
    from .wrappers import Response

__all__ = ["CORS"]

#: Who may read responses: ``"*"`` (anyone, without credentials), one exact
#: origin, several, or a predicate called with the request's ``Origin``.
Origins = str | Iterable[str] | Callable[[str], bool]

#: The WSGI environ key that marks a request whose CORS headers are set.
_ANSWERED = "resourceful.cors.answered"
#: Where an app keeps the settings of single endpoints (endpoint -> CORS).
_ENDPOINTS = "resourceful.cors.endpoints"
#: Where an app keeps its blueprints' URL prefixes with CORS, longest first.
_PREFIXES = "resourceful.cors.prefixes"

_ORIGIN = re.compile(r"\A[a-z][a-z0-9+.-]*://[^/?#\s]+\Z|\Anull\Z", re.ASCII | re.IGNORECASE)
_TOKEN = re.compile(r"\A[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


def _tokens(values: Iterable[str], what: str, *, upper: bool = False) -> tuple[str, ...]:
    if isinstance(values, str):
        raise DefinitionError(
            f"CORS {what} must be a list of names, got the string {values!r}:"
            f" write {what}=[{values!r}]."
        )
    result = []
    for value in values:
        if not isinstance(value, str) or not _TOKEN.match(value):
            raise DefinitionError(f"CORS {what}: {value!r} is not an HTTP header or method name.")
        result.append(value.upper() if upper else value)
    return tuple(result)


class CORS:
    """Cross-origin settings for an app or a blueprint, applied by request hooks.

    ``origins`` is ``"*"``, an exact origin (``"https://app.example.com"``),
    a list of them, or a predicate ``origins(origin) -> bool``. ``methods``
    limits the methods offered to other origins (``None``: every method a
    URL serves); ``headers`` are the request headers a preflight allows
    (``Content-Type`` by default, so JSON bodies can be sent);
    ``expose_headers`` the response headers scripts may read (``Link`` for
    pagination, ``Location``...); ``credentials`` lets cookies and
    ``Authorization`` through; ``max_age`` is how many seconds a browser may
    cache a preflight's answer.

    Any origin (``"*"``) with credentials is refused when the settings are
    made: a browser rejects that answer, and reflecting every origin instead
    would let any site read a user's data with the user's cookies. Name the
    origins, or give a predicate.
    """

    def __init__(
        self,
        scope: Scaffold | None = None,
        *,
        origins: Origins,
        methods: Iterable[str] | None = None,
        headers: Iterable[str] = ("Content-Type",),
        expose_headers: Iterable[str] = (),
        credentials: bool = False,
        max_age: int | None = None,
    ) -> None:
        self._any = False
        self._exact: frozenset[str] = frozenset()
        self._predicate: Callable[[str], bool] | None = None
        if isinstance(origins, str) and origins == "*":
            self._any = True
        elif isinstance(origins, str):
            self._exact = frozenset(self._checked_origins([origins]))
        elif callable(origins):
            self._predicate = origins
        else:
            listed = list(origins)
            if "*" in listed:
                raise DefinitionError(
                    'CORS origins: "*" cannot be one origin among others; pass origins="*"'
                    " alone for any origin, or list the origins."
                )
            self._exact = frozenset(self._checked_origins(listed))
        if self._any and credentials:
            raise DefinitionError(
                'CORS(origins="*", credentials=True) would let any site read responses with'
                " the user's cookies, and browsers refuse a wildcard with credentials. List"
                " the origins that may (origins=['https://app.example.com']) or pass a"
                " predicate."
            )
        if max_age is not None and (
            isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0
        ):
            raise DefinitionError(
                f"CORS max_age must be a number of seconds >= 0, got {max_age!r}."
            )
        self.credentials = bool(credentials)
        self.methods = (
            None if methods is None else frozenset(_tokens(methods, "methods", upper=True))
        )
        self.headers = _tokens(headers, "headers")
        self.expose_headers = _tokens(expose_headers, "expose_headers")
        self.max_age = max_age
        # PERF: the constant header values are joined once.
        self._allow_headers = ", ".join(self.headers)
        self._expose = ", ".join(self.expose_headers)
        if scope is not None:
            self.init_app(scope)

    @staticmethod
    def _checked_origins(origins: Iterable[str]) -> list[str]:
        checked = []
        for origin in origins:
            if not isinstance(origin, str) or not _ORIGIN.match(origin):
                raise DefinitionError(
                    f"CORS origins: {origin!r} is not an origin; write the scheme, host and"
                    " port only, without a path or a trailing slash:"
                    " 'https://app.example.com'."
                )
            checked.append(origin.lower())
        return checked

    def init_app(self, scope: Scaffold) -> None:
        """Apply these settings to the app or blueprint ``scope`` (through ``after_request``).

        On a blueprint they also apply to URLs under its ``url_prefix`` that
        match none of its routes (a 404, a 405, an undecodable path): those
        requests run no blueprint hook, yet a browser must be able to read
        their problem.
        """
        scope.after_request(self._after_request)
        record = getattr(scope, "record", None)
        if record is not None:  # a blueprint
            record(self._register_prefix)

    def _register_prefix(self, state: Any) -> None:
        prefix = state.url_prefix
        if not prefix or state.subdomain:
            return
        app = state.app
        table: list[tuple[str, CORS]] | None = app.extensions.get(_PREFIXES)
        if table is None:
            table = app.extensions[_PREFIXES] = []
            app.after_request(_answer_unrouted)
        table.append((prefix.rstrip("/") + "/", self))
        table.sort(key=lambda entry: len(entry[0]), reverse=True)  # the longest prefix first

    def init_endpoints(self, app: App, endpoints: Iterable[str]) -> None:
        """Apply these settings to ``endpoints`` of ``app``, ahead of its blueprints' and its own.

        A resource class's ``cors`` is applied so, to the endpoints of its rules.
        """
        table: dict[str, CORS] | None = app.extensions.get(_ENDPOINTS)
        if table is None:
            table = app.extensions[_ENDPOINTS] = {}
            app.after_request(_answer_endpoint)
        for endpoint in endpoints:
            table[endpoint] = self

    def allows(self, origin: str) -> bool:
        """Return whether ``origin`` may read responses."""
        if self._any:
            return True
        if self._predicate is not None:
            return bool(self._predicate(origin))
        return origin.lower() in self._exact

    # -- per request ---------------------------------------------------------------------

    def _after_request(self, response: Response) -> Response:
        settings = _endpoint_settings()
        return (self if settings is None else settings)._answer(response)

    def _answer(self, response: Response) -> Response:
        environ = request.environ
        if _ANSWERED in environ:  # a nearer scope (a blueprint, a resource) has answered
            return response
        environ[_ANSWERED] = True
        response.vary.add("Origin")
        origin = environ.get("HTTP_ORIGIN")
        if origin is None or not self.allows(origin):
            return response
        headers = response.headers
        headers["Access-Control-Allow-Origin"] = "*" if self._any else origin
        if self.credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        if (
            request.method == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
            and request.url_rule is not None
        ):
            self._answer_preflight(headers)
        elif self._expose:
            headers["Access-Control-Expose-Headers"] = self._expose
        return response

    def _answer_preflight(self, headers: Any) -> None:
        # The route table's answer, as for the automatic Allow header.
        ctx = _cv_request.get()
        served = ctx.app._router.allowed_methods(ctx)
        if self.methods is not None:
            served = tuple(
                method for method in served if method in self.methods or method == "OPTIONS"
            )
        headers["Access-Control-Allow-Methods"] = ", ".join(served)
        if self._allow_headers:
            headers["Access-Control-Allow-Headers"] = self._allow_headers
        if self.max_age is not None:
            headers["Access-Control-Max-Age"] = str(self.max_age)


def _endpoint_settings() -> CORS | None:
    """Return the settings of the current request's endpoint, if it has its own."""
    table: dict[str, CORS] | None = _cv_app.get().app.extensions.get(_ENDPOINTS)
    rule = request_ctx.url_rule
    if table is None or rule is None:
        return None
    return table.get(rule.endpoint)


def _answer_unrouted(response: Response) -> Response:
    """Answer for a URL under a blueprint with CORS that matched no rule (an app-wide hook)."""
    if request_ctx.url_rule is not None:
        return response
    path = request.path
    table: list[tuple[str, CORS]] = _cv_app.get().app.extensions[_PREFIXES]
    for prefix, settings in table:
        if path.startswith(prefix) or path == prefix[:-1]:
            return settings._answer(response)
    return response


def _answer_endpoint(response: Response) -> Response:
    """Answer for the endpoints with settings of their own (an app-wide hook, added once)."""
    settings = _endpoint_settings()
    return response if settings is None else settings._answer(response)
