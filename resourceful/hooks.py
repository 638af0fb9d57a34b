"""Hook chains and error-handler lookup, resolved per blueprint scope.

Apps and blueprints store hooks and error handlers per *scope*
(:mod:`resourceful.scaffold`): ``None`` for the app, the dotted blueprint
name for a blueprint. A request of blueprint ``"a.b"`` passes through the
scopes ``"a.b"``, ``"a"`` and the app. :class:`Hooks` answers, for one app,
the two questions a request asks about them:

- which hooks run, in which order (:meth:`Hooks.chain`: one frozen
  :class:`HookChain` per scope);
- which error handler takes an exception (:meth:`Hooks.error_handler`).

PERF: once the app has served its first request, setup is closed and both
answers can no longer change, so they are remembered; an app with no hooks
walks empty tuples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from .globals import _cv_request

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.exceptions import HTTPException

    from .app import App
    from .scaffold import AppScope, ErrorHandler
    from .wrappers import Response


def blueprint_scopes(name: str | None) -> tuple[str, ...]:
    """Return ``"a.b.c"`` as ``("a.b.c", "a.b", "a")``: the scopes a request passes through."""
    if not name:
        return ()
    parts = name.split(".")
    return tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))


def current_blueprints() -> tuple[str, ...]:
    """Return the blueprint scopes of the current request, innermost first (none outside one)."""
    ctx = _cv_request.get(None)
    return blueprint_scopes(ctx.blueprint) if ctx is not None else ()


@attrs.frozen
class HookChain:
    """The hooks that apply to requests of one blueprint scope, in the order they run."""

    url_value_preprocessors: tuple[Callable[[str | None, dict[str, Any] | None], None], ...]
    before_request: tuple[Callable[[], Any], ...]
    after_request: tuple[Callable[[Response], Response], ...]
    teardown_request: tuple[Callable[[BaseException | None], Any], ...]
    context_processors: tuple[Callable[[], dict[str, Any]], ...]


class Hooks:
    """The hook chains and error handlers of one app, looked up per blueprint scope."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._chains: dict[str | None, HookChain] = {}
        self._error_handlers: dict[
            tuple[type[BaseException], tuple[str, ...]], ErrorHandler | None
        ] = {}
        self._teardown_appcontext: tuple[Callable[[BaseException | None], Any], ...] | None = None

    def forget(self) -> None:
        """Drop the remembered chains and handler lookups (the registries changed)."""
        self._chains.clear()
        self._error_handlers.clear()
        self._teardown_appcontext = None

    def teardown_appcontext(self) -> tuple[Callable[[BaseException | None], Any], ...]:
        """Return the teardown-appcontext functions, last registered first, async ones wrapped."""
        funcs = self._teardown_appcontext
        if funcs is None:
            app = self._app
            funcs = tuple(app.ensure_sync(f) for f in reversed(app.teardown_appcontext_funcs))
            if app._got_first_request:
                # PERF: wrapped once; the sync path no longer asks per request.
                self._teardown_appcontext = funcs
        return funcs

    def chain(self, blueprint: str | None) -> HookChain:
        """Return the hooks for requests of ``blueprint`` (``None``: the app's own routes)."""
        chain = self._chains.get(blueprint)
        if chain is None:
            chain = self._build_chain(blueprint)
            if self._app._got_first_request:
                # PERF: setup is closed now, so the chain can no longer change.
                self._chains[blueprint] = chain
        return chain

    def _build_chain(self, blueprint: str | None) -> HookChain:
        app = self._app
        inner_first: tuple[AppScope, ...] = (*blueprint_scopes(blueprint), None)
        outer_first = tuple(reversed(inner_first))

        # async def hooks are wrapped here, once per scope once setup is closed.
        sync = app.ensure_sync

        def collect(
            spec: dict[AppScope, list[Any]], scopes: tuple[AppScope, ...]
        ) -> tuple[Any, ...]:
            return tuple(sync(f) for scope in scopes for f in spec.get(scope, ()))

        def collect_reversed(
            spec: dict[AppScope, list[Any]], scopes: tuple[AppScope, ...]
        ) -> tuple[Any, ...]:
            return tuple(sync(f) for scope in scopes for f in reversed(spec.get(scope, ())))

        return HookChain(
            url_value_preprocessors=collect(app.url_value_preprocessors, outer_first),
            before_request=collect(app.before_request_funcs, outer_first),
            after_request=collect_reversed(app.after_request_funcs, inner_first),
            teardown_request=collect_reversed(app.teardown_request_funcs, inner_first),
            context_processors=collect(app.template_context_processors, outer_first),
        )

    def error_handler(self, e: BaseException, blueprints: tuple[str, ...]) -> ErrorHandler | None:
        """Return the handler for ``e``: by status code first, innermost scope first, along the MRO.

        PERF: once setup is closed the answer depends only on the exception's
        class and the blueprint scopes, so it is remembered per pair.
        """
        if not self._app._got_first_request:
            return self._lookup(type(e), blueprints)
        key = (type(e), blueprints)
        try:
            return self._error_handlers[key]
        except KeyError:
            handler = self._error_handlers[key] = self._lookup(type(e), blueprints)
            return handler

    def _lookup(
        self, exc_type: type[BaseException], blueprints: tuple[str, ...]
    ) -> ErrorHandler | None:
        app = self._app
        exc_class, code = app._get_exc_class_and_code(exc_type)
        codes: tuple[int | None, ...] = (code, None) if code is not None else (None,)
        scopes: tuple[AppScope, ...] = (*blueprints, None)
        for c in codes:
            for scope in scopes:
                by_code = app.error_handler_spec.get(scope)
                handlers = by_code.get(c) if by_code is not None else None
                if not handlers:
                    continue
                for cls in exc_class.__mro__:
                    handler = handlers.get(cls)
                    if handler is not None:
                        return app.ensure_sync(handler)
        return None


