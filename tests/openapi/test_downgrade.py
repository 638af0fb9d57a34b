"""OpenAPI 3.0.3 documents downgraded from the 3.1 model (resourceful.openapi.downgrade)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rich_app
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from resourceful import App
from resourceful.openapi.downgrade import NULL_BRANCH, OPENAPI_30_VERSION, to_openapi_30

ROOT = Path(__file__).resolve().parents[2]
NULL = dict(NULL_BRANCH)


def document_with(schema: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"S": schema}},
    }


def downgraded(schema: Any) -> Any:
    return to_openapi_30(document_with(schema))["components"]["schemas"]["S"]


# -- schemas, one keyword at a time ----------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        # Types with null.
        ({"type": ["integer", "null"]}, {"type": "integer", "nullable": True}),
        ({"type": "null"}, {"enum": [None]}),
        (
            {"type": ["string", "null"], "format": "date", "default": None},
            {"type": "string", "nullable": True, "format": "date", "default": None},
        ),
        # Several types: one branch per type, with the keywords of that type.
        (
            {
                "type": ["string", "number"],
                "format": "decimal",
                "pattern": "^[0-9]+$",
                "minimum": 1,
            },
            {
                "anyOf": [
                    {"type": "string", "pattern": "^[0-9]+$"},
                    {"type": "number", "minimum": 1},
                ],
                "format": "decimal",
            },
        ),
        (
            {"type": ["string", "number", "null"]},
            {"anyOf": [{"type": "string"}, {"type": "number"}, NULL]},
        ),
        # Unions with a null branch.
        (
            {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]},
            {"type": "array", "nullable": True, "items": {"type": "string"}},
        ),
        (
            {"anyOf": [{"$ref": "#/components/schemas/S"}, {"type": "null"}], "default": None},
            {"anyOf": [{"$ref": "#/components/schemas/S"}, NULL], "default": None},
        ),
        (
            {"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
            {"oneOf": [{"type": "integer"}, {"type": "string"}, NULL]},
        ),
        (
            {"anyOf": [{"type": "string", "enum": ["s", "m"]}, {"type": "null"}]},
            {"type": "string", "nullable": True, "enum": ["s", "m", None]},
        ),
        # A branch is not merged into a parent that has the same keyword.
        (
            {
                "anyOf": [{"type": "string", "description": "b"}, {"type": "null"}],
                "description": "a",
            },
            {"anyOf": [{"type": "string", "description": "b"}, NULL], "description": "a"},
        ),
        # const and examples.
        ({"type": "integer", "const": 1}, {"type": "integer", "enum": [1]}),
        ({"const": None}, {"enum": [None]}),
        ({"type": "string", "examples": ["a", "b"]}, {"type": "string", "example": "a"}),
        ({"type": "string", "examples": []}, {"type": "string"}),
        # Numeric exclusive bounds: 3.0's flag form, keeping the stricter bound.
        (
            {"type": "number", "exclusiveMinimum": 0},
            {"type": "number", "minimum": 0, "exclusiveMinimum": True},
        ),
        (
            {
                "type": "number",
                "minimum": 5,
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 9,
                "maximum": 9,
            },
            {"type": "number", "minimum": 5, "maximum": 9, "exclusiveMaximum": True},
        ),
        ({"type": "number", "maximum": 3, "exclusiveMaximum": 9}, {"type": "number", "maximum": 3}),
        # Binary content.
        (
            {"type": "string", "contentMediaType": "application/octet-stream"},
            {"type": "string", "format": "binary"},
        ),
        (
            {"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"},
            {"type": "string", "format": "byte"},
        ),
        (
            {"type": "string", "contentEncoding": "base32"},
            {
                "type": "string",
                "description": 'OpenAPI 3.0 has no `contentEncoding`: left out "base32".',
            },
        ),
        # Boolean schemas.
        (True, {}),
        (False, {"not": {}}),
        (
            {
                "type": "object",
                "properties": {"a": True, "b": False},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"a": {}, "b": {"not": {}}},
                "additionalProperties": False,
            },
        ),
        # A reference with siblings: 3.0 would ignore them.
        (
            {"$ref": "#/components/schemas/S", "description": "The parent.", "default": "dark"},
            {
                "allOf": [{"$ref": "#/components/schemas/S"}],
                "description": "The parent.",
                "default": "dark",
            },
        ),
        ({"$ref": "#/components/schemas/S"}, {"$ref": "#/components/schemas/S"}),
        # Arrays need items in 3.0.
        ({"type": "array", "maxItems": 0}, {"type": "array", "maxItems": 0, "items": {}}),
        # Identifiers and comments change nothing and go silently.
        ({"type": "string", "$comment": "x", "$id": "y"}, {"type": "string"}),
        # 3.0 keywords and extensions pass as they are.
        (
            {"type": "string", "readOnly": True, "deprecated": True, "x-order": 1, "title": "T"},
            {"type": "string", "readOnly": True, "deprecated": True, "x-order": 1, "title": "T"},
        ),
    ],
)
def test_schema_keyword_becomes_its_30_form(schema: Any, expected: Any) -> None:
    assert downgraded(schema) == expected


def test_tuple_is_an_array_of_any_of_its_items_with_a_note() -> None:
    schema = {
        "type": "array",
        "prefixItems": [{"type": "number"}, {"$ref": "#/components/schemas/S"}],
        "items": False,
        "minItems": 2,
        "maxItems": 2,
    }
    assert downgraded(schema) == {
        "type": "array",
        "items": {"anyOf": [{"type": "number"}, {"$ref": "#/components/schemas/S"}]},
        "minItems": 2,
        "maxItems": 2,
        "description": "OpenAPI 3.0 cannot give each position of an array its own schema;"
        " in order, the items are: number, S.",
    }


def test_tuple_of_one_type_has_that_item_schema() -> None:
    schema = {
        "type": "array",
        "description": "A point.",
        "prefixItems": [{"type": "number"}, {"type": "number"}],
        "items": False,
        "minItems": 2,
        "maxItems": 2,
    }
    assert downgraded(schema) == {
        "type": "array",
        "description": "A point.\n\nOpenAPI 3.0 cannot give each position of an array its own"
        " schema; in order, the items are: number, number.",
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 2,
    }


def test_tuple_closed_by_max_items_has_no_items_after_its_positions() -> None:
    # What the generator writes for tuple[float, float]: prefixItems bounded by maxItems.
    schema = {
        "type": "array",
        "prefixItems": [{"type": "number"}, {"type": "number"}],
        "minItems": 2,
        "maxItems": 2,
    }
    assert downgraded(schema) == {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 2,
        "description": "OpenAPI 3.0 cannot give each position of an array its own schema;"
        " in order, the items are: number, number.",
    }


def test_tuple_open_at_the_end_says_what_may_follow() -> None:
    schema = {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}}
    assert downgraded(schema) == {
        "type": "array",
        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "description": "OpenAPI 3.0 cannot give each position of an array its own schema;"
        " in order, the items are: string, then any number of integer.",
    }


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("propertyNames", {"type": "string", "pattern": "^[0-9]+$"}),
        ("patternProperties", {"^x": {"type": "string"}}),
        ("dependentRequired", {"a": ["b"]}),
        ("dependentSchemas", {"a": {"required": ["b"]}}),
        ("unevaluatedProperties", False),
        ("if", {"required": ["a"]}),
        ("contains", {"type": "integer"}),
        ("$defs", {"X": {"type": "string"}}),
        ("$dynamicRef", "#node"),
    ],
)
def test_keyword_30_lacks_is_dropped_with_a_note(keyword: str, value: Any) -> None:
    shown = json.dumps(value, separators=(",", ":"))
    schema = {"type": "object", "description": "Things.", keyword: value}
    assert downgraded(schema) == {
        "type": "object",
        "description": f"Things.\n\nOpenAPI 3.0 has no `{keyword}`: left out {shown}.",
    }


def test_nested_schemas_are_downgraded_everywhere() -> None:
    inner = {"type": ["integer", "null"]}
    schema = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": inner}},
        "additionalProperties": inner,
        "allOf": [inner],
        "not": {"const": 3},
    }
    assert downgraded(schema) == {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "integer", "nullable": True}}},
        "additionalProperties": {"type": "integer", "nullable": True},
        "allOf": [{"type": "integer", "nullable": True}],
        "not": {"enum": [3]},
    }


@pytest.mark.parametrize(
    ("schema_31", "value"),
    [
        ({"anyOf": [{"$ref": "#/components/schemas/Point"}, {"type": "null"}]}, None),
        ({"type": ["string", "number", "null"]}, None),
        ({"anyOf": [{"type": "string", "enum": ["s"]}, {"type": "null"}]}, None),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}, None),
    ],
)
def test_downgraded_nullable_schema_accepts_null_under_the_30_rules(
    schema_31: dict[str, Any], value: Any
) -> None:
    # 3.0.3: nullable counts only beside a type in the same schema object.
    point = {"type": "object", "properties": {"x": {"type": "number"}}}
    document = to_openapi_30(
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"Point": point, "S": schema_31}},
        }
    )
    schema = {**document["components"]["schemas"]["S"], "components": document["components"]}
    validator = OAS30Validator(schema)
    assert validator.is_valid(value)
    assert not validator.is_valid([])


# -- the objects around schemas --------------------------------------------------------------


def test_document_level_31_fields_are_converted() -> None:
    document = {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "t",
            "summary": "Short.",
            "version": "1",
            "license": {"name": "BSD-3-Clause", "identifier": "BSD-3-Clause"},
        },
        "webhooks": {"newPet": {"post": {"responses": {"200": {"description": "ok"}}}}},
    }
    assert to_openapi_30(document) == {
        "openapi": OPENAPI_30_VERSION,
        "info": {
            "title": "t",
            "description": "Short.\n\nThe webhooks of this API (newPet) are described only in"
            " its OpenAPI 3.1 document: OpenAPI 3.0 has no webhooks.",
            "version": "1",
            "license": {
                "name": "BSD-3-Clause",
                "url": "https://spdx.org/licenses/BSD-3-Clause.html",
            },
        },
        "paths": {},
    }


def test_path_item_components_are_inlined() -> None:
    item = {"get": {"responses": {"200": {"description": "ok"}}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"$ref": "#/components/pathItems/A"}},
        "components": {"pathItems": {"A": item}},
    }
    downgraded_document = to_openapi_30(document)
    assert downgraded_document["paths"] == {"/a": item}
    assert downgraded_document["components"] == {}
    assert list(OpenAPIV30SpecValidator(downgraded_document).iter_errors()) == []


def test_mutual_tls_schemes_and_their_requirements_are_left_out_with_a_note() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "security": [{"mtls": []}, {"key": []}],
        "paths": {},
        "components": {
            "securitySchemes": {
                "mtls": {"type": "mutualTLS"},
                "key": {"type": "apiKey", "in": "header", "name": "K"},
            }
        },
    }
    result = to_openapi_30(document)
    assert result["security"] == [{"key": []}]
    assert list(result["components"]["securitySchemes"]) == ["key"]
    assert "mutualTLS security schemes: mtls" in result["info"]["description"]


def test_reference_objects_keep_only_their_ref() -> None:
    ref = {"$ref": "#/components/responses/R", "description": "3.1 lets a reference say this."}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"404": ref}}}},
        "components": {"responses": {"R": {"description": "r"}}},
    }
    result = to_openapi_30(document)
    assert result["paths"]["/a"]["get"]["responses"]["404"] == {"$ref": ref["$ref"]}


def test_only_schemas_are_converted_not_example_values() -> None:
    example = {"value": {"type": ["string", "null"], "const": 1}}
    media = {
        "schema": {"const": 1},
        "examples": {"odd": example},
        "example": {"const": 2},
    }
    parameter = {
        "name": "q",
        "in": "query",
        "schema": {"type": ["string", "null"]},
        "examples": {"odd": example},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "parameters": [parameter],
                "post": {
                    "requestBody": {"content": {"application/json": media}},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {"X-N": {"schema": {"type": ["integer", "null"]}}},
                            "content": {"application/json": media},
                        }
                    },
                },
            }
        },
    }
    item = to_openapi_30(document)["paths"]["/a"]
    converted_media = {**media, "schema": {"enum": [1]}}
    assert item["parameters"] == [{**parameter, "schema": {"type": "string", "nullable": True}}]
    assert item["post"]["requestBody"]["content"]["application/json"] == converted_media
    response = item["post"]["responses"]["200"]
    assert response["content"]["application/json"] == converted_media
    assert response["headers"]["X-N"] == {"schema": {"type": "integer", "nullable": True}}


# -- whole documents ----------------------------------------------------------------------


@pytest.fixture
def rich() -> App:
    return rich_app.create_app()


def documents(todo_app: App, rich: App) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "todo", todo_app.openapi()
    yield "rich", rich.openapi()


def test_input_document_is_not_changed_and_nothing_is_shared(todo_app: App, rich: App) -> None:
    for _, document in documents(todo_app, rich):
        before = copy.deepcopy(document)
        result = to_openapi_30(document)
        assert document == before
        # Changing the result leaves the input alone: no object is shared.
        result["components"]["schemas"].clear()
        result["info"]["title"] = "changed"
        assert document == before


@pytest.mark.parametrize("name", ["todo", "rich"])
def test_both_documents_pass_openapi_spec_validator(name: str, todo_app: App, rich: App) -> None:
    document = dict(documents(todo_app, rich))[name]
    assert [error.message for error in OpenAPIV31SpecValidator(document).iter_errors()] == []
    downgraded_document = to_openapi_30(document)
    assert downgraded_document["openapi"] == "3.0.3"
    errors = OpenAPIV30SpecValidator(downgraded_document).iter_errors()
    assert [error.message for error in errors] == []


def test_downgraded_rich_document_has_no_31_keyword_left(rich: App) -> None:
    text = json.dumps(to_openapi_30(rich.openapi()))
    for keyword in ('"const"', '"prefixItems"', '"propertyNames"', '"examples": [', '"null"'):
        assert keyword not in text
    assert '"type": [' not in text


_PRINT_DOCUMENTS = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/openapi"]
from example_modules import EXAMPLES, import_example
import rich_app
from resourceful.openapi.downgrade import to_openapi_30
todo = import_example(EXAMPLES / "todo" / "app.py", "todo_app").create_app({"DATABASE": ":memory:"})
for app in (todo, rich_app.create_app()):
    print(json.dumps(to_openapi_30(app.openapi()), ensure_ascii=False, separators=(",", ":")))
"""


@pytest.mark.slow
def test_downgraded_documents_are_byte_identical_across_processes() -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", _PRINT_DOCUMENTS, str(ROOT / "tests")],
            capture_output=True,
            env=env,
            cwd=ROOT,
            check=True,
            timeout=60,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b'"openapi":"3.0.3"') == 2


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_real_bodies_validate_against_the_document_of_either_version(
    version: str, todo_app: App, rich: App
) -> None:
    validator_class = OAS31Validator if version == "3.1" else OAS30Validator
    for app in (todo_app, rich):
        spec = app.openapi() if version == "3.1" else to_openapi_30(app.openapi())
        bodies = rich_app.response_samples(app)
        if app is rich:
            bodies.append(("NewPet", rich_app.NEW_PET))
        for name, body in bodies:
            schema = {**spec["components"]["schemas"][name], "components": spec["components"]}
            validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
            assert [error.message for error in validator.iter_errors(body)] == [], name
