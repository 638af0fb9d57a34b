"""The JSON rules: an optional value sent as a string answers as the union of its parts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resourceful.convert import InvalidData, make_converter
from resourceful.convert.describe import describe, expected

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["2026-12-24", "2026-12-24T10:30:00+01:00", "10:30", str(uuid.UUID(int=9))]),
    st.lists(st.integers(), max_size=2),
)


def _answer(data: Any, tp: Any) -> Any:
    try:
        return ("value", make_converter().structure(data, tp))
    except InvalidData as exc:
        return ("invalid", exc.pairs)


@given(_VALUES, st.sampled_from([dt.date, dt.datetime, dt.time, uuid.UUID]))
@pytest.mark.slow
def test_an_optional_string_form_is_none_or_its_type_and_names_both_when_refused(
    data: Any, tp: Any
) -> None:
    optional = tp | None
    if data is None:
        assert _answer(data, optional) == ("value", None)
    elif _answer(data, tp)[0] == "value":
        assert _answer(data, optional) == _answer(data, tp)
    else:
        assert _answer(data, optional) == (
            "invalid",
            [("", f"expected {expected(optional)}, got {describe(data)}")],
        )


def test_an_optional_date_that_is_not_one_says_what_was_expected() -> None:
    assert _answer("tomorrow", dt.date | None) == (
        "invalid",
        [("", 'expected an ISO 8601 date (YYYY-MM-DD) or null, got the string "tomorrow"')],
    )
