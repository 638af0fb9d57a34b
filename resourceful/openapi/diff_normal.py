"""The normal form of a schema, and the local references it is read through.

Part of :mod:`resourceful.openapi.diff`. :func:`normalise` turns the many
spellings of one schema into one :class:`Normal` form, so that the
comparison sees only differences in meaning: ``$ref`` is followed (local
references only), ``allOf`` is merged, ``null`` alternatives of
``anyOf``/``oneOf``, ``"null"`` in a type list and 3.0's ``nullable: true``
all become one nullable flag, inline unions nested in a union are spliced
into it, a lone remaining alternative is merged into its parent, and
``enum``, ``required`` and ``type`` lists become sets.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, TypeGuard

import attrs

__all__ = [
    "DOC_KEYWORDS",
    "DocumentError",
    "Normal",
    "Resolver",
    "all_of",
    "as_object",
    "canonical",
    "escape",
    "is_number",
    "normalise",
    "pointer",
    "unordered",
]


class DocumentError(Exception):
    """A document cannot be compared: not OpenAPI, malformed, or with an unresolvable ``$ref``."""


def escape(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(base: str, *tokens: str | int) -> str:
    """Append tokens to a JSON pointer."""
    return base + "".join("/" + escape(str(token)) for token in tokens)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def canonical(value: Any) -> str:
    """Return one spelling of a JSON value: sorted keys, ``1.0`` written as ``1``."""
    return json.dumps(_canonical(value), sort_keys=True, default=str)


def _canonical(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


class Resolver:
    """Follow local ``$ref`` pointers (``#/components/...``) inside one document."""

    def __init__(self, document: Mapping[str, Any], name: str) -> None:
        self.document = document
        #: ``"old"`` or ``"new"``, for error messages.
        self.name = name

    def follow(self, value: Any, where: str) -> tuple[Any, str]:
        """Return the object a ``$ref`` (chain) leads to and its pointer; others unchanged."""
        seen: set[str] = set()
        while isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if ref in seen:
                raise DocumentError(
                    f"The {self.name} document's $ref {ref!r} at {where} refers to itself."
                )
            seen.add(ref)
            value, where = self.lookup(ref, where), ref[1:]
        return value, where

    def lookup(self, ref: str, where: str) -> Any:
        """Return the object a ``$ref`` names."""
        if not ref.startswith("#"):
            raise DocumentError(
                f"The {self.name} document's $ref {ref!r} at {where} points outside the"
                " document; only local references ('#/components/...') can be compared."
                " Bundle the document first."
            )
        target: Any = self.document
        for token in ref[1:].split("/")[1:]:
            key = _unescape(token)
            if isinstance(target, Mapping) and key in target:
                target = target[key]
            elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
                target = target[int(key)]
            else:
                raise DocumentError(
                    f"The {self.name} document's $ref {ref!r} at {where} points to nothing."
                )
        return target


# Keywords that describe values without constraining them; a change is documentation only.
DOC_KEYWORDS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "$comment",
        "externalDocs",
        "xml",
        "deprecated",
        "default",
        "$schema",
        "$id",
        "$anchor",
        "$defs",
        "definitions",
        "readOnly",
        "writeOnly",
        "contentMediaType",
    }
)


@attrs.define
class Normal:
    """A schema with its spellings resolved; each keyword remembers where it was written."""

    where: str
    #: The keywords outside the structural ones, with the pointer of the object holding each.
    keywords: dict[str, tuple[Any, str]] = attrs.field(factory=dict)
    #: ``None`` is "any type"; ``"null"`` is never in it (see ``nullable``).
    types: frozenset[str] | None = None
    types_where: str = ""
    nullable: bool = False
    nullable_where: str = ""
    #: Property name -> its schemas (several when ``allOf`` parts each constrain it).
    properties: dict[str, list[tuple[Any, str]]] = attrs.field(factory=dict)
    required: dict[str, str] = attrs.field(factory=dict)
    enum: dict[str, Any] | None = None
    enum_where: str = ""
    #: ``anyOf``/``oneOf`` alternatives once null is split off, when two or more remain.
    alternatives: list[tuple[Any, str]] | None = None
    #: JSON Schema's ``false``: no value is valid.
    empty: bool = False
    #: The ``$ref`` targets merged in, which identify a referenced schema.
    refs: list[str] = attrs.field(factory=list)


def normalise(resolver: Resolver, schema: Any, where: str) -> Normal:
    """Return the normal form of a schema (following ``$ref`` and merging ``allOf``)."""
    target, target_where = schema, where
    if isinstance(schema, Mapping) and schema.keys() == {"$ref"}:
        # A bare reference is the schema it names; one with siblings is merged with it.
        target, target_where = resolver.follow(schema, where)
    normal = Normal(target_where)
    if target_where != where:
        normal.refs.append(target_where)
    _merge(resolver, normal, target, target_where, 0)
    return normal


