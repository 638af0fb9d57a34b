"""Parse the string forms of scalars: numbers, UUIDs and ISO 8601 dates and times.

Each parser returns ``None`` for text that is not a value of its type.

The grammars of numbers in text are stated once, here, as patterns that the
OpenAPI document publishes as they are: what binding accepts and what the
document says are the same set of strings. The patterns use explicit ASCII
classes and ``^...$`` anchors, so Python's ``re.fullmatch`` and an ECMA 262
engine read them alike: no Unicode digits, no spaces, no control characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from decimal import Decimal, InvalidOperation

#: How many digits a decimal's exponent may have: ``1e9999`` is accepted,
#: ``1e99999`` is not. It bounds what a few bytes can ask for: ``1e999999999``
#: is eleven characters, and ``int()`` of it, or formatting it with ``"f"``,
#: would build a billion digits.
DECIMAL_MAX_EXPONENT_DIGITS = 4

#: An integer in text (path, query, header, cookie): an optional sign and ASCII digits.
INTEGER_TEXT_PATTERN = r"^[+-]?[0-9]+$"

_SIGNIFICAND = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"

#: A floating-point number in text: digits with an optional point and exponent.
NUMBER_TEXT_PATTERN = rf"^{_SIGNIFICAND}(?:[eE][+-]?[0-9]+)?$"

#: A decimal in text, or in a JSON string (``"12.50"``): as a number, with
#: an exponent of at most :data:`DECIMAL_MAX_EXPONENT_DIGITS` digits.
DECIMAL_TEXT_PATTERN = rf"^{_SIGNIFICAND}(?:[eE][+-]?[0-9]{{1,{DECIMAL_MAX_EXPONENT_DIGITS}}})?$"

# NOTE: fullmatch, not match: in Python "$" also matches before a final "\n".
_is_integer = re.compile(INTEGER_TEXT_PATTERN, re.ASCII).fullmatch
_is_number = re.compile(NUMBER_TEXT_PATTERN, re.ASCII).fullmatch
_is_decimal = re.compile(DECIMAL_TEXT_PATTERN, re.ASCII).fullmatch


def is_integer_text(text: str) -> bool:
    """Return whether ``text`` spells an integer by :data:`INTEGER_TEXT_PATTERN`."""
    return _is_integer(text) is not None


def parse_float(text: str) -> float | None:
    """Return the finite number ``text`` spells by :data:`NUMBER_TEXT_PATTERN`, or ``None``."""
    if _is_number(text) is None:
        return None
    number = float(text)
    # A spelled number too large for a double is infinite: refused like "inf".
    return number if math.isfinite(number) else None


def parse_decimal(text: str) -> Decimal | None:
    """Return the decimal number ``text`` spells by :data:`DECIMAL_TEXT_PATTERN`, or ``None``."""
    if _is_decimal(text) is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def decimal_refusal(text: str) -> str | None:
    """Say why a number ``text`` spells is not accepted as a decimal (``None``: not a number)."""
    if _is_number(text) is None:
        return None
    return (
        f"expected a decimal number with an exponent of at most {DECIMAL_MAX_EXPONENT_DIGITS}"
        f" digits, got {text[:40]!r}" + ("..." if len(text) > 40 else "")
    )


def parse_uuid(text: str) -> uuid.UUID | None:
    """Return the UUID ``text`` spells (any form ``uuid.UUID`` accepts), or ``None``."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


#: What an ISO 8601 date, and so a date-time, starts with.
_DIGITS = frozenset("0123456789")


def parse_date(text: str) -> dt.date | None:
    """Return the ISO 8601 date ``text`` spells, or ``None``."""
    # PERF: text that does not start with a digit ("tomorrow") is refused
    # without raising and catching fromisoformat's ValueError.
    if text[:1] not in _DIGITS:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """Return the ISO 8601 date-time ``text`` spells (``Z`` is UTC), or ``None``."""
    if text[:1] not in _DIGITS:  # PERF: as in parse_date
        return None
    # NOTE: Python 3.10's fromisoformat does not accept a trailing "Z".
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_time(text: str) -> dt.time | None:
    """Return the ISO 8601 time ``text`` spells (``Z`` is UTC), or ``None``."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return None
