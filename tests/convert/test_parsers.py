"""The number grammars in text: one pattern each, accepted by binding exactly as published."""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from typing import Any

import pytest
from ecma_regex import ecma_matches_each
from hypothesis import given, settings
from hypothesis import strategies as st

from resourceful.convert import (
    DECIMAL_TEXT_PATTERN,
    INTEGER_TEXT_PATTERN,
    NUMBER_TEXT_PATTERN,
    InvalidData,
    make_converter,
)
from resourceful.convert.parsers import parse_date, parse_datetime
from resourceful.openapi.schema import SchemaGenerator

CONVERTER = make_converter()

# Characters that tell grammars apart: ASCII number syntax, spaces and
# controls, and digits of other scripts (Arabic-Indic, Devanagari,
# fullwidth, mathematical) that Python's int(), float() and Decimal() read.
_ALPHABET = (
    "0123456789+-.eE_xnaifINF"
    " \t\n\r\x00\x0b\x1c\x85\xa0\u2028\ufeff"
    "\u0661\u0662\u0663\u096a\u096b\uff10\uff11\U0001d7d8"
)
_TEXTS = st.text(alphabet=_ALPHABET, max_size=12)
# Number-shaped texts, so that the accepting side is well explored too.
_NUMBERS = st.from_regex(r"\A[+-]?[0-9]{0,4}\.?[0-9]{0,4}([eE][+-]?[0-9]{1,6})?\Z")

EDGES = [
    "",
    "0",
    "-0",
    "+7",
    "007",
    "1.",
    ".5",
    "1.5e3",
    "1E+9999",
    "1e99999",
    "1e999999999",
    " 1",
    "1 ",
    "1\n",
    "\u0661\u0662",
    "\uff11",
    "1_000",
    "--1",
    "1e",
    ".",
    "e3",
    "inf",
    "NaN",
    "Infinity",
    "0x1",
]


def _accepts(tp: type, text: str) -> bool:
    try:
        CONVERTER.text.structure(text, tp)
    except InvalidData:
        return False
    return True


def _fullmatch(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text) is not None


def test_the_document_publishes_the_decimal_pattern_binding_uses() -> None:
    schema = SchemaGenerator().schema(Decimal)
    assert schema["pattern"] == DECIMAL_TEXT_PATTERN
    assert SchemaGenerator().schema(dict[int, str])["propertyNames"]["pattern"] == (
        INTEGER_TEXT_PATTERN
    )


@pytest.mark.parametrize("text", EDGES)
def test_integer_text_is_ascii_digits_with_an_optional_sign(text: str) -> None:
    assert _accepts(int, text) is _fullmatch(INTEGER_TEXT_PATTERN, text)


@pytest.mark.parametrize("text", EDGES)
def test_decimal_text_is_exactly_its_pattern(text: str) -> None:
    assert _accepts(Decimal, text) is _fullmatch(DECIMAL_TEXT_PATTERN, text)
    # A JSON string for a decimal follows the same pattern.
    try:
        CONVERTER.structure(text, Decimal)
    except InvalidData:
        accepted = False
    else:
        accepted = True
    assert accepted is _fullmatch(DECIMAL_TEXT_PATTERN, text)


@pytest.mark.parametrize("text", EDGES)
def test_float_text_is_its_pattern_and_finite(text: str) -> None:
    expected = _fullmatch(NUMBER_TEXT_PATTERN, text) and abs(float(text)) != float("inf")
    assert _accepts(float, text) is expected


@pytest.mark.slow
@settings(max_examples=300)
@given(st.one_of(_TEXTS, _NUMBERS))
def test_binding_accepts_what_the_patterns_say(text: str) -> None:
    assert _accepts(int, text) is _fullmatch(INTEGER_TEXT_PATTERN, text)
    assert _accepts(Decimal, text) is _fullmatch(DECIMAL_TEXT_PATTERN, text)
    if _fullmatch(NUMBER_TEXT_PATTERN, text):
        assert _accepts(float, text) is (abs(float(text)) != float("inf"))
    else:
        assert not _accepts(float, text)


@pytest.mark.slow
@settings(max_examples=3)
@given(st.lists(st.one_of(_TEXTS, _NUMBERS), min_size=300, max_size=300))
def test_an_ecma_engine_matches_the_patterns_as_binding_accepts(texts: list[str]) -> None:
    texts = [*EDGES, *texts]
    integers, decimals, numbers = ecma_matches_each(
        [INTEGER_TEXT_PATTERN, DECIMAL_TEXT_PATTERN, NUMBER_TEXT_PATTERN], texts
    )
    assert integers == [_accepts(int, text) for text in texts]
    assert decimals == [_accepts(Decimal, text) for text in texts]
    for text, matched in zip(texts, numbers, strict=True):
        if not matched:
            assert not _accepts(float, text), text


def test_a_decimal_exponent_has_at_most_four_digits() -> None:
    assert CONVERTER.text.structure("1e9999", Decimal) == Decimal("1e9999")
    with pytest.raises(InvalidData) as info:
        CONVERTER.text.structure("1e10000", Decimal)
    assert str(info.value) == (
        "/: expected a decimal number with an exponent of at most 4 digits, got '1e10000'"
    )


def test_an_integer_with_more_digits_than_python_reads_is_refused_with_the_bound() -> None:
    digits = sys.get_int_max_str_digits()
    with pytest.raises(InvalidData) as info:
        CONVERTER.text.structure("9" * (digits + 1), int)
    assert str(info.value) == (
        f"/: expected an integer of at most {digits} digits, got {digits + 1} digits"
    )
    assert CONVERTER.text.structure("9" * digits, int) == int("9" * digits)


@pytest.mark.parametrize("text", ["\u0661\u0662", " 1", "1 ", "+ 1", "1\n", "\uff11"])
def test_text_integers_refuse_other_digits_and_spaces(text: str) -> None:
    with pytest.raises(InvalidData) as info:
        CONVERTER.text.structure(text, int)
    assert "expected an integer" in str(info.value)


def _fromisoformat(parse: Any, text: str) -> Any:
    try:
        return parse(text)
    except ValueError:
        return None


_ISO_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2026-12-24", "20261224", "2026-W52-4", "2026-12-24T10:30:00+01:00"]),
    st.builds(
        lambda a, b: a + b, st.sampled_from(["", "+", " ", "T", "\u0662"]), st.text("0123456789-:T")
    ),
)


@given(_ISO_TEXT)
def test_dates_and_date_times_are_what_fromisoformat_reads(text: str) -> None:
    assert parse_date(text) == _fromisoformat(dt.date.fromisoformat, text)
    if not text.endswith(("Z", "z")):
        assert parse_datetime(text) == _fromisoformat(dt.datetime.fromisoformat, text)
