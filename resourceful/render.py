"""Rendering: from a handler's return value to a response.

A handler returns one of:

* a value of its declared return type (an attrs instance, a list of them,
  anything the converter can unstructure), sent as JSON with the
  operation's success status (200, 201 for ``create``, or the ``status`` given
  to ``@operation``);
* ``None``: an empty 204 response;
* a :class:`Reply` (typed: the return annotation is ``Reply[Todo]``) or a
  ``(value, status)``, ``(value, headers)`` or ``(value, status, headers)``
  tuple, read by the same rule as a function view's
  (:func:`resourceful.responses.split_return`), to choose the status or add
  headers for one response; :func:`created` builds the usual 201 with a
  ``Location`` header;
* a ``Response``, sent unchanged.

Values are unstructured by the app's converter with a hook fetched once per
operation and encoded by the app's JSON provider
(:meth:`~resourceful.json.provider.JSONProvider.response_with_status`); an
instance of the declared attrs class is written by a per-class encoder
(:func:`class_encoder`) that gives the same text in one generated step.
When response validation is on (``VALIDATE_RESPONSES``; ``None``, the
default, means on in debug and testing) the value is checked against the
declared type first, and a mismatch raises
:class:`~resourceful.errors.ResponseValidationError` naming the handler and
every wrong field.
"""

from __future__ import annotations

import itertools
import linecache
import math
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
from cattrs.fns import identity
from werkzeug.datastructures import Headers
from werkzeug.sansio.response import Response as SansIOResponse

from .convert import INPUT_ERRORS, Converter, InvalidData, TextConverter, violations_from
from .convert.converter import unstructured_members
from .convert.text_rules import as_texts
from .convert.typeinfo import is_attrs, is_multi_valued, type_name
from .errors import (
    PROBLEM_MIMETYPE,
    Problem,
    RequestValidationError,
    ResponseValidationError,
    display_name,
)
from .json.provider import DefaultJSONProvider
from .operation import Operation
from .responses import PreparedResponse, Status, apply_status_and_headers, split_return
from .wrappers import content_type

if TYPE_CHECKING:
    from .app import App
    from .wrappers import Response

__all__ = [
    "Renderer",
    "Reply",
    "created",
    "prepared_json",
    "prepared_problem",
    "validate_response",
]

T = TypeVar("T")


@attrs.frozen
class Reply(Generic[T]):
    """A handler's value together with the status and headers to send it with.

    Annotate the handler ``-> Reply[Todo]``: the response schema is ``Todo``.
    ``status=None`` keeps the operation's success status. A header the
    operation declares with ``@operation(response_headers={"X-Total": int})``
    takes a value of its type, written with the text rules (``true``/``false``,
    ISO 8601 dates, a list's items on one line, comma-separated) and checked
    against the type when responses are validated; other headers are text.
    """

    value: T
    status: int | None = None
    headers: Mapping[str, Any] = attrs.field(factory=dict)


def created(value: T, location: str, headers: Mapping[str, Any] | None = None) -> Reply[T]:
    """Return ``value`` as a 201 Created response whose ``Location`` is ``location``.

    ::

        def create(self, body: NewTodo) -> Reply[Todo]:
            todo = store.add(body)
            return created(todo, url_for("todo", todo_id=todo.id))
    """
    return Reply(value, 201, {**(headers or {}), "Location": location})


def writer_of(converter: Any) -> Any:
    """Return the converter response bodies are written with (write-only fields left out)."""
    return converter.for_responses() if isinstance(converter, Converter) else converter


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
    if cls is not None and is_attrs(cls) and not isinstance(value, cls):
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
            f" {type_name(declared)}: {problems}"
        ) from None
    except (*INPUT_ERRORS, AttributeError) as exc:
        problems = (
            "; ".join(v.detail for v in violations_from(exc))
            if not isinstance(exc, AttributeError)
            else str(exc)
        )
        raise ResponseValidationError(
            f"{qualname} returned a value that does not match its return annotation"
            f" {type_name(declared)}: {problems}"
        ) from exc


