"""Parse the string forms of scalars: decimals, UUIDs and ISO 8601 dates and times.

Each parser returns ``None`` for text that is not a value of its type.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation


def parse_decimal(text: str) -> Decimal | None:
    """Return the finite decimal number ``text`` spells, or ``None``."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_uuid(text: str) -> uuid.UUID | None:
    """Return the UUID ``text`` spells (any form ``uuid.UUID`` accepts), or ``None``."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """Return the ISO 8601 date ``text`` spells, or ``None``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """Return the ISO 8601 date-time ``text`` spells (``Z`` is UTC), or ``None``."""
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
