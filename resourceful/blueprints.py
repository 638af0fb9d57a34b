"""Blueprints: groups of routes, resources and hooks registered on an app later.

A blueprint records what is declared on it and replays it on each app it
is registered with (:class:`BlueprintSetupState` carries the prefix,
subdomain and name of that registration). Its hooks and error handlers are
merged into the app under the blueprint's dotted name, so they apply only
to requests whose endpoint belongs to it or to its children.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from werkzeug.utils import cached_property

from .extensions import installed
from .scaffold import NewRule, Scaffold, register_under_name

if TYPE_CHECKING:  # pragma: no cover
    from .app import App
    from .cli import AppGroup

F = TypeVar("F", bound=Callable[..., Any])
DeferredSetupFunction = Callable[["BlueprintSetupState"], None]

_sentinel: Any = object()


class BlueprintSetupState:
    """One registration of a blueprint on an app, passed to deferred setup functions."""

    def __init__(
        self,
        blueprint: Blueprint,
        app: App,
        options: dict[str, Any],
        first_registration: bool,
    ) -> None:
        #: The app the blueprint is being registered on.
        self.app = app
        #: The blueprint being registered.
        self.blueprint = blueprint
        #: The options given to ``register_blueprint``.
        self.options = options
        #: Whether this is the blueprint's first registration on any app.
        self.first_registration = first_registration
        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = blueprint.subdomain
        #: The subdomain the blueprint's rules match.
        self.subdomain: str | None = subdomain
        url_prefix = options.get("url_prefix")
        if url_prefix is None:
            url_prefix = blueprint.url_prefix
        #: The prefix of every rule of this registration.
        self.url_prefix: str | None = url_prefix
        problem_errors = options.get("problem_errors")
        if problem_errors is None:
            problem_errors = blueprint.problem_errors
        #: Whether HTTP errors under this registration are problem+json (``None``: the
        #: default, which is yes when the blueprint holds resources).
        self.problem_errors: bool | None = problem_errors
        #: The name of this registration (``name=`` or the blueprint's name).
        self.name: str = options.get("name") or blueprint.name
        #: The dotted name of the parent registration, for nested blueprints.
        self.name_prefix: str = options.get("name_prefix", "")
        #: Defaults merged into every rule's ``defaults``.
        self.url_defaults: dict[str, Any] = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults") or {})

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        **options: Any,
    ) -> None:
        """Register a rule on the app with this registration's prefix, subdomain and name."""
        if self.url_prefix is not None:
            rule = (
                "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/")))
                if rule
                else self.url_prefix
            )
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            if view_func is None:
                raise TypeError(f"add_url_rule({rule!r}) needs an endpoint or a view function.")
            endpoint = view_func.__name__
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = {**defaults, **(options.pop("defaults") or {})}
        self.app.add_url_rule(
            rule,
            f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."),
            view_func,
            defaults=dict(defaults),
            **options,
        )


