from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from resourceful.json.tag import JSONTag, TaggedJSONSerializer


@pytest.fixture
def serializer() -> TaggedJSONSerializer:
    return TaggedJSONSerializer()


def roundtrip(serializer: TaggedJSONSerializer, value: Any) -> Any:
    return serializer.loads(serializer.dumps(value))


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"a": 1, "b": [1, 2.5, "x", None, True]},
        [],
        [1, [2, [3]]],
        (),
        (1, 2),
        (1, (2, (3,))),
        b"",
        b"\x00\xff binary",
        Markup("<b>bold</b>"),
        UUID("12345678-1234-5678-1234-567812345678"),
        datetime(2024, 5, 1, 12, 30, 15, 123456),
        datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc),
        datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=-5))),
        date(2024, 5, 1),
        "ünïcödé ☃",
    ],
    ids=repr,
)
def test_value_round_trips_with_its_type(serializer: TaggedJSONSerializer, value: Any) -> None:
    result = roundtrip(serializer, value)
    assert result == value
    assert type(result) is type(value)


def test_naive_datetime_stays_naive_and_aware_keeps_its_offset(
    serializer: TaggedJSONSerializer,
) -> None:
    naive = datetime(2024, 1, 2, 3, 4, 5)
    aware = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    result = roundtrip(serializer, [naive, aware])
    assert result[0].tzinfo is None
    assert result[1].utcoffset() == timedelta(hours=2)


def test_nested_combinations_round_trip(serializer: TaggedJSONSerializer) -> None:
    value = {
        "cart": [(1, b"\x01"), (2, Markup("<i>x</i>"))],
        "meta": {"id": UUID(int=7), "when": (datetime(2020, 1, 1), date(2020, 1, 2))},
        "deep": [[{"t": (((),),)}]],
    }
    assert roundtrip(serializer, value) == value


@pytest.mark.parametrize("key", [" t", " b", " m", " u", " d", " da", " di"])
def test_dict_whose_only_key_looks_like_a_tag_is_not_mistaken_for_one(
    serializer: TaggedJSONSerializer, key: str
) -> None:
    value = {key: [1, 2]}
    result = roundtrip(serializer, value)
    assert result == value
    assert type(result) is dict


def test_escaped_dicts_nest_without_ambiguity(serializer: TaggedJSONSerializer) -> None:
    value = {" di": {" di": {" t": (1, {" b": b"x"})}}}
    assert roundtrip(serializer, value) == value


def test_dict_with_a_tag_key_among_others_is_stored_as_is(
    serializer: TaggedJSONSerializer,
) -> None:
    value = {" t": 1, "other": 2}
    assert json.loads(serializer.dumps(value)) == value
    assert roundtrip(serializer, value) == value


def test_tuple_is_written_as_a_tagged_list(serializer: TaggedJSONSerializer) -> None:
    assert json.loads(serializer.dumps((1, 2))) == {" t": [1, 2]}


def test_output_is_compact(serializer: TaggedJSONSerializer) -> None:
    assert serializer.dumps({"a": [1, 2]}) == '{"a":[1,2]}'


def test_object_with_html_method_comes_back_as_markup(serializer: TaggedJSONSerializer) -> None:
    class Snippet:
        def __html__(self) -> str:
            return "<em>hi</em>"

    result = roundtrip(serializer, Snippet())
    assert result == Markup("<em>hi</em>")
    assert isinstance(result, Markup)


def test_unsupported_type_error_names_it_and_the_fix(serializer: TaggedJSONSerializer) -> None:
    with pytest.raises(TypeError) as info:
        serializer.dumps({"x": Fraction(1, 3)})
    message = str(info.value)
    assert "Object of type Fraction cannot be stored in tagged JSON" in message
    assert "register a JSONTag" in message


class TagFraction(JSONTag):
    key = " frac"

    def check(self, value: Any) -> bool:
        return isinstance(value, Fraction)

    def to_json(self, value: Any) -> Any:
        return [value.numerator, value.denominator]

    def to_python(self, value: Any) -> Any:
        return Fraction(*value)


