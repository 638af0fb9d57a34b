"""The grammars of numbers, dates and times: each accepted by binding exactly as published."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from ecma_regex import ecma_matches_each
from hypothesis import example, given, settings
from hypothesis import strategies as st

from resourceful.convert import (
    DECIMAL_TEXT_PATTERN,
    INTEGER_TEXT_PATTERN,
    NUMBER_TEXT_PATTERN,
    InvalidData,
    make_converter,
)
from resourceful.convert.parsers import TIME_PATTERN, parse_datetime
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


# -- dates and times: RFC 3339, held to jsonschema's format checker ------------------

_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def test_the_reference_validator_checks_dates_and_times() -> None:
    # Without rfc3339-validator, jsonschema would pass every date-time and time unchecked.
    assert {"date", "date-time", "time"} <= set(_FORMATS.checkers)


def _schema_accepts(tp: type, text: str) -> bool:
    """Return whether a real validator, asserting formats, accepts ``text`` by ``tp``'s schema."""
    schema = SchemaGenerator().schema(tp)
    return jsonschema.Draft202012Validator(schema, format_checker=_FORMATS).is_valid(text)


def _is_full_time(text: str) -> bool:
    return _FORMATS.conforms(text, "time")


def _rfc3339_time(text: str) -> bool:
    """Return whether ``text`` is a partial-time with an optional offset, by jsonschema's ``time``.

    ``text + "Z"`` is a full-time exactly when ``text`` is a partial-time.
    """
    return _is_full_time(text) or _is_full_time(text + "Z")


def _reads(structure: Any, text: str, tp: type) -> bool:
    try:
        structure(text, tp)
    except InvalidData:
        return False
    return True


def _binding_accepts(tp: type, text: str) -> bool:
    """Return whether binding reads ``text`` as a ``tp``, as a JSON string and as query text."""
    accepted = _reads(CONVERTER.structure, text, tp)
    assert accepted is _reads(CONVERTER.text.structure, text, tp), f"the rules disagree: {text!r}"
    return accepted


_DATE_TEXT = st.from_regex(
    r"\A[0-9]{4}-(0[0-9]|1[0-3])-([0-3][0-9])\Z"  # months 00-13 and days 00-39, to refuse some
)
_TIME_TEXT = st.from_regex(r"\A([01][0-9]|2[0-4]):[0-6][0-9](:[0-6][0-9])?(\.[0-9]{0,8})?\Z")
_OFFSET_TEXT = st.sampled_from(
    ["", "Z", "z", "+00:00", "-00:00", "+05:30", "-23:59", "+24:00", "+05:60", "+0530", "+05"]
)
_SEPARATOR = st.sampled_from(["T", "t", " ", "_", ""])
# Arbitrary short texts over the characters these grammars use, so that
# both sides are explored: near-misses as well as values.
_NOISE = st.text(alphabet="0123456789-:.+TtZzW ", max_size=30)
_DATETIME_TEXT = st.one_of(
    st.builds(
        lambda d, sep, t, o: d + sep + t + o, _DATE_TEXT, _SEPARATOR, _TIME_TEXT, _OFFSET_TEXT
    ),
    _NOISE,
)
_PLAIN_TIME_TEXT = st.one_of(st.builds(lambda t, o: t + o, _TIME_TEXT, _OFFSET_TEXT), _NOISE)

#: Forms that ISO 8601 or Python's fromisoformat read, and RFC 3339 does not.
WIDER_THAN_RFC_3339 = [
    "20261224",
    "2026-W52-4",
    "2026-W52",
    "2026-359",
    "2026-12-24 10:00:00Z",
    "2026-12-24T10:00Z",
    "2026-12-24T10Z",
    "2026-12-24T10:00:00",
    "2026-12-24T10.5Z",
    "2026-12-24T10:30.5Z",
    "20261224T100000Z",
    "2026-12-24T10:00:00+0530",
    "2026-12-24T10:00:00+05",
    "2026-12-24T10:00:00.Z",
    "2026-12-24T24:00:00Z",
    " 2026-12-24T10:00:00Z",
    "2026-12-24T10:00:00Z ",
    "\u0662026-12-24T10:00:00Z",
]
VALID_DATE_TIMES = [
    ("2026-12-24T10:00:00Z", dt.datetime(2026, 12, 24, 10, tzinfo=dt.timezone.utc)),
    ("2026-12-24t10:00:00z", dt.datetime(2026, 12, 24, 10, tzinfo=dt.timezone.utc)),
    ("2026-12-24T10:00:00-00:00", dt.datetime(2026, 12, 24, 10, tzinfo=dt.timezone.utc)),
    (
        "2026-12-24T10:00:00.5+05:30",
        dt.datetime(2026, 12, 24, 10, 0, 0, 500000, dt.timezone(dt.timedelta(hours=5, minutes=30))),
    ),
    (
        "2026-12-24T10:00:00.123456789-08:00",
        dt.datetime(2026, 12, 24, 10, 0, 0, 123456, dt.timezone(dt.timedelta(hours=-8))),
    ),
]


