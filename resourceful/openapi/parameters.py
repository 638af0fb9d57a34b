"""An operation's input in the document: its parameters and its request body.

Path, query, header and cookie values become parameter objects; the JSON
body, or the form fields and files, the request body. Each is described in
the *input* shape (what binding accepts).
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

import attrs
from werkzeug.routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
)

from resourceful.binding.merge_patch import MEDIA_TYPE as MERGE_PATCH
from resourceful.binding.merge_patch import is_merge_patch
from resourceful.conditional import ENTITY_TAGS_PATTERN, SAFE_METHODS
from resourceful.convert.typeinfo import is_sequence, is_union, unwrap
from resourceful.openapi.responses import examples
from resourceful.openapi.schema import INPUT, JSONSchema, SchemaGenerator
from resourceful.openapi.values import parameter_default, request_body_of, request_example_type
from resourceful.operation import PARAMETER_LOCATIONS, Operation, Param
from resourceful.rules import parse_variables, parsed_from_text, url_converter

if TYPE_CHECKING:
    from werkzeug.routing import Map, Rule

__all__ = ["converter_schema", "parameters", "request_body", "takes_input"]

#: The media types of a form body: urlencoded without files, multipart with them.
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_MEDIA_TYPE = "multipart/form-data"


def parameters(
    schemas: SchemaGenerator, url_map: Map, rule: Rule, op: Operation
) -> list[dict[str, Any]]:
    """Return the parameter objects of ``op`` served on ``rule``."""
    found: list[dict[str, Any]] = []
    for param in op.params_in(*PARAMETER_LOCATIONS):
        if param.location == "path":
            found.append(
                {
                    "name": param.wire_name,
                    "in": "path",
                    "required": True,
                    "schema": _path_schema(schemas, url_map, rule, param),
                }
            )
        elif param.is_group:
            for field in schemas.fields(param.type, text=True):
                name = field.wire_name
                if param.location == "header":
                    name = name.replace("_", "-")
                found.append(
                    _parameter(name, param.location, field.required, dict(field.schema), field.type)
                )
        else:
            schema = schemas.text_schema(param.type)
            default = parameter_default(op, param, schemas.unstructure, schemas.structure)
            if default is not attrs.NOTHING:
                schema["default"] = default
            found.append(
                _parameter(param.wire_name, param.location, param.required, schema, param.type)
            )
    return found + conditional_parameters(op)


def conditional_parameters(op: Operation) -> list[dict[str, Any]]:
    """Return the precondition headers ``op`` evaluates (:mod:`resourceful.conditional`)."""
    conditional = op.conditional
    if conditional is None:
        return []
    safe = op.method in SAFE_METHODS
    dated = conditional.last_modified is not None
    required = conditional.required and not safe
    found = [
        _header(
            "If-Match",
            (
                "Answer only if the current ETag is one of these (strong comparison; * for"
                " any): else 412."
                if safe
                else "Change only if the current ETag is one of these (strong comparison; *"
                " for any current representation): else 412, and nothing changes."
            )
            + (" Without it the answer is 428." if required and conditional.etag else ""),
            required and conditional.etag is not False,
            _ENTITY_TAGS,
        ),
        _header(
            "If-None-Match",
            "The ETags you hold (weak comparison; * for any): when one is current, the answer"
            " is 304 with no body."
            if safe
            else "Change only if the current ETag is none of these (*: only if there is no"
            " current representation): else 412.",
            pattern=_ENTITY_TAGS,
        ),
    ]
    if dated and safe:
        found.append(
            _header(
                "If-Modified-Since",
                "An HTTP date: 304 with no body when the resource has not changed since then"
                " (ignored with If-None-Match, or when it is not a valid date).",
            )
        )
    if dated:
        found.append(
            _header(
                "If-Unmodified-Since",
                "An HTTP date: 412 when the resource changed after it (ignored with If-Match,"
                " or when it is not a valid date)."
                + (" Without it the answer is 428." if required and not conditional.etag else ""),
                required and conditional.etag is False,
            )
        )
    return found


#: What binding reads as an entity-tag list: the parser's own grammar, anchored.
_ENTITY_TAGS = f"^(?:{ENTITY_TAGS_PATTERN})$"


def _header(
    name: str, description: str, required: bool = False, pattern: str | None = None
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if pattern is not None:
        schema["pattern"] = pattern
    return {
        "name": name,
        "in": "header",
        "description": description,
        "required": required,
        "schema": schema,
    }


def request_body(schemas: SchemaGenerator, op: Operation) -> dict[str, Any] | None:
    """Return the request body object of ``op``, or ``None`` if it reads no body."""
    body = op.params_in("body")
    if body:
        (param,) = body
        media: dict[str, Any] = {"schema": schemas.schema(param.type, INPUT)}
        if op.request_examples:
            where = request_body_of(op.qualname)
            media["examples"] = examples(
                schemas, op.request_examples, request_example_type(param.type), where
            )
        if is_merge_patch(param.type):
            # NOTE: binding reads an application/json body as a merge patch
            # too; the document lists the media type clients should send, as
            # for forms (two JSON bodies break generated clients).
            return {"required": param.required, "content": {MERGE_PATCH: media}}
        return {"required": param.required, "content": {"application/json": media}}
    form = op.params_in("form", "files")
    if not form:
        return None
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in form:
        if param.is_group:
            for field in schemas.fields(param.type, text=True):
                properties[field.wire_name] = field.schema
                if field.required:
                    required.append(field.wire_name)
            continue
        if param.location == "files":
            schema = _file_schema(param.type)
        else:
            schema = schemas.text_schema(param.type)
        properties[param.wire_name] = schema
        if param.required:
            required.append(param.wire_name)
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    # NOTE: binding reads either encoding; the document names the one clients
    # should send (listing both makes some generators write broken clients).
    has_files = any(param.location == "files" for param in form)
    media_type = MULTIPART_MEDIA_TYPE if has_files else FORM_MEDIA_TYPE
    return {"required": bool(required), "content": {media_type: {"schema": schema}}}


def takes_input(op: Operation) -> bool:
    """Return whether ``op`` has input that binding can find invalid."""
    return bool(op.params_in("query", "header", "cookie", "body", "form", "files")) or any(
        parsed_from_text(param.converter, param.type) for param in op.params_in("path")
    )


def converter_schema(app: Any, rule: Rule, variable: str) -> JSONSchema:
    """Return the schema of the values the converter of ``variable`` matches."""
    return _converter_schema(app.url_map, rule, variable)


def _converter_schema(url_map: Map, rule: Rule, variable: str) -> JSONSchema:
    for part in parse_variables(rule.rule):
        if part.name == variable:
            return _schema_of_converter(url_converter(url_map, part))
    raise KeyError(variable)


def _path_schema(schemas: SchemaGenerator, url_map: Map, rule: Rule, param: Param) -> JSONSchema:
    """Return a path parameter's schema: the annotation's if binding parses the text."""
    if parsed_from_text(param.converter, param.type):
        return schemas.text_schema(param.type)
    return _converter_schema(url_map, rule, param.wire_name)


def _schema_of_converter(converter: BaseConverter) -> JSONSchema:
    if isinstance(converter, IntegerConverter | FloatConverter):
        schema: JSONSchema = {
            "type": "integer" if isinstance(converter, IntegerConverter) else "number"
        }
        minimum = converter.min
        if minimum is None and not converter.signed:
            minimum = 0
        if minimum is not None:
            schema["minimum"] = minimum
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    if isinstance(converter, PathConverter):
        return {"type": "string", "pattern": "^[^/].*$"}
    # The default (string) converter and custom ones: describe what the regex matches.
    return {"type": "string", "pattern": f"^(?:{converter.regex})$"}


def _parameter(
    name: str, location: str, required: bool, schema: JSONSchema, tp: Any
) -> dict[str, Any]:
    """Return a parameter object; the field's description and deprecation move onto it."""
    parameter: dict[str, Any] = {"name": name, "in": location}
    description = schema.pop("description", None)
    if description is not None:
        parameter["description"] = description
    parameter["required"] = required
    if schema.pop("deprecated", False):
        parameter["deprecated"] = True
    if location == "query" and _empty_means_none(tp):
        # NOTE: binding reads ``?done=`` as None. The schema stays the plain
        # schema of the type (client generators choke on ``anyOf [T, ""]``);
        # the empty value is said where OpenAPI has a word for it.
        parameter["allowEmptyValue"] = True
    parameter["schema"] = schema
    return parameter


def _empty_means_none(tp: Any) -> bool:
    """Return whether binding reads an empty text value of type ``tp`` as ``None``."""
    tp = unwrap(tp)
    if not is_union(tp):
        return False
    members = [unwrap(member) for member in typing.get_args(tp)]
    return type(None) in members and str not in members


def _file_schema(tp: Any) -> JSONSchema:
    """Return the schema of an uploaded file, or of a list of them."""
    binary: JSONSchema = {"type": "string", "format": "binary"}
    tp = unwrap(tp)
    members = typing.get_args(tp) if is_union(tp) else (tp,)
    if any(is_sequence(member) for member in members if member is not type(None)):
        return {"type": "array", "items": binary}
    return binary