def _merge(resolver: Resolver, into: Normal, schema: Any, where: str, depth: int) -> None:
    if depth > 32:
        raise DocumentError(
            f"The {resolver.name} document's schema at {where} nests allOf/$ref more"
            " than 32 levels deep (an allOf that includes itself?)."
        )
    if schema is True:
        return
    if schema is False:
        into.empty = True
        return
    if not isinstance(schema, Mapping):
        raise DocumentError(
            f"The {resolver.name} document has {type(schema).__name__} {schema!r} at"
            f" {where} where a schema (an object or a boolean) must be."
        )
    if "$ref" in schema:
        target, target_where = resolver.follow({"$ref": schema["$ref"]}, where)
        into.refs.append(target_where)
        _merge(resolver, into, target, target_where, depth + 1)
    for index, part in enumerate(_list(resolver, schema, "allOf", where)):
        _merge(resolver, into, part, pointer(where, "allOf", index), depth + 1)
    for combinator in ("anyOf", "oneOf"):
        parts = _list(resolver, schema, combinator, where)
        if not parts:
            continue
        kept = []
        for part, part_where in _flatten(parts, pointer(where, combinator)):
            if _is_null(resolver, part, part_where):
                into.nullable, into.nullable_where = True, part_where
            else:
                kept.append((part, part_where))
        if len(kept) == 1:
            _merge(resolver, into, kept[0][0], kept[0][1], depth + 1)
        elif kept:
            into.alternatives = (into.alternatives or []) + kept

    types = schema.get("type")
    if types is not None:
        names = {types} if isinstance(types, str) else set(types)
        if "null" in names:
            into.nullable, into.nullable_where = True, pointer(where, "type")
        names.discard("null")
        merged = frozenset(names) if into.types is None else into.types & names
        into.types, into.types_where = merged, pointer(where, "type")
    if schema.get("nullable") is True:
        into.nullable, into.nullable_where = True, pointer(where, "nullable")

    values: list[Any] | None = None
    if "const" in schema:
        values, enum_where = [schema["const"]], pointer(where, "const")
    elif isinstance(schema.get("enum"), list):
        values, enum_where = schema["enum"], pointer(where, "enum")
    if values is not None:
        found = {canonical(v): v for v in values if v is not None}
        if None in values:
            into.nullable, into.nullable_where = True, enum_where
        if into.enum is not None:
            found = {k: v for k, v in found.items() if k in into.enum}
        into.enum, into.enum_where = found, enum_where

    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        raise DocumentError(
            f"The {resolver.name} document's 'properties' at {where} is not an object."
        )
    for name, sub in properties.items():
        into.properties.setdefault(name, []).append((sub, pointer(where, "properties", name)))
    for index, name in enumerate(_list(resolver, schema, "required", where)):
        into.required.setdefault(name, pointer(where, "required", index))

    for key, value in schema.items():
        if key in ("allOf", "anyOf", "oneOf", "type", "nullable", "enum", "const", "$ref"):
            continue
        if key in ("properties", "required"):
            continue
        if key in into.keywords:
            into.keywords[key] = (_tighter(key, into.keywords[key][0], value), where)
        else:
            into.keywords[key] = (value, where)


def _is_null(resolver: Resolver, schema: Any, where: str) -> bool:
    target, _ = resolver.follow(schema, where)
    if not isinstance(target, Mapping):
        return False
    if target.get("type") == "null" or target.get("type") == ["null"]:
        return True
    return ("const" in target and target["const"] is None) or target.get("enum") == [None]


def _list(resolver: Resolver, schema: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = schema.get(key, [])
    if not isinstance(value, list):
        raise DocumentError(f"The {resolver.name} document's {key!r} at {where} is not a list.")
    return value


# Lists whose order means nothing: compared as sets.
_UNORDERED = frozenset({"enum", "required", "type", "anyOf", "oneOf", "allOf"})


def unordered(value: Any, key: str | None = None) -> Any:
    """Return a schema with its order-free lists sorted, to compare content."""
    if isinstance(value, Mapping):
        return {k: unordered(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [unordered(v) for v in value]
        return sorted(items, key=canonical) if key in _UNORDERED else items
    return value


def _flatten(parts: list[Any], where: str) -> list[tuple[Any, str]]:
    """Return the alternatives of ``anyOf``/``oneOf`` parts, nested inline unions spliced in."""
    found = []
    for index, part in enumerate(parts):
        part_where = pointer(where, index)
        inner = [k for k in ("anyOf", "oneOf") if isinstance(part, Mapping) and k in part]
        if (
            len(inner) == 1
            and isinstance(part[inner[0]], list)
            and all(k in DOC_KEYWORDS or k == inner[0] for k in part)
        ):
            found += _flatten(part[inner[0]], pointer(part_where, inner[0]))
        else:
            found.append((part, part_where))
    return found


def all_of(schemas: list[tuple[Any, str]]) -> Any:
    """Return one schema for several that all apply (one property's parts of an ``allOf``)."""
    return schemas[0][0] if len(schemas) == 1 else {"allOf": [s for s, _ in schemas]}


def _tighter(key: str, first: Any, second: Any) -> Any:
    """Merge a keyword two ``allOf`` parts both give: the tighter bound, else the first."""
    if is_number(first) and is_number(second):
        if key in ("minimum", "minLength", "minItems", "minProperties", "exclusiveMinimum"):
            return max(first, second)
        if key in ("maximum", "maxLength", "maxItems", "maxProperties", "exclusiveMaximum"):
            return min(first, second)
    return first


def is_number(value: Any) -> TypeGuard[float]:
    """Return whether a JSON value is a number (``true`` is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_object(resolver: Resolver, value: Any, where: str) -> Mapping[str, Any]:
    """Return ``value`` if it is a JSON object, else raise :class:`DocumentError`."""
    if not isinstance(value, Mapping):
        raise DocumentError(
            f"The {resolver.name} document has {type(value).__name__} {value!r} at"
            f" {where or '/'} where an object must be."
        )
    return value
