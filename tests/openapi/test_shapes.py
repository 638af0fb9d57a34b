"""Input and output shapes, names, checked defaults, schema hooks and document metadata."""

from __future__ import annotations

import decimal
import re
from typing import Any, Generic, Optional, TypeVar

import attrs
import pytest
from attrs import validators as v
from openapi_spec_validator import validate

from resourceful import App, field
from resourceful.openapi import SchemaGenerator, register_schema_hook
from resourceful.openapi.names import SchemaError
from resourceful.resources import Resource

T = TypeVar("T")


@attrs.define
class Item:
    """An item."""

    name: str
    done: bool = False


@attrs.define
class Plain:
    name: str


@attrs.define
class Price:
    amount: decimal.Decimal


@attrs.define
class Box(Generic[T]):
    value: T


@attrs.define
class Account:
    id: int = field(default=0, read_only=True)
    password: str = field(default="", write_only=True)
    name: str = ""


def document(app: App) -> dict[str, Any]:
    result = app.openapi()
    validate(result)
    return result


def schemas(app: App) -> dict[str, Any]:
    return document(app)["components"]["schemas"]  # type: ignore[no-any-return]


def test_response_class_lists_fields_with_defaults_as_required(app: App) -> None:
    class Items(Resource):
        def list(self) -> list[Item]:
            return [Item("milk")]

    app.add_resource(Items, "/items/")
    assert schemas(app)["Item"]["required"] == ["name", "done"]
    assert "default" not in schemas(app)["Item"]["properties"]["done"]


def test_class_in_both_directions_gets_two_components_when_its_shapes_differ(app: App) -> None:
    class Items(Resource):
        def create(self, body: Item) -> Item:
            return body

    app.add_resource(Items, "/items/")
    found = schemas(app)
    assert set(found) >= {"ItemInput", "Item"}
    assert "ItemOutput" not in found
    assert found["ItemInput"]["required"] == ["name"]
    assert found["Item"]["required"] == ["name", "done"]
    operation = document(app)["paths"]["/items/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ItemInput"}
    success = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert success == {"$ref": "#/components/schemas/Item"}


def test_class_with_one_shape_keeps_one_component_in_both_directions(app: App) -> None:
    class Plains(Resource):
        def create(self, body: Plain) -> Plain:
            return body

    app.add_resource(Plains, "/plains/")
    found = schemas(app)
    assert "Plain" in found
    assert not {"PlainInput", "PlainOutput"} & set(found)


def test_decimal_in_a_response_is_the_string_the_renderer_writes(app: App) -> None:
    class Prices(Resource):
        def create(self, body: Price) -> Price:
            return body

    app.add_resource(Prices, "/prices/")
    found = schemas(app)
    assert found["Price"]["properties"]["amount"] == {"type": "string", "format": "decimal"}
    assert found["PriceInput"]["properties"]["amount"]["type"] == ["string", "number"]
    response = app.test_client().post("/prices/", json={"amount": 1.5})
    assert response.get_json() == {"amount": "1.5"}


def test_optional_and_union_with_none_arguments_give_one_schema_name() -> None:
    generator = SchemaGenerator()
    first = generator.schema(Box[int | None])
    second = generator.schema(Box[Optional[int]])  # noqa: UP045 - the spelling under test
    assert first == second == {"$ref": "#/components/schemas/Box_Optional_int"}
    assert list(generator.components) == ["Box_Optional_int"]


def test_read_only_and_write_only_fields_are_marked_in_each_shape(app: App) -> None:
    class Accounts(Resource):
        def create(self, body: Account) -> Account:
            return body

    app.add_resource(Accounts, "/accounts/")
    found = schemas(app)
    for shape in ("AccountInput", "Account"):
        properties = found[shape]["properties"]
        assert list(properties) == ["id", "password", "name"]
        assert properties["id"]["readOnly"] is True
        assert properties["password"]["writeOnly"] is True
    assert "required" not in found["AccountInput"]
    # The renderer leaves the write-only password out, so responses do not require it.
    assert found["Account"]["required"] == ["id", "name"]


def test_field_cannot_be_read_only_and_write_only() -> None:
    with pytest.raises(ValueError, match="keep one of the two"):
        field(read_only=True, write_only=True)


# -- schema hooks -----------------------------------------------------------------------------


class Money:
    def __init__(self, text: str) -> None:
        self.text = text


