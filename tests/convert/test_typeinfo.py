"""Type resolution: string forward references resolve the same way on every Python.

Python 3.10's ``typing.get_type_hints`` leaves ``'Node'`` unresolved inside
``list['Node']``; these tests build such types by hand, so they check the
resolution on every version.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal, Optional

import attrs
from models import Node

from resourceful.convert.typeinfo import (
    is_collection,
    is_optional,
    resolve_nested,
    resolve_types,
    strip_optional,
    type_name,
    union_of,
)

NAMESPACE = {"Node": Node}


def test_string_inside_a_builtin_generic_is_resolved() -> None:
    assert resolve_nested(list["Node"], NAMESPACE, {}) == list[Node]
    assert resolve_nested(dict[str, "Node"], NAMESPACE, {}) == dict[str, Node]


def test_forward_ref_inside_a_typing_generic_and_a_union_is_resolved() -> None:
    assert resolve_nested(typing.List["Node"], NAMESPACE, {}) == typing.List[Node]  # noqa: UP006
    assert resolve_nested(Optional["Node"], NAMESPACE, {}) == Optional[Node]  # noqa: UP045


def test_literal_values_are_never_evaluated() -> None:
    assert resolve_nested(Literal["Node", "other"], NAMESPACE, {}) == Literal["Node", "other"]


def test_annotated_keeps_its_metadata() -> None:
    resolved = resolve_nested(Annotated[list["Node"], "meta"], NAMESPACE, {})
    assert resolved == Annotated[list[Node], "meta"]
    assert resolved.__metadata__ == ("meta",)


@attrs.define
class Tree:
    root: Node
    forest: list[Tree] = attrs.field(factory=list)


def test_resolved_types_are_stored_on_the_class_fields() -> None:
    attrs.resolve_types(Tree)
    # What Python 3.10 leaves behind after attrs.resolve_types.
    object.__setattr__(attrs.fields(Tree).forest, "type", list["Tree"])
    resolve_types(Tree)
    assert attrs.fields(Tree).forest.type == list[Tree]
    assert attrs.fields(Tree).root.type is Node


# -- the vocabulary ------------------------------------------------------------------------


def test_union_of_builds_a_union_and_keeps_one_member_as_is() -> None:
    assert union_of((int, str)) == int | str
    assert union_of((int,)) is int


def test_optional_is_a_union_that_allows_none() -> None:
    assert is_optional(int | None)
    assert is_optional(Optional[int])  # noqa: UP045 - the typing spelling
    assert is_optional(int | str | None)
    assert not is_optional(int | str)
    assert not is_optional(int)


def test_strip_optional_removes_none_from_a_two_member_union_only() -> None:
    assert strip_optional(int | None) is int
    assert strip_optional(Optional[list[int]]) == list[int]  # noqa: UP045 - the typing spelling
    assert strip_optional(int | str | None) == int | str | None
    assert strip_optional(int) is int


def test_collections_are_sequences_sets_and_tuples() -> None:
    for tp in (list[int], typing.Sequence[int], set[str], frozenset[str], tuple[int, ...], tuple):
        assert is_collection(tp), tp
    for tp in (dict[str, int], str, bytes, int):
        assert not is_collection(tp), tp


def test_type_name_spells_types_as_written() -> None:
    assert type_name(None) == "None"
    assert type_name(int | None) == "int | None"
    assert type_name(Optional[str]) == "str | None"  # noqa: UP045 - the typing spelling
    assert type_name(list[Node]) == "list[Node]"
    assert type_name(tuple[int, ...]) == "tuple[int, ...]"
    assert type_name(Literal["a", 1]) == "Literal['a', 1]"
    assert type_name(Annotated[int, "meta"]) == "int"


@attrs.define
class Later:
    child: list[Node]
    name: str = ""


T = typing.TypeVar("T")


@attrs.define
class Boxed(typing.Generic[T]):
    value: T


def test_a_class_is_resolved_once_and_its_fields_kept(monkeypatch: typing.Any) -> None:
    from resourceful.convert import typeinfo

    calls: list[object] = []
    real = typeinfo.resolve_nested

    def counting(tp: object, *args: object) -> object:
        calls.append(tp)
        return real(tp, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(typeinfo, "resolve_nested", counting)
    first = typeinfo.attrs_fields(Later)
    resolved = len(calls)
    assert resolved >= 2  # each field, the first time
    assert typeinfo.attrs_fields(Later) is first
    resolve_types(Later)
    assert len(calls) == resolved
    assert [(attribute.name, tp) for attribute, tp in first] == [
        ("child", list[Node]),
        ("name", str),
    ]


def test_the_fields_of_a_generic_alias_are_its_own() -> None:
    from resourceful.convert.typeinfo import attrs_fields

    assert [tp for _, tp in attrs_fields(Boxed[int])] == [int]
    assert [tp for _, tp in attrs_fields(Boxed)] == [T]
    assert [tp for _, tp in attrs_fields(Boxed[str])] == [str]


def test_a_type_holds_an_attrs_class_anywhere_inside_but_not_in_a_literal() -> None:
    from resourceful.convert.typeinfo import holds_attrs_class

    Named = typing.NewType("Named", Node)  # type: ignore[valid-newtype]
    for tp in (
        Node,
        list[Node],
        dict[str, Node] | None,
        Annotated[Node, "meta"],
        Named,
        tuple[int, ...] | tuple[Node, ...],
        Boxed[int],
    ):
        assert holds_attrs_class(tp), tp
    for tp in (
        int,
        list[str],
        dict[str, int] | None,
        Literal["Node"],
        Annotated[int, Node],
        tuple[int, ...],
        None,
        T,
    ):
        assert not holds_attrs_class(tp), tp


def test_the_fields_of_a_class_are_kept_as_three_tracked_objects_whatever_their_number() -> None:
    import gc

    from resourceful.convert.typeinfo import attrs_fields

    Wide = attrs.make_class("Wide", {f"f{index}": attrs.field(type=int) for index in range(12)})
    gc.collect()
    before = len(gc.get_objects())
    fields = attrs_fields(Wide)
    gc.collect()
    # A dict, its items view and the cache's weak reference to the class
    # (a tuple of pairs was a tracked tuple per field).
    assert len(gc.get_objects()) - before <= 3
    assert [(attribute.name, tp) for attribute, tp in fields] == [
        (f"f{index}", int) for index in range(12)
    ]
    assert attrs_fields(Wide) is fields


def test_the_fields_of_a_class_with_an_unhashable_default_are_its_own_too() -> None:
    from resourceful.convert.typeinfo import attrs_fields

    @attrs.define
    class Listed:
        names: list[str] = attrs.field(default=["a"])  # a default attrs cannot hash
        count: int = 0

    fields = attrs_fields(Listed)
    assert [(attribute.name, tp) for attribute, tp in fields] == [
        ("names", list[str]),
        ("count", int),
    ]
    assert attrs_fields(Listed) is fields


def test_a_class_with_nothing_to_resolve_keeps_its_own_type_objects() -> None:
    from resourceful.convert.typeinfo import attrs_fields

    # (Made, not written: this module's annotations are strings.)
    Real = attrs.make_class(
        "Real",
        {"names": attrs.field(type=list[str]), "count": attrs.field(type=int | None, default=None)},
    )
    declared = [attribute.type for attribute in attrs.fields(Real)]
    # Not copies made by resolving, which would stay alive with the class.
    assert all(tp is kept for (_, tp), kept in zip(attrs_fields(Real), declared, strict=True))


def test_a_field_annotated_none_is_resolved_to_nonetype() -> None:
    from resourceful.convert.typeinfo import attrs_fields

    @attrs.define
    class Nothing:
        nothing: None = None

    assert [tp for _, tp in attrs_fields(Nothing)] == [type(None)]
