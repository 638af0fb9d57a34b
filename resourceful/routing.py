"""URL matching: from a request to its rule and view arguments.

:class:`Router` is the one entry point the app uses. For each request it
builds a :class:`~werkzeug.routing.MapAdapter` (:meth:`Router.adapter`:
trusted hosts, the raw path's escapes, and what ``Map.bind_to_environ``
computes, cached per host) and matches it (:meth:`Router.match`) in one of
two ways that give the same answer:

1. once the app has served its first request its rules can no longer
   change, so the router compiles them into a
   :class:`~resourceful.matcher.CompiledMatcher` (a lookup for static paths,
   a short ordered list of patterns for the others) and asks it first;
2. werkzeug's matcher, before that and for everything the compiled matcher
   steps aside from (405s, redirects, websockets, a map that is not a
   :class:`~resourceful.url_map.URLMap`).

tests/test_matcher.py and tests/test_routing.py hold the two equal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from urllib.parse import quote, unquote_to_bytes

from werkzeug.exceptions import BadRequest, MethodNotAllowed
from werkzeug.routing import BuildError, Map, MapAdapter, Rule
from werkzeug.wsgi import get_host

from .globals import _cv_app, _cv_request
from .hooks import blueprint_scopes
from .matcher import CompiledMatcher
from .url_map import URLMap
from .wrappers import _BAD_ESCAPE

if TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.wrappers import Response as BaseResponse

    from .app import App
    from .ctx import RequestContext
    from .scaffold import AppScope
    from .wrappers import Request

_ADAPTER_CACHE_SIZE = 256
_MATCH_CACHE_SIZE = 1024
_MATCH_CACHE_MAX_PATH = 256


class _AdapterParams(NamedTuple):
    """What ``Map.bind_to_environ`` computes for one host; reused for every request to it."""

    server_name: str
    script_name: str
    subdomain: str | None
    url_scheme: str


class Router:
    """Match one app's requests against its URL map (see the module docs).

    The app's ``url_map`` may be replaced before the first request; the
    router reads it from the app each time, and compiles its matcher again
    when the map, or a ``URLMap``'s rules, changed.
    """

    def __init__(self, app: App) -> None:
        self._app = app
        self._adapter_params: dict[tuple[Any, ...], _AdapterParams] = {}
        #: PERF: the rules compiled once setup is closed (see :meth:`match`).
        self._compiled: CompiledMatcher | None = None
        #: PERF: the methods of recent URLs (see :meth:`allowed_methods`).
        self._allowed: dict[tuple[Any, ...], tuple[str, ...]] = {}
        #: The endpoints each view function was registered under (for conflict checks).
        self.endpoints_by_view: dict[int, tuple[str, ...]] = {}

    def forget(self) -> None:
        """Drop the remembered matches and host parameters (the rules or config changed)."""
        self._compiled = None
        self._allowed.clear()
        self._adapter_params.clear()

    def allowed_methods(self, ctx: RequestContext) -> tuple[str, ...]:
        """Return the methods the URL of ``ctx``'s request serves, sorted (``Allow``, CORS).

        PERF: remembered per host and path once setup is closed, when matching
        is the router's own (no overridden ``create_url_adapter``): an OPTIONS
        answer and a CORS preflight both ask, and werkzeug tries every rule.
        """
        app = self._app
        if not app._serving.match_environ:
            adapter = ctx.url_adapter
            found = adapter.allowed_methods(ctx.request.path) if adapter is not None else ()
            return tuple(sorted(found))
        environ = ctx.environ
        params = self.params(environ)
        path = path_info(environ)
        key = (params, path)
        methods = self._allowed.get(key)
        if methods is None:
            adapter = MapAdapter(app.url_map, *params, path, "GET", "")
            methods = tuple(sorted(adapter.allowed_methods()))
            if app._got_first_request and len(path) <= _MATCH_CACHE_MAX_PATH:
                if len(self._allowed) >= _MATCH_CACHE_SIZE:
                    self._allowed.clear()
                self._allowed[key] = methods
        return methods

    def adapter(self, request: Request) -> MapAdapter:
        """Return the URL adapter of ``request``: its host's parameters, its path and method.

        A request whose Host is not in ``TRUSTED_HOSTS``, or whose path is
        not valid UTF-8 or has a malformed percent-escape, raises a 400.
        """
        environ = request.environ
        params = self.params(environ, request)
        return MapAdapter(
            self._app.url_map,
            *params,
            path_info(environ),
            request.method,
            environ.get("QUERY_STRING", ""),
        )

    def params(self, environ: WSGIEnvironment, request: Request | None = None) -> _AdapterParams:
        """Return the adapter parameters of the request's host (cached per host).

        ``request`` is only needed the first time a host is seen (it is made
        from ``environ`` when not given). An untrusted or malformed Host is a 400.
        """
        key = (
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("wsgi.url_scheme"),
            environ.get("SCRIPT_NAME"),
        )
        params = self._adapter_params.get(key)
        if params is None:
            if request is None:
                # Only to read the host: not the request the view may see later.
                request = self._app.request_class(environ, populate_request=False)
            params = self._bind_params(request)
            if len(self._adapter_params) >= _ADAPTER_CACHE_SIZE:
                self._adapter_params.clear()
            self._adapter_params[key] = params
        return params

    def _bind_params(self, request: Request) -> _AdapterParams:
        app = self._app
        config = app.config
        check_trusted_host(request, config["TRUSTED_HOSTS"])
        server_name = config["SERVER_NAME"]
        subdomain: str | None = None
        if app.url_map.host_matching:
            # The request's own host must be matched, so SERVER_NAME must not replace it.
            server_name = None
        elif not app.subdomain_matching:
            # Without subdomain matching every host is treated as the default subdomain.
            subdomain = app.url_map.default_subdomain or ""
        if server_name is None:
            get_host(request.environ)  # raises for a malformed Host header
        adapter = app.url_map.bind_to_environ(
            request.environ, server_name=server_name, subdomain=subdomain
        )
        return _AdapterParams(
            adapter.server_name, adapter.script_name, adapter.subdomain, adapter.url_scheme
        )

    def match(self, adapter: MapAdapter) -> tuple[Rule, dict[str, Any]]:
        """Match the adapter's path and method; raise werkzeug's routing errors.

        Once setup is closed, the compiled matcher first, then werkzeug; both
        give werkzeug's answer, in a dict of the caller's own.
        """
        params = _AdapterParams(
            adapter.server_name, adapter.script_name, adapter.subdomain, adapter.url_scheme
        )
        return self._match(params, adapter.path_info, adapter.default_method.upper(), adapter, "")

    def match_environ(self, environ: WSGIEnvironment) -> tuple[Rule, dict[str, Any]]:
        """Match a WSGI request without making a ``Request`` or a ``MapAdapter``.

        The same answer as ``match(adapter(request))``, 400s included.
        PERF: the adapter is made only when werkzeug's matcher must decide.
        """
        params = self.params(environ)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        return self._match(
            params, path_info(environ), method, None, environ.get("QUERY_STRING", "")
        )

    def _match(
        self,
        params: _AdapterParams,
        path: str,
        method: str,
        adapter: MapAdapter | None,
        query: str,
    ) -> tuple[Rule, dict[str, Any]]:
        app = self._app
        url_map = app.url_map
        compiled = self._compiled
        if (
            compiled is None
            or compiled.url_map is not url_map
            or compiled.rule_count != url_map.rule_count  # type: ignore[attr-defined]
        ):
            compiled = None
            if app._got_first_request and isinstance(url_map, URLMap):
                # NOTE: rules added straight to the map after the first request
                # (not through add_url_rule, which refuses) are seen here too.
                compiled = self._compiled = CompiledMatcher(url_map)
        if compiled is not None:
            found = compiled.match_path(
                params.server_name, params.subdomain, params.url_scheme, path, method
            )
            if found is not None:
                return found
        if adapter is None:
            adapter = MapAdapter(url_map, *params, path, method, query)
        try:
            rule, view_args = adapter.match(return_rule=True)
        except MethodNotAllowed as exc:
            # werkzeug lists them in set order, which changes from run to run.
            exc.valid_methods = sorted(exc.valid_methods or ())
            raise
        return rule, dict(view_args)


def path_info(environ: WSGIEnvironment) -> str:
    """Return the request path as text; a 400 when it is not UTF-8 or was badly escaped."""
    raw_path = environ.get("PATH_INFO") or ""
    try:
        decoded = raw_path.encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:
        decoded = raw_path
    except UnicodeDecodeError:
        raise BadRequest("The request path is not valid UTF-8 once percent-decoded.") from None
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri and "%" in raw_uri:
        # Servers unquote the path leniently (a bad escape stays, invalid UTF-8 becomes
        # U+FFFD), so only the URI as sent shows whether it was well formed.
        check_raw_path(raw_uri.partition("?")[0])
    return decoded


def check_trusted_host(request: Request, trusted: list[str] | None) -> None:
    """Raise a 400 when the request's host is not one of ``trusted``."""
    if trusted is None:
        return
    request.trusted_hosts = trusted
    try:
        request.host  # noqa: B018 - reading it runs werkzeug's check
    except BadRequest as exc:
        raise BadRequest(
            f"The Host header {request.environ.get('HTTP_HOST', '')!r} is not one this"
            " application serves (see TRUSTED_HOSTS)."
        ) from exc


