"""schemathesis tests the todo example API against its own OpenAPI document.

For every operation of ``app.openapi()``, schemathesis generates requests from
the document, valid ones and invalid ones, sends them to the app in-process
(WSGI, no sockets) and checks each response:

* ``not_a_server_error``: no 5xx, and no exception escapes the app (``TESTING``
  is on, so an exception in a handler propagates and fails the test with its
  traceback);
* ``status_code_conformance``: the status is one the document declares;
* ``content_type_conformance`` and ``response_schema_conformance``: the body
  has the declared media type and matches the declared schema;
* ``negative_data_rejection``: a request that breaks the document (wrong type,
  out of bounds, missing field, unknown field...) is answered with a 4xx, never
  accepted;
* ``positive_data_acceptance``: a request that follows the document is not
  rejected as invalid.

The run is bounded (``MAX_EXAMPLES`` per operation) and deterministic, so the
suite stays fast and a failure reproduces on the next run. docs/contract-testing.md
shows users how to run the same checks, longer and randomised, on their own API.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from example_modules import import_example

from resourceful import App

try:
    import schemathesis
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("schemathesis is not installed (pip install -e '.[dev]').", allow_module_level=True)

TODO = Path(__file__).resolve().parents[2] / "examples" / "todo"


def load_todo_example() -> ModuleType:
    """Import examples/todo/app.py as module ``todo_schemathesis_app``."""
    return import_example(TODO / "app.py", "todo_schemathesis_app")


# One app for the module: the database (set by the fixture below) keeps the todos
# that the POST examples create, so reads, replaces, updates and deletes also meet
# todos that exist and their 200 responses are checked against the schema too.
APP: App = load_todo_example().create_app({"TESTING": True, "DATABASE": ":unset:"})


@pytest.fixture(scope="module", autouse=True)
def _todo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the example's SQLite database in a temporary folder for this module."""
    APP.config["DATABASE"] = str(tmp_path_factory.mktemp("todo") / "todo.sqlite3")
    yield
    APP.config["DATABASE"] = ":unset:"


# [contract-test]
#: Examples generated per operation and per phase; about 10 s for the whole API.
MAX_EXAMPLES = 60

#: The checks this test is about, on whatever schemathesis's defaults become.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)

#: What a schemathesis.toml would say (see docs/contract-testing.md).
CONFIG: dict[str, Any] = {
    "generation": {
        "max-examples": MAX_EXAMPLES,
        # Valid and invalid requests.
        "mode": "all",
        # The same examples on every run: a red test stays red until it is fixed.
        "deterministic": True,
        # No example database in the working tree.
        "database": "none",
    },
    "checks": {name: {"enabled": True} for name in CHECKS},
}

# A copy: schemathesis normalises the dict it is given, and app.openapi() is cached.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(APP.openapi())), config=schemathesis.Config.from_dict(CONFIG)
)
# Requests go to the app in-process, through WSGI.
schema.app = APP


@schema.parametrize()
@pytest.mark.slow
def test_todo_api_conforms_to_its_document(case: schemathesis.Case) -> None:
    case.call_and_validate()


# [/contract-test]


def test_every_operation_is_tested() -> None:
    operations = {
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    }
    assert operations == {
        ("GET", "/todos/"),
        ("POST", "/todos/"),
        ("GET", "/todos/{todo_id}"),
        ("PUT", "/todos/{todo_id}"),
        ("PATCH", "/todos/{todo_id}"),
        ("DELETE", "/todos/{todo_id}"),
    }


def test_the_checks_are_on() -> None:
    config = schema.config.checks_config_for()
    assert all(config.get_by_name(name=name).enabled for name in CHECKS)
