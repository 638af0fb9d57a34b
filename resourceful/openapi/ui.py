"""Serve the OpenAPI document and an interactive docs page.

:func:`register_docs` adds up to four routes to an app, from its config:

* ``OPENAPI_URL`` (default ``/openapi.json``): the document as JSON;
* ``OPENAPI_30_URL`` (default ``/openapi-3.0.json``): the same document in
  OpenAPI 3.0.3, for tools that read only 3.0;
* ``DOCS_URL`` (default ``/docs``): a Swagger UI page that loads the document;
* ``DOCS_URL/<filename>``: the page's scripts and styles.

Setting any of these keys to ``None`` turns that route off. The page's assets come
from the installed ``swagger-ui-py`` package, never from a CDN, so the page
works with no network. Swagger UI's online validator badge is turned off for
the same reason.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import json
import os
import threading
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import NotFound

from resourceful.globals import current_app, request
from resourceful.helpers import send_from_directory
from resourceful.openapi.document import document_json
from resourceful.operation import operations_of
from resourceful.wrappers import Response

if TYPE_CHECKING:
    from resourceful.app import App

__all__ = ["ASSET_PACKAGE", "DOCS_ASSET_ENDPOINT", "DOCS_ENDPOINT", "OPENAPI_ENDPOINT"]

#: The endpoints of the routes :func:`register_docs` adds.
OPENAPI_ENDPOINT = "_openapi"
OPENAPI_30_ENDPOINT = "_openapi_30"
DOCS_ENDPOINT = "_docs"
DOCS_ASSET_ENDPOINT = "_docs_asset"

#: The PyPI package (and its import name) whose files the docs page serves.
ASSET_PACKAGE = ("swagger-ui-py", "swagger_ui")

# The only files served from the package; anything else is a 404.
_ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-16x16.png",
        "favicon-32x32.png",
        "oauth2-redirect.html",
    }
)

_EXTENSION_KEY = "resourceful.openapi.ui"

# Two first requests on two threads must not both add the routes.
_REGISTER_LOCK = threading.Lock()

# One year: the files only change when the package is upgraded, and then the
# page is reloaded anyway. Browsers still revalidate with the ETag.
_ASSET_MAX_AGE = 31_536_000

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="{assets}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({config});
</script>
</body>
</html>
"""

_MISSING_ASSETS = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Docs page unavailable</title></head>
<body>
<h1>Docs page unavailable</h1>
<p>The interactive docs page serves its files from the <code>{package}</code> package,
which is not installed. Install it with <code>pip install {package}</code>, or set
<code>DOCS_URL = None</code> to turn this page off. The document itself is at
<a href="{openapi}">{openapi}</a>.</p>
</body>
</html>
"""


def register_docs(app: App) -> None:
    """Add the document and docs page routes to ``app``, once, as its config says.

    Call it when the config is final and before the first request is
    matched (the app does, on its first request); calling it again does
    nothing.
    """
    with _REGISTER_LOCK:
        if app.extensions.get(_EXTENSION_KEY):
            return
        _add_routes(app)
        app.extensions[_EXTENSION_KEY] = True


def _has_operations(app: App) -> bool:
    return any(operations_of(view) for view in app.view_functions.values())


def _refuse_taken(app: App, url: str, setting: str) -> None:
    for rule in app.url_map.iter_rules():
        if rule.rule.rstrip("/") == url.rstrip("/"):
            raise ValueError(
                f"{setting} is {url!r}, but the app already has the rule {rule.rule!r}"
                f" (endpoint {rule.endpoint!r}). Set {setting} to another path, or to None to"
                " leave it out."
            )


def _add_routes(app: App) -> None:
    # NOTE: only apps with typed resources have something to document; a plain
    # Flask-style app must not gain routes it never asked for.
    if not _has_operations(app):
        return
    openapi_url: str | None = app.config["OPENAPI_URL"]
    docs_url: str | None = app.config["DOCS_URL"]
    if docs_url and not openapi_url:
        raise ValueError(
            f"DOCS_URL is {docs_url!r} but OPENAPI_URL is {openapi_url!r}: the docs page loads"
            " the document from OPENAPI_URL. Set OPENAPI_URL (for example '/openapi.json'), or"
            " set DOCS_URL = None to turn the docs page off too."
        )
    if openapi_url:
        _refuse_taken(app, openapi_url, "OPENAPI_URL")
        app.add_url_rule(
            openapi_url,
            endpoint=OPENAPI_ENDPOINT,
            view_func=serve_document,
            methods=["GET"],
        )
    openapi_30_url: str | None = app.config.get("OPENAPI_30_URL")
    if openapi_30_url:
        _refuse_taken(app, openapi_30_url, "OPENAPI_30_URL")
        app.add_url_rule(
            openapi_30_url,
            endpoint=OPENAPI_30_ENDPOINT,
            view_func=serve_document_30,
            methods=["GET"],
        )
    if docs_url:
        _refuse_taken(app, docs_url, "DOCS_URL")
        app.add_url_rule(docs_url, endpoint=DOCS_ENDPOINT, view_func=serve_docs, methods=["GET"])
        app.add_url_rule(
            docs_url.rstrip("/") + "/<filename>",
            endpoint=DOCS_ASSET_ENDPOINT,
            view_func=serve_docs_asset,
            methods=["GET"],
        )


def serve_document() -> Response:
    """Return the app's OpenAPI document as JSON."""
    return Response(document_json(current_app), mimetype="application/json")


def serve_document_30() -> Response:
    """Return the app's OpenAPI document as OpenAPI 3.0.3 JSON."""
    return Response(document_json(current_app, "3.0"), mimetype="application/json")


def serve_docs() -> Response:
    """Return the interactive docs page."""
    app = current_app
    openapi_url = request.script_root + app.config["OPENAPI_URL"]
    if asset_folder() is None:
        page = _MISSING_ASSETS.format(
            package=ASSET_PACKAGE[0], openapi=html.escape(openapi_url, quote=True)
        )
        return Response(page, status=501, mimetype="text/html")
    assets = request.script_root + app.config["DOCS_URL"].rstrip("/")
    title = app.config["OPENAPI_TITLE"] or app.name
    config = {
        "url": openapi_url,
        "dom_id": "#swagger-ui",
        "deepLinking": True,
        # No badge that would send the document to an online validator.
        "validatorUrl": None,
    }
    page = _PAGE.format(
        title=html.escape(f"{title} - API docs"),
        assets=html.escape(assets, quote=True),
        config=_script_json(config),
    )
    return Response(page, mimetype="text/html")


def serve_docs_asset(filename: str) -> Response:
    """Return one of the docs page's files from the asset package."""
    folder = asset_folder()
    if folder is None or filename not in _ASSETS:
        raise NotFound()
    return send_from_directory(folder, filename, max_age=_ASSET_MAX_AGE)


@functools.cache
def asset_folder() -> str | None:
    """Return the folder of Swagger UI's files, or ``None`` if the package is missing."""
    # find_spec locates the package without importing it (importing it would
    # load its web-framework adapters, which resourceful does not need).
    spec = importlib.util.find_spec(ASSET_PACKAGE[1])
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(next(iter(spec.submodule_search_locations)), "static")
    return folder if os.path.isdir(folder) else None


def _script_json(value: Any) -> str:
    """Return ``value`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
