"""Type aliases for views, hooks and handlers, under the names Flask uses.

Annotations written against ``flask.typing`` port by changing the import::

    from resourceful.typing import ResponseReturnValue

    def index() -> ResponseReturnValue:
        return "Hello", 200, {"X-Greeting": "yes"}

The aliases describe what :meth:`resourceful.App.make_response` accepts and
what the registration decorators take. Callables may also be coroutine
functions (the ``Awaitable`` alternatives) for code that is shared with
async-capable frameworks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from werkzeug.datastructures import Headers
from werkzeug.sansio.response import Response

__all__ = [
    "AfterRequestCallable",
    "AppOrBlueprintKey",
    "BeforeRequestCallable",
    "ErrorHandlerCallable",
    "HeaderValue",
    "HeadersValue",
    "ResponseClass",
    "ResponseReturnValue",
    "ResponseValue",
    "RouteCallable",
    "ShellContextProcessorCallable",
    "TeardownCallable",
    "TemplateContextProcessorCallable",
    "TemplateFilterCallable",
    "TemplateGlobalCallable",
    "TemplateTestCallable",
    "URLDefaultCallable",
    "URLValuePreprocessorCallable",
    "WSGIApplication",
]

#: A WSGI application, which a view may return to answer the request.
WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: A response body a view may return: a response, text, bytes, JSON data
#: (a mapping or a list) or an iterator of text or bytes to stream.
ResponseValue = (
    Response | str | bytes | list[Any] | Mapping[str, Any] | Iterator[str] | Iterator[bytes]
)

#: One header's value: a string or several strings.
HeaderValue = str | list[str] | tuple[str, ...]

#: Headers a view may return beside its body.
HeadersValue = Headers | Mapping[str, HeaderValue] | Sequence[tuple[str, HeaderValue]]

#: Everything a view may return: a body, optionally with a status and/or
#: headers in a tuple, or a WSGI application.
ResponseReturnValue = (
    ResponseValue
    | tuple[ResponseValue, HeadersValue]
    | tuple[ResponseValue, int]
    | tuple[ResponseValue, int, HeadersValue]
    | WSGIApplication
)

#: The response class an after-request function receives and returns.
ResponseClass = TypeVar("ResponseClass", bound=Response)

#: The key of the hook and handler registries: ``None`` for the app, else a
#: blueprint's name.
AppOrBlueprintKey = str | None

AfterRequestCallable = (
    Callable[[ResponseClass], ResponseClass] | Callable[[ResponseClass], Awaitable[ResponseClass]]
)
BeforeRequestCallable = (
    Callable[[], ResponseReturnValue | None] | Callable[[], Awaitable[ResponseReturnValue | None]]
)
ShellContextProcessorCallable = Callable[[], dict[str, Any]]
TeardownCallable = (
    Callable[[BaseException | None], None] | Callable[[BaseException | None], Awaitable[None]]
)
TemplateContextProcessorCallable = (
    Callable[[], dict[str, Any]] | Callable[[], Awaitable[dict[str, Any]]]
)
TemplateFilterCallable = Callable[..., Any]
TemplateGlobalCallable = Callable[..., Any]
TemplateTestCallable = Callable[..., bool]
URLDefaultCallable = Callable[[str, dict[str, Any]], None]
URLValuePreprocessorCallable = Callable[[str | None, dict[str, Any] | None], None]
ErrorHandlerCallable = (
    Callable[[Any], ResponseReturnValue] | Callable[[Any], Awaitable[ResponseReturnValue]]
)
RouteCallable = Callable[..., ResponseReturnValue] | Callable[..., Awaitable[ResponseReturnValue]]
