"""The application context and the request context.

An :class:`AppContext` makes an application current (``current_app``, ``g``,
``url_for`` without a request). A :class:`RequestContext` adds one request
(``request``, ``session``); pushing it pushes an application context first
when the right one is not already active. Both live in context variables, so
each thread and task sees its own, and both can be pushed again while active
(each push needs its pop).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextvars import Token
from functools import update_wrapper
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Request as _BaseRequest

from . import signals
from .globals import _cv_app, _cv_request

if TYPE_CHECKING:  # pragma: no cover
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Rule

    from .app import App
    from .hooks import HookChain
    from .sessions import SessionMixin
    from .wrappers import Request, Response

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_sentinel: Any = object()
# PERF: the signals every push and pop checks, read once (named signals are singletons).
_pushed, _popped = signals.appcontext_pushed, signals.appcontext_popped
_app_tearing_down, _request_tearing_down = (
    signals.appcontext_tearing_down,
    signals.request_tearing_down,
)


class _AppCtxGlobals:
    """The namespace behind :data:`g`: one per application context.

    Store anything on it as attributes; it also behaves like a small dict
    (``get``, ``pop``, ``setdefault``, ``in``, iteration over names).
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"'g' has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(f"'g' has no attribute {name!r}") from None

    def get(self, name: str, default: Any | None = None) -> Any:
        """Return the attribute ``name``, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: Any = _sentinel) -> Any:
        """Remove and return the attribute ``name`` (``default`` if given and unset)."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        """Return the attribute ``name``, setting it to ``default`` first if unset."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return f"<resourceful.g of {ctx.app.name!r}>"
        return object.__repr__(self)


