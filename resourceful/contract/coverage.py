"""Response coverage: which declared (operation, status) pairs the tests exercised.

While a :class:`ResponseCoverage` is active (:func:`start`), every response
an app in this process sends for an operation is recorded: the answers of
a :class:`~resourceful.contract.TypedClient` and of the plain
``app.test_client()`` alike, matched to the operation by the rule the
request was routed to and its method. The recording is a
``request_finished`` receiver, connected by :func:`start` and disconnected
by :func:`stop`, so an app pays nothing for it while coverage is off.
:func:`record` counts an answer the app did not send itself (one an HTTP
client got from another process).

The pairs an operation *declares* are read from the app's own OpenAPI
document, so the report speaks of the contract clients see: ``pytest
--resourceful-coverage`` prints the table and the pairs no test exercised
(see :mod:`resourceful.contract.pytest_plugin`).
"""

from __future__ import annotations

import weakref
from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs

from ..globals import _cv_request
from ..operation import operations_of
from ..rules import templated_path
from ..signals import request_finished

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from ..app import App
    from ..operation import Operation
    from ..wrappers import Response

__all__ = ["ResponseCoverage", "record", "start", "stop"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@attrs.frozen(order=True)
class Pair:
    """One operation of the document (``GET /todos/{todo_id}``) and one status."""

    operation: str
    status: str


@attrs.define
class ResponseCoverage:
    """The pairs the document declares and how often the tests got each answer."""

    declared: set[Pair] = attrs.field(factory=set)
    seen: Counter[Pair] = attrs.field(factory=Counter)
    #: The labels of each app's operations, once its document is read (an app's
    #: document does not change once served). Weak: a self-test makes many apps.
    _apps: weakref.WeakKeyDictionary[Any, dict[str, str]] = attrs.field(
        factory=weakref.WeakKeyDictionary
    )

    def record(self, app: App, operation: Operation, status: int) -> None:
        """Count one answer ``status`` of ``operation``."""
        labels = self._labels(app)
        key = f"{operation.method} {operation.endpoint}"
        label = labels.get(key, f"{operation.method} {templated_path(operation.rule)}")
        self.seen[Pair(label, str(status))] += 1

    def record_routed(self, app: App, rule: Rule, method: str, status: int) -> None:
        """Count one answer ``status`` to a request routed to ``rule`` with ``method``.

        A request for no operation (a plain view, an automatic ``OPTIONS``
        or ``HEAD``) is not counted: the document declares none.
        """
        if method not in operations_of(app.view_functions.get(rule.endpoint)):
            return
        self._labels(app)  # reads the pairs the app's document declares
        self.seen[Pair(f"{method} {templated_path(rule.rule)}", str(status))] += 1

    def _labels(self, app: App) -> dict[str, str]:
        known = self._apps.get(app)
        if known is not None:
            return known
        labels: dict[str, str] = {}
        for rule in app.url_map.iter_rules():
            for method in operations_of(app.view_functions.get(rule.endpoint)):
                labels.setdefault(
                    f"{method} {rule.endpoint}", f"{method} {templated_path(rule.rule)}"
                )
        for path, item in app.openapi().get("paths", {}).items():
            for method in _METHODS:
                declared = item.get(method)
                if isinstance(declared, dict):
                    for status in declared.get("responses", {}):
                        self.declared.add(Pair(f"{method.upper()} {path}", status))
        self._apps[app] = labels
        return labels

    def missing(self) -> list[Pair]:
        """Return the declared pairs no answer exercised, sorted."""
        return sorted(pair for pair in self.declared if not self._exercised(pair))

    def _exercised(self, pair: Pair) -> bool:
        if self.seen[pair]:
            return True
        # A range such as "4XX" or "default" is exercised by any status it covers.
        return any(
            seen.operation == pair.operation and _covers(pair.status, seen.status)
            for seen in self.seen
        )

    def report(self) -> str:
        """Return the coverage table and the pairs never exercised, as text."""
        pairs = sorted(self.declared | set(self.seen))
        if not pairs:
            return "No calls to operations were recorded."
        width = max(len(pair.operation) for pair in pairs)
        lines = [f"{'operation':<{width}}  status  calls"]
        for pair in pairs:
            note = "" if pair in self.declared else "  (not declared)"
            lines.append(f"{pair.operation:<{width}}  {pair.status:<6}  {self.seen[pair]:>5}{note}")
        missing = self.missing()
        covered = len(self.declared) - len(missing)
        lines.append("")
        lines.append(f"{covered} of {len(self.declared)} declared responses exercised.")
        if missing:
            lines.append("Never exercised:")
            lines += [f"  {pair.operation} -> {pair.status}" for pair in missing]
        return "\n".join(lines)


def _covers(declared: str, status: str) -> bool:
    if declared == "default":
        return True
    return len(declared) == 3 and declared[1:].upper() == "XX" and status[0] == declared[0]


_active: ResponseCoverage | None = None


def start() -> ResponseCoverage:
    """Start recording answers into a new :class:`ResponseCoverage` and return it."""
    global _active
    _active = ResponseCoverage()
    request_finished.connect(_finished, weak=False)
    return _active


def stop() -> ResponseCoverage | None:
    """Stop recording; return what was recorded (``None`` if nothing was started)."""
    global _active
    request_finished.disconnect(_finished)
    recorded, _active = _active, None
    return recorded


def _finished(sender: Any, response: Response, **extra: Any) -> None:
    """Record the response an app sends (a ``request_finished`` receiver)."""
    active = _active
    ctx = _cv_request.get(None)
    if active is None or ctx is None or ctx.request.url_rule is None:
        return  # Not routed (a 404 for no rule, a 405): no operation answered.
    active.record_routed(ctx.app, ctx.request.url_rule, ctx.request.method, response.status_code)


def record(app: App, operation: Operation, status: int) -> None:
    """Record one answer when coverage is being recorded (otherwise do nothing)."""
    if _active is not None:
        _active.record(app, operation, status)
