"""How values and types are named in error messages (``the string "3"``, ``an integer``)."""

from __future__ import annotations

import datetime as dt
import enum
import typing
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .typeinfo import MAPPINGS, SEQUENCES, SETS, is_literal, is_union, unwrap


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """Describe a JSON value for an error message (``the string "3"``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return f'the string "{_short(value)}"'
    if isinstance(value, (int, float)):
        return f"the number {_short(repr(value))}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def describe_text(value: Any) -> str:
    """Describe a path, query, header or cookie value for an error message (``"3"``)."""
    if isinstance(value, str):
        return f'"{_short(value)}"'
    if isinstance(value, (list, tuple)):
        return f"{len(value)} values"
    return describe(value)


def _literal_repr(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


def one_of(values: Sequence[Any]) -> str:
    """Say which values are allowed (``one of "red", "green"``)."""
    return "one of " + ", ".join(_literal_repr(v) for v in values)


#: What a JSON value of each scalar type looks like.
NOUNS: dict[Any, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    Decimal: "a decimal number",
    uuid.UUID: "a UUID",
    dt.date: "an ISO 8601 date (YYYY-MM-DD)",
    dt.datetime: "an RFC 3339 date-time with an offset, like 2026-12-24T10:00:00Z",
    dt.time: "a time (HH:MM:SS, optional fraction and offset), like 10:00:00",
    type(None): "null",
}


#: What a string of each scalar type looks like (path, query, header, cookie).
TEXT_NOUNS: dict[Any, str] = {
    **NOUNS,
    bool: "a boolean (true/false, 1/0, yes/no, on/off)",
    type(None): '""',
}


def expected(tp: Any, *, text: bool = False) -> str:
    """Describe what a value of type ``tp`` looks like, for error messages.

    With ``text=True`` the description is of the string form (path, query,
    header, cookie), where an optional value may be the empty string.
    """
    tp = unwrap(tp)
    nouns = TEXT_NOUNS if text else NOUNS
    if tp in nouns:
        return nouns[tp]
    if is_literal(tp):
        return one_of(typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return one_of([member.value for member in tp])
    if is_union(tp):
        return " or ".join(expected(arg, text=text) for arg in typing.get_args(tp))
    if attrs.has(typing.get_origin(tp) or tp):
        return "an object"
    origin = typing.get_origin(tp) or tp
    if origin in MAPPINGS:
        return "an object"
    if origin in SEQUENCES or origin in SETS or origin is tuple:
        return "an array"
    return getattr(tp, "__name__", repr(tp))
