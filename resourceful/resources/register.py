"""Registering a resource on an app or a blueprint."""

from __future__ import annotations

import os
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import DefinitionError, display_name
from ..url_map import check_views_free, endpoints_of
from .declare import Resource
from .plan import plan_rules
from .resolve import resolve, scopes_of
from .view import ResourceView

if TYPE_CHECKING:
    from ..app import App
    from ..scaffold import Scaffold

__all__ = ["register_resource"]


def register_resource(
    scaffold: Any, resource: type[Resource] | Resource, rule: str | None = None, **options: Any
) -> Callable[[App], list[str]]:
    """Register ``resource`` on an app or blueprint: one URL rule per group of handlers.

    Returns what to finish once the rules are on an app (compile the views'
    binders and renderers, check their defaults and examples, refuse a rule
    and method another endpoint serves), which returns the endpoints the
    views are served under on that app;
    the core runs it (:mod:`resourceful.extensions`).

    ``resource`` is a :class:`Resource` subclass (instantiated once, or per
    request with ``init_every_request = True``) or an instance, used as is.
    ``rule`` defaults to the class's :attr:`Resource.rule`. Options:
    ``endpoint`` (the member endpoint; the collection's gets ``_list``),
    ``collection_rule`` (when it is not the member rule minus its last
    variable), ``provide_automatic_options``; anything else goes to werkzeug's
    ``Rule`` (``defaults``, ``subdomain``, ``strict_slashes``...).

    The steps:

    1. find the class and the instance that serves it;
    2. check the options and find the rule;
    3. plan the rules, endpoints and operation records (see
       :func:`~resourceful.resources.plan.plan_rules`);
    4. make one :class:`ResourceView` per rule and add its URL rule;
    5. return the finishing step: compile the binders and renderers, check
       the defaults and examples the operations reach
       (:func:`~resourceful.openapi.values.check_operation`), refuse a
       rule and method another endpoint serves, and return the endpoints.
    """
    cls, instance = _class_and_instance(resource)
    rule = _rule_of(cls, rule, options)
    endpoint = options.pop("endpoint", None)
    collection_rule = options.pop("collection_rule", None)
    automatic = options.pop("provide_automatic_options", cls.provide_automatic_options)
    if instance is None and not cls.init_every_request:
        instance = cls()
    planned = plan_rules(cls, rule, endpoint=endpoint, collection_rule=collection_rule)
    endpoints = [group.endpoint for group in planned]
    _refuse_second_registration(scaffold, cls, endpoints)

    views: list[ResourceView] = []
    for group in planned:
        view = ResourceView(cls, instance, group.endpoint, group.operations, automatic)
        views.append(view)
        scaffold.add_url_rule(
            group.rule,
            endpoint=group.endpoint,
            view_func=view,
            methods=list(view.methods),
            provide_automatic_options=automatic,
            **options,
        )
    _remember_registration(scaffold, cls, endpoints)

    return lambda app: _prepare(app, views)


