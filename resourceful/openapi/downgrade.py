"""Turn an OpenAPI 3.1 document into OpenAPI 3.0.3, for tools that read only 3.0.

:func:`to_openapi_30` rewrites the document that :func:`~resourceful.openapi.
document.build_document` generates (or any 3.1 document) object by object,
knowing where schemas are, so a keyword is converted only where it is a
schema keyword (a media type's ``examples`` map stays as it is; a schema's
``examples`` list becomes ``example``).

Schemas keep their meaning where 3.0 can say it: a ``type`` list or a
``{"type": "null"}`` branch becomes ``nullable``, ``const`` a one-value
``enum``, a numeric ``exclusiveMinimum`` the boolean form beside
``minimum``. What 3.0 cannot say is dropped, and the schema's
``description`` says what was dropped (``propertyNames``, ``if``/``then``,
``dependentRequired``...), so a reader of the 3.0 document still learns the
rule that the server applies. Tuples (``prefixItems``) are the documented
best effort: an array whose items are any of the positions' schemas, with
the length kept and the order in the description.

The function is pure (the input is never changed, and the output shares
nothing with it) and deterministic (keys keep the input's order).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["OPENAPI_30_VERSION", "to_openapi_30"]

#: The OpenAPI version of a downgraded document.
OPENAPI_30_VERSION = "3.0.3"

#: The keywords of a 3.0 Schema Object (besides ``x-`` extensions).
SCHEMA_30_KEYWORDS = frozenset(
    {
        "title",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "enum",
        "type",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "properties",
        "additionalProperties",
        "description",
        "format",
        "default",
        "nullable",
        "discriminator",
        "readOnly",
        "writeOnly",
        "xml",
        "externalDocs",
        "example",
        "deprecated",
        "$ref",
    }
)

# Identifiers and comments: they change no validation result, so dropping
# them needs no note.
_SILENT = frozenset({"$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$vocabulary"})

# The keywords that constrain only values of one JSON type, for splitting a
# schema with several types into one branch per type.
_NUMERIC = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_KEYWORDS_OF_TYPE: Mapping[str, frozenset[str]] = {
    "string": frozenset(
        {"minLength", "maxLength", "pattern", "contentMediaType", "contentEncoding"}
    ),
    "number": _NUMERIC,
    "integer": _NUMERIC,
    "array": frozenset(
        {
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
        }
    ),
    "object": frozenset(
        {
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "dependentSchemas",
            "unevaluatedProperties",
        }
    ),
}

# A schema with one of these is not a bag of annotations: merging a branch
# into it could change what it means.
_STRUCTURAL = frozenset(
    {
        "$ref",
        "type",
        "properties",
        "additionalProperties",
        "items",
        "required",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "discriminator",
        "enum",
    }
)

# The annotations a ``{"type": "null"}`` branch may carry and still be only "null".
_ANNOTATIONS = frozenset({"title", "description"})

_OPERATION_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_PATH_ITEMS_PREFIX = "#/components/pathItems/"


def to_openapi_30(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the OpenAPI 3.0.3 form of the OpenAPI 3.1 ``document``.

    The input is not changed. See the module docstring and
    ``docs/openapi-30.md`` for what each 3.1 construct becomes.
    """
    return _Downgrade(document).document()


