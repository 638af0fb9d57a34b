from __future__ import annotations

import collections.abc
import datetime
import decimal
import enum
import json
import re
import subprocess
import sys
import textwrap
import typing
import uuid
from typing import Any, Generic, Literal, Optional, TypeVar, Union

import attrs
import jsonschema
import pytest
from attrs import validators as v

from resourceful.convert.parsers import TIME_PATTERN
from resourceful.fields import field
from resourceful.openapi.schema import (
    JSON_SCHEMA_DIALECT,
    SchemaError,
    SchemaGenerator,
    json_schema,
    schema_name,
)

# -- helpers ---------------------------------------------------------------------


def schema_of(tp: Any) -> dict[str, Any]:
    """The schema of ``tp`` with no named components (scalars and containers)."""
    generator = SchemaGenerator()
    schema = generator.schema(tp)
    assert generator.components == {}
    return schema


def component(cls: type, **options: Any) -> dict[str, Any]:
    generator = SchemaGenerator(**options)
    assert generator.schema(cls) == {"$ref": f"#/components/schemas/{schema_name(cls)}"}
    return generator.components[schema_name(cls)]


def prop(cls: type, name: str) -> dict[str, Any]:
    return component(cls)["properties"][name]


def validator_for(tp: Any) -> jsonschema.Draft202012Validator:
    schema = json_schema(tp)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# -- module-level types (annotations are resolved from this module) -----------


class Color(enum.Enum):
    """A primary colour."""

    RED = "red"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Undocumented(enum.Enum):
    A = "a"


@attrs.define
class Point:
    """A point on the plane.

    Both coordinates are in metres.
    """

    x: int
    y: int = 0


@attrs.define
class Bare:
    x: int


@attrs.define
class Node:
    name: str
    children: list[Node] = attrs.Factory(list)


@attrs.define
class Cat:
    kind: Literal["cat"]
    lives: int


@attrs.define
class Dog:
    kind: Literal["dog"]
    good: bool


@attrs.define
class Circle:
    radius: float


@attrs.define
class Square:
    side: float


T = TypeVar("T")


@attrs.define
class Page(Generic[T]):
    items: list[T]
    total: int


# -- scalars ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tp", "expected"),
    [
        (str, {"type": "string"}),
        (int, {"type": "integer"}),
        (float, {"type": "number"}),
        (bool, {"type": "boolean"}),
        (type(None), {"type": "null"}),
        (None, {"type": "null"}),
        (uuid.UUID, {"type": "string", "format": "uuid"}),
        (datetime.date, {"type": "string", "format": "date"}),
        (datetime.datetime, {"type": "string", "format": "date-time"}),
        (datetime.time, {"type": "string", "pattern": TIME_PATTERN}),
    ],
    ids=lambda value: getattr(value, "__name__", None) if not isinstance(value, dict) else "",
)
def test_scalar_maps_to_its_json_type_and_format(tp: Any, expected: dict[str, Any]) -> None:
    if tp is None:
        tp = type(None)
    assert schema_of(tp) == expected


def test_decimal_is_a_decimal_string_or_a_number() -> None:
    schema = schema_of(decimal.Decimal)
    assert schema["type"] == ["string", "number"]
    assert schema["format"] == "decimal"
    check = validator_for(decimal.Decimal)
    assert check.is_valid("12.50")
    assert check.is_valid(12.5)
    assert not check.is_valid("twelve")
    assert not check.is_valid(True)


@pytest.mark.parametrize(
    "text",
    [
        "12.50",
        "-1",
        "+.5",
        "5.",
        "1e3",
        "-1E+3",
        " 7 ",
        "1_000",
        "1e1_0",
        "_1",
        "1__0",
        "1_",
        "",
        ".",
        "e3",
        "1e",
        "abc",
        "0x1",
        "1.2.3",
        "Infinity",
        "NaN",
        "--1",
        "1 2",
    ],
)
def test_decimal_pattern_matches_exactly_the_strings_binding_accepts(text: str) -> None:
    from resourceful.convert import make_converter

    try:
        make_converter().structure(text, decimal.Decimal)
    except ValueError:
        accepted = False
    else:
        accepted = True
    assert validator_for(decimal.Decimal).is_valid(text) is accepted


