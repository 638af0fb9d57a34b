"""What applications and blueprints share: routes, resources, hooks and error handlers.

Hooks and handlers are stored per *scope*: ``None`` for the application and
the dotted blueprint name for a blueprint. A blueprint records them under its
own name when it is registered, so the application looks up everything in
one place; it resolves the hooks that apply to each scope once and caches the
result, so a request never walks empty lists.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any, NamedTuple, SupportsIndex, TypeVar

from jinja2 import FileSystemLoader
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.utils import cached_property

from .coroutines import refuse_coroutine_function
from .extensions import resource_registrar
from .helpers import get_root_path, send_from_directory
from .operation import operations_of
from .providers import Provider, Providers, Scope

if TYPE_CHECKING:  # pragma: no cover
    from .app import App
    from .wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


class NewRule(NamedTuple):
    """The arguments of one :meth:`Scaffold.add_url_rule` call."""

    rule: str
    endpoint: str | None
    view_func: Callable[..., Any] | None
    provide_automatic_options: bool | None
    options: dict[str, Any]


#: The scope of the application itself in the per-scope hook dicts.
AppScope = str | None
ErrorHandler = Callable[[Any], Any]


def register_under_name(register: Callable[..., None], name: str | None) -> Callable[[F], F]:
    """Return a decorator that calls ``register(f, name=name)`` and returns ``f``.

    The decorator forms of ``add_template_filter`` and friends are built with it.
    """

    def decorator(f: F) -> F:
        register(f, name=name)
        return f

    return decorator


class HookList(list[Any]):
    """A list of hooks that calls ``changed()`` whenever it is changed."""

    def __init__(self, changed: Callable[[], None], items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._changed = changed

    def append(self, item: Any) -> None:  # noqa: D102 - list's own
        super().append(item)
        self._changed()

    def extend(self, items: Iterable[Any]) -> None:  # noqa: D102
        super().extend(items)
        self._changed()

    def insert(self, index: SupportsIndex, item: Any) -> None:  # noqa: D102
        super().insert(index, item)
        self._changed()

    def remove(self, item: Any) -> None:  # noqa: D102
        super().remove(item)
        self._changed()

    def pop(self, index: SupportsIndex = -1) -> Any:  # noqa: D102
        item = super().pop(index)
        self._changed()
        return item

    def clear(self) -> None:  # noqa: D102
        super().clear()
        self._changed()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._changed()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._changed()

    def __iadd__(self, items: Iterable[Any]) -> HookList:  # type: ignore[misc]
        super().__iadd__(items)
        self._changed()
        return self


class HookRegistry(dict[Any, Any]):
    """Hook lists by scope, made on first use like ``defaultdict(list)``; changes are reported."""

    def __init__(self, changed: Callable[[], None]) -> None:
        super().__init__()
        self._changed = changed

    def __missing__(self, scope: Any) -> HookList:
        hooks = HookList(self._changed)
        dict.__setitem__(self, scope, hooks)
        return hooks

    def __setitem__(self, scope: Any, hooks: Any) -> None:
        super().__setitem__(scope, HookList(self._changed, hooks))
        self._changed()

    def setdefault(self, scope: Any, default: Any = None) -> Any:  # noqa: D102
        if scope not in self:
            self[scope] = default if default is not None else []
        return self[scope]

    def __delitem__(self, scope: Any) -> None:
        super().__delitem__(scope)
        self._changed()


class Scaffold:
    """The registration API of :class:`~resourceful.App` and :class:`~resourceful.Blueprint`."""

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        #: The name of the package or module the object belongs to; it locates resources.
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        #: The templates folder, relative to :attr:`root_path` (``None``: no templates).
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        #: The folder that relative resource paths start from.
        self.root_path = root_path
        #: Endpoint name -> view function.
        self.view_functions: dict[str, Callable[..., Any]] = {}
        #: scope -> status code (or None) -> exception class -> handler.
        self.error_handler_spec: dict[
            AppScope, dict[int | None, dict[type[BaseException], ErrorHandler]]
        ] = defaultdict(lambda: defaultdict(dict))
        # NOTE: hook registries tell the app when they change, so that the hook
        # chains it remembers once serving starts follow changes made later, as
        # in Flask (extensions append to these lists directly, even mid-request).
        changed = self._hooks_changed
        self.before_request_funcs: dict[AppScope, list[Callable[[], Any]]] = HookRegistry(changed)
        self.after_request_funcs: dict[AppScope, list[Callable[[Response], Response]]] = (
            HookRegistry(changed)
        )
        self.teardown_request_funcs: dict[AppScope, list[Callable[[BaseException | None], Any]]] = (
            HookRegistry(changed)
        )
        self.template_context_processors: dict[AppScope, list[Callable[[], dict[str, Any]]]] = (
            HookRegistry(changed)
        )
        self.url_value_preprocessors: dict[
            AppScope, list[Callable[[str | None, dict[str, Any] | None], None]]
        ] = HookRegistry(changed)
        self.url_default_functions: dict[AppScope, list[Callable[[str, dict[str, Any]], None]]] = (
            defaultdict(list)
        )
        self._got_registered_once = False
        #: The security requirement of every operation registered here (see :meth:`require`).
        self.security_requirement: Any = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # -- setup guard -----------------------------------------------------------------

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    def _hooks_changed(self) -> None:
        """Note that a hook list changed (the app drops what it remembered of them)."""

    # -- static files and resources ----------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or ``None``."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is set."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix static files are served under (default: ``/`` + the folder's name)."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Return the ``max_age`` for a static file (``SEND_FILE_MAX_AGE_DEFAULT``).

        ``None`` (the default) sends no ``max-age``: browsers revalidate with
        conditional requests, which are answered with 304 when unchanged.
        """
        from .globals import current_app

        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """Serve ``filename`` from the static folder (the view behind the ``static`` endpoint)."""
        if self.static_folder is None:
            raise RuntimeError(
                f"{self!r} has no static folder; pass static_folder= to serve files."
            )
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(self.static_folder, filename, max_age=max_age)

    @cached_property
    def jinja_loader(self) -> FileSystemLoader | None:
        """A loader for :attr:`template_folder`, or ``None`` when there is none."""
        if self.template_folder is not None:
            return FileSystemLoader(os.path.join(self.root_path, self.template_folder))
        return None

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open a file relative to :attr:`root_path` for reading.

        Only reading modes are allowed: ``"r"``, ``"rt"`` and ``"rb"``.
        """
        if mode not in {"r", "rt", "rb"}:
            raise ValueError(
                f"open_resource() only reads files (mode 'r', 'rt' or 'rb'); got mode {mode!r}."
                " Write files in the instance folder with App.open_instance_resource()."
            )
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- routing -----------------------------------------------------------------------

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Register ``rule`` for ``view_func`` under ``endpoint`` (default: the function's name).

        ``options`` go to werkzeug's :class:`~werkzeug.routing.Rule`
        (``methods``, ``defaults``, ``subdomain``, ``host``, ``strict_slashes``,
        ``redirect_to``...). The view function may carry ``methods``,
        ``required_methods`` and ``provide_automatic_options`` attributes. A
        blueprint records the rule and registers it, with its prefix and
        name, on each app it is registered on.
        """
        self._add_rule(NewRule(rule, endpoint, view_func, provide_automatic_options, options))

    def _add_rule(self, new: NewRule) -> None:
        """Add one rule: an app registers it, a blueprint records it for each app."""
        raise NotImplementedError

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Register the decorated function for ``rule`` (see :meth:`add_url_rule`)."""

        def decorator(f: F) -> F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    def _method_route(self, method: str, rule: str, options: dict[str, Any]) -> Callable[[F], F]:
        if "methods" in options:
            raise TypeError(f"{method.lower()}() sets the method; use route() to pass methods=.")
        return self.route(rule, methods=[method], **options)

    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)

    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)

    def put(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)

    def delete(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)

    def patch(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)

    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        """Register the decorated function as the view for ``endpoint``.

        Use it with rules added by :meth:`add_url_rule` without a view function.
        """

        def decorator(f: F) -> F:
            self._check_setup_finished("endpoint")
            self.view_functions[endpoint] = f
            return f

        return decorator

    def add_resource(self, resource: C, rule: str | None = None, **options: Any) -> C:
        """Register a resource class: its handlers become operations on generated rules.

        See :doc:`/resources` for the rules and options. The typed layer does
        the work, through the registrar it plugs in (:mod:`resourceful.extensions`).
        """
        finish = resource_registrar()(self, resource, rule, options)
        self._on_app(finish)
        return resource

    def _on_app(self, f: Callable[[App], None]) -> None:
        """Run ``f(app)`` with the app this object's rules are on (now, or at registration)."""
        raise NotImplementedError

    def resource(self, rule: str | None = None, **options: Any) -> Callable[[C], C]:
        """Register the decorated resource class (see :meth:`add_resource`)."""

        def decorator(cls: C) -> C:
            return self.add_resource(cls, rule, **options)

        return decorator

    # -- providers and security ------------------------------------------------------------

    @cached_property
    def providers(self) -> Providers:
        """The providers registered here (see :doc:`/dependencies` for the lookup rule)."""
        return Providers(f"{type(self).__name__.lower()} {self.name!r}")

    def add_provider(
        self,
        f: Callable[..., Any],
        provides: Any = None,
        *,
        name: str | None = None,
        scope: Scope = "request",
    ) -> Provider:
        """Register ``f`` as the provider of ``provides`` (its return type by default).

        Handlers ask for the value with ``Provided[T]`` (by type) or
        ``Annotated[T, Provide("name")]``; the nearest registration wins
        (resource class, blueprints innermost first, app). ``scope`` is
        ``"request"`` (a value per request) or ``"app"`` (one for the app's life).
        Register providers before the resources that use them.
        """
        self._check_setup_finished("add_provider")
        return self.providers.add(f, provides=provides, name=name, scope=scope)

    def provider(
        self, provides: Any = None, *, name: str | None = None, scope: Scope = "request"
    ) -> Callable[[F], F]:
        """Register the decorated function as a provider (see :meth:`add_provider`)."""

        def decorator(f: F) -> F:
            self.add_provider(f, provides, name=name, scope=scope)
            return f

        return decorator

    def require(self, requirement: Any) -> None:
        """Require ``requirement`` (a ``resourceful.security.Security``) for every operation here.

        The nearest requirement wins: the operation's, its class's, each
        blueprint's from the innermost out, then the app's. The typed layer
        enforces and documents it; call this before registering resources.
        """
        self._check_setup_finished("require")
        if any(operations_of(view) for view in self.view_functions.values()):
            # The operations already registered were resolved without it, and
            # would silently stay unprotected.
            raise RuntimeError(
                f"require() was called on {self!r} after resources were registered on it, so"
                " they would not be protected. Call require() before add_resource() and"
                " register_blueprint()."
            )
        self.security_requirement = requirement

    # -- request hooks -------------------------------------------------------------------

    def before_request(self, f: F) -> F:
        """Run ``f()`` before each request; a non-``None`` return value is the response."""
        self._check_setup_finished("before_request")
        self.before_request_funcs[None].append(f)
        return f

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each request; it returns the response to send.

        After-request functions run in the reverse order of registration. They
        also run for the 500 response of an unhandled exception, but not when
        the exception propagates (``PROPAGATE_EXCEPTIONS``); clean up in
        :meth:`teardown_request` instead.
        """
        self._check_setup_finished("after_request")
        self.after_request_funcs[None].append(f)
        return f

    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when the request context is popped, even after an error."""
        self._check_setup_finished("teardown_request")
        self.teardown_request_funcs[None].append(f)
        return f

    def context_processor(self, f: F) -> F:
        """Merge the dict returned by ``f()`` into every template's context."""
        self._check_setup_finished("context_processor")
        self.template_context_processors[None].append(f)
        return f

    def url_value_preprocessor(self, f: F) -> F:
        """Run ``f(endpoint, values)`` after matching, before the before-request hooks.

        It may change or pop the matched values, for example to move a
        language code from the URL onto ``g``.
        """
        self._check_setup_finished("url_value_preprocessor")
        self.url_value_preprocessors[None].append(f)
        return f

    def url_defaults(self, f: F) -> F:
        """Run ``f(endpoint, values)`` when building URLs, to fill in missing values."""
        self._check_setup_finished("url_defaults")
        refuse_coroutine_function(
            f,
            "url_defaults()",
            "url_for() calls it synchronously, also inside async views where nothing can wait",
        )
        self.url_default_functions[None].append(f)
        return f

    # -- error handlers --------------------------------------------------------------------

    def errorhandler(self, code_or_exception: type[BaseException] | int) -> Callable[[F], F]:
        """Register the decorated function for an HTTP status code or an exception class."""

        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    def register_error_handler(
        self, code_or_exception: type[BaseException] | int, f: ErrorHandler
    ) -> None:
        """Register ``f`` for an HTTP status code or an exception class."""
        self._check_setup_finished("register_error_handler")
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[BaseException] | int,
    ) -> tuple[type[BaseException], int | None]:
        if isinstance(exc_class_or_code, int):
            try:
                exc_class: type[BaseException] = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"{exc_class_or_code} is not an HTTP error code werkzeug knows; register a"
                    " handler for an HTTPException subclass with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, BaseException):
            raise TypeError(
                f"{exc_class!r} is an exception instance; register the class"
                f" {type(exc_class).__name__} instead."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, BaseException):
            raise ValueError(
                f"{exc_class!r} is neither an HTTP status code nor an exception class."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None


def find_package(import_name: str) -> tuple[str | None, str]:
    """Return ``(installation prefix or None, package folder)`` for ``import_name``.

    The prefix is set when the package is installed into a Python prefix
    (``site-packages``); it is ``None`` for a package used from its source folder.
    """
    root_mod_name = import_name.partition(".")[0]
    package_path = _package_folder(root_mod_name)
    py_prefix = os.path.abspath(sys.prefix)
    if pathlib.PurePath(package_path).is_relative_to(py_prefix):
        return py_prefix, package_path
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":
            return parent, package_path
        if os.path.basename(parent).lower() == "lib":
            return os.path.dirname(parent), package_path
        return site_parent, package_path
    return None, package_path


def _package_folder(import_name: str) -> str:
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin in (None, "namespace"):
        if spec is not None and spec.submodule_search_locations:
            return os.path.dirname(os.path.commonpath(list(spec.submodule_search_locations)))
        return os.getcwd()
    if spec.submodule_search_locations:
        return os.path.dirname(os.path.dirname(spec.origin))
    return os.path.dirname(spec.origin)