class Renderer:
    """Turns one operation's return values into responses (built once per operation and app)."""

    def __init__(self, operation: Operation, app: App) -> None:
        self.operation = operation
        self._app = app
        self._config = app.config
        self._converter = app.converter
        # Responses are written without write-only fields; validation reads them all.
        self._writer = writer_of(app.converter)
        declared = operation.response_type
        self._declared = declared
        self._declared_class = declared if isinstance(declared, type) else None
        self._unstructure: Any = (
            self._writer.get_unstructure_hook(declared) if declared is not None else None
        )
        self._status = operation.status
        self._empty_status = operation.status if declared is None else 204
        self._qualname = operation.qualname
        # Whether the success status may be sent without a response object.
        status = operation.status
        self._status_prepares = type(status) is int and _preparable(status)
        # The class the usual answer is an instance of, unless the general path
        # would read such a value another way (as a tuple, a Reply, a response).
        cls = self._declared_class
        self._usual_class = (
            cls if cls is not None and not issubclass(cls, (tuple, Reply, SansIOResponse)) else None
        )
        # The per-class encoder, with the provider encoder it was built around.
        self._class_encoder: tuple[Any, Callable[[Any], str] | None] | None = None
        # The typed headers each declared response carries: status -> lowercase name -> type.
        # The text rules declared headers are checked with (those binding reads them with).
        self._text: Any = getattr(app.converter, "text", None) or TextConverter()
        self._header_types: dict[Any, dict[str, Any]] = {
            spec.status: {name.lower(): tp for name, tp in spec.headers.items() if tp is not Any}
            for spec in operation.responses
            if spec.headers
        }

    def _validating(self) -> bool:
        validate = self._config["VALIDATE_RESPONSES"]
        if validate is None:
            return bool(self._config["DEBUG"] or self._config["TESTING"])
        return bool(validate)

    def render(
        self, rv: Any, *, prepared: bool = False
    ) -> Response | SansIOResponse | PreparedResponse:
        """Return the response for the handler's return value ``rv``.

        With ``prepared``, a JSON answer whose status and headers need nothing
        of a response object is returned as a
        :class:`~resourceful.responses.PreparedResponse` (the caller checks
        that only the app sees it: no decorator, and
        :func:`~resourceful.responses.may_answer_directly`).
        """
        if prepared and type(rv) is self._usual_class and self._status_prepares:
            # PERF: the usual answer (an instance of the declared class, the
            # operation's status, no headers) written out in one step; the
            # general path below gives the same.
            if self._validating():
                validate_response(rv, self._declared, self._converter, self.operation.qualname)
            encoded = self._encoded(rv)
            if encoded is not None:
                body = encoded[1].encode()
                return PreparedResponse(
                    self._status,
                    [("Content-Type", encoded[0]), ("Content-Length", str(len(body)))],
                    body,
                )
            return self._render(rv, prepared, validated=True)
        return self._render(rv, prepared)

    def _render(
        self, rv: Any, prepared: bool, *, validated: bool = False
    ) -> Response | SansIOResponse | PreparedResponse:
        if isinstance(rv, SansIOResponse):
            return rv
        status: Status | None = None
        headers: Any = None
        value = rv
        if isinstance(rv, Reply):
            value, status, headers = rv.value, rv.status, rv.headers
        elif isinstance(rv, tuple):
            value, status, headers = split_return(rv, self._name)
            if isinstance(value, SansIOResponse):
                return apply_status_and_headers(value, status, headers)

        if not validated and self._validating():
            validate_response(value, self._declared, self._converter, self.operation.qualname)
        if headers and self._header_types:
            sent = status or (self._status if value is not None else self._empty_status)
            declared = self._header_types.get(int(sent) if isinstance(sent, int) else sent)
            if declared:
                headers = self._typed_headers(headers, declared)

        if value is None:
            response = self._app.response_class(status=status or self._empty_status)
        else:
            status = status or self._status
            encoded = self._encoded(value)
            data = self._to_data(value) if encoded is None else None
            if prepared and type(status) is int and _preparable(status):
                answer = self._prepared(data, encoded, status, headers)
                if answer is not None:
                    return answer
            if encoded is None:
                response = self._app.json.response_with_status(data, status)
            else:
                # What response_with_status makes of the value (_encoded checked it is the default).
                response = self._app.response_class(
                    encoded[1], status=status, content_type=encoded[0]
                )
        if headers:
            response.headers.update(headers)
        return response

    def _typed_headers(self, headers: Any, declared: Mapping[str, Any]) -> Any:
        """Write the declared headers' values as text (a list's items joined with commas).

        A value that is already text is sent as it is. With response
        validation on, each text must be one a ``Header[...]`` parameter of
        the declared type would read, or :class:`ResponseValidationError`
        names the header.
        """
        validating = self._validating()
        if isinstance(headers, Mapping) and not isinstance(headers, Headers):
            written: dict[Any, Any] = {}
            for name, value in headers.items():
                texts = self._header_texts(name, value, declared, validating)
                if texts is None:
                    written[name] = value
                elif texts:
                    written[name] = ", ".join(texts)
            return written
        # A list of (name, value) pairs, or werkzeug Headers: each pair in turn.
        pairs = Headers()
        for name, value in headers.items() if isinstance(headers, Headers) else headers:
            texts = self._header_texts(name, value, declared, validating)
            if texts is None:
                pairs.add(name, value)
            elif texts:
                pairs.add(name, ", ".join(texts))
        return pairs

    def _header_texts(
        self, name: Any, value: Any, declared: Mapping[str, Any], validating: bool
    ) -> list[str] | None:
        """Return the texts of a declared header's value (``None``: not declared)."""
        tp = declared.get(name.lower()) if isinstance(name, str) else None
        if tp is None:
            return None
        texts = [value] if isinstance(value, str) else as_texts(self._writer.unstructure(value))
        if validating:
            self._check_header(name, tp, texts)
        return texts

    def _check_header(self, name: str, tp: Any, texts: list[str]) -> None:
        try:
            self._text.structure(texts if is_multi_valued(tp) else texts[0], tp)
        except (*INPUT_ERRORS, IndexError) as exc:
            detail = (
                "; ".join(v.detail for v in violations_from(exc))
                if not isinstance(exc, IndexError)
                else "is empty"
            )
            shown = repr(texts[0]) if len(texts) == 1 else repr(texts)
            raise ResponseValidationError(
                f"{self.operation.qualname} sent the header {name}: {shown}, which its declared"
                f" type {type_name(tp)} refuses: {detail}. Send a value of that type, or change"
                " the operation's response_headers."
            ) from None

    def _prepared(
        self, data: Any, encoded: tuple[str, str] | None, status: int, headers: Any
    ) -> PreparedResponse | None:
        """Return what ``response_with_status(data, status)`` plus ``headers`` would send.

        ``encoded`` is the content type and body text the per-class encoder
        gave, or ``None``. ``None`` when only a response object can say: another
        provider, or headers that werkzeug would check, merge or refuse.
        """
        extra = _plain_headers(headers) if headers else []
        if extra is None:
            return None
        provider = self._app.json
        if encoded is not None:
            mimetype, body = encoded[0], encoded[1].encode()
        else:
            made = (
                provider.encoded_response(data)
                if isinstance(provider, DefaultJSONProvider)
                else None
            )
            if made is None:
                return None
            mimetype, body = made
        return prepared_json(status, mimetype, body, extra)

    def encoded_body(self, value: Any) -> tuple[str, bytes] | None:
        """Return the content type and body :meth:`render` sends for ``value``, or ``None``.

        The value is checked as :meth:`render` checks it. ``None`` when the
        app's JSON provider changes how responses are made: only a response
        object then says what is sent. resourceful.conditional hashes this
        body for an ETag, and answers a 304 without writing out the 200.
        """
        if self._validating():
            validate_response(value, self._declared, self._converter, self.operation.qualname)
        encoded = self._encoded(value)
        if encoded is not None:
            return encoded[0], encoded[1].encode()
        provider = self._app.json
        if not isinstance(provider, DefaultJSONProvider):
            return None
        return provider.encoded_response(self._to_data(value))

    def _encoded(self, value: Any) -> tuple[str, str] | None:
        """Return the content type and JSON body text of an instance of the declared class.

        PERF: the per-class encoder unstructures and encodes in one
        generated step (:func:`class_encoder`), giving the text the app's
        provider would write for the unstructured value. ``None`` (take the
        general path) for another value, provider or setting.
        """
        cls = self._declared_class
        if cls is None or type(value) is not cls:
            return None
        provider = self._app.json
        if not isinstance(provider, DefaultJSONProvider):
            return None
        encode = provider.response_encoder()
        if encode is None:
            return None
        cached = self._class_encoder
        if cached is None or cached[0] is not encode:
            made = class_encoder(
                self._unstructure,
                encode,
                ensure_ascii=provider.ensure_ascii,
                sort_keys=provider.sort_keys,
            )
            cached = self._class_encoder = (encode, made)
        encoder = cached[1]
        if encoder is None:
            return None
        try:
            return content_type(provider.mimetype), encoder(value) + "\n"
        except (AttributeError, TypeError):
            return None  # a value of another shape (validation off): the general path says

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
        return self._writer.unstructure(value)

    def _name(self) -> str:
        return self._qualname


