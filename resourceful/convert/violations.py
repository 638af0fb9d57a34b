"""What structuring reports: violations with RFC 6901 pointers, and :class:`InvalidData`.

Hooks pass problems around as cheap ``(pointer, detail)`` pairs
(:data:`Found`); :class:`InvalidData` carries them and turns them into
:class:`Violation` records when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import BaseValidationError


@attrs.frozen
class Violation:
    """One problem found while structuring: where it is and what is wrong.

    ``pointer`` is an RFC 6901 JSON pointer relative to the structured value
    (``""`` is the value itself), using wire names.
    """

    pointer: str
    detail: str


def escape_pointer(segment: str) -> str:
    """Escape one RFC 6901 reference token (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return segment.replace("~", "~0").replace("/", "~1")


#: One problem as the hooks pass it around: ``(pointer, detail)``.
Found = tuple[str, str]


class InvalidData(ValueError):
    """Input that cannot be structured into the requested type.

    :attr:`violations` lists every problem found, each with its own pointer.
    """

    # PERF: hooks collect cheap ``(pointer, detail)`` pairs (``pairs``) while
    # an error travels up through nested containers; Violation records are
    # built only when someone asks for ``violations``.
    pairs: list[Found]

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__()
        self.pairs = [(v.pointer, v.detail) for v in violations]

    @classmethod
    def of(cls, pairs: list[Found]) -> InvalidData:
        """Return an error made of ``(pointer, detail)`` pairs."""
        exc = cls.__new__(cls)
        exc.pairs = pairs
        return exc

    @classmethod
    def at_root(cls, detail: str) -> InvalidData:
        """Return an error about the whole value."""
        exc = cls.__new__(cls)
        exc.pairs = [("", detail)]
        return exc

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Every problem found, in order."""
        return tuple(Violation(pointer, detail) for pointer, detail in self.pairs)

    def __str__(self) -> str:
        return "; ".join(f"{pointer or '/'}: {detail}" for pointer, detail in self.pairs)

    def __repr__(self) -> str:
        return f"InvalidData({self.violations!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.violations,))


def violations_from(exc: Exception) -> list[Violation]:
    """Turn an exception from a (possibly user-written) hook into violations."""
    return [Violation(pointer, detail) for pointer, detail in pairs_from(exc)]


def pairs_from(exc: Exception, prefix: str = "") -> list[Found]:
    """Return an exception's problems as ``(pointer, detail)`` pairs under ``prefix``."""
    if isinstance(exc, InvalidData):
        if not prefix:
            return exc.pairs
        return [(prefix + pointer, detail) for pointer, detail in exc.pairs]
    if isinstance(exc, BaseValidationError):
        return [(prefix, message) for message in cattrs.transform_error(exc)]
    return [(prefix, str(exc) or type(exc).__name__)]


_T = TypeVar("_T")


class CappedList(list[_T]):
    """A report of problems that keeps its first ``limit`` items and counts the others.

    Problems are collected into one so that a request with a hundred thousand
    bad values costs a hundred reports, not a hundred thousand: the checks
    still run (so the count is exact), but what they find past the limit is
    only counted (:attr:`omitted`). Where one value can hold many problems
    (the items of an array, the members of an object, unknown keys), the
    collectors ask :attr:`room` after each member and only count the rest
    once it is 0; the owner of the report calls :meth:`trim` when collecting
    is done, which drops (and counts) whatever went past the limit.

    PERF: appending is ``list.append`` itself: every collector appends at C
    speed, and the limit costs a check per member of a container, not a
    Python call per problem. Code that collects into one tells failure by
    what its collectors return, never by comparing lengths.
    """

    __slots__ = ("limit", "omitted")

    def __init__(self, limit: int) -> None:
        # NOTE: no list.__init__: a new list is already empty.
        #: How many items are kept.
        self.limit = limit
        #: How many items were left out (counted by :meth:`omit` and :meth:`trim`).
        self.omitted = 0

    def omit(self, count: int) -> None:
        """Count ``count`` more items without building them."""
        self.omitted += count

    def trim(self) -> None:
        """Drop the items past the limit, counting them in :attr:`omitted`."""
        over = len(self) - self.limit
        if over > 0:
            del self[self.limit :]
            self.omitted += over

    @property
    def room(self) -> int:
        """How many more items are kept."""
        return max(self.limit - len(self), 0)


def room_in(found: list[Any]) -> int | None:
    """Return how many more problems ``found`` keeps (``None``: no limit)."""
    return found.room if isinstance(found, CappedList) else None


#: What a hook may raise for bad input; anything else is a bug and propagates.
#: (Also used by the binder around top-level hooks.)
INPUT_ERRORS = (ValueError, TypeError, BaseValidationError)
