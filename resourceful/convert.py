"""The app's cattrs converter: strict JSON and stated rules for strings.

:func:`make_converter` returns a :class:`Converter`, a ``cattrs.Converter``
with two sets of rules:

* **JSON** (``converter.structure``): a value's JSON type must match the
  declared type. ``"false"`` is not a bool, ``3.9`` is not an int, ``1`` is
  not a str and ``true`` is not an int.
* **Text** (``converter.text.structure``): strings from the path, the query
  string, headers and cookies are parsed by fixed rules: booleans are
  ``true/false/1/0/yes/no/on/off`` (any case), integers are optional sign and
  digits only (``"3.9"`` is refused), dates, datetimes and times are ISO 8601,
  enums and literals match by value.

Both report *every* problem at once: structuring raises :class:`InvalidData`
whose :attr:`~InvalidData.violations` each carry an RFC 6901 pointer built
from wire names (``"/items/0/qty"``) and a detail saying what is wrong and
what was expected. attrs validators are run one field at a time so that each
failing field gets its own pointer.

Hooks are built once per type by hook factories and cached by cattrs, the way
``cattrs.gen.make_dict_structure_fn`` works; nothing is inspected per call.
Hooks registered by users with ``register_structure_hook`` take precedence.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import datetime as dt
import enum
import math
import re
import threading
import types
import typing
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union

import attrs
import cattrs
from cattrs.dispatch import MultiStrategyDispatch
from cattrs.errors import BaseValidationError, StructureHandlerNotFoundError
from cattrs.fns import raise_error
from cattrs.gen import make_dict_unstructure_fn, override

from .errors import DefinitionError, display_name
from .fields import wire_name

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "Converter",
    "InvalidData",
    "TextConverter",
    "Violation",
    "make_converter",
]

StructureHook = Callable[[Any, Any], Any]

_MISSING: Any = object()


# -- violations ---------------------------------------------------------------


@attrs.frozen
class Violation:
    """One problem found while structuring: where it is and what is wrong.

    ``pointer`` is an RFC 6901 JSON pointer relative to the structured value
    (``""`` is the value itself), using wire names.
    """

    pointer: str
    detail: str


def escape_pointer(segment: str) -> str:
    """Escape one RFC 6901 reference token (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return segment.replace("~", "~0").replace("/", "~1")


class InvalidData(ValueError):
    """Input that cannot be structured into the requested type.

    :attr:`violations` lists every problem found, each with its own pointer.
    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__(self.violations)

    @classmethod
    def at_root(cls, detail: str) -> InvalidData:
        """Return an error about the whole value."""
        return cls([Violation("", detail)])

    def under(self, segment: str | int) -> list[Violation]:
        """Return the violations with ``segment`` prepended to their pointers."""
        prefix = "/" + escape_pointer(str(segment))
        return [Violation(prefix + v.pointer, v.detail) for v in self.violations]

    def __str__(self) -> str:
        return "; ".join(f"{v.pointer or '/'}: {v.detail}" for v in self.violations)


def violations_from(exc: Exception) -> list[Violation]:
    """Turn an exception from a (possibly user-written) hook into violations."""
    if isinstance(exc, InvalidData):
        return list(exc.violations)
    if isinstance(exc, BaseValidationError):
        return [Violation("", message) for message in cattrs.transform_error(exc)]
    return [Violation("", str(exc) or type(exc).__name__)]


#: What a hook may raise for bad input; anything else is a bug and propagates.
#: (Also used by the binder around top-level hooks.)
INPUT_ERRORS = (ValueError, TypeError, BaseValidationError)


# -- describing values and types ---------------------------------------------


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """Describe a JSON value for an error message (``the string "3"``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return f'the string "{_short(value)}"'
    if isinstance(value, (int, float)):
        return f"the number {_short(repr(value))}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def _describe_text(value: Any) -> str:
    if isinstance(value, str):
        return f'"{_short(value)}"'
    if isinstance(value, (list, tuple)):
        return f"{len(value)} values"
    return describe(value)


def _literal_repr(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


def _one_of(values: Sequence[Any]) -> str:
    return "one of " + ", ".join(_literal_repr(v) for v in values)


_NOUNS: dict[Any, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    Decimal: "a decimal number",
    uuid.UUID: "a UUID",
    dt.date: "an ISO 8601 date (YYYY-MM-DD)",
    dt.datetime: "an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS, optional offset)",
    dt.time: "an ISO 8601 time (HH:MM[:SS])",
    type(None): "null",
}


_TEXT_NOUNS: dict[Any, str] = {
    **_NOUNS,
    bool: "a boolean (true/false, 1/0, yes/no, on/off)",
    type(None): '""',
}


def expected(tp: Any, *, text: bool = False) -> str:
    """Describe what a value of type ``tp`` looks like, for error messages.

    With ``text=True`` the description is of the string form (path, query,
    header, cookie), where an optional value may be the empty string.
    """
    tp = _strip(tp)
    nouns = _TEXT_NOUNS if text else _NOUNS
    if tp in nouns:
        return nouns[tp]
    if _is_literal(tp):
        return _one_of(typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _one_of([member.value for member in tp])
    if _is_union(tp):
        return " or ".join(expected(arg, text=text) for arg in typing.get_args(tp))
    if attrs.has(typing.get_origin(tp) or tp):
        return "an object"
    origin = typing.get_origin(tp) or tp
    if origin in _MAPPINGS:
        return "an object"
    if origin in _SEQUENCES or origin in _SETS or origin is tuple:
        return "an array"
    return getattr(tp, "__name__", repr(tp))


# -- type predicates ----------------------------------------------------------

_SEQUENCES: dict[Any, Callable[[list[Any]], Any]] = {
    list: list,
    cabc.Sequence: list,
    cabc.MutableSequence: list,
}
_SETS: dict[Any, Callable[[list[Any]], Any]] = {
    set: set,
    frozenset: frozenset,
    cabc.Set: frozenset,
    cabc.MutableSet: set,
}
_MAPPINGS: set[Any] = {
    dict,
    cabc.Mapping,
    cabc.MutableMapping,
}
_ANY: set[Any] = {Any, object}


def _strip(tp: Any) -> Any:
    """Remove ``Annotated``, ``NewType`` and ``Final`` wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated or origin is typing.Final:
            tp = typing.get_args(tp)[0]
        elif hasattr(tp, "__supertype__"):
            tp = tp.__supertype__
        else:
            return tp


def _is_union(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    return origin is Union or origin is types.UnionType


def _is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is Literal


def _is_wrapped(tp: Any) -> bool:
    return _strip(tp) is not tp


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _is_sequence(tp: Any) -> bool:
    return (typing.get_origin(tp) or tp) in _SEQUENCES


def _is_set(tp: Any) -> bool:
    return (typing.get_origin(tp) or tp) in _SETS


def _is_tuple(tp: Any) -> bool:
    return tp is tuple or typing.get_origin(tp) is tuple or tp is typing.Tuple  # noqa: UP006


def _is_mapping(tp: Any) -> bool:
    return (typing.get_origin(tp) or tp) in _MAPPINGS


def _is_attrs(tp: Any) -> bool:
    return attrs.has(typing.get_origin(tp) or tp)


def is_multi_valued(tp: Any) -> bool:
    """Return whether a query/header field of type ``tp`` takes repeated values."""
    tp = _strip(tp)
    if _is_union(tp):
        return any(is_multi_valued(arg) for arg in typing.get_args(tp) if arg is not type(None))
    return _is_sequence(tp) or _is_set(tp) or _is_tuple(tp)


# -- resolving attrs fields ---------------------------------------------------


def _typevar_map(tp: Any) -> dict[Any, Any]:
    origin = typing.get_origin(tp)
    if origin is None:
        return {}
    params = getattr(origin, "__parameters__", ())
    return dict(zip(params, typing.get_args(tp), strict=False))


def _substitute(tp: Any, mapping: Mapping[Any, Any]) -> Any:
    if not mapping:
        return tp
    if isinstance(tp, TypeVar):
        return mapping.get(tp, tp)
    params = getattr(tp, "__parameters__", ())
    if params:
        return tp[tuple(mapping.get(p, p) for p in params)]
    return tp


def attrs_fields(tp: Any) -> tuple[tuple[attrs.Attribute[Any], Any], ...]:
    """Return ``(attribute, resolved type)`` pairs for an attrs class or alias.

    String annotations are resolved and the type variables of a generic class
    (``Page[Todo]``) are substituted.
    """
    cls = typing.get_origin(tp) or tp
    try:
        attrs.resolve_types(cls)
    except NameError as exc:
        raise DefinitionError(
            f"Cannot resolve the annotations of {display_name(cls)}: {exc}. "
            "Define the names it refers to at module level, before the class is used."
        ) from exc
    mapping = _typevar_map(tp)
    result = []
    for attribute in attrs.fields(cls):
        ftype = attribute.type if attribute.type is not None else Any
        result.append((attribute, _substitute(ftype, mapping)))
    return tuple(result)


# -- attrs validators, one field at a time -------------------------------------


def _run(validator: Any, instance: Any, attribute: Any, value: Any) -> str | None:
    """Run ``validator`` and return its message if it fails."""
    try:
        validator(instance, attribute, value)
    except (ValueError, TypeError, AttributeError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _length_unit(value: Any, count: int) -> str:
    unit = "character" if isinstance(value, str) else "item"
    return unit if count == 1 else unit + "s"


def _explain(validator: Any, instance: Any, attribute: Any, value: Any) -> list[Violation]:
    """Run ``validator`` on ``value`` and explain each failure with a pointer.

    Composite validators (``and_``, ``optional``, ``deep_iterable``,
    ``deep_mapping``) are taken apart so that a failing list member is reported
    at its own index; the common leaf validators get messages that say what
    was expected.
    """
    name = type(validator).__name__
    if name == "_AndValidator":
        found: list[Violation] = []
        for inner in validator._validators:
            found.extend(_explain(inner, instance, attribute, value))
        return found
    if name == "_OptionalValidator":
        return [] if value is None else _explain(validator.validator, instance, attribute, value)
    if name == "_DeepIterable":
        found = []
        if validator.iterable_validator is not None:
            found.extend(_explain(validator.iterable_validator, instance, attribute, value))
        try:
            members = list(value)
        except TypeError:
            return found
        for index, member in enumerate(members):
            for v in _explain(validator.member_validator, instance, attribute, member):
                found.append(Violation(f"/{index}{v.pointer}", v.detail))
        return found
    if name == "_DeepMapping":
        found = []
        if validator.mapping_validator is not None:
            found.extend(_explain(validator.mapping_validator, instance, attribute, value))
        if not isinstance(value, Mapping):
            return found
        for key, item in value.items():
            prefix = "/" + escape_pointer(str(key))
            if validator.key_validator is not None:
                for v in _explain(validator.key_validator, instance, attribute, key):
                    found.append(Violation(prefix, f"invalid key: {v.detail}"))
            if validator.value_validator is not None:
                for v in _explain(validator.value_validator, instance, attribute, item):
                    found.append(Violation(prefix + v.pointer, v.detail))
        return found

    message = _run(validator, instance, attribute, value)
    if message is None:
        return []
    got = describe(value)
    if name == "_NumberValidator":
        words = {
            ">=": "at least",
            ">": "greater than",
            "<=": "at most",
            "<": "less than",
        }.get(validator.compare_op)
        if words is not None:
            message = f"must be {words} {validator.bound}, got {got}"
    elif name == "_MinLengthValidator":
        unit = _length_unit(value, validator.min_length)
        message = f"must have at least {validator.min_length} {unit}, got {len(value)}"
    elif name == "_MaxLengthValidator":
        unit = _length_unit(value, validator.max_length)
        message = f"must have at most {validator.max_length} {unit}, got {len(value)}"
    elif name == "_MatchesReValidator":
        message = f'must match the pattern "{validator.pattern.pattern}", got {got}'
    elif name == "_InValidator":
        options = getattr(validator, "_original_options", validator.options)
        message = f"must be {_one_of(list(options))}, got {got}"
    elif name == "_InstanceOfValidator":
        kinds = validator.type if isinstance(validator.type, tuple) else (validator.type,)
        names = " or ".join(getattr(k, "__name__", repr(k)) for k in kinds)
        message = f"must be an instance of {names}, got {got}"
    return [Violation("", message)]


# -- attrs classes ------------------------------------------------------------

_generating = threading.local()


def _generating_set() -> set[Any]:
    working: set[Any] | None = getattr(_generating, "types", None)
    if working is None:
        working = set()
        _generating.types = working
    return working


@attrs.frozen
class _FieldPlan:
    """How one attrs field is read from a mapping (computed once per class)."""

    attribute: attrs.Attribute[Any]
    wire: str
    init_name: str
    type: Any
    hook: StructureHook
    required: bool


class _LazyHook:
    """Stands in for the hook of a class whose hook is still being built.

    Only recursive classes need it: the field ``children: list[Node]`` of
    ``Node`` asks for ``Node``'s hook while that hook is being generated.
    """

    def __init__(self, converter: cattrs.Converter, tp: Any) -> None:
        self._converter = converter
        self._type = tp
        self._hook: StructureHook | None = None

    def __call__(self, value: Any, tp: Any) -> Any:
        hook = self._hook
        if hook is None:
            hook = self._hook = self._converter.get_structure_hook(self._type)
        return hook(value, tp)


def _field_hook(converter: cattrs.Converter, cls: Any, attribute: Any, ftype: Any) -> StructureHook:
    try:
        return converter.get_structure_hook(ftype)
    except StructureHandlerNotFoundError as exc:
        raise DefinitionError(
            f"Cannot structure field {display_name(cls)}.{attribute.name}: "
            f"no rule for the type {ftype!r}. Use a supported type (str, int, float, bool, "
            "Decimal, UUID, date, datetime, time, an Enum, a Literal, a list, tuple, set, "
            "dict or attrs class of those), or register a hook with "
            "app.converter.register_structure_hook(...)."
        ) from exc


def _attrs_structure_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    """Build the structure hook of one attrs class (once; cattrs caches it)."""
    working = _generating_set()
    if tp in working:
        return _LazyHook(converter, tp)
    working.add(tp)
    try:
        return _build_attrs_hook(tp, converter)
    finally:
        working.discard(tp)


def _build_attrs_hook(tp: Any, converter: cattrs.Converter) -> StructureHook:
    cls = typing.get_origin(tp) or tp
    plans: list[_FieldPlan] = []
    for attribute, ftype in attrs_fields(tp):
        if not attribute.init:
            continue
        plans.append(
            _FieldPlan(
                attribute=attribute,
                wire=wire_name(attribute),
                init_name=attribute.alias or attribute.name,
                type=ftype,
                hook=_field_hook(converter, cls, attribute, ftype),
                required=attribute.default is attrs.NOTHING,
            )
        )
    fields_plan = tuple(plans)
    known = frozenset(plan.wire for plan in fields_plan)
    forbid_unknown = bool(getattr(converter, "forbid_extra_keys", False))
    known_list = ", ".join(sorted(known)) or "none"

    def structure_attrs(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidData.at_root(f"expected an object, got {describe(value)}")
        kwargs: dict[str, Any] = {}
        violations: list[Violation] = []
        for plan in fields_plan:
            raw = value.get(plan.wire, _MISSING)
            if raw is _MISSING:
                if plan.required:
                    violations.append(
                        Violation("/" + escape_pointer(plan.wire), "is required but missing")
                    )
                continue
            try:
                kwargs[plan.init_name] = plan.hook(raw, plan.type)
            except InvalidData as exc:
                violations.extend(exc.under(plan.wire))
            except INPUT_ERRORS as exc:
                violations.extend(InvalidData(violations_from(exc)).under(plan.wire))
        if forbid_unknown and not known.issuperset(value):
            violations.extend(
                Violation(
                    "/" + escape_pointer(str(key)),
                    f"is not a known field; expected only: {known_list}",
                )
                for key in value
                if key not in known
            )
        if violations:
            violations.extend(_validate_fields(cls, fields_plan, kwargs))
            raise InvalidData(violations)
        try:
            return cls(**kwargs)
        except (ValueError, TypeError) as exc:
            # A validator failed (attrs stops at the first one and names no
            # path): run each field's validator on its own to find them all.
            found = _validate_fields(cls, fields_plan, kwargs)
            raise InvalidData(found or [Violation("", str(exc))]) from exc

    return structure_attrs


def _validate_fields(
    cls: Any, plans: Sequence[_FieldPlan], kwargs: Mapping[str, Any]
) -> list[Violation]:
    """Run every field validator on its own value and collect the failures."""
    instance = object.__new__(cls)
    for plan in plans:
        if plan.init_name in kwargs:
            with contextlib.suppress(AttributeError):
                object.__setattr__(instance, plan.attribute.name, kwargs[plan.init_name])
    found: list[Violation] = []
    for plan in plans:
        attribute = plan.attribute
        if attribute.validator is None or plan.init_name not in kwargs:
            continue
        value = kwargs[plan.init_name]
        converter = attribute.converter
        if converter is not None and callable(converter):
            try:
                value = converter(value)
            except (ValueError, TypeError) as exc:
                found.append(Violation("/" + escape_pointer(plan.wire), str(exc)))
                continue
        prefix = "/" + escape_pointer(plan.wire)
        found.extend(
            Violation(prefix + v.pointer, v.detail)
            for v in _explain(attribute.validator, instance, attribute, value)
        )
    return found


# -- containers (shared by JSON and text) -------------------------------------


def _element_hook(converter: cattrs.Converter, tp: Any, where: str) -> StructureHook:
    try:
        return converter.get_structure_hook(tp)
    except StructureHandlerNotFoundError as exc:
        raise DefinitionError(
            f"Cannot structure {where}: no rule for the type {tp!r}. "
            "Use a supported type or register a hook with "
            "app.converter.register_structure_hook(...)."
        ) from exc


def _structure_items(
    items: Sequence[Any], hook: StructureHook, tp: Any
) -> Iterator[tuple[Any, list[Violation] | None]]:
    for index, item in enumerate(items):
        try:
            yield hook(item, tp), None
        except InvalidData as exc:  # noqa: PERF203 - every item gets its own report
            yield None, exc.under(index)
        except INPUT_ERRORS as exc:
            yield None, InvalidData(violations_from(exc)).under(index)


def _collect(items: Sequence[Any], hook: StructureHook, tp: Any) -> list[Any]:
    result: list[Any] = []
    violations: list[Violation] = []
    for value, problems in _structure_items(items, hook, tp):
        if problems is None:
            result.append(value)
        else:
            violations.extend(problems)
    if violations:
        raise InvalidData(violations)
    return result


def _sequence_factory(
    accept: Callable[[Any], Sequence[Any] | None], describe_value: Callable[[Any], str]
) -> Callable[[Any, cattrs.Converter], StructureHook]:
    def factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
        origin = typing.get_origin(tp) or tp
        args = typing.get_args(tp)
        item_type = args[0] if args else Any
        build = _SEQUENCES.get(origin) or _SETS[origin]
        hook = _element_hook(converter, item_type, f"the items of {tp!r}")

        def structure_sequence(value: Any, _: Any) -> Any:
            items = accept(value)
            if items is None:
                raise InvalidData.at_root(f"expected an array, got {describe_value(value)}")
            return build(_collect(items, hook, item_type))

        return structure_sequence

    return factory


def _tuple_factory(
    accept: Callable[[Any], Sequence[Any] | None], describe_value: Callable[[Any], str]
) -> Callable[[Any, cattrs.Converter], StructureHook]:
    def factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
        args = typing.get_args(tp)
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            item_type = args[0] if args else Any
            hook = _element_hook(converter, item_type, f"the items of {tp!r}")

            def structure_homogeneous(value: Any, _: Any) -> Any:
                items = accept(value)
                if items is None:
                    raise InvalidData.at_root(f"expected an array, got {describe_value(value)}")
                return tuple(_collect(items, hook, item_type))

            return structure_homogeneous

        if args == ((),):  # tuple[()]
            args = ()
        hooks = tuple(_element_hook(converter, a, f"the items of {tp!r}") for a in args)
        size = len(args)

        def structure_fixed(value: Any, _: Any) -> Any:
            items = accept(value)
            if items is None:
                raise InvalidData.at_root(
                    f"expected an array of {size} items, got {describe_value(value)}"
                )
            if len(items) != size:
                raise InvalidData.at_root(
                    f"expected an array of {size} items, got {len(items)} items"
                )
            result: list[Any] = []
            violations: list[Violation] = []
            for index, (item, hook, item_type) in enumerate(zip(items, hooks, args, strict=True)):
                try:
                    result.append(hook(item, item_type))
                except InvalidData as exc:  # noqa: PERF203 - every item gets its own report
                    violations.extend(exc.under(index))
                except INPUT_ERRORS as exc:
                    violations.extend(InvalidData(violations_from(exc)).under(index))
            if violations:
                raise InvalidData(violations)
            return tuple(result)

        return structure_fixed

    return factory


def _union_parts(tp: Any) -> tuple[bool, list[Any], list[Any]]:
    """Split a union into (allows None, attrs classes, other members)."""
    args = typing.get_args(tp)
    nullable = type(None) in args
    classes = [a for a in args if a is not type(None) and _is_attrs(a)]
    others = [a for a in args if a is not type(None) and not _is_attrs(a)]
    return nullable, classes, others


def _tag_field(classes: Sequence[Any]) -> tuple[str, dict[Any, Any]]:
    """Find the tag field that tells the attrs classes of a union apart.

    The tag is a field present (by wire name) in every class whose type is a
    ``Literal`` with values no other class uses.
    """
    per_class: list[dict[str, tuple[Any, ...]]] = []
    for cls in classes:
        literals: dict[str, tuple[Any, ...]] = {}
        for attribute, ftype in attrs_fields(cls):
            ftype = _strip(ftype)
            if _is_literal(ftype):
                literals[wire_name(attribute)] = typing.get_args(ftype)
        per_class.append(literals)
    for wire in per_class[0]:
        if not all(wire in literals for literals in per_class):
            continue
        owners: dict[Any, Any] = {}
        clash = False
        for cls, literals in zip(classes, per_class, strict=True):
            for value in literals[wire]:
                if value in owners:
                    clash = True
                owners[value] = cls
        if not clash:
            return wire, owners
    names = " | ".join(display_name(c) for c in classes)
    first = getattr(classes[0], "__name__", "a").lower()
    raise DefinitionError(
        f"Cannot tell the classes of the union {names} apart: give every class a tag "
        "field with a Literal type and its own value, for example "
        f'`kind: Literal["{first}"] = "{first}"`.'
    )


# -- the JSON rules -------------------------------------------------------------


def _json_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise InvalidData.at_root(f"expected a string, got {describe(value)}")


def _json_int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise InvalidData.at_root(f"expected an integer, got {describe(value)}")


def _json_float(value: Any, _: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            return number
        raise InvalidData.at_root(f"expected a finite number, got {describe(value)}")
    raise InvalidData.at_root(f"expected a number, got {describe(value)}")


def _json_bool(value: Any, _: Any) -> bool:
    if value is True or value is False:
        return value
    raise InvalidData.at_root(f"expected a boolean (true or false), got {describe(value)}")


def _json_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, str):
        number = _parse_decimal(value)
        if number is not None:
            return number
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return Decimal(str(value))
    raise InvalidData.at_root(
        f'expected a decimal number (a number, or a string such as "12.50"), got {describe(value)}'
    )


def _json_text_parser(parse: Callable[[str], Any], tp: Any) -> StructureHook:
    noun = _NOUNS[tp]

    def structure_from_string(value: Any, _: Any) -> Any:
        if isinstance(value, str):
            parsed = parse(value)
            if parsed is not None:
                return parsed
        raise InvalidData.at_root(f"expected {noun}, got {describe(value)}")

    return structure_from_string


def _parse_decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_datetime(text: str) -> dt.datetime | None:
    # NOTE: Python 3.10's fromisoformat does not accept a trailing "Z".
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_time(text: str) -> dt.time | None:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return None


def _value_key(value: Any) -> tuple[type, Any]:
    # True == 1 and hash(True) == hash(1): key on the type too so that a
    # JSON true never matches an enum or literal value 1.
    return (type(value), value)


def _json_enum_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    members = {_value_key(member.value): member for member in tp}
    wanted = _one_of([member.value for member in tp])

    def structure_enum(value: Any, _: Any) -> Any:
        try:
            return members[_value_key(value)]
        except (KeyError, TypeError):
            pass
        raise InvalidData.at_root(f"expected {wanted}, got {describe(value)}")

    return structure_enum


def _json_literal_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    values = typing.get_args(tp)
    allowed = {_value_key(v.value if isinstance(v, enum.Enum) else v): v for v in values}
    wanted = _one_of([v.value if isinstance(v, enum.Enum) else v for v in values])

    def structure_literal(value: Any, _: Any) -> Any:
        try:
            return allowed[_value_key(value)]
        except (KeyError, TypeError):
            pass
        raise InvalidData.at_root(f"expected {wanted}, got {describe(value)}")

    return structure_literal


def _json_sequence(value: Any) -> Sequence[Any] | None:
    return value if isinstance(value, (list, tuple)) else None


def _json_mapping_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    args = typing.get_args(tp)
    key_type, value_type = (args[0], args[1]) if len(args) == 2 else (str, Any)
    key_type = _strip(key_type)
    text = getattr(converter, "text", None)
    if key_type is str or key_type in _ANY:
        key_hook: StructureHook | None = None
    elif text is not None:
        key_hook = _element_hook(text, key_type, f"the keys of {tp!r}")
    else:  # pragma: no cover - only with a hand-made converter
        key_hook = _element_hook(converter, key_type, f"the keys of {tp!r}")
    value_hook = _element_hook(converter, value_type, f"the values of {tp!r}")

    def structure_mapping(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidData.at_root(f"expected an object, got {describe(value)}")
        result: dict[Any, Any] = {}
        violations: list[Violation] = []
        for raw_key, raw_value in value.items():
            key = raw_key
            if key_hook is not None:
                try:
                    key = key_hook(raw_key, key_type)
                except InvalidData as exc:
                    details = "; ".join(v.detail for v in exc.violations)
                    violations.append(
                        Violation("/" + escape_pointer(str(raw_key)), f"invalid key: {details}")
                    )
                    continue
            try:
                result[key] = value_hook(raw_value, value_type)
            except InvalidData as exc:
                violations.extend(exc.under(str(raw_key)))
            except INPUT_ERRORS as exc:
                violations.extend(InvalidData(violations_from(exc)).under(str(raw_key)))
        if violations:
            raise InvalidData(violations)
        return result

    return structure_mapping


def _exact_scalar(tp: Any) -> type | None:
    tp = _strip(tp)
    return tp if tp in (str, int, float, bool) else None


def _json_union_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    nullable, classes, others = _union_parts(tp)
    wanted = expected(tp)
    tagged: StructureHook | None = None
    if len(classes) == 1:
        only = classes[0]
        only_hook = _element_hook(converter, only, repr(tp))

        def tagged_single(value: Any, _: Any) -> Any:
            return only_hook(value, only)

        tagged = tagged_single
    elif classes:
        tag, owners = _tag_field(classes)
        hooks = {
            _value_key(value): (_element_hook(converter, cls, repr(tp)), cls)
            for value, cls in owners.items()
        }
        tag_wanted = _one_of(list(owners))
        tag_pointer = "/" + escape_pointer(tag)

        def tagged_many(value: Any, _: Any) -> Any:
            if tag not in value:
                raise InvalidData([Violation(tag_pointer, f"is required; expected {tag_wanted}")])
            try:
                hook, cls = hooks[_value_key(value[tag])]
            except (KeyError, TypeError):
                raise InvalidData(
                    [Violation(tag_pointer, f"expected {tag_wanted}, got {describe(value[tag])}")]
                ) from None
            return hook(value, cls)

        tagged = tagged_many

    other_hooks = [(_element_hook(converter, o, repr(tp)), o) for o in others]
    exact = {
        scalar: (hook, other)
        for hook, other in other_hooks
        if (scalar := _exact_scalar(other)) is not None
    }

    def structure_union(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        if tagged is not None and isinstance(value, Mapping):
            return tagged(value, tp)
        match = exact.get(type(value))
        if match is not None:
            return match[0](value, match[1])
        for hook, other in other_hooks:
            try:
                return hook(value, other)
            except INPUT_ERRORS:  # noqa: PERF203 - trying each member in turn
                continue
        raise InvalidData.at_root(f"expected {wanted}, got {describe(value)}")

    return structure_union


def _identity(value: Any, _: Any) -> Any:
    return value


def _wrapped_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    inner = _strip(tp)
    hook = converter.get_structure_hook(inner)

    def structure_wrapped(value: Any, _: Any) -> Any:
        return hook(value, inner)

    return structure_wrapped


# -- the text rules ---------------------------------------------------------------

_INT_RE = re.compile(r"[+-]?\d+\Z")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def _text_value(value: Any) -> Any:
    # A repeated key for a single-valued field: use the first value.
    if isinstance(value, (list, tuple)) and value:
        return value[0]
    return value


def _text_str(value: Any, _: Any) -> str:
    value = _text_value(value)
    if isinstance(value, str):
        return value
    raise InvalidData.at_root(f"expected a string, got {_describe_text(value)}")


def _text_int(value: Any, _: Any) -> int:
    value = _text_value(value)
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value)
    raise InvalidData.at_root(f"expected an integer, got {_describe_text(value)}")


def _text_float(value: Any, _: Any) -> float:
    value = _text_value(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    raise InvalidData.at_root(f"expected a number, got {_describe_text(value)}")


def _text_bool(value: Any, _: Any) -> bool:
    value = _text_value(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise InvalidData.at_root(f"expected {_TEXT_NOUNS[bool]}, got {_describe_text(value)}")


def _text_parser(parse: Callable[[str], Any], tp: Any) -> StructureHook:
    noun = _NOUNS[tp]

    def structure_text(value: Any, _: Any) -> Any:
        value = _text_value(value)
        if isinstance(value, str):
            parsed = parse(value.strip())
            if parsed is not None:
                return parsed
        raise InvalidData.at_root(f"expected {noun}, got {_describe_text(value)}")

    return structure_text


def _text_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text_choice_factory(values: Sequence[Any], results: Sequence[Any]) -> StructureHook:
    choices = {_text_key(v): r for v, r in zip(values, results, strict=True)}
    folded = {key.lower(): r for key, r in choices.items() if key in ("true", "false")}
    wanted = _one_of(list(values))

    def structure_choice(value: Any, _: Any) -> Any:
        value = _text_value(value)
        if isinstance(value, str):
            if value in choices:
                return choices[value]
            if value.lower() in folded:
                return folded[value.lower()]
        raise InvalidData.at_root(f"expected {wanted}, got {_describe_text(value)}")

    return structure_choice


def _text_enum_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    members = list(tp)
    return _text_choice_factory([m.value for m in members], members)


def _text_literal_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    values = typing.get_args(tp)
    plain = [v.value if isinstance(v, enum.Enum) else v for v in values]
    return _text_choice_factory(plain, values)


def _text_sequence(value: Any) -> Sequence[Any] | None:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, (list, tuple)) else None


def _text_union_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    nullable, classes, others = _union_parts(tp)
    members = [*classes, *others]
    hooks = [(_element_hook(converter, m, repr(tp)), m) for m in members]
    takes_empty_string = any(_strip(m) is str for m in members)
    wanted = expected(tp, text=True)

    def structure_union(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        if nullable and not takes_empty_string and _text_value(value) == "":
            return None
        for hook, member in hooks:
            try:
                return hook(value, member)
            except INPUT_ERRORS:  # noqa: PERF203 - trying each member in turn
                continue
        raise InvalidData.at_root(f"expected {wanted}, got {_describe_text(value)}")

    return structure_union


# -- the converters -------------------------------------------------------------


def _fresh_structure_dispatch(
    converter: cattrs.Converter,
) -> MultiStrategyDispatch[StructureHook]:
    return MultiStrategyDispatch(lambda tp: raise_error(None, tp), converter)


def _install_common(converter: cattrs.Converter) -> None:
    # Registered first, so checked last: later registrations take precedence.
    converter.register_structure_hook_func(lambda tp: tp in _ANY, _identity)
    converter.register_structure_hook_factory(_is_attrs, _attrs_structure_factory)
    converter.register_structure_hook_factory(_is_wrapped, _wrapped_factory)


class TextConverter(cattrs.Converter):
    """Structures strings from the path, query string, headers and cookies.

    Rules: booleans are ``true/false/1/0/yes/no/on/off`` (any case); integers
    are an optional sign and digits; floats and decimals as Python parses
    them (finite only); dates, datetimes and times are ISO 8601 (a trailing
    ``Z`` means UTC); UUIDs in any form ``uuid.UUID`` accepts; enums and
    literals by value; an empty string is ``None`` for an optional non-string
    type. A list, tuple or set takes every value of a repeated key; a single
    value field takes the first. An attrs class structures a group of
    parameters (a mapping of wire name to string or list of strings);
    unknown keys in a group are ignored.
    """

    def __init__(self) -> None:
        super().__init__(forbid_extra_keys=False)
        self._structure_func = _fresh_structure_dispatch(self)
        _install_common(self)
        self.register_structure_hook_factory(
            _is_sequence, _sequence_factory(_text_sequence, _describe_text)
        )
        self.register_structure_hook_factory(
            _is_set, _sequence_factory(_text_sequence, _describe_text)
        )
        self.register_structure_hook_factory(
            _is_tuple, _tuple_factory(_text_sequence, _describe_text)
        )
        self.register_structure_hook_factory(_is_enum, _text_enum_factory)
        self.register_structure_hook_factory(_is_literal, _text_literal_factory)
        self.register_structure_hook_factory(_is_union, _text_union_factory)
        scalars: list[tuple[Any, StructureHook]] = [
            (str, _text_str),
            (int, _text_int),
            (float, _text_float),
            (bool, _text_bool),
            (Decimal, _text_parser(_parse_decimal, Decimal)),
            (uuid.UUID, _text_parser(_parse_uuid, uuid.UUID)),
            (dt.date, _text_parser(_parse_date, dt.date)),
            (dt.datetime, _text_parser(_parse_datetime, dt.datetime)),
            (dt.time, _text_parser(_parse_time, dt.time)),
        ]
        for scalar, hook in scalars:
            self.register_structure_hook_func(_is_exactly(scalar), hook)
        self._struct_copy_skip = self._structure_func.get_num_fns()

    def copy(self, *args: Any, **kwargs: Any) -> Self:
        """Return a copy with the same hooks."""
        if args or kwargs:
            raise TypeError("TextConverter.copy() takes no arguments.")
        clone = type(self)()
        self._structure_func.copy_to(clone._structure_func, self._struct_copy_skip)
        return clone


def _is_exactly(tp: Any) -> Callable[[Any], bool]:
    def predicate(candidate: Any) -> bool:
        return candidate is tp

    return predicate


def _isoformat(value: dt.date | dt.time) -> str:
    return value.isoformat()


class Converter(cattrs.Converter):
    """The app's converter between JSON-ready data and typed objects.

    ``structure`` applies the strict JSON rules, ``unstructure`` produces
    JSON-ready data (wire names as keys; dates, times, UUIDs and decimals as
    strings; sets and tuples as lists) and :attr:`text` parses strings from
    the path, query string, headers and cookies.

    ``forbid_extra_keys`` rejects JSON object members that are not fields.
    Customise it like any cattrs converter; hooks you register win::

        app.converter.register_structure_hook(Money, structure_money)
    """

    def __init__(self, *, forbid_extra_keys: bool = True, text: TextConverter | None = None):
        super().__init__(
            forbid_extra_keys=forbid_extra_keys,
            unstruct_collection_overrides={
                cabc.Set: list,
                cabc.MutableSet: list,
                frozenset: list,
                tuple: list,
            },
        )
        #: The rules for strings from the path, query string, headers and cookies.
        self.text = text if text is not None else TextConverter()
        self._variants: dict[bool, Converter] = {}
        self._structure_func = _fresh_structure_dispatch(self)
        _install_common(self)
        self.register_structure_hook_factory(
            _is_sequence, _sequence_factory(_json_sequence, describe)
        )
        self.register_structure_hook_factory(_is_set, _sequence_factory(_json_sequence, describe))
        self.register_structure_hook_factory(_is_tuple, _tuple_factory(_json_sequence, describe))
        self.register_structure_hook_factory(_is_mapping, _json_mapping_factory)
        self.register_structure_hook_factory(_is_enum, _json_enum_factory)
        self.register_structure_hook_factory(_is_literal, _json_literal_factory)
        self.register_structure_hook_factory(_is_union, _json_union_factory)
        scalars: list[tuple[Any, StructureHook]] = [
            (str, _json_str),
            (int, _json_int),
            (float, _json_float),
            (bool, _json_bool),
            (Decimal, _json_decimal),
            (uuid.UUID, _json_text_parser(_parse_uuid, uuid.UUID)),
            (dt.date, _json_text_parser(_parse_date, dt.date)),
            (dt.datetime, _json_text_parser(_parse_datetime, dt.datetime)),
            (dt.time, _json_text_parser(_parse_time, dt.time)),
        ]
        for scalar, hook in scalars:
            self.register_structure_hook_func(_is_exactly(scalar), hook)
        self._struct_copy_skip = self._structure_func.get_num_fns()

        self.register_unstructure_hook(Decimal, str)
        self.register_unstructure_hook(uuid.UUID, str)
        self.register_unstructure_hook(dt.datetime, _isoformat)
        self.register_unstructure_hook(dt.date, _isoformat)
        self.register_unstructure_hook(dt.time, _isoformat)
        self.register_unstructure_hook_factory(_is_attrs, _attrs_unstructure_factory)
        self._unstruct_copy_skip = self._unstructure_func.get_num_fns()

    def with_unknown_fields(self, *, reject: bool) -> Converter:
        """Return this converter, or a copy that rejects or ignores unknown fields.

        The copy keeps every hook registered on this converter and is cached,
        so asking twice returns the same object.
        """
        if reject == self.forbid_extra_keys:
            return self
        variant = self._variants.get(reject)
        if variant is None:
            variant = self.copy(forbid_extra_keys=reject)
            self._variants[reject] = variant
        return variant

    def copy(self, *args: Any, **kwargs: Any) -> Self:
        """Return a copy with the same hooks (``forbid_extra_keys`` may change)."""
        if args or set(kwargs) - {"forbid_extra_keys"}:
            raise TypeError("Converter.copy() only accepts forbid_extra_keys=.")
        forbid = kwargs.get("forbid_extra_keys")
        clone = type(self)(
            forbid_extra_keys=self.forbid_extra_keys if forbid is None else bool(forbid),
            text=self.text,
        )
        self._structure_func.copy_to(clone._structure_func, self._struct_copy_skip)
        self._unstructure_func.copy_to(clone._unstructure_func, self._unstruct_copy_skip)
        return clone


def _attrs_unstructure_factory(tp: Any, converter: cattrs.Converter) -> Callable[[Any], Any]:
    cls = typing.get_origin(tp) or tp
    attrs.resolve_types(cls)
    renames = {
        attribute.name: override(rename=wire_name(attribute))
        for attribute in attrs.fields(cls)
        if wire_name(attribute) != attribute.name
    }
    overrides: dict[str, Any] = renames
    return make_dict_unstructure_fn(tp, converter, **overrides)


def make_converter(*, forbid_extra_keys: bool = True) -> Converter:
    """Return a new converter with resourceful's JSON and text rules."""
    return Converter(forbid_extra_keys=forbid_extra_keys)
