"""Resolving an operation on one app: its security requirement and its providers (definition time).

Where a resource is registered decides what applies to it: its class, the
blueprints it is in (innermost first) and the app. When the resource's rules
are on an app (at once for an app, at each registration for a blueprint),
each operation is resolved here into a :class:`Resolved`: the nearest
requirement, the plan of the providers its handler asks for
(:func:`resourceful.dependencies.plan`), the providers its schemes' verify
functions ask for, and the *effective* operation record (the providers'
parameters joined to the handler's, the requirement resolved) that binding
and the OpenAPI document read. Nothing of this is looked at again per request.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..binding import params_from_signature
from ..convert.typeinfo import union_of
from ..dependencies import EMPTY_PLAN, Plan, ProvidedParam, Signature, plan
from ..errors import DefinitionError
from ..operation import Operation, Param
from ..providers import Provide, Provider, Providers
from ..rules import rule_variables
from ..security import Security, SecurityScheme

if TYPE_CHECKING:
    from ..app import App
    from ..scaffold import Scaffold

__all__ = ["Resolved", "resolve", "scopes_of"]


@attrs.frozen(eq=False)
class Resolved:
    """What one operation runs on one app besides binding and its handler."""

    #: The effective record: the providers' parameters added, the requirement resolved.
    operation: Operation
    plan: Plan
    #: The requirement to check; ``None`` when it is public or none applies.
    requirement: Security | None
    #: The provider whose value is the authenticated principal, if a handler may ask for it.
    principal: Provider | None
    #: Per scheme whose verify function asks for provided values: its plan.
    verify: tuple[tuple[SecurityScheme, Plan], ...]

    @property
    def needs_values(self) -> bool:
        """Whether a request needs its provided-values store."""
        return bool(self.plan.steps) or self.principal is not None or bool(self.verify)


def scopes_of(app: App, endpoint: str) -> tuple[Scaffold, ...]:
    """Return the blueprints of ``endpoint`` (innermost first), then ``app``."""
    scopes: list[Scaffold] = []
    name = endpoint.rpartition(".")[0]
    while name:
        blueprint = app.blueprints.get(name)
        if blueprint is not None:
            scopes.append(blueprint)
        name = name.rpartition(".")[0]
    if not scopes:
        # PERF: the app's one tuple of itself, shared by the endpoints of no blueprint.
        alone: tuple[Scaffold, ...] = app.extensions.setdefault(_ALONE_KEY, (app,))
        return alone
    scopes.append(app)
    return tuple(scopes)


#: The key of an app's ``(app,)``, the scopes of its own endpoints, in ``app.extensions``.
_ALONE_KEY = "resourceful.resources.alone"


def _principal_placeholder() -> Any:  # pragma: no cover - its value is set before the plan runs
    raise RuntimeError("The principal is provided by authentication, never called.")


def _principal_registry(requirement: Security) -> tuple[Providers, Provider]:
    types = []
    for scheme in requirement.schemes:
        if scheme.principal_type is not Any and scheme.principal_type not in types:
            types.append(scheme.principal_type)
    registry = Providers("the security requirement (the authenticated principal)")
    # Any one of the schemes may have authenticated the request: with principals
    # of different types, only their union says what a handler receives. Verify
    # functions without a return annotation leave it to the name "principal".
    if not types:
        provides: Any = Any
    else:
        provides = types[0] if len(types) == 1 else union_of(tuple(types))
    return registry, registry.add(_principal_placeholder, provides=provides, name="principal")


def _requirement(op: Operation, scopes: Sequence[Scaffold]) -> Security | None:
    requirement: Security | None = op.requirement
    if requirement is None:
        for scope in scopes:
            if scope.security_requirement is not None:
                requirement = scope.security_requirement
                if not isinstance(requirement, Security):
                    raise DefinitionError(
                        f"{scope!r}.require() was given {requirement!r}; it takes a"
                        " resourceful.security.Security requirement, e.g."
                        " require(Security(HTTPBearer(verify)))."
                    )
                break
    if requirement is not None and op.security is not None:
        raise DefinitionError(
            f"{op.qualname}: it documents security={list(op.security)!r} (documentation"
            f" only) while {requirement!r} is enforced, so the document would not say what"
            " is checked. Remove the mapping form, or state the requirement with"
            " @operation(security=Security(...)) or PUBLIC."
        )
    return requirement


def _provided(params: Sequence[Param]) -> list[ProvidedParam]:
    return [
        ProvidedParam(param.name, param.type, Provide(param.wire_name or None))
        for param in params
        if param.location == "provided"
    ]


def _reader(variables: dict[str, str]) -> Any:
    def read_signature(provider: Provider) -> Signature:
        params = params_from_signature(
            provider.function,
            f"the provider {provider.qualname}",
            variables,
            every_path_variable=False,
        )
        bound = tuple(param for param in params if param.location != "provided")
        return Signature(tuple(_provided(params)), bound)

    return read_signature


def _verify_plan(
    op: Operation, scheme: SecurityScheme, chain: Sequence[Providers], read: Any
) -> Plan:
    verify = scheme.verify
    count = scheme.credential_count
    try:
        signature = inspect.signature(verify)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return EMPTY_PLAN
    extras = list(signature.parameters.values())[count:]
    if all(extra.default is not extra.empty for extra in extras):
        # Nothing more is passed to it (dict.get works as a verify function).
        return EMPTY_PLAN
    qualname = f"the verify function of {scheme!r}"
    params = params_from_signature(verify, qualname, {}, every_path_variable=False, skip=count)
    unprovided = [param.name for param in params if param.location != "provided"]
    if unprovided:
        raise DefinitionError(
            f"{op.qualname}: {qualname} takes {', '.join(map(repr, unprovided))}, which are"
            " not provided values. After its credentials a verify function may ask only for"
            " Provided[...] values (it runs before the request is bound)."
        )
    verify_plan = plan(op.qualname, _provided(params), (), chain, read)
    if verify_plan.params:
        names = ", ".join(repr(param.name) for param in verify_plan.params)
        raise DefinitionError(
            f"{op.qualname}: a provider that {qualname} asks for reads request input"
            f" ({names}); verify runs before the request is bound. Read it in the handler,"
            " or have the provider take no request input."
        )
    return verify_plan


def resolve(op: Operation, scopes: Sequence[Scaffold]) -> Resolved:
    """Resolve ``op`` where ``scopes`` (its blueprints innermost first, then the app) say."""
    requirement = _requirement(op, scopes)
    chain: list[Providers] = [op.resource.provider_registry]
    chain.extend(scope.providers for scope in scopes)
    principal = None
    if requirement is not None and requirement.schemes:
        registry, principal = _principal_registry(requirement)
        chain.insert(0, registry)
    read = _reader(rule_variables(op.rule))
    the_plan = plan(op.qualname, _provided(op.params), op.params, chain, read)
    verify: list[tuple[SecurityScheme, Plan]] = []
    if requirement is not None:
        for scheme in requirement.schemes:
            verify_plan = _verify_plan(op, scheme, chain, read)
            if verify_plan.steps:
                verify.append((scheme, verify_plan))
    if principal is not None and not any(
        step.provider is principal
        for steps in (the_plan.steps, *(p.steps for _, p in verify))
        for step in steps
    ):
        principal = None
    if the_plan.params or requirement is not op.requirement:
        effective = attrs.evolve(op, params=op.params + the_plan.params, requirement=requirement)
    else:
        effective = op  # PERF: nothing to add: no second record per operation to keep
    return Resolved(
        operation=effective,
        plan=the_plan,
        requirement=requirement if requirement is not None and requirement.schemes else None,
        principal=principal,
        verify=tuple(verify),
    )
