"""Class-based views: :class:`View` and :class:`MethodView`.

A :class:`View` subclass implements :meth:`View.dispatch_request`;
:meth:`View.as_view` turns the class into a view function for
``add_url_rule``::

    class Hello(View):
        def dispatch_request(self, name):
            return f"Hello, {name}!"

    app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))

A :class:`MethodView` dispatches on the HTTP method to the method of the same
name (``get``, ``post``...). For typed, declarative APIs see
:class:`resourceful.resources.Resource`.

``dispatch_request`` and the method handlers may be ``async def``: the
coroutine runs on the worker thread's event loop (see
:mod:`resourceful.coroutines`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from types import CoroutineType
from typing import Any, ClassVar

from werkzeug.exceptions import MethodNotAllowed

from .coroutines import run_coroutine
from .globals import _cv_request

__all__ = ["HTTP_METHOD_FUNCS", "MethodView", "View", "http_method_funcs"]

#: The method names a :class:`MethodView` dispatches to.
HTTP_METHOD_FUNCS = frozenset({"get", "post", "head", "options", "delete", "put", "trace", "patch"})

#: The same set under Flask's name, for code that imports it from ``flask.views``.
http_method_funcs = HTTP_METHOD_FUNCS


def _awaited(rv: Any) -> Any:
    """Return ``rv``, or the coroutine's result when an ``async def`` handler returned one."""
    # PERF: one isinstance per request, where checking the handler with
    # inspect.iscoroutinefunction() would cost ten times more.
    return run_coroutine(rv) if isinstance(rv, CoroutineType) else rv


class View:
    """A view written as a class; subclasses implement :meth:`dispatch_request`.

    Class attributes configure the view function :meth:`as_view` creates:
    :attr:`methods`, :attr:`provide_automatic_options`, :attr:`decorators`
    and :attr:`init_every_request`.
    """

    #: The methods the view is registered for; ``None`` means what
    #: ``add_url_rule`` uses by default (``GET``, with ``HEAD`` and ``OPTIONS``).
    methods: ClassVar[Collection[str] | None] = None

    #: Whether ``OPTIONS`` is answered automatically; ``None`` means the app's default.
    provide_automatic_options: ClassVar[bool | None] = None

    #: Decorators applied, in order, to the view function when it is created
    #: (the first one is the innermost). Decorating the class itself would not
    #: affect the view function.
    decorators: ClassVar[Sequence[Callable[..., Any]]] = ()

    #: ``True`` creates an instance for every request; ``False`` creates one
    #: when :meth:`as_view` is called and reuses it (keep per-request data in
    #: ``g`` then, not on ``self``).
    init_every_request: ClassVar[bool] = True

    def dispatch_request(self, **kwargs: Any) -> Any:
        """Handle a request; ``kwargs`` are the URL rule's variables.

        Subclasses must implement it (with ``def`` or ``async def``) and return
        anything a view may return.
        """
        raise NotImplementedError(
            f"{type(self).__qualname__} must implement dispatch_request() to handle requests."
        )

    @classmethod
    def as_view(cls, name: str, *class_args: Any, **class_kwargs: Any) -> Callable[..., Any]:
        """Return a view function that dispatches to an instance of this class.

        ``class_args`` and ``class_kwargs`` are passed to the constructor.
        The function carries ``view_class``, ``methods`` and
        ``provide_automatic_options``, and is named ``name`` (the endpoint
        ``add_url_rule`` uses by default).
        """
        if cls.init_every_request:

            def view(**kwargs: Any) -> Any:
                instance = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return _awaited(instance.dispatch_request(**kwargs))

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: Any) -> Any:
                return _awaited(shared.dispatch_request(**kwargs))

        view.__name__ = name
        view.__qualname__ = name
        view.__module__ = cls.__module__
        view.view_class = cls  # type: ignore[attr-defined]
        function: Any = view
        for decorator in cls.decorators:
            function = decorator(function)
        # NOTE: set after decorating so that the attributes describe the
        # function that is registered, whatever the decorators did.
        function.view_class = cls
        function.__name__ = name
        function.__doc__ = cls.__doc__
        function.__module__ = cls.__module__
        function.methods = cls.methods
        function.provide_automatic_options = cls.provide_automatic_options
        return function  # type: ignore[no-any-return]


class MethodView(View):
    """A view that calls the method named after the request's HTTP method.

    ``get`` handles GET, ``post`` handles POST, and so on; :attr:`methods` is
    computed when the class is created from the handlers it defines or
    inherits. A HEAD request is handled by ``get`` when there is no ``head``.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        methods: set[str] = set()
        for base in cls.__bases__:
            inherited = getattr(base, "methods", None)
            if inherited:
                methods.update(m.upper() for m in inherited)
        for name in HTTP_METHOD_FUNCS:
            if callable(getattr(cls, name, None)):
                methods.add(name.upper())
        if methods:
            cls.methods = frozenset(methods)

    def dispatch_request(self, **kwargs: Any) -> Any:
        """Call the handler for the request's method with the URL variables.

        A handler that is ``async def`` has its coroutine run here, so an
        override calling ``super().dispatch_request()`` gets its value.
        """
        method = _cv_request.get().request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise MethodNotAllowed(valid_methods=sorted(self.methods or ()))
        return _awaited(handler(**kwargs))
