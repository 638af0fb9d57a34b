"""The rule table: adding rules to an app's URL map and refusing conflicting ones.

:class:`URLMap` keeps listing its rules cheap (werkzeug rebuilds its state
machine whenever ``iter_rules()`` is called after an ``add``) and indexes
them by place, so :func:`check_views_free` finds a resource's neighbours
without listing every rule: registering N resources costs O(N).
:class:`LazyBuildRule` compiles its URL builders when ``url_for`` first needs
them. :func:`add_rule` is ``App.add_url_rule``'s body. Matching a request
against the table is resourceful.routing's concern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Map, Rule
from werkzeug.routing.converters import DEFAULT_CONVERTERS, BaseConverter
from werkzeug.routing.rules import RulePart

from .errors import RouteConflictError

if TYPE_CHECKING:  # pragma: no cover
    from .app import App

__all__ = [
    "LazyBuildRule",
    "URLMap",
    "add_rule",
    "check_endpoint_free",
    "check_methods_free",
    "check_views_free",
    "describe_view",
    "endpoints_of",
    "rule_count",
    "rules_at",
]


class URLMap(Map):
    """werkzeug's :class:`~werkzeug.routing.Map`, with adding and listing rules kept cheap.

    PERF: werkzeug's ``iter_rules()`` first brings the compiled matcher up to
    date, rebuilding its whole state machine after every added rule, so code
    that lists the rules while rules are being added (a duplicate check per
    registration) pays for every rule at every step. Listing the rules needs
    no matcher, only werkzeug's order (by endpoint, each endpoint's rules
    sorted for building), so here it sorts just the endpoints with several
    rules; the matcher is brought up to date when a URL is matched or built,
    as before.

    PERF: a rule joins werkzeug's state machine when the map is next brought
    up to date (:meth:`update`, before the first match or build), not when it
    is added: while an app is set up, its routing keeps no states of its own
    for the collector to walk at every full collection. What a rule keeps
    for joining and building it keeps in forms the collector does not track
    (see :func:`_untracked`), and rules with the same methods share one
    frozen set of them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: The rules by (rule, host, subdomain), for conflict checks in constant
        #: time: a place's one rule, or its list when several share it.
        self.rules_by_place: dict[tuple[str, str | None, str | None], Rule | list[Rule]] = {}
        #: How many rules were added: caches built from the rules (the compiled
        #: matcher, the OpenAPI document) compare it to know they are out of date.
        self.rule_count = 0
        #: The rules added since the state machine was last brought up to date.
        self._unmatched: list[Rule] = []
        #: One frozen set per distinct set of methods or arguments, shared by the rules.
        self._frozen: dict[frozenset[str], frozenset[str]] = {}
        #: The converters of werkzeug's own (stateless) kinds, shared by the rules.
        self._shared_converters: dict[tuple[Any, ...], BaseConverter] = {}
        #: The converter tables of the rules, one per distinct set of variables and converters.
        self._converter_tables: dict[tuple[Any, ...], dict[str, BaseConverter]] = {}
        super().__init__(*args, **kwargs)

    def frozen(self, names: Iterable[str]) -> frozenset[str]:
        """Return the map's one frozen set of ``names``."""
        key = frozenset(names)
        return self._frozen.setdefault(key, key)

    def add(self, rulefactory: Any) -> None:
        """Add a rule (or a rule factory's rules), indexing each by where it matches."""
        for rule in rulefactory.get_rules(self):
            rule.bind(self)  # werkzeug parses (compiles) it here: a bad rule raises now
            _untracked(rule)
            self._share_converters(rule)
            if rule.methods is not None:
                rule.methods = self.frozen(rule.methods)
            if not rule.build_only:
                self._unmatched.append(rule)
            self._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
            place = _place(rule)
            there = self.rules_by_place.get(place)
            if there is None:
                self.rules_by_place[place] = rule
            elif isinstance(there, list):
                there.append(rule)
            else:
                self.rules_by_place[place] = [there, rule]
            self.rule_count += 1
        self._remap = True

    def _share_converters(self, rule: Rule) -> None:
        """Give ``rule`` the map's table of the same converters, if one is known.

        PERF: rules whose variables have the same names and the same shared
        converters (see :meth:`LazyBuildRule.get_converter`), such as every
        ``<int:item_id>``, share one table; werkzeug only reads it (parsing a
        rule anew makes it a new one).
        """
        converters = rule._converters
        shared = self._shared_converters.values()
        if converters and all(converter in shared for converter in converters.values()):
            key = tuple(converters.items())
            rule._converters = self._converter_tables.setdefault(key, converters)

    def update(self) -> None:
        """Put the rules added since into the state machine, then let werkzeug sort it."""
        if self._unmatched:
            with self._remap_lock:
                unmatched, self._unmatched = self._unmatched, []
                for rule in unmatched:
                    _untracked(rule)  # again, in case it was compiled anew since
                    packed = rule._parts
                    rule._parts = _rule_parts(packed)  # type: ignore[arg-type]
                    self._matcher.add(rule)
                    rule._parts = packed  # the state machine keeps what it needs
        super().update()

    def iter_rules(self, endpoint: Any | None = None) -> Iterator[Rule]:
        """Iterate over all rules, or the rules of ``endpoint``, in werkzeug's order."""
        if endpoint is not None or not self._remap:
            return super().iter_rules(endpoint)
        return (
            rule
            for rules in self._rules_by_endpoint.values()
            for rule in (
                rules if len(rules) < 2 else sorted(rules, key=lambda r: r.build_compare_key())
            )
        )


