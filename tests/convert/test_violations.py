"""CappedList: problems past the limit are counted, not kept."""

from __future__ import annotations

from typing import Any

import attrs
from attrs import validators as v

from resourceful.convert import CappedList, make_converter
from resourceful.convert.hooks import collector_of


def test_trim_keeps_the_first_items_and_counts_the_rest() -> None:
    found: CappedList[int] = CappedList(3)
    found.extend(range(5))
    found.append(5)
    found.omit(10)
    assert found.room == 0
    found.trim()
    assert found == [0, 1, 2]
    assert found.omitted == 13


def test_trim_within_the_limit_changes_nothing() -> None:
    found: CappedList[int] = CappedList(3)
    found.append(1)
    found.trim()
    assert found == [1]
    assert found.omitted == 0
    assert found.room == 2


@attrs.define
class Labels:
    counts: dict[str, int]
    names: dict[str, str] = attrs.field(
        factory=dict, validator=v.deep_mapping(v.min_len(1), v.min_len(1))
    )


def _collect(data: Any, limit: int) -> tuple[list[tuple[str, str]], int, int]:
    """Return the trimmed report, its omitted count and its length before the trim."""
    found: CappedList[tuple[str, str]] = CappedList(limit)
    collector_of(make_converter().get_structure_hook(Labels))(data, Labels, found)
    collected = len(found)
    found.trim()
    return list(found), found.omitted, collected


def test_an_object_with_many_invalid_values_stops_describing_them_when_the_report_is_full() -> None:
    data = {"counts": {f"k{i}": "x" for i in range(1000)}}
    found, omitted, collected = _collect(data, 2)
    assert found == [
        ("/counts/k0", 'expected an integer, got the string "x"'),
        ("/counts/k1", 'expected an integer, got the string "x"'),
    ]
    assert omitted == 998
    assert collected == 2  # the other 998 values were checked, not described


def test_a_deep_mapping_validator_counts_what_a_full_report_leaves_out() -> None:
    data = {"counts": {}, "names": {"": "", "a": "", "b": "ok"}}
    found, omitted, collected = _collect(data, 1)
    assert found == [("/names/", "invalid key: must have at least 1 character, got 0")]
    # The empty key's value (found with its key), and the value of "a" (only counted).
    assert omitted == 2
    assert collected == 2
