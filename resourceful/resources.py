"""Declarative resources: one class, typed handlers, generated rules.

A :class:`Resource` names its handlers after what they do; the name decides
the HTTP method and whether the handler serves the *collection* or one
*member*:

============  ========  ============================  ====================
handler       method    rule                          default status
============  ========  ============================  ====================
``list``      GET       collection (``/todos/``)      200
``create``    POST      collection                    201
``get``       GET       member (``/todos/<int:id>``)  200
``replace``   PUT       member                        200
``update``    PATCH     member                        200
``delete``    DELETE    member                        200 (204 for ``None``)
============  ========  ============================  ====================

Register the class with the member rule; the collection rule is the member
rule without its last variable segment::

    @app.resource("/todos/<int:todo_id>")
    class Todo(Resource):
        def list(self, filters: Query[TodoFilter]) -> list[TodoOut]: ...
        def create(self, body: NewTodo) -> Reply[TodoOut]: ...
        def get(self, todo_id: int) -> TodoOut: ...
        def delete(self, todo_id: int) -> None: ...

This registers ``/todos/`` (endpoint ``todo_list``: GET, POST) and
``/todos/<int:todo_id>`` (endpoint ``todo``: GET, DELETE). A class with only
member handlers, or only collection handlers, serves the rule as given.

A class that defines ``post``, ``put`` or ``patch`` names its handlers after
HTTP methods instead (``get``, ``post``, ``put``, ``patch``, ``delete``), all
on the rule as given, with 200 (or 204) unless ``@operation(status=...)``
says otherwise; the two styles do not mix.

Why not a :class:`~resourceful.views.MethodView`: one class serves two
rules, and a method view's ``get`` cannot be both "list" and "read one".

Every handler is read once, at registration, into
:class:`~resourceful.operation.Operation` records; the view function
registered for each rule (a :class:`ResourceView`) carries them in
``.operations`` and binds, calls and renders with steps compiled from them.
Definition mistakes raise :class:`~resourceful.errors.DefinitionError` at
class creation or registration.
"""

from __future__ import annotations

import inspect
import re
import typing
import weakref
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs
from cattrs.errors import StructureHandlerNotFoundError
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.response import Response as SansIOResponse

from .binding import Binder, handler_hints, params_from_signature
from .errors import DefinitionError, RequestValidationError, as_problem, display_name
from .globals import _cv_request
from .hooks import renders_as_is
from .operation import (
    Operation,
    OperationOptions,
    OperationsView,
    frozen_security,
    response_specs,
)
from .render import Renderer, Reply
from .routing import check_methods_free
from .rules import camel_case, parent_rule, rule_variables

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from .app import App

