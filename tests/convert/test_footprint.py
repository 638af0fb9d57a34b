"""What hooking a class leaves alive: few objects the garbage collector tracks.

A full collection walks every tracked object in the process, and one runs
every so many net allocations, so what each registered class leaves tracked
makes registering many classes grow faster than linearly.
"""

from __future__ import annotations

import gc
from typing import Any

import attrs

from resourceful.convert import Converter, collector_of


def _classes() -> tuple[Any, Any]:
    @attrs.define
    class Body:
        title: str
        done: bool = False

    @attrs.define
    class Item:
        id: int
        title: str
        done: bool

    return Body, Item


def _hook(converter: Converter, body: Any, item: Any) -> None:
    """Ask for what registering a resource taking ``body`` and returning ``item`` asks for."""
    collector_of(converter.get_structure_hook(body))  # a request body: generated now
    converter.get_structure_hook(item)  # response validation: planned only
    converter.get_structure_hook(list[item])
    converter.get_unstructure_hook(item)
    converter.get_unstructure_hook(list[item])


def test_hooking_a_pair_of_classes_leaves_at_most_thirty_tracked_objects() -> None:
    converter = Converter()
    _hook(converter, *_classes())  # the converter's own hooks, made once
    pairs = [_classes() for _ in range(20)]
    gc.collect()
    before = len(gc.get_objects())
    for body, item in pairs:
        _hook(converter, body, item)
    gc.collect()
    # Per pair: the five hooks (the two generated functions with their
    # names), the list types, the fields of the two classes, the cached hooks.
    # (Hooks kept as closures, field plans and lru_cache keys left 74.)
    assert (len(gc.get_objects()) - before) / len(pairs) <= 30  # 26 on CPython 3.11
