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
import datetime as dt
import enum
import itertools
import linecache
import math
import re
import threading
import types
import typing
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
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


#: One problem as the hooks pass it around: ``(pointer, detail)``.
Found = tuple[str, str]


class InvalidData(ValueError):
    """Input that cannot be structured into the requested type.

    :attr:`violations` lists every problem found, each with its own pointer.
    """

    # PERF: hooks collect cheap ``(pointer, detail)`` pairs (``pairs``) while
    # an error travels up through nested containers; Violation records are
    # built only when someone asks for ``violations``.
    pairs: list[Found]

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__()
        self.pairs = [(v.pointer, v.detail) for v in violations]

    @classmethod
    def of(cls, pairs: list[Found]) -> InvalidData:
        """Return an error made of ``(pointer, detail)`` pairs."""
        exc = cls.__new__(cls)
        exc.pairs = pairs
        return exc

    @classmethod
    def at_root(cls, detail: str) -> InvalidData:
        """Return an error about the whole value."""
        exc = cls.__new__(cls)
        exc.pairs = [("", detail)]
        return exc

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Every problem found, in order."""
        return tuple(Violation(pointer, detail) for pointer, detail in self.pairs)

    def under(self, segment: str | int) -> list[Violation]:
        """Return the violations with ``segment`` prepended to their pointers."""
        prefix = "/" + escape_pointer(str(segment))
        return [Violation(prefix + pointer, detail) for pointer, detail in self.pairs]

    def __str__(self) -> str:
        return "; ".join(f"{pointer or '/'}: {detail}" for pointer, detail in self.pairs)

    def __repr__(self) -> str:
        return f"InvalidData({self.violations!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.violations,))


def violations_from(exc: Exception) -> list[Violation]:
    """Turn an exception from a (possibly user-written) hook into violations."""
    return [Violation(pointer, detail) for pointer, detail in pairs_from(exc)]


def pairs_from(exc: Exception, prefix: str = "") -> list[Found]:
    """Return an exception's problems as ``(pointer, detail)`` pairs under ``prefix``."""
    if isinstance(exc, InvalidData):
        if not prefix:
            return exc.pairs
        return [(prefix + pointer, detail) for pointer, detail in exc.pairs]
    if isinstance(exc, BaseValidationError):
        return [(prefix, message) for message in cattrs.transform_error(exc)]
    return [(prefix, str(exc) or type(exc).__name__)]


# -- collecting problems without raising -------------------------------------

#: What a collector returns for a value it could not structure.
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "FAILED"})()

#: ``collect(value, type, found)``: the structured value, or :data:`FAILED`
#: after appending the problems to ``found`` as ``(pointer, detail)`` pairs
#: relative to ``value``.
Collector = Callable[[Any, Any, list[Found]], Any]

# PERF: raising and catching an exception at every level of a nested value
# costs more than the checks themselves. resourceful's own hooks have a
# collector that appends problems to a list instead; containers call their
# members' collectors and prefix the pointers of new problems only when
# something failed. Hooks registered by users are called and their
# exceptions caught (see collector_of).
_collectors: weakref.WeakKeyDictionary[Any, Collector] = weakref.WeakKeyDictionary()


def _with_collector(hook: StructureHook, collect: Collector) -> StructureHook:
    _collectors[hook] = collect
    return hook


def _raising(collect: Collector, name: str) -> StructureHook:
    """Return the hook (raising :class:`InvalidData`) of a collector."""

    def hook(value: Any, tp: Any) -> Any:
        found: list[Found] = []
        result = collect(value, tp, found)
        if result is FAILED:
            raise InvalidData.of(found)
        return result

    hook.__name__ = hook.__qualname__ = name
    return _with_collector(hook, collect)


def collector_of(hook: StructureHook) -> Collector:
    """Return the collector of ``hook`` (an adapter for hooks that only raise)."""
    if isinstance(hook, _LazyHook):
        return hook.collect
    try:
        collect = _collectors.get(hook)
    except TypeError:  # not weak-referenceable: a user's callable object
        collect = None
    if collect is not None:
        return collect

    def collect_raised(value: Any, tp: Any, found: list[Found]) -> Any:
        try:
            return hook(value, tp)
        except INPUT_ERRORS as exc:
            found += pairs_from(exc)
            return FAILED

    return collect_raised


