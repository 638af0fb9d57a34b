"""The ``resourceful`` command line: finding the app, run, routes, shell, dotenv, groups."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from resourceful import App, Blueprint, current_app
from resourceful.cli import (
    AppGroup,
    NoAppException,
    ResourcefulGroup,
    ScriptInfo,
    cli,
    load_dotenv,
    prepare_import,
    split_app_path,
    with_appcontext,
)

# cert.pem / key.pem: a self-signed certificate for 127.0.0.1 (100 years) for the HTTPS tests.
CLI_APPS = Path(__file__).resolve().parent / "cli_apps"


@pytest.fixture(autouse=True)
def project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Work in an empty directory; restore the environment, sys.path and imported modules.

    The CLI writes os.environ itself (RESOURCEFUL_RUN_FROM_CLI, --debug, dotenv
    files), so the whole environment is put back afterwards.
    """
    saved_environ = dict(os.environ)
    for name in [name for name in os.environ if name.startswith("RESOURCEFUL_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("PYTHONSTARTUP", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(os.environ) - set(saved_environ):
        del os.environ[name]
    os.environ.update(saved_environ)
    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if file.startswith(str(tmp_path)):
            del sys.modules[name]


def write(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


HELLO = textwrap.dedent(
    """\
    import click
    from resourceful import App, current_app

    app = App("hello")

    @app.route("/")
    def index():
        return "hello over http"

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.cli.command()
    def hello():
        click.echo(f"hello from {current_app.name}, debug={current_app.debug}")
    """
)


def invoke(*args: str, **kwargs: Any) -> Result:
    return CliRunner().invoke(cli, list(args), **kwargs)


def load(app_path: str | None = None) -> App:
    return ScriptInfo(app_import_path=app_path).load_app()


# -- locating the application ------------------------------------------------------------------


def test_module_name_finds_the_app_attribute(project: Path) -> None:
    write(project / "hello.py", HELLO)
    assert load("hello").name == "hello"


def test_application_attribute_is_found(project: Path) -> None:
    write(project / "wsgi_mod.py", "from resourceful import App\napplication = App('via_app')\n")
    assert load("wsgi_mod").name == "via_app"


def test_app_attribute_wins_over_application(project: Path) -> None:
    write(
        project / "both.py",
        "from resourceful import App\napplication = App('second')\napp = App('first')\n",
    )
    assert load("both").name == "first"


def test_single_app_instance_is_found_under_any_name(project: Path) -> None:
    write(project / "single.py", "from resourceful import App\nservice = App('service')\n")
    assert load("single").name == "service"


def test_several_app_instances_without_a_known_name_are_listed(project: Path) -> None:
    write(project / "two.py", "from resourceful import App\nfirst = App('a')\nsecond = App('b')\n")
    with pytest.raises(NoAppException) as info:
        load("two")
    assert str(info.value) == (
        "Module 'two' holds several applications ('two:first', 'two:second') and none is"
        " named 'app' or 'application'. Choose one with '--app two:NAME'."
    )


def test_create_app_factory_is_called_when_there_is_no_instance(project: Path) -> None:
    write(
        project / "factory.py",
        """\
        from resourceful import App

        def create_app(name="made"):
            return App(name)
        """,
    )
    assert load("factory").name == "made"


def test_make_app_factory_is_called(project: Path) -> None:
    write(
        project / "maker.py", "from resourceful import App\ndef make_app():\n    return App('m')\n"
    )
    assert load("maker").name == "m"


def test_factory_that_needs_arguments_explains_how_to_pass_them(project: Path) -> None:
    write(
        project / "needs.py",
        "from resourceful import App\ndef create_app(config):\n    return App(config)\n",
    )
    with pytest.raises(NoAppException) as info:
        load("needs")
    assert str(info.value) == (
        "Could not call the factory 'needs:create_app' with (): missing a required argument:"
        " 'config'. Pass its arguments as literals: '--app needs:create_app(\"arg\", key=1)'."
    )


def test_module_without_an_app_names_what_was_tried(project: Path) -> None:
    write(project / "empty.py", "x = 1\n")
    with pytest.raises(NoAppException) as info:
        load("empty")
    assert str(info.value) == (
        "Could not find an application in module 'empty'. Tried the attributes 'app' or"
        " 'application', a single App instance, and the factories 'create_app' or 'make_app'."
        " Name the application with '--app empty:NAME' or '--app empty:FACTORY()'."
    )


def test_module_colon_name_picks_that_app(project: Path) -> None:
    write(project / "two.py", "from resourceful import App\nfirst = App('a')\nsecond = App('b')\n")
    assert load("two:second").name == "b"


def test_factory_call_receives_literal_arguments(project: Path) -> None:
    write(
        project / "factory.py",
        """\
        from resourceful import App

        def create_app(name, *, debug=False, tags=()):
            app = App(name)
            app.config["SEEN"] = (debug, tags)
            return app
        """,
    )
    app = load('factory:create_app("given", debug=True, tags=[1, "two"])')
    assert app.name == "given"
    assert app.config["SEEN"] == (True, [1, "two"])


def test_function_named_without_parentheses_is_called(project: Path) -> None:
    write(
        project / "factory.py", "from resourceful import App\ndef build():\n    return App('b')\n"
    )
    assert load("factory:build").name == "b"


def test_factory_arguments_must_be_literals(project: Path) -> None:
    write(project / "factory.py", "from resourceful import App\ndef create_app(x):\n    pass\n")
    with pytest.raises(NoAppException) as info:
        load("factory:create_app(__import__('os').getcwd())")
    assert "must be Python literals" in str(info.value)
    assert "names and expressions are not evaluated" in str(info.value)


def test_double_star_arguments_are_refused(project: Path) -> None:
    write(project / "factory.py", "from resourceful import App\ndef create_app(**kw):\n    pass\n")
    with pytest.raises(NoAppException, match="must be Python literals"):
        load("factory:create_app(**{'a': 1})")


def test_unparsable_app_expression_is_explained(project: Path) -> None:
    write(project / "hello.py", HELLO)
    with pytest.raises(NoAppException) as info:
        load("hello:create_app(")
    assert str(info.value) == (
        "Could not parse 'create_app(' as an attribute name or a function call;"
        " write 'NAME' or 'FACTORY(\"arg\", key=1)'."
    )


def test_expression_that_is_not_a_name_or_call_is_explained(project: Path) -> None:
    write(project / "hello.py", HELLO)
    with pytest.raises(NoAppException, match="is not an attribute name or a call of one"):
        load("hello:app.debug")


def test_missing_attribute_is_named(project: Path) -> None:
    write(project / "hello.py", HELLO)
    with pytest.raises(NoAppException) as info:
        load("hello:nope")
    assert str(info.value) == "Module 'hello' has no attribute 'nope' (from '--app hello:nope')."


def test_attribute_that_is_not_an_app_is_refused(project: Path) -> None:
    write(project / "hello.py", HELLO + "\nnumber = 3\n")
    with pytest.raises(NoAppException) as info:
        load("hello:number")
    assert str(info.value) == "'hello:number' is a int, not a resourceful App."


def test_calling_something_that_is_not_callable_is_refused(project: Path) -> None:
    write(project / "hello.py", HELLO + "\nnumber = 3\n")
    with pytest.raises(NoAppException, match="remove the parentheses"):
        load("hello:number()")


def test_factory_that_returns_something_else_is_refused(project: Path) -> None:
    write(project / "factory.py", "def create_app():\n    return None\n")
    with pytest.raises(NoAppException) as info:
        load("factory:create_app()")
    assert str(info.value) == (
        "The factory 'factory:create_app' returned NoneType None, not a resourceful App."
    )


def test_file_path_is_imported(project: Path) -> None:
    write(project / "examples" / "todo" / "app.py", "from resourceful import App\napp = App('t')\n")
    assert load("examples/todo/app.py").name == "t"
    assert sys.path[0] == str(project / "examples" / "todo")


def test_module_inside_a_package_is_imported_with_its_dotted_name(project: Path) -> None:
    write(project / "pkg" / "__init__.py", "")
    write(project / "pkg" / "web.py", "from resourceful import App\napp = App(__name__)\n")
    assert prepare_import(str(project / "pkg" / "web.py")) == "pkg.web"
    assert load("pkg/web.py:app").name == "pkg.web"


def test_package_directory_is_imported(project: Path) -> None:
    write(project / "site_pkg" / "__init__.py", "from resourceful import App\napp = App('pkg')\n")
    assert load("site_pkg").name == "pkg"
    assert prepare_import(str(project / "site_pkg" / "__init__.py")) == "site_pkg"


def test_dotted_module_name_is_imported(project: Path) -> None:
    write(project / "pkg" / "__init__.py", "")
    write(project / "pkg" / "web.py", "from resourceful import App\napp = App('dotted')\n")
    assert load("pkg.web").name == "dotted"


def test_missing_module_says_which_import_failed(project: Path) -> None:
    with pytest.raises(NoAppException) as info:
        load("no_such_module")
    assert str(info.value) == (
        f"Could not import 'no_such_module': no module of that name was found (searched from"
        f" {str(project)!r}). Check the spelling of '--app' or RESOURCEFUL_APP, or give a file"
        " path such as 'src/app.py'."
    )


def test_import_error_inside_the_module_quotes_its_traceback(project: Path) -> None:
    write(project / "broken.py", "import resourceful\nimport a_dependency_that_is_missing\n")
    with pytest.raises(NoAppException) as info:
        load("broken")
    message = str(info.value)
    assert message.startswith("While importing 'broken', an ImportError was raised:")
    assert "Traceback (most recent call last)" in message
    assert 'broken.py", line 2' in message
    assert "No module named 'a_dependency_that_is_missing'" in message


def test_other_errors_inside_the_module_propagate_with_their_traceback(project: Path) -> None:
    write(project / "raising.py", "raise RuntimeError('the user module failed')\n")
    with pytest.raises(RuntimeError, match="the user module failed"):
        load("raising")


def test_without_app_option_wsgi_py_is_used_before_app_py(project: Path) -> None:
    write(project / "app.py", "from resourceful import App\napp = App('from_app_py')\n")
    assert load().name == "from_app_py"
    write(project / "wsgi.py", "from resourceful import App\napp = App('from_wsgi_py')\n")
    assert load().name == "from_wsgi_py"


def test_without_app_option_or_default_file_the_error_says_what_to_do(project: Path) -> None:
    with pytest.raises(NoAppException) as info:
        load()
    assert str(info.value) == (
        "Could not find an application: no '--app' option, no RESOURCEFUL_APP variable, and no"
        f" 'wsgi.py' or 'app.py' file in {str(project)!r}. Name it, for example"
        " 'resourceful --app hello run'."
    )


def test_script_info_loads_the_app_once() -> None:
    calls = []

    def create_app() -> App:
        calls.append(1)
        return App("once")

    info = ScriptInfo(create_app=create_app)
    assert info.load_app() is info.load_app()
    assert calls == [1]


def test_create_app_returning_something_else_is_refused() -> None:
    info = ScriptInfo(create_app=lambda: "nope")  # type: ignore[arg-type,return-value]
    with pytest.raises(NoAppException, match="returned str, not a resourceful App"):
        info.load_app()


# -- the resourceful command ---------------------------------------------------------------------


def test_app_option_runs_the_apps_command(project: Path) -> None:
    write(project / "hello.py", HELLO)
    result = invoke("--app", "hello", "hello")
    assert result.exit_code == 0, result.output
    assert result.stdout == "hello from hello, debug=False\n"


def test_resourceful_app_variable_names_the_app(project: Path) -> None:
    write(project / "hello.py", HELLO)
    result = invoke("hello", env={"RESOURCEFUL_APP": "hello"})
    assert result.stdout == "hello from hello, debug=False\n"


def test_debug_option_sets_debug_mode(project: Path) -> None:
    write(project / "hello.py", HELLO)
    assert invoke("--app", "hello", "--debug", "hello").stdout.endswith("debug=True\n")


def test_resourceful_debug_variable_sets_debug_mode(project: Path) -> None:
    write(project / "hello.py", HELLO)
    result = invoke("--app", "hello", "hello", env={"RESOURCEFUL_DEBUG": "1"})
    assert result.stdout.endswith("debug=True\n")


def test_no_debug_option_overrides_the_apps_config(project: Path) -> None:
    write(project / "hello.py", HELLO + "\napp.config['DEBUG'] = True\n")
    assert invoke("--app", "hello", "hello").stdout.endswith("debug=True\n")
    del sys.modules["hello"]
    assert invoke("--app", "hello", "--no-debug", "hello").stdout.endswith("debug=False\n")


def test_help_lists_the_apps_commands_next_to_the_built_in_ones(project: Path) -> None:
    write(project / "hello.py", HELLO)
    result = invoke("--app", "hello", "--help")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line]
    assert listed == ["hello", "openapi", "routes", "run", "shell"]


def test_help_without_an_app_explains_why_app_commands_are_missing() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "routes" in result.stdout
    assert "Error: Could not find an application" in result.stderr


def test_no_arguments_shows_help_with_the_apps_commands(project: Path) -> None:
    write(project / "app.py", HELLO)
    result = invoke(env={"RESOURCEFUL_APP": "app"})
    assert "Usage: resourceful" in result.stderr
    assert "hello" in result.stderr.split("Commands:")[1]


def test_help_shows_the_traceback_of_an_app_that_fails_to_import(project: Path) -> None:
    write(project / "raising.py", "raise RuntimeError('the user module failed')\n")
    result = invoke("--app", "raising", "--help")
    assert result.exit_code == 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: the user module failed" in result.stderr
    assert "routes" in result.stdout


def test_set_debug_flag_false_leaves_the_apps_debug_mode_alone() -> None:
    app = App("steady")  # created before --debug sets RESOURCEFUL_DEBUG
    group = ResourcefulGroup(create_app=lambda: app, set_debug_flag=False)

    @group.command()
    def show() -> None:
        click.echo(str(current_app.debug))

    assert CliRunner().invoke(group, ["--debug", "show"]).stdout == "False\n"
    group.set_debug_flag = True
    assert CliRunner().invoke(group, ["--debug", "show"]).stdout == "True\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hello", ("hello", None)),
        ("hello:app", ("hello", "app")),
        ('hello:create_app("a:b")', ("hello", 'create_app("a:b")')),
        ("C:\\project\\app.py:app", ("C:\\project\\app.py", "app")),
        ("C:/project/app.py", ("C:/project/app.py", None)),
        ("hello:", ("hello", None)),
    ],
)
def test_app_option_splits_at_the_first_colon_not_starting_a_windows_path(
    value: str, expected: tuple[str, str | None]
) -> None:
    assert split_app_path(value) == expected


