"""The generated attrs functions: inlined checks answer as the hooks and validators they replace."""

from __future__ import annotations

import datetime as dt
import gc
import inspect
import linecache
import traceback
import uuid
from decimal import Decimal
from typing import Any

import attrs
import pytest
from attrs import validators as v
from hypothesis import given
from hypothesis import strategies as st

from resourceful.convert import CappedList, Converter, InvalidData
from resourceful.convert.hooks import FAILED, collector_of
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


@attrs.define
class Everyday:
    title: str
    done: bool = False
    count: int = 0
    ratio: float = 0.0
    tags: list[str] = attrs.field(factory=list)
    counts: list[int] = attrs.field(factory=list, validator=v.max_len(2))
    flags: list[bool] = attrs.field(factory=list)
    due: dt.date | None = None
    when: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ref: uuid.UUID | None = None


class _Text(str):
    """A str subclass: the inlined checks leave it to the hooks."""


_EVERYDAY_VALUES = st.one_of(
    _VALUES,
    st.sampled_from(["2026-12-24", "2026-02-30", "2026-12-24T10:00:00Z", "tomorrow", ""]),
    st.just(str(uuid.UUID(int=7))),
    st.builds(_Text, st.sampled_from(["2026-12-24", "x", str(uuid.UUID(int=7))])),
    st.lists(st.one_of(st.booleans(), st.integers(-2, 2), st.text(max_size=2)), max_size=4),
)


def _collected(converter: Converter, data: Any, limit: int) -> Any:
    found: CappedList[tuple[str, str]] = CappedList(limit)
    result = collector_of(converter.get_structure_hook(Everyday))(data, Everyday, found)
    found.trim()
    return result, list(found), found.omitted


@given(
    st.dictionaries(
        st.sampled_from([field.name for field in attrs.fields(Everyday)] + ["other"]),
        _EVERYDAY_VALUES,
        max_size=12,
    ),
    st.integers(1, 4),
)
@pytest.mark.slow
def test_inlined_refusals_lists_and_parsed_strings_answer_as_the_hooks(
    data: dict[str, Any], limit: int
) -> None:
    assert _answer(Converter(), data, Everyday) == _answer(_NothingInlined(), data, Everyday)
    assert _collected(Converter(), data, limit) == _collected(_NothingInlined(), data, limit)


def test_refused_scalars_exact_lists_and_parsed_strings_are_inlined() -> None:
    source = _source(Converter(), Everyday)
    # done (bool): the refusal is written out, the hook is never called.
    assert "r1 + _describe(raw)" in source
    assert "c1(" not in source
    # tags: list[str] in one pass; due: date | None parsed in place.
    assert "<= e4:" in source
    assert "q7(raw)" in source
    assert "c7(" not in source
    assert "q7(raw)" not in _source(_NothingInlined(), Everyday)


def _source(converter: Converter, cls: type) -> str:
    code = collector_of(converter.get_structure_hook(cls)).__code__
    return "".join(linecache.getlines(code.co_filename))


def test_every_problem_of_a_mixed_body_has_its_pointer_and_message() -> None:
    data = {"title": 3, "done": "yes", "tags": ["a", 1], "due": "tomorrow", "ref": 5}
    with pytest.raises(InvalidData) as caught:
        Converter().structure(data, Everyday)
    assert caught.value.pairs == [
        ("/title", "expected a string, got the number 3"),
        ("/done", 'expected a boolean (true or false), got the string "yes"'),
        ("/tags/1", "expected a string, got the number 1"),
        ("/due", 'expected an ISO 8601 date (YYYY-MM-DD) or null, got the string "tomorrow"'),
        ("/ref", "expected a UUID or null, got the number 5"),
    ]


def test_a_string_field_with_a_length_bound_refuses_a_long_list_as_not_a_string() -> None:
    with pytest.raises(InvalidData) as caught:
        Converter().structure({"title": list(range(9)), "count": 1}, Bounded)
    (pointer, detail), *_ = caught.value.pairs
    assert pointer == "/title"
    assert detail.startswith("expected a string")
    assert _answer(Converter(), {"title": [1] * 9, "count": 1}, Bounded) == _answer(
        _NothingInlined(), {"title": [1] * 9, "count": 1}, Bounded
    )


def _plans_of(cls: type) -> list[Any]:
    """The field plans alive that plan a field of ``cls``."""
    from resourceful.convert.attrs_gen import _FieldPlan

    fields = {id(attribute) for attribute in attrs.fields(cls)}
    gc.collect()
    return [
        plan
        for plan in gc.get_objects()
        if isinstance(plan, _FieldPlan) and id(plan.attribute) in fields
    ]


def test_a_planned_class_hook_keeps_its_plan_flat_not_as_a_plan_per_field() -> None:
    @attrs.define
    class Planned:
        title: str
        count: int = 0

    hook = Converter().get_structure_hook(Planned)
    assert _plans_of(Planned) == []
    assert hook({"title": "a"}, Planned) == Planned("a")


def test_a_generated_class_hook_keeps_no_plan_even_to_run_validators_one_by_one() -> None:
    @attrs.define
    class Inlined:
        title: str = attrs.field(validator=v.max_len(3))
        count: int = 0

    @attrs.define
    class Checked:
        code: str = attrs.field(validator=v.matches_re("[a-z]+"))

    converter = Converter()
    inlined = collector_of(converter.get_structure_hook(Inlined))
    checked = collector_of(converter.get_structure_hook(Checked))
    assert _plans_of(Inlined) == []
    # A validator that is not inlined is run on its own by _check_fields,
    # which reads what it needs of the plan kept flat.
    assert _plans_of(Checked) == []
    found: list[Any] = []
    assert checked({"code": "A1"}, Checked, found) is FAILED
    assert found == [("/code", 'must match the pattern "[a-z]+", got the string "A1"')]
    found = []
    assert inlined({"title": "abcd"}, Inlined, found) is FAILED
    assert [pointer for pointer, _ in found] == ["/title"]


def test_a_traceback_and_inspect_show_the_source_of_a_generated_function() -> None:
    collect = collector_of(Converter().get_structure_hook(Everyday))
    source = inspect.getsource(collect)
    assert source.startswith("def collect(value, _, found):")
    try:
        collect(None, Everyday, None)  # found=None: the generated code fails in append
    except AttributeError:
        text = traceback.format_exc()
    assert "found.append(('', _not_an_object(value)))" in text


def test_only_a_converter_refusing_unknown_keys_keeps_the_known_ones() -> None:
    @attrs.define
    class Small:
        title: str

    lenient = collector_of(Converter(forbid_extra_keys=False).get_structure_hook(Small))
    strict = collector_of(Converter().get_structure_hook(Small))
    assert "_known" not in lenient.__globals__
    assert strict.__globals__["_known"] == {"title"}
    assert lenient({"title": "a", "other": 1}, Small, []) == Small("a")
    found: list[Any] = []
    assert strict({"title": "a", "other": 1}, Small, found) is FAILED
    assert found == [("/other", "is not a known field; expected only: title")]
