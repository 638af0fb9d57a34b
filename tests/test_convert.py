import datetime as dt
import enum
import typing
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, NewType, TypeVar

import attrs
import pytest
from attrs import validators as v
from models import Cat, Dog, Item, Order

from resourceful.convert import (
    Converter,
    InvalidData,
    TextConverter,
    Violation,
    is_multi_valued,
    make_converter,
)
from resourceful.convert.typeinfo import tag_field
from resourceful.errors import DefinitionError
from resourceful.fields import field


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@attrs.define
class Node:
    value: int
    children: list["Node"] = attrs.field(factory=list)


@attrs.define
class Untagged:
    a: int


@attrs.define
class AlsoUntagged:
    b: int


T = TypeVar("T")


@attrs.define
class Page(Generic[T]):
    items: list[T]
    total: int


@attrs.define
class WithDefaults:
    name: str = "anon"
    tags: list[str] = attrs.field(factory=list)


@attrs.define
class Range:
    low: int
    high: int = attrs.field()

    @high.validator
    def _check(self, attribute: Any, value: int) -> None:
        if value < self.low:
            raise ValueError(f"high ({value}) must not be below low ({self.low})")


class Opaque:
    pass


@attrs.define
class HasOpaque:
    thing: Opaque


@pytest.fixture
def converter() -> Converter:
    return make_converter()


def errors_of(converter: Converter, data: Any, tp: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidData) as info:
        converter.structure(data, tp)
    return [(item.pointer, item.detail) for item in info.value.violations]


def text_errors_of(converter: Converter, data: Any, tp: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidData) as info:
        converter.text.structure(data, tp)
    return [(item.pointer, item.detail) for item in info.value.violations]


# -- JSON: one test per supported type --------------------------------------------------


