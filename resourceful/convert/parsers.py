"""Parse the string forms of scalars: numbers, UUIDs, and RFC 3339 dates and times.

Each parser returns ``None`` for text that is not a value of its type.

The grammars of numbers, dates and times in text are stated once, here, as
patterns: what binding accepts and what the document says are the same set
of strings. The document publishes the number and time patterns as they
are, and dates and date-times as ``format: date`` and ``format: date-time``
(RFC 3339), which their patterns spell. The patterns use explicit ASCII
classes and ``^...$`` anchors, so Python's ``re.fullmatch`` and an ECMA 262
engine read them alike: no Unicode digits, no spaces, no control characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
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


#: A UUID as the document publishes it (``format: uuid``): RFC 9562's string
#: form, 32 hexadecimal digits of either case in groups of 8-4-4-4-12. ``uuid.UUID``
#: alone reads wider: without hyphens, in braces, with a ``urn:uuid:`` prefix.
UUID_PATTERN = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"

_is_uuid = re.compile(UUID_PATTERN, re.ASCII).fullmatch


def parse_uuid(text: str) -> uuid.UUID | None:
    """Return the UUID ``text`` spells by :data:`UUID_PATTERN`, or ``None``."""
    if _is_uuid(text) is None:
        return None
    return uuid.UUID(text)


# -- dates and times: RFC 3339 ------------------------------------------------------
#
# Binding reads exactly RFC 3339's forms, which the document publishes: a
# date is `full-date` (format: date), a date-time is `date-time` with `T` or
# `t` between date and time (format: date-time; RFC 3339 lets an application
# allow a space there, but JSON Schema's format does not, so neither do we),
# seconds required, any fraction, and an offset required (`Z`, `z`, `+hh:mm`,
# `-hh:mm`). A time is RFC 3339's `partial-time` with an optional offset: a
# Python `time` may be naive, which JSON Schema's `format: time` (`full-time`,
# offset required) would refuse, so the document gives TIME_PATTERN instead.
# Two values RFC 3339 allows are refused because Python's date and time
# types cannot hold them: a leap second (`23:59:60`) and the year 0000.
# Wider ISO 8601 forms (`20261224`, `2026-W52-4`, `2026-12-24 10:00`, a
# date-time without offset, `10:00`, fractional hours) are refused.

_FULL_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_PARTIAL_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_TIME_OFFSET = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"

#: A date (RFC 3339 ``full-date``): ``2026-12-24``, a day its month has.
DATE_PATTERN = rf"^{_FULL_DATE}$"

#: A date-time (RFC 3339 ``date-time``): ``2026-12-24T10:00:00Z``,
#: ``2026-12-24t10:00:00.5+05:30``, on a day its month has.
DATETIME_PATTERN = rf"^{_FULL_DATE}[Tt]{_PARTIAL_TIME}{_TIME_OFFSET}$"

#: A time: ``10:00:00``, ``10:00:00.250``, ``10:00:00Z``, ``10:00:00-05:00``.
#: The document publishes it as it is (the schema of ``datetime.time``).
TIME_PATTERN = rf"^{_PARTIAL_TIME}{_TIME_OFFSET}?$"

_is_date = re.compile(DATE_PATTERN, re.ASCII).fullmatch
_is_datetime = re.compile(DATETIME_PATTERN, re.ASCII).fullmatch
_is_time = re.compile(TIME_PATTERN, re.ASCII).fullmatch

if sys.version_info >= (3, 11):
    _date_from = dt.date.fromisoformat
    _datetime_from = dt.datetime.fromisoformat
    _time_from = dt.time.fromisoformat
else:  # pragma: no cover - Python 3.10 reads only what isoformat() writes
    _fraction = re.compile(r"\.([0-9]+)", re.ASCII)

    def _as_isoformat(text: str) -> str:
        """Return ``text``, matched by a pattern above, as ``isoformat()`` would write it."""
        if text[-1:] == "Z":
            text = text[:-1] + "+00:00"
        return _fraction.sub(lambda m: "." + m[1][:6].ljust(6, "0"), text, count=1)

    _date_from = dt.date.fromisoformat

    def _datetime_from(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(_as_isoformat(text))

    def _time_from(text: str) -> dt.time:
        return dt.time.fromisoformat(_as_isoformat(text))


def parse_date(text: str) -> dt.date | None:
    """Return the date ``text`` spells by :data:`DATE_PATTERN`, or ``None``."""
    if _is_date(text) is None:
        return None
    try:
        return _date_from(text)
    except ValueError:  # a day the month does not have (2026-02-30), or the year 0000
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """Return the aware date-time ``text`` spells by :data:`DATETIME_PATTERN`, or ``None``."""
    # PERF: the pattern refuses the wider forms before fromisoformat runs, so
    # a refusal costs one regex match, not a raised and caught ValueError.
    if _is_datetime(text) is None:
        return None
    if text[-1] == "z":  # NOTE: fromisoformat reads "Z" but not RFC 3339's "z"
        text = text[:-1] + "Z"
    try:
        return _datetime_from(text)
    except ValueError:  # a day the month does not have, or the year 0000
        return None


def parse_time(text: str) -> dt.time | None:
    """Return the time ``text`` spells by :data:`TIME_PATTERN` (aware if offset), or ``None``."""
    if _is_time(text) is None:
        return None
    if text[-1] == "z":  # as in parse_datetime
        text = text[:-1] + "Z"
    return _time_from(text)


def datetime_text(value: dt.datetime) -> str:
    """Return ``value`` as an RFC 3339 date-time; a naive ``value`` is taken as UTC.

    The one rule for writing date-times (responses, and the defaults and
    examples the document shows): ``format: date-time`` requires an offset,
    and ``jsonify`` takes naive datetimes as UTC too.
    """
    if value.tzinfo is None:
        return value.isoformat() + "+00:00"
    return value.isoformat()