def check_raw_path(raw_path: str) -> None:
    """Raise a 400 when the request path as sent has a bad percent-escape or is not UTF-8."""
    bad = _BAD_ESCAPE.search(raw_path)
    if bad is not None:
        raise BadRequest(
            f"The request path has a malformed percent-escape at position {bad.start()}:"
            f" {raw_path[bad.start() : bad.start() + 3]!r} (expected '%' and two hex digits)."
        )
    try:
        unquote_to_bytes(raw_path.encode("latin-1")).decode("utf-8")
    except UnicodeError:
        raise BadRequest("The request path is not valid UTF-8 once percent-decoded.") from None


# -- building URLs ------------------------------------------------------------------------------

_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


def build_url(
    app: App,
    endpoint: str,
    _anchor: str | None,
    _method: str | None,
    _scheme: str | None,
    _external: bool | None,
    values: dict[str, Any],
) -> str:
    """Build a URL for ``endpoint`` (``App.url_for``; see :func:`resourceful.url_for`).

    In a request, with its adapter (relative by default, ``.name`` is in the
    request's blueprint); outside one, with the app context's adapter or one
    from ``SERVER_NAME`` (external by default).
    """
    req_ctx = _cv_request.get(None)
    adapter: MapAdapter | None
    if req_ctx is not None:
        adapter = req_ctx.url_adapter
        if endpoint[:1] == ".":
            blueprint = req_ctx.request.blueprint
            endpoint = f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
        if _external is None:
            _external = _scheme is not None
    else:
        app_ctx = _cv_app.get(None)
        adapter = app_ctx.url_adapter if app_ctx is not None else app.create_url_adapter(None)
        if _external is None:
            _external = True
    if adapter is None:
        raise RuntimeError(
            f"Cannot build a URL for {endpoint!r} outside a request because SERVER_NAME is"
            " not set. Set SERVER_NAME (and APPLICATION_ROOT and PREFERRED_URL_SCHEME as"
            " needed), or build the URL inside a request."
        )
    if _scheme is not None and not _external:
        raise ValueError("url_for(_scheme=...) needs _external=True: a scheme needs a host.")
    app.inject_url_defaults(endpoint, values)
    try:
        rv = adapter.build(
            endpoint,
            values,
            method=_method,
            url_scheme=_scheme,
            force_external=_external,
        )
    except BuildError as error:
        values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
        return app.handle_url_build_error(error, endpoint, values)
    if _anchor is not None:
        rv = f"{rv}#{quote(_anchor, safe=_ANCHOR_SAFE)}"
    return rv


