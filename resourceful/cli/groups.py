"""The command groups: :class:`AppGroup` (``app.cli``) and :class:`ResourcefulGroup`.

:class:`ResourcefulGroup` adds the global options (``--env-file``, ``--app``,
``--debug``, ``--version``), the built-in commands, plugin commands and the
app's own commands. ``cli`` is the ``resourceful`` command and :func:`main`
runs it.
"""

from __future__ import annotations

import os
import platform
import traceback
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from importlib.metadata import version as distribution_version
from typing import TYPE_CHECKING, Any, overload

import click

from ..config import warn_about_flask_variables
from ..globals import _cv_app
from .commands import routes_command, run_command, shell_command
from .discovery import NoAppException, ScriptInfo, _debug_option, with_appcontext
from .dotenv import load_dotenv
from .openapi import openapi_command

if TYPE_CHECKING:  # pragma: no cover
    from ..app import App

#: The entry-point group through which installed packages add commands.
PLUGIN_GROUP = "resourceful.commands"


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
    if info.load_dotenv_defaults or value is not None:
        _load_env_files(ctx, param, value, info)
    # NOTE: after the dotenv files, which may set FLASK_* or RESOURCEFUL_* names.
    warn_about_flask_variables()


def _load_env_files(
    ctx: click.Context, param: click.Parameter, value: str | None, info: ScriptInfo
) -> None:
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


def _add_late_blueprint_commands(app: App) -> None:
    """Add the commands of blueprints that got them after their registration.

    A blueprint's group joins ``app.cli`` when the blueprint is registered,
    if it has commands then; commands declared on it later (a module that
    registers its blueprint before defining the commands) would be missing.
    Registering the group again is harmless: the same group, under the same
    name, replaces itself.
    """
    for name, blueprint in app.blueprints.items():
        blueprint._register_cli(app, name)


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
        _add_late_blueprint_commands(app)
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
            app = ctx.ensure_object(ScriptInfo).load_app()
            _add_late_blueprint_commands(app)
            names.update(app.cli.list_commands(ctx))
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
