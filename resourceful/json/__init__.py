"""JSON helpers that use the current application's provider.

Inside an application context these functions delegate to ``current_app.json``
(see :mod:`resourceful.json.provider`), so an application's encoding rules
apply everywhere. Outside one, they use the same rules as
:class:`~resourceful.json.provider.DefaultJSONProvider` (sorted keys, the
same extra types) without an app.
"""

from __future__ import annotations

import json as _json
from typing import IO, TYPE_CHECKING, Any

from markupsafe import Markup

from ..globals import _cv_app
from .provider import default_encoding

if TYPE_CHECKING:
    from ..app import App
    from ..wrappers import Response

__all__ = ["dump", "dumps", "htmlsafe_dumps", "jsonify", "load", "loads"]


def _current_app() -> App | None:
    # PERF: read the context variable directly instead of going through the
    # current_app proxy, which would raise outside a context.
    ctx = _cv_app.get(None)
    return ctx.app if ctx is not None else None


def dumps(obj: Any, **kwargs: Any) -> str:
    """Serialize ``obj`` to a JSON string with the current app's provider."""
    app = _current_app()
    if app is not None:
        return app.json.dumps(obj, **kwargs)
    kwargs.setdefault("default", default_encoding)
    kwargs.setdefault("sort_keys", True)
    return _json.dumps(obj, **kwargs)


def dump(obj: Any, fp: IO[str], **kwargs: Any) -> None:
    """Serialize ``obj`` as JSON into the text file ``fp``."""
    app = _current_app()
    if app is not None:
        app.json.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", default_encoding)
    kwargs.setdefault("sort_keys", True)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """Parse the JSON document ``s`` with the current app's provider."""
    app = _current_app()
    if app is not None:
        return app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: IO[str] | IO[bytes], **kwargs: Any) -> Any:
    """Parse the JSON document read from the file ``fp``."""
    app = _current_app()
    if app is not None:
        return app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: Any, **kwargs: Any) -> Response:
    """Return a JSON response built by the current app's provider.

    ``jsonify(data)`` serializes ``data``; several positional arguments
    become a list, keyword arguments become an object. Views can also return
    a dict or a list directly, which does the same.
    """
    app = _current_app()
    if app is None:
        raise RuntimeError(
            "jsonify() needs an application to build the response, and no application"
            " context is active. Call it inside a view, or inside `with app.app_context():`;"
            " use resourceful.json.dumps() to only serialize."
        )
    return app.json.response(*args, **kwargs)


# Characters that could end a <script> element or an HTML attribute value, or
# open an HTML comment or a CDATA section, written as JSON escapes instead.
_HTML_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def htmlsafe_dumps(obj: Any, **kwargs: Any) -> Markup:
    r"""Serialize ``obj`` to JSON that is safe inside HTML, also in ``<script>`` tags.

    ``<``, ``>``, ``&`` and ``'`` are written as ``\u`` escapes, so the
    output can neither close the element nor an attribute quoted with single
    quotes. It is the ``|tojson`` template filter.
    """
    return Markup(dumps(obj, **kwargs).translate(_HTML_UNSAFE))
