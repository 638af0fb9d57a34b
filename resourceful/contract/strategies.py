"""Hypothesis strategies for the values binding accepts, built from types and validators.

:class:`Strategies` turns a parameter's type into a strategy of typed values
(attrs instances, enums, dates...) that binding would hand the handler:
the attrs validators that schema generation reads (``ge``/``gt``/``le``/
``lt``, ``min_len``/``max_len``, ``matches_re``, ``in_``, through
``optional``, ``and_``, ``deep_iterable`` and ``deep_mapping``) narrow the
values, and every attrs instance is built by calling its class, so any other
validator (or ``__attrs_post_init__``) filters out what the class refuses.

Values are sent the way :mod:`resourceful.contract.calls` writes them (the
app's converter, then text for the query, headers and cookies), so the
strings drawn for each place are ones that survive the trip: header and
cookie text is a safe ASCII subset, path text has no ``/``. Strategies are
built once per type, place and constraints, and recursive classes are
reached through :func:`hypothesis.strategies.deferred`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import string
import typing
import uuid
from collections.abc import Hashable
from decimal import Decimal
from typing import Any

import attrs

from ..binding.merge_patch import MergePatch, is_merge_patch, patch_target
from ..convert import TextConverter
from ..convert import validator_kinds as vk
from ..convert.typeinfo import (
    ANY_TYPES,
    attrs_fields,
    is_attrs,
    is_enum,
    is_literal,
    is_mapping,
    is_sequence,
    is_set,
    is_tuple,
    is_union,
    unwrap,
)
from ..fields import field_info, wire_name

# The one place that says how to install Hypothesis: the self-test takes it from here.
try:
    import hypothesis as hypothesis
    from hypothesis import HealthCheck as HealthCheck
    from hypothesis import Phase as Phase
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised without the extra only
    raise ImportError(
        "resourceful's self-test generates inputs with Hypothesis, which is not installed:"
        " pip install 'resourceful[contract]'"
    ) from exc

if typing.TYPE_CHECKING:
    from werkzeug.routing import BaseConverter

__all__ = ["Constraints", "Strategies", "constraints_of", "st"]

#: Where a value travels: the JSON body, or text in one part of the request.
Place = typing.Literal["json", "query", "header", "cookie", "path"]

#: Text that headers and cookies carry unchanged (no separators, quotes or spaces).
SAFE_TEXT = string.ascii_letters + string.digits + "-_.~!*'()"

#: How many items a collection and characters a string get when nothing bounds them.
DEFAULT_MAX_ITEMS = 3
DEFAULT_MAX_CHARS = 12


@attrs.frozen
class Constraints:
    """What a field's validators say about its values (the parts a strategy can use)."""

    minimum: Any = None
    exclusive_minimum: bool = False
    maximum: Any = None
    exclusive_maximum: bool = False
    min_len: int | None = None
    max_len: int | None = None
    #: ``(pattern, how)``: ``how`` is ``fullmatch``, ``match`` or ``search``.
    pattern: tuple[str, int, str] | None = None
    options: tuple[Any, ...] | None = None
    items: Constraints | None = None
    keys: Constraints | None = None
    values: Constraints | None = None

    def merge(self, **changes: Any) -> Constraints:
        """Return these constraints with ``changes``, tightening bounds already set."""
        current = attrs.asdict(self, recurse=False)
        for key, value in changes.items():
            old = current[key]
            if old is not None and key in ("minimum", "min_len"):
                value = max(old, value)
            elif old is not None and key in ("maximum", "max_len"):
                value = min(old, value)
            current[key] = value
        return Constraints(**current)


NONE = Constraints()


def constraints_of(validator: Any) -> Constraints:
    """Return the constraints ``validator`` expresses (``NONE`` when it says nothing)."""
    result = NONE
    for leaf, _ in vk.leaves(validator):
        result = _add(result, leaf)
    return result


