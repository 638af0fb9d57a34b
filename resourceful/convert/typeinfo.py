"""What a type is: wrappers removed, its kind, its attrs fields, its union's tag, Unset.

The one vocabulary the converter, binding, rendering, errors and the
OpenAPI generator use to ask what a type is. Read when hooks, binders and
schemas are built (once per type), never per value.
"""

from __future__ import annotations

import collections.abc as cabc
import enum
import sys
import types
import typing
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Literal, TypeVar, Union

import attrs

from ..errors import DefinitionError, display_name
from ..fields import UNSET, Unset, field_info, wire_name

# -- kinds of types -------------------------------------------------------------

#: Sequence origins, with the type a structured list is built as.
SEQUENCES: dict[Any, Callable[[list[Any]], Any]] = {
    list: list,
    cabc.Sequence: list,
    cabc.MutableSequence: list,
}
#: Set origins, with the type a structured set is built as.
SETS: dict[Any, Callable[[list[Any]], Any]] = {
    set: set,
    frozenset: frozenset,
    cabc.Set: frozenset,
    cabc.MutableSet: set,
}
#: Mapping origins (structured as a dict).
MAPPINGS: set[Any] = {
    dict,
    cabc.Mapping,
    cabc.MutableMapping,
}
#: Types that take any value unchanged.
ANY_TYPES: set[Any] = {Any, object}