#: Per app or blueprint: endpoint -> the resource class registered under it, and
#: endpoint -> where it was registered. PERF: two tables, not a (class, place)
#: tuple per endpoint for the collector to walk.
_REGISTERED: weakref.WeakKeyDictionary[Any, dict[str, type[Any]]] = weakref.WeakKeyDictionary()
_REGISTERED_AT: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _caller() -> str:
    """Return ``file:line`` of the code outside resourceful that is registering."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:  # pragma: no cover - always called from user code
        return "an unknown place"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _refuse_second_registration(scaffold: Any, cls: type[Any], endpoints: list[str]) -> None:
    """Refuse registering one resource class twice under the same endpoints."""
    known = _REGISTERED.setdefault(scaffold, {})
    for endpoint in endpoints:
        if known.get(endpoint) is cls:
            first = _REGISTERED_AT[scaffold][endpoint]
            raise DefinitionError(
                f"{display_name(cls)} is already registered on {scaffold.name!r} as endpoint"
                f" {endpoint!r} (first at {first}). Register a resource once; to serve it"
                " under a second rule too, pass endpoint=... to give that registration its own"
                " name."
            )


def _remember_registration(scaffold: Any, cls: type[Any], endpoints: list[str]) -> None:
    where = _caller()
    known = _REGISTERED.setdefault(scaffold, {})
    places = _REGISTERED_AT.setdefault(scaffold, {})
    for endpoint in endpoints:
        if endpoint not in known:
            known[endpoint] = cls
            places[endpoint] = where


def _class_and_instance(
    resource: type[Resource] | Resource,
) -> tuple[type[Resource], Resource | None]:
    """Return the resource class, and the instance given (``None`` for a class)."""
    instance: Resource | None
    if isinstance(resource, type):
        cls, instance = resource, None
    else:
        cls, instance = type(resource), resource
    if not (isinstance(cls, type) and issubclass(cls, Resource)):
        raise DefinitionError(
            f"add_resource() takes a Resource subclass or instance, got {resource!r}. Subclass"
            " resourceful.Resource, or use add_url_rule() for a view function."
        )
    return cls, instance


def _rule_of(cls: type[Resource], rule: str | None, options: dict[str, Any]) -> str:
    """Return the rule to register (``cls.rule`` by default); refuse ``methods=``."""
    if "methods" in options:
        raise DefinitionError(
            f"add_resource({display_name(cls)}): methods come from the handlers the class"
            " defines; remove methods=... ."
        )
    rule = rule if rule is not None else cls.rule
    if rule is None:
        raise DefinitionError(
            f"add_resource({display_name(cls)}) needs a rule: pass one, as in"
            f" app.add_resource({cls.__name__}, '/todos/<int:todo_id>'), or set"
            f" `rule = ...` on the class."
        )
    return rule


def _prepare(app: App, views: Sequence[ResourceView]) -> list[str]:
    """Finish ``views`` on ``app``; return the endpoints they are served under there."""
    # NOTE: imported here, so that importing resourceful does not import the
    # OpenAPI package; the first registration does (the first request would).
    from ..openapi.values import check_operation

    served: list[str] = []
    for view in views:
        endpoints = _endpoints_of(app, view)
        served += endpoints
        compiled = view.prepare(app, _scopes(app, view, endpoints))
        for op in compiled.operations.values():
            check_operation(op, app.converter)
    _check_duplicates(app, views)
    return served


def _scopes(app: App, view: ResourceView, endpoints: list[str]) -> tuple[Scaffold, ...]:
    """Return the blueprints ``view`` is registered in (innermost first), then ``app``.

    ``endpoints`` are the view's on ``app``, in registration order. The
    latest registration is the one being finished; a blueprint registered
    twice on one app must resolve the same way both times.
    """
    found = [scopes_of(app, endpoint) for endpoint in endpoints]
    if not found:
        return (app,)
    scopes = found[-1]
    for other in found[:-1]:
        if other != scopes and any(
            _outcome(op, other) != _outcome(op, scopes) for op in view.operations.values()
        ):
            raise DefinitionError(
                f"{display_name(view.view_class)} is registered twice on {app!r}, in"
                f" {_names(other)} and in {_names(scopes)}, which resolve its providers or"
                " security differently. Register it once per app, or give both the same"
                " providers and requirements."
            )
    return scopes


def _endpoints_of(app: App, view: ResourceView) -> list[str]:
    """Return the endpoints ``view`` is registered under on ``app``, in registration order."""
    found = endpoints_of(app, view)
    if found:
        return found
    # Not added with add_url_rule (set in view_functions directly): look for it.
    return [endpoint for endpoint, function in app.view_functions.items() if function is view]


def _outcome(op: Any, scopes: tuple[Scaffold, ...]) -> tuple[Any, ...]:
    resolved = resolve(op, scopes)
    return (resolved.requirement, tuple(step.provider for step in resolved.plan.steps))


def _names(scopes: tuple[Scaffold, ...]) -> str:
    return " in ".join(repr(scope) for scope in scopes)


def _check_duplicates(app: App, views: Sequence[ResourceView]) -> None:
    """Refuse a rule and method that another endpoint already serves."""
    check_views_free(app, [(view, display_name(view.view_class)) for view in views])