def test_any_accepts_everything() -> None:
    assert schema_of(Any) == {}


def test_subclass_of_str_is_a_string() -> None:
    class Name(str):
        pass

    assert schema_of(Name) == {"type": "string"}


def test_newtype_and_annotated_describe_their_underlying_type() -> None:
    user_id = typing.NewType("user_id", int)
    assert schema_of(user_id) == {"type": "integer"}
    assert schema_of(typing.Annotated[str, "meta"]) == {"type": "string"}


# -- Optional, Union, Literal ----------------------------------------------------


def test_optional_scalar_is_a_type_list_with_null() -> None:
    assert schema_of(Optional[int]) == {"type": ["integer", "null"]}  # noqa: UP045
    assert schema_of(int | None) == {"type": ["integer", "null"]}


def test_optional_class_is_any_of_the_ref_and_null() -> None:
    generator = SchemaGenerator()
    assert generator.schema(Optional[Point]) == {  # noqa: UP045
        "anyOf": [{"$ref": "#/components/schemas/Point"}, {"type": "null"}]
    }


def test_union_of_disjoint_types_is_one_of() -> None:
    assert schema_of(Union[int, str]) == {  # noqa: UP007
        "oneOf": [{"type": "integer"}, {"type": "string"}]
    }


def test_union_of_overlapping_types_is_any_of() -> None:
    # 1 is both an integer and a number: oneOf would refuse it.
    schema = schema_of(int | float)
    assert schema == {"anyOf": [{"type": "integer"}, {"type": "number"}]}
    assert validator_for(int | float).is_valid(1)


def test_optional_union_adds_null_as_one_more_branch() -> None:
    assert schema_of(int | str | None) == {
        "oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]
    }


def test_union_of_classes_tagged_by_a_literal_field_has_a_discriminator() -> None:
    generator = SchemaGenerator()
    assert generator.schema(Cat | Dog) == {
        "oneOf": [
            {"$ref": "#/components/schemas/Cat"},
            {"$ref": "#/components/schemas/Dog"},
        ],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    assert generator.components["Cat"]["properties"]["kind"] == {"type": "string", "const": "cat"}


def test_tagged_union_accepts_each_member_and_refuses_a_wrong_tag() -> None:
    check = validator_for(Cat | Dog)
    assert check.is_valid({"kind": "cat", "lives": 9})
    assert check.is_valid({"kind": "dog", "good": True})
    assert not check.is_valid({"kind": "dog", "lives": 9})


def test_tag_literal_with_several_values_maps_each_value() -> None:
    @attrs.define
    class Small:
        size: Literal["xs", "s"]

    @attrs.define
    class Large:
        size: Literal["l"]

    generator = SchemaGenerator()
    schema = generator.schema(Small | Large)
    assert schema["discriminator"] == {
        "propertyName": "size",
        "mapping": {
            "xs": "#/components/schemas/Small",
            "s": "#/components/schemas/Small",
            "l": "#/components/schemas/Large",
        },
    }


def test_union_tagged_by_numbers_is_one_of_without_discriminator() -> None:
    @attrs.define
    class V1:
        version: Literal[1]

    @attrs.define
    class V2:
        version: Literal[2]

    assert SchemaGenerator().schema(V1 | V2) == {
        "oneOf": [{"$ref": "#/components/schemas/V1"}, {"$ref": "#/components/schemas/V2"}]
    }


def test_union_of_tagged_classes_and_a_scalar_nests_the_tagged_part() -> None:
    schema = SchemaGenerator().schema(Cat | Dog | str)
    assert schema["oneOf"][1] == {"type": "string"}
    assert schema["oneOf"][0]["discriminator"]["propertyName"] == "kind"


def test_union_of_untagged_classes_is_any_of() -> None:
    generator = SchemaGenerator()
    assert generator.schema(Circle | Square) == {
        "anyOf": [
            {"$ref": "#/components/schemas/Circle"},
            {"$ref": "#/components/schemas/Square"},
        ]
    }


def test_optional_tagged_union_keeps_its_discriminator_and_allows_null() -> None:
    schema = SchemaGenerator().schema(Cat | Dog | None)
    assert schema["anyOf"][1] == {"type": "null"}
    assert "discriminator" in schema["anyOf"][0]


def test_single_literal_is_a_const() -> None:
    assert schema_of(Literal["on"]) == {"type": "string", "const": "on"}


def test_several_literals_are_an_enum() -> None:
    assert schema_of(Literal[1, 2, 3]) == {"type": "integer", "enum": [1, 2, 3]}


def test_literal_of_mixed_types_is_an_enum_without_type() -> None:
    assert schema_of(Literal["a", 1, None]) == {"enum": ["a", 1, None]}


def test_literal_of_enum_member_is_its_value() -> None:
    assert schema_of(Literal[Color.RED]) == {"type": "string", "const": "red"}


# -- Enum ------------------------------------------------------------------------


def test_enum_is_a_named_component_with_its_values() -> None:
    generator = SchemaGenerator()
    assert generator.schema(Color) == {"$ref": "#/components/schemas/Color"}
    assert generator.components == {
        "Color": {"type": "string", "enum": ["red", "blue"], "description": "A primary colour."}
    }


def test_int_enum_has_integer_values() -> None:
    assert component(Priority) == {"type": "integer", "enum": [1, 2]}


def test_enum_without_docstring_has_no_description() -> None:
    assert component(Undocumented) == {"type": "string", "enum": ["a"]}


# -- containers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "tp",
    [list[int], typing.List[int], collections.abc.Sequence[int]],  # noqa: UP006
    ids=repr,
)
def test_list_is_an_array_of_items(tp: Any) -> None:
    assert schema_of(tp) == {"type": "array", "items": {"type": "integer"}}


