"""The JSON rules: a value's JSON type must match the declared type.

``"false"`` is not a bool, ``3.9`` is not an int, ``1`` is not a str and
``true`` is not an int. Decimals, UUIDs, dates and times are strings.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import typing
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import cattrs

from .containers import COUNT_REFUSED, EXACT_ITEMS, element_hook, sequence_factory, tuple_factory
from .describe import NOUNS, describe, expected, one_of
from .hooks import (
    FAILED,
    Collector,
    StructureHook,
    collector_of,
    prefix_found,
    raising,
    with_collector,
)
from .parsers import (
    decimal_refusal,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_time,
    parse_uuid,
)
from .typeinfo import (
    ANY_TYPES,
    is_enum,
    is_exactly,
    is_literal,
    is_mapping,
    is_sequence,
    is_set,
    is_tuple,
    is_union,
    tag_field,
    union_parts,
    unwrap,
)
from .violations import CappedList, Found, InvalidData, escape_pointer


def _json_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise InvalidData.at_root(f"expected a string, got {describe(value)}")


def _json_int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        # JSON Schema's reading of `type: integer`: 6.0 is the integer 6.
        return int(value)
    raise InvalidData.at_root(f"expected an integer, got {describe(value)}")


#: Why an integer from JSON is refused for a float field.
_TOO_LARGE_FOR_FLOAT = (
    "expected a number within the range of a double (at most about 1.8e308), got {}"
)


def _json_float(value: Any, _: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer with more than 308 digits
            raise InvalidData.at_root(_TOO_LARGE_FOR_FLOAT.format(describe(value))) from None
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
    if isinstance(value, float) and value.is_integer():
        return int(value)
    found.append(("", f"expected an integer, got {describe(value)}"))
    return FAILED


def _collect_bool(value: Any, _: Any, found: list[Found]) -> Any:
    if value is True or value is False:
        return value
    found.append(("", f"expected a boolean (true or false), got {describe(value)}"))
    return FAILED


with_collector(_json_str, _collect_str)
with_collector(_json_int, _collect_int)
with_collector(_json_bool, _collect_bool)


#: The type checks that the generated attrs functions (:mod:`.attrs_gen`)
#: inline for the default JSON scalar hooks: the test a field's value
#: ``raw`` passes to be kept as it is. A hook registered by the user is not
#: in the table and is called instead. :class:`~.converter.Converter` hands
#: the table to the generator (``Converter.inline_checks``).
INLINE_CHECKS: Mapping[StructureHook, str] = MappingProxyType(
    {
        _json_str: "raw.__class__ is str",
        _json_int: "raw.__class__ is int",
        _json_bool: "raw is True or raw is False",
        _json_float: "raw.__class__ is float and _isfinite(raw)",
    }
)

#: What the generated attrs functions do when a field's inlined check fails
#: (see :data:`INLINE_CHECKS`): ``(condition, message)``, where the hook
#: surely refuses a value ``raw`` that meets ``condition``, with ``message``
#: followed by ``describe(raw)``. Any other value is given to the hook.
INLINE_REFUSALS: Mapping[StructureHook, tuple[str, str]] = MappingProxyType(
    {
        _json_str: ("not isinstance(raw, str)", "expected a string, got "),
        _json_int: (
            "raw is True or raw is False or not isinstance(raw, (int, float))",
            "expected an integer, got ",
        ),
        _json_bool: ("True", "expected a boolean (true or false), got "),
        _json_float: (
            "raw is True or raw is False or not isinstance(raw, (int, float))",
            "expected a number, got ",
        ),
    }
)

EXACT_ITEMS.update({_json_str: str, _json_int: int, _json_bool: bool})

#: The list hooks whose value, a ``list`` whose items are all of exactly one
#: class (``list[str]``: ``str``), is their answer, copied: the generated attrs
#: functions check that inline too, by the hook: ``(the items' class, their hook)``.
INLINE_LISTS: weakref.WeakKeyDictionary[StructureHook, tuple[type, StructureHook]] = (
    weakref.WeakKeyDictionary()
)


def _refused_strings(items: Sequence[Any]) -> int:
    return sum(1 for item in items if not isinstance(item, str))


def _refused_integers(items: Sequence[Any]) -> int:
    return sum(
        1
        for item in items
        if item.__class__ is not int
        and not (isinstance(item, int) and not isinstance(item, bool))
        and not (isinstance(item, float) and item.is_integer())
    )


def _refused_booleans(items: Sequence[Any]) -> int:
    return sum(1 for item in items if item is not True and item is not False)


#: Keyed by collector: the counts agree with _collect_str, _collect_int and _collect_bool.
COUNT_REFUSED.update(
    {
        _collect_str: _refused_strings,
        _collect_int: _refused_integers,
        _collect_bool: _refused_booleans,
    }
)


def _json_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, str):
        number = parse_decimal(value)
        if number is not None:
            return number
        refusal = decimal_refusal(value)
        if refusal is not None:
            raise InvalidData.at_root(refusal)
    elif isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)  # exact, however many digits JSON allowed
    elif isinstance(value, float) and math.isfinite(value):
        return Decimal(str(value))
    raise InvalidData.at_root(
        f'expected a decimal number (a number, or a string such as "12.50"), got {describe(value)}'
    )


#: The hooks of values sent as strings (dates, UUIDs...), alone or ``| None``:
#: ``(parse, nullable, message)``. The hook's answer is ``None`` for ``None``
#: when ``nullable``, ``parse(value)`` for a string it reads, and otherwise
#: the problem ``message`` followed by ``describe(value)``. The generated
#: attrs functions answer so inline (``Converter.inline_parsed``).
INLINE_PARSED: weakref.WeakKeyDictionary[StructureHook, tuple[Callable[[str], Any], bool, str]] = (
    weakref.WeakKeyDictionary()
)

#: The collectors of values sent as strings (dates, UUIDs...), by the parser
#: they call: a value is valid when it is a string the parser reads.
_TEXT_PARSERS: weakref.WeakKeyDictionary[Collector, Callable[[str], Any]] = (
    weakref.WeakKeyDictionary()
)


def _json_text_parser(parse: Callable[[str], Any], tp: Any) -> StructureHook:
    noun = NOUNS[tp]

    def collect_from_string(value: Any, _: Any, found: list[Found]) -> Any:
        if isinstance(value, str):
            parsed = parse(value)
            if parsed is not None:
                return parsed
        found.append(("", f"expected {noun}, got {describe(value)}"))
        return FAILED

    _TEXT_PARSERS[collect_from_string] = parse
    hook = raising(collect_from_string, "structure_from_string")
    INLINE_PARSED[hook] = (parse, False, f"expected {noun}, got ")
    return hook


def _value_key(value: Any) -> tuple[type, Any]:
    # True == 1 and hash(True) == hash(1): key on the type too so that a
    # JSON true never matches an enum or literal value 1.
    return (type(value), value)


def _json_enum_factory(tp: Any, _: cattrs.Converter) -> StructureHook:
    members = {_value_key(member.value): member for member in tp}
    wanted = one_of([member.value for member in tp])

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
    wanted = one_of([v.value if isinstance(v, enum.Enum) else v for v in values])

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
    key_type = unwrap(key_type)
    text = getattr(converter, "text", None)
    if key_type is str or key_type in ANY_TYPES:
        key_hook: StructureHook | None = None
    elif text is not None:
        key_hook = element_hook(text, key_type, f"the keys of {tp!r}")
    else:  # pragma: no cover - only with a hand-made converter
        key_hook = element_hook(converter, key_type, f"the keys of {tp!r}")
    value_hook = element_hook(converter, value_type, f"the values of {tp!r}")
    collect_value = collector_of(value_hook)

    def collect_mapping(value: Any, _: Any, found: list[Found]) -> Any:
        if not isinstance(value, Mapping):
            found.append(("", f"expected an object, got {describe(value)}"))
            return FAILED
        result: dict[Any, Any] = {}
        failed = False
        capped = found if isinstance(found, CappedList) else None
        members = iter(value.items())
        for raw_key, raw_value in members:
            key = raw_key
            if key_hook is not None:
                try:
                    key = key_hook(raw_key, key_type)
                except InvalidData as exc:
                    details = "; ".join(detail for _, detail in exc.pairs)
                    found.append(("/" + escape_pointer(str(raw_key)), f"invalid key: {details}"))
                    failed = True
                    if capped is not None and capped.room == 0:
                        _count_members(members, capped)
                        return FAILED
                    continue
            start = len(found)
            item = collect_value(raw_value, value_type, found)
            if item is FAILED:
                # PERF: the pointer is built only for a value that failed.
                prefix_found(found, start, "/" + escape_pointer(str(raw_key)))
                failed = True
                if capped is not None and capped.room == 0:
                    _count_members(members, capped)
                    return FAILED
            else:
                result[key] = item
        return FAILED if failed else result

    def _count_members(members: Any, found: CappedList[Found]) -> None:
        # The report is full: the remaining members' problems are only counted.
        scratch: list[Found] = []
        for raw_key, raw_value in members:
            if key_hook is not None:
                try:
                    key_hook(raw_key, key_type)
                except InvalidData:
                    found.omit(1)
                    continue
            collect_value(raw_value, value_type, scratch)
            found.omit(len(scratch))
            scratch.clear()

    return raising(collect_mapping, "structure_mapping")


def _exact_scalar(tp: Any) -> type | None:
    tp = unwrap(tp)
    return tp if tp in (str, int, float, bool) else None


def _json_union_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    nullable, classes, others = union_parts(tp)
    wanted = expected(tp)
    tagged_collect: Collector | None = None
    if len(classes) == 1:
        only = classes[0]
        only_collect = collector_of(element_hook(converter, only, repr(tp)))

        def tagged_single(value: Any, _: Any, found: list[Found]) -> Any:
            return only_collect(value, only, found)

        tagged_collect = tagged_single
    elif classes:
        tag, owners = tag_field(classes)
        collectors = {
            _value_key(value): (collector_of(element_hook(converter, cls, repr(tp))), cls)
            for value, cls in owners
        }
        tag_wanted = one_of([value for value, _ in owners])
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

    other_hooks = [(element_hook(converter, o, repr(tp)), o) for o in others]
    exact = {
        scalar: (hook, other)
        for hook, other in other_hooks
        if (scalar := _exact_scalar(other)) is not None
    }

    other_collectors = [(collector_of(hook), other) for hook, other in other_hooks]
    exact_collectors = {
        scalar: (collector_of(hook), other) for scalar, (hook, other) in exact.items()
    }
    if nullable and tagged_collect is None and len(other_collectors) == 1:
        parse = _TEXT_PARSERS.get(other_collectors[0][0])
        if parse is not None:
            refused = f"expected {wanted}, got "
            hook = raising(_optional_text(parse, refused), "structure_union")
            INLINE_PARSED[hook] = (parse, True, refused)
            return hook

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

    return raising(collect_union, "structure_union")


def _optional_text(parse: Callable[[str], Any], refused: str) -> Collector:
    """Return the collector of ``X | None`` for an ``X`` sent as a string that ``parse`` reads.

    PERF: what the union's collector answers, without trying ``X``'s
    collector (and writing the problem it would report) first.
    """

    def collect_optional_text(value: Any, _: Any, found: list[Found]) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            parsed = parse(value)
            if parsed is not None:
                return parsed
        found.append(("", refused + describe(value)))
        return FAILED

    return collect_optional_text


def install_json_rules(converter: cattrs.Converter) -> None:
    """Register the JSON rules' hooks on ``converter`` (later ones take precedence)."""
    converter.register_structure_hook_factory(
        is_sequence, sequence_factory(_json_sequence, describe, INLINE_LISTS)
    )
    converter.register_structure_hook_factory(is_set, sequence_factory(_json_sequence, describe))
    converter.register_structure_hook_factory(is_tuple, tuple_factory(_json_sequence, describe))
    converter.register_structure_hook_factory(is_mapping, _json_mapping_factory)
    converter.register_structure_hook_factory(is_enum, _json_enum_factory)
    converter.register_structure_hook_factory(is_literal, _json_literal_factory)
    converter.register_structure_hook_factory(is_union, _json_union_factory)
    scalars: list[tuple[Any, StructureHook]] = [
        (str, _json_str),
        (int, _json_int),
        (float, _json_float),
        (bool, _json_bool),
        (Decimal, _json_decimal),
        (uuid.UUID, _json_text_parser(parse_uuid, uuid.UUID)),
        (dt.date, _json_text_parser(parse_date, dt.date)),
        (dt.datetime, _json_text_parser(parse_datetime, dt.datetime)),
        (dt.time, _json_text_parser(parse_time, dt.time)),
    ]
    for scalar, hook in scalars:
        converter.register_structure_hook_func(is_exactly(scalar), hook)
