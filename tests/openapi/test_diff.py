"""Comparing two OpenAPI documents: which changes break clients, on which side, and where."""

from __future__ import annotations

import ast
import copy
import json
import random
from pathlib import Path
from typing import Any

import attrs
import pytest
from example_modules import EXAMPLES, import_example
from hypothesis import given, settings
from hypothesis import strategies as st

from resourceful.openapi.diff import (
    Change,
    DocumentError,
    allow,
    diff_documents,
    is_breaking,
    unused_allows,
)
from resourceful.openapi.diff_schema import Effect

# -- building small documents --------------------------------------------------------------------

OP = "/paths/~1things/post"
REQ = OP + "/requestBody/content/application~1json/schema"
RES = OP + "/responses/200/content/application~1json/schema"
PARAMS = OP + "/parameters"


def api(
    *,
    request: Any = None,
    response: Any = None,
    params: list[dict[str, Any]] | None = None,
    schemas: dict[str, Any] | None = None,
    version: str = "3.1.0",
    **operation: Any,
) -> dict[str, Any]:
    """Return a document with one operation, POST /things, built from the parts given."""
    op: dict[str, Any] = {"responses": {"200": {"description": "OK"}}}
    if request is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": request}}}
    if response is not None:
        op["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    if params is not None:
        op["parameters"] = params
    op.update(operation)
    document: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "Things", "version": "1"},
        "paths": {"/things": {"post": op}},
    }
    if schemas is not None:
        document["components"] = {"schemas": schemas}
    return document


def query(name: str, schema: Any = None, **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, **more}


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required is not None:
        schema["required"] = required
    return schema


STR = {"type": "string"}
INT = {"type": "integer"}


