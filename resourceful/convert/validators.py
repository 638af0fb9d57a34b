"""attrs validators compiled into checks that report each failure with a pointer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .describe import describe, one_of
from .violations import Found, escape_pointer

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
        return f"must be {one_of(list(options))}, got {describe(value)}"
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