def test_bare_list_is_an_array_of_anything() -> None:
    assert schema_of(list) == {"type": "array", "items": {}}


def test_fixed_tuple_uses_prefix_items() -> None:
    assert schema_of(tuple[int, str]) == {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "string"}],
        "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "minItems": 2,
        "maxItems": 2,
    }
    check = validator_for(tuple[int, str])
    assert check.is_valid([1, "a"])
    assert not check.is_valid([1, "a", "b"])
    assert not check.is_valid([1])


def test_variadic_tuple_is_an_array_of_items() -> None:
    assert schema_of(tuple[int, ...]) == {"type": "array", "items": {"type": "integer"}}


def test_set_is_an_array_of_unique_items() -> None:
    assert schema_of(set[str]) == {
        "type": "array",
        "items": {"type": "string"},
        "uniqueItems": True,
    }


def test_frozenset_is_an_array_of_unique_items() -> None:
    assert schema_of(frozenset[int]) == {
        "type": "array",
        "items": {"type": "integer"},
        "uniqueItems": True,
    }


def test_dict_is_an_object_of_additional_properties() -> None:
    assert schema_of(dict[str, float]) == {
        "type": "object",
        "additionalProperties": {"type": "number"},
    }


def test_dict_with_int_keys_describes_the_key_strings() -> None:
    assert schema_of(dict[int, str]) == {
        "type": "object",
        "propertyNames": {"type": "string", "pattern": "^[+-]?[0-9]+$"},
        "additionalProperties": {"type": "string"},
    }
    check = validator_for(dict[int, str])
    assert check.is_valid({"-3": "a", "+4": "b"})
    assert not check.is_valid({"3.5": "a"})


def test_dict_with_enum_keys_lists_the_key_strings() -> None:
    assert schema_of(dict[Color, int]) == {
        "type": "object",
        "propertyNames": {"type": "string", "enum": ["red", "blue"]},
        "additionalProperties": {"type": "integer"},
    }
    assert schema_of(dict[Priority, int])["propertyNames"] == {"type": "string", "enum": ["1", "2"]}


def test_dict_with_literal_keys_lists_the_key_strings() -> None:
    assert schema_of(dict[Literal["a", True], int])["propertyNames"] == {
        "type": "string",
        "enum": ["a", "true"],
    }


def test_dict_with_uuid_keys_gives_the_key_format() -> None:
    assert schema_of(dict[uuid.UUID, int])["propertyNames"] == {"type": "string", "format": "uuid"}


def test_dict_with_float_keys_takes_any_key_string() -> None:
    assert schema_of(dict[float, int]) == {
        "type": "object",
        "additionalProperties": {"type": "integer"},
    }