@pytest.mark.parametrize(
    ("tp", "raw", "result"),
    [
        (str, "hi", "hi"),
        (int, 3, 3),
        (float, 2.5, 2.5),
        (float, 2, 2.0),
        (bool, False, False),
        (Decimal, "12.50", Decimal("12.50")),
        (Decimal, 3, Decimal(3)),
        (
            uuid.UUID,
            "12345678-1234-5678-1234-567812345678",
            uuid.UUID(int=0x12345678123456781234567812345678),
        ),
        (dt.date, "2024-02-29", dt.date(2024, 2, 29)),
        (
            dt.datetime,
            "2024-02-29T10:30:00+02:00",
            dt.datetime(2024, 2, 29, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
        (
            dt.datetime,
            "2024-02-29T10:30:00Z",
            dt.datetime(2024, 2, 29, 10, 30, tzinfo=dt.timezone.utc),
        ),
        (dt.time, "10:30:00", dt.time(10, 30)),
        (Color, "green", Color.GREEN),
        (Level, 2, Level.HIGH),
        (Literal["a", "b"], "b", "b"),
        (Literal[1, 2], 2, 2),
        (int | None, None, None),
        (int | None, 4, 4),
        (int | str, "x", "x"),
        (int | str, 5, 5),
        (int | None, 6, 6),
        (list[int], [1, 2], [1, 2]),
        (Sequence[int], [1], [1]),
        (tuple[int, ...], [1, 2], (1, 2)),
        (tuple[int, str], [1, "a"], (1, "a")),
        (set[str], ["a", "a"], {"a"}),
        (frozenset[int], [1], frozenset({1})),
        (dict[str, int], {"a": 1}, {"a": 1}),
        (Mapping[str, bool], {"a": True}, {"a": True}),
        (dict[int, str], {"1": "x"}, {1: "x"}),
        (Any, {"free": [1]}, {"free": [1]}),
        (Annotated[int, "meta"], 3, 3),
        (NewType("UserId", int), 7, 7),
    ],
)
def test_json_structures_supported_type(
    converter: Converter, tp: Any, raw: Any, result: Any
) -> None:
    assert converter.structure(raw, tp) == result


def test_typing_optional_and_union_spellings_work(converter: Converter) -> None:
    assert converter.structure(None, typing.Optional[int]) is None  # noqa: UP045
    assert converter.structure("x", typing.Union[int, str]) == "x"  # noqa: UP007
    assert converter.text.structure("", typing.Optional[int]) is None  # noqa: UP045


def test_json_structures_nested_attrs_classes_with_wire_names(converter: Converter) -> None:
    order = converter.structure({"items": [{"name": "milk", "quantity": 2}]}, Order)
    assert order == Order(items=[Item(name="milk", qty=2)])


def test_json_structures_recursive_classes(converter: Converter) -> None:
    data = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}
    assert converter.structure(data, Node) == Node(1, [Node(2, [Node(3)])])


def test_json_applies_defaults_and_factories_for_missing_fields(converter: Converter) -> None:
    first = converter.structure({}, WithDefaults)
    second = converter.structure({}, WithDefaults)
    assert first == WithDefaults("anon", [])
    assert first.tags is not second.tags


def test_json_structures_generic_attrs_class(converter: Converter) -> None:
    page = converter.structure({"items": [{"name": "a", "quantity": 1}], "total": 1}, Page[Item])
    assert page == Page(items=[Item("a", 1)], total=1)


def test_json_tagged_union_picks_class_by_tag(converter: Converter) -> None:
    pets = converter.structure(
        [{"kind": "cat", "lives": 9}, {"kind": "dog", "good": True}], list[Cat | Dog]
    )
    assert pets == [Cat("cat", 9), Dog("dog", True)]


class Shape(enum.Enum):
    ROUND = "round"
    BOXY = "boxy"


@attrs.define
class Ball:
    shape: Literal[Shape.ROUND]
    radius: int


@attrs.define
class Crate:
    shape: Literal[Shape.BOXY]
    side: int


def test_json_union_tagged_by_enum_literals_picks_class_by_the_enum_value(
    converter: Converter,
) -> None:
    things = converter.structure(
        [{"shape": "round", "radius": 1}, {"shape": "boxy", "side": 2}], list[Ball | Crate]
    )
    assert things == [Ball(Shape.ROUND, 1), Crate(Shape.BOXY, 2)]


def test_tag_values_true_and_1_are_different_tags() -> None:
    @attrs.define
    class On:
        flag: Literal[True]

    @attrs.define
    class One:
        flag: Literal[1]

    assert tag_field([On, One]) == ("flag", ((True, On), (1, One)))


def test_tag_values_shared_by_two_classes_are_a_definition_error() -> None:
    @attrs.define
    class Left:
        kind: Literal["x"]

    @attrs.define
    class Right:
        kind: Literal["x"]

    with pytest.raises(DefinitionError) as info:
        tag_field([Left, Right])
    assert str(info.value) == (
        "Cannot tell the classes of the union Left | Right apart: give every class a tag"
        " field with a Literal type and its own value, for example"
        ' `kind: Literal["left"] = "left"`.'
    )


def test_json_union_with_one_class_and_none(converter: Converter) -> None:
    assert converter.structure(None, Cat | None) is None
    assert converter.structure({"kind": "cat", "lives": 1}, Cat | None) == Cat("cat", 1)


DECIMAL = 'expected a decimal number (a number, or a string such as "12.50")'
DATETIME = "expected an RFC 3339 date-time with an offset, like 2026-12-24T10:00:00Z"


# -- JSON strictness -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tp", "raw", "detail"),
    [
        (bool, "false", 'expected a boolean (true or false), got the string "false"'),
        (bool, 1, "expected a boolean (true or false), got the number 1"),
        (int, 3.9, "expected an integer, got the number 3.9"),
        (int, "3", 'expected an integer, got the string "3"'),
        (int, True, "expected an integer, got true"),
        (str, 1, "expected a string, got the number 1"),
        (str, None, "expected a string, got null"),
        (float, "2.5", 'expected a number, got the string "2.5"'),
        (float, False, "expected a number, got false"),
        (float, float("inf"), "expected a finite number, got the number inf"),
        (
            Decimal,
            "abc",
            DECIMAL + ', got the string "abc"',
        ),
        (
            Decimal,
            True,
            DECIMAL + ", got true",
        ),
        (uuid.UUID, "nope", 'expected a UUID, got the string "nope"'),
        (
            dt.date,
            "2024-13-01",
            'expected an ISO 8601 date (YYYY-MM-DD), got the string "2024-13-01"',
        ),
        (dt.date, 20240101, "expected an ISO 8601 date (YYYY-MM-DD), got the number 20240101"),
        (
            dt.datetime,
            "yesterday",
            DATETIME + ', got the string "yesterday"',
        ),
        (
            dt.time,
            "25:00",
            "expected a time (HH:MM:SS, optional fraction and offset), like 10:00:00,"
            ' got the string "25:00"',
        ),
        (Color, "blue", 'expected one of "red", "green", got the string "blue"'),
        (Level, True, "expected one of 1, 2, got true"),
        (Level, "1", 'expected one of 1, 2, got the string "1"'),
        (Literal[1, 2], True, "expected one of 1, 2, got true"),
        (Literal["a"], "b", 'expected one of "a", got the string "b"'),
        (int | None, "1", 'expected an integer or null, got the string "1"'),
        (int | str, 2.5, "expected an integer or a string, got the number 2.5"),
        (list[int], {"a": 1}, "expected an array, got an object"),
        (list[int], "12", 'expected an array, got the string "12"'),
        (tuple[int, str], [1], "expected an array of 2 items, got 1 items"),
        (dict[str, int], [], "expected an object, got an array"),
        (Item, [], "expected an object, got an array"),
    ],
)
def test_json_rejects_mismatched_type_with_explanation(
    converter: Converter, tp: Any, raw: Any, detail: str
) -> None:
    assert errors_of(converter, raw, tp) == [("", detail)]