def _prefix(found: list[Found], start: int, segment: str) -> None:
    """Prepend ``segment`` to the pointers of the problems from ``start`` on."""
    for index in range(start, len(found)):
        pointer, detail = found[index]
        found[index] = (segment + pointer, detail)


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

#: A compiled validator: ``check(instance, attribute, value)`` returns the
#: failures as ``(pointer, detail)`` pairs (``[]`` when the value is valid).
Check = Callable[[Any, Any, Any], list[Found]]


def _length_unit(value: Any, count: int) -> str:
    unit = "character" if isinstance(value, str) else "item"
    return unit if count == 1 else unit + "s"


def _leaf_message(validator: Any, value: Any, message: str) -> str:
    """Say what a common attrs validator expected, instead of its own message."""
    name = type(validator).__name__
    if name == "_NumberValidator":
        words = {
            ">=": "at least",
            ">": "greater than",
            "<=": "at most",
            "<": "less than",
        }.get(validator.compare_op)
        if words is not None:
            return f"must be {words} {validator.bound}, got {describe(value)}"
    elif name == "_MinLengthValidator":
        unit = _length_unit(value, validator.min_length)
        return f"must have at least {validator.min_length} {unit}, got {len(value)}"
    elif name == "_MaxLengthValidator":
        unit = _length_unit(value, validator.max_length)
        return f"must have at most {validator.max_length} {unit}, got {len(value)}"
    elif name == "_MatchesReValidator":
        return f'must match the pattern "{validator.pattern.pattern}", got {describe(value)}'
    elif name == "_InValidator":
        options = getattr(validator, "_original_options", validator.options)
        return f"must be {_one_of(list(options))}, got {describe(value)}"
    elif name == "_InstanceOfValidator":
        kinds = validator.type if isinstance(validator.type, tuple) else (validator.type,)
        names = " or ".join(getattr(k, "__name__", repr(k)) for k in kinds)
        return f"must be an instance of {names}, got {describe(value)}"
    return message


def compile_validator(validator: Any) -> Check:
    """Return a check that runs ``validator`` and explains each failure with a pointer.

    Composite validators (``and_``, ``optional``, ``deep_iterable``,
    ``deep_mapping``) are taken apart once, here, so that a failing list
    member is reported at its own index; the common leaf validators get
    messages that say what was expected.
    """
    name = type(validator).__name__
    if name == "_AndValidator":
        parts = tuple(compile_validator(inner) for inner in validator._validators)

        def check_all(instance: Any, attribute: Any, value: Any) -> list[Found]:
            found: list[Found] = []
            for part in parts:
                found += part(instance, attribute, value)
            return found

        return check_all
    if name == "_OptionalValidator":
        inner = compile_validator(validator.validator)

        def check_optional(instance: Any, attribute: Any, value: Any) -> list[Found]:
            return [] if value is None else inner(instance, attribute, value)

        return check_optional
    if name in ("_MinLengthValidator", "_MaxLengthValidator"):
        return _compile_length(validator)
    if name == "_DeepIterable":
        return _compile_deep_iterable(validator)
    if name == "_DeepMapping":
        return _compile_deep_mapping(validator)

    def check_leaf(instance: Any, attribute: Any, value: Any) -> list[Found]:
        try:
            validator(instance, attribute, value)
        except (ValueError, TypeError, AttributeError) as exc:
            message = str(exc) or type(exc).__name__
            return [("", _leaf_message(validator, value, message))]
        return []

    return check_leaf


def _compile_length(validator: Any) -> Check:
    # PERF: the length bounds are checked here rather than by calling the
    # validator and catching its exception (the same test attrs makes).
    minimum = getattr(validator, "min_length", None)
    maximum = getattr(validator, "max_length", None)

    def check_length(instance: Any, attribute: Any, value: Any) -> list[Found]:
        try:
            size = len(value)
        except TypeError as exc:
            return [("", str(exc) or type(exc).__name__)]
        if minimum is not None and size < minimum:
            unit = _length_unit(value, minimum)
            return [("", f"must have at least {minimum} {unit}, got {size}")]
        if maximum is not None and size > maximum:
            unit = _length_unit(value, maximum)
            return [("", f"must have at most {maximum} {unit}, got {size}")]
        return []

    return check_length