class _Downgrade:
    """One conversion: the source document, for the references it resolves."""

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.source = source
        components = source.get("components")
        path_items = components.get("pathItems") if isinstance(components, Mapping) else None
        self.path_items: Mapping[str, Any] = path_items if isinstance(path_items, Mapping) else {}
        #: What the document leaves out, said in ``info.description``.
        self.document_notes: list[str] = []
        #: Security schemes 3.0 has no type for.
        self.dropped_schemes = frozenset(
            name
            for name, scheme in _mapping(_mapping(components).get("securitySchemes")).items()
            if isinstance(scheme, Mapping) and scheme.get("type") == "mutualTLS"
        )

    # -- the document ------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in self.source.items():
            if key == "openapi":
                result[key] = OPENAPI_30_VERSION
            elif key == "jsonSchemaDialect":
                continue  # 3.0 schemas have one fixed dialect
            elif key == "webhooks":
                names = ", ".join(sorted(_mapping(value)))
                self.document_notes.append(
                    f"The webhooks of this API ({names}) are described only in its OpenAPI 3.1"
                    " document: OpenAPI 3.0 has no webhooks."
                )
            elif key == "paths":
                result[key] = {path: self.path_item(item) for path, item in value.items()}
            elif key == "components":
                result[key] = self.components(value)
            elif key == "security":
                result[key] = self.security(value)
            else:
                result[key] = copy.deepcopy(value)
        result.setdefault("paths", {})  # required in 3.0
        if "info" in result:
            result["info"] = self.info(self.source["info"])
        return result

    def info(self, info: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in info.items():
            if key == "summary":
                continue  # joined to the description below
            if key == "license":
                result[key] = _license(value)
            else:
                result[key] = copy.deepcopy(value)
        paragraphs = [
            text
            for text in (info.get("summary"), info.get("description"), *self.document_notes)
            if isinstance(text, str) and text
        ]
        if paragraphs:
            description = "\n\n".join(paragraphs)
            if "description" in result:
                result["description"] = description
            else:
                # Keep the 3.0 order: title, description, then the rest.
                title = {"title": result.pop("title")} if "title" in result else {}
                result = {**title, "description": description, **result}
        return result

    def components(self, components: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in components.items():
            if key == "pathItems":
                continue  # 3.0 has none: references to them are inlined
            if key == "schemas":
                result[key] = {name: self.schema(schema) for name, schema in value.items()}
            elif key == "responses":
                result[key] = {name: self.response(item) for name, item in value.items()}
            elif key in ("parameters", "headers"):
                result[key] = {name: self.parameter(item) for name, item in value.items()}
            elif key == "requestBodies":
                result[key] = {name: self.request_body(item) for name, item in value.items()}
            elif key == "callbacks":
                result[key] = {name: self.callback(item) for name, item in value.items()}
            elif key == "securitySchemes":
                schemes = {
                    name: copy.deepcopy(scheme)
                    for name, scheme in value.items()
                    if name not in self.dropped_schemes
                }
                if self.dropped_schemes:
                    self.document_notes.append(
                        "OpenAPI 3.0 has no mutualTLS security schemes: "
                        + ", ".join(sorted(self.dropped_schemes))
                        + " and the requirements naming them are left out."
                    )
                if schemes:
                    result[key] = schemes
            else:
                result[key] = copy.deepcopy(value)
        return result

    def security(self, requirements: Any) -> Any:
        if not isinstance(requirements, list):
            return copy.deepcopy(requirements)
        return [
            copy.deepcopy(requirement)
            for requirement in requirements
            if not (isinstance(requirement, Mapping) and self.dropped_schemes & set(requirement))
        ]

    # -- paths and operations ---------------------------------------------------------

    def path_item(self, item: Mapping[str, Any]) -> dict[str, Any]:
        ref = item.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PATH_ITEMS_PREFIX):
            target = self.path_items.get(ref[len(_PATH_ITEMS_PREFIX) :])
            if isinstance(target, Mapping):
                siblings = {key: value for key, value in item.items() if key != "$ref"}
                return self.path_item({**target, **siblings})
        result: dict[str, Any] = {}
        for key, value in item.items():
            if key in _OPERATION_METHODS:
                result[key] = self.operation(value)
            elif key == "parameters":
                result[key] = [self.parameter(parameter) for parameter in value]
            else:
                result[key] = copy.deepcopy(value)
        return result

    def operation(self, operation: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in operation.items():
            if key == "parameters":
                result[key] = [self.parameter(parameter) for parameter in value]
            elif key == "requestBody":
                result[key] = self.request_body(value)
            elif key == "responses":
                result[key] = {status: self.response(item) for status, item in value.items()}
            elif key == "callbacks":
                result[key] = {name: self.callback(item) for name, item in value.items()}
            elif key == "security":
                result[key] = self.security(value)
            else:
                result[key] = copy.deepcopy(value)
        return result

    def callback(self, callback: Mapping[str, Any]) -> dict[str, Any]:
        if "$ref" in callback:
            return _reference(callback)
        return {expression: self.path_item(item) for expression, item in callback.items()}

    def parameter(self, parameter: Mapping[str, Any]) -> dict[str, Any]:
        """Convert a parameter or a header object (they share their shape)."""
        if "$ref" in parameter:
            return _reference(parameter)
        result: dict[str, Any] = {}
        for key, value in parameter.items():
            if key == "schema":
                result[key] = self.schema(value)
            elif key == "content":
                result[key] = self.content(value)
            else:
                result[key] = copy.deepcopy(value)
        return result

    def request_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        if "$ref" in body:
            return _reference(body)
        return {
            key: self.content(value) if key == "content" else copy.deepcopy(value)
            for key, value in body.items()
        }

    def response(self, response: Mapping[str, Any]) -> dict[str, Any]:
        if "$ref" in response:
            return _reference(response)
        result: dict[str, Any] = {}
        for key, value in response.items():
            if key == "content":
                result[key] = self.content(value)
            elif key == "headers":
                result[key] = {name: self.parameter(header) for name, header in value.items()}
            else:
                result[key] = copy.deepcopy(value)
        return result

    def content(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {media_type: self.media_type(item) for media_type, item in content.items()}

    def media_type(self, media_type: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in media_type.items():
            if key == "schema":
                result[key] = self.schema(value)
            elif key == "encoding":
                result[key] = {
                    name: {
                        field: (
                            {header: self.parameter(item) for header, item in spec.items()}
                            if field == "headers"
                            else copy.deepcopy(spec)
                        )
                        for field, spec in encoding.items()
                    }
                    for name, encoding in value.items()
                }
            else:
                result[key] = copy.deepcopy(value)  # example, examples: values, not schemas
        return result

    # -- schemas -------------------------------------------------------------------------

    def schema(self, schema: Any) -> dict[str, Any]:
        """Return the 3.0 Schema Object for a 3.1 (JSON Schema 2020-12) schema."""
        if schema is True:
            return {}
        if schema is False:
            return {"not": {}}
        if not isinstance(schema, Mapping):
            return copy.deepcopy(schema)  # not a schema: leave it for a validator to report
        schema, nullable = _lift_null(dict(schema))
        if "$ref" in schema and set(schema) - {"$ref"} - _SILENT:
            schema = _ref_in_all_of(schema)
        notes: list[str] = []
        if "prefixItems" in schema:
            schema, note = _tuple_as_array(schema)
            notes.append(note)
        result: dict[str, Any] = {}
        for key, value in schema.items():
            if key in ("allOf", "anyOf", "oneOf"):
                result[key] = [self.schema(branch) for branch in value]
            elif key in ("not", "items"):
                result[key] = self.schema(value)
            elif key == "additionalProperties":
                result[key] = value if isinstance(value, bool) else self.schema(value)
            elif key == "properties":
                result[key] = {name: self.schema(item) for name, item in value.items()}
            elif key == "const":
                result["enum"] = [copy.deepcopy(value)]
                nullable = nullable or value is None
            elif key == "enum":
                result[key] = copy.deepcopy(value)
                nullable = nullable or (isinstance(value, list) and None in value)
            elif key == "examples":
                if isinstance(value, list) and value and "example" not in schema:
                    result["example"] = copy.deepcopy(value[0])
            elif key in _BOUNDS:
                result.update(_bound(schema, key))
            elif key == "contentEncoding":
                if value != "base64":
                    notes.append(_dropped(key, value))
                elif "format" not in schema:
                    result["format"] = "byte"
            elif key == "contentMediaType":
                # The media type itself has no 3.0 keyword; "binary" says "raw bytes".
                if "contentEncoding" not in schema and "format" not in schema:
                    result["format"] = "binary"
            elif key == "nullable":
                nullable = nullable or value is True
            elif key in SCHEMA_30_KEYWORDS or key.startswith("x-"):
                result[key] = copy.deepcopy(value)
            elif key not in _SILENT:
                notes.append(_dropped(key, value))
        if nullable:
            result = _with_null(result)
        if result.get("type") == "array" and "items" not in result:
            result["items"] = {}  # 3.0 requires items on an array
        if notes:
            described = result.get("description")
            text = " ".join(notes)
            result["description"] = f"{described}\n\n{text}" if described else text
        return result


# -- schema helpers --------------------------------------------------------------------


def _lift_null(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Take ``null`` out of ``type`` and of ``anyOf``/``oneOf``; return whether it was there.

    A ``type`` of several non-null types becomes an ``anyOf`` of one branch
    per type, each with the keywords that apply to it.
    """
    nullable = False
    kind = schema.get("type")
    if isinstance(kind, list) or kind == "null":
        kinds = kind if isinstance(kind, list) else [kind]
        nullable = "null" in kinds
        kinds = [item for item in kinds if item != "null"]
        if len(kinds) == 1:
            schema["type"] = kinds[0]
        elif kinds:
            schema = _split_types(schema, kinds)
        else:
            del schema["type"]
            if "enum" not in schema and "const" not in schema:
                schema["enum"] = [None]
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list):
            kept = [branch for branch in branches if not _is_null(branch)]
            if len(kept) < len(branches):
                nullable = True
                if kept:
                    schema[key] = kept
                else:
                    del schema[key]
                    schema.setdefault("enum", [None])
    return schema, nullable


def _split_types(schema: dict[str, Any], kinds: list[str]) -> dict[str, Any]:
    """Turn ``{"type": ["string", "number"], ...}`` into an ``anyOf`` of one branch per type."""
    branches = []
    for kind in kinds:
        branch: dict[str, Any] = {"type": kind}
        branch.update(
            (key, value) for key, value in schema.items() if key in _KEYWORDS_OF_TYPE.get(kind, ())
        )
        branches.append(branch)
    specific = frozenset().union(*(_KEYWORDS_OF_TYPE.get(kind, frozenset()) for kind in kinds))
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            result["anyOf"] = branches
        elif key not in specific:
            result[key] = value
    if "anyOf" in schema:
        # Both must hold: keep the given anyOf, and add ours through allOf.
        result["anyOf"] = schema["anyOf"]
        result["allOf"] = [*schema.get("allOf", []), {"anyOf": branches}]
    return result


def _ref_in_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """Move a ``$ref`` with siblings into ``allOf``: 3.0 ignores everything beside a ``$ref``."""
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            result["allOf"] = [{"$ref": value}, *schema.get("allOf", [])]
        elif key != "allOf":
            result[key] = value
    return result


def _is_null(schema: Any) -> bool:
    """Return whether ``schema`` accepts ``null`` and nothing else."""
    if not isinstance(schema, Mapping) or not set(schema) - _ANNOTATIONS:
        return False
    rest = {key: value for key, value in schema.items() if key not in _ANNOTATIONS}
    return rest in ({"type": "null"}, {"type": ["null"]}, {"const": None}, {"enum": [None]})


def _tuple_as_array(schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Describe ``prefixItems`` as one ``items`` schema; return it and the note that says so."""
    positions = schema["prefixItems"]
    if not isinstance(positions, list):
        return schema, _dropped("prefixItems", positions)
    extra = schema.get("items", True)
    limit = schema.get("maxItems")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit <= len(positions):
        # NOTE: maxItems already rules out items past the tuple's positions.
        extra = False
    candidates = [*positions, *([] if extra is False else [extra])]
    unique: list[Any] = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    if any(candidate is True or candidate == {} for candidate in unique):
        items: Any = {}
    elif len(unique) == 1:
        items = unique[0]
    else:
        items = {"anyOf": unique}
    note = (
        "OpenAPI 3.0 cannot give each position of an array its own schema; in order, the items"
        f" are: {', '.join(_describe(position) for position in positions)}"
    )
    if extra is not False:
        note += f", then any number of {_describe(extra)}"
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "prefixItems":
            result["items"] = items
        elif key != "items":
            result[key] = value
    return result, note + "."


def _describe(schema: Any) -> str:
    """Return a short name of ``schema`` for a note: a schema name, a type, or its JSON."""
    if schema is True or schema == {}:
        return "any value"
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str) and len(schema) == 1:
            return ref.rsplit("/", 1)[-1]
        kind = schema.get("type")
        if isinstance(kind, str) and set(schema) <= {"type", "format"}:
            return f"{kind} ({schema['format']})" if "format" in schema else kind
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


_BOUNDS: Mapping[str, tuple[str, str]] = {
    "minimum": ("minimum", "exclusiveMinimum"),
    "exclusiveMinimum": ("minimum", "exclusiveMinimum"),
    "maximum": ("maximum", "exclusiveMaximum"),
    "exclusiveMaximum": ("maximum", "exclusiveMaximum"),
}


def _bound(schema: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Return the 3.0 keywords for the bound keyword ``key`` of ``schema``.

    3.0's ``exclusiveMinimum`` is a flag on ``minimum``. A 3.1 schema may
    have both a ``minimum`` and a numeric ``exclusiveMinimum``: the stricter
    one is kept, written where the exclusive keyword was.
    """
    inclusive, exclusive = _BOUNDS[key]
    bound: Any = schema.get(inclusive)
    strict: Any = schema.get(exclusive)
    if not _is_number(strict):
        return {key: copy.deepcopy(schema[key])}  # already 3.0's form (or no exclusive bound)
    lower = inclusive == "minimum"
    if _is_number(bound) and (bound > strict if lower else bound < strict):
        return {inclusive: bound} if key == exclusive else {}
    return {inclusive: strict, exclusive: True} if key == exclusive else {}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dropped(keyword: str, value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return f"OpenAPI 3.0 has no `{keyword}`: left out {shown}."


def _insert_after(schema: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    if after not in schema or key in schema:
        return {**schema, key: value} if key not in schema else schema
    result: dict[str, Any] = {}
    for name, item in schema.items():
        result[name] = item
        if name == after:
            result[key] = value
    return result


#: The branch that adds ``null`` to a union. 3.0 has no null type, and its
#: ``nullable`` counts only beside a ``type`` in the same schema (3.0.3), so
#: the branch has a type, is nullable, and allows no value but ``null``.
NULL_BRANCH: Mapping[str, Any] = {"type": "string", "nullable": True, "enum": [None]}


def _with_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the 3.0 schema that also accepts ``null``.

    A schema with a ``type`` gets ``nullable: true`` (and ``null`` in its
    ``enum``, which 3.0.3 requires). A union gets a null branch, and so does
    a reference: a ``$ref`` cannot be made nullable in place.
    """
    schema = _merge_single_branch(schema)
    if "type" in schema:
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return _insert_after(schema, "type", "nullable", True)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return {
                name: [*value, dict(NULL_BRANCH)] if name == key else value
                for name, value in schema.items()
            }
    if "allOf" in schema:
        result: dict[str, Any] = {}
        for name, value in schema.items():
            if name == "allOf":
                result["anyOf"] = [{"allOf": value}, dict(NULL_BRANCH)]
            else:
                result[name] = value
        return result
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema  # no type constraint: null is allowed already


def _merge_single_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """Fold what is left of a nullable union with one inline branch into its parent.

    ``anyOf: [{"type": "array", ...}]`` (once ``null`` is taken out) becomes
    the array schema itself, the way 3.0 documents write a nullable value.
    The parent must hold only annotations (description, default...) that the
    branch does not also have, so the merge keeps the meaning.
    """
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if not isinstance(branches, list) or len(branches) != 1:
            continue
        (branch,) = branches
        rest = {name: value for name, value in schema.items() if name != key}
        if not isinstance(branch, dict) or "$ref" in branch or "type" not in branch:
            return schema
        if set(rest) & set(branch) or _STRUCTURAL & set(rest):
            return schema
        result: dict[str, Any] = {}
        for name, value in schema.items():
            if name == key:
                result.update(branch)
            else:
                result[name] = value
        return result
    return schema


# -- other objects ------------------------------------------------------------------


def _reference(reference: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Reference Object as 3.0 has it: ``$ref`` only (3.1 adds summary, description)."""
    return {"$ref": reference["$ref"]}


def _license(license_: Any) -> Any:
    """Return a 3.0 License Object: an SPDX ``identifier`` becomes the licence's ``url``."""
    if not isinstance(license_, Mapping):
        return copy.deepcopy(license_)
    result = {key: copy.deepcopy(value) for key, value in license_.items() if key != "identifier"}
    identifier = license_.get("identifier")
    if isinstance(identifier, str) and "url" not in result:
        result["url"] = f"https://spdx.org/licenses/{identifier}.html"
    return result


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
