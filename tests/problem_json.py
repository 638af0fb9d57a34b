"""Reading problem+json responses in tests."""

from typing import Any


def problem(response: Any) -> dict[str, Any]:
    """Return the problem document of ``response``, checking its media type."""
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    data = response.get_json()
    assert isinstance(data, dict)
    return data


def pointers(response: Any) -> list[tuple[str, str]]:
    """Return ``(location, pointer)`` of every error in the problem of ``response``."""
    return [(e["location"], e["pointer"]) for e in problem(response)["errors"]]
