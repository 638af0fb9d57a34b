"""Compare two JSON Schemas and say, for each difference, which values it lets in or out.

Part of :mod:`resourceful.openapi.diff`. The comparison does not decide
whether a difference breaks clients: it says what the difference does to the
set of valid values (:class:`Effect`), and the caller, which knows whether
the schema describes a request or a response, applies the one rule in
:func:`resourceful.openapi.diff.is_breaking`. Schemas are compared in their
normal form (:mod:`resourceful.openapi.diff_normal`), so spellings of one
schema compare equal; recursive schemas are compared once per pair of
referenced schemas.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from resourceful.openapi.diff_normal import (
    DOC_KEYWORDS,
    DocumentError,
    Normal,
    Resolver,
    all_of,
    canonical,
    is_number,
    normalise,
    pointer,
    unordered,
)

__all__ = ["Effect", "SchemaComparer"]


class Effect(enum.Enum):
    """What a difference does to the values a schema (or an operation) allows."""

    #: Some values valid before are not valid now (a tighter bound, a removed enum value).
    NARROWS = "narrows"
    #: Some values not valid before are valid now (a looser bound, an added type).
    WIDENS = "widens"
    #: Breaks clients on either side (a removed property or operation, a changed pattern).
    BREAKS = "breaks"
    #: Changes no valid value (documentation, an added response property).
    NONE = "none"


# Bounds: (lower, its exclusive form, upper, its exclusive form).
_BOUNDS = (
    ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"),
    ("minLength", None, "maxLength", None),
    ("minItems", None, "maxItems", None),
    ("minProperties", None, "maxProperties", None),
)

_INTEGER = frozenset({"integer"})

_ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})

Emit = Callable[[str, Effect, str, str | None, str | None], None]


class SchemaComparer:
    """Compare schemas of two documents for one side (request or response) of an operation.

    ``emit(kind, effect, message, old_pointer, new_pointer)`` receives every
    difference. One comparer is used for one schema pair and its
    sub-schemas; it remembers the ``$ref`` pairs it has compared, which stops
    recursive schemas and reports a schema reached twice once.
    """

    def __init__(
        self,
        old: Resolver,
        new: Resolver,
        side: str,
        subject: str,
        emit: Emit,
        same: dict[tuple[str, str], bool] | None = None,
    ) -> None:
        self.old = old
        self.new = new
        #: ``"request"`` or ``"response"``.
        self.side = side
        #: What the schemas describe, for messages: "query parameter 'limit'".
        self.subject = subject
        self.emit = emit
        self._seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
        #: Which referenced schemas are written alike in both documents (shareable
        #: between comparers of the same two documents).
        self._same = {} if same is None else same
        self._pending: set[tuple[str, str]] = set()

    # -- comparing ---------------------------------------------------------------------------

    def compare(self, old: Any, new: Any, old_where: str, new_where: str, path: str = "") -> None:
        """Compare two schemas; ``path`` is where they are inside the top one ("tags[]")."""
        if self.identical(old, new):
            return  # PERF: most of two versions of a document is the same text.
        a = normalise(self.old, old, old_where)
        b = normalise(self.new, new, new_where)
        if a.refs or b.refs:
            pair = (tuple(a.refs), tuple(b.refs))
            if pair in self._seen:
                return  # Compared already: a recursive schema, or one reached twice.
            self._seen.add(pair)
        self._compare_normal(a, b, path)

    def identical(self, old: Any, new: Any) -> bool:
        """Return whether two schemas are written the same, references included."""
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            if old.keys() != new.keys():
                return False
            for key, value in old.items():
                if key == "$ref" and isinstance(value, str) and value == new[key]:
                    if not self._identical_targets(value):
                        return False
                elif not self.identical(value, new[key]):
                    return False
            return True
        if isinstance(old, list) and isinstance(new, list):
            return len(old) == len(new) and all(map(self.identical, old, new))
        return type(old) is type(new) and old == new

    def _identical_targets(self, ref: str) -> bool:
        key = (ref, ref)
        if key in self._same:
            return self._same[key]
        if key in self._pending:
            return True  # Assumed while it is checked: a recursive schema ends here.
        self._pending.add(key)
        try:
            result = self.identical(self.old.lookup(ref, ref[1:]), self.new.lookup(ref, ref[1:]))
        except DocumentError:
            result = False
        finally:
            self._pending.discard(key)
        # "Different" is certain; "identical" only once no assumption is pending.
        if not result or not self._pending:
            self._same[key] = result
        return result

    def _at(self, path: str) -> str:
        return f"{self.subject}, field '{path}'" if path else self.subject

    def _compare_normal(self, a: Normal, b: Normal, path: str) -> None:
        emit = self.emit
        if a.empty != b.empty:
            effect = Effect.WIDENS if a.empty else Effect.NARROWS
            what = "now accepts values" if a.empty else "no longer accepts any value"
            emit("schema-changed", effect, f"{self._at(path)}: {what}", a.where, b.where)
            return

        one_sided = bool(a.alternatives) != bool(b.alternatives)
        if a.alternatives or b.alternatives:
            self._compare_alternatives(a, b, path)
        else:
            self._compare_types(a, b, path)

        if a.nullable != b.nullable:
            if b.nullable:
                emit(
                    "nullable-changed",
                    Effect.WIDENS,
                    f"{self._at(path)}: became nullable",
                    a.where,
                    b.nullable_where,
                )
            else:
                emit(
                    "nullable-changed",
                    Effect.NARROWS,
                    f"{self._at(path)}: is no longer nullable",
                    a.nullable_where,
                    b.where,
                )
        if one_sided:
            return  # The side without alternatives was compared as a whole against them.

        self._compare_enum(a, b, path)
        for lower, exclusive_lower, upper, exclusive_upper in _BOUNDS:
            self._compare_bound(a, b, path, lower, exclusive_lower, lower_bound=True)
            self._compare_bound(a, b, path, upper, exclusive_upper, lower_bound=False)
        self._compare_keywords(a, b, path)
        self._compare_properties(a, b, path)
        self._compare_items(a, b, path)

    def _compare_types(self, a: Normal, b: Normal, path: str) -> None:
        old = _ALL_TYPES - {"null"} if a.types is None else a.types
        new = _ALL_TYPES - {"null"} if b.types is None else b.types
        lost = sorted(t for t in old if not _accepts(new, t))
        gained = sorted(t for t in new if not _accepts(old, t))
        if not lost and not gained:
            return
        effect = Effect.BREAKS if lost and gained else Effect.NARROWS if lost else Effect.WIDENS
        message = f"{self._at(path)}: type changed from {_types(a.types)} to {_types(b.types)}"
        self.emit(
            "type-changed", effect, message, a.types_where or a.where, b.types_where or b.where
        )

    def _compare_enum(self, a: Normal, b: Normal, path: str) -> None:
        if a.enum is None and b.enum is None:
            return
        if a.enum is None:
            assert b.enum is not None
            shown = ", ".join(sorted(b.enum))
            self.emit(
                "enum-changed",
                Effect.NARROWS,
                f"{self._at(path)}: now limited to {shown}",
                a.where,
                b.enum_where,
            )
            return
        if b.enum is None:
            self.emit(
                "enum-changed",
                Effect.WIDENS,
                f"{self._at(path)}: no longer limited to a list of values",
                a.enum_where,
                b.where,
            )
            return
        removed = sorted(k for k in a.enum if k not in b.enum)
        added = sorted(k for k in b.enum if k not in a.enum)
        if removed:
            self.emit(
                "enum-changed",
                Effect.NARROWS,
                f"{self._at(path)}: enum value {', '.join(removed)} removed",
                a.enum_where,
                b.enum_where,
            )
        if added:
            self.emit(
                "enum-changed",
                Effect.WIDENS,
                f"{self._at(path)}: enum value {', '.join(added)} added",
                a.enum_where,
                b.enum_where,
            )

    def _compare_bound(
        self,
        a: Normal,
        b: Normal,
        path: str,
        keyword: str,
        exclusive: str | None,
        *,
        lower_bound: bool,
    ) -> None:
        integers = a.types == _INTEGER and b.types == _INTEGER
        old = _bound(a, keyword, exclusive, lower_bound, integers)
        new = _bound(b, keyword, exclusive, lower_bound, integers)
        if old == new:
            return
        old_where = _keyword_where(a, keyword, exclusive)
        new_where = _keyword_where(b, keyword, exclusive)
        if old is None or new is None:
            effect = Effect.NARROWS if old is None else Effect.WIDENS
            present = new if old is None else old
            assert present is not None  # Both None returned above.
            shown = f"{keyword} {_show_bound(present)}"
            what = "added" if old is None else "removed"
            self.emit(
                "bound-changed", effect, f"{self._at(path)}: {shown} {what}", old_where, new_where
            )
            return
        # An exclusive bound is tighter than an inclusive one at the same value.
        tighter = new > old if lower_bound else (new[0], not new[1]) < (old[0], not old[1])
        self.emit(
            "bound-changed",
            Effect.NARROWS if tighter else Effect.WIDENS,
            f"{self._at(path)}: {keyword} changed from {_show_bound(old)} to {_show_bound(new)}",
            old_where,
            new_where,
        )

    def _compare_keywords(self, a: Normal, b: Normal, path: str) -> None:
        bounds = {k for group in _BOUNDS for k in group if k}
        for key in sorted(set(a.keywords) | set(b.keywords)):
            if key in bounds or key in ("items", "prefixItems", "additionalProperties"):
                continue
            if key == "propertyNames":
                continue
            old, old_where = a.keywords.get(key, (None, a.where))
            new, new_where = b.keywords.get(key, (None, b.where))
            if canonical(old) == canonical(new):
                continue
            old_at = pointer(old_where, key) if key in a.keywords else a.where
            new_at = pointer(new_where, key) if key in b.keywords else b.where
            effect, what = self._keyword_effect(key, old, new, key in a.keywords, key in b.keywords)
            kind = "doc-changed" if effect is Effect.NONE else "schema-changed"
            self.emit(
                _KEYWORD_KINDS.get(key, kind),
                effect,
                f"{self._at(path)}: {what}",
                old_at,
                new_at,
            )

    def _keyword_effect(
        self, key: str, old: Any, new: Any, had: bool, has: bool
    ) -> tuple[Effect, str]:
        if key in DOC_KEYWORDS or key.startswith("x-"):
            return Effect.NONE, f"{key} changed (documentation only)"
        if key in ("pattern", "format"):
            if not had:
                return Effect.NARROWS, f"{key} {new!r} added"
            if not has:
                return Effect.WIDENS, f"{key} {old!r} removed"
            return Effect.BREAKS, f"{key} changed from {old!r} to {new!r}"
        if key == "uniqueItems":
            return (
                (Effect.NARROWS, "items must now be unique")
                if new
                else (
                    Effect.WIDENS,
                    "items no longer need to be unique",
                )
            )
        if key == "multipleOf":
            if not had:
                return Effect.NARROWS, f"multipleOf {new!r} added"
            if not has:
                return Effect.WIDENS, f"multipleOf {old!r} removed"
            divides = is_number(old) and is_number(new) and _divides(new, old)
            effect = Effect.WIDENS if divides else Effect.NARROWS
            return effect, f"multipleOf changed from {old!r} to {new!r}"
        if key == "discriminator":
            old_name = old.get("propertyName") if isinstance(old, Mapping) else None
            new_name = new.get("propertyName") if isinstance(new, Mapping) else None
            if old_name != new_name:
                return Effect.BREAKS, f"discriminator changed from {old_name!r} to {new_name!r}"
            return Effect.NONE, "discriminator mapping changed"
        # NOTE: a keyword this comparison does not know (not, if/then/else,
        # dependentRequired...) may narrow or widen: count it as breaking, so
        # nothing slips through; --allow takes a deliberate change.
        return Effect.BREAKS, f"{key} changed; whether it narrows cannot be told, so it counts"

    def _compare_properties(self, a: Normal, b: Normal, path: str) -> None:
        skip = "readOnly" if self.side == "request" else "writeOnly"
        names = list(a.properties) + [n for n in b.properties if n not in a.properties]
        for name in names:
            inner = _join(path, name)
            old = a.properties.get(name)
            new = b.properties.get(name)
            if old is not None and new is not None:
                if self._flag(self.old, old, skip) and self._flag(self.new, new, skip):
                    continue
                self.compare(all_of(old), all_of(new), old[0][1], new[0][1], inner)
            elif old is not None:
                if self._flag(self.old, old, skip):
                    continue
                self.emit(
                    "property-removed",
                    Effect.BREAKS,
                    f"{self._at(path)}: property '{name}' removed",
                    old[0][1],
                    None,
                )
            elif new is not None:
                if self._flag(self.new, new, skip) or name in b.required:
                    continue  # A new required property is reported with 'required' below.
                # NOTE: a response may gain properties: clients ignore the ones they do
                # not know. A request gaining an optional property accepts more.
                effect = Effect.WIDENS if self.side == "request" else Effect.NONE
                optional = "optional " if self.side == "request" else ""
                self.emit(
                    "property-added",
                    effect,
                    f"{self._at(path)}: {optional}property '{name}' added",
                    None,
                    new[0][1],
                )

        for name in sorted(set(b.required) - set(a.required)):
            if name in b.properties and self._flag(self.new, b.properties[name], skip):
                continue
            what = "now required" if name in a.properties else "added as required"
            self.emit(
                "property-required",
                Effect.NARROWS,
                f"{self._at(path)}: property '{name}' {what}",
                a.where,
                b.required[name],
            )
        for name in sorted(set(a.required) - set(b.required)):
            if name in a.properties and name not in b.properties:
                continue  # Reported as removed.
            if name in a.properties and self._flag(self.old, a.properties[name], skip):
                continue
            self.emit(
                "property-optional",
                Effect.WIDENS,
                f"{self._at(path)}: property '{name}' no longer required",
                a.required[name],
                b.where,
            )
        self._compare_additional(a, b, path)

    def _flag(self, resolver: Resolver, schemas: list[tuple[Any, str]], flag: str) -> bool:
        normal = normalise(resolver, all_of(schemas), schemas[0][1])
        return normal.keywords.get(flag, (False, ""))[0] is True

    def _compare_additional(self, a: Normal, b: Normal, path: str) -> None:
        old, old_where = a.keywords.get("additionalProperties", (True, a.where))
        new, new_where = b.keywords.get("additionalProperties", (True, b.where))
        old_at = pointer(old_where, "additionalProperties")
        new_at = pointer(new_where, "additionalProperties")
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            self.compare(old, new, old_at, new_at, _join(path, "*"))
            return
        if canonical(old) == canonical(new):
            return
        # True < a schema < False, in the values each lets in.
        rank = {True: 0, False: 2}
        old_rank = rank.get(old, 1) if isinstance(old, bool) else 1
        new_rank = rank.get(new, 1) if isinstance(new, bool) else 1
        if new_rank > old_rank:
            effect, what = Effect.NARROWS, "accepts fewer additional properties"
        else:
            effect, what = Effect.WIDENS, "accepts more additional properties"
            if self.side == "response":
                effect = Effect.NONE  # Clients ignore properties they do not know.
        self.emit(
            "additional-properties-changed", effect, f"{self._at(path)}: {what}", old_at, new_at
        )

    def _compare_items(self, a: Normal, b: Normal, path: str) -> None:
        for key, label in (("items", "[]"), ("propertyNames", "(names)")):
            old, old_where = a.keywords.get(key, (True, a.where))
            new, new_where = b.keywords.get(key, (True, b.where))
            if key not in a.keywords and key not in b.keywords:
                continue
            self.compare(
                old,
                new,
                pointer(old_where, key),
                pointer(new_where, key),
                path + label if key == "items" else _join(path, label),
            )
        old_prefix, old_where = a.keywords.get("prefixItems", ([], a.where))
        new_prefix, new_where = b.keywords.get("prefixItems", ([], b.where))
        if not isinstance(old_prefix, list) or not isinstance(new_prefix, list):
            return
        for index in range(min(len(old_prefix), len(new_prefix))):
            self.compare(
                old_prefix[index],
                new_prefix[index],
                pointer(old_where, "prefixItems", index),
                pointer(new_where, "prefixItems", index),
                f"{path}[{index}]",
            )
        if len(old_prefix) != len(new_prefix):
            self.emit(
                "schema-changed",
                Effect.BREAKS,
                f"{self._at(path)}: prefixItems has {len(new_prefix)} positions instead of"
                f" {len(old_prefix)}",
                pointer(old_where, "prefixItems"),
                pointer(new_where, "prefixItems"),
            )

    def _compare_alternatives(self, a: Normal, b: Normal, path: str) -> None:
        old = a.alternatives or _by_type(a)
        new = b.alternatives or _by_type(b)
        pairs, old_left, new_left = self._match(old, new)
        for (o, o_where), (n, n_where) in pairs:
            self.compare(o, n, o_where, n_where, path)
        for schema, where in old_left:
            self.emit(
                "alternative-removed",
                Effect.NARROWS,
                f"{self._at(path)}: alternative {self._describe(self.old, schema, where)} removed",
                where,
                None,
            )
        for schema, where in new_left:
            self.emit(
                "alternative-added",
                Effect.WIDENS,
                f"{self._at(path)}: alternative {self._describe(self.new, schema, where)} added",
                None,
                where,
            )

    def _match(
        self, old: list[tuple[Any, str]], new: list[tuple[Any, str]]
    ) -> tuple[list[tuple[tuple[Any, str], tuple[Any, str]]], list[Any], list[Any]]:
        """Pair alternatives, surest first: same content, ``$ref`` name, shape, then kind.

        Content, ``$ref`` names and shapes pair greedily; kinds (types and
        discriminating constants) pair only where one of a kind is left on
        each side, and two lone leftovers pair with each other.
        """
        old_left, new_left = list(old), list(new)
        pairs = []
        keys: tuple[tuple[Callable[[Resolver, Any, str], str], bool], ...] = (
            (self._content_key, False),
            (_ref_key, False),
            (self._shape_key, False),
            (self._kind_key, True),
        )
        for key, only_unique in keys:
            old_keys = [key(self.old, *item) for item in old_left]
            new_keys = [key(self.new, *item) for item in new_left]
            for item, wanted in list(zip(old_left, old_keys, strict=True)):
                if only_unique and (old_keys.count(wanted) != 1 or new_keys.count(wanted) != 1):
                    continue
                if wanted in new_keys:
                    index = new_keys.index(wanted)
                    pairs.append((item, new_left[index]))
                    del new_left[index], new_keys[index]
                    index = old_left.index(item)
                    del old_left[index], old_keys[index]
        if len(old_left) == 1 and len(new_left) == 1:
            pairs.append((old_left.pop(), new_left.pop()))
        return pairs, old_left, new_left

    def _content_key(self, resolver: Resolver, schema: Any, where: str) -> str:
        target, _ = resolver.follow(schema, where)
        return canonical(unordered(target))

    def _kind_key(self, resolver: Resolver, schema: Any, where: str) -> str:
        normal = normalise(resolver, schema, where)
        consts = sorted(
            (name, canonical(sub))
            for name, subs in normal.properties.items()
            for sub, _ in subs
            if isinstance(sub, Mapping) and "const" in sub
        )
        return canonical([sorted(normal.types or ()), consts, normal.enum is not None])

    def _shape_key(self, resolver: Resolver, schema: Any, where: str) -> str:
        normal = normalise(resolver, schema, where)
        return canonical(
            [
                self._kind_key(resolver, schema, where),
                sorted(normal.enum or ()),
                sorted(normal.properties),
            ]
        )

    def _describe(self, resolver: Resolver, schema: Any, where: str) -> str:
        if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            return repr(schema["$ref"].rsplit("/", 1)[-1])
        normal = normalise(resolver, schema, where)
        if normal.enum is not None:
            return ", ".join(sorted(normal.enum))
        return _types(normal.types)


_KEYWORD_KINDS = {
    "pattern": "pattern-changed",
    "format": "format-changed",
    "multipleOf": "multiple-of-changed",
    "uniqueItems": "unique-items-changed",
}


# The keywords that constrain values of one type only.
_TYPE_KEYWORDS = {
    "string": {"minLength", "maxLength", "pattern", "format", "contentEncoding"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "array": {"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"},
    "object": {
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
    },
}
_TYPE_KEYWORDS["integer"] = _TYPE_KEYWORDS["number"]
_TYPED_KEYWORDS = frozenset().union(*_TYPE_KEYWORDS.values())


def _by_type(normal: Normal) -> list[tuple[Any, str]]:
    """Return a schema without alternatives as alternatives to pair with a union's.

    ``"type": ["string", "integer"]`` is the union of a string and an integer
    schema, each with the keywords that apply to it.
    """
    rest = _rest(normal)
    if normal.types is None or len(normal.types) < 2:
        return [(rest, normal.where)]
    return [
        (
            {
                **{
                    k: v
                    for k, v in rest.items()
                    if k not in _TYPED_KEYWORDS or k in _TYPE_KEYWORDS.get(t, ())
                },
                "type": t,
            },
            normal.where,
        )
        for t in sorted(normal.types)
    ]


def _rest(normal: Normal) -> dict[str, Any]:
    """Rebuild a schema from a normal form without alternatives (to pair it with one)."""
    schema: dict[str, Any] = {k: v for k, (v, _) in normal.keywords.items()}
    if normal.types is not None:
        schema["type"] = sorted(normal.types)
    if normal.enum is not None:
        schema["enum"] = list(normal.enum.values())
    if normal.properties:
        schema["properties"] = {k: all_of(v) for k, v in normal.properties.items()}
    if normal.required:
        schema["required"] = list(normal.required)
    return schema


def _ref_key(resolver: Resolver, schema: Any, where: str) -> str:
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        return "$ref:" + str(schema["$ref"]).rsplit("/", 1)[-1]
    return f"inline:{resolver.name}:{where}"  # Never equal across documents.


def _accepts(types: Iterable[str], name: str) -> bool:
    types = set(types)
    return name in types or (name == "integer" and "number" in types)


def _types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any type"
    if not types:
        return "no type"
    return " or ".join(repr(t) for t in sorted(types))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _divides(divisor: float, value: float) -> bool:
    if divisor == 0:
        return False
    quotient = value / divisor
    return math.isclose(quotient, round(quotient))


def _bound(
    normal: Normal, keyword: str, exclusive: str | None, lower: bool, integers: bool
) -> tuple[float, bool] | None:
    """Return a bound as (value, exclusive), tightest of its spellings; ``None`` if unbounded."""
    candidates: list[tuple[float, bool]] = []
    value = normal.keywords.get(keyword, (None, ""))[0]
    flag = normal.keywords.get(exclusive, (None, ""))[0] if exclusive else None
    if is_number(value):
        # OpenAPI 3.0 writes an exclusive bound as a boolean next to the value.
        candidates.append((value, flag is True))
    if is_number(flag):
        candidates.append((flag, True))
    if not candidates:
        return None
    if integers:
        # For integers, > 4 and >= 5 are the same bound.
        step = 1 if lower else -1
        candidates = [
            (v + step, False) if excl and float(v).is_integer() else (v, excl)
            for v, excl in candidates
        ]
    if lower:
        return max(candidates, key=lambda c: (c[0], c[1]))
    return min(candidates, key=lambda c: (c[0], not c[1]))


def _keyword_where(normal: Normal, keyword: str, exclusive: str | None) -> str:
    for key in (keyword, exclusive):
        if key and key in normal.keywords:
            return pointer(normal.keywords[key][1], key)
    return normal.where


def _show_bound(bound: tuple[float, bool]) -> str:
    value, exclusive = bound
    return _number(value) + (" (exclusive)" if exclusive else "")


def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
