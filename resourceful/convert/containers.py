"""Lists, sets and tuples, for the JSON and the text rules alike.

Every invalid item is reported at its own index.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

import cattrs
from cattrs.errors import StructureHandlerNotFoundError

from ..errors import DefinitionError
from .hooks import FAILED, Collector, StructureHook, collector_of, deferred
from .typeinfo import SEQUENCES, SETS
from .violations import INPUT_ERRORS, CappedList, Found, InvalidData, pairs_from

#: Item hooks that return a value of exactly this type unchanged: a list of
#: such values is checked in one pass (see ``_collect``).
EXACT_ITEMS: dict[Any, type] = {}

#: Item hooks with a cheap count of the items they refuse, used once the
#: report is full (see ``_count_rest``).
COUNT_REFUSED: dict[Any, Callable[[Sequence[Any]], int]] = {}


def element_hook(converter: cattrs.Converter, tp: Any, where: str) -> StructureHook:
    """Return the hook of ``tp``, or explain that ``where`` has a type with no rule."""
    try:
        return converter.get_structure_hook(tp)
    except StructureHandlerNotFoundError as exc:
        raise DefinitionError(
            f"Cannot structure {where}: no rule for the type {tp!r}. "
            "Use a supported type or register a hook with "
            "app.converter.register_structure_hook(...)."
        ) from exc


def _collect_items(
    items: Sequence[Any], collect: Collector, exact: type | None, tp: Any, found: list[Found]
) -> Any:
    """Collect every item into a list; :data:`FAILED` if any is invalid (each at its index)."""
    first = 0
    if exact is not None:
        # PERF: a list of plain strings (or ints, bools) is the common case:
        # check the item types in one pass, without a call per item.
        for item in items:
            if item.__class__ is not exact:
                break
            first += 1
        else:
            return list(items)
    result: list[Any] = list(items[:first])
    failed = False
    limit = found.limit if isinstance(found, CappedList) else None
    for index in range(first, len(items)):
        item = items[index]
        start = len(found)
        value = collect(item, tp, found)
        if value is FAILED:
            # PERF: prefix_found, inlined (an invalid item costs one call, its collector's).
            segment = f"/{index}"
            for at in range(start, len(found)):
                pointer, detail = found[at]
                found[at] = (segment + pointer, detail)
            failed = True
            if limit is not None and len(found) >= limit:
                _count_rest(items[index + 1 :], collect, tp, found)  # type: ignore[arg-type]
                return FAILED
        else:
            result.append(value)
    return FAILED if failed else result


def _count_rest(
    items: Sequence[Any], collect: Collector, tp: Any, found: CappedList[Found]
) -> None:
    """Count the problems of the remaining ``items`` into a full report.

    PERF: past the limit nothing is described: a hook with a cheap count
    (plain strings, integers, booleans) counts in one pass, any other
    collects into a scratch list that is thrown away.
    """
    counter = COUNT_REFUSED.get(collect)
    if counter is not None:
        found.omit(counter(items))
        return
    scratch: list[Found] = []
    for item in items:
        collect(item, tp, scratch)
        found.omit(len(scratch))
        scratch.clear()


def _collect(items: Sequence[Any], hook: StructureHook, tp: Any) -> list[Any]:
    """Structure every item; raise one error listing every bad item at its index."""
    found: list[Found] = []
    result = _collect_items(items, collector_of(hook), EXACT_ITEMS.get(hook), tp, found)
    if result is FAILED:
        raise InvalidData.of(found)
    return result  # type: ignore[no-any-return]


def sequence_factory(
    accept: Callable[[Any], Sequence[Any] | None],
    describe_value: Callable[[Any], str],
    exact_lists: MutableMapping[StructureHook, tuple[type, StructureHook]] | None = None,
) -> Callable[[Any, cattrs.Converter], StructureHook]:
    """Return the hook factory of lists and sets that accepts arrays as ``accept`` says.

    ``accept`` returns the items of a value (``None``: not an array) and
    ``describe_value`` names a refused value in the error message. A hook
    that builds a list of exact items (:data:`EXACT_ITEMS`) is recorded in
    ``exact_lists`` with the items' class: it returns a copy of a ``list``
    whose items are all of exactly that class (and the item hook).
    """

    def factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
        origin = typing.get_origin(tp) or tp
        args = typing.get_args(tp)
        item_type = args[0] if args else Any
        build = SEQUENCES.get(origin) or SETS[origin]
        hook = element_hook(converter, item_type, f"the items of {tp!r}")
        exact = EXACT_ITEMS.get(hook)

        # PERF: what the collector needs is passed, not closed over: a hook
        # keeps its arguments only until its collector is built.
        sequence_hook = deferred(
            _sequence_collector,
            "structure_sequence",
            (accept, describe_value, hook, exact, item_type, build),
        )
        if exact_lists is not None and exact is not None and build is list:
            exact_lists[sequence_hook] = (exact, hook)
        return sequence_hook

    return factory


def _sequence_collector(
    accept: Callable[[Any], Sequence[Any] | None],
    describe_value: Callable[[Any], str],
    hook: StructureHook,
    exact: type | None,
    item_type: Any,
    build: Callable[[list[Any]], Any],
) -> Collector:
    """Return the collector of a list or set of ``item_type`` (see :func:`sequence_factory`)."""
    # The items' collector is fetched (so built) when this one is.
    collect_item = collector_of(hook)

    # PERF: the values are defaults, not a closure: one tuple, not a cell
    # each, stays alive with the hook (and a default is a fast local).
    def collect_sequence(
        value: Any,
        _: Any,
        found: list[Found],
        accept: Callable[[Any], Sequence[Any] | None] = accept,
        describe_value: Callable[[Any], str] = describe_value,
        collect_item: Collector = collect_item,
        exact: type | None = exact,
        item_type: Any = item_type,
        build: Callable[[list[Any]], Any] = build,
    ) -> Any:
        items = accept(value)
        if items is None:
            found.append(("", f"expected an array, got {describe_value(value)}"))
            return FAILED
        result = _collect_items(items, collect_item, exact, item_type, found)
        if result is FAILED or build is list:
            return result
        return build(result)

    return collect_sequence


def tuple_factory(
    accept: Callable[[Any], Sequence[Any] | None], describe_value: Callable[[Any], str]
) -> Callable[[Any, cattrs.Converter], StructureHook]:
    """Return the hook factory of tuples that accepts arrays as ``accept`` says.

    ``accept`` and ``describe_value`` work as for :func:`sequence_factory`.
    """

    def factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
        args = typing.get_args(tp)
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            item_type = args[0] if args else Any
            hook = element_hook(converter, item_type, f"the items of {tp!r}")

            def structure_homogeneous(value: Any, _: Any) -> Any:
                items = accept(value)
                if items is None:
                    raise InvalidData.at_root(f"expected an array, got {describe_value(value)}")
                return tuple(_collect(items, hook, item_type))

            return structure_homogeneous

        if args == ((),):  # tuple[()]
            args = ()
        hooks = tuple(element_hook(converter, a, f"the items of {tp!r}") for a in args)
        size = len(args)

        def structure_fixed(value: Any, _: Any) -> Any:
            items = accept(value)
            if items is None:
                raise InvalidData.at_root(
                    f"expected an array of {size} items, got {describe_value(value)}"
                )
            if len(items) != size:
                raise InvalidData.at_root(
                    f"expected an array of {size} items, got {len(items)} items"
                )
            result: list[Any] = []
            found: list[Found] = []
            for index, (item, hook, item_type) in enumerate(zip(items, hooks, args, strict=True)):
                try:
                    result.append(hook(item, item_type))
                except INPUT_ERRORS as exc:  # noqa: PERF203 - every item gets its own report
                    found += pairs_from(exc, f"/{index}")
            if found:
                raise InvalidData.of(found)
            return tuple(result)

        return structure_fixed

    return factory