class LazyBuildRule(Rule):
    """werkzeug's :class:`~werkzeug.routing.Rule`, each URL builder compiled when first called.

    PERF: werkzeug compiles two builders per rule it adds (about 85 % of adding
    it), though most rules are never built. Until a builder is needed, the
    class's own ``_build`` and ``_build_unknown`` stand in: no closure or
    bound method per rule, so a rule keeps no extra objects for the collector
    to walk. A rule with defaults compiles them at once: a default its
    converter refuses must fail when the rule is added.

    PERF: in a :class:`URLMap`, ``arguments`` is a frozen set the map's rules
    share (compared, tested and iterated as werkzeug's set is), and
    converters of werkzeug's own kinds with the same arguments are one object.
    """

    def compile(self) -> None:
        """Parse the rule, as werkzeug does; compile its builders only if it has defaults."""
        self.arguments = set(self.arguments)  # werkzeug adds to it while parsing
        super().compile()
        if not self.defaults:
            del self._build, self._build_unknown  # the class's stubs answer instead
        if isinstance(self.map, URLMap):
            self.arguments = self.map.frozen(self.arguments)  # type: ignore[assignment]

    def get_converter(
        self,
        variable_name: str,
        converter_name: str,
        args: tuple[Any, ...],
        kwargs: Any,
    ) -> BaseConverter:
        """Return the converter for a variable; one shared object per kind and arguments."""
        url_map = self.map
        kind = url_map.converters.get(converter_name)
        if not isinstance(url_map, URLMap) or kind not in _STATELESS_CONVERTERS:
            return super().get_converter(variable_name, converter_name, args, kwargs)
        try:
            # Keyed by type and value: 4 == 4.0, and int(fixed_digits=4.0) must not serve 4.
            key = (
                kind,
                tuple((type(arg), arg) for arg in args),
                tuple(sorted((name, type(arg), arg) for name, arg in kwargs.items())),
            )
            shared = url_map._shared_converters.get(key)
        except TypeError:  # an argument that cannot be a key: its own converter
            return super().get_converter(variable_name, converter_name, args, kwargs)
        if shared is None:
            shared = super().get_converter(variable_name, converter_name, args, kwargs)
            url_map._shared_converters[key] = shared
        return shared

    def __eq__(self, other: object) -> bool:
        # werkzeug compares the traces; a URLMap keeps them as tuples. Any Rule, so
        # that a plain werkzeug rule and this one compare alike from either side.
        return isinstance(other, Rule) and tuple(self._trace) == tuple(other._trace)

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        if self.defaults:
            return super()._compile_builder(append_unknown)
        return _not_compiled  # compile() drops it again

    def _build(self, /, **values: Any) -> tuple[str, str]:
        real = Rule._compile_builder(self, False).__get__(self, None)
        self.__dict__["_build"] = real  # from now on, the instance's own builder answers
        return real(**values)  # type: ignore[no-any-return]

    def _build_unknown(self, /, **values: Any) -> tuple[str, str]:
        real = Rule._compile_builder(self, True).__get__(self, None)
        self.__dict__["_build_unknown"] = real
        return real(**values)  # type: ignore[no-any-return]


