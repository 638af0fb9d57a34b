"""The hand-written checks that Flask, Falcon and raw WSGI use for the typed POST.

This is what a careful developer writes without a validation library: every
field is checked, every problem is reported with a JSON pointer, unknown
fields are refused, and the answer has the same problem+json shape that
resourceful produces. Sharing it keeps the comparison about the frameworks.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

FIELDS = frozenset({"title", "done", "tags", "due"})
TITLE_MIN, TITLE_MAX = 1, 100


def validate_todo(data: Any) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """Return ``(todo, [])`` for a valid body, or ``(None, errors)`` listing every problem."""
    if not isinstance(data, dict):
        return None, [{"pointer": "", "detail": "Expected a JSON object."}]
    errors: list[dict[str, str]] = []

    title = data.get("title")
    if title is None:
        errors.append({"pointer": "/title", "detail": "Missing required field."})
    elif not isinstance(title, str):
        errors.append({"pointer": "/title", "detail": "Expected a string."})
    elif not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors.append(
            {
                "pointer": "/title",
                "detail": f"Length must be between {TITLE_MIN} and {TITLE_MAX}.",
            }
        )

    done = data.get("done", False)
    if not isinstance(done, bool):
        errors.append({"pointer": "/done", "detail": "Expected true or false."})

    tags = data.get("tags")
    if tags is None:
        errors.append({"pointer": "/tags", "detail": "Missing required field."})
    elif not isinstance(tags, list):
        errors.append({"pointer": "/tags", "detail": "Expected an array of strings."})
    else:
        errors.extend(
            {"pointer": f"/tags/{index}", "detail": "Expected a string."}
            for index, tag in enumerate(tags)
            if not isinstance(tag, str)
        )

    due = data.get("due")
    due_date: dt.date | None = None
    if due is not None:
        if not isinstance(due, str):
            errors.append({"pointer": "/due", "detail": "Expected an ISO date (YYYY-MM-DD)."})
        else:
            try:
                due_date = dt.date.fromisoformat(due)
            except ValueError:
                errors.append({"pointer": "/due", "detail": "Expected an ISO date (YYYY-MM-DD)."})

    errors.extend(
        {"pointer": f"/{name}", "detail": "Unknown field."} for name in data.keys() - FIELDS
    )
    if errors:
        return None, errors
    return {"title": title, "done": done, "tags": tags, "due": due_date}, []


def created(todo: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON of the created todo (ids are fixed at 1 so answers stay comparable)."""
    due = todo["due"]
    return {
        "id": 1,
        "title": todo["title"],
        "done": todo["done"],
        "tags": todo["tags"],
        "due": due.isoformat() if due is not None else None,
    }


def problem(errors: list[dict[str, str]]) -> dict[str, Any]:
    """Return the problem+json document for a body that failed validation."""
    return {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": f"The request body has {len(errors)} invalid field(s).",
        "errors": [{"location": "body", **error} for error in errors],
    }


PROBLEM_JSON = "application/problem+json"


# -- the secured GET: a bearer check and one per-request connection -------------------------

#: The one token the secured scenario sends, and whose it is.
TOKENS = {"bench-token": "ann"}


class Connection:
    """What a per-request provider hands out (a database connection, in a real app)."""

    def __init__(self) -> None:
        self.name = "db"
        self.open = True

    def close(self) -> None:
        self.open = False


def check_token(header: str | None) -> str | None:
    """Return the user a ``Bearer`` Authorization header names, comparing in constant time."""
    if header is None or not header.startswith("Bearer "):
        return None
    return user_for(header[7:].strip())


def user_for(token: str) -> str | None:
    """Return whose ``token`` is, comparing with every known token in constant time."""
    given = token.encode()
    found = None
    for known, user in TOKENS.items():
        if hmac.compare_digest(given, known.encode()):
            found = user
    return found


def secured_item(item_id: int, user: str, connection: Connection) -> dict[str, Any]:
    """Return the secured scenario's answer."""
    return {"id": item_id, "owner": user, "source": connection.name}
