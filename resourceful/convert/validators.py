"""attrs validators compiled into checks that report each failure with a pointer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import DefinitionError
from . import validator_kinds as vk
from .describe import describe, one_of
from .violations import CappedList, Found, escape_pointer

#: A compiled validator: ``check(instance, attribute, value, found)`` appends
#: the failures to ``found`` as ``(pointer, detail)`` pairs and returns how
#: many there were (``0`` when the value is valid; failures past the room of
#: a :class:`CappedList` are counted too).
Check = Callable[[Any, Any, Any, list[Found]], int]


def _length_unit(value: Any, count: int) -> str:
    unit = "character" if isinstance(value, str) else "item"
    return unit if count == 1 else unit + "s"


#: The words of a number bound's message, by ``compare_op``.
_NUMBER_WORDS = {">=": "at least", ">": "greater than", "<=": "at most", "<": "less than"}
#: The bound types whose comparison with an int or float cannot raise.
_NUMBER_BOUNDS = (int, float, Decimal)

#: One bound a validator checks: ``(is_length, compare_op, bound)``.
Bound = tuple[bool, str, Any]


def bound_message(bound: Bound, value: Any) -> str:
    """Return what a failed bound says, up to the value it got (``"... got "``).

    ``value`` only tells a string (characters) from a collection (items).
    """
    is_length, op, limit = bound
    if is_length:
        words = "at least" if op == ">=" else "at most"
        return f"must have {words} {limit} {_length_unit(value, limit)}, got "
    return f"must be {_NUMBER_WORDS[op]} {limit}, got "


def bounds_of(validator: Any) -> list[Bound] | None:
    """Return the bounds ``validator`` checks, in its order, or ``None`` if it checks anything else.

    ``min_len`` and ``max_len`` are length bounds, ``ge``, ``gt``, ``le``
    and ``lt`` (with a numeric bound) number bounds, alone or in ``and_``.
    The generated attrs functions inline these (:mod:`.attrs_gen`).
    """
    leaves = validator._validators if isinstance(validator, vk.AND) else (validator,)
    bounds: list[Bound] = []
    for leaf in leaves:
        if isinstance(leaf, vk.MIN_LEN):
            bounds.append((True, ">=", int(leaf.min_length)))
        elif isinstance(leaf, vk.MAX_LEN):
            bounds.append((True, "<=", int(leaf.max_length)))
        elif (
            isinstance(leaf, vk.NUMBER)
            and leaf.compare_op in _NUMBER_WORDS
            and type(leaf.bound) in _NUMBER_BOUNDS
        ):
            bounds.append((False, leaf.compare_op, leaf.bound))
        else:
            return None
    return bounds


def _leaf_message(validator: Any, value: Any, message: str) -> str:
    """Say what a common attrs validator expected, instead of its own message."""
    if isinstance(validator, vk.NUMBER):
        if validator.compare_op in _NUMBER_WORDS:
            bound = (False, validator.compare_op, validator.bound)
            return bound_message(bound, value) + describe(value)
    elif isinstance(validator, vk.MIN_LEN):
        return bound_message((True, ">=", validator.min_length), value) + str(len(value))
    elif isinstance(validator, vk.MAX_LEN):
        return bound_message((True, "<=", validator.max_length), value) + str(len(value))
    elif isinstance(validator, vk.MATCHES_RE):
        return f'must match the pattern "{validator.pattern.pattern}", got {describe(value)}'
    elif isinstance(validator, vk.IN):
        options = vk.options_of(validator)
        return f"must be {one_of(list(options))}, got {describe(value)}"
    elif isinstance(validator, vk.INSTANCE_OF):
        kinds = validator.type if isinstance(validator.type, tuple) else (validator.type,)
        names = " or ".join(getattr(k, "__name__", repr(k)) for k in kinds)
        return f"must be an instance of {names}, got {describe(value)}"
    return message


def compile_validator(validator: Any, where: str = "a field") -> Check:
    """Return a check that runs ``validator`` and explains each failure with a pointer.

    Composite validators (``and_``, ``optional``, ``deep_iterable``,
    ``deep_mapping``) are taken apart once, here, so that a failing list
    member is reported at its own index; the common leaf validators get
    messages that say what was expected. ``where`` names the field in
    definition errors (see :func:`check_pattern`).
    """
    if isinstance(validator, vk.AND):
        parts = tuple(compile_validator(inner, where) for inner in validator._validators)

        def check_all(instance: Any, attribute: Any, value: Any, found: list[Found]) -> int:
            failures = 0
            for part in parts:
                failures += part(instance, attribute, value, found)
            return failures

        return check_all
    if isinstance(validator, vk.OPTIONAL):
        inner = compile_validator(validator.validator, where)

        def check_optional(instance: Any, attribute: Any, value: Any, found: list[Found]) -> int:
            return 0 if value is None else inner(instance, attribute, value, found)

        return check_optional
    if isinstance(validator, vk.UNLESS_UNSET):
        # Binding never checks an UNSET value (an absent key is not checked).
        return compile_validator(validator.validator, where)
    if isinstance(validator, vk.MIN_LEN | vk.MAX_LEN):
        return _compile_length(validator)
    if isinstance(validator, vk.DEEP_ITERABLE):
        return _compile_deep_iterable(validator, where)
    if isinstance(validator, vk.DEEP_MAPPING):
        return _compile_deep_mapping(validator, where)
    if isinstance(validator, vk.MATCHES_RE):
        check_pattern(validator.pattern, where)
    if isinstance(validator, vk.NUMBER):
        _check_bound(validator.bound, where)

    def check_leaf(instance: Any, attribute: Any, value: Any, found: list[Found]) -> int:
        try:
            validator(instance, attribute, value)
        except (ValueError, TypeError, AttributeError) as exc:
            message = str(exc) or type(exc).__name__
            found.append(("", _leaf_message(validator, value, message)))
            return 1
        return 0

    return check_leaf


def _check_bound(bound: Any, where: str) -> None:
    """Refuse a naive datetime bound, which no date-time binding reads can be compared with."""
    if isinstance(bound, dt.datetime) and bound.tzinfo is None:
        aware = bound.replace(tzinfo=dt.timezone.utc)
        raise DefinitionError(
            f"{where}: the bound {bound!r} is a naive datetime, but binding reads date-times"
            " only with an offset (aware datetimes), and Python cannot compare the two, so"
            f" every value would be refused. Give the bound a timezone, for example {aware!r}."
        )


def _compile_length(validator: Any) -> Check:
    # PERF: the length bounds are checked here rather than by calling the
    # validator and catching its exception (the same test attrs makes).
    minimum = getattr(validator, "min_length", None)
    maximum = getattr(validator, "max_length", None)

    def check_length(instance: Any, attribute: Any, value: Any, found: list[Found]) -> int:
        try:
            size = len(value)
        except TypeError as exc:
            found.append(("", str(exc) or type(exc).__name__))
            return 1
        if minimum is not None and size < minimum:
            found.append(("", bound_message((True, ">=", minimum), value) + str(size)))
            return 1
        if maximum is not None and size > maximum:
            found.append(("", bound_message((True, "<=", maximum), value) + str(size)))
            return 1
        return 0

    return check_length


def _compile_deep_iterable(validator: Any, where: str) -> Check:
    outer = (
        compile_validator(validator.iterable_validator, where)
        if validator.iterable_validator is not None
        else None
    )
    member = compile_validator(validator.member_validator, where)

    def check_iterable(instance: Any, attribute: Any, value: Any, found: list[Found]) -> int:
        if outer is not None:
            failures = outer(instance, attribute, value, found)
            if failures:
                # The container itself is wrong (too long, most often): its
                # items are not checked, so a huge list costs one report.
                return failures
        try:
            members = list(value)
        except TypeError:
            return 0
        failures = 0
        capped = found if isinstance(found, CappedList) else None
        for index, item in enumerate(members):
            start = len(found)
            failed = member(instance, attribute, item, found)
            if failed:
                failures += failed
                _prefix(found, start, f"/{index}")
                if capped is not None and capped.room == 0:
                    rest = members[index + 1 :]
                    return failures + _count_rest(rest, member, instance, attribute, capped)
        return failures

    return check_iterable


def _compile_deep_mapping(validator: Any, where: str) -> Check:
    outer = (
        compile_validator(validator.mapping_validator, where)
        if validator.mapping_validator is not None
        else None
    )
    keys = compile_validator(validator.key_validator, where) if validator.key_validator else None
    values = (
        compile_validator(validator.value_validator, where) if validator.value_validator else None
    )

    def check_mapping(instance: Any, attribute: Any, value: Any, found: list[Found]) -> int:
        if outer is not None:
            failures = outer(instance, attribute, value, found)
            if failures:
                return failures
        if not isinstance(value, Mapping):
            return 0
        failures = 0
        scratch: list[Found] = []
        capped = found if isinstance(found, CappedList) else None
        for key, item in value.items():
            if capped is not None and capped.room == 0:
                # The report is full: the rest is only counted.
                if keys is not None and keys(instance, attribute, key, scratch):
                    failures += len(scratch)
                if values is not None:
                    failures += values(instance, attribute, item, scratch)
                capped.omit(len(scratch))
                scratch.clear()
                continue
            prefix = "/" + escape_pointer(str(key))
            if keys is not None and keys(instance, attribute, key, scratch):
                failures += len(scratch)
                found += [(prefix, f"invalid key: {d}") for _, d in scratch]
                scratch.clear()
            if values is not None:
                start = len(found)
                failed = values(instance, attribute, item, found)
                if failed:
                    failures += failed
                    _prefix(found, start, prefix)
        return failures

    return check_mapping


def _prefix(found: list[Found], start: int, segment: str) -> None:
    for index in range(start, len(found)):
        pointer, detail = found[index]
        found[index] = (segment + pointer, detail)


def _count_rest(
    members: list[Any], member: Check, instance: Any, attribute: Any, found: CappedList[Found]
) -> int:
    """Count the failures of the remaining ``members`` into a full report; return the count."""
    scratch: list[Found] = []
    failures = 0
    for item in members:
        failures += member(instance, attribute, item, scratch)
        scratch.clear()
    found.omit(failures)
    return failures


def max_items(validator: Any) -> int | None:
    """Return the most items ``validator`` allows a list (``max_len`` on it), or ``None``.

    Looks through ``and_`` and at a ``deep_iterable``'s own validator, where
    the bound on the list itself lives.
    """
    if isinstance(validator, vk.MAX_LEN):
        return int(validator.max_length)
    if isinstance(validator, vk.UNLESS_UNSET):
        return max_items(validator.validator)
    if isinstance(validator, vk.AND):
        bounds = [b for inner in validator._validators if (b := max_items(inner)) is not None]
        return min(bounds) if bounds else None
    if isinstance(validator, vk.DEEP_ITERABLE) and validator.iterable_validator is not None:
        return max_items(validator.iterable_validator)
    return None


#: Escapes whose meaning in a Python ``str`` pattern (Unicode) differs from
#: ECMA 262's, where the OpenAPI document's readers run the pattern: ``\d``
#: is any script's digit in Python and 0-9 in ECMA; ``\w`` and ``\b``
#: likewise. re.ASCII makes Python read them as ECMA does.
_ASCII_ESCAPES = frozenset("dDwWbB")
#: Escapes that differ even with re.ASCII: ECMA's ``\s`` also matches
#: Unicode spaces (U+00A0, U+2028, U+FEFF...), Python's ASCII ``\s`` does not.
_SPACE_ESCAPES = frozenset("sS")


def _escapes(source: str) -> set[str]:
    """Return the letters that follow a backslash in a regex ``source``."""
    found: set[str] = set()
    index = 0
    while index < len(source) - 1:
        if source[index] == "\\":
            found.add(source[index + 1])
            index += 2
        else:
            index += 1
    return found


def check_pattern(pattern: re.Pattern[Any], where: str) -> None:
    r"""Refuse a ``matches_re`` pattern that binding and the OpenAPI document would read apart.

    The document publishes the pattern for ECMA 262 engines. A pattern that
    uses ``\d``, ``\w`` or ``\b`` (or their negations) must be compiled
    with ``re.ASCII``, so that binding accepts exactly what the document
    says; ``\s`` cannot be made to agree and must be spelled out.
    """
    if not isinstance(pattern.pattern, str):
        return
    escapes = _escapes(pattern.pattern)
    spaces = sorted(escapes & _SPACE_ESCAPES)
    if spaces:
        raise DefinitionError(
            f"{where}: the pattern {pattern.pattern!r} uses \\{spaces[0]}, which Python and the"
            " ECMA regex engines that read the OpenAPI document match differently (ECMA's"
            " \\s also matches Unicode spaces such as U+00A0). Write the characters you mean,"
            " for example [ \\t] for a space or a tab."
        )
    ascii_only = sorted(escapes & _ASCII_ESCAPES)
    if ascii_only and not pattern.flags & re.ASCII:
        flag = ascii_only[0]
        raise DefinitionError(
            f"{where}: the pattern {pattern.pattern!r} uses \\{flag}, which Python matches"
            " against every script (\\d matches '\u0661') while the ECMA regex engines that"
            " read the OpenAPI document match ASCII only. Compile it with ASCII semantics:"
            f" matches_re({pattern.pattern!r}, flags=re.ASCII)."
        )
