"""Fixtures for the OpenAPI tests: the example apps, loaded from examples/."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from resourceful import App

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_module(name: str, path: Path, search_path: Path) -> ModuleType:
    """Import an example file as module ``name``, with its folder importable."""
    sys.path.insert(0, str(search_path))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(search_path))


# name -> (module name, file, folder put on sys.path)
EXAMPLE_FILES = {
    "todo": ("todo_openapi_app", EXAMPLES / "todo" / "app.py", EXAMPLES / "todo"),
    "quickstart": ("quickstart_openapi_app", EXAMPLES / "quickstart" / "app.py", EXAMPLES),
    "blog": ("blog", EXAMPLES / "blog" / "blog" / "__init__.py", EXAMPLES / "blog"),
    "server_side_sessions": (
        "sessions_openapi_app",
        EXAMPLES / "server_side_sessions.py",
        EXAMPLES,
    ),
}


@contextmanager
def example(name: str, tmp_path: Path) -> Iterator[App]:
    """Load the example app ``name`` (a key of ``EXAMPLE_FILES``), then unload its modules."""
    before = set(sys.modules)
    try:
        module = load_module(*EXAMPLE_FILES[name])
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