def test_json_reports_every_problem_with_wire_name_pointers(converter: Converter) -> None:
    data = {"items": [{"name": "", "quantity": 0}, {"name": 3}, {"name": "ok", "quantity": "2"}]}
    assert errors_of(converter, data, Order) == [
        ("/items/0/name", "must have at least 1 character, got 0"),
        ("/items/0/quantity", "must be at least 1, got the number 0"),
        ("/items/1/name", "expected a string, got the number 3"),
        ("/items/1/quantity", "is required but missing"),
        ("/items/2/quantity", 'expected an integer, got the string "2"'),
    ]


def test_json_reports_validators_of_valid_fields_next_to_type_errors(converter: Converter) -> None:
    assert errors_of(converter, {"name": "", "quantity": "x"}, Item) == [
        ("/quantity", 'expected an integer, got the string "x"'),
        ("/name", "must have at least 1 character, got 0"),
    ]


def test_json_rejects_unknown_fields_by_default(converter: Converter) -> None:
    assert errors_of(converter, {"name": "a", "quantity": 1, "colour": "red"}, Item) == [
        ("/colour", "is not a known field; expected only: name, quantity"),
    ]


def test_json_ignores_unknown_fields_when_configured() -> None:
    lenient = make_converter(forbid_extra_keys=False)
    assert lenient.structure({"name": "a", "quantity": 1, "colour": "red"}, Item) == Item("a", 1)


def test_with_unknown_fields_returns_a_cached_variant_with_user_hooks(converter: Converter) -> None:
    converter.register_structure_hook(Opaque, lambda value, _: Opaque())
    lenient = converter.with_unknown_fields(reject=False)
    assert converter.with_unknown_fields(reject=True) is converter
    assert converter.with_unknown_fields(reject=False) is lenient
    assert lenient.structure({"name": "a", "quantity": 1, "extra": 0}, Item) == Item("a", 1)
    assert isinstance(lenient.structure({"thing": 1}, HasOpaque).thing, Opaque)


def test_json_pointer_escapes_slash_and_tilde(converter: Converter) -> None:
    assert errors_of(converter, {"a/b": "x", "c~d": 1}, dict[str, int]) == [
        ("/a~1b", 'expected an integer, got the string "x"'),
    ]


def test_json_reports_bad_tag_and_missing_tag(converter: Converter) -> None:
    data = [{"kind": "cow"}, {"lives": 9}, {"kind": "dog", "good": "yes"}]
    assert errors_of(converter, data, list[Cat | Dog]) == [
        ("/0/kind", 'expected one of "cat", "dog", got the string "cow"'),
        ("/1/kind", 'is required; expected one of "cat", "dog"'),
        ("/2/good", 'expected a boolean (true or false), got the string "yes"'),
    ]


def test_json_reports_errors_deep_in_recursive_classes(converter: Converter) -> None:
    data = {"value": 1, "children": [{"value": "2", "children": [{"value": True}]}]}
    assert errors_of(converter, data, Node) == [
        ("/children/0/value", 'expected an integer, got the string "2"'),
        ("/children/0/children/0/value", "expected an integer, got true"),
    ]


def test_json_reports_bad_dict_keys_and_values(converter: Converter) -> None:
    assert errors_of(converter, {"x": "a", "2": 3}, dict[int, str]) == [
        ("/x", 'invalid key: expected an integer, got "x"'),
        ("/2", "expected a string, got the number 3"),
    ]


