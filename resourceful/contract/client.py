"""Call a resource's handlers through the test client, with the handler's own types.

``TypedClient(app.test_client()).call(TodoResource.get, todo_id=3)`` finds the
operation that ``TodoResource.get`` serves, builds its URL from the rule
(``url_for`` on the operation's endpoint), sends the arguments where the
handler's parameters say they come from (path, query, header, cookie, JSON
body), and returns the response body structured into the handler's declared
return type, or a :class:`~resourceful.errors.ProblemDetails` for a problem
response. The arguments are typed by the handler's signature
(:class:`typing.ParamSpec`), so a type checker rejects a wrong name or type.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, overload

from werkzeug.datastructures import MultiDict

from ..convert.typeinfo import attrs_fields
from ..errors import PROBLEM_MIMETYPE, FieldError, ProblemDetails
from ..fields import wire_name
from ..operation import Operation, Param, operations_of

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from ..render import Reply
    from ..testing import TestClient, TestResponse

__all__ = ["TypedClient", "UnexpectedResponse"]

P = ParamSpec("P")
T = TypeVar("T")


class UnexpectedResponse(AssertionError):
    """The response is neither a declared success nor a problem (an HTML 500 page...)."""

    def __init__(self, operation: Operation, response: TestResponse) -> None:
        self.operation = operation
        self.response = response
        body = response.get_data(as_text=True)
        super().__init__(
            f"{operation.method} for {operation.qualname} answered {response.status}"
            f" ({response.mimetype or 'no body'}), which is neither a declared success nor a"
            f" problem: {body[:200]!r}"
        )


class TypedClient:
    """Call handlers with typed arguments and get typed results back.

    Wraps a :class:`~resourceful.testing.TestClient`; cookies and contexts
    behave as with the client itself. Cookie parameters are stored in the
    client's cookie jar (when it has one), as a browser keeps a cookie.
    """

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.app = client.application

    @overload
    def call(
        self,
        handler: Callable[Concatenate[Any, P], Reply[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T | ProblemDetails: ...

    @overload
    def call(
        self, handler: Callable[Concatenate[Any, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T | ProblemDetails: ...

    def call(self, handler: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Send the request ``handler`` serves with these arguments; return the typed result.

        The result is the body structured into the handler's return type
        (``None`` without a body; the response itself for a handler that
        returns a ``Response``), or the :class:`ProblemDetails` of a problem
        response.
        """
        endpoint, operation = self._find(handler)
        try:
            bound = inspect.signature(handler).bind(None, *args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"Cannot call {operation.qualname}: {exc}.") from None
        values = dict(bound.arguments)
        values.pop(next(iter(values)))  # self

        path: dict[str, Any] = {}
        query: MultiDict[str, str] = MultiDict()
        headers: list[tuple[str, str]] = []
        cookies: list[tuple[str, str]] = []
        request: dict[str, Any] = {}
        for param in operation.params:
            if param.name not in values:
                continue  # Left to the handler's default.
            value = values[param.name]
            if param.location == "path":
                path[param.wire_name] = value
            elif param.location == "body":
                request["json"] = value
            elif param.location == "query":
                for key, text in self._texts(param, value):
                    query.add(key, text)
            elif param.location == "header":
                headers += self._texts(param, value)
            elif param.location == "cookie":
                cookies += self._texts(param, value)
            else:
                raise TypeError(
                    f"Cannot call {operation.qualname}: call() sends path, query, header,"
                    f" cookie and JSON body parameters, not {param.location!r} ({param.name});"
                    " use the test client's own methods for it."
                )
        if cookies and self.client._cookies is None:
            headers.append(("Cookie", "; ".join(f"{key}={text}" for key, text in cookies)))
        else:
            # NOTE: werkzeug replaces a Cookie header with its cookie jar's; the
            # cookies go into the jar, and stay there as a browser's would.
            for key, text in cookies:
                self.client.set_cookie(key, text)

        with self.app.test_request_context():
            from ..helpers import url_for

            url = url_for(endpoint, _method=operation.method, **path)
        response = self.client.open(
            url, method=operation.method, query_string=query, headers=headers, **request
        )
        return self._result(operation, response)

    def _find(self, handler: Callable[..., Any]) -> tuple[str, Operation]:
        found: list[tuple[Rule, Operation]] = []
        for rule in self.app.url_map.iter_rules():
            view = self.app.view_functions.get(rule.endpoint)
            for operation in operations_of(view).values():
                serves = getattr(operation.resource, operation.handler_name, None) is handler
                # One endpoint may have several rules (a blueprint's, defaults): one is enough.
                if serves and all(known.endpoint != rule.endpoint for known, _ in found):
                    found.append((rule, operation))
        name = getattr(handler, "__qualname__", repr(handler))
        if not found:
            raise LookupError(
                f"{name} serves no operation of app {self.app.name!r}; register its resource"
                " with app.add_resource() (or @app.resource) first."
            )
        if len(found) > 1:
            rules = ", ".join(rule.rule for rule, _ in found)
            raise LookupError(
                f"{name} serves several rules ({rules}); call() cannot tell which one to use."
            )
        rule, operation = found[0]
        return rule.endpoint, operation

    def _texts(self, param: Param, value: Any) -> Iterator[tuple[str, str]]:
        """Yield the (key, text) pairs a query, header or cookie parameter sends."""
        if not param.is_group:
            yield from ((param.wire_name, text) for text in _as_texts(self._plain(value)))
            return
        data = self._plain(value)
        for attribute, _ in attrs_fields(param.type):
            wire = wire_name(attribute)
            key = wire.replace("_", "-") if param.location == "header" else wire
            yield from ((key, text) for text in _as_texts(data.get(wire)))

    def _plain(self, value: Any) -> Any:
        return self.app.converter.unstructure(value)

    def _result(self, operation: Operation, response: TestResponse) -> Any:
        if response.mimetype == PROBLEM_MIMETYPE:
            return _problem(response.get_json())
        declared = {spec.status for spec in operation.responses if spec.status < 400}
        if response.status_code not in declared | {operation.status}:
            raise UnexpectedResponse(operation, response)
        if operation.response_type is typing.Any:
            return response
        if operation.response_type is None or response.status_code == 204:
            return None
        return self.app.converter.structure(response.get_json(), operation.response_type)


def _as_texts(value: Any) -> list[str]:
    """Return a JSON value as the texts a query, header or cookie carries (``None``: none)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text for item in value for text in _as_texts(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def _problem(body: Mapping[str, Any]) -> ProblemDetails:
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
