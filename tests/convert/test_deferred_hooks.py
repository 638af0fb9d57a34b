"""Hooks whose collector is built when first needed, and the collectors of any hook."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import attrs
import pytest

from resourceful.convert import Converter, InvalidData
from resourceful.convert import hooks as hooks_module
from resourceful.convert.hooks import (
    FAILED,
    Collector,
    collector_of,
    deferred,
    raising,
    with_collector,
)
from resourceful.convert.violations import Found


def _counted(built: list[str]) -> Any:
    def build() -> Collector:
        built.append("built")

        def collect(value: Any, _: Any, found: list[Found]) -> Any:
            if value < 0:
                found.append(("", "must not be negative"))
                return FAILED
            return value * 2

        return collect

    return build


def test_a_deferred_hook_builds_its_collector_on_the_first_call_only() -> None:
    built: list[str] = []
    hook = deferred(_counted(built), "structure_doubled")
    assert built == []
    assert hook(2, int) == 4
    assert hook(3, int) == 6
    assert built == ["built"]
    assert hook.__name__ == "structure_doubled"


def test_collector_of_a_deferred_hook_builds_it_once_and_the_hook_then_uses_it() -> None:
    built: list[str] = []
    hook = deferred(_counted(built), "structure_doubled")
    collect = collector_of(hook)
    assert collector_of(hook) is collect
    assert built == ["built"]
    found: list[Found] = []
    assert collect(-1, int, found) is FAILED
    assert found == [("", "must not be negative")]
    with pytest.raises(InvalidData) as caught:
        hook(-1, int)
    assert [(v.pointer, v.detail) for v in caught.value.violations] == [
        ("", "must not be negative")
    ]
    assert built == ["built"]


@attrs.define
class Leaf:
    name: str


@attrs.define
class Branch:
    leaves: list[Leaf]
    top: Leaf


def test_asking_for_a_class_hook_plans_it_and_generates_nothing(
    generated_structuring: list[str],
) -> None:
    converter = Converter()
    converter.get_structure_hook(Branch)
    converter.get_structure_hook(list[Branch])
    assert generated_structuring == []


def test_the_first_structuring_generates_the_class_and_what_it_holds_once(
    generated_structuring: list[str],
) -> None:
    converter = Converter()
    value = {"leaves": [{"name": "a"}], "top": {"name": "b"}}
    assert converter.structure(value, Branch) == Branch([Leaf("a")], Leaf("b"))
    assert converter.structure(value, Branch) == Branch([Leaf("a")], Leaf("b"))
    assert sorted(generated_structuring) == ["Branch", "Leaf"]


class Opaque:
    pass


@attrs.define
class Holder:
    leaf: Leaf
    thing: Opaque


def test_a_mistake_in_a_class_is_found_when_it_is_planned_not_generated(
    generated_structuring: list[str],
) -> None:
    with pytest.raises(Exception, match=r"Cannot structure field .*Holder\.thing"):
        Converter().get_structure_hook(Holder)
    assert generated_structuring == []


def test_a_hook_built_by_another_thread_between_two_looks_is_not_adapted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str] = []
    hook = deferred(_counted(built), "structure_doubled")
    raced: list[bool] = []

    class Racing(weakref.WeakKeyDictionary[Any, Any]):
        """Another thread builds the hook just after this one's first look."""

        def get(self, key: Any, default: Any = None) -> Any:
            found = super().get(key, default)
            if key is hook and found is None and not raced:
                raced.append(True)
                collector_of(hook)
            return found

    monkeypatch.setattr(hooks_module, "_collectors", Racing())
    assert hook(2, int) == 4
    assert hook(3, int) == 6
    assert raced == [True]
    assert built == ["built"]


class _Argument:
    """Something a build takes, to see whether the hook still holds it."""


def test_a_deferred_hook_builds_from_its_arguments_and_then_keeps_only_the_collector() -> None:
    argument = _Argument()
    seen: list[_Argument] = []

    def build(given: _Argument) -> Collector:
        seen.append(given)
        return lambda value, tp, found: value + 1

    hook = deferred(build, "structure_plus_one", (argument,))
    kept_argument, kept_build = weakref.ref(argument), weakref.ref(build)
    del argument, build
    assert kept_argument() is not None  # held until the collector is built
    assert hook(1, int) == 2
    seen.clear()
    gc.collect()
    assert kept_argument() is None
    assert kept_build() is None
    assert hook(2, int) == 3


def test_a_raising_hook_is_the_collector_s_own_and_needs_no_registry() -> None:
    def collect(value: Any, _: Any, found: list[Found]) -> Any:
        if value < 0:
            found.append(("", "must not be negative"))
            return FAILED
        return value

    hook = raising(collect, "structure_positive")
    assert collector_of(hook) is collect
    assert hook not in hooks_module._collectors
    assert hook.__name__ == "structure_positive"
    with pytest.raises(InvalidData) as caught:
        hook(-1, int)
    assert [(v.pointer, v.detail) for v in caught.value.violations] == [
        ("", "must not be negative")
    ]


def test_a_collector_recorded_for_a_deferred_hook_is_used_instead_of_building() -> None:
    built: list[str] = []
    hook = deferred(_counted(built), "structure_doubled")

    def collect_tripled(value: Any, _: Any, found: list[Found]) -> Any:
        return value * 3

    with_collector(hook, collect_tripled)
    assert hook(2, int) == 6
    assert collector_of(hook) is collect_tripled
    assert built == []
