"""Dependencies: plan at registration which providers an operation needs, run them per request.

Planning (:func:`plan`) happens once, when an operation is registered: every
``Provided[...]`` parameter of the handler is matched to a provider by the
rule stated in :mod:`resourceful.providers`, then the providers' own
parameters likewise, depth first. A missing provider, a cycle, or an
app-scoped provider that asks for a request value is a
:class:`~resourceful.errors.DefinitionError` naming the handler, the
parameter and the fix. The result is a flat, ordered :class:`Plan`: running
it per request (:func:`run`) is a loop over prepared steps, with no
introspection.

A provider's other parameters (query, header, cookie, path, body...) are
bound and validated with the handler's own (:attr:`Plan.params` joins the
operation's parameters), so their problems land in the same problem+json
response and the OpenAPI document lists them.

An ``async def`` provider (a coroutine function, or an async generator
function) runs on the worker thread's event loop
(:mod:`resourceful.coroutines`), from synchronous code, before the handler
is called, so sync and async handlers alike receive its value; an async
generator's code after ``yield`` runs at request teardown on the same loop,
in the same reverse order as the sync ones. Whether each step can run in
place (no await point) is decided when the plan is made.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .convert.typeinfo import type_name
from .coroutines import never_suspends, run_coroutine, run_in_place
from .errors import DefinitionError
from .globals import _cv_request
from .operation import Param
from .providers import MISSING, Overrides, Provide, Provider, Providers

__all__ = [
    "AppState",
    "AppValues",
    "Overrides",
    "Plan",
    "ProvidedParam",
    "RequestValues",
    "Step",
    "app_state",
    "close_app_values",
    "plan",
    "request_values",
    "run",
]


@attrs.frozen
class ProvidedParam:
    """A parameter that asks for a provided value."""

    name: str
    type: Any
    marker: Provide


@attrs.frozen
class Signature:
    """What a provider's signature asks for: provided values and bound parameters."""

    provided: tuple[ProvidedParam, ...]
    bound: tuple[Param, ...]


@attrs.frozen
class Step:
    """Call one provider with earlier steps' values and bound parameters."""

    provider: Provider
    #: Provider keyword -> index of the step whose value it receives.
    dependencies: tuple[tuple[str, int], ...]
    #: Provider keyword -> key of the bound value in the binder's results.
    bound: tuple[tuple[str, str], ...]
    #: An ``async def`` provider without await points: its steps run in place.
    in_place: bool = False