class AppContext:
    """Make an application the current one.

    Created by :meth:`App.app_context` and pushed for every request and CLI
    command. Teardown functions registered with ``teardown_appcontext`` run
    when it is popped.
    """

    # PERF: class-level defaults an instance shadows only when it sets them; one
    # application context is made for every request.
    _url_adapter: MapAdapter | None = _sentinel
    _g: _AppCtxGlobals | None = None

    def __init__(self, app: App) -> None:
        self.app = app
        self._tokens: list[Token[AppContext]] = []

    @property
    def g(self) -> _AppCtxGlobals:
        """The :data:`g` namespace of this context.

        PERF: made on first use; most requests never touch ``g``.
        """
        g = self._g
        if g is None:
            g = self._g = self.app.app_ctx_globals_class()
        return g

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        self._g = value

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The adapter that builds URLs without a request (``None`` without ``SERVER_NAME``).

        PERF: made on first use; every request pushes an application context,
        and inside a request URLs are built with the request's adapter.
        """
        adapter = self._url_adapter
        if adapter is _sentinel:
            adapter = self._url_adapter = self.app.create_url_adapter(None)
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    def push(self) -> None:
        """Make this context the active one."""
        self._tokens.append(_cv_app.set(self))
        if _pushed.receivers:
            _pushed.send(self.app, _async_wrapper=self.app.ensure_sync)

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Leave this context; the last pop runs the app-context teardown functions."""
        # Check first, so popping the wrong context changes nothing.
        ctx = _cv_app.get(None)
        tokens = self._tokens
        if ctx is not self or not tokens:
            raise AssertionError(f"Popped the wrong app context ({ctx!r} instead of {self!r}).")
        try:
            if len(tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                app = self.app
                # PERF: decided once per app (see App._serving); a request with no
                # teardown functions and no receivers skips the call.
                plan = app._plan or app._serving
                if plan.app_teardown or _app_tearing_down.receivers:
                    app.do_teardown_appcontext(exc)
        finally:
            _cv_app.reset(tokens.pop())
        if _popped.receivers:
            _popped.send(self.app, _async_wrapper=self.app.ensure_sync)

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<AppContext of {self.app.name!r}>"


class _Matched(Generic[T]):
    """One part of what matching found, on the context until the request object exists.

    Once the request is built (see :attr:`RequestContext.request`) the part
    is read from and written to it, so ``request.url_rule`` and
    ``ctx.url_rule`` never disagree: one rule for ``url_rule``,
    ``view_args`` and ``routing_exception``.
    """

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name
        self.slot = "_" + name

    @overload
    def __get__(self, ctx: None, owner: type[Any]) -> _Matched[T]: ...

    @overload
    def __get__(self, ctx: RequestContext, owner: type[Any]) -> T: ...

    def __get__(self, ctx: RequestContext | None, owner: type[Any]) -> Any:
        if ctx is None:
            return self
        request = ctx._request
        if request is None:
            return getattr(ctx, self.slot)
        return getattr(request, self.name)

    def __set__(self, ctx: RequestContext, value: T) -> None:
        request = ctx._request
        if request is None:
            setattr(ctx, self.slot, value)
        else:
            setattr(request, self.name, value)


class RequestContext:
    """Everything about one request while it is handled.

    Created by :meth:`App.request_context` (and by the WSGI entry point for
    every request). Pushing it matches the URL; the session is opened only
    the first time something reads it, so requests that never touch the
    session do no session work.
    """

    # PERF: class-level defaults an instance shadows only when it sets them; a
    # request that needs none of them stores four attributes, not fourteen.
    _url_adapter: MapAdapter | None = _sentinel
    # What matching found, kept here until the request object exists (then on it).
    _url_rule: Rule | None = None
    _view_args: dict[str, Any] | None = None
    _routing_exception: HTTPException | None = None
    #: Flashed messages read from the session during this request.
    flashes: list[tuple[str, str]] | None = None
    #: The hooks for this request's blueprint scope, resolved on first use.
    hooks: HookChain | None = None
    #: The app's hook version ``hooks`` was taken at (see ``App._request_hooks``).
    hooks_version = 0

    def __init__(
        self,
        app: App,
        environ: WSGIEnvironment,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        #: The WSGI environ of the request.
        self.environ = environ
        self._request = request
        self._session = session
        self._after_request_functions: list[Callable[[Response], Response]] = []
        self._tokens: list[tuple[Token[RequestContext], AppContext | None]] = []

    @property
    def request(self) -> Request:
        """The request object (``request``), made on first use with what matching found.

        PERF: a request that only needs its URL matched (most of them, with
        function views returning a body) never builds werkzeug's ``Request``.
        """
        request = self._request
        if request is None:
            request = self._request = self.app.request_class(self.environ)
            request.url_rule = self._url_rule
            request.view_args = self._view_args
            request.routing_exception = self._routing_exception
        return request

    @request.setter
    def request(self, value: Request) -> None:
        self._request = value

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The request's URL adapter (``None`` when the request's host was refused).

        Made on first use: building URLs, the automatic OPTIONS answer and
        werkzeug's matcher need one, a request matched from its environ does not.
        """
        adapter = self._url_adapter
        if adapter is _sentinel:
            try:
                adapter = self.app.create_url_adapter(self.request)
            except HTTPException as exc:
                adapter = None
                if self.routing_exception is None:
                    self.routing_exception = exc
            self._url_adapter = adapter
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    # The match, read without building the request object.
    #: The matched rule (``request.url_rule``), or ``None``.
    url_rule: _Matched[Rule | None] = _Matched()
    #: The matched rule's values (``request.view_args``), or ``None``.
    view_args: _Matched[dict[str, Any] | None] = _Matched()
    #: The routing error (``request.routing_exception``), or ``None``.
    routing_exception: _Matched[HTTPException | None] = _Matched()

    def matched(self) -> tuple[Rule | None, dict[str, Any] | None, HTTPException | None]:
        """Return ``(url_rule, view_args, routing_exception)``, read as the descriptors read them.

        PERF: one call where the view dispatch would make three.
        """
        request = self._request
        if request is None:
            return self._url_rule, self._view_args, self._routing_exception
        return request.url_rule, request.view_args, request.routing_exception

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the matched endpoint's blueprint (``request.blueprint``)."""
        rule = self.url_rule
        endpoint: str | None = rule.endpoint if rule is not None else None
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def method(self) -> str:
        """The request method, upper case (``request.method``)."""
        request = self._request
        if request is None:
            method: str = self.environ.get("REQUEST_METHOD", "GET")
            return method.upper()
        return request.method

    @property
    def session(self) -> SessionMixin:
        """The request's session, opened on first access."""
        session = self._session
        if session is None:
            interface = self.app.session_interface
            session = interface.open_session(self.app, self.request)
            if session is None:
                session = interface.make_null_session(self.app)
            self._session = session
        return session

    @session.setter
    def session(self, value: SessionMixin) -> None:
        self._session = value

    @property
    def session_opened(self) -> bool:
        """Whether anything has opened (or set) the session during this request."""
        return self._session is not None

    def copy(self) -> RequestContext:
        """Return a new context for the same request and session.

        Use it to keep working with the request in another thread or in a
        generator that outlives the view (see :func:`copy_current_request_context`).
        """
        return type(self)(self.app, self.environ, self.request, self._session)

    def match_request(self) -> None:
        """Match the URL against the app's rules, storing the result on the request.

        PERF: an app that does not override ``create_url_adapter`` or
        ``match_url`` matches straight from the environ (:meth:`Router.match_environ
        <resourceful.routing.Router.match_environ>`), with no adapter or
        request object; the answer is the same.
        """
        app = self.app
        if self._request is None and (app._plan or app._serving).match_environ:
            try:
                self._url_rule, self._view_args = app._router.match_environ(self.environ)
            except HTTPException as exc:
                self._routing_exception = exc
            return
        adapter = self.url_adapter
        if adapter is None:
            return
        try:
            rule, view_args = app.match_url(adapter)
        except HTTPException as exc:
            self.routing_exception = exc
        else:
            self.url_rule = rule
            self.view_args = view_args

    def push(self) -> None:
        """Make this request current, pushing an application context if needed."""
        app_ctx = _cv_app.get(None)
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
        else:
            app_ctx = None
        self._tokens.append((_cv_request.set(self), app_ctx))
        # PERF: read as the _Matched descriptors would, without calling them.
        request = self._request
        if request is None:
            unmatched = self._url_rule is None and self._routing_exception is None
        else:
            unmatched = request.url_rule is None and request.routing_exception is None
        if unmatched:
            self.match_request()

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Leave this request; the last pop runs the request teardown functions."""
        # Check first, so popping the wrong context changes nothing.
        ctx = _cv_request.get(None)
        tokens = self._tokens
        if ctx is not self or not tokens:
            raise AssertionError(f"Popped the wrong request context ({ctx!r} instead of {self!r}).")
        clear = len(tokens) == 1
        request = self._request
        try:
            if clear:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                app = self.app
                # PERF: decided once per app (see App._serving).
                plan = app._plan or app._serving
                if plan.request_teardown or _request_tearing_down.receivers:
                    app.do_teardown_request(exc)
                request = self._request
                # PERF: a routing error's traceback reaches, through its frames, the
                # code holding this context: dropping it now that teardown has run
                # frees the request without waiting for the garbage collector.
                if self._routing_exception is not None:
                    self._routing_exception = None
                if request is not None:
                    request.routing_exception = None
                    # PERF: werkzeug's close() only closes parsed upload files.
                    if "files" in request.__dict__ or type(request).close is not _BaseRequest.close:
                        request.close()
        finally:
            token, app_ctx = tokens.pop()
            _cv_request.reset(token)
            if clear and request is not None:
                request.environ["werkzeug.request"] = None
            if app_ctx is not None:
                app_ctx.pop(exc)

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<RequestContext {self.request.url!r} [{self.request.method}] of {self.app.name!r}>"


def has_app_context() -> bool:
    """Return whether an application context is active."""
    return _cv_app.get(None) is not None


def has_request_context() -> bool:
    """Return whether a request context is active."""
    return _cv_request.get(None) is not None


def after_this_request(f: F) -> F:
    """Run ``f(response)`` after the current request, before the app's after-request hooks.

    ``f`` must return the response (the same or a new one). Use it from a
    view or a before-request hook to change the response of this request only.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "after_this_request() needs an active request: call it from a view or a"
            " request hook, or inside app.test_request_context()."
        )
    ctx._after_request_functions.append(ctx.app.ensure_sync(f))
    return f


def copy_current_request_context(f: F) -> F:
    """Bind ``f`` to the current request so it can run later, in another thread or greenlet.

    The returned function pushes a copy of the request context around each
    call, so ``request`` and ``session`` work inside it.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "copy_current_request_context() needs an active request: decorate the function"
            " inside a view, where the request you want to keep is current."
        )
    copied = ctx.copy()
    call = ctx.app.ensure_sync(f)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with copied:
            return call(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]
