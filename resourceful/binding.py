r"""Binding: from the request to the typed arguments of a handler.

Where each parameter's value comes from follows one rule:

    A parameter named in the URL rule comes from the path; one annotated
    ``Request`` receives the request; one annotated with an attrs class (or a
    list or union of attrs classes) is the JSON body; every other parameter
    comes from the query string; wrap the annotation in ``Query[...]``,
    ``Header[...]``, ``Cookie[...]``, ``Form[...]``, ``File[...]`` or
    ``Body[...]`` to say otherwise.

``Query[Filters]``, ``Header[...]``, ``Cookie[...]`` and ``Form[...]`` of an
attrs class gather many values into one object (a *group*); a list field of
a group takes every value of a repeated key. Values are structured by the
app's converter: the strict JSON rules for the body, the text rules for
everything else (see :mod:`resourceful.convert`).

Errors: a body that is not JSON (or not a form) when one is expected is a
415; malformed JSON is a 400, and so is JSON that I-JSON (RFC 7493) refuses:
a key repeated in one object, ``NaN`` or ``Infinity``, a lone surrogate
escape (a lone ``\uD800`` to ``\uDFFF``), or nesting too deep to parse.
Everything that parses but does not validate is collected, every location
at once, into one :class:`RequestValidationError` whose status is the
``VALIDATION_ERROR_STATUS`` setting (422 by default).
Unknown JSON body fields are rejected when ``REJECT_UNKNOWN_FIELDS`` is true.

A :class:`Binder` is compiled once per operation and app; per request it
only runs the steps it prepared.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import typing
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import attrs
from cattrs.errors import StructureHandlerNotFoundError
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Request as WerkzeugRequest

from .convert import (
    FAILED,
    INPUT_ERRORS,
    Collector,
    Converter,
    InvalidData,
    TextConverter,
    attrs_fields,
    collector_of,
    is_multi_valued,
    pairs_from,
)
from .convert.typeinfo import (
    is_attrs,
    is_collection,
    is_union,
    resolve_nested,
    strip_optional,
    type_name,
    union_of,
)
from .errors import DefinitionError, FieldError, Problem, RequestValidationError
from .fields import wire_name
from .json.provider import DefaultJSONProvider
from .operation import Location, Operation, Param
from .rules import CONVERTER_TYPES, parsed_from_text
from .rules import rule_variables as rule_variables

if TYPE_CHECKING:
    from .app import App

__all__ = [
    "Binder",
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "Path",
    "Query",
    "Source",
    "params_from_signature",
]

T = TypeVar("T")


@attrs.frozen
class Source:
    """Marks where a parameter comes from, inside ``typing.Annotated``.

    The aliases below are the usual spelling; use ``Source`` directly to give
    a single parameter a wire name that differs from its Python name::

        request_id: Annotated[str, Source("header", name="X-Request-ID")]
    """

    location: Location
    name: str | None = None


#: The parameter is a path variable (the default for names in the rule).
Path = Annotated[T, Source("path")]
#: The parameter (or attrs group) comes from the query string.
Query = Annotated[T, Source("query")]
#: The parameter (or attrs group) comes from headers; ``_`` in names becomes ``-``.
Header = Annotated[T, Source("header")]
#: The parameter (or attrs group) comes from cookies.
Cookie = Annotated[T, Source("cookie")]
#: The parameter is the JSON body (the default for attrs classes).
Body = Annotated[T, Source("body")]
#: The parameter (or attrs group) comes from an urlencoded or multipart form.
Form = Annotated[T, Source("form")]
#: The parameter is an uploaded file (``FileStorage`` or a list of them).
File = Annotated[T, Source("files")]


# -- reading a handler's signature -----------------------------------------------------------


def _source_of(annotation: Any) -> tuple[Any, Source | None]:
    if typing.get_origin(annotation) is Annotated:
        inner, *extras = typing.get_args(annotation)
        for extra in extras:
            if isinstance(extra, Source):
                return inner, extra
    elif is_union(annotation):
        # ``File[list[FileStorage]] | None``: the marker sits inside the union.
        args = typing.get_args(annotation)
        for index, arg in enumerate(args):
            inner, source = _source_of(arg)
            if source is not None:
                return union_of((*args[:index], inner, *args[index + 1 :])), source
    return annotation, None


def _is_request_type(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, WerkzeugRequest)


def _is_body_type(tp: Any) -> bool:
    """Return whether ``tp`` is an attrs class, or a collection or union of them."""
    tp = strip_optional(tp)
    if is_attrs(tp):
        return True
    if is_collection(tp) or is_union(tp):
        args = [a for a in typing.get_args(tp) if a is not type(None) and a is not Ellipsis]
        return bool(args) and all(_is_body_type(a) for a in args)
    return False


def _is_file_type(tp: Any) -> bool:
    tp = strip_optional(tp)
    if typing.get_origin(tp) is list:
        (tp,) = typing.get_args(tp) or (FileStorage,)
    return isinstance(tp, type) and issubclass(tp, FileStorage)


def handler_hints(func: Callable[..., Any], qualname: str) -> dict[str, Any]:
    """Return the annotations of the handler ``func`` as types.

    Forward references are resolved, nested ones included (Python 3.10 leaves
    ``'Todo'`` inside ``list['Todo']`` as a string). A name that cannot be
    found raises :class:`DefinitionError` naming ``qualname`` and the fix.
    """
    try:
        hints = typing.get_type_hints(func, include_extras=True)
        namespace = getattr(func, "__globals__", {})
        return {key: resolve_nested(hint, namespace, {}) for key, hint in hints.items()}
    except NameError as exc:
        raise DefinitionError(
            f"{qualname}: cannot resolve its annotations ({exc}). Import or define the names"
            " it uses at module level."
        ) from exc


def params_from_signature(
    func: Callable[..., Any], qualname: str, path_variables: Mapping[str, str]
) -> tuple[Param, ...]:
    """Read a handler's parameters into :class:`Param` records.

    ``path_variables`` maps the rule's variables to their converters. Every
    mistake raises :class:`DefinitionError` naming ``qualname`` and the fix.
    """
    hints = handler_hints(func, qualname)
    signature = inspect.signature(func)
    params: list[Param] = []
    seen_path: set[str] = set()
    for index, parameter in enumerate(signature.parameters.values()):
        if index == 0 and parameter.name in ("self", "cls"):
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise DefinitionError(
                f"{qualname}: *{parameter.name} / **{parameter.name} parameters cannot be bound."
                " Declare each value as a named, annotated parameter."
            )
        if parameter.kind is parameter.POSITIONAL_ONLY:
            raise DefinitionError(
                f"{qualname}: parameter {parameter.name!r} is positional-only; handlers are"
                " called with keyword arguments. Remove the '/' from the signature."
            )
        if parameter.name not in hints:
            raise DefinitionError(
                f"{qualname}: parameter {parameter.name!r} has no annotation, so resourceful"
                f" cannot tell where it comes from or what type it is. Annotate it, for example"
                f" `{parameter.name}: str` (query), `{parameter.name}: Header[str]` or a body"
                " attrs class."
            )
        param = _param(parameter, hints[parameter.name], qualname, path_variables)
        if param.location == "path":
            seen_path.add(param.name)
        params.append(param)

    missing = [name for name in path_variables if name not in seen_path]
    if missing:
        name = missing[0]
        raise DefinitionError(
            f"{qualname}: the rule variable <{name}> has no parameter. Add a parameter"
            f" `{name}: {_suggested_type(path_variables[name])}` to the handler, or remove"
            " the variable from the rule."
        )
    bodies = [p for p in params if p.location in ("body", "form", "files")]
    kinds = {p.location for p in bodies}
    json_bodies = [p.name for p in bodies if p.location == "body"]
    if len(json_bodies) > 1:
        raise DefinitionError(
            f"{qualname}: parameters {json_bodies[0]!r} and {json_bodies[1]!r} both read the"
            " JSON body; a request has one body. Combine them into one attrs class."
        )
    if "body" in kinds and kinds & {"form", "files"}:
        raise DefinitionError(
            f"{qualname}: it reads both a JSON body and form data; a request has one body."
            " Use either Body[...] or Form[...]/File[...] parameters."
        )
    return tuple(params)


def _suggested_type(converter: str) -> str:
    return str(CONVERTER_TYPES.get(converter, (str,))[0].__name__)


def _param(
    parameter: inspect.Parameter, annotation: Any, qualname: str, path_variables: Mapping[str, str]
) -> Param:
    tp, source = _source_of(annotation)
    name = parameter.name
    required = parameter.default is inspect.Parameter.empty
    default = None if required else parameter.default
    location: Location
    if source is not None:
        location = source.location
    elif name in path_variables:
        location = "path"
    elif _is_request_type(tp):
        location = "request"
    elif _is_body_type(tp):
        location = "body"
    elif _is_file_type(tp):
        location = "files"
    else:
        location = "query"

    if location == "path":
        if name not in path_variables:
            raise DefinitionError(
                f"{qualname}: parameter {name!r} is marked Path[...] but the rule has no"
                f" <{name}> variable. Add it to the rule or read the value from elsewhere."
            )
        converter = path_variables[name]
        _check_converter(qualname, name, converter, tp)
        return Param(name, "path", tp, name, True, converter=converter)
    if name in path_variables:
        raise DefinitionError(
            f"{qualname}: parameter {name!r} is named like the rule variable <{name}> but is"
            f" marked {location}. Rename the parameter or remove the marker."
        )
    if location in ("request", "body"):
        return Param(name, location, tp, "", required, default)

    is_group = is_attrs(tp) and location in (
        "query",
        "header",
        "cookie",
        "form",
    )
    wire = source.name if source is not None and source.name else name
    if location == "header" and not (source is not None and source.name):
        wire = name.replace("_", "-")
    if is_group:
        return Param(name, location, tp, "", False, default, is_group=True)
    return Param(name, location, tp, wire, required, default)


def _check_converter(qualname: str, name: str, converter: str, tp: Any) -> None:
    allowed = CONVERTER_TYPES.get(converter)
    if allowed is not None:
        if tp not in allowed:
            wanted = allowed[0].__name__
            raise DefinitionError(
                f"{qualname}: parameter {name!r} is annotated {type_name(tp)} but the rule's"
                f" <{converter}:{name}> converter produces {wanted}. Annotate it"
                f" `{name}: {wanted}` or change the converter in the rule."
            )
        return
    if parsed_from_text(converter, tp) and tp in (int, float):
        raise DefinitionError(
            f"{qualname}: parameter {name!r} is annotated {tp.__name__} but the rule's <{name}>"
            f" variable is a string. Write <{tp.__name__}:{name}> in the rule so that"
            " non-numbers do not match."
        )


# -- compiling the binder ---------------------------------------------------------------------

Step = Callable[
    [WerkzeugRequest, Mapping[str, Any], MutableMapping[str, Any], list[FieldError]], None
]

_FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _hook(converter: Any, tp: Any, operation: Operation, param: Param, where: str) -> Any:
    try:
        return converter.get_structure_hook(tp)
    except (StructureHandlerNotFoundError, DefinitionError) as exc:
        hint = (
            " If it is the JSON body, mark it Body[...]."
            if param.location in ("query", "header", "cookie", "form")
            else ""
        )
        raise DefinitionError(
            f"{operation.qualname}: parameter {param.name!r} ({where}) has the type"
            f" {type_name(tp)}, which cannot be structured: {exc}{hint}"
        ) from exc


def _report(errors: list[FieldError], location: str, prefix: str, exc: Exception) -> None:
    errors.extend(
        FieldError(location, pointer, detail) for pointer, detail in pairs_from(exc, prefix)
    )


def _pointer(name: str) -> str:
    return "/" + name.replace("~", "~0").replace("/", "~1")


def _error_location(location: str) -> str:
    # Form fields and files are part of the body.
    return "body" if location in ("form", "files") else location


#: Where a key sent twice for a one-value field is an error. Headers are
#: joined by the server; cookies repeat legitimately (one per path), the
#: first, most specific, is used.
_SINGLE_VALUED = frozenset({"query", "form"})


def _repeated(values: list[str]) -> str:
    shown = ", ".join(json.dumps(value) for value in values[:5])
    more = ", ..." if len(values) > 5 else ""
    return f"was sent {len(values)} times ({shown}{more}); expected one value, send it once"


def _getter(location: str) -> Callable[[WerkzeugRequest], Any]:
    if location == "query":
        return lambda request: request.args
    if location == "header":
        return lambda request: request.headers
    if location == "cookie":
        return lambda request: request.cookies
    if location == "form":
        return lambda request: request.form
    return lambda request: request.files


def _require_form(request: WerkzeugRequest, operation: Operation) -> None:
    if request.mimetype not in _FORM_MIMETYPES:
        raise Problem(
            415,
            detail=(
                f"{operation.method} {operation.rule} expects a form body: send it with"
                " Content-Type: application/x-www-form-urlencoded or multipart/form-data"
                f" (got {request.mimetype or 'no Content-Type'!s})."
            ),
        )


def read_body(request: WerkzeugRequest) -> bytes:
    """Return the request body, cached on the request as ``request.get_data()`` does.

    PERF: a body with a ``Content-Length`` within ``MAX_CONTENT_LENGTH`` is
    read from ``wsgi.input`` directly, skipping werkzeug's stream wrappers.
    Anything else (a chunked body, a body already read or being streamed, a
    length over the limit, which gives the 413) takes ``get_data()``.
    """
    environ = request.environ
    length_text = environ.get("CONTENT_LENGTH")
    state = request.__dict__
    if (
        not length_text
        or not length_text.isdigit()
        or not length_text.isascii()
        or "stream" in state
        or state.get("_cached_data") is not None
        or "wsgi.input_terminated" in environ
        or environ.get("HTTP_TRANSFER_ENCODING") == "chunked"
        or request.shallow
    ):
        return request.get_data(cache=True)
    length = int(length_text)
    limit = request.max_content_length
    if limit is not None and length > limit:
        return request.get_data(cache=True)
    data = _read_exactly(environ["wsgi.input"], length) if length else b""
    state["_cached_data"] = data
    # As after get_data(): the body is cached and the stream is used up.
    state["stream"] = io.BytesIO()
    return data


def _read_exactly(stream: Any, length: int) -> bytes:
    """Read ``length`` bytes; a client that sends fewer has disconnected (400)."""
    try:
        data: bytes = stream.read(length)
        while len(data) < length:
            more = stream.read(length - len(data))
            if not more:
                raise ClientDisconnected()
            data += more
    except (OSError, ValueError) as exc:
        raise ClientDisconnected() from exc
    return data


# -- reading a JSON body ---------------------------------------------------------------------


class RefusedJSON(ValueError):
    """A body that parses as JSON but that the strict reading refuses (I-JSON, RFC 7493)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise RefusedJSON(
                    f"has the key {json.dumps(key)} twice in one object; send each key once"
                )
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise RefusedJSON(f"contains {name}, which is not a JSON number; send finite numbers only")