# -- attrs classes -------------------------------------------------------------------


def test_class_is_a_named_object_with_properties_and_required_fields() -> None:
    assert component(Point) == {
        "type": "object",
        "description": "A point on the plane.\n\nBoth coordinates are in metres.",
        "properties": {"x": {"type": "integer"}, "y": {"type": "integer", "default": 0}},
        "required": ["x"],
        "additionalProperties": False,
    }


def test_class_without_docstring_has_no_description() -> None:
    assert "description" not in component(Bare)


def test_unknown_fields_are_allowed_when_binding_ignores_them() -> None:
    assert "additionalProperties" not in component(Point, forbid_unknown_fields=False)


def test_nested_class_is_a_ref_to_its_component() -> None:
    @attrs.define
    class Line:
        start: Point
        end: Point

    generator = SchemaGenerator()
    generator.schema(Line)
    assert generator.components["Line"]["properties"] == {
        "start": {"$ref": "#/components/schemas/Point"},
        "end": {"$ref": "#/components/schemas/Point"},
    }
    assert list(generator.components) == ["Line", "Point"]


def test_recursive_class_refers_to_itself() -> None:
    generator = SchemaGenerator()
    generator.schema(Node)
    assert generator.components["Node"]["properties"]["children"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Node"},
        "default": [],
    }
    check = validator_for(Node)
    assert check.is_valid({"name": "a", "children": [{"name": "b", "children": []}]})
    assert not check.is_valid({"name": "a", "children": [{"children": []}]})


def test_generic_class_is_named_after_its_arguments() -> None:
    generator = SchemaGenerator()
    assert generator.schema(Page[Point]) == {"$ref": "#/components/schemas/Page_Point"}
    assert generator.components["Page_Point"]["properties"]["items"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Point"},
    }


def test_renamed_field_uses_its_wire_name() -> None:
    @attrs.define
    class Item:
        quantity: int = field(name="qty")

    schema = component(Item)
    assert schema["properties"] == {"qty": {"type": "integer"}}
    assert schema["required"] == ["qty"]


def test_field_with_default_is_not_required() -> None:
    @attrs.define
    class Query:
        page: int = 1
        size: int = attrs.field(default=10)

    assert "required" not in component(Query)


def test_field_left_out_of_init_is_not_described() -> None:
    @attrs.define
    class Counter:
        start: int
        current: int = attrs.field(init=False, default=0)

    assert list(component(Counter)["properties"]) == ["start"]


def test_default_is_unstructured_to_json() -> None:
    @attrs.define
    class Settings:
        color: Color = Color.BLUE
        when: datetime.date = datetime.date(2024, 1, 31)
        price: decimal.Decimal = decimal.Decimal("9.99")

    properties = component(Settings)["properties"]
    assert properties["color"]["default"] == "blue"
    assert properties["when"]["default"] == "2024-01-31"
    assert properties["price"]["default"] == "9.99"


def test_naive_datetime_default_has_the_utc_offset_like_responses() -> None:
    @attrs.define
    class Window:
        start: datetime.datetime = datetime.datetime(2024, 1, 31, 8, 30)

    assert prop(Window, "start") == {
        "type": "string",
        "format": "date-time",
        "default": "2024-01-31T08:30:00+00:00",
    }


def test_default_goes_through_the_given_unstructure_function() -> None:
    generator = SchemaGenerator(unstructure=lambda value: f"<{value}>")
    generator.schema(Point)
    assert generator.components["Point"]["properties"]["y"]["default"] == "<0>"


def test_empty_container_factory_is_a_default() -> None:
    @attrs.define
    class Bag:
        items: list[int] = attrs.Factory(list)
        names: dict[str, int] = attrs.field(factory=dict)

    properties = component(Bag)["properties"]
    assert properties["items"]["default"] == []
    assert properties["names"]["default"] == {}


def test_other_factories_are_not_called_for_a_default() -> None:
    @attrs.define
    class Stamp:
        id: uuid.UUID = attrs.Factory(uuid.uuid4)
        copy: int = attrs.Factory(lambda self: self.id.int, takes_self=True)

    properties = component(Stamp)["properties"]
    assert "default" not in properties["id"]
    assert "default" not in properties["copy"]
    assert "required" not in component(Stamp)


