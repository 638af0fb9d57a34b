"""Defaults and examples: checked against their types, and turned into JSON for the document.

A default or an example that its own field refuses (``default=0`` with
``validator=ge(1)``, ``examples=["x"]`` on an ``int``) is a definition
mistake: the document would contradict itself, and a default its validator
refuses fails as soon as the class is built without that field. The checks
live here, once, and run twice from the same functions:

- at registration, :func:`check_operation` (called by
  :mod:`resourceful.resources.register` for each operation an app serves)
  checks every attrs class reachable from the operation's input and output
  types, its handler parameters' defaults and its request and response
  examples, and raises a :class:`~resourceful.openapi.names.SchemaError` (a
  :class:`~resourceful.errors.DefinitionError`) naming the operation, the
  field and the value. Each class is checked once per converter.
- while a schema is built (:class:`~resourceful.openapi.schema.SchemaGenerator`,
  which may describe types no registration saw, such as
  :func:`~resourceful.openapi.schema.json_schema`'s),
  :func:`field_values`, :func:`parameter_default` and :func:`named_examples`
  give the JSON the document publishes, checked the same way.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import typing
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from resourceful.binding.merge_patch import is_merge_patch, patch_target
from resourceful.convert import INPUT_ERRORS, violations_from
from resourceful.convert.parsers import datetime_text
from resourceful.convert.typeinfo import attrs_fields, holds_attrs_class, strip_unset, unwrap
from resourceful.fields import UNSET, field_info, wire_name
from resourceful.openapi.names import SchemaError, type_repr
from resourceful.operation import PARAMETER_LOCATIONS, Operation, Param

__all__ = [
    "check_operation",
    "check_value",
    "field_default",
    "field_values",
    "named_examples",
    "parameter_default",
    "request_body_of",
    "request_example_type",
    "response_of",
    "to_json",
]

Unstructure = Callable[[Any], Any]
Structure = Callable[[Any, Any], Any]

# Factories whose result is fixed and safe to call while documenting a
# default: an empty container. Other factories (uuid4, datetime.now...) are
# not called, because that would make the document change between runs.
_PURE_FACTORIES = frozenset({list, dict, set, frozenset, tuple})


def field_default(attribute: attrs.Attribute[Any]) -> Any:
    """Return the default of ``attribute`` to document, or ``attrs.NOTHING``."""
    default: Any = attribute.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        if default.takes_self or factory not in _PURE_FACTORIES:
            return attrs.NOTHING
        return factory()
    return default


def check_value(
    value: Any,
    what: str,
    tp: Any,
    attribute: attrs.Attribute[Any] | None,
    unstructure: Callable[[Any], Any],
    structure: Callable[[Any, Any], Any] | None,
) -> Any:
    """Return ``value`` as JSON after checking it against ``tp`` and the field's validators.

    ``what`` names the value in the error (``the default of Todo.priority``).
    ``structure`` reads the JSON back with binding's rules; without it only
    the validators are run.
    """
    try:
        data = unstructure(value)
    except Exception as exc:  # any failure means: not a value of this type
        raise _invalid(what, value, tp, str(exc)) from exc
    if structure is not None:
        try:
            structure(data, tp)
        except (*INPUT_ERRORS, AttributeError) as exc:
            detail = "; ".join(violation.detail for violation in violations_from(exc)) or str(exc)
            raise _invalid(what, value, tp, detail) from exc
    validator = attribute.validator if attribute is not None else None
    if validator is not None and attribute is not None:
        try:
            validator(None, attribute, value)
        except (ValueError, TypeError) as exc:
            # attrs validators put the message first, then the field, bounds and value.
            first = exc.args[0] if exc.args else None
            detail = first if isinstance(first, str) else str(exc) or type(exc).__name__
            raise _invalid(what, value, tp, detail) from exc
    return data


def field_values(
    attribute: attrs.Attribute[Any],
    owner: str,
    tp: Any,
    text: bool,
    unstructure: Unstructure,
    structure: Structure | None,
) -> tuple[Any, list[Any]]:
    """Return the documented default (or ``attrs.NOTHING``) and examples of a field as JSON.

    ``owner`` is ``Class.field``; ``tp`` the field's type, type variables
    substituted. ``text`` is for a field of a query, header, cookie or form
    group, where a ``None`` default means "not sent" and is not a value.
    Each value is checked with :func:`check_value` first.
    """
    default = field_default(attribute)
    if default is UNSET or (text and default is None):  # absent means "not sent", not a value
        default = attrs.NOTHING
    data = attrs.NOTHING
    if default is not attrs.NOTHING:
        data = check_value(
            default, f"the default of {owner}", tp, attribute, unstructure, structure
        )
    examples = [
        check_value(example, f"example {index} of {owner}", tp, attribute, unstructure, structure)
        for index, example in enumerate(field_info(attribute).examples, 1)
    ]
    return data, examples


def parameter_default(
    op: Operation, param: Param, unstructure: Unstructure, structure: Structure | None
) -> Any:
    """Return the documented default of a single query, header or cookie parameter, or ``NOTHING``.

    That is the handler's own default (``limit: int = 20``), checked first;
    ``None`` (an optional value left out) is not documented.
    """
    if param.required or param.default is None:
        return attrs.NOTHING
    what = f"the default of {op.qualname}({param.name}=...)"
    return check_value(param.default, what, param.type, None, unstructure, structure)


def request_example_type(tp: Any) -> Any:
    """Return the type a request body's examples are values of.

    ``T`` for a ``MergePatch[T]`` body: a whole ``T`` is a merge patch that
    sets every field, and the one patch an example can be checked as.
    """
    return patch_target(tp) if is_merge_patch(tp) else tp


def named_examples(
    named: Mapping[str, Any],
    tp: Any,
    where: str,
    unstructure: Unstructure,
    structure: Structure | None,
) -> dict[str, Any]:
    """Return ``named`` example values of ``tp`` as JSON, by name, each checked first.

    ``where`` names what they are examples of (``the request body of
    Todos.create``, :func:`request_body_of`, :func:`response_of`).
    """
    return {
        name: check_value(
            value, f"the example {name!r} of {where}", tp, None, unstructure, structure
        )
        for name, value in named.items()
    }


def request_body_of(qualname: str) -> str:
    """Return how messages name the request body of the operation ``qualname``."""
    return f"the request body of {qualname}"


def response_of(status: int, qualname: str) -> str:
    """Return how messages name the ``status`` response of the operation ``qualname``."""
    return f"the {status} response of {qualname}"


# -- at registration ---------------------------------------------------------------------------


def check_operation(op: Operation, converter: Any) -> None:
    """Check the defaults and examples ``op`` declares or reaches, against ``converter``.

    Raise a :class:`SchemaError` naming the first value its type or
    validators refuse. The attrs classes of the operation's parameters and
    responses are walked, nested ones included (list, dict and union items,
    generic arguments); each is checked once per converter (once more if it is
    input as well as output, where a naive datetime default is refused), so registering
    many operations that share classes stays linear.
    """
    unstructure, structure = converter.unstructure, converter.structure
    # PERF: a request's defaults are read back as binding reads them, with the
    # hooks binding has built; the app's converter would generate its own.
    binding = getattr(converter, "for_requests", None)
    request_structure = binding(reject_unknown=True).structure if binding else structure
    checks = _Walk(_checked_by(converter), unstructure, structure, request_structure)
    body: Param | None = None
    for param in op.params:
        if param.location not in _READ_LOCATIONS:
            continue  # provided values and the request itself are not input
        if param.location == "body":
            body = param
        if param.location in PARAMETER_LOCATIONS and not param.is_group:
            parameter_default(op, param, unstructure, structure)
            if not param.required:
                _refuse_naive_default(
                    param.default, f"the default of {op.qualname}({param.name}=...)"
                )
        checks.reached(op, param.type, param.is_group, request=True)
    if op.request_examples and body is None:
        raise SchemaError(
            f"{op.qualname} declares request_examples, but it reads no JSON body to show them"
            " for (a form's fields are documented one by one). Remove request_examples, or"
            " read the body as a JSON body parameter."
        )
    if body is not None and op.request_examples:
        named_examples(
            op.request_examples,
            request_example_type(body.type),
            request_body_of(op.qualname),
            unstructure,
            structure,
        )
    for spec in op.responses:
        if spec.type is not None:
            checks.reached(op, spec.type, False, request=False)
        elif spec.examples:
            raise SchemaError(
                f"{op.qualname} declares response_examples, but"
                f" {response_of(spec.status, op.qualname)} has no body. Remove them, or return"
                " a value."
            )
        for name, tp in spec.headers.items():
            if holds_attrs_class(tp):
                raise SchemaError(
                    f"{op.qualname} declares the response header {name} as {type_repr(tp)},"
                    " but a header carries flat text. Give it a text type (str, int, a date,"
                    " an enum, or a list of them)."
                )
        if spec.examples:
            named_examples(
                spec.examples,
                spec.type,
                response_of(spec.status, op.qualname),
                unstructure,
                structure,
            )


_READ_LOCATIONS = frozenset({*PARAMETER_LOCATIONS, "body", "form", "files"})


def _refuse_naive_default(default: Any, what: str) -> None:
    """Refuse a naive datetime as the default of an input, which binding would hand over as is.

    Binding reads date-times only with an offset, so a handler would get aware
    values when the field is sent and this naive one when it is not: the two
    cannot be compared, and the document (which writes it as UTC) would not
    say what the handler gets.
    """
    if isinstance(default, datetime.datetime) and default.tzinfo is None:
        aware = default.replace(tzinfo=datetime.timezone.utc)
        raise SchemaError(
            f"{what} is the naive datetime {default!r}, but binding reads date-times only with"
            " an offset, so the handler would get an aware value when it is sent and this naive"
            " one when it is not, and Python cannot compare the two. Give the default a"
            f" timezone, for example {aware!r}."
        )


class _Walk:
    """One operation's walk through its types, skipping those its converter has checked."""

    __slots__ = ("checked", "request_structure", "structure", "unstructure")

    def __init__(
        self,
        checked: dict[Any, int],
        unstructure: Unstructure,
        structure: Structure,
        request_structure: Structure,
    ) -> None:
        #: The types already checked (or being checked, for recursive classes): for
        #: each, the ``(text, request)`` ways it was, as bits (``1 << (2 * text + request)``).
        #: PERF: one table entry per type, not a tuple per type and way that
        #: the collector would walk at every full collection.
        self.checked = checked
        self.unstructure = unstructure
        #: How a response's values are read back (what response validation does).
        self.structure = structure
        #: How a request's values are read: binding's own hooks, built at registration.
        self.request_structure = request_structure

    def reached(self, op: Operation, tp: Any, text: bool, *, request: bool) -> None:
        """Check ``tp`` and what it is made of; a refused field value names ``op`` too."""
        try:
            self.check(tp, text, request)
        except SchemaError as exc:
            raise SchemaError(f"{op.qualname}: {exc}") from exc

    def check(self, tp: Any, text: bool = False, request: bool = False) -> None:
        """Check the defaults and examples of ``tp``'s fields, then of the types it holds."""
        way = 1 << (2 * text + request)  # one bit per way of checking a type
        checked = self.checked
        remembered = True
        try:
            ways = checked.get(tp, 0)
            # A type checked as input is checked as output too (the input check does more).
            if ways & (way | 1 << (2 * text + 1)):
                return
            checked[tp] = ways | way  # before descending: a recursive class ends here
        except TypeError:  # an unhashable annotation: check it, without remembering
            remembered = False
        inner = unwrap(tp)
        try:
            for attribute, field_type, owner in _fields(inner):
                unset_stripped = strip_unset(field_type)
                field_values(
                    attribute,
                    owner,
                    unset_stripped,
                    text,
                    self.unstructure,
                    self.request_structure if request else self.structure,
                )
                if request:
                    _refuse_naive_default(field_default(attribute), f"the default of {owner}")
                self.check(field_type, False, request)
            if typing.get_origin(inner) is not typing.Literal:  # Literal arguments are values
                for arg in typing.get_args(inner):
                    self.check(arg, False, request)
        except BaseException:
            if remembered:  # a class fixed and registered again is checked again
                ways = checked.get(tp, 0) & ~way
                if ways:
                    checked[tp] = ways
                else:
                    checked.pop(tp, None)
            raise