#: werkzeug's converters, which keep nothing but their arguments: rules may share one.
_STATELESS_CONVERTERS = frozenset(DEFAULT_CONVERTERS.values())


def _untracked(rule: Rule) -> None:
    """Hold the parts and the trace of ``rule`` as plain tuples of strings, flags and numbers.

    PERF: werkzeug keeps two lists per rule and, per part of it, a dataclass
    instance, a named tuple and two lists (about 30 objects per resource)
    for the collector to walk at every full collection; it stops tracking a
    tuple of atomic values the first time it looks at it (a tuple of such
    tuples only once it has seen the inner ones, hence one flat tuple for
    the parts). The trace is only iterated and compared (every rule of a
    :class:`URLMap` has a tuple, so no list is compared with one); the
    parts are only read when the rule joins the state machine
    (:meth:`URLMap.update` gives it werkzeug's parts for that, their
    weights plain tuples, which order and compare the same).
    """
    rule._trace = tuple(rule._trace)  # type: ignore[assignment]
    parts: Any = rule._parts
    if type(parts) is tuple:
        return
    flat: list[Any] = []
    for part in parts:
        statics, static_weights, arguments, argument_weights = part.weight
        flat += (part.content, part.final, part.static, part.suffixed, statics, len(static_weights))
        for weight in static_weights:
            flat += weight
        flat += (arguments, len(argument_weights), *argument_weights)
    rule._parts = tuple(flat)  # type: ignore[assignment]


def _rule_parts(flat: tuple[Any, ...]) -> list[RulePart]:
    """Return werkzeug's parts of a rule from the flat tuple :func:`_untracked` made."""
    parts = []
    at = 0
    while at < len(flat):
        content, final, static, suffixed, statics, count = flat[at : at + 6]
        at += 6
        static_weights = tuple(
            zip(flat[at : at + 2 * count : 2], flat[at + 1 : at + 2 * count : 2], strict=True)
        )
        at += 2 * count
        arguments, count = flat[at : at + 2]
        argument_weights = flat[at + 2 : at + 2 + count]
        at += 2 + count
        weight = (statics, static_weights, arguments, argument_weights)
        parts.append(RulePart(content, final, static, suffixed, weight))  # type: ignore[arg-type]
    return parts


def _not_compiled(rule: Rule, /, **values: Any) -> tuple[str, str]:  # pragma: no cover - dropped
    raise RuntimeError(f"{rule!r} was built before it was compiled")


def _place(rule: Rule) -> tuple[str, str | None, str | None]:
    return rule.rule, rule.host, rule.subdomain


def rule_count(url_map: Map) -> int:
    """Return how many rules ``url_map`` holds (rules are only ever added)."""
    if isinstance(url_map, URLMap):
        return url_map.rule_count
    return len(url_map._rules)  # PERF: werkzeug lists its rules to count them


def rules_at(url_map: Map, rule: Rule) -> Iterable[Rule]:
    """Return the rules of ``url_map`` at ``rule``'s rule, host and subdomain (itself too)."""
    if isinstance(url_map, URLMap):
        there = url_map.rules_by_place.get(_place(rule), ())
        return there if isinstance(there, list | tuple) else (there,)
    place = _place(rule)
    return [other for other in url_map.iter_rules() if _place(other) == place]


# -- registration -------------------------------------------------------------------------------