def _preparable(status: int) -> bool:
    """Return whether ``status`` allows a prepared answer (werkzeug changes no header of it)."""
    return 200 <= status < 600 and status not in (204, 304)


def prepared_json(
    status: int, mimetype: str, body: bytes, extra: list[tuple[str, str]]
) -> PreparedResponse:
    """Return the written-out JSON answer: ``Content-Type``, ``Content-Length``, then ``extra``."""
    return PreparedResponse(
        status, [("Content-Type", mimetype), ("Content-Length", str(len(body))), *extra], body
    )


#: Headers the response sets itself, which a handler's header would replace.
_OWN_HEADERS = frozenset({"content-type", "content-length"})


def _plain_headers(headers: Any) -> list[tuple[str, str]] | None:
    """Return a handler's extra headers as ``Headers.update`` would add them, or ``None``.

    Only a ``dict`` of text names and values, none repeated (in any case),
    none replacing the response's own, no value with a line break (werkzeug
    refuses those): anything else is left to a response object.
    """
    if type(headers) is not dict:
        return None
    extra: list[tuple[str, str]] = []
    names: set[str] = set()
    for name, value in headers.items():
        if type(name) is not str or type(value) is not str or "\n" in value or "\r" in value:
            return None
        lowered = name.lower()
        if lowered in _OWN_HEADERS or lowered in names:
            return None
        names.add(lowered)
        extra.append((name, value))
    return extra