def both(schema_old: Any, schema_new: Any, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same schema change in the request body and the 200 response."""
    return (
        api(request=schema_old, response=schema_old, **kwargs),
        api(request=schema_new, response=schema_new, **kwargs),
    )


def with_op(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(document)
    document["paths"]["/things"]["post"].update(changes)
    return document


BASE = api()

# (id, old, new, expected [(kind, breaking, side, old pointer, new pointer)])
CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[Any, ...]]]] = [
    # -- operations and paths --
    (
        "removed method",
        {**BASE, "paths": {"/things": {**BASE["paths"]["/things"], "get": {"responses": {}}}}},
        BASE,
        [("operation-removed", True, "operation", "/paths/~1things/get", None)],
    ),
    (
        "removed path",
        BASE,
        {**BASE, "paths": {}},
        [("operation-removed", True, "operation", OP, None)],
    ),
    (
        "added operation",
        BASE,
        {**BASE, "paths": {**BASE["paths"], "/other": {"get": {"responses": {}}}}},
        [("operation-added", False, "operation", None, "/paths/~1other/get")],
    ),
    (
        "renamed path variable is a renamed parameter, not a new path",
        {
            **BASE,
            "paths": {
                "/things/{id}": {
                    "get": {
                        "parameters": [{"name": "id", "in": "path", "required": True}],
                        "responses": {},
                    }
                }
            },
        },
        {
            **BASE,
            "paths": {
                "/things/{thing_id}": {
                    "get": {
                        "parameters": [{"name": "thing_id", "in": "path", "required": True}],
                        "responses": {},
                    }
                }
            },
        },
        [
            (
                "parameter-renamed",
                True,
                "request",
                "/paths/~1things~1{id}/get/parameters/0/name",
                "/paths/~1things~1{thing_id}/get/parameters/0/name",
            )
        ],
    ),
    (
        "summary changed is documentation",
        with_op(BASE, summary="Make a thing."),
        with_op(BASE, summary="Create a thing."),
        [("doc-changed", False, "operation", OP + "/summary", OP + "/summary")],
    ),
    (
        "operation deprecated",
        BASE,
        with_op(BASE, deprecated=True),
        [("deprecated", False, "operation", OP, OP)],
    ),
    # -- parameters --
    (
        "removed query parameter",
        api(params=[query("q"), query("tag")]),
        api(params=[query("q")]),
        [("parameter-removed", True, "request", PARAMS + "/1", None)],
    ),
    (
        "added optional parameter",
        api(params=[query("q")]),
        api(params=[query("q"), query("tag")]),
        [("parameter-added", False, "request", None, PARAMS + "/1")],
    ),
    (
        "added required parameter",
        api(params=[]),
        api(params=[query("q", required=True)]),
        [("parameter-added", True, "request", None, PARAMS + "/0")],
    ),
    (
        "parameter became required",
        api(params=[query("q")]),
        api(params=[query("q", required=True)]),
        [("parameter-required", True, "request", PARAMS + "/0", PARAMS + "/0/required")],
    ),
    (
        "parameter became optional",
        api(params=[query("q", required=True)]),
        api(params=[query("q", required=False)]),
        [("parameter-optional", False, "request", PARAMS + "/0/required", PARAMS + "/0")],
    ),
    (
        "reordered parameters and header names in another case are no change",
        api(params=[query("q"), {"name": "X-Token", "in": "header", "schema": STR}]),
        api(params=[{"name": "x-token", "in": "header", "schema": STR}, query("q")]),
        [],
    ),
    (
        "a query and a header parameter of one name are two parameters",
        api(params=[query("token"), {"name": "token", "in": "header", "schema": STR}]),
        api(params=[query("token")]),
        [("parameter-removed", True, "request", PARAMS + "/1", None)],
    ),
    (
        "parameter maximum lowered",
        api(params=[query("n", {"type": "integer", "maximum": 100})]),
        api(params=[query("n", {"type": "integer", "maximum": 50})]),
        [
            (
                "bound-changed",
                True,
                "request",
                PARAMS + "/0/schema/maximum",
                PARAMS + "/0/schema/maximum",
            )
        ],
    ),
    (
        "parameter type widened from integer to number",
        api(params=[query("n", INT)]),
        api(params=[query("n", {"type": "number"})]),
        [("type-changed", False, "request", PARAMS + "/0/schema/type", PARAMS + "/0/schema/type")],
    ),
    (
        "parameter enum value removed",
        api(params=[query("sort", {"enum": ["asc", "desc"]})]),
        api(params=[query("sort", {"enum": ["asc"]})]),
        [("enum-changed", True, "request", PARAMS + "/0/schema/enum", PARAMS + "/0/schema/enum")],
    ),
    (
        "parameter enum value added",
        api(params=[query("sort", {"enum": ["asc"]})]),
        api(params=[query("sort", {"enum": ["asc", "desc"]})]),
        [("enum-changed", False, "request", PARAMS + "/0/schema/enum", PARAMS + "/0/schema/enum")],
    ),
    (
        "parameter serialisation changed",
        api(params=[query("ids", {"type": "array", "items": STR})]),
        api(params=[query("ids", {"type": "array", "items": STR}, style="pipeDelimited")]),
        [("parameter-style-changed", True, "request", PARAMS + "/0", PARAMS + "/0")],
    ),
    (
        "the default style spelled out is no change",
        api(params=[query("ids")]),
        api(params=[query("ids", style="form", explode=True)]),
        [],
    ),
    (
        "a parameter moved into components is no change",
        api(params=[query("q")]),
        {
            **api(params=[{"$ref": "#/components/parameters/Q"}]),
            "components": {"parameters": {"Q": query("q")}},
        },
        [],
    ),
    (
        "a parameter moved from the path item to the operation is no change",
        {
            **BASE,
            "paths": {"/things": {"parameters": [query("q")], "post": {"responses": {}}}},
        },
        {**BASE, "paths": {"/things": {"post": {"parameters": [query("q")], "responses": {}}}}},
        [],
    ),
    (
        "parameter description changed is documentation",
        api(params=[query("q", description="Text.")]),
        api(params=[query("q", description="Text to find.")]),
        [("doc-changed", False, "request", PARAMS + "/0/description", PARAMS + "/0/description")],
    ),
    # -- request bodies --
    (
        "body property became required",
        api(request=obj(a=STR)),
        api(request=obj(["a"], a=STR)),
        [("property-required", True, "request", REQ, REQ + "/required/0")],
    ),
    (
        "optional body property added",
        api(request=obj(a=STR)),
        api(request=obj(a=STR, b=STR)),
        [("property-added", False, "request", None, REQ + "/properties/b")],
    ),
    (
        "required body property added",
        api(request=obj(a=STR)),
        api(request=obj(["b"], a=STR, b=STR)),
        [("property-required", True, "request", REQ, REQ + "/required/0")],
    ),
    (
        "body property removed",
        api(request=obj(a=STR, b=STR)),
        api(request=obj(a=STR)),
        [("property-removed", True, "request", REQ + "/properties/b", None)],
    ),
    (
        "body maxLength lowered",
        api(request={"type": "string", "maxLength": 20}),
        api(request={"type": "string", "maxLength": 10}),
        [("bound-changed", True, "request", REQ + "/maxLength", REQ + "/maxLength")],
    ),
    (
        "body minLength lowered",
        api(request={"type": "string", "minLength": 5}),
        api(request={"type": "string", "minLength": 1}),
        [("bound-changed", False, "request", REQ + "/minLength", REQ + "/minLength")],
    ),
    (
        "body pattern added",
        api(request=STR),
        api(request={"type": "string", "pattern": "^[a-z]+$"}),
        [("pattern-changed", True, "request", REQ, REQ + "/pattern")],
    ),
    (
        "body pattern changed",
        api(request={"type": "string", "pattern": "^[a-z]+$"}),
        api(request={"type": "string", "pattern": "^[a-z0-9]+$"}),
        [("pattern-changed", True, "request", REQ + "/pattern", REQ + "/pattern")],
    ),
    (
        "body pattern removed",
        api(request={"type": "string", "pattern": "^[a-z]+$"}),
        api(request=STR),
        [("pattern-changed", False, "request", REQ + "/pattern", REQ)],
    ),
    (
        "body format added",
        api(request=STR),
        api(request={"type": "string", "format": "date"}),
        [("format-changed", True, "request", REQ, REQ + "/format")],
    ),
    (
        "body accepts null (3.1 type list)",
        api(request=STR),
        api(request={"type": ["string", "null"]}),
        [("nullable-changed", False, "request", REQ, REQ + "/type")],
    ),
    (
        "body no longer accepts null (3.0 nullable)",
        api(request={"type": "string", "nullable": True}, version="3.0.3"),
        api(request=STR, version="3.0.3"),
        [("nullable-changed", True, "request", REQ + "/nullable", REQ)],
    ),
    (
        "body closed to additional properties",
        api(request=obj(a=STR)),
        api(request={**obj(a=STR), "additionalProperties": False}),
        [
            (
                "additional-properties-changed",
                True,
                "request",
                REQ + "/additionalProperties",
                REQ + "/additionalProperties",
            )
        ],
    ),
    (
        "body alternative removed",
        api(request={"anyOf": [STR, INT]}),
        api(request={"anyOf": [STR]}),
        [("alternative-removed", True, "request", REQ + "/anyOf/1", None)],
    ),
    (
        "body alternative added",
        api(request={"oneOf": [STR, INT]}),
        api(request={"oneOf": [STR, INT, {"type": "boolean"}]}),
        [("alternative-added", False, "request", None, REQ + "/oneOf/2")],
    ),
    (
        "body multipleOf changed to a multiple",
        api(request={"type": "integer", "multipleOf": 2}),
        api(request={"type": "integer", "multipleOf": 4}),
        [("multiple-of-changed", True, "request", REQ + "/multipleOf", REQ + "/multipleOf")],
    ),
    (
        "request body became required",
        api(request=STR),
        with_op(
            api(request=STR),
            requestBody={"required": True, "content": {"application/json": {"schema": STR}}},
        ),
        [("body-required", True, "request", OP + "/requestBody", OP + "/requestBody/required")],
    ),
    (
        "request media type removed",
        with_op(
            BASE,
            requestBody={
                "content": {"application/json": {"schema": STR}, "text/plain": {"schema": STR}}
            },
        ),
        api(request=STR),
        [
            (
                "media-type-removed",
                True,
                "request",
                OP + "/requestBody/content/text~1plain",
                None,
            )
        ],
    ),
    (
        "request media type added",
        api(request=STR),
        with_op(
            BASE,
            requestBody={
                "content": {"application/json": {"schema": STR}, "text/plain": {"schema": STR}}
            },
        ),
        [("media-type-added", False, "request", None, OP + "/requestBody/content/text~1plain")],
    ),
    (
        "required request body added",
        BASE,
        with_op(
            BASE, requestBody={"required": True, "content": {"application/json": {"schema": STR}}}
        ),
        [("body-added", True, "request", None, OP + "/requestBody")],
    ),
    # -- spellings of the same schema --
    (
        "3.0 exclusiveMinimum flag and 3.1 number are one bound",
        api(request={"type": "number", "minimum": 0, "exclusiveMinimum": True}, version="3.0.3"),
        api(request={"type": "number", "exclusiveMinimum": 0}),
        [],
    ),
    (
        "integer > 0 and >= 1 are one bound",
        api(request={"type": "integer", "minimum": 1}),
        api(request={"type": "integer", "exclusiveMinimum": 0}),
        [],
    ),
    (
        "3.0 nullable and 3.1 anyOf null are one schema",
        *both({"type": "string", "nullable": True}, {"anyOf": [STR, {"type": "null"}]}),
        [],
    ),
    (
        "allOf parts and the merged object are one schema",
        *both({"allOf": [obj(a=STR), {"required": ["a"]}]}, obj(["a"], a=STR)),
        [],
    ),
    (
        "reordered enum, required, type and oneOf lists are no change",
        *both(
            {
                "oneOf": [obj(["a", "b"], a=STR, b={"enum": [1, 2, 3]}), INT],
                "description": "x",
            },
            {
                "description": "x",
                "oneOf": [INT, obj(["b", "a"], b={"enum": [3, 1, 2]}, a=STR)],
            },
        ),
        [],
    ),
    (
        "an inline schema moved into components is no change",
        api(request=obj(a=STR), response=obj(a=STR)),
        api(
            request={"$ref": "#/components/schemas/Thing"},
            response={"$ref": "#/components/schemas/Thing"},
            schemas={"Thing": obj(a=STR)},
        ),
        [],
    ),
    # -- responses --
    (
        "response property removed",
        api(response=obj(a=STR, b=STR)),
        api(response=obj(a=STR)),
        [("property-removed", True, "response", RES + "/properties/b", None)],
    ),
    (
        "response property added",
        api(response=obj(a=STR)),
        api(response=obj(a=STR, b=STR)),
        [("property-added", False, "response", None, RES + "/properties/b")],
    ),
    (
        "response property became optional",
        api(response=obj(["a"], a=STR)),
        api(response=obj(a=STR)),
        [("property-optional", True, "response", RES + "/required/0", RES)],
    ),
    (
        "response became nullable (type list)",
        api(response=STR),
        api(response={"type": ["null", "string"]}),
        [("nullable-changed", True, "response", RES, RES + "/type")],
    ),
    (
        "response became nullable (anyOf null)",
        api(response={"$ref": "#/components/schemas/T"}, schemas={"T": STR}),
        api(
            response={"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]},
            schemas={"T": STR},
        ),
        [("nullable-changed", True, "response", "/components/schemas/T", RES + "/anyOf/1")],
    ),
    (
        "response enum value added",
        api(response={"enum": ["open", "done"]}),
        api(response={"enum": ["open", "done", "lost"]}),
        [("enum-changed", True, "response", RES + "/enum", RES + "/enum")],
    ),
    (
        "response maximum lowered promises less",
        api(response={"type": "integer", "maximum": 10}),
        api(response={"type": "integer", "maximum": 5}),
        [("bound-changed", False, "response", RES + "/maximum", RES + "/maximum")],
    ),
    (
        "response type changed",
        api(response=STR),
        api(response=INT),
        [("type-changed", True, "response", RES + "/type", RES + "/type")],
    ),
    (
        "status code removed",
        with_op(BASE, responses={"200": {"description": "OK"}, "404": {"description": "No"}}),
        BASE,
        [("status-removed", True, "response", OP + "/responses/404", None)],
    ),
    (
        "status code added",
        BASE,
        with_op(BASE, responses={"200": {"description": "OK"}, "404": {"description": "No"}}),
        [("status-added", False, "response", None, OP + "/responses/404")],
    ),
    (
        "response media type removed",
        api(response=STR),
        BASE,
        [
            (
                "media-type-removed",
                True,
                "response",
                OP + "/responses/200/content/application~1json",
                None,
            )
        ],
    ),
    (
        "response header removed",
        with_op(
            BASE,
            responses={"200": {"description": "OK", "headers": {"ETag": {"schema": STR}}}},
        ),
        BASE,
        [("header-removed", True, "response", OP + "/responses/200/headers/ETag", None)],
    ),
    (
        "response status spelled 2xx or 2XX is one range",
        with_op(BASE, responses={"2xx": {"description": "OK"}}),
        with_op(BASE, responses={"2XX": {"description": "OK"}}),
        [],
    ),
    # -- security --
    (
        "new security requirement",
        BASE,
        with_op(BASE, security=[{"key": []}]),
        [("security-added", True, "request", "/security", OP + "/security")],
    ),
    (
        "security requirement dropped",
        with_op(BASE, security=[{"key": []}]),
        BASE,
        [("security-removed", False, "request", OP + "/security", "/security")],
    ),
    (
        "another way to authenticate added",
        with_op(BASE, security=[{"key": []}]),
        with_op(BASE, security=[{"key": []}, {"oauth": ["read"]}]),
        [("security-removed", False, "request", OP + "/security", OP + "/security")],
    ),
    (
        "a scope added to the requirement",
        with_op(BASE, security=[{"oauth": ["read"]}]),
        with_op(BASE, security=[{"oauth": ["read", "write"]}]),
        [("security-added", True, "request", OP + "/security", OP + "/security")],
    ),
    # -- schema names and references --
    (
        "referenced schema renamed",
        api(response={"$ref": "#/components/schemas/Thing"}, schemas={"Thing": obj(a=STR)}),
        api(response={"$ref": "#/components/schemas/Item"}, schemas={"Item": obj(a=STR)}),
        [
            (
                "schema-renamed",
                True,
                "document",
                "/components/schemas/Thing",
                "/components/schemas/Item",
            )
        ],
    ),
    (
        "unused schema removed",
        api(schemas={"Old": STR}),
        api(schemas={}),
        [("schema-removed", False, "document", "/components/schemas/Old", None)],
    ),
    (
        "description next to a $ref is documentation",
        api(
            response={"$ref": "#/components/schemas/T", "description": "A thing."},
            schemas={"T": STR},
        ),
        api(
            response={"$ref": "#/components/schemas/T", "description": "The thing."},
            schemas={"T": STR},
        ),
        [("doc-changed", False, "response", RES + "/description", RES + "/description")],
    ),
]


def _rows(changes: list[Change]) -> list[tuple[Any, ...]]:
    return [(c.kind, c.breaking, c.side, c.old, c.new) for c in changes]


def test_the_table_has_at_least_forty_pairs() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_change_is_classified(
    old: dict[str, Any], new: dict[str, Any], expected: list[Any]
) -> None:
    assert _rows(diff_documents(old, new)) == expected


def test_a_shared_schema_change_is_breaking_on_one_side_only() -> None:
    old, new = both({"type": "string", "maxLength": 20}, {"type": "string", "maxLength": 10})
    assert _rows(diff_documents(old, new)) == [
        ("bound-changed", True, "request", REQ + "/maxLength", REQ + "/maxLength"),
        ("bound-changed", False, "response", RES + "/maxLength", RES + "/maxLength"),
    ]


def test_messages_say_what_changed_where() -> None:
    old = api(request=obj(tags={"type": "array", "items": {"type": "string", "maxLength": 20}}))
    new = api(request=obj(tags={"type": "array", "items": {"type": "string", "maxLength": 10}}))
    (change,) = diff_documents(old, new)
    assert change.operation == "POST /things"
    assert change.message == (
        "request body (application/json), field 'tags[]': maxLength changed from 20 to 10"
    )


# -- recursive schemas -----------------------------------------------------------------------------


def _tree(name: str, **extra: Any) -> dict[str, Any]:
    node = {"$ref": f"#/components/schemas/{name}"}
    return obj(
        value={"type": "integer", **extra},
        children={"type": "array", "items": {"anyOf": [node, {"type": "null"}]}},
        parent={"anyOf": [node, {"type": "null"}]},
    )


def test_a_recursive_schema_compares_equal_to_itself() -> None:
    document = api(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": _tree("Node")})
    assert diff_documents(document, copy.deepcopy(document)) == []


def test_a_change_inside_a_recursive_schema_is_reported_once() -> None:
    old = api(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": _tree("Node")})
    new = api(
        response={"$ref": "#/components/schemas/Node"},
        schemas={"Node": _tree("Node", maximum=9)},
    )
    assert _rows(diff_documents(old, new)) == [
        (
            "bound-changed",
            False,
            "response",
            "/components/schemas/Node/properties/value",
            "/components/schemas/Node/properties/value/maximum",
        )
    ]


def test_a_renamed_recursive_schema_is_a_rename() -> None:
    old = api(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": _tree("Node")})
    new = api(response={"$ref": "#/components/schemas/Tree"}, schemas={"Tree": _tree("Tree")})
    (change,) = diff_documents(old, new)
    assert change.kind == "schema-renamed"
    assert change.message.startswith("schema 'Node' renamed to 'Tree'")


# -- documents that cannot be compared -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ([], "The old document is list, not an object;"),
        ({"swagger": "2.0"}, "The old document is not an OpenAPI 3 document: it has no 'openapi'"),
        ({"openapi": "2.0"}, "it has 'openapi': '2.0' (expected '3.0.x' or '3.1.x')."),
        (
            api(response={"$ref": "#/components/schemas/Gone"}),
            "The old document's $ref '#/components/schemas/Gone' at " + RES + " points to nothing.",
        ),
        (
            api(response={"$ref": "other.json#/Thing"}),
            "points outside the document; only local references ('#/components/...') can be"
            " compared. Bundle the document first.",
        ),
        (
            api(params=[{"in": "query"}]),
            f"The old document's parameter at {PARAMS}/0 needs 'name' and 'in'.",
        ),
    ],
)
def test_an_unreadable_document_raises_document_error(old: Any, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        diff_documents(old, copy.deepcopy(old))
    assert message in str(caught.value)


def test_a_malformed_schema_that_changed_raises_document_error() -> None:
    with pytest.raises(DocumentError) as caught:
        diff_documents(api(request=STR), api(request={"properties": []}))
    assert str(caught.value) == f"The new document's 'properties' at {REQ} is not an object."


# -- allowing intended breaks --------------------------------------------------------------------


def test_allow_marks_breaking_changes_at_or_under_a_pointer() -> None:
    old = api(params=[query("a"), query("b")], response=obj(a=STR))
    new = api(params=[], response=obj())
    changes = allow(diff_documents(old, new), [PARAMS + "/0", RES + "/properties/"])
    assert [(c.old, c.allowed) for c in changes] == [
        (PARAMS + "/0", True),
        (PARAMS + "/1", False),
        (RES + "/properties/a", True),
    ]


def test_unused_allows_are_the_pointers_matching_no_breaking_change() -> None:
    changes = diff_documents(api(params=[query("a")]), api(params=[]))
    assert unused_allows(changes, [PARAMS, "/paths/~1other"]) == ["/paths/~1other"]


@pytest.mark.parametrize(
    ("effect", "request_breaks", "response_breaks"),
    [
        (Effect.NARROWS, True, False),
        (Effect.WIDENS, False, True),
        (Effect.BREAKS, True, True),
        (Effect.NONE, False, False),
    ],
)
def test_the_breaking_rule(effect: Effect, request_breaks: bool, response_breaks: bool) -> None:
    assert is_breaking(effect, "request") is request_breaks
    assert is_breaking(effect, "response") is response_breaks


# -- the todo example ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def todo_document() -> dict[str, Any]:
    module = import_example(EXAMPLES / "todo" / "app.py", "todo_app_for_diff")
    return module.create_app().openapi()  # type: ignore[no-any-return]


def test_the_todo_document_has_no_change_against_itself(todo_document: dict[str, Any]) -> None:
    assert diff_documents(todo_document, copy.deepcopy(todo_document)) == []


def test_removing_one_todo_parameter_is_exactly_one_breaking_change(
    todo_document: dict[str, Any],
) -> None:
    new = copy.deepcopy(todo_document)
    parameters = new["paths"]["/todos/"]["get"]["parameters"]
    index = next(i for i, p in enumerate(parameters) if p["name"] == "tag")
    del parameters[index]
    assert diff_documents(todo_document, new) == [
        Change(
            kind="parameter-removed",
            breaking=True,
            side="request",
            operation="GET /todos/",
            message="query parameter 'tag' removed",
            old=f"/paths/~1todos~1/get/parameters/{index}",
            new=None,
        )
    ]


# -- the property: a document against a reshuffled copy of itself --------------------------------

_names = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
_scalars = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean"])}),
    st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "minLength": st.integers(0, 5),
            "maxLength": st.integers(5, 50),
            "pattern": st.sampled_from(["^a", "b$"]),
            "format": st.sampled_from(["date", "uuid"]),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["integer", "number"])},
        optional={"minimum": st.integers(-5, 0), "maximum": st.integers(1, 9)},
    ),
    st.builds(
        lambda values: {"enum": values}, st.lists(_names, min_size=1, max_size=4, unique=True)
    ),
    st.builds(lambda t: {"type": [t, "null"]}, st.sampled_from(["string", "integer", "boolean"])),
    st.just({"$ref": "#/components/schemas/Leaf"}),
    st.just({"$ref": "#/components/schemas/Node"}),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    objects = st.builds(
        lambda props, data: {
            "type": "object",
            "properties": props,
            "required": data.draw(st.lists(st.sampled_from(sorted(props)), unique=True))
            if props
            else [],
        },
        st.dictionaries(_names, children, max_size=4),
        st.data(),
    )
    return st.one_of(
        objects,
        st.builds(lambda items: {"type": "array", "items": items}, children),
        st.builds(lambda alts: {"anyOf": alts}, st.lists(children, min_size=1, max_size=3)),
        st.builds(
            lambda alts: {"oneOf": [*alts, {"type": "null"}]},
            st.lists(children, min_size=1, max_size=2),
        ),
        st.builds(lambda parts: {"allOf": parts}, st.lists(objects, min_size=1, max_size=2)),
    )


_schemas = st.recursive(_scalars, _extend, max_leaves=5)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path in draw(st.lists(_names, min_size=1, max_size=3, unique=True)):
        item = {}
        for method in draw(
            st.lists(st.sampled_from(["get", "post", "put"]), min_size=1, unique=True)
        ):
            params = [
                {
                    "name": name,
                    "in": where,
                    "required": draw(st.booleans()),
                    "schema": draw(_schemas),
                }
                for name, where in draw(
                    st.lists(
                        st.tuples(_names, st.sampled_from(["query", "header", "cookie"])),
                        max_size=3,
                        unique_by=lambda p: (p[1], p[0].lower()),
                    )
                )
            ]
            op: dict[str, Any] = {
                "parameters": params,
                "responses": {
                    status: {
                        "description": "x",
                        "content": {"application/json": {"schema": draw(_schemas)}},
                    }
                    for status in draw(
                        st.lists(st.sampled_from(["200", "201", "4XX"]), min_size=1, unique=True)
                    )
                },
            }
            if draw(st.booleans()):
                op["requestBody"] = {"content": {"application/json": {"schema": draw(_schemas)}}}
            if draw(st.booleans()):
                op["security"] = [{"key": []}, {"oauth": draw(st.lists(_names, unique=True))}]
            item[method] = op
        paths["/" + path] = item
    node = {
        "type": "object",
        "properties": {
            "next": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]},
            "v": draw(_schemas),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Generated", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {"Leaf": draw(_scalars.filter(lambda s: "$ref" not in s)), "Node": node}
        },
    }


_SHUFFLED_LISTS = {"enum", "required", "type", "anyOf", "oneOf", "parameters"}


def _reshuffle(value: Any, rng: random.Random, key: str | None = None) -> Any:
    """Return ``value`` with every object's keys and the order-free lists permuted."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _reshuffle(value[k], rng, k) for k in keys}
    if isinstance(value, list):
        items = [_reshuffle(v, rng) for v in value]
        if key in _SHUFFLED_LISTS:
            rng.shuffle(items)
        return items
    return value


# NOTE: few but rich examples (each document has several operations and nested
# schemas), and one test for both properties: generating documents is what costs.
@settings(max_examples=30)
@given(documents(), st.randoms(use_true_random=False))
def test_a_document_has_no_change_against_itself_reordered_or_not(
    document: dict[str, Any], rng: random.Random
) -> None:
    assert diff_documents(document, copy.deepcopy(document)) == []
    assert diff_documents(document, _reshuffle(document, rng)) == []


# -- what the comparison imports -------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "resourceful"


@pytest.mark.parametrize("module", ["diff", "diff_schema", "diff_report"])
def test_the_comparison_imports_no_app_internals(module: str) -> None:
    tree = ast.parse((PACKAGE / "openapi" / f"{module}.py").read_text("utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("resourceful")
    }
    assert imported <= {"resourceful.openapi.diff", "resourceful.openapi.diff_schema"}


def test_changes_are_plain_records() -> None:
    change = diff_documents(api(params=[query("a")]), api(params=[]))[0]
    assert json.loads(json.dumps(attrs.asdict(change)))["kind"] == "parameter-removed"
