"""How the typed layer plugs into the core: its extension record and resource registrar.

The core calls the typed layer only through :mod:`resourceful.extensions`;
importing this module (the package does) plugs it in:

- ``add_resource()`` on an app or a blueprint calls
  :func:`~resourceful.resources.register_resource`;
- :class:`TypedExtension` is the typed layer's record on each app
  (``app.extensions["resourceful.typed"]``): before serving it adds the
  OpenAPI document and docs page routes, it renders a 405 on a URL that a
  resource serves as problem+json (keeping ``Allow``), and it builds
  :meth:`App.openapi() <resourceful.App.openapi>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .errors import as_problem
from .extensions import AppExtension, plug_in
from .globals import _cv_request
from .operation import operations_of
from .resources import register_resource

if TYPE_CHECKING:  # pragma: no cover
    from .app import App
    from .scaffold import Scaffold

__all__ = ["TypedExtension"]


class TypedExtension(AppExtension):
    """The typed layer's state on one app, and its answers at the core's extension points."""

    key = "resourceful.typed"

    def prepare(self) -> None:
        """Add the OpenAPI document and docs page routes, as the config says."""
        # NOTE: imported here, so that importing resourceful does not import the
        # OpenAPI generator; the first request does.
        from .openapi.ui import register_docs

        register_docs(self.app)

    def render_http_error(self, error: HTTPException) -> Any:
        """Render a 405 on a URL served by a resource as problem+json; leave the rest."""
        if isinstance(error, MethodNotAllowed) and self._is_resource_url(error):
            # A typed API answers a wrong method on its URLs as it answers every
            # other error: with problem details, keeping the Allow header.
            return as_problem(error)
        return None

    def openapi(self, version: str = "3.1") -> dict[str, Any]:
        """Return the OpenAPI document of the app's operations (built once, then cached)."""
        from .openapi.document import build_document

        return build_document(self.app, version)

    def _is_resource_url(self, error: MethodNotAllowed) -> bool:
        """Return whether the 405 ``error`` is for a URL that a typed resource serves."""
        ctx = _cv_request.get(None)
        if ctx is None or ctx.url_adapter is None or not error.valid_methods:
            return False
        try:
            endpoint, _ = ctx.url_adapter.match(method=next(iter(error.valid_methods)))
        except HTTPException:
            return False
        return bool(operations_of(self.app.view_functions.get(endpoint)))


def _register(
    scaffold: Scaffold, resource: Any, rule: str | None, options: dict[str, Any]
) -> Callable[[App], None]:
    return register_resource(scaffold, resource, rule, **options)


plug_in(TypedExtension, register_resource=_register)
