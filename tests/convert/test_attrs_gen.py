"""The generated attrs functions: inlined checks answer as the hooks and validators they replace."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from attrs import validators as v
from hypothesis import given
from hypothesis import strategies as st

from resourceful.convert import Converter, InvalidData
from resourceful.convert.hooks import collector_of
from resourceful.convert.json_rules import INLINE_CHECKS


class _NothingInlined(Converter):
    """The same rules with no check inlined: every field's hook and validator is called."""

    inline_checks = {}  # noqa: RUF012


@attrs.define
class Bounded:
    title: str = attrs.field(validator=[v.min_len(2), v.max_len(5)])
    count: int = attrs.field(validator=[v.ge(0), v.lt(10)])
    ratio: float = attrs.field(default=0.5, validator=v.gt(Decimal("0.25")))
    note: str = attrs.field(default="", validator=v.max_len(1))


@attrs.define
class Mixed:
    title: str = attrs.field(validator=v.min_len(1))
    code: str = attrs.field(default="a", validator=v.matches_re("[a-z]+"))


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.text(max_size=7),
    st.lists(st.integers(), max_size=2),
)


def _answer(converter: Converter, data: Any, cls: type) -> Any:
    try:
        return ("value", converter.structure(data, cls))
    except InvalidData as exc:
        return ("invalid", exc.pairs)


@given(
    st.dictionaries(
        st.sampled_from(["title", "count", "ratio", "note", "code", "other"]), _VALUES, max_size=6
    ),
    st.sampled_from([Bounded, Mixed]),
)
@pytest.mark.slow
def test_inlined_checks_answer_as_the_hooks_and_validators(data: dict[str, Any], cls: type) -> None:
    assert _answer(Converter(), data, cls) == _answer(_NothingInlined(), data, cls)


def test_bounds_on_json_scalars_are_inlined_and_other_validators_are_not() -> None:
    converter = Converter()

    def generated(cls: type) -> dict[str, Any]:
        return collector_of(converter.get_structure_hook(cls)).__globals__  # type: ignore[no-any-return]

    assert "validate" in generated(Bounded)
    assert "validate" not in generated(Mixed)  # matches_re is run by its compiled check


def test_the_inlined_checks_are_the_json_rules_table() -> None:
    assert Converter.inline_checks is INLINE_CHECKS
    assert sorted(INLINE_CHECKS.values()) == sorted(
        [
            "raw.__class__ is str",
            "raw.__class__ is int",
            "raw is True or raw is False",
            "raw.__class__ is float and _isfinite(raw)",
        ]
    )