def test_field_description_examples_and_deprecated_are_shown() -> None:
    @attrs.define
    class Todo:
        title: str = field(description="What to do.", examples=["Buy milk"])
        color: Color = field(default=Color.RED, examples=[Color.BLUE], deprecated=True)

    properties = component(Todo)["properties"]
    assert properties["title"] == {
        "type": "string",
        "description": "What to do.",
        "examples": ["Buy milk"],
    }
    assert properties["color"] == {
        "$ref": "#/components/schemas/Color",
        "default": "red",
        "deprecated": True,
        "examples": ["blue"],
    }


def test_unannotated_field_is_an_error_naming_it() -> None:
    loose = attrs.make_class("Loose", ["x"])
    with pytest.raises(SchemaError) as info:
        component(loose)
    assert str(info.value) == (
        "field Loose.x has no type annotation, so its schema is unknown. Annotate it, for"
        " example `x: str = attrs.field()`."
    )


def test_unsupported_type_is_an_error_naming_the_field() -> None:
    @attrs.define
    class Upload:
        data: bytes

    with pytest.raises(SchemaError) as info:
        component(Upload)
    assert str(info.value) == (
        "cannot describe the type bytes (in field"
        " test_unsupported_type_is_an_error_naming_the_field.<locals>.Upload.data) in JSON"
        " Schema. Use an attrs class, an Enum, a builtin scalar (str, int, float, bool, Decimal,"
        " UUID, date, datetime, time), Literal, Optional, Union or a list/tuple/set/frozenset/dict"
        " of those; or give its schema with SchemaGenerator(type_schemas={type: {...}})."
    )


def test_type_schemas_describe_types_the_generator_does_not_know() -> None:
    generator = SchemaGenerator(type_schemas={bytes: {"type": "string", "format": "byte"}})
    assert generator.schema(list[bytes]) == {
        "type": "array",
        "items": {"type": "string", "format": "byte"},
    }


def test_unresolvable_annotation_is_an_error_naming_the_class() -> None:
    @attrs.define
    class Broken:
        x: Missing  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(SchemaError) as info:
        component(Broken)
    assert str(info.value) == (
        f"cannot resolve the annotations of {Broken.__module__}.{Broken.__qualname__}: name"
        " 'Missing' is not defined. Every name used in an annotation must be importable from"
        " the class's module (define or import it at module level, not inside a function)."
    )


# -- validators ------------------------------------------------------------------------


def field_schema(tp: Any, validator: Any) -> dict[str, Any]:
    """The schema of one field of type ``tp`` with ``validator``."""
    cls = attrs.make_class("Model", {"value": attrs.field(type=tp, validator=validator)})
    return component(cls)["properties"]["value"]


@pytest.mark.parametrize(
    ("validator", "keyword"),
    [
        (v.ge(1), "minimum"),
        (v.gt(1), "exclusiveMinimum"),
        (v.le(1), "maximum"),
        (v.lt(1), "exclusiveMaximum"),
    ],
    ids=["ge", "gt", "le", "lt"],
)
def test_number_bound_becomes_its_keyword(validator: Any, keyword: str) -> None:
    assert field_schema(int, validator) == {"type": "integer", keyword: 1}


def test_decimal_bound_on_a_float_is_a_number() -> None:
    assert field_schema(float, v.ge(decimal.Decimal("0.5"))) == {"type": "number", "minimum": 0.5}


def test_bound_json_schema_cannot_express_is_left_out() -> None:
    assert field_schema(datetime.date, v.ge(datetime.date(2000, 1, 1))) == {
        "type": "string",
        "format": "date",
    }


def test_min_and_max_len_on_a_string_are_lengths() -> None:
    assert field_schema(str, [v.min_len(1), v.max_len(5)]) == {
        "type": "string",
        "minLength": 1,
        "maxLength": 5,
    }


def test_min_and_max_len_on_a_list_are_item_counts() -> None:
    assert field_schema(list[int], [v.min_len(1), v.max_len(5)]) == {
        "type": "array",
        "items": {"type": "integer"},
        "minItems": 1,
        "maxItems": 5,
    }


