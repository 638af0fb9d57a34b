"""The ``resourceful`` command line: find the app, then run, list routes, open a shell.

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
"""

from __future__ import annotations

import ast
import code
import functools
import importlib
import json
import os
import platform
import ssl
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points
from importlib.metadata import version as distribution_version
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

import click
from click.core import ParameterSource

from .globals import _cv_app

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import Rule

    from .app import App

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute names searched, in order, when ``--app`` names only a module.
APP_NAMES = ("app", "application")
#: The factory names searched, in order, when no app instance was found.
FACTORY_NAMES = ("create_app", "make_app")
#: The files tried, in order, when neither ``--app`` nor ``RESOURCEFUL_APP`` is given.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")
#: The dotenv files loaded by default; later files take precedence.
DOTENV_FILES = (".resourcefulenv", ".env")
#: The entry-point group through which installed packages add commands.
PLUGIN_GROUP = "resourceful.commands"


class NoAppException(click.UsageError):
    """The application could not be imported or found."""


# -- locating the application ---------------------------------------------------------------


def _is_app(value: object) -> bool:
    from .app import App

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


# -- command groups ----------------------------------------------------------------------------


class AppGroup(click.Group):
    """A click group whose commands run in an application context by default.

    Pass ``with_appcontext=False`` to :meth:`command` for a command that does
    not need the app.
    """

    @overload
    def command(self, __func: Callable[..., Any]) -> click.Command: ...

    @overload
    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command]: ...

    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command] | click.Command:
        """Declare a command that runs in an app context unless ``with_appcontext=False``."""
        wrap = kwargs.pop("with_appcontext", True)
        func = None
        if len(args) == 1 and not kwargs and callable(args[0]):
            (func,), args = args, ()

        def decorator(f: Callable[..., Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            command: click.Command = click.Group.command(self, *args, **kwargs)(f)
            return command

        return decorator if func is None else decorator(func)

    @overload
    def group(self, __func: Callable[..., Any]) -> click.Group: ...

    @overload
    def group(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Group]: ...

    def group(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Group] | click.Group:
        """Declare a sub-group of this group; it is an :class:`AppGroup` unless ``cls`` says."""
        kwargs.setdefault("cls", AppGroup)
        if len(args) == 1 and len(kwargs) == 1 and callable(args[0]):
            group: click.Group = click.Group.group(self, **kwargs)(args[0])
            return group
        decorator: Callable[[Callable[..., Any]], click.Group] = click.Group.group(
            self, *args, **kwargs
        )
        return decorator


def _env_file_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    info = ctx.ensure_object(ScriptInfo)
    if not info.load_dotenv_defaults and value is None:
        return
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file;"
                " install it with: pip install 'resourceful[dotenv]'",
                ctx=ctx,
                param=param,
            ) from None
    load_dotenv(value, load_defaults=info.load_dotenv_defaults)


def _app_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value


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


def _version_callback(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(
        f"Python {platform.python_version()}\n"
        f"resourceful {distribution_version('resourceful')}\n"
        f"Werkzeug {distribution_version('werkzeug')}",
        color=ctx.color,
    )
    ctx.exit()


class ResourcefulGroup(AppGroup):
    """The ``resourceful`` command: global options, built-in commands and the app's commands.

    A project with an app factory builds its own command from it::

        cli = ResourcefulGroup(create_app=create_app)

    The app's ``app.cli`` commands, its blueprints' groups, and commands from
    installed packages (the ``resourceful.commands`` entry-point group) are
    listed next to the built-in ``run``, ``routes``, ``shell`` and ``openapi``.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: Callable[..., App] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: Any,
    ) -> None:
        params: list[click.Parameter] = list(extra.pop("params", None) or ())
        # NOTE: the env file comes first and all three are eager, so a .env file
        # can set RESOURCEFUL_APP or RESOURCEFUL_DEBUG before they are read.
        params += [
            click.Option(
                ["-e", "--env-file"],
                type=click.Path(exists=True, dir_okay=False),
                is_eager=True,
                expose_value=False,
                callback=_env_file_callback,
                help="Load environment variables from this file (needs python-dotenv);"
                " it takes precedence over .env and .resourcefulenv.",
            ),
            click.Option(
                ["-A", "--app"],
                metavar="IMPORT",
                is_eager=True,
                expose_value=False,
                callback=_app_callback,
                help="The application to load: 'module', 'module:name',"
                " 'module:factory(\"arg\")' or a file path. Default: wsgi.py or app.py.",
            ),
            _debug_option(),
        ]
        if add_version_option:
            params.append(
                click.Option(
                    ["--version"],
                    is_flag=True,
                    is_eager=True,
                    expose_value=False,
                    callback=_version_callback,
                    help="Show the resourceful version and exit.",
                )
            )
        if "context_settings" not in extra:
            extra["context_settings"] = {}
        extra["context_settings"].setdefault("auto_envvar_prefix", "RESOURCEFUL")
        super().__init__(params=params, **extra)

        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self._plugins_loaded = False
        if add_default_commands:
            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)
            self.add_command(openapi_command)

    def _load_plugin_commands(self) -> None:
        if self._plugins_loaded:
            return
        for entry_point in entry_points(group=PLUGIN_GROUP):
            self.add_command(entry_point.load(), entry_point.name)
        self._plugins_loaded = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a built-in or plugin command, else one from the app's ``cli`` group."""
        self._load_plugin_commands()
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
            return None
        return app.cli.get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Find the command to run; an app command gets the app context for its whole run."""
        name, command, rest = super().resolve_command(ctx, args)
        # NOTE: pushed here rather than in get_command, which --help also calls
        # while parsing, before the context that would pop it again exists.
        if name is not None and name not in self.commands:
            app = ctx.ensure_object(ScriptInfo).load_app()
            current = _cv_app.get(None)
            if current is None or current.app is not app:
                ctx.with_resource(app.app_context())
        return name, command, rest

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the built-in, plugin and app commands; explain why the app's are missing."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        try:
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Create the context with a :class:`ScriptInfo` for this group's settings."""
        # App.run() checks this so that a script calling it under the CLI does not
        # start a second server.
        os.environ["RESOURCEFUL_RUN_FROM_CLI"] = "true"
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the arguments; with none, still read the env file and app for the help."""
        if not args and self.no_args_is_help:
            for param in self.params:
                if param.name in ("env_file", "app"):
                    param.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


# -- dotenv ----------------------------------------------------------------------------------


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from dotenv files; return whether any file had values.

    The defaults are ``.resourcefulenv`` and ``.env``, found in the current
    directory or above it; ``path`` takes precedence over ``.env``, which
    takes precedence over ``.resourcefulenv``. A variable already set in the
    environment is never changed. Without python-dotenv nothing is loaded and
    a tip is printed when a default file exists.
    """
    try:
        import dotenv
    except ImportError:
        if path is not None or any(os.path.isfile(name) for name in DOTENV_FILES):
            click.secho(
                " * Tip: dotenv files were found but python-dotenv is not installed;"
                " install it with: pip install 'resourceful[dotenv]'",
                err=True,
                fg="yellow",
            )
        return False

    values: dict[str, str | None] = {}
    if load_defaults:
        for name in DOTENV_FILES:
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                values.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        values.update(dotenv.dotenv_values(path, encoding="utf-8"))

    for key, value in values.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value
    return bool(values)


# -- run ---------------------------------------------------------------------------------------


class CertParamType(click.ParamType):  # type: ignore[type-arg]
    """A certificate file, ``adhoc``, or ``module:name`` of an :class:`ssl.SSLContext`."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Return the certificate path, ``"adhoc"`` or the SSL context."""
        if isinstance(value, ssl.SSLContext):
            return value
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            pass
        if str(value).lower() == "adhoc":
            try:
                importlib.import_module("cryptography")
            except ImportError:
                raise click.BadParameter(
                    "'adhoc' certificates need the cryptography library;"
                    " install it with: pip install cryptography",
                    ctx,
                    param,
                ) from None
            return "adhoc"
        module_name, colon, attr = str(value).partition(":")
        if colon:
            try:
                context = getattr(importlib.import_module(module_name), attr, None)
            except ImportError:
                context = None
            if isinstance(context, ssl.SSLContext):
                return context
        self.fail(
            f"{value!r} is not an existing certificate file, 'adhoc', or 'module:name' of"
            " an ssl.SSLContext.",
            param,
            ctx,
        )


def _validate_key(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check ``--key`` against ``--cert`` and combine them into the cert parameter."""
    cert = ctx.params.get("cert")
    cert_is_file = isinstance(cert, str) and cert != "adhoc"
    if value is None:
        if cert_is_file:
            raise click.BadParameter(
                "'--key' is required with a certificate file in '--cert'.", ctx, param
            )
        return None
    if cert is None:
        raise click.BadParameter("'--key' needs '--cert' with the certificate file.", ctx, param)
    if not cert_is_file:
        what = "'adhoc'" if cert == "adhoc" else "an SSLContext"
        raise click.BadParameter(
            f"'--key' is not used when '--cert' is {what}; remove '--key'.", ctx, param
        )
    ctx.params["cert"] = (cert, value)
    return value


class SeparatedPathType(click.Path):
    """A list of paths separated by :data:`os.pathsep` (``:`` or ``;`` on Windows)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Split the value and check each path."""
        if isinstance(value, list):
            return value
        return [
            super(SeparatedPathType, self).convert(item, param, ctx)
            for item in value.split(os.pathsep)
            if item
        ]


def show_server_banner(app: App, app_import_path: str | None) -> None:
    """Print which app is served and whether debug mode is on (once, not in the reloader)."""
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return
    source = f" (from '{app_import_path}')" if app_import_path not in (None, app.name) else ""
    click.echo(f" * Serving resourceful app '{app.name}'{source}")
    click.echo(f" * Debug mode: {'on' if app.debug else 'off'}")


@click.command("run", short_help="Run a development server.")
@click.option(
    "--host", "-h", default="127.0.0.1", show_default=True, help="The interface to bind to."
)
@click.option(
    "--port",
    "-p",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to bind to.",
)
@click.option(
    "--cert",
    type=CertParamType(),
    is_eager=True,
    help="A certificate file for HTTPS, 'adhoc', or 'module:name' of an SSLContext.",
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The key file for '--cert'.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Restart on code changes (default: on in debug mode).",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Show the interactive debugger on errors (default: on in debug mode).",
)
@click.option(
    "--with-threads/--without-threads", default=True, help="Handle each request in a new thread."
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help=f"More files the reloader watches, separated by {os.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help=f"fnmatch patterns of files the reloader ignores, separated by {os.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    cert: Any,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run a local development server (not for production).

    Debug mode (--debug or RESOURCEFUL_DEBUG=1) turns on the reloader and the
    debugger. Every option can also be set with a RESOURCEFUL_RUN_<OPTION>
    variable, for example RESOURCEFUL_RUN_PORT=8000.
    """
    from werkzeug.serving import run_simple

    app = info.load_app()
    if reload is None:
        reload = app.debug
    if debugger is None:
        debugger = app.debug

    show_server_banner(app, info.app_import_path)
    run_simple(
        host,
        port,
        app,
        use_reloader=reload,
        use_debugger=debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


# 'resourceful run --debug' works as well as 'resourceful --debug run'.
run_command.params.insert(0, _debug_option())


# -- shell -------------------------------------------------------------------------------------


@click.command("shell", short_help="Run a Python shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the application's context.

    The namespace holds ``app``, ``g`` and the names the app's
    shell_context_processor functions return. PYTHONSTARTUP is run first.
    """
    from .globals import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    banner = (
        f"Python {sys.version} on {sys.platform}\nApp: {app.name}\nInstance: {app.instance_path}"
    )
    namespace: dict[str, Any] = {}

    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as f:
            exec(compile(f.read(), startup, "exec"), namespace)

    namespace.update(app.make_shell_context())

    # NOTE: only a real terminal gets readline completion and history; the hook
    # would otherwise write the history file of whoever runs the tests.
    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None and sys.stdin.isatty():
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            readline.set_completer(Completer(namespace).complete)
        hook()

    code.interact(banner=banner, local=namespace, exitmsg="")


# -- routes ------------------------------------------------------------------------------------


def _handlers(view: Any, methods: Sequence[str]) -> str:
    """Describe the resource handlers behind a view: ``DELETE Todo.delete, GET Todo.get``."""
    from .operation import Operation

    operations = getattr(view, "operations", None)
    if not isinstance(operations, Mapping):
        return ""
    return ", ".join(
        f"{method} {op.resource.__name__}.{op.handler_name}"
        for method in methods
        if isinstance(op := operations.get(method), Operation)
    )


_SORT_KEYS: dict[str, Callable[[Rule], Any]] = {
    "endpoint": lambda rule: rule.endpoint,
    "methods": lambda rule: sorted(rule.methods or ()),
    "domain": lambda rule: rule.host or rule.subdomain or "",
    "rule": lambda rule: rule.rule,
}


@click.command("routes", short_help="Show the routes of the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    show_default=True,
    help="Sort by this column; 'match' is the order in which URLs are matched.",
)
@click.option("--all-methods", is_flag=True, help="Also show HEAD and OPTIONS.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show every URL rule with its endpoint, methods and, for resources, handlers."""
    from .globals import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.prepare_to_serve()
    rules = list(app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return

    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    if sort != "match":
        rules.sort(key=_SORT_KEYS[sort])
        if sort == "domain":
            # Within a domain, the rules keep a readable order.
            rules.sort(key=lambda rule: (_SORT_KEYS["domain"](rule), rule.rule))

    host_matching = app.url_map.host_matching
    rows: list[dict[str, str]] = []
    for rule in rules:
        methods = sorted((rule.methods or set()) - hidden)
        view = app.view_functions.get(rule.endpoint)
        rows.append(
            {
                "domain": (rule.host if host_matching else rule.subdomain) or "",
                "endpoint": rule.endpoint,
                "methods": ", ".join(methods),
                "rule": rule.rule,
                "handler": _handlers(view, methods),
            }
        )

    columns = [("endpoint", "Endpoint"), ("methods", "Methods"), ("rule", "Rule")]
    if any(row["domain"] for row in rows):
        columns.insert(0, ("domain", "Host" if host_matching else "Subdomain"))
    if any(row["handler"] for row in rows):
        columns.append(("handler", "Handler"))

    widths = [max(len(title), *(len(row[key]) for row in rows)) for key, title in columns]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    click.echo(line.format(*(title for _, title in columns)).rstrip())
    click.echo(line.format(*("-" * width for width in widths)).rstrip())
    for row in rows:
        click.echo(line.format(*(row[key] for key, _ in columns)).rstrip())


# -- openapi -----------------------------------------------------------------------------------


@click.command("openapi", short_help="Write the app's OpenAPI document.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="The file to write; '-' (the default) is standard output.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("json", "yaml")),
    default=None,
    help="The output format. Default: yaml for a .yaml or .yml file, json otherwise.",
)
@with_appcontext
def openapi_command(output: str, output_format: str | None) -> None:
    """Write the OpenAPI document of the app's operations as JSON or YAML."""
    from .globals import current_app

    if output_format is None:
        output_format = "yaml" if output.lower().endswith((".yaml", ".yml")) else "json"

    dump: Callable[[dict[str, Any]], str]
    if output_format == "yaml":
        try:
            yaml: Any = importlib.import_module("yaml")
        except ImportError:
            raise click.UsageError(
                "YAML output needs PyYAML; install it with: pip install 'resourceful[yaml]'"
                " or use '--format json'."
            ) from None

        def dump(document: dict[str, Any]) -> str:
            return cast(str, yaml.safe_dump(document, sort_keys=False, allow_unicode=True))

    else:

        def dump(document: dict[str, Any]) -> str:
            return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    text = dump(current_app.openapi())
    with click.open_file(output, "w", encoding="utf-8") as f:
        f.write(text)
    if output != "-":
        click.echo(f"Wrote the OpenAPI document to {output}.", err=True)


# -- the entry point ---------------------------------------------------------------------------


cli = ResourcefulGroup(
    name="resourceful",
    help="""\
Commands for resourceful applications.

Name the application with '--app' or the RESOURCEFUL_APP variable; without
them, wsgi.py or app.py in the current directory is used. Debug mode is set
with '--debug' or RESOURCEFUL_DEBUG=1. With python-dotenv installed, .env and
.resourcefulenv files set environment variables.
""",
)


def main(args: Sequence[str] | None = None) -> None:
    """Run the ``resourceful`` command (the console script and ``python -m resourceful``)."""
    cli.main(args=None if args is None else list(args), prog_name="resourceful")
