"""The text rules: strings from the path, query string, headers and cookies.

See :class:`~resourceful.convert.TextConverter` for the rules.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
import typing
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import cattrs

from .containers import EXACT_ITEMS, element_hook, sequence_factory, tuple_factory
from .describe import NOUNS, TEXT_NOUNS, describe_text, expected, one_of
from .hooks import StructureHook
from .parsers import (
    decimal_refusal,
    is_integer_text,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_float,
    parse_time,
    parse_uuid,
)
from .typeinfo import (
    is_enum,
    is_exactly,
    is_literal,
    is_sequence,
    is_set,
    is_tuple,
    is_union,
    union_parts,
    unwrap,
)
from .violations import INPUT_ERRORS, InvalidData

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def _text_value(value: Any) -> Any:
    # A repeated key for a single-valued field: use the first value.
    if isinstance(value, (list, tuple)) and value:
        return value[0]
    return value


def _text_str(value: Any, _: Any) -> str:
    value = _text_value(value)
    if isinstance(value, str):
        return value
    raise InvalidData.at_root(f"expected a string, got {describe_text(value)}")


EXACT_ITEMS.update({_text_str: str})


def _text_int(value: Any, _: Any) -> int:
    value = _text_value(value)
    if isinstance(value, str) and is_integer_text(value):
        try:
            return int(value)
        except ValueError:  # more digits than int() reads (sys.get_int_max_str_digits)
            raise InvalidData.at_root(
                f"expected an integer of at most {sys.get_int_max_str_digits()} digits,"
                f" got {len(value.lstrip('+-'))} digits"
            ) from None
    raise InvalidData.at_root(f"expected an integer, got {describe_text(value)}")


def _text_float(value: Any, _: Any) -> float:
    value = _text_value(value)
    if isinstance(value, str):
        number = parse_float(value)
        if number is not None:
            return number
    raise InvalidData.at_root(f"expected a number, got {describe_text(value)}")


def _text_bool(value: Any, _: Any) -> bool:
    value = _text_value(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InvalidData.at_root(f"expected {TEXT_NOUNS[bool]}, got {describe_text(value)}")


def _text_parser(parse: Callable[[str], Any], tp: Any) -> StructureHook:
    # Not stripped: the published formats (uuid, date, date-time) and the time pattern
    # admit no spaces.
    noun = NOUNS[tp]

    def structure_text(value: Any, _: Any) -> Any:
        value = _text_value(value)
        if isinstance(value, str):
            parsed = parse(value)
            if parsed is not None:
                return parsed
        raise InvalidData.at_root(f"expected {noun}, got {describe_text(value)}")

    return structure_text


def _text_decimal(value: Any, _: Any) -> Decimal:
    # Not stripped: the published pattern admits no spaces.
    value = _text_value(value)
    if isinstance(value, str):
        number = parse_decimal(value)
        if number is not None:
            return number
        refusal = decimal_refusal(value)
        if refusal is not None:
            raise InvalidData.at_root(refusal)
    raise InvalidData.at_root(f"expected {NOUNS[Decimal]}, got {describe_text(value)}")


def _text_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text_choice_factory(values: Sequence[Any], results: Sequence[Any]) -> StructureHook:
    choices = {_text_key(v): r for v, r in zip(values, results, strict=True)}
    folded = {key.lower(): r for key, r in choices.items() if key in ("true", "false")}
    wanted = one_of(list(values))

    def structure_choice(value: Any, _: Any) -> Any:
        value = _text_value(value)
        if isinstance(value, str):
            if value in choices:
                return choices[value]
            if value.lower() in folded:
                return folded[value.lower()]
        raise InvalidData.at_root(f"expected {wanted}, got {describe_text(value)}")

    return structure_choice


def _text_enum_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    members = list(tp)
    return _text_choice_factory([m.value for m in members], members)


def _text_literal_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    values = typing.get_args(tp)
    plain = [v.value if isinstance(v, enum.Enum) else v for v in values]
    return _text_choice_factory(plain, values)


def _text_sequence(value: Any) -> Sequence[Any] | None:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, (list, tuple)) else None


def _text_union_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    nullable, classes, others = union_parts(tp)
    members = [*classes, *others]
    hooks = [(element_hook(converter, m, repr(tp)), m) for m in members]
    takes_empty_string = any(unwrap(m) is str for m in members)
    wanted = expected(tp, text=True)

    def structure_union(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        if nullable and not takes_empty_string and _text_value(value) == "":
            return None
        for hook, member in hooks:
            try:
                return hook(value, member)
            except INPUT_ERRORS:  # noqa: PERF203 - trying each member in turn
                continue
        raise InvalidData.at_root(f"expected {wanted}, got {describe_text(value)}")

    return structure_union


def install_text_rules(converter: cattrs.Converter) -> None:
    """Register the text rules' hooks on ``converter`` (later ones take precedence)."""
    converter.register_structure_hook_factory(
        is_sequence, sequence_factory(_text_sequence, describe_text)
    )
    converter.register_structure_hook_factory(
        is_set, sequence_factory(_text_sequence, describe_text)
    )
    converter.register_structure_hook_factory(
        is_tuple, tuple_factory(_text_sequence, describe_text)
    )
    converter.register_structure_hook_factory(is_enum, _text_enum_factory)
    converter.register_structure_hook_factory(is_literal, _text_literal_factory)
    converter.register_structure_hook_factory(is_union, _text_union_factory)
    scalars: list[tuple[Any, StructureHook]] = [
        (str, _text_str),
        (int, _text_int),
        (float, _text_float),
        (bool, _text_bool),
        (Decimal, _text_decimal),
        (uuid.UUID, _text_parser(parse_uuid, uuid.UUID)),
        (dt.date, _text_parser(parse_date, dt.date)),
        (dt.datetime, _text_parser(parse_datetime, dt.datetime)),
        (dt.time, _text_parser(parse_time, dt.time)),
    ]
    for scalar, hook in scalars:
        converter.register_structure_hook_func(is_exactly(scalar), hook)