def _compile_deep_iterable(validator: Any) -> Check:
    outer = (
        compile_validator(validator.iterable_validator)
        if validator.iterable_validator is not None
        else None
    )
    member = compile_validator(validator.member_validator)

    def check_iterable(instance: Any, attribute: Any, value: Any) -> list[Found]:
        found = outer(instance, attribute, value) if outer is not None else []
        try:
            members = list(value)
        except TypeError:
            return found
        for index, item in enumerate(members):
            found += [(f"/{index}{p}", d) for p, d in member(instance, attribute, item)]
        return found

    return check_iterable


def _compile_deep_mapping(validator: Any) -> Check:
    outer = (
        compile_validator(validator.mapping_validator)
        if validator.mapping_validator is not None
        else None
    )
    keys = compile_validator(validator.key_validator) if validator.key_validator else None
    values = compile_validator(validator.value_validator) if validator.value_validator else None

    def check_mapping(instance: Any, attribute: Any, value: Any) -> list[Found]:
        found = outer(instance, attribute, value) if outer is not None else []
        if not isinstance(value, Mapping):
            return found
        for key, item in value.items():
            prefix = "/" + escape_pointer(str(key))
            if keys is not None:
                found += [(prefix, f"invalid key: {d}") for _, d in keys(instance, attribute, key)]
            if values is not None:
                found += [(prefix + p, d) for p, d in values(instance, attribute, item)]
        return found

    return check_mapping


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
    #: The field's validator, compiled (``None``: no validator).
    check: Check | None

    @property
    def pointer(self) -> str:
        """The field's JSON pointer (``/wire_name``)."""
        return "/" + escape_pointer(self.wire)


class _LazyHook:
    """Stands in for the hook of a class whose hook is still being built.

    Only recursive classes need it: the field ``children: list[Node]`` of
    ``Node`` asks for ``Node``'s hook while that hook is being generated.
    """

    def __init__(self, converter: cattrs.Converter, tp: Any) -> None:
        self._converter = converter
        self._type = tp
        self._hook: StructureHook | None = None
        self._collect: Collector | None = None

    def __call__(self, value: Any, tp: Any) -> Any:
        hook = self._hook
        if hook is None:
            hook = self._hook = self._converter.get_structure_hook(self._type)
        return hook(value, tp)

    def collect(self, value: Any, tp: Any, found: list[Found]) -> Any:
        """Collect like the real hook's collector."""
        collect = self._collect
        if collect is None:
            hook = self._converter.get_structure_hook(self._type)
            collect = self._collect = collector_of(hook)
        return collect(value, tp, found)


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
                check=(
                    compile_validator(attribute.validator)
                    if attribute.validator is not None
                    else None
                ),
            )
        )
    forbid_unknown = bool(getattr(converter, "forbid_extra_keys", False))
    return _generate_structure_fn(cls, tuple(plans), forbid_unknown)


_generated_count = itertools.count(1)

#: The JSON scalar hooks whose check is inlined into generated code, with
#: the test a value passes to be returned as it is.
_INLINE_CHECKS: dict[Any, str] = {}

#: Item hooks that return a value of exactly this type unchanged: a list of
#: such values is checked in one pass (see ``_collect``).
_EXACT_ITEMS: dict[Any, type] = {}


