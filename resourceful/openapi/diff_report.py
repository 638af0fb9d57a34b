"""Write the changes :func:`~resourceful.openapi.diff.diff_documents` found, for people and tools.

Three formats: :func:`text` for a terminal, :func:`markdown` for a pull
request comment, :func:`json_report` for other programs. The text and
Markdown reports group the changes by operation, operations with a breaking
change first and breaking changes first within each, and give both JSON
pointers of every change (``-`` where the old or new document has no such
part).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from resourceful.openapi.diff import Change

__all__ = ["counts", "json_report", "markdown", "text"]

_DOCUMENT = "Outside any operation"
_METHOD_ORDER = {"GET": 0, "PUT": 1, "POST": 2, "DELETE": 3, "OPTIONS": 4, "HEAD": 5, "PATCH": 6}


def counts(changes: Sequence[Change]) -> tuple[int, int, int]:
    """Return the numbers of breaking, allowed breaking and other changes."""
    breaking = sum(1 for c in changes if c.breaking and not c.allowed)
    allowed = sum(1 for c in changes if c.breaking and c.allowed)
    return breaking, allowed, len(changes) - breaking - allowed


def _label(change: Change) -> str:
    if not change.breaking:
        return "ok"
    return "allowed" if change.allowed else "BREAKING"


def _groups(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    groups: dict[str | None, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.operation, []).append(change)

    def group_order(item: tuple[str | None, list[Change]]) -> tuple[Any, ...]:
        operation, members = item
        blocking = any(c.breaking and not c.allowed for c in members)
        if operation is None:
            return (not blocking, 1, "", 0)
        method, _, path = operation.partition(" ")
        return (not blocking, 0, path, _METHOD_ORDER.get(method, 9))

    def change_order(change: Change) -> int:
        return 0 if change.breaking and not change.allowed else 1 if change.breaking else 2

    return [
        (operation or _DOCUMENT, sorted(members, key=change_order))
        for operation, members in sorted(groups.items(), key=group_order)
    ]


def _summary(changes: Sequence[Change]) -> str:
    breaking, allowed, other = counts(changes)
    if not changes:
        return "No changes."
    parts = [f"{breaking} breaking change{'s' if breaking != 1 else ''}"]
    if allowed:
        parts.append(f"{allowed} allowed")
    parts.append(f"{other} other change{'s' if other != 1 else ''}")
    return ", ".join(parts) + "."


def text(changes: Sequence[Change], unused_allows: Sequence[str] = ()) -> str:
    """Return a plain-text report: one line per change, grouped by operation."""
    lines: list[str] = []
    for operation, members in _groups(changes):
        lines.append(operation)
        lines.extend(
            f"  {_label(change):<8}  {change.side:<9}  {change.message}"
            f"  [old {change.old or '-'}, new {change.new or '-'}]"
            for change in members
        )
        lines.append("")
    lines.extend(f"Note: --allow {unused} matches no breaking change." for unused in unused_allows)
    lines.append(_summary(changes))
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _code(value: str | None) -> str:
    return f"`{_cell(value)}`" if value else "-"


def markdown(changes: Sequence[Change], unused_allows: Sequence[str] = ()) -> str:
    """Return a Markdown report for a pull request comment: a summary and one table row a change."""
    breaking, _, _ = counts(changes)
    title = "breaking changes" if breaking else "no breaking change"
    lines = [f"### OpenAPI: {title}", "", _summary(changes)]
    if changes:
        lines += [
            "",
            "| | Operation | Side | Change | Old | New |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for operation, members in _groups(changes):
            for change in members:
                mark = {"BREAKING": ":x: breaking", "allowed": ":warning: allowed"}.get(
                    _label(change), "ok"
                )
                lines.append(
                    f"| {mark} | {_cell(operation)} | {change.side} | {_cell(change.message)}"
                    f" | {_code(change.old)} | {_code(change.new)} |"
                )
    for unused in unused_allows:
        lines += ["", f"`--allow {_cell(unused)}` matches no breaking change."]
    return "\n".join(lines) + "\n"


def json_report(changes: Sequence[Change], unused_allows: Sequence[str] = ()) -> str:
    """Return the changes as a JSON object: the counts and one object per change."""
    breaking, allowed, other = counts(changes)
    report = {
        "breaking": breaking,
        "allowed": allowed,
        "other": other,
        "unusedAllows": list(unused_allows),
        "changes": [
            {
                "operation": change.operation,
                "side": change.side,
                "kind": change.kind,
                "breaking": change.breaking,
                "allowed": change.allowed,
                "message": change.message,
                "old": change.old,
                "new": change.new,
            }
            for _, members in _groups(changes)
            for change in members
        ],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