def unwrap(tp: Any) -> Any:
    """Remove ``Annotated``, ``NewType`` and ``Final`` wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated or origin is typing.Final:
            tp = typing.get_args(tp)[0]
        elif hasattr(tp, "__supertype__"):
            tp = tp.__supertype__
        else:
            return tp


def is_union(tp: Any) -> bool:
    """Return whether ``tp`` is a ``Union`` or an ``X | Y``."""
    origin = typing.get_origin(tp)
    return origin is Union or origin is types.UnionType


def union_of(members: Sequence[Any]) -> Any:
    """Return the union of ``members`` (one member is returned as is)."""
    return Union[tuple(members)]  # noqa: UP007 - built from a tuple of members


def is_optional(tp: Any) -> bool:
    """Return whether ``tp`` is a union that allows ``None``."""
    return is_union(tp) and type(None) in typing.get_args(tp)


def strip_optional(tp: Any) -> Any:
    """Return ``X`` for ``X | None`` (``Optional[X]``); any other type unchanged."""
    if is_union(tp):
        members = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(members) == 1:
            return members[0]
    return tp


def allows_unset(tp: Any) -> bool:
    """Return whether ``tp`` is a union with :class:`~resourceful.fields.Unset` in it."""
    tp = unwrap(tp)
    return is_union(tp) and Unset in typing.get_args(tp)


def strip_unset(tp: Any) -> Any:
    """Return the union ``tp`` without ``Unset`` (``X`` for ``X | Unset``); others unchanged.

    What binding structures and the schema describes: ``Unset`` only says
    that the key may be absent.
    """
    tp = unwrap(tp)
    if not is_union(tp):
        return tp
    members = [arg for arg in typing.get_args(tp) if arg is not Unset]
    return members[0] if len(members) == 1 else union_of(members)


def unset_fields(tp: Any) -> frozenset[str]:
    """Return the attribute names of the fields of ``tp`` that may be ``UNSET``.

    Raise :class:`DefinitionError` for such a field whose default is not
    ``UNSET``: an absent key must leave the field ``UNSET``, which only that
    default does.
    """
    names: set[str] = set()
    for attribute, ftype in attrs_fields(tp):
        if not allows_unset(ftype):
            continue
        if attribute.default is not UNSET:
            cls = typing.get_origin(tp) or tp
            raise DefinitionError(
                f"{display_name(cls)}.{attribute.name} may be Unset, so its default must be"
                f" UNSET (an absent key leaves it UNSET): write `{attribute.name}:"
                f" {type_name(ftype)} = UNSET`."
            )
        if attribute.validator is not None:
            _check_validator_takes_unset(tp, attribute)
        names.add(attribute.name)
    return frozenset(names)


def _check_validator_takes_unset(tp: Any, attribute: attrs.Attribute[Any]) -> None:
    # attrs validates defaults too: a validator that refuses UNSET makes
    # every request that leaves the field out fail.
    try:
        attribute.validator(None, attribute, UNSET)  # type: ignore[misc]
    except Exception as exc:
        cls = typing.get_origin(tp) or tp
        raise DefinitionError(
            f"The validator of {display_name(cls)}.{attribute.name} refuses UNSET, its default"
            f" ({type(exc).__name__}: {exc}), so leaving the field out would fail: wrap it,"
            f" `validator=unless_unset(...)` (from resourceful.fields), or declare the field"
            " with resourceful.field(default=UNSET, validator=...), which does."
        ) from exc


def read_only_fields(tp: Any) -> frozenset[str]:
    """Return the wire names of the fields of ``tp`` marked ``field(read_only=True)``."""
    return frozenset(
        wire_name(attribute) for attribute, _ in attrs_fields(tp) if field_info(attribute).read_only
    )


def is_literal(tp: Any) -> bool:
    """Return whether ``tp`` is a ``Literal``."""
    return typing.get_origin(tp) is Literal


def is_wrapped(tp: Any) -> bool:
    """Return whether ``tp`` has wrappers that :func:`unwrap` removes."""
    return unwrap(tp) is not tp


def is_enum(tp: Any) -> bool:
    """Return whether ``tp`` is an ``Enum`` class."""
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def is_sequence(tp: Any) -> bool:
    """Return whether ``tp`` is a list or a sequence ABC (bare or parametrised)."""
    return (typing.get_origin(tp) or tp) in SEQUENCES


def is_set(tp: Any) -> bool:
    """Return whether ``tp`` is a set, frozenset or set ABC (bare or parametrised)."""
    return (typing.get_origin(tp) or tp) in SETS


def is_tuple(tp: Any) -> bool:
    """Return whether ``tp`` is a tuple type (bare or parametrised)."""
    return tp is tuple or typing.get_origin(tp) is tuple or tp is typing.Tuple  # noqa: UP006


def is_mapping(tp: Any) -> bool:
    """Return whether ``tp`` is a dict or a mapping ABC (bare or parametrised)."""
    return (typing.get_origin(tp) or tp) in MAPPINGS


def is_attrs(tp: Any) -> bool:
    """Return whether ``tp`` is an attrs class or a generic alias of one."""
    return attrs.has(typing.get_origin(tp) or tp)


def holds_attrs_class(tp: Any) -> bool:
    """Return whether ``tp`` is, or holds, an attrs class.

    Held means anywhere inside: a union member, an item, a mapping's value, a
    generic argument; wrappers (``Annotated``, ``NewType``) are looked
    through, and ``Literal`` arguments are values, never classes.
    """
    tp = unwrap(tp)
    cls = typing.get_origin(tp) or tp
    if isinstance(cls, type) and attrs.has(cls):
        return True
    if cls is Literal:
        return False
    return any(holds_attrs_class(arg) for arg in typing.get_args(tp) if arg is not Ellipsis)


def is_collection(tp: Any) -> bool:
    """Return whether ``tp`` is a sequence, set or tuple type (bare or parametrised)."""
    return is_sequence(tp) or is_set(tp) or is_tuple(tp)


def is_multi_valued(tp: Any) -> bool:
    """Return whether a query/header field of type ``tp`` takes repeated values."""
    tp = unwrap(tp)
    if is_union(tp):
        return any(is_multi_valued(arg) for arg in typing.get_args(tp) if arg is not type(None))
    return is_collection(tp)


def type_name(tp: Any) -> str:
    """Return a readable name for a type (``list[Todo]``, ``int | None``), for messages."""
    if tp is None or tp is type(None):
        return "None"
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin is not None and args:
        if is_union(tp):
            return " | ".join(type_name(arg) for arg in args)
        if origin is Literal:
            return f"Literal[{', '.join(repr(arg) for arg in args)}]"
        if origin is typing.Annotated:
            return type_name(args[0])
        names = ", ".join("..." if arg is Ellipsis else type_name(arg) for arg in args)
        return f"{type_name(origin)}[{names}]"
    if isinstance(tp, type):
        return display_name(tp)
    return repr(tp).replace("typing.", "")


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


def resolve_nested(tp: Any, globalns: dict[str, Any], localns: Mapping[str, Any]) -> Any:
    """Evaluate string forward references left inside generic types.

    Python 3.10's ``typing.get_type_hints`` resolves ``"list[Node]"`` but
    not the ``'Node'`` inside ``list['Node']``; 3.11 and later resolve both.
    ``Literal`` arguments are values, never names, and are left alone.
    """
    if isinstance(tp, str):
        # An annotation is code by definition: typing evaluates it the same way.
        return eval(tp, globalns, dict(localns))
    if isinstance(tp, typing.ForwardRef):
        return eval(tp.__forward_arg__, globalns, dict(localns))
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if not args or origin is Literal:
        return tp
    if origin is typing.Annotated:
        inner = resolve_nested(args[0], globalns, localns)
        if inner is args[0]:
            return tp
        params = (inner, *tp.__metadata__)
        return typing.Annotated[params]
    resolved = tuple(resolve_nested(arg, globalns, localns) for arg in args)
    if all(new is old for new, old in zip(resolved, args, strict=True)):
        return tp
    if is_union(tp):
        return union_of(resolved)
    if isinstance(tp, types.GenericAlias):
        return types.GenericAlias(origin, resolved)
    return tp.copy_with(resolved)


#: The fields of plain (not generic) attrs classes, once their annotations resolved.
#: PERF: the pairs of a class are the items of a dict (the dict and its view
#: stay alive with the class), not a tuple of pairs (a tracked tuple each).
_fields_of: weakref.WeakKeyDictionary[type, Collection[tuple[attrs.Attribute[Any], Any]]] = (
    weakref.WeakKeyDictionary()
)


def resolve_types(cls: type[Any]) -> None:
    """Resolve the string annotations of the attrs class ``cls``, nested ones included.

    Like ``attrs.resolve_types``, it stores the types on the class's fields,
    so everything that reads ``attribute.type`` afterwards sees real types.
    """
    if cls in _fields_of:
        return  # resolved (and its fields recorded) before
    if not any(
        attribute.type is None or _unresolved(attribute.type) for attribute in attrs.fields(cls)
    ):
        # PERF: nothing to resolve (typing makes a bare None NoneType); attrs
        # would still store a copy of every generic type (typing remakes
        # them), which stays alive with the class.
        return
    attrs.resolve_types(cls)
    module = sys.modules.get(cls.__module__)
    globalns = dict(vars(module)) if module is not None else {}
    localns = {cls.__name__: cls}
    for attribute in attrs.fields(cls):
        if attribute.type is None:
            continue
        resolved = resolve_nested(attribute.type, globalns, localns)
        if resolved is not attribute.type:
            # NOTE: attrs stores resolved types the same way (fields are frozen).
            object.__setattr__(attribute, "type", resolved)


def _unresolved(tp: Any) -> bool:
    """Return whether the annotation ``tp`` is, or holds, a name still to resolve."""
    if isinstance(tp, str | typing.ForwardRef):
        return True
    if typing.get_origin(tp) is Literal:
        return False
    return any(_unresolved(arg) for arg in typing.get_args(tp))


def attrs_fields(tp: Any) -> Collection[tuple[attrs.Attribute[Any], Any]]:
    """Return the ``(attribute, resolved type)`` pairs of an attrs class or alias, in order.

    String annotations are resolved and the type variables of a generic class
    (``Page[Todo]``) are substituted.
    """
    if isinstance(tp, type):
        # PERF: binding, rendering, the checks and the document each ask for
        # the fields of the same classes; resolving copies the module's names.
        known = _fields_of.get(tp)
        if known is not None:
            return known
    cls = typing.get_origin(tp) or tp
    try:
        resolve_types(cls)
    except NameError as exc:
        raise DefinitionError(
            f"Cannot resolve the annotations of {display_name(cls)}: {exc}. "
            "Define the names it refers to at module level, before the class is used."
        ) from exc
    mapping = _typevar_map(tp)
    pairs = tuple(
        (attribute, _substitute(attribute.type if attribute.type is not None else Any, mapping))
        for attribute in attrs.fields(cls)
    )
    if cls is not tp:
        return pairs
    fields: Collection[tuple[attrs.Attribute[Any], Any]]
    try:
        fields = dict(pairs).items()
    except TypeError:  # an attribute attrs cannot hash (its default is a list, say)
        fields = pairs
    _fields_of[cls] = fields
    return fields


# -- unions of attrs classes ---------------------------------------------------


def union_parts(tp: Any) -> tuple[bool, list[Any], list[Any]]:
    """Split a union into (allows None, attrs classes, other members)."""
    args = typing.get_args(tp)
    nullable = type(None) in args
    classes = [a for a in args if a is not type(None) and is_attrs(a)]
    others = [a for a in args if a is not type(None) and not is_attrs(a)]
    return nullable, classes, others


def tag_field(classes: Sequence[Any]) -> tuple[str, tuple[tuple[Any, Any], ...]]:
    """Find the tag field that tells the attrs classes of a union apart.

    The one rule, for binding and for the OpenAPI ``discriminator``: the
    first field (in the first class's field order) present by wire name in
    every class whose type is a ``Literal``, with values no two classes
    share. Values are compared as they appear in JSON: an enum member by its
    value, and ``true`` is not ``1``. Return the field's wire name and its
    ``(JSON value, class)`` pairs; raise :class:`DefinitionError` when no
    field qualifies.
    """
    per_class: list[dict[str, tuple[Any, ...]]] = []
    for cls in classes:
        literals: dict[str, tuple[Any, ...]] = {}
        for attribute, ftype in attrs_fields(cls):
            ftype = unwrap(ftype)
            if is_literal(ftype):
                literals[wire_name(attribute)] = typing.get_args(ftype)
        per_class.append(literals)
    for wire in per_class[0]:
        if not all(wire in literals for literals in per_class):
            continue
        owners: list[tuple[Any, Any]] = []
        seen: set[tuple[type, Any]] = set()
        clash = False
        for cls, literals in zip(classes, per_class, strict=True):
            for value in literals[wire]:
                plain = value.value if isinstance(value, enum.Enum) else value
                key = (type(plain), plain)
                if key in seen:
                    clash = True
                seen.add(key)
                owners.append((plain, cls))
        if not clash:
            return wire, tuple(owners)
    names = " | ".join(display_name(c) for c in classes)
    first = getattr(classes[0], "__name__", "a").lower()
    raise DefinitionError(
        f"Cannot tell the classes of the union {names} apart: give every class a tag "
        "field with a Literal type and its own value, for example "
        f'`kind: Literal["{first}"] = "{first}"`.'
    )


def is_exactly(tp: Any) -> Callable[[Any], bool]:
    """Return a predicate that is true for ``tp`` itself only (not its subclasses)."""

    def predicate(candidate: Any) -> bool:
        return candidate is tp

    return predicate