def add_rule(
    app: App,
    rule: str,
    endpoint: str | None,
    view_func: Callable[..., Any] | None,
    provide_automatic_options: bool | None,
    options: dict[str, Any],
) -> None:
    """Add ``rule`` to ``app.url_map`` and ``view_func`` under ``endpoint`` (``App.add_url_rule``).

    The methods come from ``options``, the view's ``methods`` attribute or
    ``GET``, plus its ``required_methods`` and, unless turned off, ``OPTIONS``.
    """
    if endpoint is None:
        if view_func is not None:
            endpoint = view_func.__name__
        elif "redirect_to" not in options:
            raise TypeError(
                f"add_url_rule({rule!r}) needs an endpoint name when no view function is given."
            )
    methods = options.pop("methods", None)
    if methods is None:
        methods = getattr(view_func, "methods", None) or ("GET",)
    if isinstance(methods, str):
        raise TypeError(
            f"methods for {rule!r} must be a list of method names, such as"
            f" methods=[{methods!r}], not the string {methods!r}."
        )
    method_set = {method.upper() for method in methods}
    required = {m.upper() for m in getattr(view_func, "required_methods", ())}
    if provide_automatic_options is None:
        provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
    if provide_automatic_options is None:
        provide_automatic_options = (
            "OPTIONS" not in method_set and app.config["PROVIDE_AUTOMATIC_OPTIONS"]
        )
    if provide_automatic_options:
        required.add("OPTIONS")
    method_set |= required

    if view_func is not None and endpoint is not None:
        check_endpoint_free(app.view_functions, endpoint, view_func)
    try:
        rule_obj = app.url_rule_class(rule, methods=method_set, endpoint=endpoint, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        app.url_map.add(rule_obj)
    except (ValueError, LookupError) as exc:
        raise ValueError(f"Invalid URL rule {rule!r} for endpoint {endpoint!r}: {exc}") from exc
    if view_func is not None and endpoint is not None:
        app.view_functions[endpoint] = view_func
        # PERF: a tuple of strings, which the collector stops tracking.
        by_view = app._router.endpoints_by_view
        endpoints = by_view.get(id(view_func), ())
        if endpoint not in endpoints:
            by_view[id(view_func)] = (*endpoints, endpoint)


def endpoints_of(app: App, view: Callable[..., Any]) -> list[str]:
    """Return the endpoints ``view`` serves on ``app``, in registration order.

    PERF: looked up in the index :func:`add_rule` keeps, not by listing every
    view function (which made registering N resources cost O(N^2)).
    """
    functions = app.view_functions
    return [
        endpoint
        for endpoint in app._router.endpoints_by_view.get(id(view), ())
        if functions.get(endpoint) is view
    ]


# -- conflicts, refused at registration -------------------------------------------------------


def describe_view(view: Callable[..., Any]) -> str:
    """Return ``module.qualname`` of a view function, for messages."""
    module = getattr(view, "__module__", None) or "?"
    qualname = getattr(view, "__qualname__", None) or repr(view)
    return f"{module}.{qualname}"


def check_endpoint_free(
    view_functions: dict[str, Callable[..., Any]], endpoint: str, view_func: Callable[..., Any]
) -> None:
    """Raise :class:`RouteConflictError` when another view already has ``endpoint``."""
    existing = view_functions.get(endpoint)
    if existing is not None and existing != view_func:
        raise RouteConflictError(
            f"Endpoint {endpoint!r} is already mapped to {describe_view(existing)};"
            f" {describe_view(view_func)} cannot use it too. Give one of them another"
            f" name with endpoint=..."
        )


def check_methods_free(rules: Iterable[tuple[Rule, str]], others: Iterable[Rule]) -> None:
    """Raise :class:`RouteConflictError` when ``others`` serve a rule and method of ``rules``.

    ``rules`` pairs each new rule with the name of what registers it, for the
    message. HEAD and OPTIONS are answered for every rule, so they never clash.
    """
    others = tuple(others)
    ignored = {"HEAD", "OPTIONS"}
    for rule, owner in rules:
        for other in others:
            if _place(other) != _place(rule):
                continue
            shared = ((rule.methods or set()) & (other.methods or set())) - ignored
            if shared:
                raise RouteConflictError(
                    f"{owner} registers {', '.join(sorted(shared))} {rule.rule} (endpoint"
                    f" {rule.endpoint!r}), which endpoint {other.endpoint!r} already serves."
                    " Two operations cannot share a rule and method: change one of the rules."
                )


def check_views_free(app: App, views: Iterable[tuple[Callable[..., Any], str]]) -> None:
    """Raise :class:`RouteConflictError` when another endpoint serves a rule and method of a view.

    ``views`` pairs each view function with the name of what registers it,
    for the message; their rules are the rules of the endpoints they were
    registered under. PERF: with :class:`URLMap` each rule's neighbours are
    looked up, not listed, so registering N resources costs O(N) in all.
    """
    url_map = app.url_map
    by_endpoint = url_map._rules_by_endpoint
    mine: list[tuple[Rule, str]] = []
    ours: set[int] = set()
    for view, owner in views:
        for endpoint in endpoints_of(app, view):
            for rule in by_endpoint.get(endpoint, ()):
                mine.append((rule, owner))
                ours.add(id(rule))
    for rule, owner in mine:
        others = [other for other in rules_at(url_map, rule) if id(other) not in ours]
        if others:
            check_methods_free([(rule, owner)], others)
