"""Type resolution: string forward references resolve the same way on every Python.

Python 3.10's ``typing.get_type_hints`` leaves ``'Node'`` unresolved inside
``list['Node']``; these tests build such types by hand, so they check the
resolution on every version.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal, Optional

import attrs

from resourceful.convert.typeinfo import resolve_nested, resolve_types


@attrs.define
class Node:
    name: str
    children: list[Node] = attrs.field(factory=list)


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