def test_min_and_max_len_on_a_dict_are_property_counts() -> None:
    assert field_schema(dict[str, int], [v.min_len(1), v.max_len(5)]) == {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "minProperties": 1,
        "maxProperties": 5,
    }


def test_matches_re_full_match_is_an_anchored_pattern() -> None:
    assert field_schema(str, v.matches_re(r"[a-z]+|x")) == {
        "type": "string",
        "pattern": "^(?:[a-z]+|x)$",
    }


def test_matches_re_search_is_an_unanchored_pattern() -> None:
    assert field_schema(str, v.matches_re(r"[a-z]", func=re.search)) == {
        "type": "string",
        "pattern": "[a-z]",
    }


def test_matches_re_match_is_anchored_at_the_start() -> None:
    assert field_schema(str, v.matches_re(r"[a-z]", func=re.match)) == {
        "type": "string",
        "pattern": "^(?:[a-z])",
    }


def test_matches_re_with_flags_has_no_pattern() -> None:
    assert field_schema(str, v.matches_re(r"[a-z]+", flags=re.IGNORECASE)) == {"type": "string"}


def test_in_becomes_an_enum() -> None:
    assert field_schema(str, v.in_(["a", "b"])) == {"type": "string", "enum": ["a", "b"]}


def test_in_with_a_set_is_a_sorted_enum() -> None:
    assert field_schema(str, v.in_({"c", "a", "b"})) == {"type": "string", "enum": ["a", "b", "c"]}


def test_in_with_an_enum_class_lists_its_values() -> None:
    assert field_schema(str, v.in_(Color)) == {"type": "string", "enum": ["red", "blue"]}


def test_in_with_a_substring_test_is_left_out() -> None:
    assert field_schema(str, v.in_("abc")) == {"type": "string"}


def test_optional_validator_constrains_the_value_and_keeps_null() -> None:
    assert field_schema(Optional[int], v.optional(v.in_([1, 2]))) == {  # noqa: UP045
        "type": ["integer", "null"],
        "enum": [1, 2, None],
    }
    assert field_schema(int | None, v.optional([v.ge(0), v.le(9)])) == {
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": 9,
    }


def test_and_combines_constraints() -> None:
    assert field_schema(int, v.and_(v.ge(0), v.lt(10))) == {
        "type": "integer",
        "minimum": 0,
        "exclusiveMaximum": 10,
    }


def test_deep_iterable_constrains_items_and_the_list() -> None:
    schema = field_schema(list[str], v.deep_iterable(v.min_len(1), v.max_len(3)))
    assert schema == {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "maxItems": 3,
    }


def test_deep_iterable_inside_optional_constrains_the_items() -> None:
    schema = field_schema(Optional[list[int]], v.optional(v.deep_iterable(v.ge(0))))  # noqa: UP045
    assert schema == {
        "type": ["array", "null"],
        "items": {"type": "integer", "minimum": 0},
    }


def test_deep_mapping_constrains_keys_and_values() -> None:
    schema = field_schema(
        dict[str, int],
        v.deep_mapping(key_validator=v.max_len(3), value_validator=v.ge(0)),
    )
    assert schema == {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0},
        "propertyNames": {"type": "string", "maxLength": 3},
    }


def test_validator_with_no_json_form_adds_nothing() -> None:
    def even(instance: Any, attribute: Any, value: int) -> None:
        if value % 2:
            raise ValueError("odd")

    assert field_schema(int, [v.instance_of(int), even]) == {"type": "integer"}


# -- names -------------------------------------------------------------------------------


def make_class(name: str, module: str, **namespace: Any) -> type:
    cls = attrs.make_class(name, {"x": attrs.field(type=int)})
    cls.__module__ = module
    for key, value in namespace.items():
        setattr(cls, key, value)
    return cls


def test_two_classes_with_one_name_are_an_error_naming_both() -> None:
    first = make_class("Item", "shop.orders")
    second = make_class("Item", "shop.catalog")

    both = attrs.make_class("Both", {"a": attrs.field(type=first), "b": attrs.field(type=second)})

    with pytest.raises(SchemaError) as info:
        SchemaGenerator().schema(both)
    assert str(info.value) == (
        "two different classes have the schema name 'Item': shop.orders.Item and"
        " shop.catalog.Item. Schema names must be unique in one document; rename one by setting"
        " a class attribute, for example __schema_name__ = 'CatalogItem' in the body of"
        " shop.catalog.Item."
    )


