"""The pytest plugin, run in a real pytest session (pytester)."""

from __future__ import annotations

import shutil

import pytest
from example_modules import EXAMPLES

pytest_plugins = ["pytester"]

SUITE = """
from todo_for_coverage import NewTodo, TodoResource, create_app

from resourceful.contract import TypedClient


def test_create_and_read(tmp_path):
    client = TypedClient(create_app({"DATABASE": str(tmp_path / "db.sqlite3")}).test_client())
    todo = client.call(TodoResource.create, NewTodo(title="milk"))
    client.call(TodoResource.get, todo_id=todo.id)
    client.call(TodoResource.get, todo_id=todo.id + 1)
"""


def _copy_todo(pytester: pytest.Pytester, name: str) -> None:
    # A copy, so that the example's instance folder (its database) is made in the
    # test's directory, under a module name no other test imports.
    shutil.copy(EXAMPLES / "todo" / "app.py", pytester.path / name)
    shutil.copy(EXAMPLES / "todo" / "todo_store.py", pytester.path / "todo_store.py")
    pytester.syspathinsert()


def test_coverage_prints_the_table_and_the_pairs_never_exercised(
    pytester: pytest.Pytester,
) -> None:
    _copy_todo(pytester, "todo_for_coverage.py")
    pytester.makepyfile(test_todo_coverage=SUITE)
    result = pytester.runpytest("--resourceful-coverage", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*resourceful response coverage*",
            "operation * status  calls",
            "GET /todos/{todo_id} * 200         1",
            "GET /todos/{todo_id} * 404         1",
            "POST /todos/ * 201         1",
            "3 of 20 declared responses exercised.",
            "Never exercised:",
            "  DELETE /todos/{todo_id} -> 204",
        ]
    )
    assert "  POST /todos/ -> 201" not in result.stdout.str()


@pytest.mark.slow
def test_no_table_without_the_option(pytester: pytest.Pytester) -> None:
    _copy_todo(pytester, "todo_for_coverage.py")
    pytester.makepyfile(test_todo_coverage=SUITE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "resourceful response coverage" not in result.stdout.str()


@pytest.mark.slow
def test_selftest_runs_one_item_per_check_of_the_todo_example(
    pytester: pytest.Pytester,
) -> None:
    _copy_todo(pytester, "todo_for_selftest.py")
    result = pytester.runpytest(
        "--resourceful-selftest=todo_for_selftest.py:create_app",
        "--resourceful-selftest-examples=5",
        "-p",
        "no:cacheprovider",
        "-v",
    )
    result.assert_outcomes(passed=11, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*selftest GET /todos/ [[]valid[]] PASSED*",
            "*selftest TodoResource [[]chain[]] PASSED*",
        ]
    )


@pytest.mark.slow
def test_a_selftest_failure_shows_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        buggy_for_selftest="""
import enum
import attrs
from resourceful import App, Resource


class Color(enum.Enum):
    RED = "red"
    MAUVE = "mauve"


@attrs.define
class Paint:
    color: Color


class PaintResource(Resource):
    def create(self, body: Paint) -> Paint:
        if body.color is Color.MAUVE:
            raise KeyError(body.color)
        return body


def create_app():
    app = App(__name__)
    app.add_resource(PaintResource, "/paint")
    return app
"""
    )
    result = pytester.runpytest(
        "--resourceful-selftest=buggy_for_selftest.py:create_app", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*POST /paint (PaintResource.create): valid input got a server error.",
            "    body = Paint(color=<Color.MAUVE: 'mauve'>)",
            "    the handler raised KeyError: <Color.MAUVE: 'mauve'>",
        ]
    )


PROTECTED_APP = """
import attrs
from resourceful import App, Resource
from resourceful.contract import Credentials
from resourceful.security import APIKey

KEYS = {"writer-key": "writer"}


def find_key(key: str) -> str | None:
    return KEYS.get(key)


@attrs.define
class Note:
    text: str


class Notes(Resource):
    security = APIKey(find_key, permissions=lambda name: {"write"}).requiring("write")

    def create(self, body: Note) -> Note:
        return body


def create_app():
    app = App(__name__)
    app.add_resource(Notes, "/notes")
    return app


def credentials():
    return [Credentials("apiKeyAuth", {"X-API-Key": "writer-key"}, permissions={"write"})]


NOT_CREDENTIALS = ["writer-key"]
"""


@pytest.mark.slow
def test_selftest_authenticates_with_the_credentials_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(notes_for_selftest=PROTECTED_APP)
    result = pytester.runpytest(
        "--resourceful-selftest=notes_for_selftest.py:create_app",
        "--resourceful-selftest-credentials=notes_for_selftest.py:credentials",
        "--resourceful-selftest-examples=5",
        "-p",
        "no:cacheprovider",
        "-v",
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*selftest POST /notes [[]valid[]] PASSED*",
            "*selftest POST /notes [[]invalid[]] PASSED*",
            "*selftest POST /notes [[]auth[]] PASSED*",
        ]
    )


def test_without_credentials_the_protected_checks_are_skipped_with_the_reason(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(notes_for_selftest=PROTECTED_APP)
    result = pytester.runpytest(
        "--resourceful-selftest=notes_for_selftest.py:create_app",
        "--resourceful-selftest-examples=5",
        "-p",
        "no:cacheprovider",
        "-rs",
    )
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]2[]] *: no credentials for apiKeyAuth were given (selftest(*"]
    )


def test_the_credentials_option_must_name_a_list_of_credentials(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(notes_for_selftest=PROTECTED_APP)
    result = pytester.runpytest(
        "--resourceful-selftest=notes_for_selftest.py:create_app",
        "--resourceful-selftest-credentials=notes_for_selftest.py:NOT_CREDENTIALS",
        "-p",
        "no:cacheprovider",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --resourceful-selftest-credentials=notes_for_selftest.py:NOT_CREDENTIALS:"
            " name a list of resourceful.contract.Credentials, or a function that returns one"
            " (module:name or path/file.py:name); got ['writer-key'].",
        ]
    )
