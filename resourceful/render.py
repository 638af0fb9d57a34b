"""Rendering: from a handler's return value to a response.

A handler returns one of:

* a value of its declared return type (an attrs instance, a list of them,
  anything the converter can unstructure), sent as JSON with the
  operation's success status (200, 201 for ``create``, or the ``status`` given
  to ``@operation``);
* ``None``: an empty 204 response;
* a :class:`Reply` (typed: the return annotation is ``Reply[Todo]``) or a
  plain ``(value, status)`` / ``(value, status, headers)`` tuple, to choose
  the status or add headers for one response; :func:`created` builds the
  usual 201 with a ``Location`` header;
* a ``Response``, sent unchanged.

Values are unstructured by the app's converter with a hook fetched once per
operation and encoded by the app's JSON provider. When response validation is
on (``VALIDATE_RESPONSES``; ``None``, the default, means on in debug and
testing) the value is checked against the declared type first, and a
mismatch raises :class:`~resourceful.errors.ResponseValidationError` naming
the handler and every wrong field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs
from werkzeug.datastructures import Headers
from werkzeug.sansio.response import Response as SansIOResponse
from werkzeug.utils import get_content_type

from .convert import INPUT_ERRORS, InvalidData, violations_from
from .errors import ResponseValidationError, display_name, type_name
from .json.provider import DefaultJSONProvider
from .operation import Operation

if TYPE_CHECKING:
    from .app import App
    from .wrappers import Response

__all__ = ["Renderer", "Reply", "created", "validate_response"]

T = TypeVar("T")


@attrs.frozen
class Reply(Generic[T]):
    """A handler's value together with the status and headers to send it with.

    Annotate the handler ``-> Reply[Todo]``: the response schema is ``Todo``.
    ``status=None`` keeps the operation's success status.
    """

    value: T
    status: int | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)


def created(value: T, location: str, headers: Mapping[str, str] | None = None) -> Reply[T]:
    """Return ``value`` as a 201 Created response whose ``Location`` is ``location``.

    ::

        def create(self, body: NewTodo) -> Reply[Todo]:
            todo = store.add(body)
            return created(todo, url_for("todo", todo_id=todo.id))
    """
    return Reply(value, 201, {**(headers or {}), "Location": location})


def validate_response(value: Any, declared: Any, converter: Any, qualname: str) -> None:
    """Raise :class:`ResponseValidationError` if ``value`` does not match ``declared``.

    The value is unstructured and structured back into ``declared`` with the
    strict JSON rules, so every field is checked the way a client would read it.
    """
    if declared is None:
        if value is not None:
            raise ResponseValidationError(
                f"{qualname} is declared to return no content (-> None) but returned"
                f" {type(value).__name__}. Return None, or change the return annotation."
            )
        return
    cls = declared if isinstance(declared, type) else None
    if cls is not None and attrs.has(cls) and not isinstance(value, cls):
        raise ResponseValidationError(
            f"{qualname} returned {type(value).__name__}, but its return annotation says"
            f" {display_name(cls)}. Return a {display_name(cls)} instance or change the annotation."
        )
    try:
        data = converter.unstructure(value)
        converter.structure(data, declared)
    except InvalidData as exc:
        problems = "; ".join(f"{v.pointer or '/'}: {v.detail}" for v in exc.violations)
        raise ResponseValidationError(
            f"{qualname} returned a value that does not match its return annotation"
            f" {_type_name(declared)}: {problems}"
        ) from None
    except (*INPUT_ERRORS, AttributeError) as exc:
        problems = (
            "; ".join(v.detail for v in violations_from(exc))
            if not isinstance(exc, AttributeError)
            else str(exc)
        )
        raise ResponseValidationError(
            f"{qualname} returned a value that does not match its return annotation"
            f" {_type_name(declared)}: {problems}"
        ) from exc


_type_name = type_name


def _is_plain_provider(cls: type) -> bool:
    """Return whether ``cls`` builds responses as the default provider does (compact JSON)."""
    return (
        issubclass(cls, DefaultJSONProvider)
        and cls.response is DefaultJSONProvider.response
        and cls.dumps is DefaultJSONProvider.dumps
    )


def _compact_encoder(provider: DefaultJSONProvider) -> tuple[Callable[[Any], str], str]:
    """Return the compact ``encode`` of ``provider``'s settings and its content type."""
    encoder = json.JSONEncoder(
        separators=(",", ":"),
        default=provider.default,
        ensure_ascii=provider.ensure_ascii,
        sort_keys=provider.sort_keys,
    )
    return encoder.encode, get_content_type(provider.mimetype, "utf-8")


