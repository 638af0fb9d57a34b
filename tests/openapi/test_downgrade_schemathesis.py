"""schemathesis tests the todo example against its downgraded OpenAPI 3.0.3 document.

The 3.0 document must tell the same truth as the 3.1 one: schemathesis
reads 3.0's ``nullable``, ``exclusiveMinimum: true`` and ``example``, makes
valid and invalid requests from them, sends them to the app in-process and
checks every response (the same checks as test_schemathesis.py, fewer
examples: this run is about the downgrade, not the app).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from example_modules import import_example

from resourceful import App
from resourceful.openapi.downgrade import to_openapi_30

pytestmark = pytest.mark.slow

TODO = Path(__file__).resolve().parents[2] / "examples" / "todo"

APP: App = import_example(TODO / "app.py", "todo_downgrade_schemathesis_app").create_app(
    {"TESTING": True, "DATABASE": ":unset:"}
)


@pytest.fixture(scope="module", autouse=True)
def _todo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    APP.config["DATABASE"] = str(tmp_path_factory.mktemp("todo30") / "todo.sqlite3")
    yield
    APP.config["DATABASE"] = ":unset:"


CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)

CONFIG: dict[str, Any] = {
    "generation": {"max-examples": 25, "mode": "all", "deterministic": True, "database": "none"},
    "checks": {name: {"enabled": True} for name in CHECKS},
}

DOCUMENT = to_openapi_30(APP.openapi())
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))
schema.app = APP


def test_the_document_under_test_is_the_30_one() -> None:
    assert DOCUMENT["openapi"] == "3.0.3"
    assert len(list(schema.get_all_operations())) == 6


@schema.parametrize()
def test_todo_api_conforms_to_its_30_document(case: schemathesis.Case) -> None:
    case.call_and_validate()