def test_schema_name_attribute_renames_the_component() -> None:
    first = make_class("Item", "shop.orders")
    second = make_class("Item", "shop.catalog", __schema_name__="CatalogItem")
    generator = SchemaGenerator()
    assert generator.schema(first) == {"$ref": "#/components/schemas/Item"}
    assert generator.schema(second) == {"$ref": "#/components/schemas/CatalogItem"}
    assert list(generator.components) == ["CatalogItem", "Item"]


def test_schema_name_is_not_inherited() -> None:
    @attrs.define
    class Base:
        __schema_name__ = "BaseThing"
        x: int

    @attrs.define
    class Child(Base):
        pass

    assert schema_name(Base) == "BaseThing"
    assert schema_name(Child) == "Child"


def test_invalid_schema_name_is_an_error() -> None:
    cls = make_class("Item", "shop", __schema_name__="my item")
    with pytest.raises(SchemaError) as info:
        schema_name(cls)
    assert str(info.value) == (
        "shop.Item.__schema_name__ is 'my item', which is not a valid schema name. Use a string"
        " of letters, digits, '.', '-' and '_', for example __schema_name__ = 'Item'."
    )


# -- standalone schemas and determinism -------------------------------------------------


def test_json_schema_is_a_standalone_document_with_defs() -> None:
    schema = json_schema(Point)
    assert schema["$schema"] == JSON_SCHEMA_DIALECT
    assert schema["$ref"] == "#/$defs/Point"
    assert set(schema["$defs"]) == {"Point"}
    jsonschema.Draft202012Validator.check_schema(schema)


def test_json_schema_validates_what_binding_accepts() -> None:
    check = validator_for(Point)
    assert check.is_valid({"x": 1})
    assert not check.is_valid({"x": "1"})
    assert not check.is_valid({"x": 1, "z": 2})
    assert not check.is_valid({"y": 1})


DETERMINISM_SCRIPT = textwrap.dedent(
    """
    import json, attrs
    from attrs import validators as v
    from resourceful.openapi.schema import json_schema

    @attrs.define
    class Leaf:
        tag: str = attrs.field(validator=v.in_({"alpha", "beta", "gamma", "delta"}))
        tags: frozenset[str] = frozenset({"x", "y", "z", "w"})

    @attrs.define
    class Tree:
        leaves: list[Leaf]
        by_name: dict[str, Leaf] = attrs.Factory(dict)
        parent: "Tree | None" = None

    print(json.dumps(json_schema(Tree)))
    """
)


@pytest.mark.slow
def test_generating_twice_gives_byte_identical_json() -> None:
    outputs = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    document = json.loads(outputs.pop())
    assert document["$defs"]["Leaf"]["properties"]["tag"]["enum"] == [
        "alpha",
        "beta",
        "delta",
        "gamma",
    ]


# -- agreement with binding ----------------------------------------------------------------


@attrs.define
class Order:
    """Everything binding accepts, described once."""

    sku: str = field(validator=v.matches_re(r"[A-Z]{3}-[0-9]+"))
    quantity: int = field(name="qty", default=1, validator=[v.ge(1), v.le(99)])
    price: decimal.Decimal | None = None
    tags: list[str] = field(factory=list, validator=v.deep_iterable(v.min_len(1), v.max_len(3)))
    size: Literal["s", "m", "l"] = "m"
    color: Color | None = None
    when: datetime.date | None = None
    pair: tuple[int, str] | None = None
    pet: Cat | Dog | None = None
    extra: dict[str, int] = attrs.Factory(dict)