class Blueprint(Scaffold):
    """A group of routes, resources, hooks and templates that an app registers.

    ``name`` prefixes its endpoints (``"admin.index"``); ``url_prefix``,
    ``subdomain`` and ``url_defaults`` apply to all its rules and can be
    overridden per registration. ``cli_group`` names its CLI group (the
    blueprint's name by default; ``None`` merges its commands into the app's).

    ``problem_errors`` says whether the HTTP errors that no handler takes are
    answered with problem+json (RFC 9457) for this blueprint's routes and for
    any URL under its ``url_prefix``, even one that matches no rule: ``True``,
    ``False``, or ``None`` (the default) for "when it holds resources". A
    registration may override it (``register_blueprint(bp, problem_errors=False)``).
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
        problem_errors: bool | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if not name:
            raise ValueError("A blueprint needs a non-empty name.")
        if "." in name:
            raise ValueError(
                f"Blueprint name {name!r} contains a dot; dots separate nested blueprints in"
                " endpoint names. Use another character, such as '_'."
            )
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults: dict[str, Any] = url_defaults or {}
        self.cli_group = cli_group
        if problem_errors is not None and not isinstance(problem_errors, bool):
            raise TypeError(
                f"Blueprint {name!r}: problem_errors must be True, False or None, got"
                f" {problem_errors!r}."
            )
        self.problem_errors = problem_errors
        self.deferred_functions: list[DeferredSetupFunction] = []
        self._blueprints: list[tuple[Blueprint, dict[str, Any]]] = []

    @cached_property
    def cli(self) -> AppGroup:
        """The click group of this blueprint's commands."""
        from .cli import AppGroup

        return AppGroup(self.name)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise RuntimeError(
                f"{f_name}() was called on blueprint {self.name!r} after it was registered on"
                " an app, so that registration would miss it. Declare everything on the"
                " blueprint before calling register_blueprint()."
            )

    def _on_app(self, f: Callable[[App], None]) -> None:
        self._record("add_resource", lambda state: f(state.app))

    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered on an app."""
        self._record("record", func)

    def record_once(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` only on the blueprint's first registration on an app."""
        self._record_once("record_once", func)

    def _record(self, f_name: str, func: DeferredSetupFunction) -> None:
        # f_name is the public method the user called, so the error names it.
        self._check_setup_finished(f_name)
        self.deferred_functions.append(func)

    def _record_once(self, f_name: str, func: DeferredSetupFunction) -> None:
        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self._record(f_name, wrapper)

    def make_setup_state(
        self, app: App, options: dict[str, Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Create the :class:`BlueprintSetupState` for one registration."""
        return BlueprintSetupState(self, app, options, first_registration)

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Nest ``blueprint`` in this one: names are dotted, prefixes and subdomains combine."""
        if blueprint is self:
            raise ValueError(f"Blueprint {self.name!r} cannot be registered on itself.")
        self._check_setup_finished("register_blueprint")
        self._blueprints.append((blueprint, options))

    def register(self, app: App, options: dict[str, Any]) -> None:
        """Register this blueprint on ``app`` (called by :meth:`App.register_blueprint`)."""
        name_prefix = options.get("name_prefix", "")
        self_name = options.get("name") or self.name
        if "." in self_name:
            raise ValueError(f"Blueprint registration name {self_name!r} must not contain a dot.")
        name = f"{name_prefix}.{self_name}".lstrip(".")
        existing = app.blueprints.get(name)
        if existing is not None:
            same = "this blueprint is" if existing is self else f"{existing!r} is"
            raise ValueError(
                f"The name {name!r} is already registered: {same} registered under it. Pass"
                f" register_blueprint(..., name='another_name') to register {self!r} again."
            )
        first_registration = not any(bp is self for bp in app.blueprints.values())
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        self._merge_into(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        for extension in installed(app).records:
            extension.blueprint_registered(state)
        self._register_cli(app, name)

        for child, child_options in self._blueprints:
            child_options = dict(child_options)
            url_prefix = child_options.get("url_prefix")
            if url_prefix is None:
                url_prefix = child.url_prefix
            if state.url_prefix is not None and url_prefix is not None:
                child_options["url_prefix"] = (
                    state.url_prefix.rstrip("/") + "/" + url_prefix.lstrip("/")
                )
            elif url_prefix is None and state.url_prefix is not None:
                child_options["url_prefix"] = state.url_prefix
            else:
                child_options["url_prefix"] = url_prefix
            subdomain = child_options.get("subdomain")
            if subdomain is None:
                subdomain = child.subdomain
            if state.subdomain is not None and subdomain is not None:
                child_options["subdomain"] = f"{subdomain}.{state.subdomain}"
            elif subdomain is None:
                child_options["subdomain"] = state.subdomain
            else:
                child_options["subdomain"] = subdomain
            child_options["name_prefix"] = name
            child.register(app, child_options)

    def _merge_into(self, app: App, name: str) -> None:
        """Copy this blueprint's hooks and handlers into ``app`` under the scope ``name``."""

        def merge_lists(ours: dict[Any, list[Any]], theirs: dict[Any, list[Any]]) -> None:
            for key, values in ours.items():
                scope = name if key is None else f"{name}.{key}"
                theirs.setdefault(scope, []).extend(values)

        for key, by_code in self.error_handler_spec.items():
            scope = name if key is None else f"{name}.{key}"
            target = app.error_handler_spec.setdefault(scope, defaultdict(dict))
            for code, handlers in by_code.items():
                target.setdefault(code, {}).update(handlers)
        for endpoint, view_func in self.view_functions.items():
            # Blueprint.endpoint(".x") belongs to this registration; other names are app-wide.
            full = f"{name}{endpoint}" if endpoint.startswith(".") else endpoint
            app.view_functions[full] = view_func
        merge_lists(self.before_request_funcs, app.before_request_funcs)
        merge_lists(self.after_request_funcs, app.after_request_funcs)
        merge_lists(self.teardown_request_funcs, app.teardown_request_funcs)
        merge_lists(self.url_default_functions, app.url_default_functions)
        merge_lists(self.url_value_preprocessors, app.url_value_preprocessors)
        merge_lists(self.template_context_processors, app.template_context_processors)

    def _register_cli(self, app: App, name: str) -> None:
        if "cli" not in self.__dict__ or not self.cli.commands:
            return
        if self.cli_group is _sentinel:
            self.cli.name = name
            app.cli.add_command(self.cli)
        elif self.cli_group is None:
            app.cli.commands.update(self.cli.commands)
        else:
            self.cli.name = self.cli_group
            app.cli.add_command(self.cli)

    # -- routes -----------------------------------------------------------------------------

    def _add_rule(self, new: NewRule) -> None:
        """Record a rule, registered with this blueprint's prefix and name on each app."""
        rule, endpoint, view_func, provide_automatic_options, options = new
        if endpoint and "." in endpoint:
            raise ValueError(f"Endpoint {endpoint!r} must not contain a dot in a blueprint.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError(
                f"View function name {view_func.__name__!r} contains a dot; pass endpoint=..."
            )
        self._record(
            "add_url_rule",
            lambda s: s.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            ),
        )

    # -- app-wide variants ------------------------------------------------------------------

    def app_template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a template filter of the whole app."""
        return register_under_name(self.add_app_template_filter, name)

    def add_app_template_filter(self, f: Callable[..., Any], name: str | None = None) -> None:
        """Register ``f`` as a template filter of the whole app."""
        self._record_once(
            "add_app_template_filter", lambda s: s.app.add_template_filter(f, name=name)
        )

    def app_template_test(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a template test of the whole app."""
        return register_under_name(self.add_app_template_test, name)

    def add_app_template_test(self, f: Callable[..., bool], name: str | None = None) -> None:
        """Register ``f`` as a template test of the whole app."""
        self._record_once("add_app_template_test", lambda s: s.app.add_template_test(f, name=name))

    def app_template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a template global of the whole app."""
        return register_under_name(self.add_app_template_global, name)

    def add_app_template_global(self, f: Callable[..., Any], name: str | None = None) -> None:
        """Register ``f`` as a template global of the whole app."""
        self._record_once(
            "add_app_template_global", lambda s: s.app.add_template_global(f, name=name)
        )

    def before_app_request(self, f: F) -> F:
        """Like :meth:`before_request`, for every request of the app."""
        self._record_once(
            "before_app_request",
            lambda s: s.app.before_request_funcs.setdefault(None, []).append(f),
        )
        return f

    def after_app_request(self, f: F) -> F:
        """Like :meth:`after_request`, for every request of the app."""
        self._record_once(
            "after_app_request", lambda s: s.app.after_request_funcs.setdefault(None, []).append(f)
        )
        return f

    def teardown_app_request(self, f: F) -> F:
        """Like :meth:`teardown_request`, for every request of the app."""
        self._record_once(
            "teardown_app_request",
            lambda s: s.app.teardown_request_funcs.setdefault(None, []).append(f),
        )
        return f

    def app_context_processor(self, f: F) -> F:
        """Like :meth:`context_processor`, for every template of the app."""
        self._record_once(
            "app_context_processor",
            lambda s: s.app.template_context_processors.setdefault(None, []).append(f),
        )
        return f

    def app_errorhandler(self, code: type[BaseException] | int) -> Callable[[F], F]:
        """Like :meth:`errorhandler`, for errors in every request of the app."""

        def decorator(f: F) -> F:
            self._record_once("app_errorhandler", lambda s: s.app.register_error_handler(code, f))
            return f

        return decorator

    def app_url_value_preprocessor(self, f: F) -> F:
        """Like :meth:`url_value_preprocessor`, for every request of the app."""
        self._record_once(
            "app_url_value_preprocessor",
            lambda s: s.app.url_value_preprocessors.setdefault(None, []).append(f),
        )
        return f

    def app_url_defaults(self, f: F) -> F:
        """Like :meth:`url_defaults`, for every URL the app builds."""
        self._record_once(
            "app_url_defaults", lambda s: s.app.url_default_functions.setdefault(None, []).append(f)
        )
        return f
