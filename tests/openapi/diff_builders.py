"""Small OpenAPI documents for the tests of resourceful.openapi.diff: one operation."""

from __future__ import annotations

import copy
from typing import Any

from resourceful.openapi.diff import Change

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


def rows(changes: list[Change]) -> list[tuple[Any, ...]]:
    """Return what the tables compare of each change: kind, breaking, side, pointers."""
    return [(c.kind, c.breaking, c.side, c.old, c.new) for c in changes]
