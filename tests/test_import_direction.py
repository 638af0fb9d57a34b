"""The import direction: the core never reaches the typed layer; leaves import nothing heavier.

The package has four kinds of module (docs/design.md, "The layout"):

- the Flask-compatible *core* (app, ctx, scaffold, routing, hooks, responses...);
- the *typed layer* (resources, binding, render, openapi, and typed.py, its
  glue), which plugs into the core through resourceful.extensions;
- shared *leaves* both may use (errors, operation, fields, convert, rules);
- *tools* (cli, testing), which the core may import only lazily, inside the
  functions behind ``app.cli``, ``app.run()`` and ``app.test_client()``, as Flask does.

The core never imports the typed layer, not even inside a function. Steps of
the request path may import leaves; a leaf that imported a step would create
cycles and make the leaf expensive to import.
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
    "coroutines": set(),
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
    "validator_kinds": {"fields"},
    "validators": {"errors", "convert.describe", "convert.validator_kinds", "convert.violations"},
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
        "errors",
        "fields",
        "convert.attrs_gen",
        "convert.hooks",
        "convert.json_rules",
        "convert.parsers",
        "convert.text_rules",
        "convert.typeinfo",
        "convert.violations",
    },
    "__init__": {
        "convert.converter",
        "convert.describe",
        "convert.hooks",
        "convert.parsers",
        "convert.typeinfo",
        "convert.validators",
        "convert.violations",
    },
}


# The kinds of module, by their first dotted part under resourceful.
CORE = {
    "app",
    "blueprints",
    "config",
    "cors",
    "ctx",
    "extensions",
    "flashing",
    "globals",
    "helpers",
    "hooks",
    "json",
    "logging",
    "matcher",
    "responses",
    "routing",
    "scaffold",
    "serving",
    "sessions",
    "signals",
    "templating",
    "typing",
    "url_map",
    "views",
    "wrappers",
}
TYPED = {
    "binding",
    "conditional",
    "dependencies",
    "openapi",
    "pagination",
    "render",
    "resources",
    "security",
    "typed",
}
LEAVES = {"convert", "coroutines", "errors", "fields", "operation", "providers", "rules"}
# flask_patch / flask_alias: the `flask` alias over the whole package.
TOOLS = {"cli", "contract", "testing", "__main__", "flask_alias", "flask_patch"}
# The core modules that may import tools, inside functions only (app.cli,
# app.test_client(), the .env file app.run() loads).
LAZY_TOOLS = {"app": {"cli", "testing"}, "blueprints": {"cli"}, "serving": {"cli", "testing"}}
# Leaf -> the package modules it may import. errors writes problem bodies with
# the one compact JSON encoder (json.provider), which leans only on wrappers.
LEAF_ALLOWED = {
    "errors": {"json"},
    "operation": {"errors"},
    "fields": set(),
    "convert": {"convert", "errors", "fields"},
    "rules": set(),
    "providers": {"convert", "errors"},
    "coroutines": set(),
}


def _imports(path: Path, source: str | None = None, *, nested: bool = True) -> set[str]:
    """Return the package modules ``path`` imports at run time, dotted under resourceful.

    ``source`` replaces the file's text. With ``nested=False`` only the
    module-level imports count, not those inside functions or classes.
    """
    tree = ast.parse(source if source is not None else path.read_text())
    here = list(path.relative_to(PACKAGE).parent.parts)
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if not nested and isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ):
                continue
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


# -- the core and the typed layer ----------------------------------------------------------------


def _modules_of(kind: set[str]) -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).with_suffix("").parts[0] in kind
    )


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names} - {"__version__"}


def _core_breaches(path: Path, source: str | None = None) -> set[str]:
    """Return what ``path`` (a core module) imports that the core may not."""
    module = path.relative_to(PACKAGE).with_suffix("").parts[0]
    everywhere = _top(_imports(path, source))
    at_module_level = _top(_imports(path, source, nested=False))
    lazy_tools = LAZY_TOOLS.get(module, set())
    return (everywhere - CORE - LEAVES - lazy_tools) | (at_module_level & TOOLS)


def test_every_module_has_a_kind() -> None:
    kinds = CORE | TYPED | LEAVES | TOOLS | {"__init__"}
    unplaced = {
        path.relative_to(PACKAGE).with_suffix("").parts[0] for path in PACKAGE.rglob("*.py")
    } - kinds
    assert unplaced == set()


@pytest.mark.parametrize("path", _modules_of(CORE), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_core_never_imports_the_typed_layer_not_even_in_functions(path: Path) -> None:
    assert _core_breaches(path) == set()


@pytest.mark.parametrize(
    "path", _modules_of(LEAVES), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_leaves_import_only_their_allowed_modules(path: Path) -> None:
    leaf = path.relative_to(PACKAGE).with_suffix("").parts[0]
    assert _top(_imports(path)) - {leaf} <= LEAF_ALLOWED[leaf] - {leaf}


def test_checker_catches_a_typed_import_inside_a_core_function() -> None:
    source = (
        "from .routing import Router\n"
        "\n"
        "def openapi(app):\n"
        "    from .openapi import document\n"
        "    return document.build_document(app)\n"
    )
    assert _core_breaches(PACKAGE / "app.py", source) == {"openapi"}


def test_checker_catches_a_tool_imported_at_module_level_by_the_core() -> None:
    assert _core_breaches(PACKAGE / "app.py", "from .testing import TestClient\n") == {"testing"}
    assert _core_breaches(PACKAGE / "app.py", "def f():\n    from . import testing\n") == set()


def test_the_typed_glue_is_the_typed_layer_s_one_import_of_the_extension_points() -> None:
    importers = {
        path.relative_to(PACKAGE).with_suffix("").parts[0]
        for path in _modules_of(TYPED)
        if "extensions" in _top(_imports(path))
    }
    assert importers == {"typed"}
