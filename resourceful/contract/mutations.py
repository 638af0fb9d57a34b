"""Ways to break a valid request, each with the field binding must then blame.

:func:`sites` lists the mutations a request allows: a required field or
parameter dropped, a value of the wrong type (JSON) or text its type's rule
refuses (query, headers, cookies, parsed path values), and a bound crossed
(a number past ``le``/``ge``..., a string past ``max_len``/``min_len``, a
list past ``max_len``, a string outside ``in_``). Each
:class:`Mutation` knows the location and JSON pointer of the error binding
must report for it.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import typing
import uuid
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..binding.merge_patch import is_merge_patch, patch_target
from ..convert.typeinfo import (
    ANY_TYPES,
    attrs_fields,
    is_attrs,
    is_enum,
    is_literal,
    is_mapping,
    is_optional,
    is_sequence,
    is_set,
    is_tuple,
    is_union,
    strip_optional,
    strip_unset,
    unwrap,
)
from ..convert.violations import escape_pointer
from ..fields import field_info, wire_name
from ..rules import parsed_from_text
from .calls import NO_BODY, RequestParts
from .strategies import NONE, Constraints, constraints_of

if TYPE_CHECKING:
    from ..app import App
    from ..operation import Operation

__all__ = ["Mutation", "sites"]

_DROP: Any = object()
#: Text no scalar type's text rule takes (not a number, date, UUID or boolean word).
_BAD_TEXT = "not-a-value~"


@attrs.frozen
class Mutation:
    """One change to a request, and the error it must cause."""

    #: ``body``, ``query``, ``header``, ``cookie`` or ``path``.
    location: str
    #: The pointer binding must report (or report below).
    pointer: str
    what: str
    #: For the body: the keys down to the value; for the others: the wire key.
    keys: tuple[Any, ...]
    #: The new value (JSON or text); ``_DROP`` removes it.
    value: Any

    def describe(self) -> str:
        """Say what was changed, for reports."""
        return f"{self.what} at {self.location} {self.pointer!r}"

    def blames(self, error: Mapping[str, Any]) -> bool:
        """Return whether a reported error names the mutated field."""
        pointer = str(error.get("pointer", ""))
        wanted = self.pointer
        if self.location == "header":
            pointer, wanted = pointer.lower(), wanted.lower()
        return error.get("location") == self.location and (
            pointer == wanted or pointer.startswith(wanted + "/")
        )

    def apply(self, parts: RequestParts) -> RequestParts:
        """Return ``parts`` with this change made."""
        if self.location == "body":
            body = copy.deepcopy(parts.json)
            target = body
            for key in self.keys[:-1]:
                target = target[key]
            if self.value is _DROP:
                del target[self.keys[-1]]
            else:
                target[self.keys[-1]] = self.value
            return attrs.evolve(parts, json=body)
        if self.location == "path":
            return attrs.evolve(parts, path={**parts.path, self.keys[0]: self.value})
        field = {"query": "query", "header": "headers", "cookie": "cookies"}[self.location]
        key = self.keys[0]
        pairs = [pair for pair in getattr(parts, field) if pair[0] != key]
        if self.value is not _DROP:
            pairs.append((key, self.value))
        changes: dict[str, Any] = {field: tuple(pairs)}
        return attrs.evolve(parts, **changes)


def sites(operation: Operation, parts: RequestParts, app: App) -> Iterator[Mutation]:
    """Yield the mutations of a valid request ``parts`` of ``operation``."""
    body = operation.body
    if body is not None and body.location == "body" and parts.json is not NO_BODY:
        yield from _json_sites(body.type, parts.json, (), NONE, top=True)
    for param in operation.params:
        if param.location in ("query", "header", "cookie"):
            yield from _text_param_sites(param, parts)
        elif (
            param.location == "path"
            and parsed_from_text(param.converter, param.type)
            and _refuses_text(param.type)
        ):
            yield Mutation(
                "path",
                "/" + param.wire_name,
                "a value of the wrong type",
                (param.wire_name,),
                _BAD_TEXT,
            )


# -- the JSON body ---------------------------------------------------------------------


def _pointer(keys: tuple[Any, ...]) -> str:
    return "".join("/" + escape_pointer(str(key)) for key in keys)


def _json_sites(
    tp: Any, value: Any, keys: tuple[Any, ...], c: Constraints, *, top: bool = False
) -> Iterator[Mutation]:
    tp = strip_optional(strip_unset(tp))
    if is_merge_patch(tp) and isinstance(value, dict):
        yield from _merge_patch_sites(patch_target(tp), value)
        return
    if is_attrs(tp) and isinstance(value, dict):
        for attribute, ftype in attrs_fields(tp):
            if not attribute.init:
                continue
            wire = wire_name(attribute)
            here = (*keys, wire)
            pointer = _pointer(here)
            fc = constraints_of(attribute.validator)
            if wire in value and attribute.default is attrs.NOTHING:
                yield Mutation("body", pointer, "a required field dropped", here, _DROP)
            wrong = _wrong_json(ftype)
            if wrong is not None:
                yield Mutation(
                    "body", pointer, f"a value of the wrong type ({wrong!r})", here, wrong
                )
            for bad, what in _crossed(ftype, fc, value.get(wire), text=False):
                yield Mutation("body", pointer, what, here, bad)
            if wire in value:
                yield from _json_sites(ftype, value[wire], here, fc)
        return
    if top:
        return
    if (is_sequence(tp) or is_set(tp)) and isinstance(value, list) and value:
        args = typing.get_args(tp)
        if args:
            yield from _json_sites(args[0], value[0], (*keys, 0), c.items or NONE)


def _merge_patch_sites(tp: Any, value: dict[str, Any]) -> Iterator[Mutation]:
    """Yield the mutations of a merge patch: leaving a member out is no mistake in one.

    A wrong type or a crossed bound in a member is, and so is ``null`` for a
    required field that takes no ``None``. Nested objects are patches whose
    validity depends on the current value, so they are not broken.
    """
    for attribute, ftype in attrs_fields(tp):
        if not attribute.init or field_info(attribute).read_only:
            continue
        wire = wire_name(attribute)
        here = (wire,)
        pointer = _pointer(here)
        if attribute.default is attrs.NOTHING and not is_optional(strip_unset(ftype)):
            yield Mutation("body", pointer, "null for a required field", here, None)
        wrong = _wrong_json(ftype)
        if wrong is not None:
            yield Mutation("body", pointer, f"a value of the wrong type ({wrong!r})", here, wrong)
        fc = constraints_of(attribute.validator)
        for bad, what in _crossed(ftype, fc, value.get(wire), text=False):
            yield Mutation("body", pointer, what, here, bad)


def _accepts(tp: Any) -> set[str]:
    """Return the JSON kinds a type takes: ``object``, ``array``, ``string``, ``scalar``."""
    tp = unwrap(tp)
    if tp in ANY_TYPES:
        return {"object", "array", "string", "scalar"}
    if is_union(tp):
        kinds: set[str] = set()
        for arg in typing.get_args(tp):
            kinds |= _accepts(arg)
        return kinds
    if is_attrs(tp) or is_mapping(tp):
        return {"object"}
    if is_sequence(tp) or is_set(tp) or is_tuple(tp):
        return {"array"}
    return {"scalar"}


def _wrong_json(tp: Any) -> Any:
    kinds = _accepts(tp)
    if "object" not in kinds:
        return {}
    if "array" not in kinds:
        return []
    return None


def _crossed(tp: Any, c: Constraints, current: Any, *, text: bool) -> Iterator[tuple[Any, str]]:
    """Yield values (JSON, or text when ``text``) just past the bounds ``c`` sets on ``tp``."""
    tp = strip_optional(strip_unset(tp))
    if tp in (int, float, Decimal):
        for bad, what in _numbers_past(tp, c):
            if tp is Decimal or text:
                yield str(bad), what
            else:
                yield bad, what
    elif tp is str:
        if c.max_len is not None and c.max_len < 10_000:
            yield "x" * (c.max_len + 1), f"a string longer than {c.max_len}"
        if c.min_len:
            yield "x" * (c.min_len - 1), f"a string shorter than {c.min_len}"
        options = c.options
        if options is not None and _BAD_TEXT not in options:
            yield _BAD_TEXT, "a string outside the allowed values"
    elif is_sequence(tp) and isinstance(current, list) and current and not text:
        yield from _longer_list(current, c)


def _longer_list(current: list[Any], c: Constraints) -> Iterator[tuple[Any, str]]:
    if c.max_len is not None and c.max_len < 1000:
        yield [current[0]] * (c.max_len + 1), f"a list longer than {c.max_len}"


def _numbers_past(tp: Any, c: Constraints) -> Iterator[tuple[Any, str]]:
    for bound, exclusive, sign in (
        (c.maximum, c.exclusive_maximum, 1),
        (c.minimum, c.exclusive_minimum, -1),
    ):
        if bound is None or isinstance(bound, bool) or not isinstance(bound, int | float | Decimal):
            continue
        what = f"a number {'above the maximum' if sign > 0 else 'below the minimum'} {bound}"
        if tp is int:
            edge = math.floor(bound) if sign > 0 else math.ceil(bound)
            yield (edge if exclusive and edge == bound else edge + sign), what
        elif tp is Decimal:
            yield (Decimal(str(bound)) if exclusive else Decimal(str(bound)) + sign), what
        else:
            bad = float(bound) if exclusive else float(bound) + sign * max(1.0, abs(float(bound)))
            if math.isfinite(bad):
                yield bad, what


# -- query, headers, cookies ------------------------------------------------------------


def _text_param_sites(param: Any, parts: RequestParts) -> Iterator[Mutation]:
    field = {"query": "query", "header": "headers", "cookie": "cookies"}[param.location]
    present = {key for key, _ in getattr(parts, field)}
    if not param.is_group:
        yield from _text_field_sites(
            param.location, param.wire_name, param.type, NONE, param.required, present
        )
        return
    for attribute, ftype in attrs_fields(param.type):
        wire = wire_name(attribute)
        key = wire.replace("_", "-") if param.location == "header" else wire
        required = attribute.default is attrs.NOTHING
        yield from _text_field_sites(
            param.location, key, ftype, constraints_of(attribute.validator), required, present
        )


def _text_field_sites(
    location: str, key: str, tp: Any, c: Constraints, required: bool, present: set[str]
) -> Iterator[Mutation]:
    pointer = "/" + escape_pointer(key)
    if required and key in present:
        yield Mutation(location, pointer, "a required value dropped", (key,), _DROP)
    if _refuses_text(tp):
        yield Mutation(
            location, pointer, f"text of the wrong type ({_BAD_TEXT!r})", (key,), _BAD_TEXT
        )
    for bad, what in _crossed(tp, c, None, text=True):
        yield Mutation(location, pointer, what, (key,), bad)


def _refuses_text(tp: Any) -> bool:
    """Return whether the text rules refuse :data:`_BAD_TEXT` for ``tp``."""
    tp = unwrap(tp)
    if is_union(tp):
        return all(_refuses_text(arg) for arg in typing.get_args(tp) if arg is not type(None))
    if is_sequence(tp) or is_set(tp):
        args = typing.get_args(tp)
        return bool(args) and _refuses_text(args[0])
    if is_enum(tp):
        return all(str(member.value) != _BAD_TEXT for member in tp)
    if is_literal(tp):
        return all(str(value) != _BAD_TEXT for value in typing.get_args(tp))
    return tp in (int, float, bool, Decimal, uuid.UUID, dt.date, dt.datetime, dt.time)