def test_cross_field_validator_reports_its_own_field(converter: Converter) -> None:
    assert errors_of(converter, {"low": 5, "high": 1}, Range) == [
        ("/high", "high (1) must not be below low (5)"),
    ]


@attrs.define
class Constrained:
    count: int = attrs.field(validator=[v.ge(0), v.lt(10)])
    ratio: float = attrs.field(default=0.5, validator=[v.gt(0), v.le(1)])
    code: str = attrs.field(default="ab", validator=v.matches_re(r"[a-z]+"))
    size: str = attrs.field(default="s", validator=v.in_(["s", "m"]))
    tags: list[str] = attrs.field(
        factory=list,
        validator=v.deep_iterable(v.max_len(3), iterable_validator=v.max_len(2)),
    )
    scores: dict[str, int] = attrs.field(
        factory=dict, validator=v.deep_mapping(v.min_len(1), v.ge(0))
    )
    nickname: str | None = attrs.field(default=None, validator=v.optional(v.min_len(2)))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"count": -1}, [("/count", "must be at least 0, got the number -1")]),
        ({"count": 10}, [("/count", "must be less than 10, got the number 10")]),
        ({"count": 1, "ratio": 0.0}, [("/ratio", "must be greater than 0, got the number 0.0")]),
        ({"count": 1, "ratio": 2.0}, [("/ratio", "must be at most 1, got the number 2.0")]),
        (
            {"count": 1, "code": "AB"},
            [("/code", 'must match the pattern "[a-z]+", got the string "AB"')],
        ),
        ({"count": 1, "size": "xl"}, [("/size", 'must be one of "s", "m", got the string "xl"')]),
        (
            {"count": 1, "tags": ["a", "long", "b"]},
            # Once the list's own bound fails its items are not checked (issue 13).
            [("/tags", "must have at most 2 items, got 3")],
        ),
        (
            {"count": 1, "scores": {"": 1, "b": -1}},
            [
                ("/scores/", "invalid key: must have at least 1 character, got 0"),
                ("/scores/b", "must be at least 0, got the number -1"),
            ],
        ),
        ({"count": 1, "nickname": "x"}, [("/nickname", "must have at least 2 characters, got 1")]),
    ],
)
def test_validator_failures_are_explained_per_field(
    converter: Converter, data: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert errors_of(converter, data, Constrained) == expected


def test_optional_validator_accepts_none(converter: Converter) -> None:
    assert converter.structure({"count": 1, "nickname": None}, Constrained).nickname is None


def test_every_validator_failure_is_reported_at_once(converter: Converter) -> None:
    data = {"count": -1, "ratio": 3.0, "size": "xl"}
    assert [pointer for pointer, _ in errors_of(converter, data, Constrained)] == [
        "/count",
        "/ratio",
        "/size",
    ]


def test_user_hook_errors_become_violations(converter: Converter) -> None:
    def structure_opaque(value: Any, _: Any) -> Opaque:
        raise ValueError("opaque things are written as 'opaque'")

    converter.register_structure_hook(Opaque, structure_opaque)
    assert errors_of(converter, {"thing": 1}, HasOpaque) == [
        ("/thing", "opaque things are written as 'opaque'"),
    ]


def test_user_hooks_take_precedence_over_builtin_rules(converter: Converter) -> None:
    converter.register_structure_hook(int, lambda value, _: int(value))
    assert converter.structure("5", int) == 5


@attrs.define
class Labelled:
    name: str
    tags: list[str]
    count: int = 0


def test_user_hooks_for_scalars_apply_inside_classes_and_lists(converter: Converter) -> None:
    converter.register_structure_hook(str, lambda value, _: str(value).upper())
    converter.register_structure_hook(int, lambda value, _: int(value) * 10)

    assert converter.structure({"name": "a", "tags": ["b", "c"], "count": 2}, Labelled) == (
        Labelled("A", ["B", "C"], 20)
    )


def test_user_hook_errors_inside_lists_point_at_the_item(converter: Converter) -> None:
    def structure_opaque(value: Any, _: Any) -> Opaque:
        raise ValueError("opaque things are written as 'opaque'")

    converter.register_structure_hook(Opaque, structure_opaque)
    assert errors_of(converter, [1, 2], list[Opaque]) == [
        ("/0", "opaque things are written as 'opaque'"),
        ("/1", "opaque things are written as 'opaque'"),
    ]


def test_list_with_one_bad_item_keeps_reporting_later_items(converter: Converter) -> None:
    assert errors_of(converter, {"name": "a", "tags": ["ok", 1, "fine", None]}, Labelled) == [
        ("/tags/1", "expected a string, got the number 1"),
        ("/tags/3", "expected a string, got null"),
    ]


def test_invalid_data_keeps_violations_through_pickling() -> None:
    import pickle

    error = InvalidData([Violation("/a", "bad")])

    copy = pickle.loads(pickle.dumps(error))

    assert copy.violations == (Violation("/a", "bad"),)
    assert repr(copy) == "InvalidData((Violation(pointer='/a', detail='bad'),))"


# -- definition errors ---------------------------------------------------------------------


def test_unsupported_field_type_is_a_definition_error(converter: Converter) -> None:
    with pytest.raises(DefinitionError) as info:
        converter.get_structure_hook(HasOpaque)
    message = str(info.value)
    assert "Cannot structure field HasOpaque.thing" in message
    assert "Opaque" in message
    assert "app.converter.register_structure_hook" in message


def test_union_of_classes_without_tag_is_a_definition_error(converter: Converter) -> None:
    with pytest.raises(DefinitionError) as info:
        converter.get_structure_hook(Untagged | AlsoUntagged)
    assert str(info.value) == (
        "Cannot tell the classes of the union Untagged | AlsoUntagged apart: give every class"
        " a tag field with a Literal type and its own value, for example"
        ' `kind: Literal["untagged"] = "untagged"`.'
    )


# -- text rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tp", "raw", "result"),
    [
        (str, "hi", "hi"),
        (int, "42", 42),
        (int, "-7", -7),
        (float, "2.5", 2.5),
        (Decimal, "12.50", Decimal("12.50")),
        (
            # RFC 9562's string form only, as format: uuid (tests/convert/test_parsers.py).
            uuid.UUID,
            "12345678-1234-5678-1234-567812345678",
            uuid.UUID(int=0x12345678123456781234567812345678),
        ),
        (dt.date, "2024-02-29", dt.date(2024, 2, 29)),
        (
            dt.datetime,
            "2024-02-29T10:30:00+02:00",
            dt.datetime(2024, 2, 29, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
        (dt.time, "10:30:15", dt.time(10, 30, 15)),
        (Color, "red", Color.RED),
        (Level, "2", Level.HIGH),
        (Literal["asc", "desc"], "desc", "desc"),
        (Literal[10, 20], "20", 20),
        (int | None, "", None),
        (int | None, "3", 3),
        (str | None, "", ""),
        (int | str, "3", 3),
        (int | str, "x", "x"),
        (list[int], ["1", "2"], [1, 2]),
        (list[int], "1", [1]),
        (tuple[int, ...], ["1"], (1,)),
        (set[str], ["a", "a"], {"a"}),
        (frozenset[Color], ["red"], frozenset({Color.RED})),
        (int, ["4", "5"], 4),
    ],
)
def test_text_structures_supported_type(
    converter: Converter, tp: Any, raw: Any, result: Any
) -> None:
    assert converter.text.structure(raw, tp) == result


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        ("off", False),
    ],
)
def test_text_booleans_follow_the_stated_words(
    converter: Converter, raw: str, result: bool
) -> None:
    assert converter.text.structure(raw, bool) is result


