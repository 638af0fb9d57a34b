"""The view function of one resource rule (request time).

A :class:`ResourceView` carries the rule's operation records; each app it
is registered on keeps the binders and renderers compiled from them (in
``app.extensions``); a call binds the request, calls the handler and renders
its result.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import CoroutineType, MappingProxyType
from typing import TYPE_CHECKING, Any

from cattrs.errors import StructureHandlerNotFoundError
from werkzeug.exceptions import HTTPException

from ..binding import Binder
from ..conditional import UNSAFE_METHODS, Guard
from ..conditional import prepare as prepare_conditional
from ..coroutines import never_suspends, run_coroutine, run_in_place
from ..dependencies import app_state, request_values, run
from ..errors import DefinitionError, RequestValidationError, as_problem
from ..globals import _cv_request
from ..hooks import renders_as_is
from ..operation import Operation, OperationsView, ReadOnlyTable
from ..providers import OVERRIDES_ENVIRON_KEY
from ..render import Renderer, prepared_problem
from ..responses import may_answer_directly
from ..security import SecurityScheme, authenticate
from .declare import Resource
from .resolve import Resolved, resolve

if TYPE_CHECKING:
    from ..app import App
    from ..ctx import RequestContext
    from ..dependencies import RequestValues
    from ..scaffold import Scaffold

__all__ = ["ResourceView"]


#: The key of an app's table of its views' compiled steps in ``app.extensions``.
#: PERF: the app holds them, not the view: a view (two per resource) keeps no
#: per-app table of its own, and a table entry dies with its app.
_COMPILED_KEY = "resourceful.resources.compiled"

_NO_GUARDS: Mapping[str, Guard] = MappingProxyType({})

#: How one operation runs (see :meth:`ResourceView._run`): ``(method,
#: handler_name, undecorated, asynchronous, awaits, in_place, at)``, ``at``
#: where its steps start in :attr:`_Compiled.steps`. PERF: a plain tuple of
#: strings, booleans and a number, which the collector stops tracking, rather
#: than a closure (a function, its cells and their tuple) per operation.
_Run = tuple[str, str, bool, bool, bool, bool, int]


class _Compiled:
    """The binder, renderer and resolution of each operation of a view, for one app.

    ``steps`` holds them in turn, three per operation in the order of the
    view's operations (see :func:`_steps_at`). PERF: one tuple per view, not
    a table and a tuple per operation for the collector to walk. The
    resolution is ``None`` for an operation with no providers and no
    requirement, which then takes the shortest path.
    """

    __slots__ = ("app", "converter", "guards", "operations", "scopes", "steps")

    def __init__(
        self,
        app: App,
        scopes: tuple[Scaffold, ...],
        steps: tuple[Any, ...],
        operations: Mapping[str, Operation],
        guards: Mapping[str, Guard] = _NO_GUARDS,
    ) -> None:
        self.app = app
        #: The converter they were built with: replacing ``app.converter`` rebuilds them.
        self.converter = app.converter
        #: The blueprints the view is registered in (innermost first), then the app.
        self.scopes = scopes
        self.steps = steps
        self.operations = operations
        #: The precondition checks of the changing operations that have validators.
        self.guards = guards


class ResourceView(OperationsView):
    """The view function of one resource rule; carries the rule's operations.

    ``operations`` maps each HTTP method to its :class:`Operation`. A call
    runs the matched operation: bind the request (compiled
    :class:`~resourceful.binding.Binder`), call the handler, render the
    result (compiled :class:`~resourceful.render.Renderer`). HTTP errors
    raised on the way become problem+json responses.
    """

    def __init__(
        self,
        resource: type[Resource],
        instance: Resource | None,
        name: str,
        operations: Mapping[str, Operation],
        provide_automatic_options: bool | None,
    ) -> None:
        self.view_class = resource
        if not isinstance(operations, ReadOnlyTable):
            operations = ReadOnlyTable(operations)
        self.operations: Mapping[str, Operation] = operations
        self.methods: tuple[str, ...] = tuple(sorted(operations))
        self.provide_automatic_options = provide_automatic_options
        self.__name__ = name
        self.__qualname__ = name
        self.__doc__ = resource.__doc__
        self.__module__ = resource.__module__
        self._resource = resource
        self._instance = instance
        #: What ``compiled()`` returned last: one app serves almost every request.
        self._last: _Compiled | None = None
        #: How each operation that is not guarded runs, by method.
        runs: dict[str, _Run] = {}
        #: The calls of decorated and guarded operations: what their decorators wrap.
        calls: dict[str, Callable[..., Any]] = {}
        direct = True  # whether every operation can be run straight from __call__
        #: Whether a call can return a coroutine, decided here once: an ``async
        #: def`` handler that may wait, or a decorator that made a coroutine function.
        self.runs_coroutines = False
        for method, op in operations.items():
            if op.conditional is not None and method in UNSAFE_METHODS:
                call, awaits = self._guarded_call(method)
                calls[method] = call
                direct = False
            else:
                runs[method] = how = self._how_to_run(method)
                awaits = how[4]
                direct = direct and not awaits and not op.decorators
                if op.decorators:
                    calls[method] = _calling(self, how, op.handler_name)
            for decorator in op.decorators:
                calls[method] = decorator(calls[method])
            self.runs_coroutines |= awaits or inspect.iscoroutinefunction(calls.get(method))
        if "GET" in operations and "HEAD" not in operations:
            if "GET" in runs:
                runs["HEAD"] = runs["GET"]
            if "GET" in calls:
                calls["HEAD"] = calls["GET"]
        self._runs = runs
        self._calls = calls if calls else _NO_CALLS
        # PERF: with no class decorator and no coroutine, the class's alias
        # answers: no bound method (a reference cycle) kept per view.
        if resource.decorators or self.runs_coroutines:
            dispatch: Callable[..., Any] = self._dispatch
            for decorator in resource.decorators:
                dispatch = decorator(dispatch)
                self.runs_coroutines |= inspect.iscoroutinefunction(dispatch)
            if self.runs_coroutines:
                # PERF: only views that can return a coroutine look at what they return.
                dispatch = _running_coroutines(dispatch)
            self._dispatch_decorated = dispatch  # type: ignore[method-assign]
        # PERF: with no class decorator, an operation that nothing wraps and that
        # returns no coroutine is run straight from __call__, with the context
        # it reads once; every other one goes through the decorated dispatch.
        self._direct: dict[str, _Run]
        if resource.decorators:
            self._direct = _NO_RUNS
        elif direct:
            self._direct = runs  # the common case: no second table
        else:
            self._direct = {
                method: how for method, how in runs.items() if method not in calls and not how[4]
            }

    def __repr__(self) -> str:
        return f"<ResourceView {self.__name__!r} of {self._resource.__qualname__}>"

    def __call__(self, **view_args: Any) -> Any:
        """Run the operation for the request's method; HTTP errors become problems.

        With an ``async def`` handler that may wait (or a coroutine-function
        decorator) the decorated call returns a coroutine: it runs here, once,
        on the worker thread's event loop (see :attr:`runs_coroutines`).
        """
        try:
            ctx = _cv_request.get()
            how = self._direct.get(ctx.method)
            if how is not None:
                return self._run(how, ctx, view_args)
            return self._dispatch_decorated(**view_args)
        except HTTPException as exc:
            if exc.response is not None or exc.code is None or exc.code < 400:
                raise
            problem = as_problem(exc)
            if problem is exc:
                # NOTE: not ``raise exc from exc``: an exception that is its own
                # cause is a reference cycle that holds every frame until the GC runs.
                raise
            try:
                raise problem from exc
            finally:
                # The traceback keeps this frame: its locals must not keep the problem.
                del problem

    def _dispatch(self, **view_args: Any) -> Any:
        ctx = _cv_request.get()
        call = self._calls.get(ctx.method)
        if call is not None:
            return call(**view_args)
        return self._run(self._runs[ctx.method], ctx, view_args)

    #: The dispatch with the class's decorators (and coroutines run); a view
    #: with none has the plain one.
    _dispatch_decorated = _dispatch

    def _how_to_run(self, method: str) -> _Run:
        """Return how :meth:`_run` runs the operation of ``method``.

        How an ``async def`` handler runs is decided here, once: with no
        decorator to await it, one that never waits runs in place
        (:func:`~resourceful.coroutines.run_in_place`) and the call stays
        synchronous; otherwise (``awaits``) the call returns a coroutine,
        which :meth:`__call__` runs on the thread's loop.
        """
        handler_name = self.operations[method].handler_name
        # Nothing but the app sees this operation's errors when no decorator wraps it.
        undecorated = not self.operations[method].decorators and not self._resource.decorators
        handler_function = getattr(self._resource, handler_name)
        asynchronous = inspect.iscoroutinefunction(handler_function)
        awaits = asynchronous and not (undecorated and never_suspends(handler_function))
        in_place = asynchronous and not awaits
        at = _steps_at(self.operations, method)
        return (method, handler_name, undecorated, asynchronous, awaits, in_place, at)

    def _run(self, how: _Run, ctx: RequestContext, view_args: dict[str, Any]) -> Any:
        """Run one operation (``how``: see :meth:`_how_to_run`) for the request of ``ctx``."""
        _method, handler_name, undecorated, asynchronous, awaits, in_place, at = how
        app = ctx.app
        # PERF: compiled(app)'s own first check, without the call.
        compiled = self._last
        if compiled is None or compiled.app is not app or compiled.converter is not app.converter:
            compiled = self.compiled(app)
        steps = compiled.steps
        binder, renderer, resolved = steps[at], steps[at + 1], steps[at + 2]
        # PERF: when only the app sees the answer, it may be written out
        # without a response object (responses.PreparedResponse).
        prepared = undecorated and may_answer_directly(app)
        if resolved is not None:
            result = self._run_resolved(ctx, resolved, binder, view_args, in_place, awaits)
            if awaits:
                return _rendered(renderer, result)
            return renderer.render(result, prepared=prepared)
        kwargs = binder.bind(ctx, view_args)
        if isinstance(kwargs, RequestValidationError):
            # PERF: raising it would only have the app render it, when nothing
            # else can see it; returning it gives the same response and hooks
            # without unwinding every frame of the request.
            if undecorated and renders_as_is(app, kwargs):
                return prepared_problem(kwargs) if prepared else kwargs
            raise kwargs
        instance = self._instance
        if instance is None:
            instance = self._resource()
        result = getattr(instance, handler_name)(**kwargs)
        if asynchronous:
            if awaits:
                return _rendered(renderer, result)
            result = run_in_place(result)
        return renderer.render(result, prepared=prepared)

    def _guarded_call(self, method: str) -> tuple[Callable[..., Any], bool]:
        """Return the call of a changing operation whose preconditions are checked first.

        With an ``async def`` handler or ``current``, the call returns a coroutine.
        """
        handler_name = self.operations[method].handler_name
        awaits = inspect.iscoroutinefunction(
            getattr(self._resource, handler_name)
        ) or inspect.iscoroutinefunction(getattr(self._resource, "current", None))
        at = _steps_at(self.operations, method)

        def call(**view_args: Any) -> Any:
            ctx = _cv_request.get()
            compiled = self.compiled(ctx.app)
            steps = compiled.steps
            binder, renderer, resolved = steps[at], steps[at + 1], steps[at + 2]
            guard = compiled.guards[method]
            if resolved is not None:
                result = self._run_resolved(ctx, resolved, binder, view_args, False, awaits, guard)
            else:
                kwargs = binder.try_bind(ctx.request, view_args)
                if isinstance(kwargs, RequestValidationError):
                    raise kwargs
                instance = self._instance
                if instance is None:
                    instance = self._resource()
                result = guard.bound(instance, getattr(instance, handler_name))(**kwargs)
            if isinstance(result, CoroutineType):
                return _rendered(renderer, result)
            return renderer.render(result)

        call.__name__ = handler_name
        call.__qualname__ = f"{self._resource.__qualname__}.{handler_name}"
        return call, awaits

    def _run_resolved(
        self,
        ctx: RequestContext,
        resolved: Resolved,
        binder: Binder,
        view_args: Any,
        in_place: bool,
        awaits: bool,
        guard: Guard | None = None,
    ) -> Any:
        """Authenticate, bind, run the providers and the handler; return its result.

        ``in_place``: the handler is ``async def`` and runs here, in place;
        ``awaits``: it is ``async def`` and its coroutine is returned.
        ``guard`` checks a changing request's preconditions once the handler's
        values are known, before it runs.
        """
        app = ctx.app
        values = request_values(ctx) if resolved.needs_values else None
        overrides = ctx.environ.get(OVERRIDES_ENVIRON_KEY) or app.overrides
        app_values = app_state(app).app_values
        requirement = resolved.requirement
        if requirement is not None:
            provide = None
            if resolved.verify:
                plans = dict(resolved.verify)

                def provide(scheme: SecurityScheme) -> dict[str, Any]:
                    verify_plan = plans.get(scheme)
                    provided: dict[str, Any] = {}
                    if verify_plan is not None:
                        assert values is not None
                        run(verify_plan, provided, values, app_values, overrides or None)
                    return provided

            principal = authenticate(requirement, ctx.request, provide)
            if resolved.principal is not None:
                assert values is not None
                values.values[resolved.principal] = principal
        kwargs = binder.bind(ctx, view_args)
        if isinstance(kwargs, RequestValidationError):
            raise kwargs
        instance = self._instance
        if instance is None:
            instance = self._resource()
        handler = getattr(instance, resolved.operation.handler_name)
        if guard is not None:
            handler = guard.bound(instance, handler)
        if values is None:
            result = handler(**kwargs)
            return run_in_place(result) if in_place else result
        try:
            run(resolved.plan, kwargs, values, app_values, overrides or None)
            result = handler(**kwargs)
            if in_place:
                result = run_in_place(result)
        except BaseException as exc:
            # Teardown sees it even when an error handler turns it into a response.
            values.error = exc
            raise
        if awaits:  # the coroutine raises when it is awaited
            return _noting_error(result, values)
        return result

    def operations_on(self, app: Any) -> Mapping[str, Operation]:
        """Return the operations as ``app`` serves them (resolved at registration)."""
        # ``current_app`` is a proxy: its extensions are the app's.
        table = app.extensions.get(_COMPILED_KEY)
        compiled = None if table is None else table.get(self)
        return self.operations if compiled is None else compiled.operations

    def compiled(self, app: App) -> _Compiled:
        """Return the binders and renderers for ``app``, building them on first use.

        They are rebuilt if ``app.converter`` is replaced.
        """
        # PERF: one app serves almost every request; skip the table lookup.
        last = self._last
        if last is not None and last.app is app and last.converter is app.converter:
            return last
        table = app.extensions.get(_COMPILED_KEY)
        compiled = None if table is None else table.get(self)
        if compiled is None or compiled.converter is not app.converter:
            compiled = self.prepare(app)
        self._last = compiled
        return compiled

    def prepare(self, app: App, scopes: tuple[Scaffold, ...] | None = None) -> _Compiled:
        """Resolve the operations on ``app`` and build (and cache) their binders and renderers.

        ``scopes`` are the blueprints the view is registered in, innermost
        first, then the app (by default those of the last preparation on
        ``app``, else the app alone). Called at registration so that
        definition mistakes (a missing provider, a type the converter cannot
        handle) raise then, not on the first request.
        """
        table: dict[ResourceView, _Compiled] | None = app.extensions.get(_COMPILED_KEY)
        if table is None:
            table = app.extensions[_COMPILED_KEY] = {}
        if scopes is None:
            known = table.get(self)
            scopes = (app,) if known is None else known.scopes
        steps: list[Any] = []
        operations: dict[str, Operation] = {}
        as_declared = True  # whether every effective record is the declared one
        for method, declared in self.operations.items():
            resolved: Resolved | None = resolve(declared, scopes)
            assert resolved is not None
            op = resolved.operation
            as_declared = as_declared and op is declared
            if resolved.needs_values:
                app_state(app).need_request_teardown()
            elif resolved.requirement is None:
                resolved = None  # nothing to run but binding and the handler
            _check_response_type(op, app)
            steps += (Binder(op, app), Renderer(op, app), resolved)
            operations[method] = op
        guards = _prepare_conditional(steps, operations, app)
        # PERF: when nothing was resolved into the records, the view's own serve.
        served = self.operations if as_declared else MappingProxyType(operations)
        compiled = _Compiled(app, scopes, tuple(steps), served, guards)
        table[self] = compiled
        return compiled


#: The shared empty tables of views that have no such operations (never written to).
_NO_CALLS: dict[str, Callable[..., Any]] = {}
_NO_RUNS: dict[str, _Run] = {}


def _steps_at(operations: Mapping[str, Operation], method: str) -> int:
    """Return where the steps of ``method``'s operation start in :attr:`_Compiled.steps`.

    HEAD, when the view has no operation of its own for it, runs GET's.
    """
    if method == "HEAD" and method not in operations:
        method = "GET"
    return 3 * list(operations).index(method)


def _prepare_conditional(
    steps: list[Any], operations: Mapping[str, Operation], app: App
) -> Mapping[str, Guard]:
    """Put the conditional renderer in the steps of operations with validators; return the guards.

    A changing operation's guard renders ``current(...)`` with GET's renderer,
    so its hashed ETag is the one GET sends.
    """
    guards: dict[str, Guard] = {}
    get = steps[_steps_at(operations, "GET") + 1] if "GET" in operations else None
    for method, op in operations.items():
        if op.conditional is None:
            continue
        at = _steps_at(operations, method) + 1  # its renderer
        wrapped, guard = prepare_conditional(op, steps[at], get, app)
        steps[at] = wrapped
        if guard is not None:
            guards[method] = guard
    return MappingProxyType(guards) if guards else _NO_GUARDS


def _check_response_type(op: Operation, app: App) -> None:
    if op.response_type is None:
        return
    # PERF: only planned here (its structuring code is generated when a
    # response is first validated); the renderer builds the unstructuring.
    try:
        app.converter.get_structure_hook(op.response_type)
    except (StructureHandlerNotFoundError, DefinitionError) as exc:
        raise DefinitionError(
            f"{op.qualname}: its return type {op.response_type!r} cannot be converted: {exc}"
        ) from exc


def _calling(view: ResourceView, how: _Run, name: str) -> Callable[..., Any]:
    """Return the call of a decorated operation: what its decorators wrap, named after it."""

    def call(**view_args: Any) -> Any:
        return view._run(how, _cv_request.get(), view_args)

    call.__name__ = name
    call.__qualname__ = f"{view._resource.__qualname__}.{name}"
    return call


def _running_coroutines(dispatch: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the dispatch of a view whose calls may return a coroutine, to run it."""

    def run(**view_args: Any) -> Any:
        rv = dispatch(**view_args)
        # A mixed view (some handlers sync) or a decorator that awaits only sometimes.
        if isinstance(rv, CoroutineType):
            rv = run_coroutine(rv)
        return rv

    return run


async def _rendered(renderer: Renderer, handler_result: Any) -> Any:
    """Await an ``async def`` handler's coroutine, then render its value."""
    return renderer.render(await handler_result)


async def _noting_error(handler_result: Any, values: RequestValues) -> Any:
    """Await an ``async def`` handler's coroutine; teardown sees what it raises."""
    try:
        return await handler_result
    except BaseException as exc:
        values.error = exc
        raise
