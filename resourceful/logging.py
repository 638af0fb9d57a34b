"""The application's logger."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, TextIO

from .globals import _cv_request

if TYPE_CHECKING:  # pragma: no cover
    from .app import App


class _ErrorStream:
    """A stream that writes to the current request's ``wsgi.errors``, or to stderr."""

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    @staticmethod
    def _target() -> TextIO:
        ctx = _cv_request.get(None)
        if ctx is not None:
            stream = ctx.request.environ.get("wsgi.errors")
            if stream is not None:
                return stream  # type: ignore[no-any-return]
        return sys.stderr


#: The handler added to an app's logger when logging is not configured otherwise.
default_handler: logging.Handler = logging.StreamHandler(_ErrorStream())
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def has_level_handler(logger: logging.Logger) -> bool:
    """Return whether a handler on ``logger`` or its parents handles its effective level."""
    level = logger.getEffectiveLevel()
    current: Any = logger
    while current:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


def create_logger(app: App) -> logging.Logger:
    """Return the logger named after ``app``.

    In debug mode its level is lowered to DEBUG when unset. The default
    handler (writing to ``wsgi.errors``) is added only when nothing else
    would handle its messages, so configuring logging first takes over.
    """
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
