"""The frozen records that describe each operation of a resource.

A resource's handlers are read once, when the class is registered, into one
:class:`Operation` per HTTP method and rule. The router (the generated URL
rules), the binder (:mod:`resourceful.binding`), the renderer
(:mod:`resourceful.render`) and the OpenAPI generator all read these records;
nothing is inspected again while serving requests.

The OpenAPI generator finds them from the URL map, with :func:`operations_of`::

    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method, operation in operations_of(view).items():
            ...  # rule.rule is the final rule, blueprint prefixes included
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import attrs
from werkzeug.http import HTTP_STATUS_CODES

from .errors import display_name

_K = TypeVar("_K")
_V = TypeVar("_V")


class ReadOnlyTable(dict[_K, _V]):
    """A table built once (handlers, operations): reads as a dict, refuses changes.

    PERF: one object for the collector to walk, where a ``MappingProxyType``
    over a dict is two (one table per rule and per resource class). Copying
    and pickling give a table of the same entries.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"{type(self).__name__} is read-only: it was built when the class was defined or"
            " registered. Copy it with dict(...) to change the copy."
        )

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))


#: Where a handler parameter's value comes from.
Location = Literal[
    "path", "query", "header", "cookie", "body", "form", "files", "request", "provided"
]

#: The locations whose parameters OpenAPI lists under ``parameters``.
PARAMETER_LOCATIONS: tuple[str, ...] = ("path", "query", "header", "cookie")


@attrs.frozen
class Param:
    """One handler parameter and where its value comes from.

    For a *group* (``is_group``) the type is an attrs class whose fields are
    the individual query, header, cookie or form values; otherwise
    ``wire_name`` is the key on the wire (the query key, header name, cookie
    name, form field or path variable). The JSON body has location ``body``
    and an empty ``wire_name``. A *provided* parameter (``Provided[T]``) is
    not read from the request: its ``wire_name`` is the provider's name it
    asks for, empty when it asks by type.
    """

    name: str
    location: Location
    type: Any
    wire_name: str
    required: bool
    #: The handler's default when the value is absent (meaningless when ``required``).
    default: Any = None
    is_group: bool = False
    #: For a path parameter: the werkzeug converter named in the rule.
    converter: str | None = None


@attrs.frozen
class ResponseSpec:
    """A response an operation declares: its status and body type.

    ``type`` is ``None`` when the response has no body (204, or a handler
    annotated ``-> None``).
    """

    status: int
    type: Any
    description: str
    media_type: str | None = "application/json"
    #: Headers the response carries, by name, with the type of their value.
    headers: Mapping[str, Any] = attrs.field(factory=dict)
    #: Example bodies, by name (values of ``type``).
    examples: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class OperationOptions:
    """What ``@operation(...)`` declares on a handler (all optional)."""

    status: int | None = None
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] | None = None
    deprecated: bool | None = None
    operation_id: str | None = None
    security: tuple[Mapping[str, tuple[str, ...]], ...] | None = None
    #: An enforced requirement (a ``resourceful.security.Security``), when one is given.
    requirement: Any = None
    decorators: tuple[Callable[..., Any], ...] = ()
    #: Media type of the response when the handler returns a ``Response``
    #: itself (for OpenAPI); ``None`` keeps JSON.
    response_media_type: str | None = None
    #: Further responses the handler can give, by status: a type (its body),
    #: ``None`` (no body), or a ``Problem`` class (problem details).
    responses: Mapping[int, Any] = attrs.field(factory=dict)
    #: Headers the success response carries, by name, with the type of their value.
    response_headers: Mapping[str, Any] = attrs.field(factory=dict)
    #: Example request bodies and success bodies, by name (for OpenAPI).
    request_examples: Mapping[str, Any] = attrs.field(factory=dict)
    response_examples: Mapping[str, Any] = attrs.field(factory=dict)
    #: The validators (a ``resourceful.conditional.Conditional``), ``False`` for
    #: none, ``None`` for the class's.
    conditional: Any = None


