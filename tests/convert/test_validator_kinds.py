"""The one reading of attrs validators that binding, OpenAPI and the self-test share."""

from __future__ import annotations

import enum
from typing import Any

import attrs.validators as v

from resourceful.convert import validator_kinds as vk


class Colour(enum.Enum):
    RED = "red"


def test_leaves_flattens_and_and_marks_what_optional_wraps() -> None:
    low: Any = v.ge(1)
    high: Any = v.le(9)
    short: Any = v.max_len(3)
    validator = v.and_(low, v.optional(v.and_(high, short)))

    assert list(vk.leaves(validator)) == [(low, False), (high, True), (short, True)]


def test_leaves_reads_a_list_and_passes_the_callers_nullability_on() -> None:
    low = v.ge(1)

    assert list(vk.leaves([low], nullable=True)) == [(low, True)]
    assert list(vk.leaves(None)) == []


def test_each_kind_is_the_class_attrs_builds() -> None:
    assert isinstance(v.gt(0), vk.NUMBER)
    assert isinstance(v.min_len(1), vk.MIN_LEN)
    assert isinstance(v.max_len(1), vk.MAX_LEN)
    assert isinstance(v.matches_re("a"), vk.MATCHES_RE)
    assert isinstance(v.instance_of(str), vk.INSTANCE_OF)
    assert isinstance(v.deep_iterable(v.ge(0)), vk.DEEP_ITERABLE)
    assert isinstance(v.deep_mapping(v.ge(0), v.ge(0)), vk.DEEP_MAPPING)
    assert not isinstance(v.ge(0), vk.MIN_LEN | vk.MAX_LEN)


def test_options_of_returns_what_in_was_given_an_enum_class_kept_whole() -> None:
    colours: Any = Colour
    assert vk.options_of(v.in_(colours)) is Colour
    assert vk.options_of(v.in_([1, 2])) == [1, 2]
