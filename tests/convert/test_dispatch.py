"""Dispatching a type: a class with no registered base class skips the class registry."""

from __future__ import annotations

import functools
import gc
from typing import Any, Protocol

import attrs
import pytest

from resourceful.convert import Converter


@attrs.define
class Plain:
    name: str


class Base:
    pass


@attrs.define
class Derived(Base):
    extra: int = 0


@pytest.fixture
def class_lookups(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The classes functools.singledispatch works out an implementation for."""
    looked_up: list[Any] = []
    real = functools._find_impl  # type: ignore[attr-defined]

    def counting(cls: Any, registry: Any) -> Any:
        looked_up.append(cls)
        return real(cls, registry)

    monkeypatch.setattr(functools, "_find_impl", counting)
    return looked_up


def test_a_class_unrelated_to_the_registered_ones_is_not_looked_up(
    class_lookups: list[Any],
) -> None:
    converter = Converter()
    assert converter.structure({"name": "a"}, Plain) == Plain("a")
    assert Plain not in class_lookups


def test_a_hook_registered_for_a_base_class_still_serves_its_subclasses(
    class_lookups: list[Any],
) -> None:
    converter = Converter()
    converter.register_structure_hook(Base, lambda value, cls: cls(extra=len(value)))
    assert converter.structure("abc", Derived) == Derived(extra=3)
    assert Derived in class_lookups


def test_a_registered_class_itself_is_served_by_its_hook() -> None:
    converter = Converter()
    converter.register_structure_hook(Plain, lambda value, cls: cls(str(value)))
    assert converter.structure(7, Plain) == Plain("7")


class Named(Protocol):
    name: str


def test_a_hook_for_a_protocol_leaves_other_classes_to_their_own_hooks() -> None:
    converter = Converter()
    converter.register_structure_hook(Named, lambda value, cls: value)
    assert converter.structure({"name": "a"}, Plain) == Plain("a")


def test_a_hook_registered_for_object_serves_every_class() -> None:
    converter = Converter()
    converter.register_structure_hook(object, lambda value, cls: "every")
    assert converter.structure({"name": "a"}, Plain) == "every"  # type: ignore[comparison-overlap]


def test_a_list_of_an_unrelated_class_is_not_looked_up(class_lookups: list[Any]) -> None:
    converter = Converter()
    assert converter.structure([{"name": "a"}], list[Plain]) == [Plain("a")]
    assert converter.unstructure([Plain("a")], list[Plain]) == [{"name": "a"}]
    assert class_lookups == []


def test_an_unstructure_hook_registered_for_a_base_class_serves_its_subclasses() -> None:
    converter = Converter()
    converter.register_unstructure_hook(Base, lambda value: "based")
    assert converter.unstructure(Derived()) == "based"
    assert converter.unstructure(Plain("a")) == {"name": "a"}


def test_a_hook_registered_after_a_class_was_dispatched_replaces_the_cached_one() -> None:
    converter = Converter()
    assert converter.structure({"name": "a"}, Plain) == Plain("a")
    assert converter.unstructure(Plain("a")) == {"name": "a"}
    converter.register_structure_hook(Plain, lambda value, cls: cls("hooked"))
    converter.register_unstructure_hook(Plain, lambda value: "written")
    assert converter.structure({"name": "a"}, Plain) == Plain("hooked")
    assert converter.unstructure(Plain("a")) == "written"


def test_the_dispatch_caches_a_hook_by_the_type_itself_without_a_key_object() -> None:
    converter = Converter()
    hook = converter.get_structure_hook(Plain)
    assert converter.get_structure_hook(Plain) is hook
    # (functools.lru_cache keys it by its arguments, a tuple holding the class.)
    cache_keys = [key for key in gc.get_referents(*gc.get_referrers(hook)) if key == (Plain,)]
    assert cache_keys == []
