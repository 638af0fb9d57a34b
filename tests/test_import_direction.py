"""The import direction: leaf modules import nothing heavier from the package.

Steps of the request path may import leaves; a leaf that imported a step
would create cycles and make the leaf expensive to import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import resourceful

PACKAGE = Path(resourceful.__file__).parent

# Module -> the package modules it may import (at run time, TYPE_CHECKING blocks aside).
ALLOWED = {
    "fields": set(),
    "globals": set(),
    "signals": set(),
    "config": set(),
    "wrappers": {"globals"},
    "logging": {"globals"},
}


def _package_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = (child.module or "").split(".")[0]
                    names = [base] if base else [alias.name for alias in child.names]
                    found.update(names)
                elif child.module and child.module.split(".")[0] == "resourceful":
                    found.add(child.module.split(".")[1] if "." in child.module else "")
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    parts = alias.name.split(".")
                    if parts[0] == "resourceful":
                        found.add(parts[1] if len(parts) > 1 else "")
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_leaf_imports_only_allowed_modules(module: str) -> None:
    assert _package_imports(module) <= ALLOWED[module]


def test_checker_sees_package_imports() -> None:
    assert "globals" in _package_imports("wrappers")
    assert {"ctx", "wrappers", "scaffold"} <= _package_imports("app")