def _utc_wall(bound: Any, default: dt.datetime) -> dt.datetime:
    """Return the naive UTC time of an aware datetime ``bound``, or ``default``."""
    if not isinstance(bound, dt.datetime) or bound.tzinfo is None:
        return default
    return bound.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _add(result: Constraints, leaf: Any) -> Constraints:
    if isinstance(leaf, vk.NUMBER) and not isinstance(leaf.bound, bool):
        op = leaf.compare_op
        if op in (">=", ">"):
            return result.merge(minimum=leaf.bound, exclusive_minimum=op == ">")
        if op in ("<=", "<"):
            return result.merge(maximum=leaf.bound, exclusive_maximum=op == "<")
    if isinstance(leaf, vk.MIN_LEN):
        return result.merge(min_len=leaf.min_length)
    if isinstance(leaf, vk.MAX_LEN):
        return result.merge(max_len=leaf.max_length)
    if isinstance(leaf, vk.MATCHES_RE) and isinstance(leaf.pattern.pattern, str):
        how = getattr(leaf.match_func, "__name__", "fullmatch")
        return result.merge(pattern=(leaf.pattern.pattern, leaf.pattern.flags, how))
    if isinstance(leaf, vk.IN):
        options = vk.options_of(leaf)
        if isinstance(options, type) and issubclass(options, enum.Enum):
            return result.merge(options=tuple(options))
        if isinstance(options, list | tuple | set | frozenset | dict | range):
            return result.merge(options=tuple(sorted(options, key=repr)))
    if isinstance(leaf, vk.DEEP_ITERABLE):
        if leaf.iterable_validator is not None:
            result = _merge_all(result, constraints_of(leaf.iterable_validator))
        return result.merge(items=constraints_of(leaf.member_validator))
    if isinstance(leaf, vk.DEEP_MAPPING):
        if leaf.mapping_validator is not None:
            result = _merge_all(result, constraints_of(leaf.mapping_validator))
        return result.merge(
            keys=constraints_of(leaf.key_validator), values=constraints_of(leaf.value_validator)
        )
    return result  # Another validator: building the class filters what it refuses.


def _merge_all(result: Constraints, more: Constraints) -> Constraints:
    changes = {
        key: value
        for key, value in attrs.asdict(more, recurse=False).items()
        if value is not None and value is not False
    }
    return result.merge(**changes)


_INVALID: Any = object()


