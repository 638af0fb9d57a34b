"""Load environment variables from ``.env`` and ``.resourcefulenv`` files.

Flask's ``.flaskenv`` is read too, with a warning, so that a ported project
keeps working until it renames the file.
"""

from __future__ import annotations

import os
import warnings

import click

from ..config import FlaskEnvironmentWarning

#: The dotenv files loaded by default; later files take precedence.
DOTENV_FILES = (".resourcefulenv", ".env")

#: Flask's dotenv file, read before the others (they take precedence); its
#: ``FLASK_*`` variables are read as ``RESOURCEFUL_*``.
FLASK_DOTENV_FILE = ".flaskenv"


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Set environment variables from dotenv files; return whether any file had values.

    The defaults are ``.resourcefulenv`` and ``.env``, found in the current
    directory or above it; ``path`` takes precedence over ``.env``, which
    takes precedence over ``.resourcefulenv``. A variable already set in the
    environment is never changed. Without python-dotenv nothing is loaded and
    a tip is printed when a default file exists.
    """
    try:
        import dotenv
    except ImportError:
        defaults = (FLASK_DOTENV_FILE, *DOTENV_FILES)
        if path is not None or any(os.path.isfile(name) for name in defaults):
            click.secho(
                " * Tip: dotenv files were found but python-dotenv is not installed;"
                " install it with: pip install 'resourceful[dotenv]'",
                err=True,
                fg="yellow",
            )
        return False

    values: dict[str, str | None] = {}
    if load_defaults:
        found = dotenv.find_dotenv(FLASK_DOTENV_FILE, usecwd=True)
        if found:
            values.update(_read_flaskenv(found, dotenv.dotenv_values(found, encoding="utf-8")))
        for name in DOTENV_FILES:
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                values.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        values.update(dotenv.dotenv_values(path, encoding="utf-8"))

    for key, value in values.items():
        if value is not None and key not in os.environ:
            os.environ[key] = value
    return bool(values)


def _read_flaskenv(path: str, values: dict[str, str | None]) -> dict[str, str | None]:
    """Return a ``.flaskenv`` file's values with ``FLASK_*`` names renamed; warn once."""
    renamed = {
        f"RESOURCEFUL_{key[len('FLASK_') :]}" if key.startswith("FLASK_") else key: value
        for key, value in values.items()
    }
    names = ", ".join(
        f"{key} as RESOURCEFUL_{key[len('FLASK_') :]}" for key in values if key.startswith("FLASK_")
    )
    read_as = f" It was read with {names}." if names else ""
    warnings.warn(
        f"Loaded Flask's dotenv file {path}.{read_as} Rename it to .resourcefulenv"
        " and its FLASK_* variables to RESOURCEFUL_*; .flaskenv support is for ports only.",
        FlaskEnvironmentWarning,
        stacklevel=3,
    )
    return renamed
