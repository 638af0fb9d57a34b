"""The schema of a JSON merge patch (RFC 7396) for an attrs class.

``MergePatch[T]`` is described as the component ``MergePatch_T``: the
properties of ``T``'s input, none required, without defaults (a member left
out is left unchanged, not reset); ``null`` is allowed where binding takes
it, that is where deleting the member leaves a valid ``T`` (the field has a
default, or takes ``None``); a nested attrs class is a merge patch of its
own. Read-only fields keep ``readOnly``: binding refuses or ignores them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from resourceful.binding.merge_patch import MergePatch, is_merge_patch, patch_target
from resourceful.convert.typeinfo import is_attrs, is_optional, strip_optional, strip_unset
from resourceful.fields import field_info, wire_name
from resourceful.openapi.names import component_key, schema_name

if TYPE_CHECKING:
    from resourceful.openapi.schema import JSONSchema, SchemaGenerator

__all__ = ["is_merge_patch", "merge_patch_schema"]


def merge_patch_schema(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    """Return a ``$ref`` to the merge-patch component of ``MergePatch[T]``."""
    return generator._named(component_key(tp), lambda key, name: _component(tp, generator))


def _component(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    from resourceful.openapi.schema import _resolve_class, _substitute, _with_null

    target = patch_target(tp)
    cls, type_map = _resolve_class(component_key(target))
    properties: JSONSchema = {}
    for attribute in attrs.fields(cls):
        if not attribute.init:
            continue
        ftype = strip_unset(_substitute(attribute.type, type_map))
        inner = strip_optional(ftype)
        if is_attrs(inner):
            # Not the nested class's own schema: its merge patch (an object merges).
            schema: JSONSchema = generator.schema(MergePatch[inner])  # type: ignore[valid-type]
            description = field_info(attribute).description
            if description is not None:
                schema = {**schema, "description": description}
        else:
            owner = f"{cls.__qualname__}.{attribute.name}"
            full = generator._field_schema(attribute, ftype, False, owner)
            # A member left out is unchanged, not reset: no default.
            schema = {key: value for key, value in full.items() if key != "default"}
        deletable = attribute.default is not attrs.NOTHING or is_optional(ftype)
        if deletable and not _takes_null(schema):
            schema = _with_null(schema)
        properties[wire_name(attribute)] = schema
    name = schema_name(cls)
    component: JSONSchema = {
        "type": "object",
        "description": (
            f"A JSON merge patch (RFC 7396) for {name}: a member replaces the field, null"
            " deletes it (the field gets its default, or null), a nested object patches the"
            f" nested value, an array replaces it whole. The result must be a valid {name}."
        ),
        "properties": properties,
    }
    if generator.forbid_unknown_fields:
        component["additionalProperties"] = False
    return component


def _takes_null(schema: JSONSchema) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    branches = schema.get("anyOf", schema.get("oneOf"))
    return isinstance(branches, list) and {"type": "null"} in branches
