"""The CLI for a project ported from Flask: FLASK_* variables, .flaskenv, blueprint commands."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from resourceful import App
from resourceful.cli import cli, load_dotenv
from resourceful.config import FlaskEnvironmentWarning, warn_about_flask_variables

HELLO = """\
import click
from resourceful import App, current_app

app = App("hello")

@app.cli.command()
def hello():
    click.echo(f"hello from {current_app.name}, debug={current_app.debug}")
"""


@pytest.fixture(autouse=True)
def project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Work in an empty directory with no FLASK_* or RESOURCEFUL_* variables; restore all."""
    saved_environ = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("RESOURCEFUL_", "FLASK_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved_environ)
    for name in set(sys.modules) - before:
        if (getattr(sys.modules[name], "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


def write(path: Path, source: str) -> None:
    path.write_text(textwrap.dedent(source), encoding="utf-8")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- FLASK_* environment variables -----------------------------------------------------------


def test_flask_variables_without_resourceful_ones_warn_with_the_new_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_APP", "hello")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.warns(FlaskEnvironmentWarning) as record:
        warn_about_flask_variables()
    assert len(record) == 1
    assert str(record[0].message) == (
        "Flask's environment variables are set but resourceful reads RESOURCEFUL_* ones and"
        " ignores them: rename FLASK_APP -> RESOURCEFUL_APP, FLASK_DEBUG -> RESOURCEFUL_DEBUG."
    )


def test_no_warning_once_a_resourceful_variable_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_APP", "hello")
    monkeypatch.setenv("RESOURCEFUL_APP", "hello")
    warn_about_flask_variables()  # warnings are errors in this suite


def test_the_clis_own_marker_variable_does_not_silence_the_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_APP", "hello")
    monkeypatch.setenv("RESOURCEFUL_RUN_FROM_CLI", "true")
    with pytest.warns(FlaskEnvironmentWarning, match="FLASK_APP -> RESOURCEFUL_APP"):
        warn_about_flask_variables()


def test_cli_warns_once_about_flask_app_and_does_not_load_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "hello.py", HELLO)
    monkeypatch.setenv("FLASK_APP", "hello")
    with pytest.warns(FlaskEnvironmentWarning) as record:
        result = CliRunner().invoke(cli, ["hello"])
    assert [str(w.message) for w in record] == [
        "Flask's environment variables are set but resourceful reads RESOURCEFUL_* ones and"
        " ignores them: rename FLASK_APP -> RESOURCEFUL_APP."
    ]
    assert result.exit_code == 2
    assert "Could not find an application" in result.stderr


def test_from_prefixed_env_warns_about_flask_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", '"s3cret"')
    app = App("ported", root_path="/nonexistent")
    with pytest.warns(FlaskEnvironmentWarning, match="FLASK_SECRET_KEY -> RESOURCEFUL_SECRET_KEY"):
        app.config.from_prefixed_env()
    assert app.config["SECRET_KEY"] is None


def test_from_prefixed_env_with_flasks_prefix_reads_them_without_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", '"s3cret"')
    app = App("ported", root_path="/nonexistent")
    app.config.from_prefixed_env("FLASK")
    assert app.config["SECRET_KEY"] == "s3cret"


# -- .flaskenv ---------------------------------------------------------------------------------


def test_flaskenv_is_read_with_flask_names_renamed_and_a_warning(project: Path) -> None:
    write(project / ".flaskenv", "FLASK_APP=hello\nFLASK_DEBUG=1\nOTHER=kept\n")
    with pytest.warns(FlaskEnvironmentWarning) as record:
        assert load_dotenv() is True
    assert os.environ["RESOURCEFUL_APP"] == "hello"
    assert os.environ["RESOURCEFUL_DEBUG"] == "1"
    assert os.environ["OTHER"] == "kept"
    assert "FLASK_APP" not in os.environ
    assert [str(w.message) for w in record] == [
        f"Loaded Flask's dotenv file {project / '.flaskenv'}. It was read with FLASK_APP as"
        " RESOURCEFUL_APP, FLASK_DEBUG as RESOURCEFUL_DEBUG. Rename it to .resourcefulenv and"
        " its FLASK_* variables to RESOURCEFUL_*; .flaskenv support is for ports only."
    ]


def test_resourcefulenv_and_env_take_precedence_over_flaskenv(project: Path) -> None:
    write(project / ".flaskenv", "FLASK_APP=from_flaskenv\nSHARED=flaskenv\n")
    write(project / ".resourcefulenv", "SHARED=resourcefulenv\n")
    write(project / ".env", "RESOURCEFUL_APP=from_env\n")
    with pytest.warns(FlaskEnvironmentWarning):
        load_dotenv()
    assert os.environ["RESOURCEFUL_APP"] == "from_env"
    assert os.environ["SHARED"] == "resourcefulenv"


def test_cli_finds_the_app_that_flaskenv_names(project: Path) -> None:
    write(project / "hello.py", HELLO)
    write(project / ".flaskenv", "FLASK_APP=hello\nFLASK_DEBUG=1\n")
    with pytest.warns(FlaskEnvironmentWarning, match=r"Loaded Flask's dotenv file .*\.flaskenv"):
        result = invoke("hello")
    assert result.stdout == "hello from hello, debug=True\n"


# -- blueprint commands ----------------------------------------------------------------------


def test_blueprint_commands_declared_after_registration_are_listed_and_run(project: Path) -> None:
    write(
        project / "late.py",
        """\
        import click
        from resourceful import App, Blueprint

        app = App("late")
        users = Blueprint("users", __name__)
        tools = Blueprint("tools", __name__, cli_group=None)
        app.register_blueprint(users)
        app.register_blueprint(tools)

        @users.cli.command("create")
        def create():
            click.echo("user created")

        @tools.cli.command("sweep")
        def sweep():
            click.echo("swept")
        """,
    )
    listing = invoke("--app", "late", "--help").stdout
    assert "  users" in listing
    assert "  sweep" in listing
    assert invoke("--app", "late", "users", "create").stdout == "user created\n"
    assert invoke("--app", "late", "sweep").stdout == "swept\n"


def test_late_blueprint_commands_reach_a_group_built_from_a_factory() -> None:
    from resourceful import Blueprint
    from resourceful.cli import ResourcefulGroup

    def create_app() -> App:
        app = App("factory", root_path="/nonexistent")
        admin = Blueprint("admin", __name__)
        app.register_blueprint(admin)

        @admin.cli.command("report")
        def report() -> None:
            click.echo("report")

        return app

    group = ResourcefulGroup(create_app=create_app)
    assert CliRunner().invoke(group, ["admin", "report"]).stdout == "report\n"
