"""The ``openapi`` command group: write the app's document, compare two, check the app against one.

``resourceful openapi`` writes the document (as before the group existed);
``resourceful openapi diff OLD NEW`` compares two documents and
``resourceful openapi check --against FILE`` compares a stored one with the
app's. Both exit with 0 when no change breaks clients, 1 when one does, and 2
when the documents could not be compared (a file that cannot be read, a
document that is not OpenAPI, an app that fails to load), with a message
and no traceback.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import click

from .discovery import NoAppException, ScriptInfo, prepare_import, split_app_path, with_appcontext

#: The file name endings read as documents; any other OLD or NEW names an app.
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")


class CompareError(click.ClickException):
    """The documents could not be compared; the command exits with 2."""

    exit_code = 2


# -- writing the document ----------------------------------------------------------------------


@click.group(
    "openapi",
    invoke_without_command=True,
    short_help="Write the app's OpenAPI document, or compare documents.",
)
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
@click.option(
    "--openapi-version",
    "version",
    type=click.Choice(("3.1", "3.0")),
    default="3.1",
    show_default=True,
    help="The OpenAPI version to write; 3.0 is OpenAPI 3.0.3, derived from the 3.1 document.",
)
@click.pass_context
def openapi_command(
    ctx: click.Context, output: str, output_format: str | None, version: str
) -> None:
    """Write the OpenAPI document of the app's operations as JSON or YAML.

    With a command after it, compare documents instead: 'diff OLD NEW' or
    'check --against FILE' (see their --help).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(write_document, output=output, output_format=output_format, version=version)
        return
    given = [
        flag
        for name, flag in (
            ("output", "--output"),
            ("output_format", "--format"),
            ("version", "--openapi-version"),
        )
        if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
    ]
    if given:
        sub = ctx.invoked_subcommand
        raise click.UsageError(
            f"'resourceful openapi {' '.join(given)}' writes the document and does not go"
            f" with 'openapi {sub}'; give the options of '{sub}' after it."
        )


@with_appcontext
def write_document(output: str, output_format: str | None, version: str = "3.1") -> None:
    """Write the current app's document to ``output``."""
    from ..globals import current_app

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
            # PyYAML's safe dumper knows plain dicts and lists only, not the read-only
            # ones app.openapi() shares: a deep copy of it is plain.
            plain = copy.deepcopy(document)
            return cast(str, yaml.safe_dump(plain, sort_keys=False, allow_unicode=True))

    else:

        def dump(document: dict[str, Any]) -> str:
            return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    # NOTE: the 3.1 document is asked for without arguments, so an app whose
    # openapi() is overridden the Flask-extension way (no parameters) still works.
    document = current_app.openapi() if version == "3.1" else current_app.openapi(version)
    text = dump(document)
    with click.open_file(output, "w", encoding="utf-8") as f:
        f.write(text)
    if output != "-":
        click.echo(f"Wrote the OpenAPI document to {output}.", err=True)


# -- reading documents to compare --------------------------------------------------------------


