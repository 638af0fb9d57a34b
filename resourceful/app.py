"""The application: configuration, registration, and the request cycle in flow order.

One request flows top to bottom through :class:`App`; each step that is more
than a few lines lives in the module named after its concept, and the
Flask-named method here is a thin delegate a subclass may override::

    __call__ -> wsgi_app
        prepare_to_serve         (once: the plugged-in extensions, extensions.py)
        RequestContext push      (ctx.py; matching from the environ: routing.py)
        the direct path, when nothing needs a response object (see wsgi_app), or
        full_dispatch_request
            preprocess_request   (URL value preprocessors, before-request hooks: hooks.py)
            dispatch_request     (the view, or the automatic OPTIONS answer)
            handle_user_exception on errors (handler lookup: hooks.py)
            finalize_request
                make_response    (return value -> response: responses.py)
                process_response (after-request hooks, the session)
        handle_exception on unhandled errors (500)
        RequestContext pop       (do_teardown_request, do_teardown_appcontext)

PERF: everything a request needs that does not depend on the request is
computed once: the hooks that apply to each blueprint scope
(:class:`~resourceful.hooks.HookChain`), the URL adapter's parameters per
host, and whether a signal has receivers at all.

The app never imports the typed layer: resources, the OpenAPI routes and
``openapi()`` reach it through :mod:`resourceful.extensions`.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from werkzeug.datastructures import ImmutableDict
from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
)
from werkzeug.routing import Map, RequestRedirect, RoutingException, Rule

from . import coroutines, signals
from .config import DEFAULT_CONFIG, Config, ConfigAttribute, make_timedelta
from .ctx import AppContext, RequestContext, _AppCtxGlobals
from .extensions import installed, render_http_error
from .globals import _cv_request
from .helpers import get_root_path
from .hooks import (
    HookChain,
    Hooks,
    ServingPlan,
    current_blueprints,
    plan_serving,
)
from .json.provider import DefaultJSONProvider, JSONProvider
from .providers import Overrides
from .responses import direct_answer
from .responses import make_response as _make_response
from .routing import Router, URLsMixin
from .scaffold import NewRule, Scaffold, find_package
from .serving import ServingMixin, env_flag
from .sessions import SecureCookieSessionInterface, SessionInterface
from .templating import TemplatesMixin, default_template_context
from .url_map import LazyBuildRule, URLMap, add_rule
from .wrappers import Request, Response, declared_length

if TYPE_CHECKING:  # pragma: no cover
    import logging

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .blueprints import Blueprint
    from .cli import AppGroup
    from .convert import Converter
    from .testing import ResourcefulCliRunner, TestClient

F = TypeVar("F", bound=Callable[..., Any])
# The signals whose receivers send a request down the full path (named signals are singletons).
_started, _finished = signals.request_started, signals.request_finished
_got_exception = signals.got_request_exception


class App(TemplatesMixin, URLsMixin, ServingMixin, Scaffold):
    """A WSGI application: create one per project, register views and resources on it.

    ``import_name`` is the name of the package or module the app lives in
    (usually ``__name__``); it locates templates, static files and the
    instance folder. The static folder is served under ``static_url_path``
    (``/static`` by default) on ``static_host`` when ``host_matching`` is on.
    """

    #: The request object's class.
    request_class: type[Request] = Request
    _hooks_version = 0  # a class default: Scaffold.__init__ builds the hook lists first
    _got_first_request = False

    #: The class used for responses made from view return values.
    response_class: type[Response] = Response
    #: The class behind :data:`g`.
    app_ctx_globals_class = _AppCtxGlobals
    #: The class of :attr:`config`.
    config_class = Config
    #: The class of :attr:`json`.
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    #: How sessions are loaded and saved; replace it to store them elsewhere.
    session_interface: SessionInterface = SecureCookieSessionInterface()
    #: The class of :attr:`url_map`.
    url_map_class: type[Map] = URLMap
    #: The class of the rules :meth:`add_url_rule` creates.
    url_rule_class: type[Rule] = LazyBuildRule
    #: The test client class; ``None`` means :class:`resourceful.testing.TestClient`.
    test_client_class: type[TestClient] | None = None
    #: The CLI runner class; ``None`` means :class:`resourceful.testing.ResourcefulCliRunner`.
    test_cli_runner_class: type[ResourcefulCliRunner] | None = None
    #: The class of :attr:`aborter`, which :func:`abort` calls; a werkzeug ``Aborter``.
    aborter_class = Aborter
    #: Options passed to the Jinja environment when it is created.
    jinja_options: dict[str, Any] = {}  # noqa: RUF012 - read-only by convention, as documented

    testing = ConfigAttribute("TESTING")
    secret_key = ConfigAttribute("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute(
        "PERMANENT_SESSION_LIFETIME", get_converter=make_timedelta
    )

    #: The configuration every app starts from (:data:`resourceful.config.DEFAULT_CONFIG`).
    default_config = ImmutableDict(DEFAULT_CONFIG)

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                f"instance_path must be absolute; got {instance_path!r}. Build it with"
                " os.path.abspath() or leave it out to use the default instance folder."
            )
        #: The folder for files that belong to this deployment, not to the code.
        self.instance_path = instance_path
        #: The configuration dict.
        self.config = self.make_config(instance_relative_config)
        #: Raises HTTP errors for :func:`abort`.
        self.aborter = self.make_aborter()
        #: The JSON provider: how this app reads and writes JSON.
        self.json: JSONProvider = self.json_provider_class(self)
        #: Functions tried in turn when :meth:`url_for` cannot build a URL.
        self.url_build_error_handlers: list[
            Callable[[Exception, str, dict[str, Any]], str | None]
        ] = []
        self.teardown_appcontext_funcs: list[Callable[[BaseException | None], None]] = []
        self.shell_context_processors: list[Callable[[], dict[str, Any]]] = []
        #: Registered blueprints by their (dotted) name.
        self.blueprints: dict[str, Blueprint] = {}
        #: A place for extensions to keep their state.
        self.extensions: dict[str, Any] = {}
        #: Replacement values for providers, set with :meth:`override` (for tests).
        self.overrides = Overrides()
        #: The URL map: every rule of the application and its blueprints.
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False
        self._hooks = Hooks(self)
        # endpoint -> (view function, what ensure_sync() made of it)
        self._sync_views: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {}
        self._error_bodies: dict[tuple[type[HTTPException], str | None], str] = {}
        self._router = Router(self)
        # As in Flask, the first context processor of the app scope supplies request,
        # session and g (extensions such as Flask-Moment look for it there).
        self.template_context_processors[None].append(default_template_context)
        self._plan: ServingPlan | None = None

        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise ValueError(
                    "static_host and host_matching go together: with host_matching=True pass"
                    " static_host= (the host that serves static files); without it, leave"
                    " static_host out."
                )
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=self.send_static_file,
            )

    # -- identity, configuration and collaborators ------------------------------------------

    @cached_property
    def name(self) -> str:  # type: ignore[override]
        """The application's name: the import name, or the script's name for ``__main__``."""
        if self.import_name == "__main__":
            main_file = getattr(sys.modules["__main__"], "__file__", None)
            if main_file is None:
                return "__main__"
            return os.path.splitext(os.path.basename(str(main_file)))[0]
        return self.import_name

    @property
    def got_first_request(self) -> bool:
        """Whether the app has started handling its first request (setup is closed then)."""
        return self._got_first_request

    @property
    def debug(self) -> bool:
        """Whether debug mode is on (``DEBUG``). Set it before the app serves requests."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None and "jinja_env" in self.__dict__:
            self.jinja_env.auto_reload = value

    @cached_property
    def logger(self) -> logging.Logger:
        """The app's standard-library logger, named after :attr:`name`."""
        from .logging import create_logger

        return create_logger(self)

    @cached_property
    def converter(self) -> Converter:
        """The cattrs converter that binds request data and renders responses.

        Assign another one to change how types are structured for this app.
        """
        from .convert import make_converter

        return make_converter()

    @cached_property
    def cli(self) -> AppGroup:
        """The click group of this app's custom commands."""
        from .cli import AppGroup

        return AppGroup(self.name)

    def make_config(self, instance_relative: bool = False) -> Config:
        """Create :attr:`config`, filled with :attr:`default_config`."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = env_flag("RESOURCEFUL_DEBUG")
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Create the object :func:`abort` calls: an instance of :attr:`aborter_class`."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """Find the instance folder: ``instance`` beside the package, or ``var/<name>-instance``.

        The second applies when the package is installed into a Python prefix.
        """
        prefix, package_path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> Any:
        """Open a file in the instance folder (any mode: this folder is writable)."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise RuntimeError(
                f"{f_name}() was called on {self.name!r} after it handled its first request,"
                " so the change would apply to some requests and not others. Do all setup"
                " (routes, hooks, blueprints) before serving, for example in a create_app()"
                " factory."
            )

    # -- registration ----------------------------------------------------------------------

    def _add_rule(self, new: NewRule) -> None:
        """Register the rule of an :meth:`add_url_rule` call in :attr:`url_map`."""
        self._check_setup_finished("add_url_rule")
        add_rule(self, *new)

    def _on_app(self, f: Callable[[App], None]) -> None:
        f(self)

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Register ``blueprint``: its rules, hooks and handlers join the application.

        ``options`` (``url_prefix``, ``subdomain``, ``url_defaults``, ``name``...)
        override the blueprint's own for this registration.
        """
        self._check_setup_finished("register_blueprint")
        blueprint.register(self, options)

    def iter_blueprints(self) -> Iterable[Blueprint]:
        """Iterate over the registered blueprints in registration order."""
        return self.blueprints.values()

    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(exc)`` when the application context is popped, whatever happened."""
        self._check_setup_finished("teardown_appcontext")
        self.teardown_appcontext_funcs.append(f)
        return f

    def override(self, provided: Any, value: Any) -> AbstractContextManager[None]:
        """Within ``with app.override(Database, fake):``, provide ``value`` for ``provided``.

        ``provided`` is a provided type or a provider's name; see :doc:`/dependencies`.
        """
        return self.overrides.override(provided, value)

    def openapi(self, version: str = "3.1") -> dict[str, Any]:
        """Return the OpenAPI document of this app's operations (built once, then cached).

        ``version`` is ``"3.1"`` (the model) or ``"3.0"`` (OpenAPI 3.0.3,
        downgraded from it). Every call returns the same document, shared and
        read-only (changing it raises ``TypeError``); ``copy.deepcopy`` of it
        is a copy of plain dicts and lists to change. The document comes from
        the typed layer, through its extension record
        (:mod:`resourceful.extensions`).
        """
        for extension in installed(self).records:
            document = extension.openapi(version)
            if document is not None:
                return document
        raise RuntimeError(
            f"No extension plugged into {self.name!r} builds an OpenAPI document; the typed"
            " layer does, and importing resourceful plugs it in."
        )

    # -- the request cycle, in the order a request flows ----------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Handle one WSGI request (see :meth:`wsgi_app`)."""
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Handle one WSGI request; wrap this (not the app) with WSGI middleware.

        ``app.wsgi_app = ProxyFix(app.wsgi_app)`` keeps ``app`` itself usable.

        PERF: the *direct path*. When nothing needs a response object (the
        plan of :meth:`_serving`: no after-request hooks, no overridden step,
        the default response class; per request: no ``request_started``,
        ``request_finished`` or ``got_request_exception`` receivers, no
        ``after_this_request`` function, the session untouched), a common
        return value goes straight to ``start_response``
        (:func:`~resourceful.responses.direct_answer`). Otherwise, and for
        every other return value, the full Flask path runs; both answer alike.
        """
        if not self._got_first_request:
            self.prepare_to_serve()
        plan = self._plan or self._serving
        version = self._hooks_version
        ctx = RequestContext(self, environ)
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                if plan.direct and not (
                    _started.receivers or _finished.receivers or _got_exception.receivers
                ):
                    self._got_first_request = True
                    try:
                        if plan.preprocess:
                            rv = self.preprocess_request()
                        else:  # PERF: no hook to run (the plan), only the size check
                            self._check_body_size(ctx)
                            rv = None
                        if rv is None:
                            rv = self.dispatch_request()
                    except Exception as exc:
                        rv = self.handle_user_exception(exc)
                    answer = None
                    # NOTE: a hook list changed during the request drops the plan:
                    # the full path then runs, with the hooks added.
                    if (
                        self._hooks_version == version
                        and not ctx._after_request_functions
                        and ctx._session is None
                    ):
                        cookie = plan.refresh_cookie
                        raw = environ.get("HTTP_COOKIE") if cookie is not None else None
                        if not raw or cookie not in raw:
                            answer = direct_answer(self, rv, environ)
                    if answer is not None:
                        rv = None
                        start_response(answer[0], answer[1])
                        return [answer[2]]
                    try:
                        response = self.finalize_request(rv)
                    finally:
                        rv = None  # see full_dispatch_request
                else:
                    response = self.full_dispatch_request()
            except Exception as exc:
                error = exc
                response = self.handle_exception(exc)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            return response(environ, start_response)
        finally:
            keep = environ.get("resourceful._preserve_context")
            if keep is not None:
                keep(ctx)
            else:
                if error is not None and self.should_ignore_error(error):
                    error = None
                ctx.pop(error)

    @property
    def _serving(self) -> ServingPlan:
        """What every request does or skips (:class:`~resourceful.hooks.ServingPlan`).

        Decided afresh while setup is open, and once when the first request closes it.
        """
        plan = self._plan
        if plan is None:
            plan = plan_serving(self, App, Request, Response)
            if self._got_first_request:
                self._plan = plan
        return plan

    def _hooks_changed(self) -> None:
        """Drop the hook chains remembered since serving started: a hook list changed."""
        self._hooks_version += 1  # see _request_hooks and wsgi_app
        if self._got_first_request:
            self._forget_serving_plan()

    def _forget_serving_plan(self) -> None:
        """Forget every decision made when setup closed (after a change to the registries).

        The serving plan, the hook chains and error-handler lookups, and the
        remembered URL matches are decided again on the next request.
        """
        self._plan = None
        self._hooks.forget()
        self._router.forget()

    def prepare_to_serve(self) -> None:
        """Finish the setup that depends on the final configuration.

        Adds the OpenAPI document and docs page routes (``OPENAPI_URL``,
        ``DOCS_URL``). The first request calls it, as do the ``routes`` and
        ``openapi`` commands; calling it again does nothing. The routes come
        from the typed layer, through its extension record
        (:meth:`AppExtension.prepare <resourceful.extensions.AppExtension.prepare>`).
        """
        for extension in installed(self).records:
            extension.prepare()

    # -- contexts (creating a request context matches its URL: see the URLs section) ------------

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """Create a request context for a WSGI environ (use it with ``with``)."""
        return RequestContext(self, environ)

    def app_context(self) -> AppContext:
        """Create an application context (use it with ``with``)."""
        return AppContext(self)

    # -- hooks, view, response, teardown --------------------------------------------------------

    def full_dispatch_request(self) -> Response:
        """Run the hooks and the view for the current request and return the response."""
        self._got_first_request = True
        try:
            if signals.request_started.receivers:
                signals.request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as exc:
            rv = self.handle_user_exception(exc)
        try:
            return self.finalize_request(rv)
        finally:
            # PERF: an HTTP error handled into the response has this frame in its
            # traceback; holding it in rv too would be a reference cycle that only
            # the garbage collector frees, once for every error response.
            rv = None

    def preprocess_request(self) -> Any:
        """Run URL value preprocessors, then before-request hooks, then check the body size.

        A hook that returns anything but ``None`` ends the request: that value
        becomes the response and the view is not called. A declared body
        larger than ``request.max_content_length`` is a 413.
        """
        ctx = _cv_request.get()
        hooks = self._request_hooks(ctx)
        if hooks.url_value_preprocessors:
            rule = ctx.url_rule
            endpoint = rule.endpoint if rule is not None else None
            for preprocessor in hooks.url_value_preprocessors:
                preprocessor(endpoint, ctx.view_args)
        for before in hooks.before_request:
            rv = before()
            if rv is not None:
                return rv
        # NOTE: checked after the hooks, so a hook can set request.max_content_length
        # for this request; checked before the view, so a too-large body is refused
        # even when the view never reads it.
        self._check_body_size(ctx)
        return None

    def _check_body_size(self, ctx: RequestContext) -> None:
        """Refuse a declared body larger than ``request.max_content_length`` with a 413."""
        # PERF: while nothing has made the request object (so nothing changed its
        # limit), the environ says all that is needed.
        if ctx._request is None and self.request_class is Request:
            limit = self.config["MAX_CONTENT_LENGTH"]
            if limit is None:
                return
            length = declared_length(ctx.environ)
        else:
            limit, length = ctx.request.max_content_length, ctx.request.content_length
        if limit is not None and (length or 0) > limit:
            raise RequestEntityTooLarge(
                f"The request body is {length} bytes; this server accepts at"
                f" most {limit} (MAX_CONTENT_LENGTH)."
            )

    def dispatch_request(self) -> Any:
        """Call the view matched for the current request and return its value."""
        ctx = _cv_request.get()
        rule, view_args, exc = ctx.matched()
        if exc is not None:
            if not self.debug and self._serving.plain_routing_errors:
                # PERF: what raise_routing_exception does outside debug mode,
                # without building the request object it takes.
                try:
                    raise exc
                finally:
                    del exc
            self.raise_routing_exception(ctx.request)
        rule = cast(Rule, rule)
        if ctx.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return self.make_default_options_response()
        endpoint = rule.endpoint
        view = self.view_functions[endpoint]
        # PERF: ensure_sync() once per view function (Flask calls it on every
        # request); the identity check notices a replaced view_functions entry.
        known = self._sync_views.get(endpoint)
        if known is None or known[0] is not view:
            known = self._sync_views[endpoint] = (view, self.ensure_sync(view))
        return known[1](**cast("dict[str, Any]", view_args))

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``func`` if it is synchronous, else :meth:`async_to_sync` of it.

        Views, hooks and handlers pass through here once when they are first
        used; override it (or :meth:`async_to_sync`) to run coroutines otherwise.
        """
        return self.async_to_sync(func) if inspect.iscoroutinefunction(func) else func

    def async_to_sync(self, func: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        """Return a function that runs ``func``'s coroutine on the worker thread's event loop."""
        return coroutines.async_to_sync(func)

    def raise_routing_exception(self, request: Request) -> Any:
        """Raise the routing error stored on ``request``.

        In debug mode, a redirect that would turn a form POST into a GET (a
        missing trailing slash) raises an error that explains the fix instead.
        """
        exc = cast(HTTPException, request.routing_exception)
        if (
            not self.debug
            or not isinstance(exc, RequestRedirect)
            or exc.code in {307, 308}
            or request.method in {"GET", "HEAD", "OPTIONS"}
        ):
            try:
                raise exc
            finally:
                # The traceback keeps this frame: its locals must not keep the error.
                del exc
        raise RuntimeError(
            f"A {request.method} request to {request.url!r} would be redirected to"
            f" {exc.new_url!r} (the rule ends with a slash) and browsers would drop the body."
            " Send the request to the URL with the slash."
        ) from exc

    def make_default_options_response(self) -> Response:
        """Answer an OPTIONS request with an ``Allow`` header listing the rule's methods."""
        methods = self._router.allowed_methods(_cv_request.get())
        response = self.response_class()
        response.allow.update(methods)
        del response.headers["Content-Type"]  # there is no body to describe
        return response

    def finalize_request(self, rv: Any, from_error_handler: bool = False) -> Response:
        """Turn a view's return value into the final response (after-request hooks included)."""
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if signals.request_finished.receivers:
                signals.request_finished.send(
                    self, _async_wrapper=self.ensure_sync, response=response
                )
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Finalizing the response of an error handler failed too.")
        return response

    def make_response(self, rv: Any) -> Response:
        """Turn what a view returned into a :attr:`response_class` instance.

        Accepted: a response object; ``str``, ``bytes`` or an iterator of them
        (streamed) as the body; a ``dict``, ``list`` or attrs instance as JSON;
        any WSGI callable; and a tuple ``(body, status)``, ``(body, headers)``
        or ``(body, status, headers)``.
        """
        return _make_response(self, rv)

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` functions, then after-request hooks; save the session.

        The session is saved when the request used it, and also, with
        ``SESSION_REFRESH_EACH_REQUEST``, when the request sent a session
        cookie, so that a permanent session's expiry moves forward.
        """
        ctx = _cv_request.get()
        for after in ctx._after_request_functions:
            response = after(response)
        for after in self._request_hooks(ctx).after_request:
            response = after(response)
        interface = self.session_interface
        if not ctx.session_opened and self.config["SESSION_REFRESH_EACH_REQUEST"]:
            # A permanent session's expiry slides forward on every request, even
            # one that never read it; only a request that sent the cookie can
            # have one, so cookie-less requests still do no session work.
            raw = ctx.request.environ.get("HTTP_COOKIE")
            name = interface.get_cookie_name(self)
            # PERF: the raw header rules most requests out before werkzeug parses it.
            if raw and name in raw and name in ctx.request.cookies:
                ctx.session  # noqa: B018 - opening it is the point
        if ctx.session_opened:
            session = ctx.session
            if not interface.is_null_session(session):
                interface.save_session(self, session, response)
        return response

    def _request_hooks(self, ctx: RequestContext) -> HookChain:
        hooks = ctx.hooks
        # A hook list changed during this request (an extension appended to it):
        # the rest of the request runs the new chain, as Flask would.
        if hooks is None or ctx.hooks_version != self._hooks_version:
            hooks = ctx.hooks = self._hooks.chain(ctx.blueprint)
            ctx.hooks_version = self._hooks_version
        return hooks

    def do_teardown_request(self, exc: BaseException | None = None) -> None:
        """Run the teardown-request functions (innermost blueprint first) and the signal."""
        ctx = _cv_request.get()
        for teardown in self._request_hooks(ctx).teardown_request:
            teardown(exc)
        if signals.request_tearing_down.receivers:
            signals.request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = None) -> None:
        """Run the teardown-appcontext functions (last registered first) and the signal."""
        for teardown in self._hooks.teardown_appcontext():
            teardown(exc)
        if signals.appcontext_tearing_down.receivers:
            signals.appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    # -- errors --------------------------------------------------------------------------------

    def handle_user_exception(self, e: Exception) -> Any:
        """Handle an exception raised by a hook or a view, or re-raise it.

        HTTP errors go to :meth:`handle_http_exception`; other exceptions to
        the handler registered for their class (or a base class), if any.
        """
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._hooks.error_handler(e, current_blueprints())
        if handler is None:
            raise e
        return handler(e)

    def handle_http_exception(self, e: HTTPException) -> Any:
        """Return the registered handler's response for an HTTP error, or the error itself.

        Redirects raised by routing and errors without a code are never
        passed to handlers. With no handler registered, the plugged-in
        extensions may choose how the error is rendered (the typed layer
        answers a 405 on a URL served by a resource as problem+json; see
        :mod:`resourceful.extensions`).
        """
        if e.code is None or isinstance(e, RoutingException):
            return e
        handler = self._hooks.error_handler(e, current_blueprints())
        if handler is not None:
            return handler(e)
        return render_http_error(self, e)

    def trap_http_exception(self, e: Exception) -> bool:
        """Return whether an HTTP error should propagate like any other exception.

        True for every HTTP error with ``TRAP_HTTP_EXCEPTIONS``; for bad
        requests with ``TRAP_BAD_REQUEST_ERRORS`` (by default, only missing
        form keys, and only in debug mode).
        """
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def handle_exception(self, e: Exception) -> Response:
        """Handle an exception no handler dealt with: a 500, or propagate it.

        With ``PROPAGATE_EXCEPTIONS`` (on by default when testing or in debug
        mode) the exception is re-raised. Otherwise it is logged and the 500
        handler, if any, receives an :class:`~werkzeug.exceptions.InternalServerError`
        whose ``original_exception`` is ``e``; without one, the plugged-in
        extensions may render it (as for :meth:`handle_http_exception`).
        """
        exc_info = sys.exc_info()
        if signals.got_request_exception.receivers:
            signals.got_request_exception.send(self, _async_wrapper=self.ensure_sync, exception=e)
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: Any = InternalServerError(original_exception=e)
        handler = self._hooks.error_handler(server_error, current_blueprints())
        if handler is not None:
            server_error = handler(server_error)
        else:  # an API's 500 is problem+json too (the extensions choose)
            server_error = render_http_error(self, server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(
        self,
        exc_info: tuple[type[BaseException], BaseException, TracebackType]
        | tuple[None, None, None],
    ) -> None:
        """Log an unhandled exception to :attr:`logger`."""
        ctx = _cv_request.get(None)
        where = f" on {ctx.request.path} [{ctx.request.method}]" if ctx is not None else ""
        self.logger.error(f"Exception{where}", exc_info=exc_info)

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Return whether teardown functions should not see ``error`` (never, by default)."""
        return False


__all__ = ["App", "get_root_path"]
