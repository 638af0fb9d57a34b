"""What one typed call sends and what its answer means, shared by every client.

:func:`find_operation` finds the operation a handler serves in an app,
:func:`request_parts` turns the handler's arguments into the parts of a
request (path values, query, headers, cookies, JSON body), and
:func:`typed_result` turns a status, media type and body back into the
declared type or a :class:`~resourceful.errors.ProblemDetails`. The
in-process :class:`~resourceful.contract.TypedClient` and the HTTP
:class:`~resourceful.contract.HTTPClient` differ only in how they send.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..binding.merge_patch import MergePatch
from ..convert.text_rules import as_texts
from ..convert.typeinfo import attrs_fields
from ..errors import PROBLEM_MIMETYPE, FieldError, ProblemDetails
from ..fields import wire_name
from ..operation import Operation, Param, operations_of
from ..rules import parsed_from_text

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from ..app import App

__all__ = [
    "RequestParts",
    "UnexpectedResponse",
    "find_operation",
    "problem_details",
    "request_parts",
    "typed_result",
]


class UnexpectedResponse(AssertionError):
    """The response is neither a declared success nor a problem (an HTML 500 page...)."""

    def __init__(self, operation: Operation, status: str, mimetype: str, body: str) -> None:
        self.operation = operation
        self.status = status
        self.body = body
        super().__init__(
            f"{operation.method} for {operation.qualname} answered {status}"
            f" ({mimetype or 'no body'}), which is neither a declared success nor a"
            f" problem: {body[:200]!r}"
        )


@attrs.frozen
class RequestParts:
    """The parts of the request one typed call sends."""

    operation: Operation
    endpoint: str
    #: The path variables, by name in the rule.
    path: Mapping[str, Any]
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    cookies: tuple[tuple[str, str], ...]
    #: The JSON body, ready to encode; ``NO_BODY`` when there is none.
    json: Any


#: :attr:`RequestParts.json` of a request without a body.
NO_BODY: Any = type("NoBody", (), {"__repr__": lambda self: "NO_BODY"})()


def find_operation(app: App, handler: Callable[..., Any]) -> tuple[Rule, Operation]:
    """Return the rule and the operation ``handler`` serves in ``app``.

    Raise :class:`LookupError` when it serves none or several rules.
    """
    found: list[tuple[Rule, Operation]] = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        for operation in operations_of(view).values():
            serves = getattr(operation.resource, operation.handler_name, None) is handler
            # One endpoint may have several rules (a blueprint's, defaults): one is enough.
            if serves and all(known.endpoint != rule.endpoint for known, _ in found):
                found.append((rule, operation))
    name = getattr(handler, "__qualname__", repr(handler))
    if not found:
        raise LookupError(
            f"{name} serves no operation of app {app.name!r}; register its resource"
            " with app.add_resource() (or @app.resource) first."
        )
    if len(found) > 1:
        rules = ", ".join(rule.rule for rule, _ in found)
        raise LookupError(
            f"{name} serves several rules ({rules}); call() cannot tell which one to use."
        )
    return found[0]


def bind_arguments(
    operation: Operation, handler: Callable[..., Any], args: Any, kwargs: Any
) -> dict[str, Any]:
    """Return the handler's arguments by parameter name (``self`` left out).

    Provided values come from the app's providers, not from the caller, so
    they are not parameters of a call.
    """
    provided = {param.name for param in operation.params if param.location == "provided"}
    signature = inspect.signature(handler)
    if provided:
        signature = signature.replace(
            parameters=[p for p in signature.parameters.values() if p.name not in provided]
        )
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"Cannot call {operation.qualname}: {exc}.") from None
    values = dict(bound.arguments)
    values.pop(next(iter(values)))  # self
    return values


def request_parts(
    app: App, endpoint: str, operation: Operation, values: Mapping[str, Any]
) -> RequestParts:
    """Return what a call of ``operation`` with these handler arguments sends.

    ``values`` maps parameter names to typed values; a missing name is left
    to the handler's default. Values are written with the app's converter,
    as binding reads them.
    """
    path: dict[str, Any] = {}
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    cookies: list[tuple[str, str]] = []
    body: Any = NO_BODY
    for param in operation.params:
        if param.name not in values:
            continue  # Left to the handler's default.
        value = values[param.name]
        if param.location == "path":
            # Converters that type their values (int, uuid...) write them; the
            # others match text, which binding parses back (an enum by its value).
            parsed = parsed_from_text(param.converter, param.type)
            path[param.wire_name] = (
                as_texts(app.converter.unstructure(value))[0] if parsed else value
            )
        elif param.location == "body":
            # A merge patch is sent as its document (values typed or JSON).
            sent = dict(value.document) if isinstance(value, MergePatch) else value
            body = app.converter.unstructure(sent)
        elif param.location == "query":
            query += _texts(app, param, value)
        elif param.location == "header":
            headers += _texts(app, param, value)
        elif param.location == "cookie":
            cookies += _texts(app, param, value)
        else:
            raise TypeError(
                f"Cannot call {operation.qualname}: call() sends path, query, header,"
                f" cookie and JSON body parameters, not {param.location!r} ({param.name});"
                " use the test client's own methods for it."
            )
    return RequestParts(
        operation, endpoint, path, tuple(query), tuple(headers), tuple(cookies), body
    )


def _texts(app: App, param: Param, value: Any) -> Iterator[tuple[str, str]]:
    """Yield the (key, text) pairs a query, header or cookie parameter sends."""
    data = app.converter.unstructure(value)
    if not param.is_group:
        yield from ((param.wire_name, text) for text in as_texts(data))
        return
    for attribute, _ in attrs_fields(param.type):
        wire = wire_name(attribute)
        key = wire.replace("_", "-") if param.location == "header" else wire
        yield from ((key, text) for text in as_texts(data.get(wire)))


def typed_result(
    app: App,
    operation: Operation,
    status: int,
    status_line: str,
    mimetype: str,
    read_json: Callable[[], Any],
    read_text: Callable[[], str],
) -> Any:
    """Return the typed result of an answer: the declared type, ``None`` or a problem.

    ``read_json`` and ``read_text`` read the body; raise
    :class:`UnexpectedResponse` for an answer that is neither a declared
    success nor a problem.
    """
    if mimetype == PROBLEM_MIMETYPE:
        return problem_details(read_json())
    declared = {spec.status for spec in operation.responses if spec.status < 400}
    if status not in declared | {operation.status}:
        raise UnexpectedResponse(operation, status_line, mimetype, read_text())
    if operation.response_type is None or status == 204:
        return None
    return app.converter.structure(read_json(), operation.response_type)


def declared_type(operation: Operation, status: int) -> Any:
    """Return the body type ``operation`` declares for ``status`` (``None``: no body)."""
    for spec in operation.responses:
        if spec.status == status:
            return spec.type
    return operation.response_type if status == operation.status else None


def problem_details(body: Mapping[str, Any]) -> ProblemDetails:
    """Return the :class:`ProblemDetails` of a problem+json body."""
    known = {"type", "title", "status", "detail", "instance", "errors"}
    return ProblemDetails(
        status=body["status"],
        title=body["title"],
        type=body.get("type", "about:blank"),
        detail=body.get("detail"),
        instance=body.get("instance"),
        errors=tuple(
            FieldError(error["location"], error["pointer"], error["detail"])
            for error in body.get("errors", ())
        ),
        extensions={k: v for k, v in body.items() if k not in known},
    )


def is_any(tp: Any) -> bool:
    """Return whether ``tp`` is ``typing.Any`` (a handler that returns a ``Response``)."""
    return tp is typing.Any
