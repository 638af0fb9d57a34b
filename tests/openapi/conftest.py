"""Fixtures for the OpenAPI tests: the example apps, loaded from examples/."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from example_modules import EXAMPLES, import_example

from resourceful import App

# name -> (file, module name)
EXAMPLE_FILES = {
    "todo": (EXAMPLES / "todo" / "app.py", "todo_openapi_app"),
    "quickstart": (EXAMPLES / "quickstart" / "app.py", "quickstart_openapi_app"),
    "blog": (EXAMPLES / "blog" / "blog" / "__init__.py", "blog"),
    "server_side_sessions": (EXAMPLES / "server_side_sessions.py", "sessions_openapi_app"),
}


@contextmanager
def example(name: str, tmp_path: Path) -> Iterator[App]:
    """Load the example app ``name`` (a key of ``EXAMPLE_FILES``), then unload its modules."""
    before = set(sys.modules)
    try:
        module = import_example(*EXAMPLE_FILES[name])
        if name == "quickstart":
            yield module.app
        elif name == "server_side_sessions":
            yield module.create_app()
        else:
            yield module.create_app({"TESTING": True, "DATABASE": str(tmp_path / "app.db")})
    finally:
        for module_name in set(sys.modules) - before:
            del sys.modules[module_name]


@pytest.fixture
def example_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """Return the example app named by the test's parameter (``indirect=True``)."""
    with example(request.param, tmp_path) as app:
        yield app


@pytest.fixture
def todo_app(tmp_path: Path) -> Iterator[App]:
    """Return the todo example app, with its database in ``tmp_path``."""
    with example("todo", tmp_path) as app:
        yield app