class URLsMixin:
    """The URL methods of :class:`~resourceful.App` (kept here, with the routing they use).

    ``App`` inherits them, so they are Flask's ``App`` methods and a subclass
    may override them.
    """

    if TYPE_CHECKING:  # pragma: no cover - what the methods read from App
        from .config import Config

        config: Config
        url_map: Map
        _router: Router
        url_default_functions: dict[Any, list[Callable[[str, dict[str, Any]], None]]]
        url_build_error_handlers: list[Callable[[Exception, str, dict[str, Any]], str | None]]
        response_class: type[BaseResponse]

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Return a URL adapter for ``request``, or for building URLs without one.

        Without a request, an adapter exists only when ``SERVER_NAME`` is set.
        A request whose Host is not in ``TRUSTED_HOSTS`` or whose path is not
        valid UTF-8 raises a 400 here.
        """
        config = self.config
        if request is None:
            server_name = config["SERVER_NAME"]
            if server_name is None:
                return None
            return self.url_map.bind(
                server_name,
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        return self._router.adapter(request)

    def match_url(self, adapter: MapAdapter) -> tuple[Rule, dict[str, Any]]:
        """Match the adapter's path and method; raise werkzeug's routing errors.

        PERF: :class:`~resourceful.routing.Router` answers from its memo or
        its fast matcher when it can, and gives werkzeug's answer either way.
        """
        return self._router.match(adapter)

    def url_for(
        self,
        endpoint: str,
        /,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Build a URL for ``endpoint`` (see :func:`resourceful.url_for`)."""
        return build_url(cast("App", self), endpoint, _anchor, _method, _scheme, _external, values)

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Let the ``url_defaults`` functions fill in ``values`` for ``endpoint``."""
        scopes: Iterable[AppScope] = (None,)
        if "." in endpoint:
            scopes = chain(scopes, reversed(blueprint_scopes(endpoint.rpartition(".")[0])))
        for scope in scopes:
            for fill in self.url_default_functions.get(scope, ()):
                fill(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, Any]
    ) -> str:
        """Try :attr:`url_build_error_handlers`; re-raise the error when none returns a URL."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as exc:
                error = exc
                continue
            if rv is not None:
                return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def redirect(self, location: str, code: int = 302) -> BaseResponse:
        """Return a redirect response built with :attr:`response_class`."""
        from werkzeug.utils import redirect as _redirect

        return _redirect(location, code=code, Response=self.response_class)