@pytest.mark.parametrize(("text", "value"), VALID_DATE_TIMES)
def test_rfc_3339_date_times_are_read_with_their_offset(text: str, value: dt.datetime) -> None:
    assert parse_datetime(text) == value
    assert parse_datetime(text).utcoffset() == value.utcoffset()  # type: ignore[union-attr]
    assert CONVERTER.structure(text, dt.datetime) == value
    assert CONVERTER.text.structure(text, dt.datetime) == value


@pytest.mark.parametrize("text", WIDER_THAN_RFC_3339)
def test_date_times_wider_than_rfc_3339_are_refused_by_binding_and_by_the_schema(text: str) -> None:
    assert parse_datetime(text) is None
    assert not _binding_accepts(dt.datetime, text)
    assert not _schema_accepts(dt.datetime, text)


def test_a_date_time_with_a_final_newline_is_refused() -> None:
    # NOTE: jsonschema's date-time check (rfc3339-validator's "$") lets it through.
    assert not _binding_accepts(dt.datetime, "2026-12-24T10:00:00Z\n")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10:00:00", dt.time(10)),
        ("23:59:59.999999", dt.time(23, 59, 59, 999999)),
        ("10:00:00Z", dt.time(10, tzinfo=dt.timezone.utc)),
        ("10:00:00z", dt.time(10, tzinfo=dt.timezone.utc)),
        ("10:00:00.25+05:30", dt.time(10, 0, 0, 250000, dt.timezone(dt.timedelta(minutes=330)))),
    ],
)
def test_times_are_partial_times_with_an_optional_offset(text: str, value: dt.time) -> None:
    assert CONVERTER.structure(text, dt.time) == value
    assert CONVERTER.structure(text, dt.time).tzinfo == value.tzinfo
    assert _schema_accepts(dt.time, text)


@pytest.mark.parametrize("text", ["10:00", "10", "1000", "100000", "10.5", "10:00.5", "24:00:00"])
def test_times_wider_than_rfc_3339_are_refused_by_binding_and_by_the_schema(text: str) -> None:
    assert not _binding_accepts(dt.time, text)
    assert not _schema_accepts(dt.time, text)


@pytest.mark.parametrize("text", ["20261224", "2026-W52-4", "2026-359", "2026-1-2", "2026-02-29"])
def test_dates_other_than_full_dates_are_refused_by_binding_and_by_the_schema(text: str) -> None:
    assert not _binding_accepts(dt.date, text)
    assert not _schema_accepts(dt.date, text)


@pytest.mark.parametrize(
    ("tp", "text"),
    [
        (dt.datetime, "2026-12-31T23:59:60Z"),
        (dt.time, "23:59:60"),
        (dt.datetime, "0000-01-01T00:00:00Z"),
        (dt.date, "0000-01-01"),
    ],
)
def test_leap_seconds_and_the_year_zero_are_refused_as_python_cannot_hold_them(
    tp: type, text: str
) -> None:
    # RFC 3339 allows both; jsonschema's format checker refuses them too.
    assert not _binding_accepts(tp, text)
    assert not _schema_accepts(tp, text)


def test_the_document_publishes_the_time_pattern_binding_uses() -> None:
    assert SchemaGenerator().schema(dt.time) == {"type": "string", "pattern": TIME_PATTERN}
    assert SchemaGenerator().schema(dict[dt.time, int])["propertyNames"] == {
        "type": "string",
        "pattern": TIME_PATTERN,
    }


@settings(max_examples=200)
@given(_DATE_TEXT | _NOISE)
def test_binding_accepts_the_dates_jsonschema_accepts(text: str) -> None:
    assert _binding_accepts(dt.date, text) is _schema_accepts(dt.date, text)