def _generate_structure_fn(
    cls: Any, plans: tuple[_FieldPlan, ...], forbid_unknown: bool
) -> StructureHook:
    """Generate the structure function of one attrs class, like cattrs' ``make_dict_structure_fn``.

    PERF: the generated collector reads each field by its wire name in
    straight-line code, with the type checks of plain JSON scalars inlined
    and the other fields' collectors called directly, and calls the class
    once. Required fields are passed as keywords, fields with defaults only
    when present (so the class's own defaults and factories apply).
    """
    known = frozenset(plan.wire for plan in plans)
    known_list = ", ".join(sorted(known)) or "none"
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_Mapping": Mapping,
        "_MISSING": _MISSING,
        "_FAILED": FAILED,
        "_known": known,
        "_plans": plans,
        "_prefix": _prefix,
        "_check_fields": _check_fields,
        "_unknown": _unknown_fields,
        "_not_an_object": _not_an_object,
        "_isfinite": math.isfinite,
    }
    lines = [
        "def collect(value, _, found):",
        "    if value.__class__ is not dict and not isinstance(value, _Mapping):",
        "        found.append(('', _not_an_object(value)))",
        "        return _FAILED",
        "    start = len(found)",
        "    kw = {}",
    ]
    required_args: list[str] = []
    for index, plan in enumerate(plans):
        local = f"f{index}"
        namespace[f"c{index}"] = collector_of(plan.hook)
        namespace[f"t{index}"] = plan.type
        namespace[f"p{index}"] = plan.pointer
        lines.append(f"    raw = value.get({plan.wire!r}, _MISSING)")
        if plan.required:
            required_args.append(f"{plan.init_name}={local}")
            lines += [
                f"    {local} = _MISSING",
                "    if raw is _MISSING:",
                f"        found.append((p{index}, 'is required but missing'))",
            ]
            store = f"        {local} = raw"
            collect = [
                "        n = len(found)",
                f"        {local} = c{index}(raw, t{index}, found)",
                f"        if {local} is _FAILED:",
                f"            _prefix(found, n, p{index})",
                f"            {local} = _MISSING",
            ]
        else:
            lines += ["    if raw is _MISSING:", "        pass"]
            store = f"        kw[{plan.init_name!r}] = raw"
            collect = [
                "        n = len(found)",
                f"        raw = c{index}(raw, t{index}, found)",
                "        if raw is _FAILED:",
                f"            _prefix(found, n, p{index})",
                "        else:",
                f"            kw[{plan.init_name!r}] = raw",
            ]
        inline = _INLINE_CHECKS.get(plan.hook)
        if inline is not None:
            lines += [f"    elif {inline}:", store]
        lines += ["    else:", *collect]
    if forbid_unknown:
        lines += [
            "    if not _known.issuperset(value):",
            f"        found += _unknown(value, _known, {known_list!r})",
        ]
    values = ", ".join(
        f"f{index}" if plan.required else f"kw.get({plan.init_name!r}, _MISSING)"
        for index, plan in enumerate(plans)
    )
    values = f"({values},)" if plans else "()"
    call_args = ", ".join([*required_args, "**kw"])
    lines += [
        "    if len(found) > start:",
        f"        _check_fields(_cls, _plans, {values}, found)",
        "        return _FAILED",
        "    try:",
        f"        return _cls({call_args})",
        "    except (ValueError, TypeError) as exc:",
        "        # A validator failed (attrs stops at the first one and names no",
        "        # path): run each field's validator on its own to find them all.",
        f"        _check_fields(_cls, _plans, {values}, found)",
        "        if len(found) == start:",
        "            found.append(('', str(exc)))",
        "        return _FAILED",
    ]
    source = "\n".join(lines) + "\n"
    name = f"structure_{getattr(cls, '__name__', 'attrs')}"
    filename = f"<resourceful generated {name} #{next(_generated_count)}>"
    exec(compile(source, filename, "exec"), namespace)
    # Tracebacks through the generated function show its source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    collect_fn: Collector = namespace["collect"]
    collect_fn.__name__ = collect_fn.__qualname__ = f"collect_{name[10:]}"
    return _raising(collect_fn, name)


def _not_an_object(value: Any) -> str:
    return f"expected an object, got {describe(value)}"


def _unknown_fields(value: Mapping[Any, Any], known: frozenset[str], listed: str) -> list[Found]:
    return [
        ("/" + escape_pointer(str(key)), f"is not a known field; expected only: {listed}")
        for key in value
        if key not in known
    ]


def _check_fields(
    cls: Any, plans: Sequence[_FieldPlan], values: Sequence[Any], found: list[Found]
) -> None:
    """Append the failures of every field validator, each run on its own value."""
    found += _validate_fields(cls, plans, values)