class Strategies:
    """Strategies of typed values, built once per (type, place, constraints).

    ``max_items`` bounds collections and ``max_chars`` strings that no
    validator bounds, which keeps examples small and the run fast.
    """

    def __init__(
        self, *, max_items: int = DEFAULT_MAX_ITEMS, max_chars: int = DEFAULT_MAX_CHARS
    ) -> None:
        self.max_items = max_items
        self.max_chars = max_chars
        self._cache: dict[Hashable, st.SearchStrategy[Any]] = {}

    def for_type(
        self, tp: Any, place: Place = "json", constraints: Constraints = NONE
    ) -> st.SearchStrategy[Any]:
        """Return the strategy of the values of ``tp`` sent in ``place``."""
        try:
            key: Hashable = (tp, place, constraints)
            hash(key)
        except TypeError:
            return self._build(tp, place, constraints)
        found = self._cache.get(key)
        if found is None:
            # A placeholder first: a recursive class meets its own key while being built.
            self._cache[key] = st.deferred(lambda: self._cache[key])
            found = self._cache[key] = self._build(tp, place, constraints)
        return found

    def path_value(self, converter: BaseConverter, tp: Any) -> st.SearchStrategy[Any]:
        """Return the values a path variable matched by ``converter`` takes, as ``tp``."""
        name = type(converter).__name__
        found: Any = converter  # werkzeug's converters keep their arguments as attributes
        if name == "IntegerConverter":
            low = found.min if found.min is not None else (-(2**40) if found.signed else 0)
            high = found.max if found.max is not None else 2**64
            digits = found.fixed_digits
            if digits:
                high = min(high, 10**digits - 1)
            return st.integers(low, high)
        if name == "FloatConverter":
            signed = converter.signed  # type: ignore[attr-defined]
            numbers = st.builds(
                lambda whole, part, negative: float(f"{'-' if negative else ''}{whole}.{part}"),
                st.integers(0, 10**6),
                st.integers(0, 99),
                st.booleans() if signed else st.just(False),
            ).filter(lambda x: re.fullmatch(r"-?\d+\.\d+", str(x)) is not None)
            low, high = converter.min, converter.max  # type: ignore[attr-defined]
            if low is not None:
                numbers = numbers.filter(lambda x: x >= low)
            if high is not None:
                numbers = numbers.filter(lambda x: x <= high)
            return numbers
        if name == "UUIDConverter":
            return st.uuids()
        if name == "AnyConverter":
            items = sorted(converter.items)  # type: ignore[attr-defined]
            return self._from_text(st.sampled_from(items), tp)
        if name == "PathConverter":
            segment = st.text(_path_chars(), min_size=1, max_size=6)
            return st.lists(segment, min_size=1, max_size=3).map("/".join)
        if tp is str or name == "UnicodeConverter":
            minimum, maximum = _unicode_lengths(converter)
            if tp is str:
                return st.text(_path_chars(), min_size=minimum, max_size=maximum)
            return self.for_type(tp, "path").filter(
                lambda value: minimum <= len(_text_of(value)) <= maximum
            )
        return self.for_type(tp, "path")

    def _from_text(self, texts: st.SearchStrategy[str], tp: Any) -> st.SearchStrategy[Any]:
        if tp is str:
            return texts
        return texts.map(lambda text: _parse_like_binding(text, tp)).filter(
            lambda value: value is not _INVALID
        )

    # -- building --------------------------------------------------------------------

    def _build(self, tp: Any, place: Place, c: Constraints) -> st.SearchStrategy[Any]:
        tp = unwrap(tp)
        if tp in ANY_TYPES:
            return st.none() | st.booleans() | st.integers(-1000, 1000) | self._text(place, NONE)
        if tp is type(None) or tp is None:
            return st.none()
        if c.options is not None and not is_union(tp):
            return st.sampled_from(c.options)
        if is_union(tp):
            members = [unwrap(arg) for arg in typing.get_args(tp)]
            return st.one_of([self.for_type(member, place, c) for member in members])
        if is_literal(tp):
            return st.sampled_from(typing.get_args(tp))
        if is_enum(tp):
            return st.sampled_from(list(tp))
        if is_merge_patch(tp):
            return self._merge_patch(tp, place)
        if is_attrs(tp):
            return self._attrs(tp, place)
        if tp is bool:
            return st.booleans()
        if tp is int:
            return self._integers(c)
        if tp is float:
            return self._floats(c)
        if tp is Decimal:
            return self._decimals(c)
        if tp is str:
            return self._text(place, c)
        if tp is uuid.UUID:
            return st.uuids()
        if tp is dt.datetime:
            # Binding reads date-times with an offset only, so hands over aware ones;
            # Hypothesis takes naive bounds, here the (aware) bounds' UTC times.
            return st.datetimes(
                min_value=_utc_wall(c.minimum, dt.datetime.min),
                max_value=_utc_wall(c.maximum, dt.datetime.max),
                timezones=st.just(dt.timezone.utc),
            )
        if tp is dt.date:
            return st.dates(
                min_value=c.minimum if isinstance(c.minimum, dt.date) else dt.date.min,
                max_value=c.maximum if isinstance(c.maximum, dt.date) else dt.date.max,
            )
        if tp is dt.time:
            return st.times()
        if is_sequence(tp) or is_set(tp) or is_tuple(tp):
            return self._collection(tp, place, c)
        if is_mapping(tp):
            args = typing.get_args(tp)
            key_type, value_type = args if len(args) == 2 else (str, Any)
            keys = self.for_type(key_type, "query", c.keys or NONE)
            values = self.for_type(value_type, place, c.values or NONE)
            minimum, maximum = self._sizes(c)
            return st.dictionaries(keys, values, min_size=minimum, max_size=maximum)
        raise TypeError(f"the self-test cannot generate values of {tp!r}")

    def _sizes(self, c: Constraints) -> tuple[int, int]:
        minimum = c.min_len or 0
        maximum = c.max_len if c.max_len is not None else minimum + self.max_items
        return minimum, min(maximum, minimum + self.max_items)

    def _collection(self, tp: Any, place: Place, c: Constraints) -> st.SearchStrategy[Any]:
        args = typing.get_args(tp)
        if is_tuple(tp) and args and not (len(args) == 2 and args[1] is Ellipsis):
            if args == ((),):
                return st.just(())
            return st.tuples(*(self.for_type(arg, place, c.items or NONE) for arg in args))
        item = self.for_type(args[0] if args else Any, place, c.items or NONE)
        minimum, maximum = self._sizes(c)
        origin = typing.get_origin(tp) or tp
        if is_set(tp):
            sets = st.sets(item, min_size=minimum, max_size=maximum)
            return sets.map(frozenset) if origin is frozenset else sets
        lists = st.lists(item, min_size=minimum, max_size=maximum)
        return lists.map(tuple) if is_tuple(tp) else lists

    def _integers(self, c: Constraints) -> st.SearchStrategy[int]:
        low = None if c.minimum is None else math.ceil(c.minimum)
        high = None if c.maximum is None else math.floor(c.maximum)
        if low is not None and c.exclusive_minimum and low == c.minimum:
            low += 1
        if high is not None and c.exclusive_maximum and high == c.maximum:
            high -= 1
        return st.integers(low, high)

    def _floats(self, c: Constraints) -> st.SearchStrategy[float]:
        return st.floats(
            None if c.minimum is None else float(c.minimum),
            None if c.maximum is None else float(c.maximum),
            exclude_min=c.exclusive_minimum and c.minimum is not None,
            exclude_max=c.exclusive_maximum and c.maximum is not None,
            allow_nan=False,
            allow_infinity=False,
        )

    def _decimals(self, c: Constraints) -> st.SearchStrategy[Decimal]:
        numbers = st.decimals(
            None if c.minimum is None else Decimal(str(c.minimum)),
            None if c.maximum is None else Decimal(str(c.maximum)),
            allow_nan=False,
            allow_infinity=False,
            places=None,
        )
        if c.exclusive_minimum:
            numbers = numbers.filter(lambda x: x != Decimal(str(c.minimum)))
        if c.exclusive_maximum:
            numbers = numbers.filter(lambda x: x != Decimal(str(c.maximum)))
        return numbers

    def _text(self, place: Place, c: Constraints) -> st.SearchStrategy[str]:
        minimum = c.min_len or 0
        maximum = c.max_len if c.max_len is not None else minimum + self.max_chars
        alphabet: Any = (
            st.sampled_from(SAFE_TEXT) if place in ("header", "cookie") else _any_chars()
        )
        if place == "path":
            alphabet = _path_chars()
            minimum = max(minimum, 1)
        if c.pattern is None:
            return st.text(alphabet, min_size=minimum, max_size=maximum)
        source, flags, how = c.pattern
        pattern = re.compile(r"\A(?:" + source + ")" if how == "match" else source, flags)
        texts = st.from_regex(
            pattern,
            fullmatch=how == "fullmatch",
            alphabet=alphabet if place in ("header", "cookie", "path") else None,
        )
        return texts.filter(lambda text: minimum <= len(text) <= maximum)

    def _attrs(self, tp: Any, place: Place) -> st.SearchStrategy[Any]:
        cls = typing.get_origin(tp) or tp
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for attribute, ftype in attrs_fields(tp):
            if not attribute.init:
                continue
            strategy = self.for_type(ftype, place, constraints_of(attribute.validator))
            name = attribute.alias or attribute.name
            if attribute.default is attrs.NOTHING:
                required[name] = strategy
            else:
                optional[name] = strategy

        def construct(kwargs: dict[str, Any]) -> Any:
            try:
                return cls(**kwargs)
            except (ValueError, TypeError):
                return _INVALID

        return (
            st.fixed_dictionaries(required, optional=optional)
            .map(construct)
            .filter(lambda value: value is not _INVALID)
        )

    def _merge_patch(self, tp: Any, place: Place) -> st.SearchStrategy[Any]:
        """Return merge patches that set some fields of a valid ``T`` (never read-only ones)."""
        target = patch_target(tp)
        settable = [
            (attribute.name, wire_name(attribute))
            for attribute, _ in attrs_fields(target)
            if attribute.init and not field_info(attribute).read_only
        ]

        def patch_of(value: Any, keep: list[bool]) -> Any:
            return MergePatch(
                {
                    wire: getattr(value, name)
                    for (name, wire), kept in zip(settable, keep, strict=True)
                    if kept
                }
            )

        keeps = st.lists(st.booleans(), min_size=len(settable), max_size=len(settable))
        return st.builds(patch_of, self._attrs(target, place), keeps)


def _any_chars() -> st.SearchStrategy[str]:
    # Surrogates are not characters: JSON bodies and URLs cannot carry them alone.
    return st.characters(codec="utf-8")


def _path_chars() -> st.SearchStrategy[str]:
    return st.characters(codec="utf-8", exclude_characters="/")


def _unicode_lengths(converter: BaseConverter) -> tuple[int, int]:
    pattern = converter.regex
    exact = re.fullmatch(r"\[\^/\]\{(\d+)\}", pattern)
    if exact:
        return int(exact[1]), int(exact[1])
    ranged = re.fullmatch(r"\[\^/\]\{(\d+),(\d*)\}", pattern)
    if ranged:
        return int(ranged[1]), int(ranged[2]) if ranged[2] else int(ranged[1]) + DEFAULT_MAX_CHARS
    return 1, DEFAULT_MAX_CHARS


def _text_of(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    return str(value)


def _parse_like_binding(text: str, tp: Any) -> Any:
    try:
        return _TEXT_CONVERTER.structure(text, tp)
    except Exception:
        return _INVALID


_TEXT_CONVERTER = TextConverter()
