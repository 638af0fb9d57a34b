"""Functions views call: URL building, aborting, redirects, files and streaming."""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from functools import update_wrapper
from typing import IO, TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar, overload

import werkzeug.utils
from werkzeug.exceptions import NotFound
from werkzeug.exceptions import abort as _werkzeug_abort
from werkzeug.security import safe_join as _werkzeug_safe_join
from werkzeug.utils import redirect as _werkzeug_redirect

from .coroutines import iterate_async
from .globals import _cv_app, _cv_request, current_app, request
from .routing import URLsMixin

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.wrappers import Response as BaseResponse

    from .wrappers import Response

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package ``import_name``.

    Falls back to the current working directory for code without a file
    (an interactive shell, ``python -c``).
    """
    module = sys.modules.get(import_name)
    module_file = getattr(module, "__file__", None) if module is not None else None
    if module_file is not None:
        return os.path.dirname(os.path.abspath(str(module_file)))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None or spec.origin in {"namespace", "built-in"}:
        return os.getcwd()
    return os.path.dirname(os.path.abspath(spec.origin))


def _signature_of(
    method: Callable[Concatenate[Any, P], R],
) -> Callable[[Callable[..., R]], Callable[P, R]]:
    """Give the decorated function the signature of ``method`` without ``self``.

    Type checkers and :func:`inspect.signature` see ``method``'s parameters,
    so a function that forwards to the method states them in one place.
    """

    def decorate(function: Callable[..., R]) -> Callable[P, R]:
        signature = inspect.signature(method)
        parameters = list(signature.parameters.values())[1:]
        function.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        return function

    return decorate


@_signature_of(URLsMixin.url_for)
def url_for(endpoint: str, /, **options: Any) -> str:
    """Build the URL of ``endpoint`` with ``values`` for its rule's variables.

    Values the rule does not use become query arguments. A name starting with
    ``.`` is relative to the current request's blueprint. ``_external`` makes
    an absolute URL (the default outside a request), ``_scheme`` picks its
    scheme, ``_anchor`` appends a fragment and ``_method`` selects the rule
    that accepts that method. See :meth:`App.url_for`.
    """
    return current_app.url_for(endpoint, **options)


def abort(code: int | BaseResponse, *args: Any, **kwargs: Any) -> NoReturn:
    """Stop the request with the HTTP error ``code`` (or send the response given).

    ``abort(404)`` raises :class:`werkzeug.exceptions.NotFound`; a description
    can follow: ``abort(403, "Only owners may do that.")``.
    """
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.app.aborter(code, *args, **kwargs)
    _werkzeug_abort(code, *args, **kwargs)


def redirect(location: str, code: int = 302, Response: type[BaseResponse] | None = None) -> Any:
    """Return a response that redirects the client to ``location``.

    Uses the active application's :meth:`App.redirect` (and its response
    class) when there is one.
    """
    ctx = _cv_app.get(None)
    if ctx is not None and Response is None:
        return ctx.app.redirect(location, code=code)
    return _werkzeug_redirect(location, code=code, Response=Response)


def make_response(*args: Any) -> Response:
    """Turn a view's return value into a response object, to change it before returning.

    Takes what a view may return (a body, ``(body, status)``, ``(body,
    headers)``, ``(body, status, headers)``...); with no arguments it makes an
    empty response.
    """
    if not args:
        return current_app.response_class()
    value = args[0] if len(args) == 1 else args
    return current_app.make_response(value)


def safe_join(directory: str, *pathnames: str) -> str:
    """Join ``pathnames`` onto ``directory``, refusing anything that leaves it.

    Raises :class:`~werkzeug.exceptions.NotFound` for ``..`` segments, absolute
    paths, backslashes on POSIX-style separators and NUL bytes.
    """
    for name in pathnames:
        if "\x00" in name or "\\" in name:
            raise NotFound()
    joined = _werkzeug_safe_join(directory, *pathnames)
    if joined is None:
        raise NotFound()
    return joined


def send_file(
    path_or_file: os.PathLike[str] | str | IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: int | Callable[[str | None], int | None] | None = None,
) -> Response:
    """Send a file's contents as the response.

    ``path_or_file`` is a path (relative paths start at the app's root) or a
    binary file object. The mimetype is guessed from the path or from
    ``download_name``; a file object with neither needs ``mimetype``.
    ``conditional`` answers ``Range`` and ``If-*`` requests (206, 304, 416);
    ``etag`` adds an ETag (or uses the string given). ``max_age`` defaults to
    :meth:`App.get_send_file_max_age`.

    Never pass a path that came from the client: use :func:`send_from_directory`.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if max_age is None:
        max_age = app.get_send_file_max_age
    return werkzeug.utils.send_file(  # type: ignore[return-value]
        path_or_file,
        request.environ,
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        conditional=conditional,
        etag=etag,
        last_modified=last_modified,
        max_age=max_age,
        use_x_sendfile=app.config["USE_X_SENDFILE"],
        response_class=app.response_class,
        _root_path=app.root_path,
    )


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: Any
) -> Response:
    """Send ``path`` from inside ``directory``, with a 404 for anything outside it.

    Safe for paths that come from the URL: ``..``, absolute paths,
    backslashes, NUL bytes and symlinks that point out of ``directory`` are
    all refused. ``kwargs`` go to :func:`send_file`.
    """
    directory = os.fspath(directory)
    if not os.path.isabs(directory):
        directory = os.path.join(current_app.root_path, directory)
    joined = safe_join(directory, os.fspath(path))
    real_root = os.path.realpath(directory)
    real_file = os.path.realpath(joined)
    if os.path.commonpath([real_root, real_file]) != real_root or not os.path.isfile(real_file):
        raise NotFound()
    return send_file(joined, **kwargs)


@overload
def stream_with_context(generator_or_function: Iterator[T] | AsyncIterator[T]) -> Iterator[T]: ...


@overload
def stream_with_context(
    generator_or_function: Callable[..., Iterator[T] | AsyncIterator[T]],
) -> Callable[..., Iterator[T]]: ...


def stream_with_context(
    generator_or_function: Iterator[T]
    | AsyncIterator[T]
    | Callable[..., Iterator[T] | AsyncIterator[T]],
) -> Iterator[T] | Callable[..., Iterator[T]]:
    """Keep the request context active while a streamed response is produced.

    Wrap the generator a view returns (or decorate the generator function) so
    that ``request`` and ``session`` still work after the view has returned
    and the server is consuming the stream. An async generator is iterated on
    the worker thread's event loop (:func:`resourceful.coroutines.iterate_async`).
    """
    if isinstance(generator_or_function, AsyncIterator):
        generator_or_function = iterate_async(generator_or_function)
    if not isinstance(generator_or_function, Iterator):
        func = generator_or_function

        def decorated(*args: Any, **kwargs: Any) -> Iterator[T]:
            return stream_with_context(func(*args, **kwargs))

        return update_wrapper(decorated, func)

    gen = generator_or_function
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "stream_with_context() needs an active request: call it inside the view that"
            " returns the stream."
        )

    def wrapped() -> Iterator[T]:
        with ctx:
            yield None  # type: ignore[misc]  # primed below, while the view's context is active
            try:
                yield from gen
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()

    stream = wrapped()
    next(stream)
    return stream
