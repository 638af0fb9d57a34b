"""The compiled binder: from a request to a handler's keyword arguments (request time).

A :class:`Binder` is compiled once per operation and app from the
operation's parameter records; per request it only runs the steps it
prepared.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from cattrs.errors import StructureHandlerNotFoundError
from werkzeug.wrappers import Request as WerkzeugRequest

from ..convert import (
    FAILED,
    INPUT_ERRORS,
    CappedList,
    Collector,
    Converter,
    InvalidData,
    TextConverter,
    attrs_fields,
    collector_of,
    is_multi_valued,
    pairs_from,
)
from ..convert.text_rules import list_items, unreadable_cookie
from ..convert.typeinfo import strip_optional, type_name
from ..errors import DefinitionError, FieldProblem, Problem, RequestValidationError
from ..fields import field_info, wire_name
from ..operation import Operation, Param
from ..rules import parsed_from_text
from ..wrappers import Request
from .body import BodyParser, read_body, read_json_from_environ, too_deep
from .merge_patch import compile_merge_patch, is_merge_patch

if TYPE_CHECKING:
    from ..app import App
    from ..ctx import RequestContext

__all__ = ["Binder"]

Step = Callable[
    [WerkzeugRequest, Mapping[str, Any], MutableMapping[str, Any], list[FieldProblem]], None
]

_FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _hook(converter: Any, tp: Any, operation: Operation, param: Param, where: str) -> Any:
    try:
        hook = converter.get_structure_hook(tp)
        collector_of(hook)  # built now, not on the first request
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
    return hook


def _report(errors: list[FieldProblem], location: str, prefix: str, exc: Exception) -> None:
    errors.extend([(location, pointer, detail) for pointer, detail in pairs_from(exc, prefix)])


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
                f"{request.method} {request.path} expects a form body: send it with"
                " Content-Type: application/x-www-form-urlencoded or multipart/form-data"
                f" (got {request.mimetype or 'no Content-Type'!s})."
            ),
        )


class Binder:
    """Turns a request into the keyword arguments of one operation's handler.

    Built once per operation and app: every parameter becomes a prepared step
    that reads its value and structures it with a hook fetched here, so a
    request only runs the steps. Unsupported types raise
    :class:`DefinitionError` when the binder is built.

    PERF: a binder is kept for the app's lifetime, and every object it keeps
    is walked by each full collection of the garbage collector while an app
    of many operations is being set up. So the two commonest parameters take
    no step of their own: path variables the rule's converter already typed
    are copied by name (a tuple of strings, which the collector does not
    track), and the JSON body is read by the binder's own methods, from its
    attributes, rather than by closures with a cell per captured name.
    """

    def __init__(self, operation: Operation, app: App) -> None:
        self.operation = operation
        self._app = app
        self._config = app.config
        converter = app.converter
        self._converter = converter
        text = getattr(converter, "text", None)
        self._text: Any = text if text is not None else TextConverter()
        # Provided values are not read from the request: the operation's plan supplies them.
        params = [param for param in operation.params if param.location != "provided"]
        #: The path variables passed on as the rule's converter gave them.
        self._copied: tuple[str, ...] = tuple(
            param.name
            for param in params
            if param.location == "path" and not parsed_from_text(param.converter, param.type)
        )
        copied = set(self._copied)
        params = [param for param in params if param.name not in copied]
        body = operation.body
        self._json: Param | None = None
        if body is not None and body.location == "body" and not is_merge_patch(body.type):
            self._json = body
            self._parser = BodyParser()
        self._steps: tuple[Step, ...] = tuple(self._compile(param) for param in params)
        if self._json is not None:
            # The collectors of the JSON body, refusing or ignoring unknown fields;
            # made now (definition errors surface here) or when a request needs it.
            self._collect_ignoring: Collector | None = None
            self._collect_rejecting: Collector = self._body_collector(reject=True)
        #: PERF: the steps when nothing but the path and a JSON body is read: they
        #: take the body's bytes, read from the environ, and no request object is made.
        self._environ_steps: tuple[Callable[..., None], ...] | None = None
        if all(_environ_only(param) for param in params):
            self._environ_steps = tuple(
                self._bind_data if param is self._json else step
                for param, step in zip(params, self._steps, strict=True)
            )

    # -- per request ----------------------------------------------------------------------

    def bind(
        self, ctx: RequestContext, view_args: Mapping[str, Any]
    ) -> dict[str, Any] | RequestValidationError:
        """Return what :meth:`try_bind` returns for the request of ``ctx``.

        PERF: an operation that reads only its path and a JSON body sent with a
        plain ``Content-Length`` is bound from the environ, without the request
        object; anything else (or a request object already made, which may have
        read the body or changed its limit) takes :meth:`try_bind`.
        """
        steps = self._environ_steps
        if steps is not None and ctx._request is None and self._app.request_class is Request:
            if self._json is None:
                return self._run(steps, None, view_args)
            data = read_json_from_environ(ctx.environ, self._config["MAX_CONTENT_LENGTH"])
            if data is not None:
                return self._run(steps, data, view_args)
        return self._run(self._steps, ctx.request, view_args)

    def try_bind(
        self, request: WerkzeugRequest, view_args: Mapping[str, Any]
    ) -> dict[str, Any] | RequestValidationError:
        """Return the handler's keyword arguments, or the error for input that is invalid.

        The error is returned, not raised, for input that parses but does not
        validate; input that cannot be parsed (400, 413, 415) raises.
        """
        return self._run(self._steps, request, view_args)

    def _run(
        self, steps: tuple[Callable[..., None], ...], source: Any, view_args: Mapping[str, Any]
    ) -> dict[str, Any] | RequestValidationError:
        """Run ``steps`` on ``source`` (the request, or the body for the environ steps)."""
        kwargs: dict[str, Any] = {}
        for name in self._copied:
            if name in view_args:
                kwargs[name] = view_args[name]
        errors: CappedList[FieldProblem] = CappedList(self._config["MAX_VALIDATION_ERRORS"])
        for step in steps:
            step(source, view_args, kwargs, errors)
        if errors or errors.omitted:
            errors.trim()
            return RequestValidationError.collected(
                errors, status=self._config["VALIDATION_ERROR_STATUS"], omitted=errors.omitted
            )
        return kwargs

    def _bind_data(
        self, data: bytes, view_args: Any, kwargs: Any, errors: list[FieldProblem]
    ) -> None:
        """Structure the JSON body ``data`` into the body parameter (an environ step)."""
        body = self._json
        assert body is not None
        if not data and not body.required:
            return
        value = self._parser.parse(self._app.json, data)
        config = self._config
        if config["REJECT_UNKNOWN_FIELDS"]:
            collect = self._collect_rejecting
        else:
            ignoring = self._collect_ignoring
            if ignoring is None:  # the setting was changed after registration
                ignoring = self._collect_ignoring = self._body_collector(reject=False)
            collect = ignoring
        found: CappedList[tuple[str, str]] = CappedList(config["MAX_VALIDATION_ERRORS"])
        try:
            result = collect(value, body.type, found)
        except RecursionError:
            raise too_deep() from None
        if result is FAILED:
            found.trim()
            errors.extend([("body", pointer, detail) for pointer, detail in found])
            if isinstance(errors, CappedList):
                errors.omit(found.omitted)
        else:
            kwargs[body.name] = result

    def _bind_json(
        self, request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldProblem]
    ) -> None:
        """Read the JSON body of ``request`` into the body parameter (a request step)."""
        data = read_body(request)
        # PERF: the usual Content-Type is recognised without parsing the header.
        if request.environ.get("CONTENT_TYPE") != "application/json" and not request.is_json:
            assert self._json is not None
            if not data and not self._json.required:
                return
            raise Problem(
                415,
                detail=(
                    f"{request.method} {request.path} expects a JSON body: send it with"
                    " Content-Type: application/json (got"
                    f" {request.mimetype or 'no Content-Type'})."
                ),
            )
        self._bind_data(data, view_args, kwargs, errors)

    # -- compilation ---------------------------------------------------------------------------

    def _compile(self, param: Param) -> Step:
        if param.location == "request":
            return self._compile_request(param)
        if param.location == "path":
            return self._compile_path(param)
        if param.location == "body":
            if param is self._json:
                return self._bind_json
            return compile_merge_patch(self.operation, param, self._app)
        if param.location == "files":
            return self._compile_files(param)
        if param.is_group:
            return self._compile_group(param)
        return self._compile_single(param)

    def _body_collector(self, *, reject: bool) -> Collector:
        """Return the JSON body's collector, refusing unknown fields or ignoring them."""
        body = self._json
        assert body is not None
        converter = self._converter
        if isinstance(converter, Converter):
            converter = converter.for_requests(reject_unknown=reject)
        return collector_of(_hook(converter, body.type, self.operation, body, "JSON body"))

    def _compile_request(self, param: Param) -> Step:
        name = param.name

        def bind_request(request: Any, view_args: Any, kwargs: Any, errors: Any) -> None:
            kwargs[name] = request

        return bind_request

    def _compile_path(self, param: Param) -> Step:
        # Only a variable the rule's converter does not type gets here (see _copied).
        name = param.name
        tp = param.type
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

    def _compile_files(self, param: Param) -> Step:
        name = param.name
        wire = param.wire_name
        required = param.required
        multi = typing.get_origin(strip_optional(param.type)) is list
        pointer = _pointer(wire)
        operation = self.operation

        def bind_files(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldProblem]
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
                    (
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
        is_cookie = location == "cookie"
        is_header = location == "header"
        single_only = location in _SINGLE_VALUED
        operation = self.operation

        def bind_single(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldProblem]
        ) -> None:
            if is_form and request.mimetype not in _FORM_MIMETYPES:
                if not required:
                    return
                _require_form(request, operation)
            values = source(request)
            raw: Any = values.getlist(wire) if multi or single_only else values.get(wire)
            if multi and is_header:
                raw = list_items(raw)
            if single_only and not multi:
                if len(raw) > 1:
                    errors.append((error_location, pointer, _repeated(raw)))
                    return
                raw = raw[0] if raw else None
            if raw is None or (multi and not raw):
                unreadable = is_cookie and unreadable_cookie(request.headers.get("Cookie"), wire)
                if unreadable:
                    errors.append(("cookie", pointer, unreadable))
                elif required:
                    errors.append((error_location, pointer, "is required but missing"))
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
            if field_info(attribute).read_only:
                # Only a form can get here (_check_groups refuses the others): a
                # client does not set a read-only field, so it keeps its default,
                # as an unknown form field is ignored.
                continue
            wire = wire_name(attribute)
            key = wire.replace("_", "-") if location == "header" else wire
            fields.append((key, wire, is_multi_valued(ftype)))
        plan = tuple(fields)
        renamed = any(key != wire for key, wire, _ in plan)
        source = _getter(location)
        is_form = location == "form"
        is_cookie = location == "cookie"
        is_header = location == "header"
        single_only = location in _SINGLE_VALUED
        operation = self.operation

        def bind_group(
            request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldProblem]
        ) -> None:
            if is_form and request.mimetype not in _FORM_MIMETYPES:
                _require_form(request, operation)
            values = source(request)
            data: dict[str, Any] = {}
            repeated: list[FieldProblem] = []
            for key, wire, multi in plan:
                if key in values:
                    if multi:
                        given = values.getlist(key)
                        data[wire] = list_items(given) if is_header else given
                    elif single_only:
                        given = values.getlist(key)
                        if len(given) > 1:
                            repeated.append((error_location, _pointer(key), _repeated(given)))
                        data[wire] = given[0]
                    else:
                        data[wire] = values.get(key)
                elif is_cookie and (why := unreadable_cookie(request.headers.get("Cookie"), key)):
                    repeated.append(("cookie", _pointer(key), why))
            found: list[FieldProblem] = []
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
                blamed = {pointer for _, pointer, _ in repeated}
                errors.extend([error for error in found if error[1] not in blamed])
            elif found:
                errors.extend(found)
            else:
                kwargs[name] = value

        return bind_group


def _environ_only(param: Param) -> bool:
    """Return whether ``param`` is read from the path or is a JSON body (see Binder.bind)."""
    if param.location == "body":
        return not is_merge_patch(param.type)
    return param.location == "path"


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