def test_custom_tag_round_trips_its_type(serializer: TaggedJSONSerializer) -> None:
    serializer.register(TagFraction)
    value = {"share": Fraction(1, 3), "parts": (Fraction(2, 3),)}
    assert roundtrip(serializer, value) == value


def test_custom_tag_key_is_escaped_in_plain_dicts(serializer: TaggedJSONSerializer) -> None:
    serializer.register(TagFraction)
    value = {" frac": [1, 3]}
    assert roundtrip(serializer, value) == value


def test_registering_a_taken_key_explains_the_conflict(serializer: TaggedJSONSerializer) -> None:
    class OtherTuple(TagFraction):
        key = " t"

    with pytest.raises(KeyError) as info:
        serializer.register(OtherTuple)
    assert "Tag key ' t' of " in str(info.value)
    assert "already registered by TagTuple" in str(info.value)
    assert "force=True" in str(info.value)


def test_force_replaces_the_tag_with_the_same_key(serializer: TaggedJSONSerializer) -> None:
    class ListTuple(JSONTag):
        key = " t"

        def check(self, value: Any) -> bool:
            return isinstance(value, tuple)

        def to_json(self, value: Any) -> Any:
            return list(value)

        def to_python(self, value: Any) -> Any:
            return ["replaced", *value]

    serializer.register(ListTuple, force=True, index=0)
    assert roundtrip(serializer, (1, 2)) == ["replaced", 1, 2]
    assert sum(isinstance(tag, ListTuple) for tag in serializer.order) == 1
    assert len([tag for tag in serializer.order if tag.key == " t"]) == 1


def test_index_puts_a_tag_before_the_built_in_ones(serializer: TaggedJSONSerializer) -> None:
    class Point(tuple[int, int]):
        pass

    class TagPoint(JSONTag):
        key = " p"

        def check(self, value: Any) -> bool:
            return isinstance(value, Point)

        def to_json(self, value: Any) -> Any:
            return list(value)

        def to_python(self, value: Any) -> Any:
            return Point(value)

    serializer.register(TagPoint, index=0)
    result = roundtrip(serializer, Point((1, 2)))
    assert isinstance(result, Point)


def test_registration_is_per_serializer() -> None:
    first = TaggedJSONSerializer()
    first.register(TagFraction)
    assert " frac" not in TaggedJSONSerializer().tags


def test_base_tag_methods_say_what_to_implement(serializer: TaggedJSONSerializer) -> None:
    class Incomplete(JSONTag):
        key = " inc"

    tag = Incomplete(serializer)
    with pytest.raises(NotImplementedError, match=r"Incomplete must implement check\(value\)"):
        tag.check(1)
    with pytest.raises(NotImplementedError, match=r"must implement to_json\(value\)"):
        tag.to_json(1)
    with pytest.raises(NotImplementedError, match=r"must implement to_python\(value\)"):
        tag.to_python(1)


def test_invalid_tagged_content_raises_value_error(serializer: TaggedJSONSerializer) -> None:
    with pytest.raises(ValueError):
        serializer.loads('{" b": "not base64!"}')
    with pytest.raises(ValueError):
        serializer.loads('{" u": "nope"}')


_TAG_LIKE_KEYS = st.sampled_from([" t", " b", " m", " u", " d", " da", " di", "t", ""])
_KEYS = st.one_of(_TAG_LIKE_KEYS, st.text(max_size=5))
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.binary(max_size=10),
    st.text(max_size=10).map(Markup),
    st.uuids(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.dates(),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(_KEYS, children, max_size=4),
    ),
    max_leaves=20,
)


def _exact(value: Any) -> Any:
    """Describe a value with its types, so equal-but-different types do not compare equal."""
    if isinstance(value, dict):
        return ("dict", sorted((k, _exact(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_exact(v) for v in value])
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    return (type(value).__name__, repr(value))


@settings(max_examples=100, deadline=None)
@given(_VALUES)
@pytest.mark.slow
def test_any_nesting_of_supported_values_round_trips_exactly(value: Any) -> None:
    serializer = TaggedJSONSerializer()
    assert _exact(roundtrip(serializer, value)) == _exact(value)
