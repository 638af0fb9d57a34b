"""The Python code blocks of the docs compile and, where they stand alone, run.

Every fenced ```python block of ``docs/*.md`` is compiled. Unless a MyST
comment on the line just before its opening fence says otherwise, it is also
run, in a fresh namespace whose ``__name__`` is ``"docs_example"``, with a
temporary directory as the working directory (so an ``App(__name__)`` in a
block has its root there). The comments are:

``% test: fragment``
    Compile only. For blocks that show part of something (a method outside
    its class, a call with placeholder names, a signature) or that need
    modules outside this repository.

``% test: app``
    Run in a namespace that already holds every public name of
    ``resourceful`` (as ``from resourceful import *`` gives them) and
    ``app``, a fresh ``App(__name__)``. For blocks written against "your
    app", as most reference snippets are.

``% test: continue``
    Run in the namespace left by the page's previous block that ran, so a
    page can build one example over several blocks. The whole chain is
    re-run, so each test stands alone.

Anything after the mode is a note for readers of the Markdown source
(``% test: fragment -- needs a database``). Code that is not Python
(``console``, ``text``, ``html+jinja``) is not checked here; blocks included
with ``literalinclude`` come from examples and tests that the suite runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

_OPEN_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
_MARKER = re.compile(r"^%\s*test:\s*(?P<mode>\S+)(?P<note>.*)$")
MODES = ("run", "fragment", "app", "continue")


@attrs.frozen
class Block:
    """One fenced Python block of a docs page."""

    page: str
    line: int  # 1-based line of the opening fence
    mode: str
    code: str

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"


@attrs.frozen
class Marker:
    """A ``% test:`` comment and whether a Python fence follows it."""

    page: str
    line: int
    mode: str
    before_python: bool


def _scan(path: Path) -> tuple[list[Block], list[Marker]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    markers: list[Marker] = []
    i = 0
    while i < len(lines):
        marker = _MARKER.match(lines[i])
        if marker is not None:
            following = _OPEN_FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
            markers.append(
                Marker(
                    path.name,
                    i + 1,
                    marker["mode"],
                    following is not None and following["info"] == "python",
                )
            )
        fence = _OPEN_FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        closing = fence["fence"]
        end = i + 1
        while end < len(lines) and not lines[end].startswith(closing):
            end += 1
        if fence["info"] == "python":
            previous = _MARKER.match(lines[i - 1]) if i > 0 else None
            mode = previous["mode"] if previous is not None else "run"
            blocks.append(Block(path.name, i + 1, mode, "\n".join(lines[i + 1 : end]) + "\n"))
        i = end + 1
    return blocks, markers


def _scan_all() -> tuple[list[Block], list[Marker]]:
    blocks: list[Block] = []
    markers: list[Marker] = []
    for path in sorted(DOCS.glob("*.md")):
        page_blocks, page_markers = _scan(path)
        blocks += page_blocks
        markers += page_markers
    return blocks, markers


BLOCKS, MARKERS = _scan_all()


def _compile(block: Block) -> Any:
    # dont_inherit: a block reads its annotations as its reader would, not as strings
    # (this module's `from __future__ import annotations` is not the block's).
    return compile(block.code, block.where, "exec", dont_inherit=True)


def _fresh_namespace(mode: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    if mode == "app":
        exec("from resourceful import *\napp = App(__name__)\n", namespace)
    return namespace


def _chain(block: Block) -> Iterator[Block]:
    """Yield the blocks to run for ``block``: back to the page's last fresh start."""
    on_page = [b for b in BLOCKS if b.page == block.page and b.mode != "fragment"]
    index = on_page.index(block)
    start = index
    while on_page[start].mode == "continue":
        if start == 0:
            raise AssertionError(
                f"{block.where} says '% test: continue' but no block before it on"
                " the page runs; give the first block of the chain no marker or"
                " '% test: app'."
            )
        start -= 1
    yield from on_page[start : index + 1]


def test_the_docs_have_python_blocks_to_check() -> None:
    assert len(BLOCKS) > 20
    assert {b.page for b in BLOCKS} >= {"app.md", "sessions.md", "json.md", "cli.md"}


def test_every_marker_names_a_known_mode_and_precedes_a_python_block() -> None:
    wrong = []
    for m in MARKERS:
        problems = []
        if m.mode not in MODES:
            problems.append(f"the mode is not one of {', '.join(MODES[1:])}")
        if not m.before_python:
            problems.append("the next line is not a ```python fence")
        if problems:
            wrong.append(f"docs/{m.page}:{m.line}: '% test: {m.mode}': {'; '.join(problems)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.where for b in BLOCKS])
def test_python_block_compiles(block: Block) -> None:
    _compile(block)


RUNNABLE = [b for b in BLOCKS if b.mode != "fragment"]


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.where for b in RUNNABLE])
def test_python_block_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for step in _chain(block):
        if step.mode != "continue":
            namespace = _fresh_namespace(step.mode)
        exec(_compile(step), namespace)
