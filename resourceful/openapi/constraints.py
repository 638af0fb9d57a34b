"""attrs validators as JSON Schema keywords.

:func:`constrain` adds to a schema the keywords that a field's validators
express: ``ge``/``gt``/``le``/``lt`` become bounds, ``min_len``/``max_len``
lengths (of strings, arrays or objects), ``matches_re`` a ``pattern``,
``in_`` an ``enum``, through ``optional``, ``and_``, ``deep_iterable`` and
``deep_mapping``. A validator with no JSON Schema form adds nothing; binding
still runs it.
"""

from __future__ import annotations

import decimal
import enum
import re
import typing
from collections.abc import Callable
from typing import Any

from resourceful.convert import validator_kinds as vk
from resourceful.convert.typeinfo import (
    MAPPINGS,
    SEQUENCES,
    SETS,
    is_union,
    strip_optional,
    unwrap,
)

__all__ = ["constrain", "json_type", "kind"]

JSONSchema = dict[str, Any]

_LENGTH_SUFFIXES = {"string": "Length", "array": "Items", "object": "Properties"}

_BOUND_KEYWORDS = {
    ">=": "minimum",
    ">": "exclusiveMinimum",
    "<=": "maximum",
    "<": "exclusiveMaximum",
}

# Python's \d, \w and \b are Unicode-aware unless re.ASCII is set; ECMA
# regexes' are ASCII. Only a pattern without them, or one compiled with
# re.ASCII, means the same in both.
_UNICODE_CLASSES = re.compile(r"(?<!\\)(?:\\\\)*\\[dDwWbB]")


def constrain(
    schema: JSONSchema,
    tp: Any,
    validator: Any,
    unstructure: Callable[[Any], Any],
    nullable: bool = False,
) -> JSONSchema:
    """Return ``schema`` with the keywords ``validator`` expresses added."""
    schema = dict(schema)
    for leaf, through_optional in vk.leaves(validator, nullable):
        if isinstance(leaf, vk.DEEP_ITERABLE):
            if leaf.iterable_validator is not None:
                schema = constrain(
                    schema, tp, leaf.iterable_validator, unstructure, through_optional
                )
            schema = _constrain_items(schema, _first_arg(tp), leaf.member_validator, unstructure)
        elif isinstance(leaf, vk.DEEP_MAPPING):
            if leaf.mapping_validator is not None:
                schema = constrain(
                    schema, tp, leaf.mapping_validator, unstructure, through_optional
                )
            schema = _constrain_mapping(schema, tp, leaf, unstructure)
        else:
            schema.update(_leaf_constraints(leaf, tp, through_optional, unstructure))
    return schema


def _constrain_items(
    schema: JSONSchema, item_type: Any, validator: Any, unstructure: Callable[[Any], Any]
) -> JSONSchema:
    """Add ``validator``'s constraints to the item schema of an array schema."""
    if "anyOf" in schema:  # a nullable array
        branches = [
            _constrain_items(branch, item_type, validator, unstructure)
            for branch in schema["anyOf"]
        ]
        return {**schema, "anyOf": branches}
    if isinstance(schema.get("items"), dict):
        return {**schema, "items": constrain(schema["items"], item_type, validator, unstructure)}
    return schema


def _constrain_mapping(
    schema: JSONSchema, tp: Any, leaf: Any, unstructure: Callable[[Any], Any]
) -> JSONSchema:
    """Add a ``deep_mapping`` validator's constraints to keys and values."""
    if "anyOf" in schema:  # a nullable mapping
        branches = [_constrain_mapping(b, tp, leaf, unstructure) for b in schema["anyOf"]]
        return {**schema, "anyOf": branches}
    if "object" not in _as_list(schema.get("type")):
        return schema
    key_type, value_type = _mapping_args(tp)
    schema = dict(schema)
    if leaf.key_validator is not None:
        keys = schema.get("propertyNames", {"type": "string"})
        schema["propertyNames"] = constrain(keys, key_type, leaf.key_validator, unstructure)
    values = schema.get("additionalProperties", {})
    if leaf.value_validator is not None and isinstance(values, dict):
        schema["additionalProperties"] = constrain(
            values, value_type, leaf.value_validator, unstructure
        )
    return schema