#: The ``App`` methods the direct path (:meth:`App.wsgi_app <resourceful.App.wsgi_app>`)
#: stands in for: a subclass that overrides one always gets the full path.
DIRECT_PATH_METHODS = (
    "full_dispatch_request",
    "finalize_request",
    "make_response",
    "process_response",
    "handle_user_exception",
    "handle_http_exception",
    "handle_exception",
    "trap_http_exception",
    "request_context",
    "should_ignore_error",
)


@attrs.frozen
class ServingPlan:
    """What every request of one app does or skips, decided once setup is closed.

    Before the first request setup is still open, so a fresh plan is made
    each time one is asked for; afterwards the app keeps one (see
    ``App._serving``; ``App._forget_serving_plan()`` drops it).
    """

    #: Match from the environ, making the request object and adapter only on demand.
    match_environ: bool
    #: Run ``do_teardown_request`` (teardown functions exist, or it is overridden).
    request_teardown: bool
    #: Run ``do_teardown_appcontext`` (the same, for the app context).
    app_teardown: bool
    #: Run ``preprocess_request`` (a URL value preprocessor or before-request hook in
    #: some scope, or it is overridden); else only its body-size check runs.
    preprocess: bool
    #: Raise a routing error as it is outside debug mode (``raise_routing_exception`` is ours).
    plain_routing_errors: bool
    #: Send common return values straight to ``start_response`` when nothing needs a
    #: response object (no after-request hooks, overridden steps or other response class).
    direct: bool
    #: The session cookie's name, when a request that sends it must refresh the session.
    refresh_cookie: str | None


def plan_serving(
    app: App, base: type[App], request_class: type[Any], response_class: type[Any]
) -> ServingPlan:
    """Decide :class:`ServingPlan` for ``app``; ``base`` is ``App``, and the default classes."""
    cls = type(app)

    def ours(name: str) -> bool:
        return getattr(cls, name) is getattr(base, name)

    after = any(app.after_request_funcs.values())
    direct = (
        not after
        and all(ours(name) for name in DIRECT_PATH_METHODS)
        and app.response_class is response_class
    )
    refresh = None
    if app.config["SESSION_REFRESH_EACH_REQUEST"]:
        refresh = app.session_interface.get_cookie_name(app)
    return ServingPlan(
        match_environ=(
            ours("create_url_adapter") and ours("match_url") and app.request_class is request_class
        ),
        request_teardown=(
            any(app.teardown_request_funcs.values()) or not ours("do_teardown_request")
        ),
        app_teardown=bool(app.teardown_appcontext_funcs) or not ours("do_teardown_appcontext"),
        preprocess=(
            any(app.url_value_preprocessors.values())
            or any(app.before_request_funcs.values())
            or not ours("preprocess_request")
        ),
        plain_routing_errors=ours("raise_routing_exception"),
        direct=direct,
        refresh_cookie=refresh,
    )


def renders_as_is(app: App, e: HTTPException) -> bool:
    """Return whether raising the HTTP error ``e`` in the current request would only render it.

    True when ``app`` does not trap it and no error handler applies to it in
    the current blueprint scope: returning ``e`` from a view then gives the
    same response, hooks and signals as raising it.
    """
    return (
        not app.trap_http_exception(e) and app._hooks.error_handler(e, current_blueprints()) is None
    )
