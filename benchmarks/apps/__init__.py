"""The benchmark apps, one module per framework.

Each module has ``make_apps()`` returning ``{app kind: WSGI callable}`` for
the kinds it supports (``core``, ``many_rules``, ``typed``; see
``benchmarks/scenarios.py``) and ``NOTES``, ``{app kind: why it is missing}``.
A module whose framework is not installed raises ImportError on import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]

#: Framework name -> module; Flask first because every ratio is to Flask.
MODULES = {
    "flask": "benchmarks.apps.flask_app",
    "resourceful": "benchmarks.apps.resourceful_app",
    "falcon": "benchmarks.apps.falcon_app",
    "apiflask": "benchmarks.apps.apiflask_app",
    # An ASGI app, called in-process through benchmarks/asgi.py.
    "fastapi": "benchmarks.apps.fastapi_app",
    "raw": "benchmarks.apps.raw_app",
}
FRAMEWORKS = tuple(MODULES)


@dataclass
class Framework:
    """One framework's apps, and why any app is missing."""

    name: str
    apps: dict[str, WSGIApp] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None

    def missing_reason(self, kind: str) -> str:
        """Say why this framework has no ``kind`` app."""
        if self.unavailable is not None:
            return self.unavailable
        return self.notes.get(kind, "not part of this comparison")


def load(name: str) -> Framework:
    """Import the framework's module and build its apps (or say why it cannot)."""
    try:
        module = importlib.import_module(MODULES[name])
    except ImportError as exc:
        return Framework(name, unavailable=f"not importable ({exc})")
    return Framework(name, apps=module.make_apps(), notes=dict(getattr(module, "NOTES", {})))
