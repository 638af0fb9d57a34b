"""Compiled attrs validators: ECMA-compatible patterns, container bounds before items."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs
import pytest
from attrs import validators as v
from ecma_regex import ecma_matches, ecma_matches_each
from hypothesis import given, settings
from hypothesis import strategies as st

from resourceful.convert import CappedList, InvalidData, make_converter
from resourceful.convert.validators import compile_validator, max_items
from resourceful.errors import DefinitionError
from resourceful.openapi.schema import SchemaGenerator


def _model(validator: Any) -> type:
    return attrs.make_class("Code", {"value": attrs.field(type=str, validator=validator)})


def _published(cls: type) -> str:
    generator = SchemaGenerator()
    generator.schema(cls)
    pattern: str = generator.components["Code"]["properties"]["value"]["pattern"]
    return pattern


CONVERTER = make_converter()


def _binds(cls: type, text: str) -> bool:
    try:
        CONVERTER.structure({"value": text}, cls)
    except InvalidData:
        return False
    return True


# Word characters and digits of many scripts, and the ASCII ones.
_ALPHABET = "aZ09_-é ßK\u0661\u0662\u096a\U0001d7d8Ωя中\u00a0\t"
EDGES = [
    "",
    "123",
    "\u0661\u0662\u0663",
    "abc",
    "é",
    "a_1",
    "Ω",
    "\U0001d7d8",
    "a b",
    "中文",
    "12a",
    "ß",
]

PATTERNS = [r"\d+", r"\w+", r"[\w-]+", r"\d{2,3}\w*", r"\D+", r"\W*", r"\bab\b"]


@pytest.mark.parametrize("source", PATTERNS)
def test_an_ascii_pattern_binds_the_strings_an_ecma_engine_matches(source: str) -> None:
    cls = _model(v.matches_re(source, flags=re.ASCII))
    published = _published(cls)
    assert published == f"^(?:{source})$"
    texts = [*EDGES, "ab", "ab cd", "\u0661ab"]
    assert ecma_matches(published, texts) == [_binds(cls, text) for text in texts]


ASCII_CLASSES = [_model(v.matches_re(source, flags=re.ASCII)) for source in PATTERNS]


@pytest.mark.slow
@settings(max_examples=3)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=6), min_size=300, max_size=300))
def test_ascii_digit_and_word_patterns_agree_with_ecma_on_any_text(texts: list[str]) -> None:
    matched = ecma_matches_each([_published(cls) for cls in ASCII_CLASSES], texts)
    for cls, results in zip(ASCII_CLASSES, matched, strict=True):
        assert results == [_binds(cls, text) for text in texts]


@pytest.mark.parametrize(("source", "escape"), [(r"\d{5}", "d"), (r"[\w.]+", "w"), (r"x\b", "b")])
def test_a_unicode_digit_or_word_pattern_is_a_definition_error(source: str, escape: str) -> None:
    cls = _model(v.matches_re(source))
    with pytest.raises(DefinitionError) as info:
        make_converter().get_structure_hook(cls)
    assert str(info.value) == (
        f"Code.value: the pattern {source!r} uses \\{escape}, which Python matches against"
        " every script (\\d matches '\u0661') while the ECMA regex engines that read the"
        " OpenAPI document match ASCII only. Compile it with ASCII semantics:"
        f" matches_re({source!r}, flags=re.ASCII)."
    )


@pytest.mark.parametrize("flags", [0, re.ASCII])
def test_a_space_class_is_a_definition_error_even_with_ascii(flags: int) -> None:
    cls = _model(v.matches_re(r"a\sb", flags=flags))
    with pytest.raises(DefinitionError) as info:
        make_converter().get_structure_hook(cls)
    assert str(info.value) == (
        "Code.value: the pattern 'a\\\\sb' uses \\s, which Python and the ECMA regex engines"
        " that read the OpenAPI document match differently (ECMA's \\s also matches Unicode"
        " spaces such as U+00A0). Write the characters you mean, for example [ \\t] for a"
        " space or a tab."
    )


def test_patterns_without_class_escapes_need_no_flag() -> None:
    cls = _model(v.matches_re(r"[A-Z]{3}-[0-9]+\.\\"))
    assert _binds(cls, "ABC-12.\\")
    assert not _binds(cls, "ABC-\u0661\u0662.\\")


def test_an_escaped_backslash_is_not_a_class_escape() -> None:
    cls = _model(v.matches_re(r"[a\\]d+"))
    assert _binds(cls, "\\ddd")


# -- containers ----------------------------------------------------------------------------


def test_max_items_finds_the_bound_of_the_list_itself() -> None:
    assert max_items(v.max_len(3)) == 3
    assert max_items(v.and_(v.min_len(1), v.max_len(5), v.max_len(4))) == 4
    assert max_items(v.deep_iterable(v.max_len(9), iterable_validator=v.max_len(2))) == 2
    assert max_items(v.deep_iterable(v.max_len(9))) is None
    assert max_items(v.min_len(1)) is None


def test_a_deep_iterable_over_its_bound_checks_no_member() -> None:
    check = compile_validator(v.deep_iterable(v.min_len(1), iterable_validator=v.max_len(2)))
    found: list[tuple[str, str]] = []
    assert check(None, None, ["", "", ""], found) == 1
    assert found == [("", "must have at most 2 items, got 3")]


def test_a_deep_mapping_over_its_bound_checks_no_entry() -> None:
    check = compile_validator(v.deep_mapping(v.min_len(1), v.ge(0), mapping_validator=v.max_len(1)))
    found: list[tuple[str, str]] = []
    assert check(None, None, {"": -1, "b": -2}, found) == 1
    assert found == [("", "must have at most 1 item, got 2")]


def test_member_failures_past_the_report_room_are_counted() -> None:
    check = compile_validator(v.deep_iterable(v.min_len(1)))
    found: CappedList[tuple[str, str]] = CappedList(2)
    assert check(None, None, ["", "a", "", "", "b", ""], found) == 4
    assert found == [
        ("/0", "must have at least 1 character, got 0"),
        ("/2", "must have at least 1 character, got 0"),
    ]
    assert found.omitted == 2


def test_a_naive_datetime_bound_is_a_definition_error_naming_the_field_and_the_fix() -> None:
    with pytest.raises(DefinitionError) as info:
        compile_validator(v.and_(v.ge(dt.datetime(2020, 1, 1))), "Event.starts")
    assert str(info.value) == (
        "Event.starts: the bound datetime.datetime(2020, 1, 1, 0, 0) is a naive datetime, but"
        " binding reads date-times only with an offset (aware datetimes), and Python cannot"
        " compare the two, so every value would be refused. Give the bound a timezone, for"
        " example datetime.datetime(2020, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)."
    )


def test_an_aware_datetime_bound_checks_the_offset_date_times_binding_reads() -> None:
    @attrs.define
    class Event:
        starts: dt.datetime = attrs.field(
            validator=v.ge(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
        )

    converter = make_converter()
    assert converter.structure({"starts": "2020-01-01T05:00:00+05:00"}, Event).starts == (
        dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    )
    with pytest.raises(InvalidData) as info:
        converter.structure({"starts": "2020-01-01T05:00:00+05:01"}, Event)
    assert [violation.pointer for violation in info.value.violations] == ["/starts"]
