"""Declaring a resource: the :class:`Resource` base class and ``@operation``.

When a subclass is created its handlers are found by name and read into a
handler table (:attr:`Resource.handlers`); nothing about rules or apps is
decided here (see :mod:`resourceful.resources.plan`).
"""

from __future__ import annotations

import difflib
import typing
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Literal, TypeVar

import attrs
from werkzeug.sansio.response import Response as SansIOResponse

from ..binding import handler_hints
from ..conditional import Conditional, check_current, declared_conditional
from ..cors import CORS
from ..errors import DefinitionError, DefinitionWarning, display_name
from ..operation import OperationOptions, ReadOnlyTable, frozen_security
from ..providers import Providers
from ..render import Reply
from ..security import Security

__all__ = [
    "COLLECTION_HANDLERS",
    "MEMBER_HANDLERS",
    "METHOD_HANDLERS",
    "Handler",
    "Resource",
    "operation",
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
#: The options of a handler ``@operation`` does not decorate. PERF: one frozen
#: record shared by them all, not one per handler for the collector to walk.
_NO_OPTIONS = OperationOptions()


def _check_misspelled(
    cls: type[Any], names: Mapping[str, str], handlers: Mapping[str, Handler]
) -> None:
    """Catch a method named almost like a handler (``gett``): it would be silently ignored.

    One decorated with ``@operation`` was surely meant as a handler: that is a
    definition error. Any other is only a warning, since helpers may have
    such names.
    """
    for name, value in vars(cls).items():
        if name.startswith("_") or name in handlers or not callable(value):
            continue
        close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.75)
        if not close:
            continue
        message = (
            f"{display_name(cls)}.{name} is not a handler, so no operation serves it; did you"
            f" mean {close[0]}? Handlers are named {', '.join(names)}."
        )
        if hasattr(value, _OPTIONS_ATTRIBUTE):
            raise DefinitionError(message)
        warnings.warn(message + " Rename the method if it is a helper.", DefinitionWarning, 3)


def operation(
    *,
    status: int | None = None,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    deprecated: bool | None = None,
    operation_id: str | None = None,
    security: Security | Sequence[Mapping[str, Sequence[str]]] | None = None,
    decorators: Sequence[Callable[..., Any]] = (),
    response_media_type: str | None = None,
    responses: Mapping[int, Any] | None = None,
    response_headers: Mapping[str, Any] | None = None,
    request_examples: Mapping[str, Any] | None = None,
    response_examples: Mapping[str, Any] | None = None,
    conditional: Conditional | Literal[False] | None = None,
) -> Callable[[F], F]:
    """Declare what a handler's docstring and name do not say.

    ``status`` is the success status; ``summary``, ``description``, ``tags``,
    ``deprecated``, ``operation_id`` and ``security`` go to OpenAPI (summary
    and description default to the docstring's first line and the rest), and
    so does ``response_media_type``, the media type of the success response
    (JSON by default; say ``"text/csv"`` for a handler ``-> Response`` that
    builds its own body), and ``responses``, the further responses it can
    give by status (a body type, ``None`` for no body, or a ``Problem``
    class: ``{409: Problem, 304: None}``; the class's ``responses`` adds to them),
    and ``response_headers``, the headers the success response carries, with
    the types of their values (``{"X-Total-Count": int}``);
    ``request_examples`` and ``response_examples`` name example bodies
    (``{"milk": NewTodo("milk")}``; for a ``MergePatch[T]`` body, values of
    ``T``), checked against the types when the resource is registered;
    ``conditional`` gives this operation its own validators
    (a :class:`~resourceful.conditional.Conditional`; ``False`` for none),
    instead of the class's :attr:`~Resource.conditional`;
    ``decorators`` wrap this operation only, innermost first, around binding,
    the handler and rendering::

        @operation(status=202, tags=["jobs"])
        def create(self, body: NewJob) -> Job: ...

    ``security`` is a :class:`~resourceful.security.Security` requirement
    (enforced and documented; ``PUBLIC`` opts out of the class's, blueprint's
    or app's) or, for credentials checked elsewhere (a gateway), a list of
    OpenAPI requirement mappings that is only documented (see :doc:`/security`).
    """
    requirement = security if isinstance(security, Security) else None
    documented = None if requirement is not None else security
    options = OperationOptions(
        status=status,
        summary=summary,
        description=description,
        tags=tuple(tags) if tags is not None else None,
        deprecated=deprecated,
        operation_id=operation_id,
        security=frozen_security(documented),  # type: ignore[arg-type]
        requirement=requirement,
        decorators=tuple(decorators),
        response_media_type=response_media_type,
        responses=dict(responses or {}),
        response_headers=dict(response_headers or {}),
        request_examples=dict(request_examples or {}),
        response_examples=dict(response_examples or {}),
        conditional=conditional,
    )

    def decorator(func: F) -> F:
        setattr(func, _OPTIONS_ATTRIBUTE, options)
        return func

    return decorator


