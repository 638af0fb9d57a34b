"""The examples of docs/flask-extensions.md that use the alias run, each in a new interpreter.

tests/test_docs.py only compiles them (``% test: fragment``): run in the test
process, they would turn the alias on for the whole suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alias_scripts import run_script
from test_docs import BLOCKS

ALIAS_BLOCKS = [
    b
    for b in BLOCKS
    if b.page == "flask-extensions.md" and "import resourceful.flask_patch" in b.code
]


def test_the_page_has_examples_that_use_the_alias() -> None:
    assert ALIAS_BLOCKS
    assert all(b.mode == "fragment" for b in ALIAS_BLOCKS)


@pytest.mark.parametrize("block", ALIAS_BLOCKS, ids=[b.where for b in ALIAS_BLOCKS])
def test_alias_example_runs(block: object, tmp_path: Path) -> None:
    code = block.code  # type: ignore[attr-defined]
    assert run_script(tmp_path, code + "\nprint('\"ran\"')\n") == "ran"


def test_the_page_lists_every_aliased_module() -> None:
    from resourceful.flask_alias import ALIASES

    page = (Path(__file__).resolve().parents[2] / "docs" / "flask-extensions.md").read_text()
    assert [name for name in ALIASES if f"`{name}`" not in page] == []
