"""Find the application a command works on, and give it to commands.

How a command finds the application:

1. ``--app`` (or ``RESOURCEFUL_APP``) names it as ``module``, ``module:name``,
   ``module:factory()`` or ``module:factory("arg", key=1)``; the module may be
   a dotted name, a package or a file path such as ``examples/todo/app.py``.
2. Without a name after the colon the module is searched: an ``app`` or
   ``application`` attribute, then the only :class:`~resourceful.App` instance,
   then a ``create_app`` or ``make_app`` factory called without arguments.
3. Without ``--app``, ``wsgi.py`` and then ``app.py`` in the current
   directory are tried the same way.

Every failure is a :class:`NoAppException`, a click usage error whose message
says which import failed and why, or which names were tried.

:class:`ScriptInfo` loads the app once per command line; :func:`with_appcontext`
runs a command inside its context. ``RESOURCEFUL_DEBUG`` is read here
(:func:`get_debug_flag`) and written by the ``--debug`` option.
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
from click.core import ParameterSource

from ..globals import _cv_app

if TYPE_CHECKING:  # pragma: no cover
    from ..app import App

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute names searched, in order, when ``--app`` names only a module.
APP_NAMES = ("app", "application")
#: The factory names searched, in order, when no app instance was found.
FACTORY_NAMES = ("create_app", "make_app")
#: The files tried, in order, when neither ``--app`` nor ``RESOURCEFUL_APP`` is given.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")


class NoAppException(click.UsageError):
    """The application could not be imported or found."""


# -- locating the application ---------------------------------------------------------------


def _is_app(value: object) -> bool:
    from ..app import App

    return isinstance(value, App)


def find_best_app(module: ModuleType) -> App:
    """Return the application a module holds, trying the usual names and factories."""
    for name in APP_NAMES:
        value = getattr(module, name, None)
        if _is_app(value):
            return cast("App", value)

    instances = {name: value for name, value in vars(module).items() if _is_app(value)}
    if len(instances) == 1:
        return cast("App", next(iter(instances.values())))
    if len(instances) > 1:
        names = ", ".join(f"'{module.__name__}:{name}'" for name in sorted(instances))
        raise NoAppException(
            f"Module '{module.__name__}' holds several applications ({names}) and none is"
            f" named {_quoted_or(APP_NAMES)}. Choose one with '--app {module.__name__}:NAME'."
        )

    for name in FACTORY_NAMES:
        factory = getattr(module, name, None)
        if callable(factory):
            return _call_factory(module, name, factory, (), {})

    raise NoAppException(
        f"Could not find an application in module '{module.__name__}'. Tried the"
        f" attributes {_quoted_or(APP_NAMES)}, a single App instance, and the factories"
        f" {_quoted_or(FACTORY_NAMES)}. Name the application with"
        f" '--app {module.__name__}:NAME' or '--app {module.__name__}:FACTORY()'."
    )


def _quoted_or(names: Sequence[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def parse_app_expression(expression: str) -> tuple[str, tuple[Any, ...], dict[str, Any], bool]:
    """Parse ``name`` or ``name(args)`` into the name, arguments and whether it is a call.

    Arguments must be Python literals (strings, numbers, tuples, lists,
    dicts, ``True``, ``None``...); they are read with :mod:`ast`, never
    evaluated as code.
    """
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"Could not parse {expression!r} as an attribute name or a function call;"
            " write 'NAME' or 'FACTORY(\"arg\", key=1)'."
        ) from None

    if isinstance(node, ast.Name):
        return node.id, (), {}, False
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise NoAppException(
            f"{expression!r} is not an attribute name or a call of one; write 'NAME' or"
            " 'FACTORY(\"arg\", key=1)'."
        )

    try:
        args = tuple(ast.literal_eval(arg) for arg in node.args)
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise ValueError("'**' is not allowed")
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
    except ValueError:
        raise NoAppException(
            f"The arguments in {expression!r} must be Python literals (strings, numbers,"
            " lists, dicts, True, False or None); names and expressions are not evaluated."
        ) from None
    return node.func.id, args, kwargs, True


def find_app_by_string(module: ModuleType, expression: str) -> App:
    """Return the application that ``expression`` (``NAME`` or ``FACTORY(args)``) names in module.

    A function named without parentheses is called without arguments.
    """
    name, args, kwargs, is_call = parse_app_expression(expression)
    try:
        value = getattr(module, name)
    except AttributeError:
        raise NoAppException(
            f"Module '{module.__name__}' has no attribute {name!r} (from '--app"
            f" {module.__name__}:{expression}')."
        ) from None

    if is_call or (callable(value) and not _is_app(value) and not isinstance(value, type)):
        if not callable(value):
            raise NoAppException(
                f"'{module.__name__}:{name}' is a {type(value).__name__}, not a factory;"
                f" remove the parentheses: '--app {module.__name__}:{name}'."
            )
        return _call_factory(module, name, value, args, kwargs)

    if not _is_app(value):
        raise NoAppException(
            f"'{module.__name__}:{name}' is a {type(value).__name__}, not a resourceful App."
        )
    return cast("App", value)


def _call_factory(
    module: ModuleType,
    name: str,
    factory: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> App:
    import inspect

    try:
        inspect.signature(factory).bind(*args, **kwargs)
    except TypeError as exc:
        shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        raise NoAppException(
            f"Could not call the factory '{module.__name__}:{name}' with ({shown}): {exc}."
            f" Pass its arguments as literals: '--app {module.__name__}:{name}(\"arg\", key=1)'."
        ) from None
    except ValueError:
        pass  # No signature to check (some builtins); let the call itself decide.

    app = factory(*args, **kwargs)
    if not _is_app(app):
        raise NoAppException(
            f"The factory '{module.__name__}:{name}' returned {type(app).__name__} {app!r},"
            " not a resourceful App."
        )
    return cast("App", app)


def prepare_import(path: str) -> str:
    """Turn a file, package or module path into an importable name and make it importable.

    The directory above the outermost package is put first on ``sys.path``.
    """
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts: list[str] = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break

    if sys.path[:1] != [path]:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _import_module(module_name: str) -> ModuleType | None:
    """Import a module; ``None`` when the module itself does not exist.

    An :class:`ImportError` raised while the module runs becomes a
    :class:`NoAppException` that quotes its traceback; any other error from
    the user's code propagates unchanged, with its own traceback.
    """
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        missing = getattr(exc, "name", None)
        if isinstance(exc, ModuleNotFoundError) and missing is not None:
            outer = module_name.split(".")
            if missing.split(".") == outer[: len(missing.split("."))]:
                return None
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        raise NoAppException(
            f"While importing '{module_name}', an ImportError was raised:\n\n{detail}"
        ) from exc


def locate_app(module_name: str, app_name: str | None) -> App:
    """Import ``module_name`` and return the application that ``app_name`` names in it."""
    module = _import_module(module_name)
    if module is None:
        raise NoAppException(
            f"Could not import '{module_name}': no module of that name was found (searched"
            f" from {sys.path[0] or os.getcwd()!r}). Check the spelling of '--app' or"
            " RESOURCEFUL_APP, or give a file path such as 'src/app.py'."
        )
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def split_app_path(value: str) -> tuple[str, str | None]:
    """Split ``path:expression`` at the first colon that does not start a Windows path."""
    for index, char in enumerate(value):
        if char == ":" and value[index + 1 : index + 2] not in ("/", "\\"):
            return value[:index], value[index + 1 :] or None
    return value, None


# -- the script info -------------------------------------------------------------------------


class ScriptInfo:
    """What the CLI knows about the application it works on; loads the app once.

    Commands get it with :func:`pass_script_info`. Projects using an app
    factory pass ``create_app`` (a function taking no arguments) instead of an
    import path.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: Callable[..., App] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        #: The ``--app`` value, if any.
        self.app_import_path = app_import_path
        #: A function returning the application; preferred over the import path.
        self.create_app = create_app
        #: Whether a ``RESOURCEFUL_DEBUG`` variable sets the loaded app's debug mode.
        self.set_debug_flag = set_debug_flag
        #: Whether the default dotenv files are loaded before the app is found.
        self.load_dotenv_defaults = load_dotenv_defaults
        #: Arbitrary data for commands to share.
        self.data: dict[Any, Any] = {}
        self._loaded_app: App | None = None

    def load_app(self) -> App:
        """Return the application, importing or creating it on the first call."""
        if self._loaded_app is not None:
            return self._loaded_app

        if self.create_app is not None:
            app = self.create_app()
            if not _is_app(app):
                raise NoAppException(
                    f"The create_app function given to the CLI returned {type(app).__name__},"
                    " not a resourceful App."
                )
        elif self.app_import_path:
            path, name = split_app_path(self.app_import_path)
            app = locate_app(prepare_import(path), name)
        else:
            app = self._load_default_file()

        if self.set_debug_flag:
            debug = get_debug_flag()
            if debug is not None:
                app.debug = debug
        self._loaded_app = app
        return app

    def _load_default_file(self) -> App:
        for filename in DEFAULT_APP_FILES:
            if os.path.isfile(filename):
                return locate_app(prepare_import(filename), None)
        raise NoAppException(
            "Could not find an application: no '--app' option, no RESOURCEFUL_APP variable,"
            f" and no {' or '.join(repr(f) for f in DEFAULT_APP_FILES)} file in"
            f" {os.getcwd()!r}. Name it, for example 'resourceful --app hello run'."
        )


pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def get_debug_flag() -> bool | None:
    """Return the debug mode ``RESOURCEFUL_DEBUG`` asks for, or ``None`` when it is unset."""
    value = os.environ.get("RESOURCEFUL_DEBUG")
    if not value:
        return None
    return value.lower() not in {"0", "false", "no", "off"}


def with_appcontext(f: F) -> F:
    """Run the decorated click callback inside the application's context.

    The app is loaded through the :class:`ScriptInfo` unless an application
    context is already pushed. :class:`AppGroup` commands have this by default.
    """

    @click.pass_context
    def wrapper(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if _cv_app.get(None) is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return cast(F, functools.update_wrapper(wrapper, f))


# -- the debug option --------------------------------------------------------------------------


def _debug_callback(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    # Only an explicit flag or environment variable changes the mode.
    source = ctx.get_parameter_source(param.name or "debug")
    if value is None or source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return
    os.environ["RESOURCEFUL_DEBUG"] = "1" if value else "0"


def _debug_option() -> click.Option:
    return click.Option(
        ["--debug/--no-debug"],
        default=None,
        is_eager=True,
        expose_value=False,
        callback=_debug_callback,
        help="Turn debug mode on or off (sets RESOURCEFUL_DEBUG).",
    )
