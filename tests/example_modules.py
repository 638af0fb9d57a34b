"""Import the example apps as modules, the way the CLI finds a file path.

Shared by the tests of every example (``pythonpath = ["tests"]`` in
pyproject.toml makes this importable from any test folder).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def import_example(path: Path, name: str) -> ModuleType:
    """Import the example file ``path`` (or a package's ``__init__.py``) as module ``name``.

    The example's folder is importable while it loads, since examples import
    their sibling modules. The module stays registered under ``name``, so its
    string annotations resolve; the sibling modules it imported are then
    forgotten, so each test that loads an example gets its own copies.
    """
    folder = path.parent.parent if path.name == "__init__.py" else path.parent
    before = set(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(folder))
        for added in set(sys.modules) - before - {name}:
            if _inside(sys.modules[added], folder):
                del sys.modules[added]


def _inside(module: ModuleType, folder: Path) -> bool:
    filename = getattr(module, "__file__", None)
    return filename is not None and Path(filename).resolve().is_relative_to(folder.resolve())