__all__ = [
    "COLLECTION_HANDLERS",
    "MEMBER_HANDLERS",
    "Resource",
    "ResourceView",
    "operation",
    "register_resource",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Collection handlers and their HTTP methods.
COLLECTION_HANDLERS: Mapping[str, str] = MappingProxyType({"list": "GET", "create": "POST"})
#: Member handlers and their HTTP methods.
MEMBER_HANDLERS: Mapping[str, str] = MappingProxyType(
    {"get": "GET", "replace": "PUT", "update": "PATCH", "delete": "DELETE"}
)
_HANDLERS = {**COLLECTION_HANDLERS, **MEMBER_HANDLERS}
#: Handlers named after HTTP methods, all on the rule as given.
METHOD_HANDLERS: Mapping[str, str] = MappingProxyType(
    {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
)
_ACTION_ONLY = frozenset(_HANDLERS) - frozenset(METHOD_HANDLERS)
_METHOD_ONLY = frozenset(METHOD_HANDLERS) - frozenset(_HANDLERS)
#: Names that are never handlers, and what to do instead.
_MISNAMED = {"head": "remove it: HEAD is answered by get", "options": None}

_OPTIONS_ATTRIBUTE = "__resourceful_operation__"


def operation(
    *,
    status: int | None = None,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    deprecated: bool | None = None,
    operation_id: str | None = None,
    security: Sequence[Mapping[str, Sequence[str]]] | None = None,
    decorators: Sequence[Callable[..., Any]] = (),
    response_media_type: str | None = None,
) -> Callable[[F], F]:
    """Declare what a handler's docstring and name do not say.

    ``status`` is the success status; ``summary``, ``description``, ``tags``,
    ``deprecated``, ``operation_id`` and ``security`` go to OpenAPI (summary
    and description default to the docstring's first line and the rest), and
    so does ``response_media_type``, the media type of the success response
    (JSON by default; say ``"text/csv"`` for a handler ``-> Response`` that
    builds its own body);
    ``decorators`` wrap this operation only, innermost first, around binding,
    the handler and rendering::

        @operation(status=202, tags=["jobs"])
        def create(self, body: NewJob) -> Job: ...
    """
    options = OperationOptions(
        status=status,
        summary=summary,
        description=description,
        tags=tuple(tags) if tags is not None else None,
        deprecated=deprecated,
        operation_id=operation_id,
        security=frozen_security(security),
        decorators=tuple(decorators),
        response_media_type=response_media_type,
    )

    def decorator(func: F) -> F:
        setattr(func, _OPTIONS_ATTRIBUTE, options)
        return func

    return decorator


@attrs.frozen
class _Handler:
    """A handler found on a resource class (read at class creation)."""

    name: str
    method: str
    member: bool
    function: Callable[..., Any]
    response_type: Any
    options: OperationOptions


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


def _response_type(cls: type[Any], name: str, func: Callable[..., Any]) -> Any:
    qualname = f"{display_name(cls)}.{name}"
    hints = handler_hints(func, qualname)
    if "return" not in hints:
        raise DefinitionError(
            f"{qualname} has no return annotation; it is the response schema. Annotate it,"
            f" for example `-> Todo`, `-> list[Todo]`, `-> Reply[Todo]` or `-> None`."
        )
    declared = hints["return"]
    if declared is None or declared is type(None):
        return None
    if typing.get_origin(declared) is Reply:
        (declared,) = typing.get_args(declared)
        return None if declared is type(None) else declared
    if declared is Reply:
        return typing.Any
    if isinstance(declared, type) and issubclass(declared, SansIOResponse):
        # The handler builds its own response: a body of any shape, documented
        # with @operation(response_media_type=...), not an empty 204.
        return typing.Any
    return declared


class Resource:
    """A declarative resource; see the module documentation for handler names.

    Class attributes (all optional) describe how it is registered:
    :attr:`rule`, :attr:`endpoint`, :attr:`collection_endpoint`,
    :attr:`decorators`, :attr:`provide_automatic_options`,
    :attr:`init_every_request`, and for the documentation :attr:`tags`,
    :attr:`deprecated` and :attr:`security`.
    """

    #: The member rule (or the only rule) used when none is given at registration.
    rule: ClassVar[str | None] = None
    #: The endpoint of the member rule (or the only rule); default: the class
    #: name in snake case without a ``Resource`` suffix (``TodoResource`` -> ``todo``).
    endpoint: ClassVar[str | None] = None
    #: The endpoint of the collection rule; default: the endpoint plus ``_list``.
    collection_endpoint: ClassVar[str | None] = None
    #: Decorators applied, in order, to each generated view function.
    decorators: ClassVar[Sequence[Callable[..., Any]]] = ()
    #: Whether ``OPTIONS`` is answered automatically; ``None`` means the app's default.
    provide_automatic_options: ClassVar[bool | None] = None
    #: ``False`` (the default) creates one instance at registration and reuses it.
    init_every_request: ClassVar[bool] = False
    #: OpenAPI tags of every operation (``@operation(tags=...)`` overrides).
    tags: ClassVar[Sequence[str]] = ()
    #: Marks every operation deprecated in the documentation.
    deprecated: ClassVar[bool] = False
    #: OpenAPI security requirements of every operation; ``None`` means the default.
    security: ClassVar[Sequence[Mapping[str, Sequence[str]]] | None] = None

    #: The handlers found when the class was created, by name.
    handlers: ClassVar[Mapping[str, _Handler]] = MappingProxyType({})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, fix in _MISNAMED.items():
            if callable(cls.__dict__.get(name)):
                raise DefinitionError(
                    f"{display_name(cls)}.{name}: {name} is not a resource handler;"
                    f" {fix or 'remove it: OPTIONS is answered automatically'}."
                )
        defined = {
            name for name in {*_HANDLERS, *METHOD_HANDLERS} if callable(getattr(cls, name, None))
        }
        by_method = defined & _METHOD_ONLY
        by_action = defined & _ACTION_ONLY
        if by_method and by_action:
            raise DefinitionError(
                f"{display_name(cls)} mixes handlers named after HTTP methods"
                f" ({', '.join(sorted(by_method))}) with handlers named after actions"
                f" ({', '.join(sorted(by_action))}). Use one style: get/post/put/patch/delete"
                " for one rule, or list/create/get/replace/update/delete for a collection and"
                " its members."
            )
        names = METHOD_HANDLERS if by_method else _HANDLERS
        handlers: dict[str, _Handler] = {}
        for name, method in names.items():
            func = getattr(cls, name, None)
            if func is None or not callable(func):
                continue
            options = getattr(func, _OPTIONS_ATTRIBUTE, OperationOptions())
            handlers[name] = _Handler(
                name=name,
                method=method,
                # Handlers named after HTTP methods all serve the rule as given.
                member=bool(by_method) or name in MEMBER_HANDLERS,
                function=func,
                response_type=_response_type(cls, name, func),
                options=options,
            )
        cls.handlers = MappingProxyType(handlers)


# -- the view of one rule -----------------------------------------------------------------------


class _Compiled:
    """The binder and renderer of each operation of a view, for one app."""

    __slots__ = ("converter", "steps")

    def __init__(self, converter: Any, steps: dict[str, tuple[Binder, Renderer]]) -> None:
        self.converter = converter
        self.steps = steps


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
        self.operations: Mapping[str, Operation] = MappingProxyType(dict(operations))
        self.methods: tuple[str, ...] = tuple(sorted(operations))
        self.provide_automatic_options = provide_automatic_options
        self.__name__ = name
        self.__qualname__ = name
        self.__doc__ = resource.__doc__
        self.__module__ = resource.__module__
        self._resource = resource
        self._instance = instance
        self._compiled: weakref.WeakKeyDictionary[App, _Compiled] = weakref.WeakKeyDictionary()
        self._last: tuple[App, _Compiled] | None = None
        calls: dict[str, Callable[..., Any]] = {}
        for method, op in operations.items():
            call: Callable[..., Any] = self._operation_call(method)
            for decorator in op.decorators:
                call = decorator(call)
            calls[method] = call
        if "GET" in calls and "HEAD" not in calls:
            calls["HEAD"] = calls["GET"]
        self._calls = calls
        dispatch: Callable[..., Any] = self._dispatch
        for decorator in resource.decorators:
            dispatch = decorator(dispatch)
        self._dispatch_decorated = dispatch

    def __repr__(self) -> str:
        return f"<ResourceView {self.__name__!r} of {self._resource.__qualname__}>"

    def __call__(self, **view_args: Any) -> Any:
        """Run the operation for the request's method; HTTP errors become problems."""
        try:
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
        method = _cv_request.get().request.method
        return self._calls[method](**view_args)

    def _operation_call(self, method: str) -> Callable[..., Any]:
        handler_name = self.operations[method].handler_name
        # Nothing but the app sees this operation's errors when no decorator wraps it.
        undecorated = not self.operations[method].decorators and not self._resource.decorators

        def call(**view_args: Any) -> Any:
            ctx = _cv_request.get()
            binder, renderer = self.compiled(ctx.app).steps[method]
            kwargs = binder.try_bind(ctx.request, view_args)
            if isinstance(kwargs, RequestValidationError):
                # PERF: raising it would only have the app render it, when nothing
                # else can see it; returning it gives the same response and hooks
                # without unwinding every frame of the request.
                if undecorated and renders_as_is(ctx.app, kwargs):
                    return kwargs
                raise kwargs
            instance = self._instance
            if instance is None:
                instance = self._resource()
            return renderer.render(getattr(instance, handler_name)(**kwargs))

        call.__name__ = handler_name
        call.__qualname__ = f"{self._resource.__qualname__}.{handler_name}"
        return call

    def compiled(self, app: App) -> _Compiled:
        """Return the binders and renderers for ``app``, building them on first use.

        They are rebuilt if ``app.converter`` is replaced.
        """
        # PERF: one app serves almost every request; skip the weak-key lookup.
        last = self._last
        if last is not None and last[0] is app and last[1].converter is app.converter:
            return last[1]
        compiled = self._compiled.get(app)
        if compiled is None or compiled.converter is not app.converter:
            compiled = self.prepare(app)
        self._last = (app, compiled)
        return compiled

    def prepare(self, app: App) -> _Compiled:
        """Build (and cache) the binders and renderers for ``app``.

        Called at registration so that types the app's converter cannot
        handle raise :class:`DefinitionError` then, not on the first request.
        """
        steps = {}
        for method, op in self.operations.items():
            _check_response_type(op, app)
            steps[method] = (Binder(op, app), Renderer(op, app))
        compiled = _Compiled(app.converter, steps)
        self._compiled[app] = compiled
        return compiled


def _check_response_type(op: Operation, app: App) -> None:
    if op.response_type is None:
        return
    try:
        app.converter.get_structure_hook(op.response_type)
        app.converter.get_unstructure_hook(op.response_type)
    except (StructureHandlerNotFoundError, DefinitionError) as exc:
        raise DefinitionError(
            f"{op.qualname}: its return type {op.response_type!r} cannot be converted: {exc}"
        ) from exc


# -- registration ---------------------------------------------------------------------------------


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


def _build_operation(
    cls: type[Resource], handler: _Handler, rule: str, endpoint: str, base: str
) -> Operation:
    qualname = f"{display_name(cls)}.{handler.name}"
    params = params_from_signature(handler.function, qualname, rule_variables(rule))
    options = handler.options
    summary, description = _docstring_parts(handler.function)
    if options.status is not None:
        status = options.status
    elif handler.response_type is None:
        status = 204
    elif handler.name == "create":
        status = 201
    else:
        status = 200
    noun = camel_case(base)
    noun = noun[:1].upper() + noun[1:]
    default_id = f"{handler.name}{_plural(noun) if handler.name == 'list' else noun}"
    return Operation(
        method=handler.method,
        rule=rule,
        endpoint=endpoint,
        handler_name=handler.name,
        resource=cls,
        params=params,
        response_type=handler.response_type,
        status=status,
        responses=response_specs(status, handler.response_type, options.response_media_type),
        summary=options.summary if options.summary is not None else summary,
        description=options.description if options.description is not None else description,
        tags=options.tags if options.tags is not None else tuple(cls.tags),
        deprecated=options.deprecated if options.deprecated is not None else cls.deprecated,
        operation_id=options.operation_id or default_id,
        security=options.security
        if options.security is not None
        else frozen_security(cls.security),
        decorators=options.decorators,
    )


def plan_rules(
    cls: type[Resource],
    rule: str,
    *,
    endpoint: str | None = None,
    collection_rule: str | None = None,
) -> list[tuple[str, str, list[_Handler]]]:
    """Return ``(rule, endpoint, handlers)`` for each rule a resource generates."""
    base = endpoint or cls.endpoint or _snake(cls.__name__)
    collection_endpoint = (
        f"{endpoint}_list" if endpoint else cls.collection_endpoint or f"{base}_list"
    )
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
        return [(collection_rule, collection_endpoint, collection), (rule, base, members)]
    if collection:
        return [(collection_rule or rule, collection_endpoint, collection)]
    return [(rule, base, members)]


def register_resource(
    scaffold: Any, resource: type[Resource] | Resource, rule: str | None = None, **options: Any
) -> Callable[[App], None]:
    """Register ``resource`` on an app or blueprint: one URL rule per group of handlers.

    Returns what to finish once the rules are on an app (compile the views'
    binders and renderers, refuse a rule and method another endpoint serves);
    the core runs it (:mod:`resourceful.extensions`).

    ``resource`` is a :class:`Resource` subclass (instantiated once, or per
    request with ``init_every_request = True``) or an instance, used as is.
    ``rule`` defaults to the class's :attr:`Resource.rule`. Options:
    ``endpoint`` (the member endpoint; the collection's gets ``_list``),
    ``collection_rule`` (when it is not the member rule minus its last
    variable), ``provide_automatic_options``; anything else goes to werkzeug's
    ``Rule`` (``defaults``, ``subdomain``, ``strict_slashes``...).
    """
    instance: Resource | None
    if isinstance(resource, type):
        cls = resource
        instance = None
    else:
        cls = type(resource)
        instance = resource
    if not (isinstance(cls, type) and issubclass(cls, Resource)):
        raise DefinitionError(
            f"add_resource() takes a Resource subclass or instance, got {resource!r}. Subclass"
            " resourceful.Resource, or use add_url_rule() for a view function."
        )
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
    endpoint = options.pop("endpoint", None)
    collection_rule = options.pop("collection_rule", None)
    automatic = options.pop("provide_automatic_options", cls.provide_automatic_options)
    if instance is None and not cls.init_every_request:
        instance = cls()

    views: list[ResourceView] = []
    seen: dict[tuple[str, str], str] = {}
    base = endpoint or cls.endpoint or _snake(cls.__name__)
    for group_rule, group_endpoint, handlers in plan_rules(
        cls, rule, endpoint=endpoint, collection_rule=collection_rule
    ):
        operations: dict[str, Operation] = {}
        for handler in handlers:
            key = (group_rule, handler.method)
            if key in seen:
                raise DefinitionError(
                    f"{display_name(cls)}.{seen[key]} and {display_name(cls)}.{handler.name} both"
                    f" handle {handler.method} {group_rule}. Give the member rule a trailing"
                    " variable (such as '/todos/<int:todo_id>') or pass collection_rule=...,"
                    " so each handler has its own rule."
                )
            seen[key] = handler.name
            operations[handler.method] = _build_operation(
                cls, handler, group_rule, group_endpoint, base
            )
        view = ResourceView(cls, instance, group_endpoint, operations, automatic)
        views.append(view)
        scaffold.add_url_rule(
            group_rule,
            endpoint=group_endpoint,
            view_func=view,
            methods=list(view.methods),
            provide_automatic_options=automatic,
            **options,
        )

    return lambda app: _prepare(app, views)


def _prepare(app: App, views: Sequence[ResourceView]) -> None:
    for view in views:
        view.prepare(app)
    _check_duplicates(app, views)


def _check_duplicates(app: App, views: Sequence[ResourceView]) -> None:
    """Refuse a rule and method that another endpoint already serves."""
    ours = {id(view): view for view in views}
    mine: list[tuple[Rule, str]] = []
    others: list[Rule] = []
    for rule in app.url_map.iter_rules():
        view = ours.get(id(app.view_functions.get(rule.endpoint)))
        if view is None:
            others.append(rule)
        else:
            mine.append((rule, display_name(view.view_class)))
    check_methods_free(mine, others)