@settings(max_examples=200)
@given(_DATETIME_TEXT)
def test_binding_accepts_the_date_times_jsonschema_accepts(text: str) -> None:
    assert _binding_accepts(dt.datetime, text) is _schema_accepts(dt.datetime, text)


@settings(max_examples=200)
@given(_PLAIN_TIME_TEXT)
def test_binding_accepts_the_times_rfc_3339_and_the_pattern_allow(text: str) -> None:
    accepted = _binding_accepts(dt.time, text)
    assert accepted is _rfc3339_time(text)
    assert accepted is _schema_accepts(dt.time, text)


@pytest.mark.slow
@settings(max_examples=3)
@given(st.lists(_PLAIN_TIME_TEXT, min_size=200, max_size=200))
def test_an_ecma_engine_matches_the_time_pattern_as_binding_accepts(texts: list[str]) -> None:
    (matched,) = ecma_matches_each([TIME_PATTERN], texts)
    assert matched == [_binding_accepts(dt.time, text) for text in texts]


# -- UUIDs: RFC 9562's string form, as format: uuid ----------------------------------

UUID_TEXT = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"


@pytest.mark.parametrize(
    "text", [UUID_TEXT, UUID_TEXT.upper(), "F81D4FAE-7dec-11D0-a765-00A0c91e6bf6"]
)
def test_uuids_in_their_string_form_are_read_in_either_case(text: str) -> None:
    assert CONVERTER.structure(text, uuid.UUID) == uuid.UUID(UUID_TEXT)
    assert CONVERTER.text.structure(text, uuid.UUID) == uuid.UUID(UUID_TEXT)
    assert _schema_accepts(uuid.UUID, text)


#: Forms Python's ``uuid.UUID`` reads, which the string form does not allow.
WIDER_THAN_THE_STRING_FORM = [
    UUID_TEXT.replace("-", ""),
    "{" + UUID_TEXT + "}",
    "urn:uuid:" + UUID_TEXT,
    " " + UUID_TEXT,
    UUID_TEXT + " ",
    UUID_TEXT + "\n",
    "f81d4fae7dec-11d0-a765-00a0-c91e6bf6",
]


@pytest.mark.parametrize("text", WIDER_THAN_THE_STRING_FORM)
def test_uuids_wider_than_the_string_form_are_refused_by_binding_and_by_the_schema(
    text: str,
) -> None:
    assert not _binding_accepts(uuid.UUID, text)
    assert not _schema_accepts(uuid.UUID, text)


@pytest.mark.parametrize(
    "text", [" 81d4fae-7dec-11d0-a765-00a0c91e6bf6", "+81d4fae-7dec-11d0-a765-00a0c91e6bf6"]
)
def test_a_uuid_with_a_sign_or_space_in_its_digits_is_refused(text: str) -> None:
    # NOTE: jsonschema's uuid check (int(..., 16) under uuid.UUID) lets these through.
    assert not _binding_accepts(uuid.UUID, text)


_UUID_TEXT = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda value: str(value).upper()),
    st.uuids().map(lambda value: value.hex),
    # Near-misses: hexadecimal digits and hyphens anywhere, of about the right length.
    st.text(alphabet="0123456789abcdefABCDEFg-", min_size=30, max_size=38),
)


def _string_form(text: str) -> bool:
    """Return whether ``text`` is RFC 9562's string form, read off the grammar by hand."""
    groups = text.split("-")
    return [len(group) for group in groups] == [8, 4, 4, 4, 12] and all(
        char in "0123456789abcdefABCDEF" for group in groups for char in group
    )


@settings(max_examples=200)
@given(_UUID_TEXT)
@example(UUID_TEXT + "-")
@example("f81d4fae-7dec-11d0-a765-00a0c91e-6bf6")
def test_binding_accepts_the_string_form_jsonschema_accepts(text: str) -> None:
    # NOTE: jsonschema checks the hyphens at 8, 13, 18 and 23 only, then lets
    # uuid.UUID (which drops every hyphen) read the rest: a hyphen more passes it.
    accepted = _binding_accepts(uuid.UUID, text)
    assert accepted is (_string_form(text) and _schema_accepts(uuid.UUID, text))
    assert accepted is _string_form(text)
