"""Jinja templates: the app's environment, the loader that searches blueprints, rendering.

The environment is created once, on first use of :attr:`App.jinja_env`, from
:attr:`App.jinja_options`. Its loader looks for a template in the app's
``template_folder`` first, then in each blueprint's, in registration order;
the first folder that has the file wins.

Every template sees ``config``, ``url_for`` and ``get_flashed_messages``; when
a context is active it also sees ``request``, ``session`` and ``g``, then what
the context processors of the request's blueprint scope return. Values passed
to :func:`render_template` win over all of these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableMapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

import jinja2
from jinja2 import BaseLoader, Template, TemplateNotFound, TemplatesNotFound

from .blueprints import Blueprint
from .coroutines import refuse_coroutine_function
from .flashing import get_flashed_messages
from .globals import _cv_app, _cv_request, current_app, g, request, session
from .helpers import stream_with_context
from .json import htmlsafe_dumps
from .scaffold import register_under_name
from .signals import before_render_template, template_rendered

_JINJA_IS_SYNC = "Jinja calls it synchronously while it renders, also inside async views"

if TYPE_CHECKING:  # pragma: no cover
    from .app import App
    from .scaffold import Scaffold

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "create_environment",
    "get_template_attribute",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]


class Environment(jinja2.Environment):
    """A Jinja environment bound to an app; its default loader searches the app and blueprints."""

    def __init__(self, app: App, **options: Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        #: The application this environment renders for.
        self.app = app

    def select_template(
        self,
        names: Iterable[str | Template],
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        """Load the first of ``names`` that exists; the error names every folder searched."""
        try:
            return super().select_template(names, parent, globals)
        except TemplatesNotFound as exc:
            loader = self.loader
            if not isinstance(loader, DispatchingJinjaLoader):
                raise
            names_tried = [name for name in exc.templates if name is not None]
            raise TemplatesNotFound(
                names_tried, message=f"{exc.message}. {loader.describe_search()}"
            ) from None


def create_environment(app: App) -> Environment:
    """Create the Jinja environment of ``app`` (behind :meth:`App.create_jinja_environment`).

    ``app.jinja_options`` are passed to Jinja; ``autoescape`` defaults to
    :meth:`App.select_jinja_autoescape` and ``auto_reload`` to
    ``TEMPLATES_AUTO_RELOAD``, which follows debug mode when it is ``None``.
    """
    options = dict(app.jinja_options)
    options.setdefault("autoescape", app.select_jinja_autoescape)
    if "auto_reload" not in options:
        auto_reload = app.config["TEMPLATES_AUTO_RELOAD"]
        options["auto_reload"] = app.debug if auto_reload is None else bool(auto_reload)
    env = app.jinja_environment(app, **options)
    # NOTE: request, session and g are proxies here so that macros imported
    # without context can still use them; _render puts the real objects in
    # each template's context.
    env.globals.update(
        url_for=app.url_for,
        get_flashed_messages=get_flashed_messages,
        config=app.config,
        request=request,
        session=session,
        g=g,
    )
    env.policies["json.dumps_function"] = app.json.dumps
    env.filters["tojson"] = htmlsafe_dumps
    return env


class DispatchingJinjaLoader(BaseLoader):
    """Find templates in the app's folder, then in each blueprint's, in registration order.

    With ``EXPLAIN_TEMPLATE_LOADING`` every attempt is logged to the app's
    logger. A template that no folder has raises :class:`TemplateNotFound`
    whose message lists the places searched.
    """

    def __init__(self, app: App) -> None:
        self.app = app

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        """Return the source of the first ``template`` found (see :class:`jinja2.BaseLoader`)."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _owner, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:  # noqa: PERF203 - a miss means: try the next folder
                continue
        raise TemplateNotFound(template, self._not_found_message(template))

    def _get_source_explained(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        lines = [f"Locating template {template!r}:"]
        found: tuple[str, str | None, Callable[[], bool] | None] | None = None
        matches = 0
        for number, (owner, loader) in enumerate(self._iter_loaders(), start=1):
            try:
                source = loader.get_source(environment, template)
            except TemplateNotFound:
                lines.append(f"  {number}: {_describe_place(owner, loader)}: not found")
                continue
            lines.append(f"  {number}: {_describe_place(owner, loader)}: found at {source[1]!r}")
            matches += 1
            if found is None:
                found = source
        if found is None:
            lines.append("  Error: the template was not found anywhere.")
            if not self.app.blueprints or self.app.template_folder is None:
                lines.append(f"  {self._hint()}")
        elif matches > 1:
            lines.append(
                "  Warning: several folders have this template; the first one is used."
                " Put blueprint templates in a subfolder named after the blueprint to keep"
                " them apart."
            )
        self.app.logger.info("\n".join(lines))
        if found is None:
            raise TemplateNotFound(template, self._not_found_message(template))
        return found

    def _iter_loaders(self) -> Iterator[tuple[Scaffold, BaseLoader]]:
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader
        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def list_templates(self) -> list[str]:
        """Return the names of every template in every folder searched."""
        names: set[str] = set()
        for _owner, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return sorted(names)

    def describe_search(self) -> str:
        """Describe the places a template is looked for, for error messages."""
        places = [_describe_place(owner, loader) for owner, loader in self._iter_loaders()]
        if not places:
            return f"No template folder is configured. {self._hint()}"
        return "Searched " + "; ".join(places) + "."

    def _not_found_message(self, template: str) -> str:
        return f"Template {template!r} was not found. {self.describe_search()}"

    def _hint(self) -> str:
        return (
            "Pass template_folder= to the App or Blueprint (the App's default is 'templates',"
            f" relative to {self.app.root_path!r})."
        )


def _describe_place(owner: Scaffold, loader: BaseLoader) -> str:
    kind = "blueprint" if isinstance(owner, Blueprint) else "the app"
    searchpath = getattr(loader, "searchpath", None)
    where = ", ".join(map(repr, searchpath)) if searchpath else repr(loader)
    return f"{kind} {owner.name!r} ({where})"


def default_template_context() -> dict[str, Any]:
    """Return ``g``, ``request`` and ``session`` for templates (the app's first context processor).

    Outside a request only ``g`` (in an app context) or nothing is returned;
    the Jinja globals then keep the proxies.
    """
    values: dict[str, Any] = {}
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        values["g"] = app_ctx.g
    req_ctx = _cv_request.get(None)
    if req_ctx is not None:
        values["request"] = req_ctx.request
        values["session"] = req_ctx.session
    return values


def _template_context(app: App, context: dict[str, Any]) -> dict[str, Any]:
    """Complete ``context`` with the context processors' values and the config."""
    app.update_template_context(context)
    context.setdefault("config", app.config)
    return context


def _render(app: App, template: Template, context: dict[str, Any]) -> str:
    context = _template_context(app, context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    rv = template.render(context)
    if template_rendered.receivers:
        template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    return rv


def _stream(app: App, template: Template, context: dict[str, Any]) -> Iterator[str]:
    context = _template_context(app, context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        if template_rendered.receivers:
            template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    stream = generate()
    # The response is consumed after the view returns: keep the request active for it.
    if _cv_request.get(None) is not None:
        stream = stream_with_context(stream)
    return stream


def _app() -> App:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def render_template(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> str:
    """Render a template from the template folders with ``context``.

    Given a list of names, the first template that exists is rendered.
    """
    app = _app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: Any) -> str:
    """Render the template source ``source`` with ``context`` (autoescaped)."""
    app = _app()
    template = app.jinja_env.from_string(source)
    return _render(app, template, context)


def stream_template(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> Iterator[str]:
    """Render a template as an iterator of strings, for a streamed response.

    Inside a request the stream keeps the request context active, so the
    template can use ``request`` and ``session`` while the server sends it.
    """
    app = _app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: Any) -> Iterator[str]:
    """Render the template source ``source`` as an iterator of strings.

    See :func:`stream_template`.
    """
    app = _app()
    template = app.jinja_env.from_string(source)
    return _stream(app, template, context)


def get_template_attribute(template_name: str, attribute: str) -> Any:
    """Return a macro or variable that a template defines, to call it from Python.

    ``get_template_attribute("_macros.html", "hello")("World")``
    """
    module = _app().jinja_env.get_template(template_name).module
    try:
        return getattr(module, attribute)
    except AttributeError:
        exported = sorted(name for name in vars(module) if not name.startswith("_"))
        raise AttributeError(
            f"Template {template_name!r} has no attribute {attribute!r}; it exports"
            f" {exported or 'nothing'}."
        ) from None


F = TypeVar("F", bound=Callable[..., Any])

_BUILTIN_AUTOESCAPE = (".html", ".htm", ".xml", ".xhtml", ".svg")


class TemplatesMixin:
    """The template methods of :class:`~resourceful.App` (kept here, with the templates).

    ``App`` inherits them, so they are Flask's ``App`` methods and a subclass
    may override them.
    """

    if TYPE_CHECKING:  # pragma: no cover - what the methods read from App
        from .hooks import Hooks

        _hooks: Hooks

        def _check_setup_finished(self, f_name: str) -> None: ...

    #: The class :attr:`jinja_env` is made from; a subclass may set its own.
    jinja_environment: type[Environment] = Environment

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja environment that renders this app's templates."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Create :attr:`jinja_env` from :attr:`jinja_options` and the app's settings."""
        return create_environment(cast("App", self))

    def create_global_jinja_loader(self) -> BaseLoader:
        """Create the loader that searches the app's templates, then each blueprint's."""
        return DispatchingJinjaLoader(cast("App", self))

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Return whether a template is autoescaped: HTML-like files and strings are."""
        if filename is None:
            return True
        return filename.endswith(_BUILTIN_AUTOESCAPE)

    def update_template_context(self, context: dict[str, Any]) -> None:
        """Add what context processors return to ``context`` (template values win)."""
        ctx = _cv_request.get(None)
        processors = self._hooks.chain(ctx.request.blueprint if ctx is not None else None)
        original = context.copy()
        for processor in processors.context_processors:
            context.update(processor())
        context.update(original)

    def template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a Jinja filter (named ``name`` or after it)."""
        return register_under_name(self.add_template_filter, name)

    def add_template_filter(self, f: Callable[..., Any], name: str | None = None) -> None:
        """Register ``f`` as a Jinja filter."""
        self._check_setup_finished("add_template_filter")
        refuse_coroutine_function(f, "add_template_filter()", _JINJA_IS_SYNC)
        self.jinja_env.filters[name or f.__name__] = f

    def template_test(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a Jinja test."""
        return register_under_name(self.add_template_test, name)

    def add_template_test(self, f: Callable[..., bool], name: str | None = None) -> None:
        """Register ``f`` as a Jinja test."""
        self._check_setup_finished("add_template_test")
        refuse_coroutine_function(f, "add_template_test()", _JINJA_IS_SYNC)
        self.jinja_env.tests[name or f.__name__] = f

    def template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a Jinja global."""
        return register_under_name(self.add_template_global, name)

    def add_template_global(self, f: Callable[..., Any], name: str | None = None) -> None:
        """Register ``f`` as a Jinja global."""
        self._check_setup_finished("add_template_global")
        refuse_coroutine_function(f, "add_template_global()", _JINJA_IS_SYNC)
        self.jinja_env.globals[name or f.__name__] = f
