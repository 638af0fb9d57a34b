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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, overload

from werkzeug.datastructures import MultiDict

from ..errors import PROBLEM_MIMETYPE, ProblemDetails
from .calls import (
    NO_BODY,
    RequestParts,
    UnexpectedResponse,
    bind_arguments,
    find_operation,
    is_any,
    request_parts,
    typed_result,
)

if TYPE_CHECKING:
    from ..render import Reply
    from ..testing import TestClient, TestResponse

__all__ = ["TypedClient", "UnexpectedResponse"]

P = ParamSpec("P")
T = TypeVar("T")


class TypedClient:
    """Call handlers with typed arguments and get typed results back.

    Wraps a :class:`~resourceful.testing.TestClient`; cookies and contexts
    behave as with the client itself. Cookie parameters are stored in the
    client's cookie jar (when it has one), as a browser keeps a cookie.
    Its answers count in the response coverage report as every request the
    app serves does (see :mod:`resourceful.contract.coverage`).
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
        rule, operation = find_operation(self.app, handler)
        values = bind_arguments(operation, handler, args, kwargs)
        parts = request_parts(self.app, rule.endpoint, operation, values)
        response = self.send(parts)
        if is_any(operation.response_type) and response.mimetype != PROBLEM_MIMETYPE:
            return response
        try:
            return typed_result(
                self.app,
                operation,
                response.status_code,
                response.status,
                response.mimetype or "",
                response.get_json,
                lambda: response.get_data(as_text=True),
            )
        except UnexpectedResponse as exc:
            exc.response = response  # type: ignore[attr-defined]
            raise

    def send(self, parts: RequestParts, *, url: str | None = None) -> TestResponse:
        """Send ``parts`` through the test client (to ``url`` instead of the rule's, if given)."""
        headers = list(parts.headers)
        if parts.cookies and self.client._cookies is None:
            headers.append(("Cookie", "; ".join(f"{key}={text}" for key, text in parts.cookies)))
        else:
            # NOTE: werkzeug replaces a Cookie header with its cookie jar's; the
            # cookies go into the jar, and stay there as a browser's would.
            for key, text in parts.cookies:
                self.client.set_cookie(key, text)
        if url is None:
            with self.app.test_request_context():
                from ..helpers import url_for

                url = url_for(parts.endpoint, _method=parts.operation.method, **parts.path)
        request: dict[str, Any] = {} if parts.json is NO_BODY else {"json": parts.json}
        return self.client.open(
            url,
            method=parts.operation.method,
            query_string=MultiDict(parts.query),
            headers=headers,
            **request,
        )
