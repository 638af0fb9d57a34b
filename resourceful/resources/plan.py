"""Planning a resource's rules: which URL rules, endpoints and operations it has.

Pure and computed once per registration: from a :class:`Resource` class,
its rule and the registration options to one :class:`PlannedRule` per URL
rule, each with the :class:`~resourceful.operation.Operation` records of the
handlers it serves. Nothing here touches an app or a blueprint.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..binding import params_from_signature
from ..errors import DefinitionError, display_name
from ..operation import (
    Operation,
    OperationOptions,
    Param,
    ReadOnlyTable,
    declared_responses,
    frozen_security,
    response_specs,
)
from ..rules import camel_case, parent_rule, rule_variables
from ..security import Security
from .declare import Handler, Resource

__all__ = ["Endpoints", "PlannedRule", "plan_rules"]


@attrs.frozen
class Endpoints:
    """The endpoints of a resource's member rule (``base``) and collection rule."""

    base: str
    collection: str

    @classmethod
    def of(cls, resource: type[Resource], endpoint: str | None) -> Endpoints:
        """Return the endpoints ``resource`` registers, ``endpoint`` overriding its own."""
        base = endpoint or resource.endpoint or _snake(resource.__name__)
        if endpoint:
            return cls(base, f"{endpoint}_list")
        return cls(base, resource.collection_endpoint or f"{base}_list")


@attrs.frozen
class PlannedRule:
    """One URL rule a resource registers, with the operations it serves by HTTP method."""

    rule: str
    endpoint: str
    operations: Mapping[str, Operation]


def plan_rules(
    cls: type[Resource],
    rule: str,
    *,
    endpoint: str | None = None,
    collection_rule: str | None = None,
) -> tuple[PlannedRule, ...]:
    """Return the rules ``cls`` registers on ``rule``, each with its operations.

    A class with collection and member handlers registers two rules (the
    collection first); a class with only one kind, one. Every definition
    mistake raises :class:`DefinitionError` naming the class and the fix.
    """
    endpoints = Endpoints.of(cls, endpoint)
    groups = _group_handlers(cls, rule, endpoints, collection_rule)
    seen: dict[tuple[str, str], str] = {}
    shared: dict[Any, Any] = {}
    planned = []
    for group_rule, group_endpoint, handlers in groups:
        variables = rule_variables(group_rule)
        operations: dict[str, Operation] = {}
        for handler in handlers:
            _claim(seen, cls, group_rule, handler)
            operations[handler.method] = _build_operation(
                cls, handler, group_rule, group_endpoint, endpoints.base, variables, shared
            )
        planned.append(PlannedRule(group_rule, group_endpoint, ReadOnlyTable(operations)))
    return tuple(planned)


def _group_handlers(
    cls: type[Resource], rule: str, endpoints: Endpoints, collection_rule: str | None
) -> list[tuple[str, str, list[Handler]]]:
    """Return ``(rule, endpoint, handlers)`` for each rule the handlers need."""
    handlers = list(cls.handlers.values())
    if not handlers:
        raise DefinitionError(
            f"{display_name(cls)} defines no handlers. Add at least one of list, create (the"
            " collection) or get, replace, update, delete (one member)."
        )
    members = [h for h in handlers if h.member]
    collection = [h for h in handlers if not h.member]
    if members and collection:
        if collection_rule is None:
            collection_rule = _collection_rule(cls, rule)
        return [
            (collection_rule, endpoints.collection, collection),
            (rule, endpoints.base, members),
        ]
    if collection:
        return [(collection_rule or rule, endpoints.collection, collection)]
    return [(rule, endpoints.base, members)]


def _collection_rule(cls: type[Resource], rule: str) -> str:
    parent = parent_rule(rule)
    if parent is None:
        raise DefinitionError(
            f"{display_name(cls)} has collection handlers (list, create) and member handlers"
            f" (get, replace, update, delete), so its rule must end with the member variable,"
            f" such as '/todos/<int:todo_id>'; got {rule!r}. Or pass collection_rule=... to"
            " add_resource."
        )
    return parent