class Renderer:
    """Turns one operation's return values into responses (built once per operation and app)."""

    def __init__(self, operation: Operation, app: App) -> None:
        self.operation = operation
        self._app = app
        self._config = app.config
        self._converter = app.converter
        declared = operation.response_type
        self._declared = declared
        self._declared_class = declared if isinstance(declared, type) else None
        self._unstructure: Any = (
            app.converter.get_unstructure_hook(declared) if declared is not None else None
        )
        self._status = operation.status
        self._empty_status = operation.status if declared is None else 204
        self._plain: tuple[Any, bool] | None = None
        self._encoder: tuple[Any, tuple[Any, ...], Callable[[Any], str], str] | None = None

    def _validating(self) -> bool:
        validate = self._config["VALIDATE_RESPONSES"]
        if validate is None:
            return bool(self._config["DEBUG"] or self._config["TESTING"])
        return bool(validate)

    def render(self, rv: Any) -> Response | SansIOResponse:
        """Return the response for the handler's return value ``rv``."""
        if isinstance(rv, SansIOResponse):
            return rv
        status: int | None = None
        headers: Any = None
        value = rv
        if isinstance(rv, Reply):
            value, status, headers = rv.value, rv.status, rv.headers
        elif isinstance(rv, tuple):
            value, status, headers = self._unpack(rv)
            if isinstance(value, SansIOResponse):
                return self._amend(value, status, headers)

        if self._validating():
            validate_response(value, self._declared, self._converter, self.operation.qualname)

        if value is None:
            response = self._app.response_class(status=status or self._empty_status)
        else:
            response = self._json_response(self._to_data(value), status or self._status)
        if headers:
            response.headers.update(headers)
        return response

    def _json_response(self, data: Any, status: int) -> Response:
        """Encode ``data`` with the app's JSON provider into a response with ``status``."""
        provider = self._app.json
        plain = self._plain
        if plain is None or plain[0] is not provider:
            plain = self._plain = (provider, _is_plain_provider(type(provider)))
        if plain[1]:
            provider = cast("DefaultJSONProvider", provider)
            compact = provider.compact
            if compact if compact is not None else not self._app.debug:
                # PERF: the encoder and the content type are built once per
                # provider and settings, not per call as json.dumps(obj, **options).
                settings = (provider.ensure_ascii, provider.sort_keys, provider.mimetype)
                cached = self._encoder
                if cached is None or cached[0] is not provider or cached[1] != settings:
                    cached = self._encoder = (provider, settings, *_compact_encoder(provider))
                body = cached[2](data) + "\n"
                return self._app.response_class(body, status=status, content_type=cached[3])
        response = provider.response(data)
        response.status_code = status
        return response

    def _to_data(self, value: Any) -> Any:
        hook = self._unstructure
        if hook is not None and (
            self._declared_class is None or type(value) is self._declared_class
        ):
            try:
                return hook(value)
            except (AttributeError, TypeError):
                # NOTE: a value of another shape than declared (validation off):
                # fall back to unstructuring by its runtime type.
                pass
        return self._converter.unstructure(value)

    def _unpack(self, rv: tuple[Any, ...]) -> tuple[Any, int | None, Any]:
        if len(rv) == 3:
            return rv[0], rv[1], rv[2]
        if len(rv) == 2:
            if isinstance(rv[1], (Mapping, Headers, list)):
                return rv[0], None, rv[1]
            return rv[0], rv[1], None
        raise TypeError(
            f"{self.operation.qualname} returned a tuple of {len(rv)} items; return (value,"
            " status), (value, status, headers) or a Reply."
        )

    @staticmethod
    def _amend(response: SansIOResponse, status: int | None, headers: Any) -> SansIOResponse:
        if status is not None:
            response.status_code = status
        if headers:
            response.headers.update(headers)
        return response
