"""Reading a handler's signature into parameter records (definition time).

Where each parameter's value comes from follows the rule stated in
:mod:`resourceful.binding`. Every mistake raises
:class:`~resourceful.errors.DefinitionError` naming the handler and the fix.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Request as WerkzeugRequest

from ..convert.typeinfo import (
    attrs_fields,
    holds_attrs_class,
    is_attrs,
    is_collection,
    is_union,
    resolve_nested,
    strip_optional,
    type_name,
    union_of,
)
from ..errors import DefinitionError
from ..fields import field_info, wire_name
from ..operation import Location, Param
from ..providers import Provide
from ..rules import CONVERTER_TYPES, parsed_from_text
from .markers import Source
from .merge_patch import is_merge_patch

__all__ = ["handler_hints", "params_from_signature"]


def _source_of(annotation: Any) -> tuple[Any, Source | Provide | None]:
    if typing.get_origin(annotation) is Annotated:
        inner, *extras = typing.get_args(annotation)
        for extra in extras:
            if isinstance(extra, (Source, Provide)):
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
    if is_attrs(tp) or is_merge_patch(tp):
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
    func: Callable[..., Any],
    qualname: str,
    path_variables: Mapping[str, str],
    *,
    every_path_variable: bool = True,
    skip: int = 0,
) -> tuple[Param, ...]:
    """Read a handler's parameters into :class:`Param` records.

    ``path_variables`` maps the rule's variables to their converters. Every
    mistake raises :class:`DefinitionError` naming ``qualname`` and the fix.
    A provider reads only the path variables it names
    (``every_path_variable=False``); a verify function skips its first
    ``skip`` parameters (the credentials).
    """
    hints = handler_hints(func, qualname)
    signature = inspect.signature(func)
    params: list[Param] = []
    seen_path: set[str] = set()
    for index, parameter in enumerate(signature.parameters.values()):
        if index < skip or (index == 0 and parameter.name in ("self", "cls")):
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
    if missing and every_path_variable:
        name = missing[0]
        raise DefinitionError(
            f"{qualname}: the rule variable <{name}> has no parameter. Add a parameter"
            f" `{name}: {_suggested_type(path_variables[name])}` to the handler, or remove"
            " the variable from the rule."
        )
    _check_groups(qualname, params)
    _check_headers(qualname, params)
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


def _check_groups(qualname: str, params: list[Param]) -> None:
    """Refuse a group field that is itself an attrs class: text values are flat."""
    for param in params:
        if not param.is_group:
            continue
        where = {"query": "Query", "header": "Header", "cookie": "Cookie"}.get(
            param.location, "Form"
        )
        for attribute, field_type in attrs_fields(param.type):
            if where != "Form" and field_info(attribute).read_only:
                raise DefinitionError(
                    f"{qualname}: the field {attribute.name!r} of {where}[{type_name(param.type)}]"
                    f" (parameter {param.name!r}) is read-only, but a {param.location} group"
                    " holds what the client sends. Drop read_only=True, or read the field from"
                    " another class."
                )
            if holds_attrs_class(field_type):
                raise DefinitionError(
                    f"{qualname}: the field {attribute.name!r} of {where}[{type_name(param.type)}]"
                    f" (parameter {param.name!r}) is an attrs class, but {param.location} values"
                    " are flat text. Put its fields into the group itself, or send the data as a"
                    " JSON body."
                )


def _header_names(param: Param) -> list[tuple[str, str]]:
    """Return ``(header name, parameter)`` for every header a parameter reads."""
    if not param.is_group:
        return [(param.wire_name, param.name)]
    return [
        (wire_name(attribute).replace("_", "-"), f"{param.name}.{attribute.name}")
        for attribute, _ in attrs_fields(param.type)
    ]


def _check_headers(qualname: str, params: list[Param]) -> None:
    """Refuse one header read twice (names are case-insensitive) and Authorization."""
    seen: dict[str, str] = {}
    for param in params:
        if param.location != "header":
            continue
        for header, reader in _header_names(param):
            key = header.lower()
            if key == "authorization":
                raise DefinitionError(
                    f"{qualname}: {reader!r} reads the Authorization header as a plain header;"
                    " OpenAPI tools ignore it as a parameter. Declare credentials with a"
                    " security scheme (resourceful.security: HTTPBearer, HTTPBasic, OAuth2) and"
                    " ask for the principal with Provided[...]."
                )
            other = seen.setdefault(key, reader)
            if other != reader:
                raise DefinitionError(
                    f"{qualname}: {other!r} and {reader!r} both read the header {header!r}"
                    " (header names are case-insensitive). Read it once."
                )


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
    if isinstance(source, Provide):
        if name in path_variables:
            raise DefinitionError(
                f"{qualname}: parameter {name!r} is named like the rule variable <{name}> but"
                " asks for a provided value. Rename the parameter or remove the marker."
            )
        return Param(name, "provided", tp, source.name or "", True)
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
