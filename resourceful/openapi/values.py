"""Defaults and examples: turned into JSON for the document, and checked first.

A default or an example that its own field refuses (``default=0`` with
``validator=ge(1)``, ``examples=["x"]`` on an ``int``) would publish a
document that contradicts itself, so :func:`check_value` raises a
:class:`~resourceful.openapi.names.SchemaError` naming the class and field.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from collections.abc import Callable
from typing import Any

import attrs

from resourceful.convert import INPUT_ERRORS, violations_from
from resourceful.fields import wire_name
from resourceful.openapi.names import SchemaError, type_repr

__all__ = ["check_value", "field_default", "to_json"]

# Factories whose result is fixed and safe to call while documenting a
# default: an empty container. Other factories (uuid4, datetime.now...) are
# not called, because that would make the document change between runs.
_PURE_FACTORIES = frozenset({list, dict, set, frozenset, tuple})


def field_default(attribute: attrs.Attribute[Any]) -> Any:
    """Return the default of ``attribute`` to document, or ``attrs.NOTHING``."""
    default: Any = attribute.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        if default.takes_self or factory not in _PURE_FACTORIES:
            return attrs.NOTHING
        return factory()
    return default


def check_value(
    value: Any,
    what: str,
    tp: Any,
    attribute: attrs.Attribute[Any] | None,
    unstructure: Callable[[Any], Any],
    structure: Callable[[Any, Any], Any] | None,
) -> Any:
    """Return ``value`` as JSON after checking it against ``tp`` and the field's validators.

    ``what`` names the value in the error (``the default of Todo.priority``).
    ``structure`` reads the JSON back with binding's rules; without it only
    the validators are run.
    """
    try:
        data = unstructure(value)
    except Exception as exc:  # any failure means: not a value of this type
        raise _invalid(what, value, tp, str(exc)) from exc
    if structure is not None:
        try:
            structure(data, tp)
        except (*INPUT_ERRORS, AttributeError) as exc:
            detail = "; ".join(violation.detail for violation in violations_from(exc)) or str(exc)
            raise _invalid(what, value, tp, detail) from exc
    validator = attribute.validator if attribute is not None else None
    if validator is not None and attribute is not None:
        try:
            validator(None, attribute, value)
        except (ValueError, TypeError) as exc:
            raise _invalid(what, value, tp, str(exc) or type(exc).__name__) from exc
    return data


def _invalid(what: str, value: Any, tp: Any, detail: str) -> SchemaError:
    return SchemaError(
        f"{what} is {value!r}, which its type or validators refuse ({type_repr(tp)}): {detail}."
        " Give a value that binding accepts, or change the type or validators."
    )


def to_json(value: Any) -> Any:
    """Turn a default or example into JSON without a converter."""
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.isoformat() + "+00:00"  # naive is UTC, as the converter writes it
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted((to_json(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(to_json(key)): to_json(item) for key, item in value.items()}
    if attrs.has(type(value)):
        return {
            wire_name(attribute): to_json(getattr(value, attribute.name))
            for attribute in attrs.fields(type(value))
        }
    return value