@pytest.mark.parametrize(
    ("tp", "raw", "detail"),
    [
        (int, "3.9", 'expected an integer, got "3.9"'),
        (int, "", 'expected an integer, got ""'),
        (int, "1e3", 'expected an integer, got "1e3"'),
        (float, "abc", 'expected a number, got "abc"'),
        (float, "nan", 'expected a number, got "nan"'),
        (bool, "maybe", 'expected a boolean (true/false, 1/0, yes/no, on/off), got "maybe"'),
        (dt.date, "02/29/2024", 'expected an ISO 8601 date (YYYY-MM-DD), got "02/29/2024"'),
        (uuid.UUID, "x", 'expected a UUID, got "x"'),
        (Color, "RED", 'expected one of "red", "green", got "RED"'),
        (Literal[10, 20], "30", 'expected one of 10, 20, got "30"'),
        (int | None, "x", 'expected an integer or "", got "x"'),
    ],
)
def test_text_rejects_unparsable_strings(
    converter: Converter, tp: Any, raw: str, detail: str
) -> None:
    assert text_errors_of(converter, raw, tp) == [("", detail)]


@attrs.define
class Filters:
    done: bool | None = None
    limit: int = attrs.field(default=20, validator=v.le(100))
    tags: list[str] = attrs.field(factory=list)
    sort: Literal["asc", "desc"] = field(default="asc", name="order")