#: The problem bodies that are the document alone (a subclass may write another).
_PROBLEM_BODIES = (Problem.get_body, RequestValidationError.get_body)


def prepared_problem(problem: Problem) -> PreparedResponse | Problem:
    """Return what the problem's response would send, or ``problem`` itself to be rendered.

    The same status, headers (``Content-Type``, ``Content-Length``) and body
    as :meth:`Problem.get_response <resourceful.errors.Problem.get_response>`;
    a problem with headers of its own, or of a subclass that changes how it
    renders, is left to render itself.
    """
    cls = type(problem)
    if (
        cls.get_response is not Problem.get_response
        or cls.get_body not in _PROBLEM_BODIES
        or cls.get_headers is not Problem.get_headers
        or problem.response is not None
        or problem.headers
    ):
        return problem
    body = problem.get_body().encode()
    return PreparedResponse(
        problem.code or 500,
        [("Content-Type", PROBLEM_MIMETYPE), ("Content-Length", str(len(body)))],
        body,
    )


_encoders_made = itertools.count(1)


def class_encoder(
    unstructure: Any, encode: Callable[[Any], str], *, ensure_ascii: bool, sort_keys: bool
) -> Callable[[Any], str] | None:
    """Generate the encoder of one attrs class: unstructure and encode in one step.

    ``unstructure`` is the class's unstructure hook and ``encode`` the
    provider's compact encoder. The generated function returns exactly
    ``encode(unstructure(value))``: the members in the order the encoder
    writes them (by key with ``sort_keys``, else in field order), each
    value unstructured by the member's own hook and written by the
    encoder's string, int, bool or float rule when it is exactly one of
    those (a list of exactly ``str`` items joined with the same quoting),
    else by ``encode``. ``None`` for a hook whose members are not
    known (:func:`~resourceful.convert.converter.unstructured_members`).
    tests/test_render_prepared.py holds it to the general path.
    """
    members = unstructured_members(unstructure)
    if members is None:
        return None
    quote = encode_basestring_ascii if ensure_ascii else encode_basestring
    ordered = sorted(members, key=lambda member: member[1]) if sort_keys else list(members)
    namespace: dict[str, Any] = {
        "_e": encode,
        "_q": quote,
        "_l": _text_list_writer(quote, encode),
        "_isfinite": math.isfinite,
    }
    lines = ["def encode_fields(obj):"]
    parts: list[str] = []
    for index, (name, key, declared, handler) in enumerate(ordered):
        local = f"v{index}"
        if handler == identity:
            lines.append(f"    {local} = obj.{name}")
            written = _written(local, declared)
        else:
            namespace[f"h{index}"] = handler
            lines.append(f"    {local} = h{index}(obj.{name})")
            written = (
                f"_q({local}) if {local}.__class__ is str"
                f" else _l({local}) if {local}.__class__ is list else _e({local})"
            )
        parts += [repr(("{" if index == 0 else ",") + quote(key) + ":"), f"({written})"]
    parts.append(repr("}" if ordered else "{}"))
    lines.append(f"    return ''.join(({', '.join(parts)},))")
    source = "\n".join(lines) + "\n"
    filename = f"<resourceful generated encoder #{next(_encoders_made)}>"
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    encoder: Callable[[Any], str] = namespace["encode_fields"]
    return encoder