_TOO_DEEP = "nests arrays or objects too deeply to be read; send a flatter document"
_STRICT_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_refuse_constant)
#: A ``\\uD800``-``\\uDFFF`` escape: it may be half of a surrogate pair, or alone.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def strict_json_loads(data: bytes) -> Any:
    """Parse ``data`` as JSON the way a request body is read.

    The text is UTF-8 (UTF-16 and UTF-32 are detected, as :func:`json.loads`
    does). Besides syntax errors (:class:`json.JSONDecodeError`) and bytes
    that are not text (:class:`UnicodeDecodeError`), this raises
    :class:`RefusedJSON` for what I-JSON forbids and Python would accept: a
    repeated key (which copy wins differs between parsers), ``NaN`` and
    ``Infinity``, and a lone surrogate escape (not a character, so it cannot
    be stored or encoded). Nesting deeper than Python can parse is refused
    too, instead of failing with :class:`RecursionError`.
    """
    text = data.decode(json.detect_encoding(data))
    try:
        value = _STRICT_DECODER.decode(text)
    except RecursionError:
        raise RefusedJSON(_TOO_DEEP) from None
    if _SURROGATE_ESCAPE.search(text) is not None:
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise RefusedJSON(
                "contains a lone surrogate escape (\\ud800 to \\udfff without its pair),"
                " which is not a character; send valid Unicode text"
            ) from None
    return value


