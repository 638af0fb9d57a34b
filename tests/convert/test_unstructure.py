"""Unstructuring attrs classes: the functions written for plain leaf classes match cattrs'."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any, Literal

import attrs
import pytest
from cattrs.gen import make_dict_unstructure_fn, override
from hypothesis import given, settings
from hypothesis import strategies as st

from resourceful import field
from resourceful.convert import Converter
from resourceful.convert import converter as converter_module
from resourceful.convert.converter import unstructured_members

NIL = uuid.UUID(int=0)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.define
class Leaf:
    id: int
    title: str = field(default="", name="Title")
    price: Decimal = Decimal("0")
    when: dt.datetime | None = None
    day: dt.date = dt.date(2026, 1, 1)
    key: uuid.UUID = NIL
    tags: list[str] = attrs.Factory(list)
    counts: dict[str, int] = attrs.Factory(dict)
    colour: Colour = Colour.RED
    mode: Literal["a", "b"] = "a"
    pair: tuple[int, ...] = ()
    secret: str = field(default="", write_only=True)
    hidden: int = attrs.field(default=0, init=False)


@attrs.define
class Holder:
    leaf: Leaf


leaves = st.builds(
    Leaf,
    id=st.integers(),
    title=st.text(max_size=5),
    price=st.decimals(allow_nan=False, allow_infinity=False, places=2),
    when=st.none() | st.datetimes(timezones=st.just(dt.timezone.utc)),
    day=st.dates(),
    key=st.uuids(),
    tags=st.lists(st.text(max_size=3), max_size=3),
    counts=st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    colour=st.sampled_from(Colour),
    mode=st.sampled_from(["a", "b"]),
    pair=st.lists(st.integers(), max_size=3).map(tuple),
    secret=st.text(max_size=3),
)


@pytest.mark.parametrize("role", ["app", "responses"])
@settings(max_examples=60)
@given(leaf=leaves)
def test_a_leaf_class_is_written_as_cattrs_writes_it(role: str, leaf: Leaf) -> None:
    base = Converter()
    converter = base if role == "app" else base.for_responses()
    written = converter.get_unstructure_hook(Leaf)
    assert written.__code__.co_filename.startswith("<resourceful generated unstructure_Leaf")
    overrides: dict[str, Any] = {"title": override(rename="Title")}
    if role == "responses":
        overrides["secret"] = override(omit=True)
    reference = make_dict_unstructure_fn(Leaf, converter, **overrides)
    result = written(leaf)
    assert result == reference(leaf)
    assert list(result) == list(reference(leaf))
    assert ("secret" in result) is (role == "app")


def test_a_leaf_class_keeps_its_members_for_the_renderer() -> None:
    hook = Converter().get_unstructure_hook(Leaf)
    members = unstructured_members(hook)
    assert members is not None
    assert [key for _, key, _, _ in members][:3] == ["id", "Title", "price"]


def test_a_class_holding_a_class_keeps_its_members_too() -> None:
    converter = Converter()
    members = unstructured_members(converter.get_unstructure_hook(Holder))
    assert members is not None
    assert [(name, key, declared) for name, key, declared, _ in members] == [("leaf", "leaf", Leaf)]
    ((*_, write_leaf),) = members
    assert write_leaf(Leaf(1)) == converter.unstructure(Leaf(1))


def test_a_hook_not_made_by_the_converter_has_no_members_known() -> None:
    def unstructure(instance: Any) -> Any:
        return {}

    assert unstructured_members(unstructure) is None
    assert unstructured_members(print) is None


def test_a_class_holding_a_class_is_written_by_cattrs(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Any] = []
    real = converter_module._generate_unstructure_fn

    def counting(cls: Any, members: Any) -> Any:
        written.append(cls)
        return real(cls, members)

    monkeypatch.setattr(converter_module, "_generate_unstructure_fn", counting)
    converter = Converter()
    assert converter.unstructure(Holder(Leaf(1, "a")))["leaf"]["Title"] == "a"
    assert set(written) == {Leaf}  # Holder is written by cattrs
