"""Structure hooks and their collectors: checking without raising at every level.

A collector appends problems to a list and returns :data:`FAILED` instead of
raising; :func:`raising` turns one into a hook and :func:`collector_of` finds
(or adapts) the collector of any hook, including hooks registered by users.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import cattrs

from .violations import INPUT_ERRORS, Found, InvalidData, pairs_from

#: ``hook(value, type)``: the structured value; raises for invalid input.
StructureHook = Callable[[Any, Any], Any]

#: What a collector returns for a value it could not structure.
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "FAILED"})()

#: ``collect(value, type, found)``: the structured value, or :data:`FAILED`
#: after appending the problems to ``found`` as ``(pointer, detail)`` pairs
#: relative to ``value``.
Collector = Callable[[Any, Any, list[Found]], Any]

# PERF: raising and catching an exception at every level of a nested value
# costs more than the checks themselves. resourceful's own hooks have a
# collector that appends problems to a list instead; containers call their
# members' collectors and prefix the pointers of new problems only when
# something failed. Hooks registered by users are called and their
# exceptions caught (see collector_of).
_collectors: weakref.WeakKeyDictionary[Any, Collector] = weakref.WeakKeyDictionary()


def with_collector(hook: StructureHook, collect: Collector) -> StructureHook:
    """Record ``collect`` as the collector of ``hook`` and return ``hook``."""
    _collectors[hook] = collect
    return hook


def raising(collect: Collector, name: str) -> StructureHook:
    """Return the hook (raising :class:`InvalidData`) of a collector."""
    return with_collector(_hook_of(collect, name), collect)


def _hook_of(collect: Collector | None, name: str) -> StructureHook:
    """Return a hook that raises what ``collect`` finds (``None``: ask :func:`collector_of`)."""

    def hook(value: Any, tp: Any) -> Any:
        nonlocal collect
        if collect is None:
            collect = collector_of(hook)
        found: list[Found] = []
        result = collect(value, tp, found)
        if result is FAILED:
            raise InvalidData.of(found)
        return result

    hook.__name__ = hook.__qualname__ = name
    return hook


#: The hooks made by :func:`deferred` whose collector is not built yet, with what builds it.
_builders: weakref.WeakKeyDictionary[Any, Callable[[], Collector]] = weakref.WeakKeyDictionary()


def deferred(build: Callable[[], Collector], name: str) -> StructureHook:
    """Return the hook (raising :class:`InvalidData`) of the collector ``build`` makes.

    PERF: ``build`` runs when the collector is first needed: the first call
    of the hook, or :func:`collector_of` (which the hooks of containers and
    classes holding this one call when they are built, and binding calls at
    registration). A hook only response validation uses, such as the
    structuring of a return type, costs nothing until a response is
    validated. Definition mistakes are for the factory to find before it
    calls this: ``build`` only generates code.
    """
    hook = _hook_of(None, name)
    _builders[hook] = build
    return hook


def collector_of(hook: StructureHook) -> Collector:
    """Return the collector of ``hook`` (an adapter for hooks that only raise).

    The collector of a :func:`deferred` hook is built here, once.
    """
    if isinstance(hook, LazyHook):
        return hook.collect
    try:
        collect = _collectors.get(hook)
    except TypeError:  # not weak-referenceable: a user's callable object
        return _adapted(hook)
    if collect is not None:
        return collect
    build = _builders.get(hook)
    if build is not None:
        # NOTE: two threads may both build it; either collector is right.
        collect = _collectors[hook] = build()
        _builders.pop(hook, None)
        return collect
    # Another thread may have built it since the first look (it records the
    # collector before it drops the builder): never adapt a deferred hook.
    collect = _collectors.get(hook)
    if collect is not None:
        return collect
    return _adapted(hook)


def _adapted(hook: StructureHook) -> Collector:
    """Return a collector that calls ``hook`` and reports what it raises."""

    def collect_raised(value: Any, tp: Any, found: list[Found]) -> Any:
        try:
            return hook(value, tp)
        except INPUT_ERRORS as exc:
            found += pairs_from(exc)
            return FAILED

    return collect_raised


def prefix_found(found: list[Found], start: int, segment: str) -> None:
    """Prepend ``segment`` to the pointers of the problems from ``start`` on."""
    for index in range(start, len(found)):
        pointer, detail = found[index]
        found[index] = (segment + pointer, detail)


class LazyHook:
    """Stands in for the hook of a class whose hook is still being built.

    Only recursive classes need it: the field ``children: list[Node]`` of
    ``Node`` asks for ``Node``'s hook while that hook is being generated.
    """

    def __init__(self, converter: cattrs.Converter, tp: Any) -> None:
        self._converter = converter
        self._type = tp
        self._hook: StructureHook | None = None
        self._collect: Collector | None = None

    def __call__(self, value: Any, tp: Any) -> Any:
        """Structure like the real hook."""
        hook = self._hook
        if hook is None:
            hook = self._hook = self._converter.get_structure_hook(self._type)
        return hook(value, tp)

    def collect(self, value: Any, tp: Any, found: list[Found]) -> Any:
        """Collect like the real hook's collector."""
        collect = self._collect
        if collect is None:
            hook = self._converter.get_structure_hook(self._type)
            collect = self._collect = collector_of(hook)
        return collect(value, tp, found)
