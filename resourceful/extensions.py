"""Extension points: how the typed layer plugs into the Flask-compatible core.

The core (app, scaffold, blueprints and the modules they split into) never
imports the typed layer (resources, binding, render, openapi). The typed
layer plugs in here, the way an extension would, with :func:`plug_in`, which
:mod:`resourceful.typed` calls once when the package is imported. The core
then calls, at stated points:

- the *resource registrar* (``register_resource=``), for ``add_resource()``
  and ``@resource()`` on an app or a blueprint: it adds the resource's URL
  rules and returns what to finish once they are on an app, which the core
  runs now for an app and at each registration for a blueprint;
- :meth:`AppExtension.prepare`, from
  :meth:`App.prepare_to_serve <resourceful.App.prepare_to_serve>`: on the
  first request and in the ``routes`` and ``openapi`` commands, for routes
  that depend on the final config;
- :meth:`AppExtension.render_http_error`, from
  :meth:`App.handle_http_exception <resourceful.App.handle_http_exception>`,
  for an HTTP error that no user handler takes, and from
  :meth:`App.handle_exception <resourceful.App.handle_exception>` for the 500
  of an unhandled exception: the extension may choose how it is rendered
  (``None`` leaves it to the core);
- :meth:`AppExtension.blueprint_registered`, from
  :meth:`Blueprint.register <resourceful.Blueprint.register>`, once per
  registration of a blueprint, after its deferred functions ran;
- :meth:`AppExtension.openapi`, from :meth:`App.openapi <resourceful.App.openapi>`.

Each plugged-in :class:`AppExtension` class gets one record per app, created
on first use and kept in ``app.extensions[cls.key]``, as Flask extensions
keep their state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.exceptions import HTTPException

    from .app import App
    from .blueprints import BlueprintSetupState
    from .scaffold import Scaffold

__all__ = [
    "AppExtension",
    "ResourceRegistrar",
    "installed",
    "plug_in",
    "render_http_error",
    "resource_registrar",
]


class AppExtension:
    """One extension's state on one app; the core calls these methods (all optional).

    Subclass it, set :attr:`key` and pass the class to :func:`plug_in`.
    """

    #: Where the record lives in ``app.extensions``.
    key: ClassVar[str]

    def __init__(self, app: App) -> None:
        self.app = app

    def prepare(self) -> None:
        """Finish setup that depends on the final configuration (called before serving)."""

    def render_http_error(self, error: HTTPException) -> Any:
        """Return what to render for ``error``, which no user error handler takes.

        ``None`` (the default) lets the core render the error as werkzeug does.
        Anything else is treated as the handler's return value would be.
        """
        return None

    def blueprint_registered(self, state: BlueprintSetupState) -> None:
        """Note one registration of a blueprint on the app (its name, prefix, options)."""

    def openapi(self, version: str = "3.1") -> dict[str, Any] | None:
        """Return the app's OpenAPI document in ``version``, or ``None`` when it has none."""
        return None


class ResourceRegistrar(Protocol):
    """Adds a resource's rules to an app or blueprint (``add_resource``'s work)."""

    def __call__(
        self, scaffold: Scaffold, resource: Any, rule: str | None, options: dict[str, Any]
    ) -> Callable[[App], None]:
        """Add the rules to ``scaffold``; return what to run once they are on an app."""
        ...


class _Installed:
    """The records of the plugged-in extensions on one app, and the hooks they override."""

    __slots__ = ("error_renderers", "plugged", "records")

    def __init__(self, app: App, plugged: tuple[type[AppExtension], ...]) -> None:
        records = []
        for cls in plugged:
            record = app.extensions.get(cls.key)
            if not isinstance(record, cls):
                record = app.extensions[cls.key] = cls(app)
            records.append(record)
        self.plugged = plugged
        self.records: tuple[AppExtension, ...] = tuple(records)
        # PERF: every 404 and 405 asks; only the extensions that answer are asked.
        self.error_renderers: tuple[Callable[[HTTPException], Any], ...] = tuple(
            record.render_http_error
            for record in records
            if type(record).render_http_error is not AppExtension.render_http_error
        )


_plugged: tuple[type[AppExtension], ...] = ()
_registrar: ResourceRegistrar | None = None


def plug_in(
    extension: type[AppExtension], *, register_resource: ResourceRegistrar | None = None
) -> None:
    """Plug ``extension`` into every app; ``register_resource`` serves ``add_resource()``.

    Plugging the same class in twice does nothing the second time.
    """
    global _plugged, _registrar
    if extension not in _plugged:
        _plugged = (*_plugged, extension)
    if register_resource is not None:
        _registrar = register_resource


def installed(app: App) -> _Installed:
    """Return the plugged-in extensions' records on ``app``, creating them on first use."""
    found: _Installed | None = app.__dict__.get("_installed_extensions")
    if found is None or found.plugged is not _plugged:
        found = _Installed(app, _plugged)
        app.__dict__["_installed_extensions"] = found
    return found


def render_http_error(app: App, error: HTTPException) -> Any:
    """Return what the first extension that answers renders for ``error``, else ``error``."""
    for render in installed(app).error_renderers:
        rv = render(error)
        if rv is not None:
            return rv
    return error


def resource_registrar() -> ResourceRegistrar:
    """Return the registrar ``add_resource()`` calls; raise if none is plugged in."""
    if _registrar is None:
        raise RuntimeError(
            "add_resource() needs the typed layer, and nothing has plugged a resource"
            " registrar in. Import resourceful (the package), which plugs it in."
        )
    return _registrar