def _fields(tp: Any) -> Iterator[tuple[attrs.Attribute[Any], Any, str]]:
    """Yield the ``init`` fields of an attrs class or generic alias: type and ``Class.field``."""
    cls = typing.get_origin(tp) or tp
    if not (isinstance(cls, type) and attrs.has(cls)):
        return
    for attribute, field_type in attrs_fields(tp):
        if attribute.init:
            yield attribute, field_type, f"{cls.__qualname__}.{attribute.name}"


# PERF: what each converter has checked, so a class shared by many operations
# (or many registrations of one blueprint) is checked once. The values hold no
# reference to their converter, which an app may replace.
_CHECKED: weakref.WeakKeyDictionary[Any, dict[Any, int]] = weakref.WeakKeyDictionary()


def _checked_by(converter: Any) -> dict[Any, int]:
    checked = _CHECKED.get(converter)
    if checked is None:
        checked = _CHECKED[converter] = {}
    return checked


def _invalid(what: str, value: Any, tp: Any, detail: str) -> SchemaError:
    return SchemaError(
        f"{what} is {value!r}, which its type or validators refuse ({type_repr(tp)}): {detail}."
        " Give a value that binding accepts, or change the type or validators."
    )


def to_json(value: Any) -> Any:
    """Turn a default or example into JSON without a converter."""
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, datetime.datetime):
        return datetime_text(value)  # naive is UTC, as the converter writes it
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted((to_json(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(to_json(key)): to_json(item) for key, item in value.items()}
    if attrs.has(type(value)):
        return {
            wire_name(attribute): to_json(getattr(value, attribute.name))
            for attribute in attrs.fields(type(value))
        }
    return value