@attrs.frozen
class Plan:
    """The providers one operation runs, dependencies first."""

    steps: tuple[Step, ...]
    #: Handler keyword -> index of the step whose value it receives.
    arguments: tuple[tuple[str, int], ...]
    #: The providers' bound parameters, to bind with the handler's (renamed keys).
    params: tuple[Param, ...]
    #: Keys of ``params`` that are not handler arguments (dropped after the run).
    private_keys: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Whether the operation asks for no provided value."""
        return not self.steps


EMPTY_PLAN = Plan((), (), (), ())


def _describe_chain(chain: Sequence[Providers]) -> str:
    return ", ".join(providers.owner for providers in chain) or "nowhere"


def plan(
    qualname: str,
    wanted: Sequence[ProvidedParam],
    handler_params: Sequence[Param],
    chain: Sequence[Providers],
    read_signature: Callable[[Provider], Signature],
) -> Plan:
    """Return the plan that provides ``wanted`` to the handler ``qualname``.

    ``chain`` lists the registries from nearest to farthest (resource class,
    blueprints innermost first, app). ``read_signature`` reads a provider's
    parameters with the binder's rules.
    """
    if not wanted:
        return EMPTY_PLAN
    steps: list[Step] = []
    index: dict[int, int] = {}  # id(provider) -> step index
    extra: list[Param] = []
    keys: dict[tuple[str, str], tuple[str, Any]] = {
        (param.location, _wire_key(param)): (param.name, param.type)
        for param in handler_params
        if param.wire_name or param.is_group
    }
    private: list[str] = []

    def find(param: ProvidedParam, asker: str) -> Provider:
        for providers in chain:
            provider = providers.find(param.marker, param.type)
            if provider is not None:
                return provider
        wanted_by = (
            f"the name {param.marker.name!r}"
            if param.marker.name is not None
            else f"the type {type_name(param.type)}"
        )
        raise DefinitionError(
            f"{qualname}: parameter {param.name!r}{asker} asks for a provided value by"
            f" {wanted_by}, but no provider for it is registered (looked in"
            f" {_describe_chain(chain)}). Register one, e.g. @app.provider() on a function"
            f" returning {type_name(param.type)}, or on the blueprint or resource class."
        )

    def visit(provider: Provider, path: tuple[Provider, ...]) -> int:
        if provider in path:
            cycle = " -> ".join(p.qualname for p in (*path[path.index(provider) :], provider))
            raise DefinitionError(
                f"{qualname}: its providers form a cycle: {cycle}. A provider cannot need its"
                " own value; break the cycle by providing one of them differently."
            )
        known = index.get(id(provider))
        if known is not None:
            return known
        signature = read_signature(provider)
        dependencies: list[tuple[str, int]] = []
        for param in signature.provided:
            dependency = find(param, f" of the provider {provider.qualname}")
            if provider.scope == "app" and dependency.scope == "request":
                raise DefinitionError(
                    f"{qualname}: the app-scoped provider {provider.qualname} asks for"
                    f" {param.name!r}, which {dependency.qualname} provides per request. An"
                    " app-wide value cannot depend on one request: make"
                    f" {provider.qualname} request-scoped, or {dependency.qualname} app-scoped."
                )
            dependencies.append((param.name, visit(dependency, (*path, provider))))
        if provider.scope == "app" and signature.bound:
            names = ", ".join(repr(param.name) for param in signature.bound)
            raise DefinitionError(
                f"{qualname}: the app-scoped provider {provider.qualname} reads request input"
                f" ({names}); an app-wide value is created once, not per request. Make it"
                " request-scoped (the default), or remove those parameters."
            )
        bound = [(param.name, _bind_key(provider, param)) for param in signature.bound]
        in_place = provider.asynchronous and never_suspends(provider.function)
        steps.append(Step(provider, tuple(dependencies), tuple(bound), in_place))
        index[id(provider)] = len(steps) - 1
        return len(steps) - 1

    def _bind_key(provider: Provider, param: Param) -> str:
        wire = (param.location, _wire_key(param))
        shared = keys.get(wire) if (param.wire_name or param.is_group) else None
        if shared is not None:
            name, tp = shared
            if tp != param.type:
                raise DefinitionError(
                    f"{qualname}: the {param.location} value {wire[1]!r} is read as"
                    f" {type_name(tp)} by one parameter and as {type_name(param.type)} by"
                    f" {provider.qualname}'s {param.name!r}. Read it with one type."
                )
            return name
        key = f"{provider.name}.{param.name}"
        extra.append(attrs.evolve(param, name=key))
        private.append(key)
        if param.wire_name or param.is_group:
            keys[wire] = (key, param.type)
        return key

    arguments = tuple((param.name, visit(find(param, ""), ())) for param in wanted)
    return Plan(tuple(steps), arguments, tuple(extra), tuple(private))


def _wire_key(param: Param) -> str:
    # Header names are case-insensitive; every other wire name is exact.
    if param.is_group:
        return f"<group {param.name}>"
    return param.wire_name.lower() if param.location == "header" else param.wire_name


class RequestValues:
    """The provided values of one request, and the generators to resume at teardown."""

    __slots__ = ("error", "exits", "values")

    def __init__(self) -> None:
        self.values: dict[Provider, Any] = {}
        self.exits: list[Any] = []
        #: An exception the handler raised, even one handled into a response.
        self.error: BaseException | None = None

    def close(self, exc: BaseException | None = None) -> None:
        """Resume every generator provider, last created first, with ``exc`` if any.

        Every generator is resumed even when one fails; the first failure is
        raised afterwards.
        """
        exc = exc if exc is not None else self.error
        exits, self.exits = self.exits, []
        self.values.clear()
        failure: BaseException | None = None
        for generator, provider, in_place in reversed(exits):
            try:
                if provider.asynchronous:
                    _finish_async(generator, provider, exc, in_place)
                else:
                    _finish(generator, provider, exc)
            except Exception as error:  # noqa: PERF203 - each teardown must run
                if failure is None:
                    failure = error
        if failure is not None:
            raise failure


def _finish(generator: Any, provider: Provider, exc: BaseException | None) -> None:
    try:
        if exc is None:
            next(generator)
        else:
            generator.throw(exc)
    except StopIteration:
        return
    except BaseException as error:
        if error is exc:
            return  # the generator let the request's own exception through
        raise
    generator.close()
    raise RuntimeError(
        f"The provider {provider.qualname} yielded more than once; a generator provider"
        " yields its value once, then cleans up."
    )


def _finish_async(
    generator: Any, provider: Provider, exc: BaseException | None, in_place: bool
) -> None:
    run_step = run_in_place if in_place else run_coroutine
    try:
        run_step(generator.__anext__() if exc is None else generator.athrow(exc))
    except StopAsyncIteration:
        return
    except BaseException as error:
        if error is exc:
            return  # the generator let the request's own exception through
        raise
    run_step(generator.aclose())
    raise RuntimeError(
        f"The provider {provider.qualname} yielded more than once; an async generator"
        " provider yields its value once, then cleans up."
    )


class AppValues:
    """The app-scoped values of one app: created once, closed at shutdown or on demand."""

    def __init__(self) -> None:
        self.values: dict[Provider, Any] = {}
        self.exits: list[Any] = []
        self.lock = threading.Lock()
        _ALL_APP_VALUES.add(self)

    def close(self) -> None:
        """Resume the app-scoped generator providers (last created first); forget the values."""
        with self.lock:
            request = RequestValues()
            request.exits, self.exits = self.exits, []
            self.values.clear()
        request.close()


_ALL_APP_VALUES: weakref.WeakSet[AppValues] = weakref.WeakSet()


@atexit.register
def _close_all_app_values() -> None:  # pragma: no cover - runs at interpreter exit
    for values in list(_ALL_APP_VALUES):
        values.close()


def _call(step: Step, arguments: Mapping[str, Any], exits: list[Any]) -> Any:
    provider = step.provider
    if not provider.generator:
        if provider.asynchronous:
            coroutine = provider.function(**arguments)
            return run_in_place(coroutine) if step.in_place else run_coroutine(coroutine)
        return provider.function(**arguments)
    generator = provider.function(**arguments)
    try:
        if provider.asynchronous:
            first = generator.__anext__()
            value = run_in_place(first) if step.in_place else run_coroutine(first)
        else:
            value = next(generator)
    except (StopIteration, StopAsyncIteration):
        raise RuntimeError(
            f"The provider {provider.qualname} returned without yielding a value; a generator"
            " provider must yield exactly once."
        ) from None
    exits.append((generator, provider, step.in_place))
    return value


def run(
    the_plan: Plan,
    kwargs: dict[str, Any],
    request_values: RequestValues,
    app_values: AppValues,
    overrides: Overrides | None = None,
) -> None:
    """Run ``the_plan``: add the provided values to the handler's ``kwargs``.

    ``kwargs`` holds what the binder bound, the providers' private keys
    included; those are removed.
    """
    results: list[Any] = []
    for step in the_plan.steps:
        provider = step.provider
        if overrides:
            value = overrides.lookup(provider)
            if value is not MISSING:
                results.append(value)
                continue
        store = app_values if provider.scope == "app" else request_values
        value = store.values.get(provider, MISSING)
        if value is MISSING:
            arguments = {name: results[i] for name, i in step.dependencies}
            for name, key in step.bound:
                if key in kwargs:
                    arguments[name] = kwargs[key]
            if provider.scope == "app":
                with app_values.lock:
                    value = app_values.values.get(provider, MISSING)
                    if value is MISSING:
                        value = _call(step, arguments, app_values.exits)
                        app_values.values[provider] = value
            else:
                value = _call(step, arguments, request_values.exits)
                request_values.values[provider] = value
        results.append(value)
    for key in the_plan.private_keys:
        kwargs.pop(key, None)
    for name, i in the_plan.arguments:
        kwargs[name] = results[i]


# -- per app and per request: where the values live --------------------------------------

_STATE_KEY = "resourceful.dependencies"
_VALUES_KEY = "_resourceful_provided_values"


class AppState:
    """One app's provided values: the app-scoped ones, and the request teardown hook."""

    def __init__(self, app: Any) -> None:
        self.app_values = AppValues()
        self._app = app
        self._teardown_added = False

    def need_request_teardown(self) -> None:
        """Close each request's provided values at its teardown (registered once per app)."""
        if not self._teardown_added:
            self._teardown_added = True
            self._app.teardown_request(close_request_values)


def app_state(app: Any) -> AppState:
    """Return ``app``'s provided-value state, creating it on first use."""
    state: AppState | None = app.extensions.get(_STATE_KEY)
    if state is None:
        state = app.extensions[_STATE_KEY] = AppState(app)
    return state


def close_app_values(app: Any) -> None:
    """Close ``app``'s app-scoped values now (their generators resume); they are made anew."""
    app_state(app).app_values.close()


def request_values(ctx: Any) -> RequestValues:
    """Return the provided values of the request context ``ctx``, creating them on first use."""
    found: RequestValues | None = ctx.__dict__.get(_VALUES_KEY)
    if found is None:
        found = ctx.__dict__[_VALUES_KEY] = RequestValues()
    return found


def close_request_values(exc: BaseException | None) -> None:
    """Resume the current request's generator providers (a teardown-request function)."""
    ctx = _cv_request.get(None)
    if ctx is None:
        return
    values: RequestValues | None = ctx.__dict__.pop(_VALUES_KEY, None)
    if values is not None:
        values.close(exc)
