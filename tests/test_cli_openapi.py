"""``resourceful openapi diff`` and ``check``: reports, formats, exit codes, inputs."""

from __future__ import annotations

import copy
import json
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from resourceful import App
from resourceful.cli import cli
from resourceful.resources import Resource

ROOT = Path(__file__).resolve().parents[1]
TODO_APP = ROOT / "examples" / "todo" / "app.py"
TODO_SNAPSHOT = ROOT / "tests" / "openapi" / "snapshots" / "todo.json"


@pytest.fixture(autouse=True)
def project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Work in an empty directory; forget the modules and sys.path entries apps brought."""
    for name in [name for name in os.environ if name.startswith("RESOURCEFUL_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    saved_environ = dict(os.environ)
    yield tmp_path
    for name in set(os.environ) - set(saved_environ):
        del os.environ[name]
    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if file.startswith((str(tmp_path), str(ROOT / "examples"))):
            del sys.modules[name]


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def document(**operation: Any) -> dict[str, Any]:
    op = {
        "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string"}},
            {"name": "tag", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {"200": {"description": "OK"}},
        **operation,
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1"},
        "paths": {"/things": {"get": op}},
    }


OLD = document()
NEW = document(parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}}])
NEW["paths"]["/things"]["post"] = {"responses": {"201": {"description": "Created"}}}


def write_json(path: str, value: Any) -> str:
    Path(path).write_text(json.dumps(value), "utf-8")
    return path


# -- diff: reports and exit codes ----------------------------------------------------------------


def test_diff_of_equal_documents_says_so_and_exits_0() -> None:
    result = invoke("openapi", "diff", write_json("old.json", OLD), write_json("new.json", OLD))
    assert result.exit_code == 0
    assert result.stdout == "No changes.\n"


def test_diff_reports_one_line_per_change_breaking_first_and_exits_1() -> None:
    result = invoke("openapi", "diff", write_json("old.json", OLD), write_json("new.json", NEW))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "GET /things",
        "  BREAKING  request    query parameter 'tag' removed"
        "  [old /paths/~1things/get/parameters/1, new -]",
        "",
        "POST /things",
        "  ok        operation  added  [old -, new /paths/~1things/post]",
        "",
        "1 breaking change, 1 other change.",
    ]


def test_diff_with_only_other_changes_exits_0() -> None:
    write_json("old.json", NEW)
    added = copy.deepcopy(NEW)
    added["paths"]["/things"]["get"]["parameters"].append(
        {"name": "page", "in": "query", "schema": {"type": "integer"}}
    )
    result = invoke("openapi", "diff", "old.json", write_json("more.json", added))
    assert result.exit_code == 0
    assert "optional query parameter 'page' added" in result.stdout


def test_diff_markdown_is_a_table_for_a_pull_request_comment() -> None:
    result = invoke(
        "openapi",
        "diff",
        write_json("old.json", OLD),
        write_json("new.json", NEW),
        "--format",
        "markdown",
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "### OpenAPI: breaking changes",
        "",
        "1 breaking change, 1 other change.",
        "",
        "| | Operation | Side | Change | Old | New |",
        "| --- | --- | --- | --- | --- | --- |",
        "| :x: breaking | GET /things | request | query parameter 'tag' removed"
        " | `/paths/~1things/get/parameters/1` | - |",
        "| ok | POST /things | operation | added | - | `/paths/~1things/post` |",
    ]


def test_diff_json_gives_counts_and_every_change() -> None:
    result = invoke(
        "openapi", "diff", write_json("old.json", OLD), write_json("new.json", NEW), "--format=json"
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["breaking"] == 1 and report["allowed"] == 0 and report["other"] == 1
    assert report["changes"][0] == {
        "operation": "GET /things",
        "side": "request",
        "kind": "parameter-removed",
        "breaking": True,
        "allowed": False,
        "message": "query parameter 'tag' removed",
        "old": "/paths/~1things/get/parameters/1",
        "new": None,
    }


def test_allow_accepts_an_intended_break_and_names_unused_pointers() -> None:
    result = invoke(
        "openapi",
        "diff",
        write_json("old.json", OLD),
        write_json("new.json", NEW),
        "--allow",
        "/paths/~1things/get/parameters/1",
        "--allow",
        "/paths/~1gone",
    )
    assert result.exit_code == 0
    assert "  allowed   request    query parameter 'tag' removed" in result.stdout
    assert result.stdout.endswith(
        "Note: --allow /paths/~1gone matches no breaking change.\n"
        "0 breaking changes, 1 allowed, 1 other change.\n"
    )


# -- diff: inputs ----------------------------------------------------------------------------------


def test_diff_reads_yaml_documents() -> None:
    yaml = pytest.importorskip("yaml")
    # YAML reads the status 200 as a number: it still matches "200" in JSON.
    Path("old.yaml").write_text(yaml.safe_dump(OLD).replace("'200':", "200:"), "utf-8")
    result = invoke("openapi", "diff", "old.yaml", write_json("new.json", OLD))
    assert result.exit_code == 0, result.output
    assert result.stdout == "No changes.\n"
    Path("new.yml").write_text(yaml.safe_dump(NEW), "utf-8")
    assert invoke("openapi", "diff", "old.yaml", "new.yml").exit_code == 1


def test_diff_reads_standard_input_for_a_dash() -> None:
    result = invoke("openapi", "diff", "-", write_json("new.json", NEW), input=json.dumps(OLD))
    assert result.exit_code == 1
    assert "query parameter 'tag' removed" in result.stdout


def test_diff_compares_an_app_with_a_document() -> None:
    result = invoke("openapi", "diff", str(TODO_SNAPSHOT), str(TODO_APP))
    assert result.exit_code == 0, result.output
    assert result.stdout == "No changes.\n"


def test_diff_compares_apps_named_by_factory_calls(project: Path) -> None:
    (project / "things.py").write_text(
        textwrap.dedent(
            """\
            from resourceful import App
            from resourceful.resources import Resource

            def create_app(with_delete=False):
                app = App("things")

                @app.resource("/things/<int:thing_id>")
                class Thing(Resource):
                    def get(self, thing_id: int) -> int:
                        return thing_id

                    if with_delete:
                        def delete(self, thing_id: int) -> None:
                            return None

                return app
            """
        ),
        "utf-8",
    )
    result = invoke("openapi", "diff", "things:create_app(with_delete=True)", "things:create_app")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "DELETE /things/{thing_id}\n"
        "  BREAKING  operation  removed (the path still has GET)"
        "  [old /paths/~1things~1{thing_id}/delete, new -]\n"
    )


# -- diff: what cannot be compared -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Error: Could not read old.json: there is no such file.\n"),
        (
            '{"openapi": ',
            "Error: Could not read old.json: not valid JSON: Expecting value"
            " (line 1, column 13).\n",
        ),
        (
            '{"swagger": "2.0"}',
            "Error: The old document is not an OpenAPI 3 document: it has no 'openapi' field"
            " (expected '3.0.x' or '3.1.x').\n",
        ),
        (
            json.dumps(document(responses={"200": {"$ref": "#/components/responses/Gone"}})),
            "Error: The old document's $ref '#/components/responses/Gone' at"
            " /paths/~1things/get/responses/200 points to nothing.\n",
        ),
    ],
)
def test_a_document_that_cannot_be_compared_exits_2_with_a_message(
    content: str | None, message: str
) -> None:
    if content is not None:
        Path("old.json").write_text(content, "utf-8")
    result = invoke("openapi", "diff", "old.json", write_json("new.json", OLD))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_invalid_yaml_exits_2_with_where() -> None:
    pytest.importorskip("yaml")
    Path("old.yaml").write_text("openapi: [3.1\n", "utf-8")
    result = invoke("openapi", "diff", "old.yaml", write_json("new.json", OLD))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Could not read old.yaml: not valid YAML: ")
    assert "(line 2, column 1)." in result.stderr


def test_yaml_without_pyyaml_exits_2_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Path("old.yaml").write_text("openapi: 3.1.0\n", "utf-8")
    monkeypatch.setitem(sys.modules, "yaml", None)
    result = invoke("openapi", "diff", "old.yaml", write_json("new.json", OLD))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Reading old.yaml as YAML needs PyYAML; install it with:"
        " pip install 'resourceful[yaml]', or give the document as JSON.\n"
    )


def test_an_app_that_fails_to_load_exits_2_without_a_traceback(project: Path) -> None:
    (project / "broken.py").write_text(
        "def create_app():\n    raise RuntimeError('no database configured')\n", "utf-8"
    )
    result = invoke("openapi", "diff", write_json("old.json", OLD), "broken.py")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Could not load the app 'broken.py': RuntimeError: no database configured\n"
    )


def test_an_app_that_is_not_found_exits_2_with_the_discovery_message() -> None:
    result = invoke("openapi", "diff", write_json("old.json", OLD), "nowhere:app")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: Could not load the app 'nowhere:app': Could not import 'nowhere': no module of"
        " that name was found"
    )


def test_two_app_files_of_one_module_name_are_refused(project: Path) -> None:
    for folder, title in (("old", "Old"), ("new", "New")):
        (project / folder).mkdir()
        (project / folder / "app.py").write_text(
            "from resourceful import App\n"
            f"app = App('app')\napp.config['OPENAPI_TITLE'] = {title!r}\n",
            "utf-8",
        )
    result = invoke("openapi", "diff", "old/app.py", "new/app.py")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Cannot load 'new/app.py': its module name 'app' is")
    assert "Write one document with 'resourceful --app new/app.py openapi -o new.json'" in (
        result.stderr.replace("\n", " ")
    )


def test_the_documents_options_do_not_go_with_a_subcommand() -> None:
    result = invoke("openapi", "--format", "yaml", "diff", "a.json", "b.json")
    assert result.exit_code == 2
    assert (
        "'resourceful openapi --format' writes the document and does not go with 'openapi"
        " diff'; give the options of 'diff' after it." in result.stderr.replace("\n", " ")
    )


# -- check -----------------------------------------------------------------------------------------


@pytest.fixture
def things(app: App) -> App:
    @app.resource("/things/<int:thing_id>")
    class Thing(Resource):
        def get(self, thing_id: int) -> int:
            return thing_id

    return app


def test_check_passes_against_the_apps_own_document(things: App) -> None:
    write_json("openapi.json", things.openapi())
    result = things.test_cli_runner().invoke(cli, ["openapi", "check", "--against", "openapi.json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No changes.\n"


def test_check_fails_when_the_app_dropped_an_operation(things: App) -> None:
    stored = copy.deepcopy(things.openapi())
    item = stored["paths"]["/things/{thing_id}"]
    item["delete"] = copy.deepcopy(item["get"])
    write_json("openapi.json", stored)
    runner = things.test_cli_runner()
    result = runner.invoke(cli, ["openapi", "check", "--against", "openapi.json"])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "DELETE /things/{thing_id}\n  BREAKING  operation  removed (the path still has GET)"
    )
    result = runner.invoke(
        cli,
        [
            "openapi",
            "check",
            "--against",
            "openapi.json",
            "--allow",
            "/paths/~1things~1{thing_id}/delete",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["allowed"] == 1


def test_check_finds_the_app_through_the_app_option() -> None:
    result = invoke("--app", str(TODO_APP), "openapi", "check", "--against", str(TODO_SNAPSHOT))
    assert result.exit_code == 0, result.output


def test_check_finds_the_app_through_resourceful_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOURCEFUL_APP", str(TODO_APP))
    stored = json.loads(TODO_SNAPSHOT.read_text("utf-8"))
    del stored["paths"]["/todos/{todo_id}"]["delete"]
    result = invoke("openapi", "check", "--against", write_json("openapi.json", stored))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("DELETE /todos/{todo_id}\n  ok        operation  added")


def test_check_without_an_app_exits_2() -> None:
    result = invoke("openapi", "check", "--against", write_json("openapi.json", OLD))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Could not load the app: Could not find an application")


def test_check_needs_a_document_to_check_against() -> None:
    result = invoke("openapi", "check")
    assert result.exit_code == 2
    assert "Missing option '--against'." in result.stderr


# -- the guide's example -------------------------------------------------------------------------


def _guide_report() -> list[str]:
    text = (ROOT / "docs" / "contract-testing.md").read_text("utf-8")
    section = text.split("## Did the contract change?")[1]
    block = section.split("```text\n")[1].split("```")[0]
    return block.splitlines()


def test_the_guides_report_is_what_check_prints() -> None:
    stored = json.loads(TODO_SNAPSHOT.read_text("utf-8"))
    changed = copy.deepcopy(stored)
    get = changed["paths"]["/todos/"]["get"]
    get["parameters"] = [p for p in get["parameters"] if p["name"] != "tag"]
    next(p for p in get["parameters"] if p["name"] == "limit")["schema"]["maximum"] = 50
    changed["components"]["schemas"]["Todo"]["properties"]["priority"] = {"type": "integer"}
    result = invoke(
        "openapi", "diff", write_json("old.json", stored), write_json("new.json", changed)
    )
    assert result.exit_code == 1
    printed = result.stdout.splitlines()
    shown = [line for line in _guide_report() if line not in ("...", "")]
    assert shown == [line for line in printed if line in shown]
    assert shown[-1] == printed[-1]