def _validate_fields(cls: Any, plans: Sequence[_FieldPlan], values: Sequence[Any]) -> list[Found]:
    """Run every field validator on its own value and collect the failures.

    ``values`` holds each field's structured value, or ``_MISSING``.
    """
    instance = object.__new__(cls)
    for plan, value in zip(plans, values, strict=True):
        if value is not _MISSING:
            # PERF: try/except, not contextlib.suppress (a context manager per field).
            try:  # noqa: SIM105
                object.__setattr__(instance, plan.attribute.name, value)
            except AttributeError:  # a slot the class does not have
                pass
    found: list[Found] = []
    for plan, value in zip(plans, values, strict=True):
        check = plan.check
        if check is None or value is _MISSING:
            continue
        attribute = plan.attribute
        converter = attribute.converter
        if converter is not None and callable(converter):
            try:
                value = converter(value)
            except (ValueError, TypeError) as exc:
                found.append((plan.pointer, str(exc)))
                continue
        prefix = plan.pointer
        found += [
            (prefix + pointer, detail) for pointer, detail in check(instance, attribute, value)
        ]
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


def _collect_items(
    items: Sequence[Any], collect: Collector, exact: type | None, tp: Any, found: list[Found]
) -> Any:
    """Collect every item into a list; :data:`FAILED` if any is invalid (each at its index)."""
    first = 0
    if exact is not None:
        # PERF: a list of plain strings (or ints, bools) is the common case:
        # check the item types in one pass, without a call per item.
        for item in items:
            if item.__class__ is not exact:
                break
            first += 1
        else:
            return list(items)
    result: list[Any] = list(items[:first])
    failed = False
    for index in range(first, len(items)):
        item = items[index]
        start = len(found)
        value = collect(item, tp, found)
        if value is FAILED:
            _prefix(found, start, f"/{index}")
            failed = True
        else:
            result.append(value)
    return FAILED if failed else result


def _collect(items: Sequence[Any], hook: StructureHook, tp: Any) -> list[Any]:
    """Structure every item; raise one error listing every bad item at its index."""
    found: list[Found] = []
    result = _collect_items(items, collector_of(hook), _EXACT_ITEMS.get(hook), tp, found)
    if result is FAILED:
        raise InvalidData.of(found)
    return result  # type: ignore[no-any-return]


def _sequence_factory(
    accept: Callable[[Any], Sequence[Any] | None], describe_value: Callable[[Any], str]
) -> Callable[[Any, cattrs.Converter], StructureHook]:
    def factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
        origin = typing.get_origin(tp) or tp
        args = typing.get_args(tp)
        item_type = args[0] if args else Any
        build = _SEQUENCES.get(origin) or _SETS[origin]
        hook = _element_hook(converter, item_type, f"the items of {tp!r}")
        collect_item = collector_of(hook)
        exact = _EXACT_ITEMS.get(hook)

        def collect_sequence(value: Any, _: Any, found: list[Found]) -> Any:
            items = accept(value)
            if items is None:
                found.append(("", f"expected an array, got {describe_value(value)}"))
                return FAILED
            result = _collect_items(items, collect_item, exact, item_type, found)
            if result is FAILED or build is list:
                return result
            return build(result)

        return _raising(collect_sequence, "structure_sequence")

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
            found: list[Found] = []
            for index, (item, hook, item_type) in enumerate(zip(items, hooks, args, strict=True)):
                try:
                    result.append(hook(item, item_type))
                except INPUT_ERRORS as exc:  # noqa: PERF203 - every item gets its own report
                    found += pairs_from(exc, f"/{index}")
            if found:
                raise InvalidData.of(found)
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


def _collect_str(value: Any, _: Any, found: list[Found]) -> Any:
    if isinstance(value, str):
        return value
    found.append(("", f"expected a string, got {describe(value)}"))
    return FAILED


