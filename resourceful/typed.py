"""How the typed layer plugs into the core: its extension record and resource registrar.

The core calls the typed layer only through :mod:`resourceful.extensions`;
importing this module (the package does) plugs it in:

- ``add_resource()`` on an app or a blueprint calls
  :func:`~resourceful.resources.register_resource`; an app's first resource
  also gives it ``MAX_CONTENT_LENGTH = API_MAX_CONTENT_LENGTH`` (16 MiB)
  unless its config sets the key;
- :class:`TypedExtension` is the typed layer's record on each app
  (``app.extensions["resourceful.typed"]``): before serving it adds the
  OpenAPI document and docs page routes, it renders the HTTP errors of the
  API's URLs as problem+json (:class:`ProblemScopes`), and it builds
  :meth:`App.openapi() <resourceful.App.openapi>`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .config import API_MAX_CONTENT_LENGTH
from .cors import CORS
from .errors import DefinitionError, as_problem, display_name
from .extensions import AppExtension, plug_in
from .globals import _cv_request
from .operation import operations_of
from .resources import register_resource

if TYPE_CHECKING:  # pragma: no cover
    from .app import App
    from .blueprints import BlueprintSetupState
    from .ctx import RequestContext
    from .scaffold import Scaffold

__all__ = ["ProblemScopes", "TypedExtension"]

#: The apps and blueprints that resources were added to.
_HOLD_RESOURCES: weakref.WeakSet[Any] = weakref.WeakSet()


class ProblemScopes:
    """Which requests of one app are the API's: their HTTP errors are problem+json.

    Decided once the setup is known (on the first request), from:

    1. the endpoints of resources: any error on a URL a resource serves;
    2. blueprint registrations, innermost first, for the endpoints they
       serve: ``problem_errors=True`` or ``False`` when given, else ``True``
       for a blueprint that holds resources;
    3. URL prefixes, for a URL whose rule does not decide (one that matches
       no rule, a path that cannot be decoded): the prefixes of the
       registrations in 2 that say ``True``, the static start of every
       resource rule (``/todos/`` for ``/todos/<int:todo_id>``, so a value
       the converter refuses is a problem too; a collection ``/books/``
       owns what is under it), and ``PROBLEM_ERROR_PREFIXES``.

    A plain Flask-style app has none of these, and keeps werkzeug's HTML pages.
    """

    __slots__ = ("blueprints", "endpoints", "prefixes")

    def __init__(
        self, endpoints: Iterable[str], blueprints: dict[str, bool], prefixes: Iterable[str]
    ) -> None:
        #: The endpoints of resources.
        self.endpoints = frozenset(endpoints)
        #: Blueprint registration (dotted name) -> whether its errors are problems.
        self.blueprints = dict(blueprints)
        normal = {prefix.rstrip("/") for prefix in prefixes}
        # PERF: compared with PATH_INFO as the server gives it (UTF-8 bytes read
        # as latin-1), so a path that is not valid UTF-8 is compared too.
        as_wsgi = sorted(prefix.encode("utf-8").decode("latin-1") for prefix in normal)
        #: ``(exact, under)``: the prefixes themselves, and each followed by a slash.
        self.prefixes = (frozenset(as_wsgi), tuple(f"{prefix}/" for prefix in as_wsgi))

    def __bool__(self) -> bool:
        return bool(self.endpoints or self.blueprints or self.prefixes[1])

    def covers(self, ctx: RequestContext, error: HTTPException) -> bool:
        """Return whether ``error``, for the request of ``ctx``, is an API error."""
        endpoint = _endpoint(ctx, error)
        if endpoint is not None:
            if endpoint in self.endpoints:
                return True
            scope = endpoint
            while "." in scope:
                scope = scope.rpartition(".")[0]
                said = self.blueprints.get(scope)
                if said is not None:
                    return said
        path: str = ctx.environ.get("PATH_INFO") or "/"
        exact, under = self.prefixes
        return path in exact or path.startswith(under)


def _endpoint(ctx: RequestContext, error: HTTPException) -> str | None:
    """Return the endpoint the request is for: its rule's, or for a 405 the URL's."""
    rule = ctx.url_rule
    if rule is not None:
        return str(rule.endpoint)
    if not isinstance(error, MethodNotAllowed) or not error.valid_methods:
        return None
    adapter = ctx.url_adapter
    if adapter is None:
        return None
    try:
        endpoint, _ = adapter.match(method=next(iter(error.valid_methods)))
    except HTTPException:
        return None
    return str(endpoint)


def static_prefix(rule: str) -> str | None:
    """Return the URLs ``rule`` owns: its start before the first variable, up to a slash.

    A rule without variables owns what is under it when it ends with a slash
    (``/books/``: a collection); otherwise (``None``) only itself.
    """
    start = rule.find("<")
    if start < 0:
        return rule.rstrip("/") or None if rule.endswith("/") else None
    return rule[:start].rpartition("/")[0] or "/"


class TypedExtension(AppExtension):
    """The typed layer's state on one app, and its answers at the core's extension points."""

    key = "resourceful.typed"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        #: Blueprint registration -> whether its errors are problems (see ProblemScopes).
        self.problem_blueprints: dict[str, bool] = {}
        #: The URL prefixes of the registrations whose errors are problems.
        self.problem_prefixes: list[str] = []
        self._scopes: ProblemScopes | None = None

    def prepare(self) -> None:
        """Add the OpenAPI document and docs page routes, as the config says; find the API."""
        # NOTE: imported here, so that importing resourceful does not import the
        # OpenAPI generator; the first request does.
        from .openapi.ui import register_docs

        register_docs(self.app)
        self._scopes = self.problem_scopes()

    def blueprint_registered(self, state: BlueprintSetupState) -> None:
        """Note whether the registration's errors are problems, and its URL prefix."""
        said = state.problem_errors
        if said is None:
            if state.blueprint not in _HOLD_RESOURCES:
                return  # it inherits from its parent registration, or is not the API's
            said = True
        self.problem_blueprints[f"{state.name_prefix}.{state.name}".lstrip(".")] = said
        prefix = (state.url_prefix or "").rstrip("/")
        if said and prefix:
            self.problem_prefixes.append(prefix)

    def problem_scopes(self) -> ProblemScopes:
        """Return which requests are the API's, as the app is set up now."""
        app = self.app
        endpoints = []
        prefixes = list(self.problem_prefixes)
        for rule in app.url_map.iter_rules():
            if operations_of(app.view_functions.get(rule.endpoint)):
                endpoints.append(rule.endpoint)
                prefix = static_prefix(rule.rule)
                if prefix is not None:
                    prefixes.append(prefix)
        configured = app.config.get("PROBLEM_ERROR_PREFIXES") or ()
        if isinstance(configured, str):
            configured = [configured]
        for prefix in configured:
            if not isinstance(prefix, str) or not prefix.startswith("/"):
                raise ValueError(
                    f"PROBLEM_ERROR_PREFIXES: {prefix!r} is not a URL path prefix; write it"
                    " from the root, such as '/api'."
                )
            prefixes.append(prefix)
        return ProblemScopes(endpoints, self.problem_blueprints, prefixes)

    def render_http_error(self, error: HTTPException) -> Any:
        """Render an HTTP error of the API's URLs as problem+json; leave the rest.

        A typed API answers a wrong method, an unknown URL, a body over the
        limit, a path it cannot decode as it answers every other error: with
        problem details (keeping headers such as ``Allow``).
        """
        scopes = self._scopes
        if scopes is None or not self.app._got_first_request:
            scopes = self.problem_scopes()  # setup is still open: decided afresh
        if not scopes:
            return None  # PERF: a plain Flask-style app asks no more
        ctx = _cv_request.get(None)
        if ctx is None or not scopes.covers(ctx, error):
            return None
        return as_problem(error)

    def openapi(self, version: str = "3.1") -> dict[str, Any]:
        """Return the OpenAPI document of the app's operations (built once, shared, read-only)."""
        from .openapi.document import shared_document

        return shared_document(self.app, version)


def _register(
    scaffold: Scaffold, resource: Any, rule: str | None, options: dict[str, Any]
) -> Callable[[App], None]:
    _HOLD_RESOURCES.add(scaffold)
    cls = resource if isinstance(resource, type) else type(resource)
    cors = getattr(cls, "cors", None)
    if cors is not None and not isinstance(cors, CORS):
        raise DefinitionError(
            f"{display_name(cls)}.cors is {cors!r}; it must be CORS settings:"
            " cors = CORS(origins=[...]) (from resourceful.cors), or None."
        )
    finish = register_resource(scaffold, resource, rule, **options)

    def finish_on(app: App) -> None:
        endpoints = finish(app)
        if cors is not None:
            # PERF: the endpoints of this registration, not a search of every view.
            cors.init_endpoints(app, endpoints)
        config = app.config
        was_set = getattr(config, "was_set", None)
        if was_set is not None and not was_set("MAX_CONTENT_LENGTH"):
            # An API takes JSON bodies: a bound unless the config says otherwise.
            config["MAX_CONTENT_LENGTH"] = API_MAX_CONTENT_LENGTH

    return finish_on


plug_in(TypedExtension, register_resource=_register)