def test_schema_hook_registered_on_the_app_describes_a_custom_type(app: App) -> None:
    app.converter.register_unstructure_hook(Money, lambda money: money.text)
    app.converter.register_structure_hook(Money, lambda value, _: Money(value))
    register_schema_hook(
        app, lambda tp: tp is Money, lambda tp, gen: {"type": "string", "pattern": "^[0-9.]+$"}
    )

    class Wallet(Resource):
        def list(self) -> list[Money]:
            return [Money("1.50")]

    app.add_resource(Wallet, "/wallet/")
    success = document(app)["paths"]["/wallet/"]["get"]["responses"]["200"]
    assert success["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "pattern": "^[0-9.]+$"},
    }


def test_later_schema_hook_wins_over_a_built_in_one() -> None:
    generator = SchemaGenerator()
    generator.register_schema_hook(int, lambda tp, gen: {"type": "integer", "format": "int64"})
    assert generator.schema(list[int]) == {
        "type": "array",
        "items": {"type": "integer", "format": "int64"},
    }


def test_schema_hook_can_describe_the_parts_of_its_type() -> None:
    @attrs.define
    class Wrapped(Generic[T]):
        inner: T

    generator = SchemaGenerator()
    generator.register_schema_hook(
        lambda tp: getattr(tp, "__origin__", None) is Wrapped,
        lambda tp, gen: gen.schema(tp.__args__[0]),
    )
    assert generator.schema(Wrapped[Item]) == {"$ref": "#/components/schemas/Item"}
    assert "Item" in generator.components


# -- patterns -------------------------------------------------------------------------------------


def test_unicode_digit_class_is_not_published_as_an_ascii_pattern() -> None:
    @attrs.define
    class Code:
        unicode: str = attrs.field(validator=v.matches_re(r"\d+"))
        ascii: str = attrs.field(validator=v.matches_re(r"\d+", flags=re.ASCII))

    generator = SchemaGenerator()
    generator.schema(Code)
    properties = generator.components["Code"]["properties"]
    assert properties["unicode"] == {"type": "string"}
    assert properties["ascii"] == {"type": "string", "pattern": "^(?:\\d+)$"}


# -- tags and metadata --------------------------------------------------------------------------


def test_explicit_tags_are_listed_with_the_class_description(app: App) -> None:
    class Things(Resource):
        """Things to keep.

        Not part of the tag description.
        """

        tags = ("things", "stuff")

        def list(self) -> list[Plain]:
            return []

    app.add_resource(Things, "/things/")
    assert document(app)["tags"] == [
        {"name": "things", "description": "Things to keep."},
        {"name": "stuff", "description": "Things to keep."},
    ]


def test_configured_tags_come_first_with_their_own_description(app: App) -> None:
    class Things(Resource):
        """Things to keep."""

        tags = ("things",)

        def list(self) -> list[Plain]:
            return []

    app.add_resource(Things, "/things/")
    app.config["OPENAPI_TAGS"] = [
        {"name": "admin", "description": "For operators."},
        {"name": "things", "description": "Everything we keep."},
    ]
    assert document(app)["tags"] == app.config["OPENAPI_TAGS"]


def test_document_metadata_comes_from_config(app: App) -> None:
    app.config.update(
        OPENAPI_CONTACT={"name": "API team", "email": "api@example.com"},
        OPENAPI_LICENSE="MIT",
        OPENAPI_TERMS_OF_SERVICE="https://example.com/terms",
        OPENAPI_EXTERNAL_DOCS="https://example.com/guide",
        OPENAPI_SECURITY=[{"bearer": []}],
        OPENAPI_SECURITY_SCHEMES={"bearer": {"type": "http", "scheme": "bearer"}},
    )
    result = document(app)
    assert result["info"] == {
        "title": "test_app",
        "termsOfService": "https://example.com/terms",
        "contact": {"name": "API team", "email": "api@example.com"},
        "license": {"name": "MIT", "identifier": "MIT"},
        "version": "0.1.0",
    }
    assert result["security"] == [{"bearer": []}]
    assert result["externalDocs"] == {"url": "https://example.com/guide"}


@attrs.define
class ItemInput:
    title: str


def test_input_name_taken_by_another_class_is_an_error_naming_both(app: App) -> None:
    class Items(Resource):
        def create(self, body: Item) -> Item:
            return body

        def list(self, body: ItemInput) -> list[Item]:
            return []

    app.add_resource(Items, "/items/")
    with pytest.raises(SchemaError) as info:
        app.openapi()
    assert str(info.value).startswith(
        "two different classes have the schema name 'ItemInput': test_shapes.ItemInput and"
        " test_shapes.Item."
    )
