"""The machinery behind :mod:`resourceful.flask_patch`: the module tree and the finder.

Importing this module changes nothing; :func:`install` (which
``import resourceful.flask_patch`` calls) makes ``flask`` an alias of
resourceful. It is separate so that tools and tests can read
:data:`ALIASES` and :data:`FLASK_VERSION` without switching the alias on.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["ALIASES", "FLASK_VERSION", "FlaskAlreadyImported", "install"]

#: The Flask release whose API and behaviour resourceful follows: the value of
#: ``flask.__version__`` and of ``importlib.metadata.version("flask")`` once
#: the alias is active, for extensions that check the Flask version.
FLASK_VERSION = "3.1.3"

#: Each aliased ``flask`` module: the resourceful module it shows, and the
#: names Flask spells differently (Flask's name -> ``module:attribute`` in
#: resourceful). Any other name is looked up on the resourceful module.
ALIASES: dict[str, tuple[str, dict[str, str]]] = {
    "flask": ("resourceful", {"Flask": "resourceful.app:App"}),
    "flask.app": ("resourceful.app", {"Flask": "resourceful.app:App"}),
    "flask.blueprints": ("resourceful.blueprints", {}),
    "flask.cli": (
        "resourceful.cli",
        {"FlaskGroup": "resourceful.cli.groups:ResourcefulGroup"},
    ),
    "flask.config": ("resourceful.config", {}),
    "flask.ctx": ("resourceful.ctx", {}),
    "flask.globals": ("resourceful.globals", {}),
    "flask.helpers": (
        "resourceful.helpers",
        {
            "flash": "resourceful.flashing:flash",
            "get_flashed_messages": "resourceful.flashing:get_flashed_messages",
            "get_template_attribute": "resourceful.templating:get_template_attribute",
            "get_debug_flag": "resourceful.cli.discovery:get_debug_flag",
        },
    ),
    "flask.json": ("resourceful.json", {}),
    "flask.json.provider": ("resourceful.json.provider", {}),
    "flask.json.tag": ("resourceful.json.tag", {}),
    "flask.logging": ("resourceful.logging", {}),
    "flask.sessions": ("resourceful.sessions", {}),
    "flask.signals": ("resourceful.signals", {}),
    "flask.templating": ("resourceful.templating", {}),
    "flask.testing": (
        "resourceful.testing",
        {
            "FlaskClient": "resourceful.testing:TestClient",
            "FlaskCliRunner": "resourceful.testing:ResourcefulCliRunner",
        },
    ),
    "flask.typing": ("resourceful.typing", {}),
    "flask.views": ("resourceful.views", {}),
    "flask.wrappers": ("resourceful.wrappers", {}),
    # Flask splits its app and blueprint classes in two; resourceful's one
    # class plays both parts, so isinstance checks against either pass.
    "flask.sansio": ("", {}),
    "flask.sansio.app": ("resourceful.app", {}),
    "flask.sansio.blueprints": ("resourceful.blueprints", {}),
    "flask.sansio.scaffold": ("resourceful.scaffold", {}),
}

_PACKAGES = frozenset(parent for name in ALIASES for parent in [name.rpartition(".")[0]] if parent)

_REFUSED = """\
resourceful.flask_patch was imported after the real Flask ({where}).
Two frameworks' globals (current_app, request, g) in one process make
extensions talk to the wrong one. Import resourceful.flask_patch before
anything that imports flask: make it the first import of your application
(and of your tests' conftest.py).\
"""

_UNKNOWN = """\
No module named {name!r}: resourceful.flask_patch makes `flask` an alias of
resourceful, which has no equivalent of {name!r}. The aliased modules are:
{known}.\
"""


# NOTE: the alias's modules and finder carry this attribute rather than being
# recognised by class, so that a second copy of this module (reloaded, or
# imported under another path) recognises the first one's.
_MARK = "__resourceful_flask_alias__"


class FlaskAlreadyImported(ImportError):
    """The real Flask was imported before :mod:`resourceful.flask_patch`."""


class _FlaskAlias(ModuleType):
    """A ``flask`` module that shows a resourceful module under Flask's names."""

    def __init__(self, name: str, target: ModuleType, renamed: dict[str, str]) -> None:
        super().__init__(name, target.__doc__)
        self.__dict__[_MARK] = True
        self.__dict__["_target"] = target
        self.__dict__["_renamed"] = renamed

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name not in ("__version__", "__all__"):
            raise AttributeError(name)
        if name == "__version__":
            return FLASK_VERSION
        renamed: dict[str, str] = self.__dict__["_renamed"]
        if name in renamed:
            module, _, attribute = renamed[name].partition(":")
            return getattr(importlib.import_module(module), attribute)
        submodule = f"{self.__name__}.{name}"
        if submodule in ALIASES:
            return importlib.import_module(submodule)
        try:
            return getattr(self.__dict__["_target"], name)
        except AttributeError:
            raise AttributeError(
                f"module {self.__name__!r} (an alias of {self.__dict__['_target'].__name__!r}"
                f" made by resourceful.flask_patch) has no attribute {name!r}"
            ) from None

    def __dir__(self) -> Iterable[str]:
        names = set(dir(self.__dict__["_target"])) | set(self.__dict__["_renamed"])
        return sorted(names | set(self.__dict__))


class _AliasLoader(importlib.abc.Loader):
    """Create the alias modules listed in :data:`ALIASES`."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        target_name, renamed = ALIASES[spec.name]
        # A Flask package with no module of its own (flask.sansio) shows an empty one.
        target = importlib.import_module(target_name) if target_name else ModuleType(spec.name)
        return _FlaskAlias(spec.name, target, renamed)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the alias reads its target module."""


class _FlaskDistribution(importlib.metadata.Distribution):
    """The metadata ``importlib.metadata`` reports for ``flask`` under the alias."""

    def read_text(self, filename: str) -> str | None:
        if filename == "METADATA":
            return (
                "Metadata-Version: 2.1\n"
                "Name: Flask\n"
                f"Version: {FLASK_VERSION}\n"
                "Summary: resourceful, aliased as flask by resourceful.flask_patch\n"
            )
        return None

    def locate_file(self, path: Any) -> Path:
        return Path(__file__).parent / str(path)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answer every ``flask`` import (and metadata lookup) with the alias.

    It sits first on :data:`sys.meta_path`, so an installed Flask is never
    found once the alias is active.
    """

    __resourceful_flask_alias__ = True

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "flask" and not fullname.startswith("flask."):
            return None
        if fullname not in ALIASES:
            raise ModuleNotFoundError(
                _UNKNOWN.format(name=fullname, known=", ".join(sorted(ALIASES))),
                name=fullname,
            )
        spec = importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(), is_package=fullname == "flask" or fullname in _PACKAGES
        )
        if spec.submodule_search_locations is not None:
            # NOTE: an empty search path: submodules come from this finder only.
            spec.submodule_search_locations[:] = []
        return spec

    def find_distributions(
        self, context: importlib.metadata.DistributionFinder.Context | None = None
    ) -> Iterable[importlib.metadata.Distribution]:
        name = getattr(context, "name", None)
        if name is not None and _normalize(name) == "flask":
            return [_FlaskDistribution()]
        return []


def install() -> None:
    """Make ``flask`` and its submodules aliases of resourceful in this process.

    Raise :class:`FlaskAlreadyImported` if the real Flask (or any of its
    modules) is already imported; do nothing if the alias is already active.
    """
    if any(getattr(finder, _MARK, False) for finder in sys.meta_path):
        return
    imported = sorted(
        name
        for name, module in sys.modules.items()
        if (name == "flask" or name.startswith("flask."))
        and module is not None
        and not getattr(module, _MARK, False)
    )
    if imported:
        where = getattr(sys.modules.get(imported[0]), "__file__", None) or imported[0]
        raise FlaskAlreadyImported(_REFUSED.format(where=where))
    sys.meta_path.insert(0, _AliasFinder())
    importlib.import_module("flask")
