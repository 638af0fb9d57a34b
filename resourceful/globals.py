"""The context variables behind the context-local proxies.

Each active application context and request context lives in a
:class:`contextvars.ContextVar`, so every thread and every asyncio task sees
its own. The proxies (:data:`current_app`, :data:`g`, :data:`request` and
:data:`session`) look the current value up on each access; used outside the
context they need, they raise a :class:`RuntimeError` that says which context
is missing and how to push one.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from werkzeug.local import LocalProxy

if TYPE_CHECKING:  # pragma: no cover
    from .app import App
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

_NO_APP = """\
Working outside of application context.

This code needs the active application (current_app, g, url_for, ...), and no
application context is pushed. Push one around the code that needs it:

    with app.app_context():
        ...

Requests and CLI commands push one for you.\
"""

_NO_REQUEST = """\
Working outside of request context.

This code reads data about the current request (request, session, ...), and
no request context is pushed. In tests, make one with:

    with app.test_request_context("/path"):
        ...

or send a real request with app.test_client().\
"""

_cv_app: ContextVar[AppContext] = ContextVar("resourceful.app_ctx")
_cv_request: ContextVar[RequestContext] = ContextVar("resourceful.request_ctx")

app_ctx: AppContext = cast("AppContext", LocalProxy(_cv_app, unbound_message=_NO_APP))
current_app: App = cast("App", LocalProxy(_cv_app, "app", unbound_message=_NO_APP))
g: _AppCtxGlobals = cast("_AppCtxGlobals", LocalProxy(_cv_app, "g", unbound_message=_NO_APP))

request_ctx: RequestContext = cast(
    "RequestContext", LocalProxy(_cv_request, unbound_message=_NO_REQUEST)
)
request: Request = cast("Request", LocalProxy(_cv_request, "request", unbound_message=_NO_REQUEST))
session: SessionMixin = cast(
    "SessionMixin", LocalProxy(_cv_request, "session", unbound_message=_NO_REQUEST)
)


class _ContextStackView:
    """A read-only view of one context variable for code that reads ``_*_ctx_stack.top``.

    Older extensions look up the active context through these stacks; there
    is no stack any more, only the current context (or ``None``).
    """

    def __init__(self, var: ContextVar[Any], what: str) -> None:
        self._var = var
        self._what = what

    @property
    def top(self) -> Any:
        """The active context, or ``None``."""
        return self._var.get(None)

    def __repr__(self) -> str:
        return f"<read-only view of the current {self._what} context>"


#: The active application context as ``.top`` (read-only, for older extension code).
_app_ctx_stack = _ContextStackView(_cv_app, "application")
#: The active request context as ``.top`` (read-only, for older extension code).
_request_ctx_stack = _ContextStackView(_cv_request, "request")