def _collect_int(value: Any, tp: Any, found: list[Found]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    found.append(("", f"expected an integer, got {describe(value)}"))
    return FAILED


def _collect_bool(value: Any, _: Any, found: list[Found]) -> Any:
    if value is True or value is False:
        return value
    found.append(("", f"expected a boolean (true or false), got {describe(value)}"))
    return FAILED


_with_collector(_json_str, _collect_str)
_with_collector(_json_int, _collect_int)
_with_collector(_json_bool, _collect_bool)


#: Checks inlined into generated attrs functions for the default JSON scalar
#: hooks (a hook registered by the user is called instead).
_INLINE_CHECKS.update(
    {
        _json_str: "raw.__class__ is str",
        _json_int: "raw.__class__ is int",
        _json_bool: "raw is True or raw is False",
        _json_float: "raw.__class__ is float and _isfinite(raw)",
    }
)


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

    def collect_from_string(value: Any, _: Any, found: list[Found]) -> Any:
        if isinstance(value, str):
            parsed = parse(value)
            if parsed is not None:
                return parsed
        found.append(("", f"expected {noun}, got {describe(value)}"))
        return FAILED

    return _raising(collect_from_string, "structure_from_string")


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
        found: list[Found] = []
        for raw_key, raw_value in value.items():
            key = raw_key
            pointer = "/" + escape_pointer(str(raw_key))
            if key_hook is not None:
                try:
                    key = key_hook(raw_key, key_type)
                except InvalidData as exc:
                    details = "; ".join(detail for _, detail in exc.pairs)
                    found.append((pointer, f"invalid key: {details}"))
                    continue
            try:
                result[key] = value_hook(raw_value, value_type)
            except INPUT_ERRORS as exc:
                found += pairs_from(exc, pointer)
        if found:
            raise InvalidData.of(found)
        return result

    return structure_mapping


def _exact_scalar(tp: Any) -> type | None:
    tp = _strip(tp)
    return tp if tp in (str, int, float, bool) else None


def _json_union_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    nullable, classes, others = _union_parts(tp)
    wanted = expected(tp)
    tagged_collect: Collector | None = None
    if len(classes) == 1:
        only = classes[0]
        only_collect = collector_of(_element_hook(converter, only, repr(tp)))

        def tagged_single(value: Any, _: Any, found: list[Found]) -> Any:
            return only_collect(value, only, found)

        tagged_collect = tagged_single
    elif classes:
        tag, owners = _tag_field(classes)
        collectors = {
            _value_key(value): (collector_of(_element_hook(converter, cls, repr(tp))), cls)
            for value, cls in owners.items()
        }
        tag_wanted = _one_of(list(owners))
        tag_pointer = "/" + escape_pointer(tag)

        def tagged_many(value: Any, _: Any, found: list[Found]) -> Any:
            if tag not in value:
                found.append((tag_pointer, f"is required; expected {tag_wanted}"))
                return FAILED
            try:
                collect, cls = collectors[_value_key(value[tag])]
            except (KeyError, TypeError):
                found.append((tag_pointer, f"expected {tag_wanted}, got {describe(value[tag])}"))
                return FAILED
            return collect(value, cls, found)

        tagged_collect = tagged_many

    other_hooks = [(_element_hook(converter, o, repr(tp)), o) for o in others]
    exact = {
        scalar: (hook, other)
        for hook, other in other_hooks
        if (scalar := _exact_scalar(other)) is not None
    }

    other_collectors = [(collector_of(hook), other) for hook, other in other_hooks]
    exact_collectors = {
        scalar: (collector_of(hook), other) for scalar, (hook, other) in exact.items()
    }

    def collect_union(value: Any, _: Any, found: list[Found]) -> Any:
        if value is None and nullable:
            return None
        if tagged_collect is not None and isinstance(value, Mapping):
            return tagged_collect(value, tp, found)
        match = exact_collectors.get(type(value))
        if match is not None:
            return match[0](value, match[1], found)
        for collect, other in other_collectors:
            attempt: list[Found] = []
            result = collect(value, other, attempt)
            if result is not FAILED:
                return result
        found.append(("", f"expected {wanted}, got {describe(value)}"))
        return FAILED

    return _raising(collect_union, "structure_union")


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


_EXACT_ITEMS.update({_json_str: str, _json_int: int, _json_bool: bool, _text_str: str})


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