def _leaf_constraints(
    leaf: Any, tp: Any, nullable: bool, unstructure: Callable[[Any], Any]
) -> JSONSchema:
    """Return the keywords one attrs validator expresses (none if it has no JSON form)."""
    if isinstance(leaf, vk.NUMBER):
        bound = leaf.bound
        if isinstance(bound, bool) or not isinstance(bound, int | float | decimal.Decimal):
            return {}  # a date or another ordered type: JSON Schema has no keyword
        if kind(tp) != "number":
            return {}
        if isinstance(bound, decimal.Decimal):
            bound = int(bound) if bound == bound.to_integral_value() else float(bound)
        return {_BOUND_KEYWORDS[leaf.compare_op]: bound}
    if isinstance(leaf, vk.MIN_LEN | vk.MAX_LEN):
        length = leaf.min_length if isinstance(leaf, vk.MIN_LEN) else leaf.max_length
        prefix = "min" if isinstance(leaf, vk.MIN_LEN) else "max"
        suffix = _LENGTH_SUFFIXES.get(kind(tp) or "")
        return {} if suffix is None else {prefix + suffix: length}
    if isinstance(leaf, vk.MATCHES_RE):
        return _pattern(leaf)
    if isinstance(leaf, vk.IN):
        values = _options(vk.options_of(leaf))
        if values is None:
            return {}
        listed = [unstructure(value) for value in values]
        if nullable and None not in listed:
            listed.append(None)
        return {"enum": listed}
    return {}


def _pattern(leaf: Any) -> JSONSchema:
    pattern: re.Pattern[str] = leaf.pattern
    if not isinstance(pattern.pattern, str) or pattern.flags & ~(re.UNICODE | re.ASCII):
        # Flags (re.IGNORECASE...) have no portable JSON Schema spelling.
        return {}
    source = pattern.pattern
    if not pattern.flags & re.ASCII and _UNICODE_CLASSES.search(source):
        # NOTE: Python's \d matches any Unicode digit, an ECMA regex's only
        # 0-9: published as is, the pattern would refuse values binding
        # accepts. Compile it with re.ASCII to publish it.
        return {}
    func = getattr(leaf.match_func, "__name__", "fullmatch")
    # JSON Schema patterns search anywhere in the string (like re.search).
    if func == "fullmatch":
        source = f"^(?:{source})$"
    elif func == "match":
        source = f"^(?:{source})"
    return {"pattern": source}


def _options(options: Any) -> list[Any] | None:
    if isinstance(options, type) and issubclass(options, enum.Enum):
        return list(options)
    if isinstance(options, list | tuple):
        return list(options)
    if isinstance(options, dict):
        return list(options)
    if isinstance(options, set | frozenset):
        # Set order changes between runs (string hashing); sort for stable output.
        return sorted(options, key=repr)
    if isinstance(options, range) and len(options) <= 64:
        return list(options)
    return None  # a string (substring test) or another container: not an enum


def kind(tp: Any) -> str | None:
    """Return "number", "string", "array" or "object" for the non-null part of ``tp``."""
    tp = unwrap(tp)
    if is_union(tp):
        member = strip_optional(tp)
        return None if member is tp else kind(member)
    origin = typing.get_origin(tp)
    if origin is not None:
        tp = origin
    if not isinstance(tp, type) or tp is bool:
        return None
    if issubclass(tp, int | float | decimal.Decimal):
        return "number"
    if issubclass(tp, str):
        return "string"
    if tp in SEQUENCES or tp in SETS or issubclass(tp, list | tuple | set | frozenset):
        return "array"
    if tp in MAPPINGS or issubclass(tp, dict):
        return "object"
    return None


def json_type(value: Any) -> str:
    """Return the JSON Schema type of the JSON value ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def _first_arg(tp: Any) -> Any:
    args = typing.get_args(strip_optional(tp))
    return args[0] if args else Any


def _mapping_args(tp: Any) -> tuple[Any, Any]:
    args = typing.get_args(strip_optional(tp))
    return (args[0], args[1]) if len(args) == 2 else (Any, Any)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