def test_unknown_command_is_a_usage_error_not_a_traceback(project: Path) -> None:
    write(project / "hello.py", HELLO)
    result = invoke("--app", "hello", "nope")
    assert result.exit_code == 2
    assert "No such command 'nope'" in result.stderr
    assert "Traceback" not in result.output


def test_app_that_cannot_be_found_is_a_usage_error_not_a_traceback() -> None:
    result = invoke("--app", "no_such_module", "routes")
    assert result.exit_code == 2
    assert "Error: Could not import 'no_such_module'" in result.stderr
    assert "Traceback" not in result.output


def test_app_command_with_missing_app_says_why_it_is_unknown() -> None:
    result = invoke("--app", "no_such_module", "hello")
    assert result.exit_code == 2
    assert "Error: Could not import 'no_such_module'" in result.stderr
    assert "No such command 'hello'" in result.stderr


def test_version_option_shows_the_versions() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert "resourceful 0.1.0" in result.stdout
    assert result.stdout.startswith("Python ")


def test_app_run_does_nothing_under_the_cli(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A script that calls app.run() unguarded must not start a second server.
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("run_simple was called")

    monkeypatch.setattr("werkzeug.serving.run_simple", refuse)
    write(project / "script.py", HELLO + "\napp.run()\n")
    result = invoke("--app", "script", "hello")
    assert result.exit_code == 0, result.output
    assert os.environ["RESOURCEFUL_RUN_FROM_CLI"] == "true"


@pytest.mark.slow
def test_python_dash_m_resourceful_runs_the_cli(project: Path) -> None:
    write(project / "hello.py", HELLO)
    completed = subprocess.run(
        [sys.executable, "-m", "resourceful", "--app", "hello", "hello"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "hello from hello, debug=False\n"


# -- command groups ----------------------------------------------------------------------------


def test_app_commands_run_in_an_app_context(app: App) -> None:
    @app.cli.command()
    def where() -> None:
        click.echo(current_app.name)

    result = app.test_cli_runner().invoke(args=["where"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "test_app\n"


def test_app_commands_keep_their_arguments_and_options(app: App) -> None:
    @app.cli.command("create-user")
    @click.argument("name")
    @click.option("--admin", is_flag=True)
    def create_user(name: str, admin: bool) -> None:
        click.echo(f"{name} admin={admin} in {current_app.name}")

    result = app.test_cli_runner().invoke(args=["create-user", "ada", "--admin"])
    assert result.stdout == "ada admin=True in test_app\n"


def test_app_command_can_opt_out_of_the_app_context(app: App) -> None:
    from resourceful import has_app_context

    @app.cli.command(with_appcontext=False)
    def outside() -> None:
        click.echo(str(has_app_context()))

    assert app.test_cli_runner().invoke(args=["outside"]).stdout == "False\n"


def test_bare_command_decorator_works(app: App) -> None:
    @app.cli.command
    def bare() -> None:
        click.echo(current_app.name)

    assert app.test_cli_runner().invoke(args=["bare"]).stdout == "test_app\n"


def test_subgroups_of_an_app_group_run_in_an_app_context(app: App) -> None:
    @app.cli.group()
    def db() -> None:
        pass

    @db.command()
    def init() -> None:
        click.echo(f"init {current_app.name}")

    @app.cli.group
    def bare() -> None:
        pass

    assert isinstance(db, AppGroup)
    assert isinstance(bare, AppGroup)
    assert app.test_cli_runner().invoke(args=["db", "init"]).stdout == "init test_app\n"


def test_with_appcontext_loads_the_app_from_the_script_info() -> None:
    app = App("decorated")

    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(current_app.name)

    result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: app))
    assert result.stdout == "decorated\n"


def test_blueprint_commands_live_in_a_group_named_after_it(app: App) -> None:
    bp = Blueprint("users", __name__)

    @bp.cli.command()
    def create() -> None:
        click.echo(f"user created in {current_app.name}")

    app.register_blueprint(bp)
    result = app.test_cli_runner().invoke(args=["users", "create"])
    assert result.stdout == "user created in test_app\n"


def test_blueprint_cli_group_none_adds_commands_to_the_app(app: App) -> None:
    bp = Blueprint("users", __name__, cli_group=None)

    @bp.cli.command()
    def create() -> None:
        click.echo("top level")

    app.register_blueprint(bp)
    assert app.test_cli_runner().invoke(args=["create"]).stdout == "top level\n"


def test_resourceful_group_builds_a_project_command_from_a_factory() -> None:
    def create_app() -> App:
        app = App("project")

        @app.cli.command()
        def hello() -> None:
            click.echo(f"hello {current_app.name}")

        return app

    @click.group(cls=ResourcefulGroup, create_app=create_app)
    def manage() -> None:
        """Manage the project."""

    assert isinstance(manage, ResourcefulGroup)
    result = CliRunner().invoke(manage, ["hello"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "hello project\n"
    assert "Manage the project." in CliRunner().invoke(manage, ["--help"]).stdout


def test_resourceful_group_without_default_commands_has_only_the_apps() -> None:
    group = ResourcefulGroup(create_app=lambda: App("bare"), add_default_commands=False)
    result = CliRunner().invoke(group, ["routes"])
    assert result.exit_code == 2
    assert "No such command 'routes'" in result.stderr


def test_test_cli_runner_can_invoke_the_main_command(app: App) -> None:
    @app.route("/ping")
    def ping() -> str:
        return "pong"

    result = app.test_cli_runner().invoke(cli, ["routes"])
    assert result.exit_code == 0, result.output
    assert "/ping" in result.stdout


def test_installed_packages_add_commands_through_entry_points(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        project / "site" / "greet_plugin.py",
        """\
        import click

        @click.command()
        def greet():
            click.echo("greetings from a plugin")
        """,
    )
    dist = project / "site" / "greet_plugin-1.0.dist-info"
    write(dist / "METADATA", "Metadata-Version: 2.1\nName: greet-plugin\nVersion: 1.0\n")
    write(dist / "entry_points.txt", "[resourceful.commands]\ngreet = greet_plugin:greet\n")
    monkeypatch.syspath_prepend(str(project / "site"))

    group = ResourcefulGroup(create_app=lambda: App("plugged"))
    result = CliRunner().invoke(group, ["greet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "greetings from a plugin\n"
    assert "greet" in CliRunner().invoke(group, ["--help"]).stdout


# -- routes ------------------------------------------------------------------------------------


@pytest.fixture
def routed() -> App:
    app = App("routed", static_folder=None)

    @app.route("/zeta", methods=["POST"])
    def alpha() -> str:
        return ""

    @app.route("/alpha", methods=["GET", "DELETE"])
    def zeta() -> str:
        return ""

    @app.route("/middle")
    def middle() -> str:
        return ""

    return app


def routes(app: App, *args: str) -> list[list[str]]:
    result = app.test_cli_runner().invoke(cli, ["routes", *args])
    assert result.exit_code == 0, result.output
    return [line.split() for line in result.stdout.splitlines()]


def test_routes_show_endpoint_methods_and_rule_sorted_by_endpoint(routed: App) -> None:
    result = routed.test_cli_runner().invoke(cli, ["routes"])
    assert result.stdout == (
        "Endpoint  Methods      Rule\n"
        "--------  -----------  -------\n"
        "alpha     POST         /zeta\n"
        "middle    GET          /middle\n"
        "zeta      DELETE, GET  /alpha\n"
    )


def test_routes_sort_by_rule(routed: App) -> None:
    assert [row[-1] for row in routes(routed, "--sort", "rule")[2:]] == [
        "/alpha",
        "/middle",
        "/zeta",
    ]


def test_routes_sort_by_methods(routed: App) -> None:
    assert [row[0] for row in routes(routed, "-s", "methods")[2:]] == ["zeta", "middle", "alpha"]


def test_routes_sort_by_match_keeps_registration_order(routed: App) -> None:
    assert [row[0] for row in routes(routed, "--sort", "match")[2:]] == ["alpha", "zeta", "middle"]


def test_routes_hide_head_and_options_unless_all_methods(routed: App) -> None:
    assert routes(routed)[3] == ["middle", "GET", "/middle"]
    assert routes(routed, "--all-methods")[3] == ["middle", "GET,", "HEAD,", "OPTIONS", "/middle"]


def test_routes_show_the_subdomain_column_when_one_is_used() -> None:
    app = App("subdomains", static_folder=None)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", subdomain="api")
    def api_index() -> str:
        return ""

    @app.route("/")
    def index() -> str:
        return ""

    rows = routes(app, "--sort", "domain")
    assert rows[0] == ["Subdomain", "Endpoint", "Methods", "Rule"]
    assert rows[2] == ["index", "GET", "/"]
    assert rows[3] == ["api", "api_index", "GET", "/"]


def test_routes_show_the_host_column_with_host_matching() -> None:
    app = App("hosts", host_matching=True, static_host="static.test")

    @app.route("/", host="b.test")
    def b() -> str:
        return ""

    @app.route("/", host="a.test")
    def a() -> str:
        return ""

    rows = routes(app, "--sort", "domain")
    assert rows[0] == ["Host", "Endpoint", "Methods", "Rule"]
    assert [row[0] for row in rows[2:]] == ["a.test", "b.test", "static.test"]


def test_routes_of_an_app_without_rules_say_so() -> None:
    app = App("nothing", static_folder=None)
    result = app.test_cli_runner().invoke(cli, ["routes"])
    assert result.stdout == "No routes were registered.\n"


def test_routes_invalid_sort_is_a_usage_error(routed: App) -> None:
    result = routed.test_cli_runner().invoke(cli, ["routes", "--sort", "size"])
    assert result.exit_code == 2
    assert "Invalid value for '--sort' / '-s': 'size' is not one of" in result.stderr


def test_routes_show_the_class_and_handler_of_resource_operations() -> None:
    from resourceful.resources import Resource

    app = App("resources", static_folder=None)

    @app.resource("/todos/<int:todo_id>")
    class Todo(Resource):
        def list(self) -> list[int]:
            return []

        def get(self, todo_id: int) -> int:
            return todo_id

        def delete(self, todo_id: int) -> None:
            return None

    @app.route("/plain")
    def plain() -> str:
        return ""

    app.config.update(OPENAPI_URL=None, OPENAPI_30_URL=None, DOCS_URL=None)
    result = app.test_cli_runner().invoke(cli, ["routes"])
    assert result.stdout == (
        "Endpoint   Methods      Rule                  Handler\n"
        "---------  -----------  --------------------  --------------------------------\n"
        "plain      GET          /plain\n"
        "todo       DELETE, GET  /todos/<int:todo_id>  DELETE Todo.delete, GET Todo.get\n"
        "todo_list  GET          /todos/               GET Todo.list\n"
    )


# -- shell -------------------------------------------------------------------------------------


def test_shell_runs_in_the_app_context_with_app_g_and_processor_names(app: App) -> None:
    @app.shell_context_processor
    def extra() -> dict[str, Any]:
        return {"answer": 42}

    source = "g.x = 1\nprint(app.name, answer, current_app.name, g.x)\n"
    result = app.test_cli_runner().invoke(
        cli, ["shell"], input="from resourceful import current_app\n" + source
    )
    assert result.exit_code == 0, result.output
    assert "test_app 42 test_app 1" in result.stdout
    assert "App: test_app" in result.stderr


def test_shell_runs_pythonstartup_first(app: App, project: Path) -> None:
    startup = write(project / "startup.py", "started = 'yes'\n")
    runner = app.test_cli_runner(env={"PYTHONSTARTUP": str(startup)})
    result = runner.invoke(cli, ["shell"], input="print(started)\n")
    assert "yes" in result.stdout


# -- dotenv ------------------------------------------------------------------------------------


def test_env_and_resourcefulenv_are_loaded_env_first(project: Path) -> None:
    write(project / ".resourcefulenv", "FROM_RESOURCEFULENV=r\nSHARED=resourcefulenv\n")
    write(project / ".env", "FROM_DOTENV=d\nSHARED=env\n")
    assert load_dotenv() is True
    assert os.environ["FROM_RESOURCEFULENV"] == "r"
    assert os.environ["FROM_DOTENV"] == "d"
    assert os.environ["SHARED"] == "env"


def test_dotenv_never_overrides_the_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARED", "from the shell")
    write(project / ".env", "SHARED=env\n")
    load_dotenv()
    assert os.environ["SHARED"] == "from the shell"


def test_given_path_takes_precedence_over_the_defaults(project: Path) -> None:
    write(project / ".env", "SHARED=env\n")
    write(project / "custom.env", "SHARED=custom\nFROM_ENV_FILE=1\n")
    assert load_dotenv(project / "custom.env") is True
    assert os.environ["SHARED"] == "custom"


def test_load_defaults_false_reads_only_the_given_file(project: Path) -> None:
    write(project / ".env", "FROM_DOTENV=d\n")
    assert load_dotenv(load_defaults=False) is False
    assert "FROM_DOTENV" not in os.environ


def test_without_dotenv_files_nothing_is_loaded() -> None:
    assert load_dotenv() is False


def test_dotenv_file_can_name_the_app(project: Path) -> None:
    write(project / "hello.py", HELLO)
    write(project / ".env", "RESOURCEFUL_APP=hello\nRESOURCEFUL_DEBUG=1\n")
    result = invoke("hello")
    assert result.exit_code == 0, result.output
    assert result.stdout == "hello from hello, debug=True\n"


def test_env_file_option_loads_that_file(project: Path) -> None:
    write(project / "hello.py", HELLO)
    write(project / "dev.env", "RESOURCEFUL_APP=hello\n")
    result = invoke("-e", "dev.env", "hello")
    assert result.stdout == "hello from hello, debug=False\n"
    result = invoke("hello", env={"RESOURCEFUL_ENV_FILE": "dev.env"})
    assert result.stdout == "hello from hello, debug=False\n"


def test_env_file_option_must_exist() -> None:
    result = invoke("--env-file", "missing.env", "routes")
    assert result.exit_code == 2
    assert "Invalid value for '-e' / '--env-file': File 'missing.env' does not exist." in (
        result.stderr
    )


def test_load_dotenv_switch_off_skips_the_default_files(project: Path) -> None:
    write(project / ".env", "FROM_DOTENV=d\n")
    group = ResourcefulGroup(create_app=lambda: App("x"), load_dotenv=False)

    @group.command()
    def show() -> None:
        click.echo(os.environ.get("FROM_DOTENV", "unset"))

    assert CliRunner().invoke(group, ["show"]).stdout == "unset\n"
    group.load_dotenv = True
    assert CliRunner().invoke(group, ["show"]).stdout == "d\n"


def test_without_python_dotenv_a_tip_is_printed(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    write(project / ".env", "FROM_DOTENV=d\n")
    assert load_dotenv() is False
    assert "python-dotenv is not installed" in capsys.readouterr().err
    assert "FROM_DOTENV" not in os.environ


def test_env_file_without_python_dotenv_is_a_usage_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    write(project / "dev.env", "X=1\n")
    result = invoke("-e", "dev.env", "routes")
    assert result.exit_code == 2
    assert "python-dotenv must be installed to load an env file" in result.stderr


# -- run: options --------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, project: Path) -> dict[str, Any]:
    """Record what run would pass to werkzeug's run_simple instead of serving."""
    calls: dict[str, Any] = {}

    def fake_run_simple(host: str, port: int, app: Any, **options: Any) -> None:
        calls.update(host=host, port=port, app=app, **options)

    monkeypatch.setattr("werkzeug.serving.run_simple", fake_run_simple)
    write(project / "hello.py", HELLO)
    return calls


def test_run_defaults_to_localhost_5000_threaded_without_debug(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "run")
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 5000)
    assert served["app"].name == "hello"
    assert served["use_reloader"] is False
    assert served["use_debugger"] is False
    assert served["threaded"] is True
    assert served["ssl_context"] is None
    assert result.stdout == " * Serving resourceful app 'hello'\n * Debug mode: off\n"


def test_run_banner_names_the_import_path_when_it_differs(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello.py", "run")
    assert result.stdout.startswith(" * Serving resourceful app 'hello' (from 'hello.py')\n")


def test_run_debug_turns_on_the_reloader_and_debugger(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "--debug", "run")
    assert served["use_reloader"] is True
    assert served["use_debugger"] is True
    assert " * Debug mode: on" in result.stdout


def test_run_accepts_the_debug_option_after_the_command(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "run", "--debug")
    assert result.exit_code == 0, result.output
    assert (served["use_reloader"], served["use_debugger"]) == (True, True)
    assert served["app"].debug is True


def test_run_reload_and_debugger_switches_override_debug(served: dict[str, Any]) -> None:
    invoke("--app", "hello", "--debug", "run", "--no-reload", "--no-debugger")
    assert (served["use_reloader"], served["use_debugger"]) == (False, False)
    invoke("--app", "hello", "run", "--reload", "--debugger", "--without-threads")
    assert (served["use_reloader"], served["use_debugger"]) == (True, True)
    assert served["threaded"] is False


def test_run_options_come_from_resourceful_run_variables(served: dict[str, Any]) -> None:
    env = {"RESOURCEFUL_RUN_PORT": "8123", "RESOURCEFUL_RUN_HOST": "0.0.0.0"}
    invoke("--app", "hello", "run", env=env)
    assert (served["host"], served["port"]) == ("0.0.0.0", 8123)


def test_run_extra_files_and_exclude_patterns_are_split_on_pathsep(
    served: dict[str, Any], project: Path
) -> None:
    write(project / "a.cfg", "")
    write(project / "b.cfg", "")
    invoke(
        "--app",
        "hello",
        "run",
        "--extra-files",
        os.pathsep.join(["a.cfg", "b.cfg"]),
        "--exclude-patterns",
        os.pathsep.join(["*.tmp", "*/cache/*"]),
    )
    assert served["extra_files"] == ["a.cfg", "b.cfg"]
    assert served["exclude_patterns"] == ["*.tmp", "*/cache/*"]


def test_run_port_must_be_a_port_number(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "run", "--port", "http")
    assert result.exit_code == 2
    assert "Invalid value for '--port' / '-p': 'http' is not a valid integer" in result.stderr
    assert served == {}


def test_run_cert_and_key_are_passed_together(served: dict[str, Any]) -> None:
    cert, key = CLI_APPS / "cert.pem", CLI_APPS / "key.pem"
    result = invoke("--app", "hello", "run", "--key", str(key), "--cert", str(cert))
    assert result.exit_code == 0, result.output
    assert served["ssl_context"] == (str(cert), str(key))


def test_run_cert_file_needs_a_key(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "run", "--cert", str(CLI_APPS / "cert.pem"))
    assert result.exit_code == 2
    assert "'--key' is required with a certificate file in '--cert'." in result.stderr


def test_run_key_needs_a_cert(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "run", "--key", str(CLI_APPS / "key.pem"))
    assert result.exit_code == 2
    assert "'--key' needs '--cert' with the certificate file." in result.stderr


def test_run_cert_that_is_nothing_known_is_refused(served: dict[str, Any]) -> None:
    result = invoke("--app", "hello", "run", "--cert", "nowhere.pem")
    assert result.exit_code == 2
    assert (
        "'nowhere.pem' is not an existing certificate file, 'adhoc', or 'module:name' of an"
        " ssl.SSLContext." in result.stderr
    )


def test_run_cert_can_name_an_ssl_context(
    served: dict[str, Any], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(project))
    write(
        project / "tls.py",
        "import ssl\ncontext = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n",
    )
    result = invoke("--app", "hello", "run", "--cert", "tls:context")
    assert result.exit_code == 0, result.output
    assert isinstance(served["ssl_context"], ssl.SSLContext)
    result = invoke("--app", "hello", "run", "--cert", "tls:context", "--key", "tls.py")
    assert "'--key' is not used when '--cert' is an SSLContext; remove '--key'." in result.stderr


def test_run_adhoc_cert_needs_cryptography(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    result = invoke("--app", "hello", "run", "--cert", "adhoc")
    assert result.exit_code == 2
    assert (
        "'adhoc' certificates need the cryptography library; install it with:"
        " pip install cryptography" in result.stderr
    )


@pytest.mark.live
def test_run_adhoc_cert(served: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", types.ModuleType("cryptography"))
    result = invoke("--app", "hello", "run", "--cert", "adhoc")
    assert result.exit_code == 0, result.output
    assert served["ssl_context"] == "adhoc"
    result = invoke("--app", "hello", "run", "--cert", "adhoc", "--key", str(CLI_APPS / "key.pem"))
    assert "'--key' is not used when '--cert' is 'adhoc'; remove '--key'." in result.stderr


# -- run: a real server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _try_get(url: str, context: ssl.SSLContext | None) -> tuple[int, str] | None:
    """GET ``url``; ``None`` while nothing listens there yet."""
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None


def _get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str]:
    """GET ``url``, retrying while the server starts (up to a generous deadline)."""
    deadline = time.monotonic() + 30
    while (answer := _try_get(url, context)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing answered at {url}")
        time.sleep(0.05)
    return answer


def _serve(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "resourceful", "--app", "hello", *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=30)
    return output


@pytest.mark.live
def test_run_serves_the_app_over_http_and_says_it_is_a_development_server(
    project: Path,
) -> None:
    write(project / "hello.py", HELLO)
    port = _free_port()
    process = _serve(project, "run", "--port", str(port))
    try:
        assert _get(f"http://127.0.0.1:{port}/") == (200, "hello over http")
    finally:
        output = _stop(process)
    assert " * Serving resourceful app 'hello'" in output
    assert " * Debug mode: off" in output
    assert "This is a development server" in output
    assert f"Running on http://127.0.0.1:{port}" in output


@pytest.mark.live
def test_run_port_from_the_environment_with_the_debugger_on_errors(project: Path) -> None:
    write(project / "hello.py", HELLO)
    port = _free_port()
    env = {"RESOURCEFUL_RUN_PORT": str(port), "RESOURCEFUL_DEBUG": "1"}
    process = _serve(project, "run", "--no-reload", env=env)
    try:
        status, body = _get(f"http://127.0.0.1:{port}/boom")
    finally:
        output = _stop(process)
    assert status == 500
    assert "Werkzeug Debugger" in body
    assert "RuntimeError: boom" in body
    assert " * Debug mode: on" in output


@pytest.mark.live
def test_run_serves_https_with_a_certificate(project: Path) -> None:
    write(project / "hello.py", HELLO)
    port = _free_port()
    cert, key = CLI_APPS / "cert.pem", CLI_APPS / "key.pem"
    process = _serve(project, "run", "--port", str(port), "--cert", str(cert), "--key", str(key))
    context = ssl.create_default_context(cafile=str(cert))
    try:
        assert _get(f"https://127.0.0.1:{port}/", context) == (200, "hello over http")
    finally:
        output = _stop(process)
    assert f"Running on https://127.0.0.1:{port}" in output


# -- openapi -------------------------------------------------------------------------------------


DOCUMENT = {"openapi": "3.1.0", "info": {"title": "Tést", "version": "1"}, "paths": {}}


@pytest.fixture
def documented(app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    # NOTE: the document itself is tested with resourceful.openapi; here only its output.
    monkeypatch.setattr(app, "openapi", lambda: DOCUMENT)
    return app


def test_openapi_writes_the_apps_document() -> None:
    import json

    from resourceful.resources import Resource

    app = App("documented", static_folder=None)

    @app.resource("/todos/<int:todo_id>")
    class Todo(Resource):
        def get(self, todo_id: int) -> int:
            return todo_id

    result = app.test_cli_runner().invoke(cli, ["openapi"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document == app.openapi()
    assert "/todos/{todo_id}" in document["paths"]


def test_openapi_version_30_writes_the_downgraded_document() -> None:
    import json

    from resourceful.resources import Resource

    app = App("documented", static_folder=None)

    @app.resource("/todos/<int:todo_id>")
    class Todo(Resource):
        def get(self, todo_id: int) -> int | None:
            return todo_id

    result = app.test_cli_runner().invoke(cli, ["openapi", "--openapi-version", "3.0"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["openapi"] == "3.0.3"
    assert document == app.openapi("3.0")


def test_openapi_version_does_not_go_with_a_subcommand(documented: App) -> None:
    result = documented.test_cli_runner().invoke(
        cli, ["openapi", "--openapi-version", "3.0", "diff", "a.json", "b.json"]
    )
    assert result.exit_code == 2
    assert "'resourceful openapi --openapi-version' writes the document" in result.stderr


def test_openapi_writes_json_to_stdout(documented: App) -> None:
    import json

    result = documented.test_cli_runner().invoke(cli, ["openapi"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == DOCUMENT
    assert result.stdout.startswith('{\n  "openapi": "3.1.0"')
    assert "Tést" in result.stdout


def test_openapi_writes_a_file_and_says_where(documented: App, project: Path) -> None:
    import json

    result = documented.test_cli_runner().invoke(cli, ["openapi", "-o", "api.json"])
    assert result.stdout == ""
    assert result.stderr == "Wrote the OpenAPI document to api.json.\n"
    assert json.loads((project / "api.json").read_text("utf-8")) == DOCUMENT


def test_openapi_writes_yaml_for_a_yaml_file(documented: App, project: Path) -> None:
    yaml = pytest.importorskip("yaml")
    documented.test_cli_runner().invoke(cli, ["openapi", "--output", "api.yaml"])
    text = (project / "api.yaml").read_text("utf-8")
    assert text.startswith("openapi: 3.1.0\n")
    assert yaml.safe_load(text) == DOCUMENT


def test_openapi_format_option_chooses_yaml(documented: App) -> None:
    pytest.importorskip("yaml")
    result = documented.test_cli_runner().invoke(cli, ["openapi", "--format", "yaml"])
    assert result.stdout.startswith("openapi: 3.1.0\ninfo:\n  title: Tést\n")


def test_openapi_yaml_without_pyyaml_is_a_usage_error(
    documented: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    result = documented.test_cli_runner().invoke(cli, ["openapi", "--format", "yaml"])
    assert result.exit_code == 2
    assert (
        "YAML output needs PyYAML; install it with: pip install 'resourceful[yaml]' or use"
        " '--format json'." in result.stderr
    )


def test_routes_include_the_docs_routes_an_app_with_resources_will_serve() -> None:
    from resourceful.resources import Resource

    app = App("documented", static_folder=None)

    @app.resource("/ping")
    class Ping(Resource):
        def get(self) -> None:
            return None

    result = app.test_cli_runner().invoke(cli, ["routes", "--sort", "rule"])
    rules = {line.split()[-1] for line in result.stdout.splitlines()[2:] if "Ping" not in line}
    assert {"/docs", "/openapi.json"} <= rules
