"""The built-in schema hooks: scalars, containers, literals, unions, enums, attrs classes.

:func:`install_builtin_hooks` registers them on a
:class:`~resourceful.openapi.schema.SchemaGenerator`, most general first,
so that the more specific ones (and every hook registered afterwards, such
as a user's) are asked first. Unions, enums and attrs classes need the
generator's state (components, names), so their hooks call back into it.
"""

from __future__ import annotations

import datetime
import decimal
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from resourceful.convert.parsers import DECIMAL_TEXT_PATTERN, INTEGER_TEXT_PATTERN, TIME_PATTERN
from resourceful.convert.typeinfo import (
    is_attrs,
    is_enum,
    is_exactly,
    is_literal,
    is_mapping,
    is_sequence,
    is_set,
    is_tuple,
    is_union,
    is_wrapped,
    unwrap,
)
from resourceful.openapi.constraints import json_type
from resourceful.openapi.merge_patch import is_merge_patch, merge_patch_schema
from resourceful.openapi.names import SchemaError, component_key
from resourceful.openapi.values import to_json

if TYPE_CHECKING:
    from resourceful.openapi.schema import SchemaGenerator

__all__ = ["install_builtin_hooks", "literal_schema"]

JSONSchema = dict[str, Any]

# The strings binding accepts as decimals, stated once in resourceful.convert.
_DECIMAL = DECIMAL_TEXT_PATTERN

_SCALARS: Mapping[Any, JSONSchema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    uuid.UUID: {"type": "string", "format": "uuid"},
    datetime.datetime: {"type": "string", "format": "date-time"},
    datetime.date: {"type": "string", "format": "date"},
    # NOTE: not `format: time`, which is RFC 3339's full-time (offset required):
    # a Python time may be naive, and binding reads exactly TIME_PATTERN.
    datetime.time: {"type": "string", "pattern": TIME_PATTERN},
}

# NOTE: binding takes a decimal as a string ("12.50", exact) or a number;
# the renderer always writes a string (str(value)). See docs/openapi.md.
_DECIMAL_SCHEMAS: Mapping[str, JSONSchema] = {
    "input": {"type": ["string", "number"], "format": "decimal", "pattern": _DECIMAL},
    "output": {"type": "string", "format": "decimal"},
}

# -- built-in hooks -----------------------------------------------------------------


def install_builtin_hooks(generator: SchemaGenerator) -> None:
    """Register the built-in hooks; registered first, so checked last (most general first)."""
    register = generator.register_schema_hook
    register(lambda tp: True, _unknown)
    register(_is_scalar_subclass, _scalar_subclass)
    register(is_mapping, _mapping)
    register(is_tuple, _tuple)
    register(is_set, _set)
    register(is_sequence, _sequence)
    register(is_literal, lambda tp, gen: literal_schema(typing.get_args(tp), gen.unstructure))
    register(is_union, lambda tp, gen: gen._union(tp))
    register(is_attrs, lambda tp, gen: gen._named(component_key(tp), gen._class_component))
    register(is_merge_patch, merge_patch_schema)
    register(is_enum, lambda tp, gen: gen._named(tp, gen._enum_component))
    register(lambda tp: tp in _SCALARS, lambda tp, gen: dict(_SCALARS[tp]))
    register(is_exactly(decimal.Decimal), lambda tp, gen: dict(_DECIMAL_SCHEMAS[gen.mode]))
    register(_is_alias, lambda tp, gen: gen.schema(_alias_value(tp)))
    register(lambda tp: isinstance(tp, typing.TypeVar), _type_variable)
    register(lambda tp: isinstance(tp, str | typing.ForwardRef), _forward_reference)
    register(lambda tp: tp is Any or tp is object, lambda tp, gen: {})