@attrs.frozen
class Operation:
    """Everything known about one operation: a method on a rule, handled by one method.

    ``rule`` is the rule as declared on the resource, before any blueprint
    prefix; the final rule is the werkzeug ``Rule`` the operation is
    registered under.
    """

    method: str
    rule: str
    endpoint: str
    handler_name: str
    #: The resource class that defines the handler.
    resource: type[Any]
    params: tuple[Param, ...]
    #: The declared return type without ``Reply[...]``; ``None`` for no body,
    #: ``typing.Any`` for a handler annotated ``-> Response`` (any body).
    response_type: Any
    #: The status of a successful response when the handler does not choose one.
    status: int
    responses: tuple[ResponseSpec, ...]
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    deprecated: bool = False
    operation_id: str | None = None
    #: Documented-only OpenAPI security requirements (the mapping form of
    #: ``security=``); ``None`` means the document's default.
    security: tuple[Mapping[str, tuple[str, ...]], ...] | None = None
    #: The enforced requirement (a ``resourceful.security.Security``): as
    #: declared on the operation or its class in the records a class plans,
    #: and resolved along the blueprints and the app in the records an app
    #: serves (:func:`operations_of` with the app). ``None``: none applies.
    requirement: Any = None
    decorators: tuple[Callable[..., Any], ...] = ()
    #: Example request bodies, by name (values of the body's type).
    request_examples: Mapping[str, Any] = attrs.field(factory=dict)
    #: How its representation is validated (a ``resourceful.conditional.Conditional``:
    #: ETag, Last-Modified, preconditions); ``None``: no validators.
    conditional: Any = None

    @property
    def qualname(self) -> str:
        """``Resource.handler``, as used in error messages."""
        return f"{display_name(self.resource)}.{self.handler_name}"

    @property
    def body(self) -> Param | None:
        """The parameter filled from the request body (JSON, form or files), if any."""
        for param in self.params:
            if param.location in ("body", "form", "files"):
                return param
        return None

    def params_in(self, *locations: str) -> tuple[Param, ...]:
        """Return the parameters whose location is one of ``locations``."""
        return tuple(param for param in self.params if param.location in locations)


def response_specs(
    status: int,
    response_type: Any,
    media_type: str | None = None,
    headers: Mapping[str, Any] | None = None,
    examples: Mapping[str, Any] | None = None,
) -> tuple[ResponseSpec, ...]:
    """Return the success response an operation declares.

    ``media_type`` is the body's media type; ``None`` means JSON.
    ``headers`` maps the names of the headers it carries to their types.
    """
    if response_type is None:
        return (
            ResponseSpec(
                status=status,
                type=None,
                description="No content.",
                media_type=None,
                headers=dict(headers or {}),
                # Kept so that registration can refuse them (no body to show them for).
                examples=dict(examples or {}),
            ),
        )
    return (
        ResponseSpec(
            status=status,
            type=response_type,
            description="Success.",
            media_type=media_type or "application/json",
            headers=dict(headers or {}),
            examples=dict(examples or {}),
        ),
    )


def declared_responses(declared: Mapping[int, Any]) -> tuple[ResponseSpec, ...]:
    """Return the responses an operation declares besides its success, by status."""
    specs = []
    for status, tp in sorted(declared.items()):
        # A user class's own docstring (not one it inherits) says when it is sent.
        own = isinstance(tp, type) and not tp.__module__.startswith("resourceful.")
        doc = tp.__dict__.get("__doc__") if own else None
        summary = doc.strip().partition("\n")[0] if isinstance(doc, str) else ""
        description = summary or HTTP_STATUS_CODES.get(status, "Response") + "."
        specs.append(
            ResponseSpec(
                status=status,
                type=tp,
                description=description,
                media_type=None if tp is None else "application/json",
            )
        )
    return tuple(specs)


def frozen_security(
    security: Sequence[Mapping[str, Sequence[str]]] | None,
) -> tuple[Mapping[str, tuple[str, ...]], ...] | None:
    """Return security requirements as immutable tuples (``None`` stays ``None``)."""
    if security is None:
        return None
    return tuple({name: tuple(scopes) for name, scopes in item.items()} for item in security)


class OperationsView:
    """The base of a view function that serves operations (a resource's rule).

    :func:`operations_of` recognises a view by this class, not by its attributes.
    """

    #: The view's operations by HTTP method, as declared.
    operations: Mapping[str, Operation]

    def operations_on(self, app: Any) -> Mapping[str, Operation]:
        """Return the operations as ``app`` serves them (providers' parameters, security)."""
        return self.operations


_NO_OPERATIONS: Mapping[str, Operation] = MappingProxyType({})


def operations_of(view: object, app: Any = None) -> Mapping[str, Operation]:
    """Return the operations ``view`` serves by HTTP method; empty for a plain view function.

    With ``app``, the records as that app serves them: with the parameters of
    the providers they use and the security requirement resolved along the
    blueprints and the app. Binding and the OpenAPI document read these.
    """
    if isinstance(view, OperationsView):
        return view.operations if app is None else view.operations_on(app)
    return _NO_OPERATIONS