def _claim(
    seen: dict[tuple[str, str], str], cls: type[Resource], rule: str, handler: Handler
) -> None:
    """Refuse two handlers of one class on the same rule and method."""
    key = (rule, handler.method)
    if key in seen:
        raise DefinitionError(
            f"{display_name(cls)}.{seen[key]} and {display_name(cls)}.{handler.name} both"
            f" handle {handler.method} {rule}. Give the member rule a trailing"
            " variable (such as '/todos/<int:todo_id>') or pass collection_rule=...,"
            " so each handler has its own rule."
        )
    seen[key] = handler.name


def _build_operation(
    cls: type[Resource],
    handler: Handler,
    rule: str,
    endpoint: str,
    base: str,
    variables: Mapping[str, str],
    shared: dict[Any, Any],
) -> Operation:
    """Return the record of ``handler``'s operation.

    PERF: its parameters and success response are the ones an earlier
    operation of the class planned when they are the same (``shared``, one
    per class: the member's ``item_id`` of get, replace and delete, a
    create's and a replace's body, their 200 response), so a class keeps
    one object for each, not one per operation.
    """
    qualname = f"{display_name(cls)}.{handler.name}"
    params = tuple(
        _shared(shared, param, _param_key(param))
        for param in params_from_signature(handler.function, qualname, variables)
    )
    options = handler.options
    summary, description = _docstring_parts(handler.function)
    status = _success_status(handler)
    success = response_specs(
        status,
        handler.response_type,
        options.response_media_type,
        options.response_headers,
        options.response_examples,
    )
    if not options.response_headers and not options.response_examples:
        success = _shared(
            shared, success, ("response", status, handler.response_type, success[0].media_type)
        )
    return Operation(
        method=handler.method,
        rule=rule,
        endpoint=endpoint,
        handler_name=handler.name,
        resource=cls,
        params=params,
        response_type=handler.response_type,
        status=status,
        responses=success + declared_responses({**cls.responses, **options.responses}),
        summary=options.summary if options.summary is not None else summary,
        description=options.description if options.description is not None else description,
        tags=options.tags if options.tags is not None else tuple(cls.tags),
        deprecated=options.deprecated if options.deprecated is not None else cls.deprecated,
        operation_id=options.operation_id or _default_operation_id(handler.name, base),
        **_declared_security(options, cls),
        decorators=options.decorators,
        request_examples=options.request_examples,
        conditional=handler.conditional,
    )


#: The kinds of default a shared parameter may have: compared with their kind,
#: equal ones are the same value (``1 == True`` is not a reason to share).
_ATOMIC_DEFAULTS = (type(None), bool, int, float, str)


def _param_key(param: Param) -> tuple[Any, ...] | None:
    """Return what makes two parameters the same, or ``None`` for one never shared."""
    default = param.default
    if type(default) not in _ATOMIC_DEFAULTS:
        return None
    return ("param", param, type(default))  # attrs compares and hashes every field


def _shared(shared: dict[Any, Any], value: Any, key: Any) -> Any:
    """Return the value planned before under ``key``, else remember ``value`` under it."""
    if key is None:
        return value
    try:
        return shared.setdefault(key, value)
    except TypeError:  # an unhashable type: its own object
        return value


def _declared_security(options: OperationOptions, cls: type[Resource]) -> dict[str, Any]:
    """Return the operation's ``security`` and ``requirement``: its own, else its class's."""
    if options.requirement is not None or options.security is not None:
        return {"security": options.security, "requirement": options.requirement}
    declared = cls.security
    if isinstance(declared, Security):
        return {"security": None, "requirement": declared}
    return {"security": frozen_security(declared), "requirement": None}


def _success_status(handler: Handler) -> int:
    if handler.options.status is not None:
        return handler.options.status
    if handler.response_type is None:
        return 204
    return 201 if handler.name == "create" else 200


def _default_operation_id(handler_name: str, base: str) -> str:
    """Return ``getTodo`` (``listTodos`` for ``list``) for the endpoint ``todo``."""
    noun = camel_case(base)
    noun = noun[:1].upper() + noun[1:]
    return f"{handler_name}{_plural(noun) if handler_name == 'list' else noun}"


def _docstring_parts(func: Callable[..., Any]) -> tuple[str | None, str | None]:
    doc = inspect.getdoc(func)
    if not doc:
        return None, None
    summary, _, rest = doc.partition("\n")
    return summary.strip() or None, rest.strip() or None


def _snake(name: str) -> str:
    name = re.sub(r"Resource$", "", name) or name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _plural(word: str) -> str:
    return word if word.endswith("s") else word + "s"