def _unknown(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    raise generator._unsupported(tp)


def _is_scalar_subclass(tp: Any) -> bool:
    # Subclasses of str, int... (but not bool, which its own hook matches first).
    return isinstance(tp, type) and issubclass(tp, (str, int, float, uuid.UUID, datetime.date))


def _scalar_subclass(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    for base in (bool, str, int, float, uuid.UUID, datetime.datetime, datetime.date):
        if issubclass(tp, base):
            return dict(_SCALARS[base])
    raise generator._unsupported(tp)  # pragma: no cover - the predicate lists the same bases


def _items(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    args = typing.get_args(tp)
    return generator.schema(args[0]) if args else {}


def _sequence(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    return {"type": "array", "items": _items(tp, generator)}


def _set(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    return {"type": "array", "items": _items(tp, generator), "uniqueItems": True}


def _tuple(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    args = typing.get_args(tp)
    if not args or (len(args) == 2 and args[1] is Ellipsis):
        return {"type": "array", "items": _items(tp, generator)}
    if args == ((),):  # tuple[()]
        return {"type": "array", "items": {}, "maxItems": 0}
    positions = [generator.schema(arg) for arg in args]
    kinds: list[JSONSchema] = []
    for position in positions:
        if position not in kinds:
            kinds.append(position)
    # NOTE: ``items`` never applies (the length bounds refuse items past the
    # positions), but tools read it: spectral wants it beside every array, and
    # client generators type the list from it. ``items: false`` would say the
    # same, yet openapi-python-client cannot read a boolean schema.
    return {
        "type": "array",
        "prefixItems": positions,
        "items": kinds[0] if len(kinds) == 1 else {"anyOf": kinds},
        "minItems": len(args),
        "maxItems": len(args),
    }


def _mapping(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    args = typing.get_args(tp)
    schema: JSONSchema = {"type": "object"}
    if len(args) == 2:
        keys = _key_schema(args[0])
        if keys is not None:
            schema["propertyNames"] = keys
        schema["additionalProperties"] = generator.schema(args[1])
    return schema


def _is_alias(tp: Any) -> bool:
    # NewType, Annotated, Final and 3.12 type aliases describe their underlying type.
    return is_wrapped(tp) or (
        getattr(tp, "__value__", None) is not None and type(tp).__name__ == "TypeAliasType"
    )


def _alias_value(tp: Any) -> Any:
    return tp.__value__ if type(tp).__name__ == "TypeAliasType" else unwrap(tp)


def _type_variable(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    raise SchemaError(
        f"cannot describe the unbound type variable {tp!r}{generator._describe()}. Use the"
        " generic class with concrete type arguments, for example Page[Todo]."
    )


def _forward_reference(tp: Any, generator: SchemaGenerator) -> JSONSchema:
    raise SchemaError(
        f"cannot describe the unresolved annotation {tp!r}{generator._describe()}. Make the"
        " name importable from the class's module, so attrs.resolve_types can find it."
    )


def literal_schema(values: tuple[Any, ...], unstructure: Callable[[Any], Any]) -> JSONSchema:
    """Return the schema of ``Literal[values]``: a ``const``, or an ``enum``."""
    plain = [unstructure(value) for value in values]
    kinds = {json_type(value) for value in plain}
    schema: JSONSchema = {}
    if len(kinds) == 1:
        schema["type"] = kinds.pop()
    if len(plain) == 1:
        schema["const"] = plain[0]
    else:
        schema["enum"] = plain
    return schema


# Keys read by the text rules as they read values: the same strings.
_TEXT_KEYS = frozenset({uuid.UUID, datetime.date, datetime.datetime, datetime.time})


def _key_schema(key_type: Any) -> JSONSchema | None:
    """Return the ``propertyNames`` schema for dict keys of ``key_type``.

    Binding parses non-string keys with the text rules (as for query
    strings), so the key schema describes those strings; ``None`` means any
    string.
    """
    key_type = unwrap(key_type)
    if is_enum(key_type):
        return {"type": "string", "enum": [_text_key(member.value) for member in key_type]}
    if is_literal(key_type):
        return {"type": "string", "enum": [_text_key(value) for value in typing.get_args(key_type)]}
    if key_type is int:
        return {"type": "string", "pattern": INTEGER_TEXT_PATTERN}
    if key_type in _TEXT_KEYS:
        return dict(_SCALARS[key_type])
    return None


def _text_key(value: Any) -> str:
    plain = to_json(value)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)