def read_document(source: str) -> dict[str, Any]:
    """Return the document a file holds (``-``: standard input), or raise :class:`CompareError`."""
    if source == "-":
        text = sys.stdin.read()
        name = "standard input"
        as_yaml = not text.lstrip().startswith(("{", "["))
    else:
        name = source
        as_yaml = source.lower().endswith((".yaml", ".yml"))
        try:
            with open(source, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            raise CompareError(f"Could not read {source}: there is no such file.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CompareError(f"Could not read {source}: {exc}.") from None

    if as_yaml:
        try:
            yaml: Any = importlib.import_module("yaml")
        except ImportError:
            raise CompareError(
                f"Reading {name} as YAML needs PyYAML; install it with:"
                " pip install 'resourceful[yaml]', or give the document as JSON."
            ) from None
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or exc
            raise CompareError(
                f"Could not read {name}: not valid YAML: {problem}{where}."
            ) from None
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CompareError(
                f"Could not read {name}: not valid JSON: {exc.msg} (line {exc.lineno},"
                f" column {exc.colno})."
            ) from None
    return cast(dict[str, Any], document)


def app_document(info: ScriptInfo, reference: str = "") -> dict[str, Any]:
    """Return the document of the app that ``info`` loads, or raise :class:`CompareError`."""
    what = f"the app {reference}" if reference else "the app"
    try:
        app = info.load_app()
        with app.app_context():
            return app.openapi()
    except NoAppException as exc:
        raise CompareError(f"Could not load {what}: {exc.format_message()}") from None
    except Exception as exc:
        # NOTE: a comparison reports why it could not run, not a traceback:
        # the app's own 'resourceful run' shows the traceback if it is needed.
        raise CompareError(f"Could not load {what}: {type(exc).__name__}: {exc}") from None


def _refuse_shadowed(reference: str) -> None:
    """Refuse an app file whose module name an already imported, different file holds.

    Python imports a module once per process: ``old/app.py`` and
    ``new/app.py`` are both module ``app``, and the second would silently be
    the first.
    """
    path, _ = split_app_path(reference)
    if not os.path.exists(path):
        return  # A dotted module name: one name, one module.
    expected = os.path.realpath(path if path.endswith(".py") else os.path.join(path, "__init__.py"))
    name = prepare_import(path)
    module = sys.modules.get(name)
    loaded = getattr(module, "__file__", None)
    if module is not None and loaded is not None and os.path.realpath(loaded) != expected:
        raise CompareError(
            f"Cannot load {reference!r}: its module name {name!r} is already taken by"
            f" {loaded!r} (Python imports a module once per process). Write one document"
            f" with 'resourceful --app {reference} openapi -o new.json' and compare the files."
        )


def load_source(source: str) -> dict[str, Any]:
    """Return the document a ``diff`` argument names: a JSON or YAML file, or an app."""
    if source == "-" or source.lower().endswith(DOCUMENT_SUFFIXES):
        return read_document(source)
    _refuse_shadowed(source)
    info = ScriptInfo(app_import_path=source, set_debug_flag=False, load_dotenv_defaults=False)
    return app_document(info, repr(source))


# -- comparing ---------------------------------------------------------------------------------


_FORMAT = click.option(
    "--format",
    "report_format",
    type=click.Choice(("text", "markdown", "json")),
    default="text",
    show_default=True,
    help="'markdown' suits a pull request comment; 'json' suits other programs.",
)
_ALLOW = click.option(
    "--allow",
    "allowed",
    metavar="POINTER",
    multiple=True,
    help="A JSON pointer (into either document) whose breaking changes are intended;"
    " it covers everything under it. Repeat it for several.",
)


def compare_and_report(
    old: Mapping[str, Any], new: Mapping[str, Any], report_format: str, allowed: Sequence[str]
) -> None:
    """Compare, print the report, and exit 1 if a breaking change is not allowed."""
    from ..openapi import diff, diff_report

    try:
        changes = diff.diff_documents(old, new)
    except diff.DocumentError as exc:
        raise CompareError(str(exc)) from None
    changes = diff.allow(changes, allowed)
    unused = diff.unused_allows(changes, allowed)
    render = {
        "text": diff_report.text,
        "markdown": diff_report.markdown,
        "json": diff_report.json_report,
    }[report_format]
    click.echo(render(changes, unused), nl=False)
    breaking, _, _ = diff_report.counts(changes)
    if breaking:
        click.get_current_context().exit(1)


@openapi_command.command("diff", short_help="Compare two OpenAPI documents.")
@click.argument("old")
@click.argument("new")
@_FORMAT
@_ALLOW
def diff_command(old: str, new: str, report_format: str, allowed: tuple[str, ...]) -> None:
    """Compare OLD with NEW and say which changes break clients.

    OLD and NEW are documents (a .json, .yaml or .yml file, or '-' for
    standard input) or apps, named as '--app' names them
    ('module:app', 'path/to/app.py', 'module:create_app()').

    Exit status: 0 when no change breaks clients, 1 when one does (and no
    --allow covers it), 2 when the documents could not be compared.
    """
    old_document = load_source(old)
    new_document = load_source(new)
    compare_and_report(old_document, new_document, report_format, allowed)


@openapi_command.command("check", short_help="Check the app against a stored document.")
@click.option(
    "--against",
    "against",
    required=True,
    metavar="FILE",
    help="The stored document (.json, .yaml or .yml; '-' for standard input).",
)
@_FORMAT
@_ALLOW
@click.pass_context
def check_command(
    ctx: click.Context, against: str, report_format: str, allowed: tuple[str, ...]
) -> None:
    """Compare the stored document with the app's and say which changes break clients.

    The app is the one '--app' or RESOURCEFUL_APP names. Exit status: 0 when
    no change breaks clients, 1 when one does (and no --allow covers it), 2
    when the documents could not be compared.
    """
    stored = read_document(against)
    info = ctx.ensure_object(ScriptInfo)
    current = app_document(info, repr(info.app_import_path) if info.app_import_path else "")
    compare_and_report(stored, current, report_format, allowed)
