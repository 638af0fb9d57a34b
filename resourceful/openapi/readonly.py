"""Read-only JSON values: the one OpenAPI document that every ``app.openapi()`` call shares.

:func:`freeze` turns a tree of JSON dicts and lists into :class:`ReadOnlyDict`
and :class:`ReadOnlyList` nodes once, so handing the document out costs
nothing. They are real ``dict`` and ``list`` subclasses: ``json.dumps``
writes them, ``==`` compares them with plain dicts and lists, and reading
code (``isinstance(x, dict)``, ``.get``, iteration) sees no difference.
Every mutator raises :class:`ReadOnlyDocumentError`, which says how to get a
copy to change: ``copy.deepcopy`` (and ``copy.copy``, and pickling) give
plain dicts and lists.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn, SupportsIndex

__all__ = ["ReadOnlyDict", "ReadOnlyDocumentError", "ReadOnlyList", "freeze"]


class ReadOnlyDocumentError(TypeError):
    """A shared, read-only OpenAPI document was about to be changed."""


def _refuse(node: object, operation: str) -> NoReturn:
    kind = "object" if isinstance(node, dict) else "array"
    raise ReadOnlyDocumentError(
        f"Cannot {operation} this {kind}: it is part of the OpenAPI document that"
        " app.openapi() returns, which is built once and shared by every caller, so it"
        " is read-only. For a copy you can change (plain dicts and lists), use"
        " copy.deepcopy(app.openapi()); to change what the app documents, change the"
        " code it describes, the OPENAPI_* settings or the schema hooks (see"
        " docs/openapi.md)."
    )


def _thaw(node: Any) -> Any:
    # PERF: the C encoder and decoder copy a JSON tree several times faster
    # than copy.deepcopy's memo walk; a frozen tree holds JSON values only.
    return json.loads(json.dumps(node, ensure_ascii=False))


class ReadOnlyDict(dict[str, Any]):
    """A JSON object of a shared document: reads like a dict, refuses every change."""

    __slots__ = ()

    def __setitem__(self, key: str, value: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, f"set {key!r} in")

    def __delitem__(self, key: str) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, f"delete {key!r} from")

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "update")

    def clear(self) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "clear")

    def pop(self, key: str, *default: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, f"pop {key!r} from")

    def popitem(self) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "pop an item from")

    def setdefault(self, key: str, default: Any = None) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, f"set {key!r} in")

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "update")

    def __copy__(self) -> dict[str, Any]:
        """Return a plain dict of the same items (their values stay read-only)."""
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        """Return a deep copy made of plain dicts and lists, free to change."""
        return _thaw(self)  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled, the document is the caller's own: plain dicts and lists.
        return dict, (dict(self),)


class ReadOnlyList(list[Any]):
    """A JSON array of a shared document: reads like a list, refuses every change."""

    __slots__ = ()

    def __setitem__(self, index: Any, value: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "set an item of")

    def __delitem__(self, index: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "delete an item of")

    def __iadd__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "extend")

    def __imul__(self, count: SupportsIndex) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "repeat")

    def append(self, value: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "append to")

    def extend(self, values: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "extend")

    def insert(self, index: SupportsIndex, value: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "insert into")

    def pop(self, index: SupportsIndex = -1) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "pop from")

    def remove(self, value: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "remove from")

    def clear(self) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "clear")

    def sort(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "sort")

    def reverse(self) -> NoReturn:
        """Refuse: the document is shared (raise ReadOnlyDocumentError)."""
        _refuse(self, "reverse")

    def __copy__(self) -> list[Any]:
        """Return a plain list of the same items (they stay read-only)."""
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        """Return a deep copy made of plain dicts and lists, free to change."""
        return _thaw(self)  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (list(self),)


def freeze(value: Any) -> Any:
    """Return ``value``, a JSON tree of dicts and lists, as read-only nodes (a new tree)."""
    if isinstance(value, dict):
        return ReadOnlyDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return ReadOnlyList([freeze(item) for item in value])
    return value
