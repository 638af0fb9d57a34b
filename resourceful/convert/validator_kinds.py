"""The attrs validators resourceful understands, named once for every reader.

Binding (:mod:`resourceful.convert.validators`), the OpenAPI document
(:mod:`resourceful.openapi.constraints`) and the self-test's strategies
(:mod:`resourceful.contract.strategies`) must read a field's validators the
same way, or the document and the generated inputs drift from what binding
accepts. They recognise validators by these classes (taken from attrs
itself, so a renamed private class is caught here, at import), flatten
``and_``/``optional``/``unless_unset`` with :func:`leaves` and read ``in_`` options with
:func:`options_of`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs.validators

from ..fields import UnlessUnset

__all__ = [
    "AND",
    "DEEP_ITERABLE",
    "DEEP_MAPPING",
    "IN",
    "INSTANCE_OF",
    "MATCHES_RE",
    "MAX_LEN",
    "MIN_LEN",
    "NUMBER",
    "OPTIONAL",
    "UNLESS_UNSET",
    "leaves",
    "options_of",
]

_any = attrs.validators.ge(0)

#: ``ge``, ``gt``, ``le``, ``lt``: ``bound`` and ``compare_op`` (">=", ">", "<=", "<").
NUMBER: type[Any] = type(_any)
#: ``min_len``: ``min_length``.
MIN_LEN: type[Any] = type(attrs.validators.min_len(0))
#: ``max_len``: ``max_length``.
MAX_LEN: type[Any] = type(attrs.validators.max_len(0))
#: ``matches_re``: ``pattern`` (compiled) and ``match_func``.
MATCHES_RE: type[Any] = type(attrs.validators.matches_re(""))
#: ``in_``: read its options with :func:`options_of`.
IN: type[Any] = type(attrs.validators.in_(()))
#: ``instance_of``: ``type`` (a class or a tuple of classes).
INSTANCE_OF: type[Any] = type(attrs.validators.instance_of(int))
#: ``optional``: ``validator``, skipped for ``None``.
OPTIONAL: type[Any] = type(attrs.validators.optional(_any))
#: ``resourceful.fields.unless_unset``: ``validator``, skipped for ``UNSET``.
UNLESS_UNSET: type[Any] = UnlessUnset
#: ``and_`` (and a list of validators given to ``attrs.field``): ``_validators``.
AND: type[Any] = type(attrs.validators.and_())
#: ``deep_iterable``: ``member_validator`` and ``iterable_validator`` (or ``None``).
DEEP_ITERABLE: type[Any] = type(attrs.validators.deep_iterable(_any))
#: ``deep_mapping``: ``key_validator``, ``value_validator``, ``mapping_validator``.
DEEP_MAPPING: type[Any] = type(attrs.validators.deep_mapping(_any))


def leaves(validator: Any, nullable: bool = False) -> Iterator[tuple[Any, bool]]:
    """Yield the validators inside ``and_``, ``optional`` and lists, each with its nullability.

    The flag is true for a validator inside ``optional`` (``None`` passes
    it) and otherwise ``nullable``, the caller's answer for the whole
    field. ``None`` (no validator) yields nothing.
    """
    if validator is None:
        return
    if isinstance(validator, AND):
        for inner in validator._validators:
            yield from leaves(inner, nullable)
    elif isinstance(validator, OPTIONAL):
        yield from leaves(validator.validator, True)
    elif isinstance(validator, UNLESS_UNSET):
        yield from leaves(validator.validator, nullable)
    elif isinstance(validator, list | tuple):
        for inner in validator:
            yield from leaves(inner, nullable)
    else:
        yield validator, nullable


def options_of(validator: Any) -> Any:
    """Return the options an ``in_`` validator was given (attrs keeps an enum class as given)."""
    return getattr(validator, "_original_options", validator.options)