def _written(local: str, declared: Any) -> str:
    """Return the expression writing a member passed through as it is (json's own rules)."""
    if declared is str:
        return f"_q({local}) if {local}.__class__ is str else _e({local})"
    if declared is int:
        return f"int.__repr__({local}) if {local}.__class__ is int else _e({local})"
    if declared is bool:
        return f"'true' if {local} is True else 'false' if {local} is False else _e({local})"
    if declared is float:
        return (
            f"float.__repr__({local}) if {local}.__class__ is float and _isfinite({local})"
            f" else _e({local})"
        )
    return f"_l({local}) if {local}.__class__ is list else _e({local})"


def _text_list_writer(quote: Callable[[str], str], encode: Callable[[Any], str]) -> Any:
    """Return ``write(values)``: a list written as ``encode`` writes it, strings alone inline.

    PERF: the encoder builds json's C encoder on every call; a list whose
    items are all strings (tags, names) is joined here instead, with the same
    quoting (json's, which also writes a ``str`` subclass as a string) and
    separators. ``quote`` refuses anything else with a ``TypeError``, and
    ``encode`` then writes the whole list.
    """

    def write(values: list[Any]) -> str:
        try:
            return "[" + ",".join(map(quote, values)) + "]"
        except TypeError:
            return encode(values)

    return write