AGREEMENT_CASES = [
    {"sku": "ABC-1"},
    {"sku": "ABC-1", "qty": 99, "price": "1.50", "tags": ["a"], "size": "l"},
    {"sku": "ABC-1", "price": 2, "color": "blue", "when": "2024-02-29"},
    {"sku": "ABC-1", "pair": [1, "x"], "pet": {"kind": "cat", "lives": 9}},
    {"sku": "ABC-1", "pet": None, "extra": {"a": 1}},
    {},
    {"sku": "abc-1"},
    {"sku": "ABC-1x"},
    {"sku": "ABC-1", "qty": 0},
    {"sku": "ABC-1", "qty": 100},
    {"sku": "ABC-1", "qty": "1"},
    {"sku": "ABC-1", "qty": True},
    {"sku": "ABC-1", "qty": 1.5},
    {"sku": "ABC-1", "quantity": 1},
    {"sku": "ABC-1", "tags": ["a", "b", "c", "d"]},
    {"sku": "ABC-1", "tags": [""]},
    {"sku": "ABC-1", "tags": "a"},
    {"sku": "ABC-1", "size": "xl"},
    {"sku": "ABC-1", "color": "green"},
    {"sku": "ABC-1", "pair": [1]},
    {"sku": "ABC-1", "pair": ["1", "x"]},
    {"sku": "ABC-1", "pet": {"kind": "cow"}},
    {"sku": "ABC-1", "pet": {"kind": "dog", "lives": 9}},
    {"sku": "ABC-1", "extra": {"a": "1"}},
    {"sku": "ABC-1", "price": "1,5"},
    {"sku": "ABC-1", "price": False},
    {"sku": 5},
    [],
    "ABC-1",
    None,
]


@pytest.mark.parametrize("value", AGREEMENT_CASES, ids=[json.dumps(c) for c in AGREEMENT_CASES])
def test_schema_accepts_exactly_what_binding_accepts(value: Any) -> None:
    from resourceful.convert import make_converter

    try:
        make_converter().structure(value, Order)
    except ValueError:
        accepted = False
    else:
        accepted = True
    assert validator_for(Order).is_valid(value) is accepted


# -- values parsed from text (query, header, cookie, path, form) -----------------------------------


def test_text_schema_of_optional_value_is_the_schema_of_its_type() -> None:
    assert SchemaGenerator().text_schema(int | None) == {"type": "integer"}


def test_text_schema_of_optional_string_is_a_string() -> None:
    assert SchemaGenerator().text_schema(str | None) == {"type": "string"}


def test_text_schema_of_required_value_is_its_schema() -> None:
    assert SchemaGenerator().text_schema(int) == {"type": "integer"}


def test_text_fields_drop_null_from_enums_and_defaults() -> None:
    @attrs.define
    class Filters:
        size: int | None = attrs.field(default=None, validator=v.optional(v.in_([1, 2])))
        name: str | None = None

    fields = {f.wire_name: f.schema for f in SchemaGenerator().fields(Filters, text=True)}
    assert fields == {
        "size": {"type": "integer", "enum": [1, 2]},
        "name": {"type": "string"},
    }


def test_fields_describe_each_field_with_its_wire_name_and_requiredness() -> None:
    @attrs.define
    class Group:
        trace_id: str = field(name="traceId", description="Trace.")
        span: int = 0

    fields = SchemaGenerator().fields(Group)
    assert [(f.wire_name, f.required, f.schema) for f in fields] == [
        ("traceId", True, {"type": "string", "description": "Trace."}),
        ("span", False, {"type": "integer", "default": 0}),
    ]


class Shape(enum.Enum):
    ROUND = "round"
    BOXY = "boxy"


def test_union_tagged_by_enum_literals_maps_the_enum_values() -> None:
    @attrs.define
    class Ball:
        shape: Literal[Shape.ROUND]

    @attrs.define
    class Crate:
        shape: Literal[Shape.BOXY]

    schema = SchemaGenerator().schema(Ball | Crate)
    assert schema["discriminator"] == {
        "propertyName": "shape",
        "mapping": {"round": "#/components/schemas/Ball", "boxy": "#/components/schemas/Crate"},
    }


def test_union_tag_is_the_first_literal_field_that_tells_the_classes_apart() -> None:
    # ``version`` is a Literal in both but shared, so ``kind`` is the tag: the rule binding uses.
    @attrs.define
    class Apple:
        version: Literal[1]
        kind: Literal["apple"]

    @attrs.define
    class Pear:
        version: Literal[1]
        kind: Literal["pear"]

    schema = SchemaGenerator().schema(Apple | Pear)
    assert schema["discriminator"]["propertyName"] == "kind"
