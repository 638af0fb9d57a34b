"""Load environment variables from ``.env`` and ``.resourcefulenv`` files."""

from __future__ import annotations

import os

import click

#: The dotenv files loaded by default; later files take precedence.
DOTENV_FILES = (".resourcefulenv", ".env")


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
        if path is not None or any(os.path.isfile(name) for name in DOTENV_FILES):
            click.secho(
                " * Tip: dotenv files were found but python-dotenv is not installed;"
                " install it with: pip install 'resourceful[dotenv]'",
                err=True,
                fg="yellow",
            )
        return False

    values: dict[str, str | None] = {}
    if load_defaults:
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
