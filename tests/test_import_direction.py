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


# resourceful.convert, leaves first -> the modules it may import, as dotted names under
# resourceful ("errors", "convert.violations"). The package as a whole leans only on
# errors and fields, so every step of the request path may import it.
CONVERT_ALLOWED = {
    "violations": set(),
    "parsers": set(),
    "typeinfo": {"errors", "fields"},
    "describe": {"convert.typeinfo"},
    "hooks": {"convert.violations"},
    "validators": {"convert.describe", "convert.violations"},
    "containers": {"errors", "convert.hooks", "convert.typeinfo", "convert.violations"},
    "attrs_gen": {
        "errors",
        "fields",
        "convert.describe",
        "convert.hooks",
        "convert.typeinfo",
        "convert.validators",
        "convert.violations",
    },
    "json_rules": {
        "convert.attrs_gen",
        "convert.containers",
        "convert.describe",
        "convert.hooks",
        "convert.parsers",
        "convert.typeinfo",
        "convert.violations",
    },
    "text_rules": {
        "convert.containers",
        "convert.describe",
        "convert.hooks",
        "convert.parsers",
        "convert.typeinfo",
        "convert.violations",
    },
    "converter": {
        "fields",
        "convert.attrs_gen",
        "convert.hooks",
        "convert.json_rules",
        "convert.text_rules",
        "convert.typeinfo",
    },
    "__init__": {
        "convert.converter",
        "convert.describe",
        "convert.hooks",
        "convert.typeinfo",
        "convert.validators",
        "convert.violations",
    },
}


def _imports(path: Path) -> set[str]:
    """Return the package modules ``path`` imports at run time, dotted under resourceful."""
    tree = ast.parse(path.read_text())
    here = list(path.relative_to(PACKAGE).parent.parts)
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = here[: len(here) - (child.level - 1)]
                    if child.module:
                        found.add(".".join([*base, *child.module.split(".")]))
                    else:
                        found.update(".".join([*base, alias.name]) for alias in child.names)
                elif child.module and child.module.split(".")[0] == "resourceful":
                    found.add(".".join(child.module.split(".")[1:]))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    parts = alias.name.split(".")
                    if parts[0] == "resourceful":
                        found.add(".".join(parts[1:]))
            visit(child)

    visit(tree)
    return found


def _package_imports(module: str) -> set[str]:
    return {name.split(".")[0] for name in _imports(PACKAGE / f"{module}.py")}


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_leaf_imports_only_allowed_modules(module: str) -> None:
    assert _package_imports(module) <= ALLOWED[module]


def test_checker_sees_package_imports() -> None:
    assert "globals" in _package_imports("wrappers")
    assert {"ctx", "wrappers", "scaffold"} <= _package_imports("app")


@pytest.mark.parametrize("module", sorted(CONVERT_ALLOWED))
def test_convert_module_imports_only_modules_before_it(module: str) -> None:
    assert _imports(PACKAGE / "convert" / f"{module}.py") <= CONVERT_ALLOWED[module]


def test_every_convert_module_has_a_place_in_the_direction() -> None:
    modules = {path.stem for path in (PACKAGE / "convert").glob("*.py")}
    assert modules == set(CONVERT_ALLOWED)


def test_convert_package_leans_only_on_errors_and_fields() -> None:
    outside = {
        name
        for module in CONVERT_ALLOWED
        for name in _imports(PACKAGE / "convert" / f"{module}.py")
        if not name.startswith("convert.")
    }
    assert outside == {"errors", "fields"}


def test_checker_resolves_imports_inside_subpackages() -> None:
    assert _imports(PACKAGE / "convert" / "hooks.py") == {"convert.violations"}
    assert {"errors", "fields"} <= _imports(PACKAGE / "convert" / "typeinfo.py")