def test_text_structures_a_group_class_from_strings(converter: Converter) -> None:
    data = {"done": "yes", "limit": "5", "tags": ["a", "b"], "order": "desc", "other": "x"}
    assert converter.text.structure(data, Filters) == Filters(True, 5, ["a", "b"], "desc")


def test_text_group_reports_every_problem(converter: Converter) -> None:
    data = {"done": "maybe", "limit": "500", "order": "up"}
    assert text_errors_of(converter, data, Filters) == [
        ("/done", 'expected a boolean (true/false, 1/0, yes/no, on/off) or "", got "maybe"'),
        ("/order", 'expected one of "asc", "desc", got "up"'),
        ("/limit", "must be at most 100, got the number 500"),
    ]


def test_text_list_reports_the_index_of_a_bad_value(converter: Converter) -> None:
    assert text_errors_of(converter, ["1", "x", "3"], list[int]) == [
        ("/1", 'expected an integer, got "x"'),
    ]


def test_text_converter_is_a_separate_replaceable_converter() -> None:
    text = TextConverter()
    converter = Converter(text=text)
    assert converter.text is text
    text.register_structure_hook(Opaque, lambda value, _: Opaque())
    assert isinstance(converter.text.structure("x", Opaque), Opaque)


@pytest.mark.parametrize(
    ("tp", "multi"),
    [
        (int, False),
        (list[int], True),
        (list[str] | None, True),
        (set[str], True),
        (tuple[int, ...], True),
        (str, False),
    ],
)
def test_is_multi_valued_says_which_fields_take_repeated_keys(tp: Any, multi: bool) -> None:
    assert is_multi_valued(tp) is multi


# -- unstructuring ---------------------------------------------------------------------------


@attrs.define
class Everything:
    when: dt.datetime
    day: dt.date
    at: dt.time
    ident: uuid.UUID
    price: Decimal
    color: Color
    tags: set[str]
    pair: tuple[int, str]
    item: Item
    maybe: Item | None = None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05+00:00"),
        (dt.datetime(2024, 1, 2, 3, 4, 5, 6), "2024-01-02T03:04:05.000006+00:00"),
        (
            dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2024-01-02T03:04:00-05:00",
        ),
    ],
    ids=["naive", "naive-microseconds", "aware"],
)
def test_unstructured_datetime_always_has_an_offset_naive_taken_as_utc(
    converter: Converter, value: dt.datetime, text: str
) -> None:
    assert converter.unstructure(value) == text
    assert converter.unstructure([value], list[dt.datetime]) == [text]


def test_unstructure_produces_json_ready_data_with_wire_names(converter: Converter) -> None:
    value = Everything(
        when=dt.datetime(2024, 1, 2, 3, 4, 5),
        day=dt.date(2024, 1, 2),
        at=dt.time(3, 4),
        ident=uuid.UUID(int=1),
        price=Decimal("9.99"),
        color=Color.GREEN,
        tags={"x"},
        pair=(1, "a"),
        item=Item("milk", 2),
    )
    assert converter.unstructure(value) == {
        "when": "2024-01-02T03:04:05+00:00",
        "day": "2024-01-02",
        "at": "03:04:00",
        "ident": "00000000-0000-0000-0000-000000000001",
        "price": "9.99",
        "color": "green",
        "tags": ["x"],
        "pair": [1, "a"],
        "item": {"name": "milk", "quantity": 2},
        "maybe": None,
    }


def test_unstructure_then_structure_round_trips(converter: Converter) -> None:
    value = Page(items=[Item("a", 1), Item("b", 2)], total=2)
    data = converter.unstructure(value, Page[Item])
    assert converter.structure(data, Page[Item]) == value


def test_invalid_data_str_lists_every_pointer() -> None:
    error = InvalidData([Violation("/a", "bad"), Violation("", "worse")])
    assert str(error) == "/a: bad; /: worse"
