"""The built-in commands ``run``, ``shell`` and ``routes`` (``openapi`` is in :mod:`.openapi`)."""

from __future__ import annotations

import code
import importlib
import os
import ssl
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from .discovery import (
    ScriptInfo,
    _debug_option,
    get_debug_flag,
    pass_script_info,
    with_appcontext,
)

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import Rule

    from ..app import App


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
    from werkzeug.serving import is_running_from_reloader, run_simple

    served: Any
    try:
        app = info.load_app()
    except Exception as exc:
        if not is_running_from_reloader():
            # At start-up the command fails: there is nothing to serve yet.
            raise
        # A code change broke the app while the reloader watches: keep the
        # server up, show the error (on the console now, and to every request
        # through the debugger), and let the next change reload a fixed app.
        traceback.print_exc()
        served = _failed_app(exc)
        debug = bool(get_debug_flag())
        reload = True if reload is None else reload
        debugger = debug if debugger is None else debugger
    else:
        served = app
        if reload is None:
            reload = app.debug
        if debugger is None:
            debugger = app.debug
        show_server_banner(app, info.app_import_path)

    run_simple(
        host,
        port,
        served,
        use_reloader=reload,
        use_debugger=debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


def _failed_app(error: Exception) -> Callable[[dict[str, Any], Any], Any]:
    """Return a WSGI app that raises ``error`` for every request."""

    def failed(environ: dict[str, Any], start_response: Any) -> Any:
        raise error from None

    return failed


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
    from ..globals import current_app

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
    from ..operation import operations_of

    operations = operations_of(view)
    return ", ".join(
        f"{method} {op.resource.__name__}.{op.handler_name}"
        for method in methods
        if (op := operations.get(method)) is not None
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
    from ..globals import current_app

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