@attrs.frozen
class Handler:
    """A handler found on a resource class (read at class creation)."""

    name: str
    method: str
    member: bool
    function: Callable[..., Any]
    response_type: Any
    options: OperationOptions
    #: Its validators: its own, or its class's (see :mod:`resourceful.conditional`).
    conditional: Conditional | None = None


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
    #: The security requirement of every operation (``@operation(security=...)``
    #: overrides): a :class:`~resourceful.security.Security` (enforced and
    #: documented), or OpenAPI requirement mappings (documented only);
    #: ``None`` leaves it to the blueprints and the app.
    security: ClassVar[Security | Sequence[Mapping[str, Sequence[str]]] | None] = None
    #: Cross-origin settings for this class's URLs, ahead of its blueprint's and
    #: the app's (a :class:`~resourceful.cors.CORS`); ``None`` leaves it to them.
    cors: ClassVar[CORS | None] = None
    #: Provider functions for this class's handlers, nearest of all (each by
    #: its return type and its name, per request; see :doc:`/dependencies`).
    providers: ClassVar[Sequence[Callable[..., Any]]] = ()
    #: The registry built from :attr:`providers` when the class was created.
    provider_registry: ClassVar[Providers] = Providers("resource 'Resource'")
    #: Further responses of every operation, by status (``@operation(responses=...)`` adds).
    responses: ClassVar[Mapping[int, Any]] = MappingProxyType({})
    #: The validators of the one representation the class serves (ETag,
    #: Last-Modified), on ``get``, ``replace``, ``update`` and ``delete``
    #: (``@operation(conditional=...)`` overrides); changing handlers then need
    #: a ``current(...)`` method. See :doc:`/http`, "Conditional requests".
    conditional: ClassVar[Conditional | None] = None

    #: The handlers found when the class was created, by name.
    handlers: ClassVar[Mapping[str, Handler]] = MappingProxyType({})

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
        handlers: dict[str, Handler] = {}
        for name, method in names.items():
            func = getattr(cls, name, None)
            if func is None or not callable(func):
                continue
            options = getattr(func, _OPTIONS_ATTRIBUTE, _NO_OPTIONS)
            handlers[name] = Handler(
                name=name,
                method=method,
                # Handlers named after HTTP methods all serve the rule as given.
                member=bool(by_method) or name in MEMBER_HANDLERS,
                function=func,
                response_type=_response_type(cls, name, func),
                options=options,
                conditional=declared_conditional(
                    cls,
                    name,
                    method,
                    bool(by_method) or name in MEMBER_HANDLERS,
                    options.conditional,
                ),
            )
        cls.handlers = ReadOnlyTable(handlers)
        check_current(cls, handlers)
        _check_misspelled(cls, names, handlers)
        registry = Providers(f"resource class {display_name(cls)}")
        for function in cls.providers:
            registry.add(function)
        cls.provider_registry = registry