def list_items(lines: list[str]) -> list[str]:
    """Return the items of a list-valued header, from all its lines.

    A header list is comma-separated (RFC 9110 §5.6.1; OpenAPI's ``simple``
    style), and a server joins repeated lines with commas, so each line is
    split, each item stripped of spaces and tabs, and empty items dropped.
    """
    return [item for line in lines for part in line.split(",") if (item := part.strip(" \t"))]


def as_texts(value: Any) -> list[str]:
    """Return the texts that carry the unstructured JSON ``value`` in a query, header or cookie.

    The inverse of the rules above: what a :class:`TextConverter` reads back
    as the same value. ``None`` is no text, a list is one text per item, a
    boolean is ``true`` or ``false``.
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text for item in value for text in as_texts(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def number_too_long() -> str:
    """Say why a JSON integer with more digits than Python reads is refused."""
    return (
        "contains a number too long to read: an integer of more than"
        f" {sys.get_int_max_str_digits()} digits; send fewer digits, or the number as a string"
    )


def unreadable_cookie(header: str | None, name: str) -> str | None:
    """Say why the cookie ``name`` of a ``Cookie`` header could not be read.

    Called when the parsed cookies lack ``name``: werkzeug skips a cookie
    whose value it cannot parse (a space, a stray quote), and a client that
    sent one should hear so instead of getting the default. ``None``: the
    header has no cookie of that name.
    """
    if not header or name not in header:
        return None
    for segment in header.split(";"):
        key, _, value = segment.partition("=")
        if key.strip(" \t") == name:
            shown = describe_text(value.strip(" \t"))
            return (
                f"has a value that cannot be read ({shown}): send"
                " a cookie value without spaces, double quotes, semicolons or backslashes"
                " (percent-encode them), or as one double-quoted string"
            )
    return None
