"""Comparing two OpenAPI documents: which changes break clients, on which side, and where."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from diff_builders import (
    BASE,
    INT,
    OP,
    PARAMS,
    REQ,
    RES,
    STR,
    api,
    both,
    obj,
    query,
    rows,
    with_op,
)
from example_modules import EXAMPLES, import_example

from resourceful.openapi.diff import (
    Change,
    DocumentError,
    allow,
    diff_documents,
    is_breaking,
    unused_allows,
)
from resourceful.openapi.diff_schema import Effect

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
        "a type list and a union of one schema per type are one schema",
        *both(
            {"type": ["string", "integer"], "maxLength": 5, "minimum": 0},
            {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "maxLength": 5}]},
        ),
        [],
    ),
    (
        "a type dropped from a type list is an alternative removed",
        api(request={"type": ["string", "integer"]}),
        api(request={"anyOf": [STR]}),
        [("type-changed", True, "request", REQ + "/type", REQ + "/anyOf/0/type")],
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
    (
        "reordered security alternatives and scopes are no change",
        with_op(BASE, security=[{"oauth": ["read"]}, {"oauth": ["write", "admin"]}]),
        with_op(BASE, security=[{"oauth": ["admin", "write"]}, {"oauth": ["read"]}]),
        [],
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


def test_the_table_has_at_least_forty_pairs() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_change_is_classified(
    old: dict[str, Any], new: dict[str, Any], expected: list[Any]
) -> None:
    assert rows(diff_documents(old, new)) == expected


def test_a_shared_schema_change_is_breaking_on_one_side_only() -> None:
    old, new = both({"type": "string", "maxLength": 20}, {"type": "string", "maxLength": 10})
    assert rows(diff_documents(old, new)) == [
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


def test_a_ref_key_inside_example_data_is_not_a_reference() -> None:
    data = {"$ref": "#/nowhere"}
    document = api(
        request={"type": "object", "example": data, "examples": [data], "default": data},
        **{"x-sample": data},
    )
    assert diff_documents(document, copy.deepcopy(document)) == []


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


# -- what the comparison imports -------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "resourceful"


DIFF_MODULES = ["diff", "diff_normal", "diff_operation", "diff_report", "diff_schema"]


@pytest.mark.parametrize("module", DIFF_MODULES)
def test_the_comparison_imports_no_app_internals(module: str) -> None:
    tree = ast.parse((PACKAGE / "openapi" / f"{module}.py").read_text("utf-8"))
    imported = {
        ("." * node.level) + (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith("resourceful"))
    }
    imported |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("resourceful")
    }
    assert imported <= {f"resourceful.openapi.{name}" for name in DIFF_MODULES}


def test_changes_are_plain_records() -> None:
    change = diff_documents(api(params=[query("a")]), api(params=[]))[0]
    assert json.loads(json.dumps(attrs.asdict(change)))["kind"] == "parameter-removed"