class Binder:
    """Turns a request into the keyword arguments of one operation's handler.

    Built once per operation and app: every parameter becomes a prepared step
    that reads its value and structures it with a hook fetched here, so a
    request only runs the steps. Unsupported types raise
    :class:`DefinitionError` when the binder is built.
    """

    def __init__(self, operation: Operation, app: App) -> None:
        self.operation = operation
        self._app = app
        self._config = app.config
        converter = app.converter
        self._converter = converter
        text = getattr(converter, "text", None)
        self._text: Any = text if text is not None else TextConverter()
        self._body_hooks: dict[bool, Any] = {}
        self._body_collectors: dict[bool, Collector] = {}
        self._steps: tuple[Step, ...] = tuple(self._compile(param) for param in operation.params)
        body = operation.body
        if body is not None and body.location == "body":
            # Build the hook now so that definition errors surface here.
            self._body_hook(body, reject=True)

    # -- per request ----------------------------------------------------------------------

    def bind(self, request: WerkzeugRequest, view_args: Mapping[str, Any]) -> dict[str, Any]:
        """Return the handler's keyword arguments, or raise for invalid input."""
        bound = self.try_bind(request, view_args)
        if isinstance(bound, RequestValidationError):
            raise bound
        return bound

    def try_bind(
        self, request: WerkzeugRequest, view_args: Mapping[str, Any]
    ) -> dict[str, Any] | RequestValidationError:
        """Like :meth:`bind`, but return the error for input that parses and is invalid.

        Input that cannot be parsed (400, 413, 415) still raises.
        """
        kwargs: dict[str, Any] = {}
        errors: list[FieldError] = []
        for step in self._steps:
            step(request, view_args, kwargs, errors)
        if errors:
            return RequestValidationError(errors, status=self._config["VALIDATION_ERROR_STATUS"])
        return kwargs

    # -- compilation ---------------------------------------------------------------------------

    def _compile(self, param: Param) -> Step:
        if param.location == "request":
            return self._compile_request(param)
        if param.location == "path":
            return self._compile_path(param)
        if param.location == "body":
            return self._compile_json(param)
        if param.location == "files":
            return self._compile_files(param)
        if param.is_group:
            return self._compile_group(param)
        return self._compile_single(param)

    def _body_hook(self, body: Param, *, reject: bool) -> Any:
        hook = self._body_hooks.get(reject)
        if hook is None:
            converter = self._converter
            if isinstance(converter, Converter):
                converter = converter.with_unknown_fields(reject=reject)
            hook = _hook(converter, body.type, self.operation, body, "JSON body")
            self._body_hooks[reject] = hook
        return hook

    def _body_collector(self, body: Param, *, reject: bool) -> Collector:
        collect = self._body_collectors.get(reject)
        if collect is None:
            collect = self._body_collectors[reject] = collector_of(
                self._body_hook(body, reject=reject)
            )
        return collect

    def _compile_request(self, param: Param) -> Step:
        name = param.name

        def bind_request(request: Any, view_args: Any, kwargs: Any, errors: Any) -> None:
            kwargs[name] = request

        return bind_request

    def _compile_path(self, param: Param) -> Step:
        name = param.name
        tp = param.type
        if not parsed_from_text(param.converter, tp):

            def bind_path(request: Any, view_args: Any, kwargs: Any, errors: Any) -> None:
                if name in view_args:
                    kwargs[name] = view_args[name]

            return bind_path

        hook = _hook(self._text, tp, self.operation, param, "path")
        pointer = _pointer(name)

        def parse_path(request: Any, view_args: Any, kwargs: Any, errors: Any) -> None:
            if name not in view_args:
                return
            try:
                kwargs[name] = hook(view_args[name], tp)
            except INPUT_ERRORS as exc:
                _report(errors, "path", pointer, exc)

        return parse_path

    def _compile_json(self, param: Param) -> Step:
        name = param.name
        tp = param.type
        required = param.required
        operation = self.operation
        config = self._config
        app = self._app
        # The default provider reads bodies strictly; a replaced one parses its own way.
        parser: list[Any] = [None, strict_json_loads]

        def loads(data: bytes) -> Any:
            provider = app.json
            if provider is not parser[0]:
                strict = type(provider).loads is DefaultJSONProvider.loads
                parser[:] = [provider, strict_json_loads if strict else provider.loads]
            return parser[1](data)

        def bind_json(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldError]
        ) -> None:
            data = read_body(request)
            # PERF: the usual Content-Type is recognised without parsing the header.
            if request.environ.get("CONTENT_TYPE") != "application/json" and not request.is_json:
                if not data and not required:
                    return
                raise Problem(
                    415,
                    detail=(
                        f"{operation.method} {operation.rule} expects a JSON body: send it with"
                        " Content-Type: application/json (got"
                        f" {request.mimetype or 'no Content-Type'})."
                    ),
                )
            if not data and not required:
                return
            try:
                value = loads(data)
            except RefusedJSON as exc:
                raise RequestValidationError(
                    [FieldError("body", "", str(exc))],
                    status=400,
                    detail="The request body is JSON that cannot be accepted.",
                ) from None
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                raise RequestValidationError(
                    [FieldError("body", "", f"is not valid JSON: {exc}")],
                    status=400,
                    detail="The request body is not valid JSON.",
                ) from None
            collect = self._body_collector(param, reject=bool(config["REJECT_UNKNOWN_FIELDS"]))
            found: list[tuple[str, str]] = []
            try:
                result = collect(value, tp, found)
            except RecursionError:
                raise RequestValidationError(
                    [FieldError("body", "", _TOO_DEEP)],
                    status=400,
                    detail="The request body is JSON that cannot be accepted.",
                ) from None
            if result is FAILED:
                errors.extend(FieldError("body", pointer, detail) for pointer, detail in found)
            else:
                kwargs[name] = result

        return bind_json

    def _compile_files(self, param: Param) -> Step:
        name = param.name
        wire = param.wire_name
        required = param.required
        multi = typing.get_origin(strip_optional(param.type)) is list
        pointer = _pointer(wire)
        operation = self.operation

        def bind_files(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldError]
        ) -> None:
            if request.mimetype != "multipart/form-data":
                if not required:
                    return
                _require_form(request, operation)
            files = request.files
            if multi:
                uploads = files.getlist(wire)
                if uploads:
                    kwargs[name] = uploads
                    return
            else:
                upload = files.get(wire)
                if upload is not None:
                    kwargs[name] = upload
                    return
            if required:
                errors.append(
                    FieldError(
                        "body",
                        pointer,
                        f"is required but missing; upload a file in the multipart field {wire!r}",
                    )
                )

        return bind_files

    def _compile_single(self, param: Param) -> Step:
        name = param.name
        wire = param.wire_name
        tp = param.type
        required = param.required
        location = param.location
        error_location = _error_location(location)
        pointer = _pointer(wire)
        multi = is_multi_valued(tp)
        hook = _hook(self._text, tp, self.operation, param, location)
        source = _getter(location)
        is_form = location == "form"
        single_only = location in _SINGLE_VALUED
        operation = self.operation

        def bind_single(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldError]
        ) -> None:
            if is_form and request.mimetype not in _FORM_MIMETYPES:
                if not required:
                    return
                _require_form(request, operation)
            values = source(request)
            raw: Any = values.getlist(wire) if multi or single_only else values.get(wire)
            if single_only and not multi:
                if len(raw) > 1:
                    errors.append(FieldError(error_location, pointer, _repeated(raw)))
                    return
                raw = raw[0] if raw else None
            if raw is None or (multi and not raw):
                if required:
                    errors.append(FieldError(error_location, pointer, "is required but missing"))
                return
            try:
                kwargs[name] = hook(raw, tp)
            except INPUT_ERRORS as exc:
                _report(errors, error_location, pointer, exc)

        return bind_single

    def _compile_group(self, param: Param) -> Step:
        name = param.name
        tp = param.type
        location = param.location
        error_location = _error_location(location)
        hook = _hook(self._text, tp, self.operation, param, f"{location} group")
        # The group's fields: (key on the wire, key the structure hook reads, multi-valued).
        fields: list[tuple[str, str, bool]] = []
        for attribute, ftype in attrs_fields(tp):
            wire = wire_name(attribute)
            key = wire.replace("_", "-") if location == "header" else wire
            fields.append((key, wire, is_multi_valued(ftype)))
        plan = tuple(fields)
        renamed = any(key != wire for key, wire, _ in plan)
        source = _getter(location)
        is_form = location == "form"
        single_only = location in _SINGLE_VALUED
        operation = self.operation

        def bind_group(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldError]
        ) -> None:
            if is_form and request.mimetype not in _FORM_MIMETYPES:
                _require_form(request, operation)
            values = source(request)
            data: dict[str, Any] = {}
            repeated: list[FieldError] = []
            for key, wire, multi in plan:
                if key in values:
                    if multi:
                        data[wire] = values.getlist(key)
                    elif single_only:
                        given = values.getlist(key)
                        if len(given) > 1:
                            repeated.append(
                                FieldError(error_location, _pointer(key), _repeated(given))
                            )
                        data[wire] = given[0]
                    else:
                        data[wire] = values.get(key)
            found: list[FieldError] = []
            try:
                value = hook(data, tp)
            except InvalidData as exc:
                if renamed:
                    exc = _rename_pointers(exc, plan)
                _report(found, error_location, "", exc)
            except INPUT_ERRORS as exc:
                _report(found, error_location, "", exc)
            if repeated:
                # A repeated key is reported once, not also for the value that was tried.
                errors.extend(repeated)
                blamed = {error.pointer for error in repeated}
                errors.extend(error for error in found if error.pointer not in blamed)
            elif found:
                errors.extend(found)
            else:
                kwargs[name] = value

        return bind_group


def _rename_pointers(exc: InvalidData, plan: tuple[tuple[str, str, bool], ...]) -> InvalidData:
    """Point header errors at the header names (``X-Trace-Id``), not the field names."""
    names = {"/" + wire: "/" + key for key, wire, _ in plan}
    renamed: list[tuple[str, str]] = []
    for pointer, detail in exc.pairs:
        if not pointer:
            renamed.append((pointer, detail))
            continue
        head, sep, rest = pointer[1:].partition("/")
        new = names.get("/" + head, "/" + head)
        renamed.append((new + (sep + rest if sep else ""), detail))
    return InvalidData.of(renamed)
