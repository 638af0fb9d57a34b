"""Structure hooks and their collectors: checking without raising at every level.

A collector appends problems to a list and returns :data:`FAILED` instead of
raising; :func:`raising` turns one into a hook and :func:`collector_of` finds
(or adapts) the collector of any hook, including hooks registered by users.
"""

from __future__ import annotations

import types
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
# exceptions caught (see collector_of). The hooks raising and deferred make
# hold their collector themselves; this records those of other hooks.
_collectors: weakref.WeakKeyDictionary[Any, Collector] = weakref.WeakKeyDictionary()


def with_collector(hook: StructureHook, collect: Collector) -> StructureHook:
    """Record ``collect`` as the collector of ``hook`` and return ``hook``."""
    _collectors[hook] = collect
    return hook


def raising(collect: Collector, name: str) -> StructureHook:
    """Return the hook (raising :class:`InvalidData`) of a collector."""
    return _hook_named(name, (collect, None, None, ()))


def _raise_found(
    value: Any,
    tp: Any,
    collect: Collector | None = None,
    this: Any = None,
    build: Callable[..., Collector] | None = None,
    args: tuple[Any, ...] = (),
) -> Any:
    """Structure ``value`` with ``collect``; raise :class:`InvalidData` with what it found.

    The code of every hook :func:`raising` and :func:`deferred` make: each
    is this function's code with its own defaults (see :func:`_hook_named`).
    """
    if collect is None:
        collect = _built(this)
    found: list[Found] = []
    result = collect(value, tp, found)
    if result is FAILED:
        raise InvalidData.of(found)
    return result


_HOOK_CODE = _raise_found.__code__


def _hook_named(name: str, defaults: tuple[Any, ...]) -> StructureHook:
    """Return a hook running :func:`_raise_found` with ``defaults`` (collector, hook, build, args).

    PERF: the state of the hook is its defaults, not a closure: a hook is a
    function and a tuple for the collector (a closure was a function, a
    tuple, two cells and an entry in a registry), which stay alive with
    every class registered, and the collector is read as fast (a local).
    """
    hook = types.FunctionType(_HOOK_CODE, _raise_found.__globals__, name, defaults)
    hook.__qualname__ = name
    return hook


def deferred(
    build: Callable[..., Collector], name: str, args: tuple[Any, ...] = ()
) -> StructureHook:
    """Return the hook (raising :class:`InvalidData`) of the collector ``build(*args)`` makes.

    PERF: ``build`` runs when the collector is first needed: the first call
    of the hook, or :func:`collector_of` (which the hooks of containers and
    classes holding this one call when they are built, and binding calls at
    registration). A hook only response validation uses, such as the
    structuring of a return type, costs nothing until a response is
    validated. Definition mistakes are for the factory to find before it
    calls this: ``build`` only generates code. Once built, the hook keeps
    the collector only (not ``build`` nor ``args``): pass what ``build``
    needs in ``args`` rather than in a closure, which would stay alive.
    """
    hook = _hook_named(name, (None, None, build, args))
    hook.__defaults__ = (None, hook, build, args)
    return hook


def _built(hook: Any) -> Collector:
    """Return the collector of the hook made by :func:`deferred`, built once."""
    recorded = _collectors.get(hook)  # one recorded with with_collector wins
    if recorded is not None:
        hook.__defaults__ = (recorded, None, None, ())
        return recorded
    collect, _, build, args = hook.__defaults__
    # NOTE: two threads may both build it; either collector is right. A
    # collector already there was built by another thread since the first look.
    if collect is None:
        collect = build(*args)
        hook.__defaults__ = (collect, None, None, ())
    return collect  # type: ignore[no-any-return]


def collector_of(hook: StructureHook) -> Collector:
    """Return the collector of ``hook`` (an adapter for hooks that only raise).

    The collector of a :func:`deferred` hook is built here, once.
    """
    if type(hook) is types.FunctionType and hook.__code__ is _HOOK_CODE:
        collect = hook.__defaults__[0]  # type: ignore[index]
        return collect if collect is not None else _built(hook)
    if isinstance(hook, LazyHook):
        return hook.collect
    try:
        collect = _collectors.get(hook)
    except TypeError:  # not weak-referenceable: a user's callable object
        return _adapted(hook)
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
