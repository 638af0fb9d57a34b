"""JSON Schema 2020-12 for the types resources accept and return.

:class:`SchemaGenerator` turns Python types (attrs classes, enums, the
builtin scalars and containers, ``Optional``, ``Union`` and ``Literal``) into
JSON Schema. Each attrs class and each enum becomes one named schema in
``components/schemas`` and is referred to with ``$ref`` everywhere else, so
nested and recursive classes work and each class is described once.

The schemas describe exactly what binding accepts: wire names come from
:func:`resourceful.fields.wire_name`, fields with a default are optional,
unknown fields are refused with ``additionalProperties: false`` when binding
refuses them, and the attrs validators that can be expressed in JSON Schema
(``ge``/``gt``/``le``/``lt``, ``min_len``/``max_len``, ``matches_re``,
``in_``, through ``optional``, ``and_``, ``deep_iterable`` and
``deep_mapping``) become constraints.

Names come from the class name, or from a ``__schema_name__`` class attribute
when two classes would otherwise share one. Output is deterministic: the same
types give byte-identical JSON every time.
"""

from __future__ import annotations

import collections.abc
import datetime
import decimal
import enum
import inspect
import re
import types
import typing
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, Union

import attrs
import attrs.validators

from resourceful.convert.typeinfo import resolve_types, tag_field
from resourceful.errors import DefinitionError
from resourceful.fields import field_info, wire_name

__all__ = [
    "JSON_SCHEMA_DIALECT",
    "FieldSchema",
    "SchemaError",
    "SchemaGenerator",
    "json_schema",
    "schema_name",
]

#: The dialect every generated schema uses (OpenAPI 3.1's default dialect
#: is a superset of it).
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: The class attribute that overrides a class's schema name.
SCHEMA_NAME_ATTRIBUTE = "__schema_name__"

# OpenAPI requires component names to match this.
_COMPONENT_NAME = re.compile(r"^[A-Za-z0-9._-]+$")

JSONSchema = dict[str, Any]

# What Decimal() accepts once binding strips the string: digits with an
# optional point and exponent, and underscores anywhere (Python drops them).
_DIGITS = "[0-9][0-9_]*"
_DECIMAL = (
    r"^\s*_*[+-]?_*"
    rf"(?:{_DIGITS}(?:\.[0-9_]*)?|\.[0-9_]*[0-9][0-9_]*)"
    rf"(?:[eE]_*[+-]?_*{_DIGITS})?\s*$"
)

_SCALARS: Mapping[Any, JSONSchema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    # NOTE: binding takes a decimal as a string ("12.50", exact) or a number;
    # responses always write a string. See docs/openapi.md.
    decimal.Decimal: {"type": ["string", "number"], "format": "decimal", "pattern": _DECIMAL},
    uuid.UUID: {"type": "string", "format": "uuid"},
    datetime.datetime: {"type": "string", "format": "date-time"},
    datetime.date: {"type": "string", "format": "date"},
    datetime.time: {"type": "string", "format": "time"},
}

_LIST_ORIGINS = frozenset(
    {
        list,
        collections.abc.Sequence,
        collections.abc.MutableSequence,
    }
)
_SET_ORIGINS = frozenset(
    {set, frozenset, collections.abc.Set, collections.abc.MutableSet},
)
_DICT_ORIGINS = frozenset({dict, collections.abc.Mapping, collections.abc.MutableMapping})

# Factories whose result is fixed and safe to call while documenting a
# default: an empty container. Other factories (uuid4, datetime.now...) are
# not called, because that would make the document change between runs.
_PURE_FACTORIES = frozenset({list, dict, set, frozenset, tuple})

# Python < 3.11 gives every enum this docstring; it says nothing.
_DEFAULT_ENUM_DOCS = frozenset({"An enumeration."})


class SchemaError(DefinitionError):
    """A type cannot be described, or two types claim one schema name."""


def schema_name(cls: type[Any]) -> str:
    """Return the component name of ``cls``: ``__schema_name__`` or the class name.

    Only a ``__schema_name__`` set on the class itself counts, so a subclass
    does not inherit its parent's name.
    """
    override = cls.__dict__.get(SCHEMA_NAME_ATTRIBUTE)
    if override is None:
        return cls.__name__
    if not isinstance(override, str) or not _COMPONENT_NAME.match(override):
        raise SchemaError(
            f"{_qualified(cls)}.{SCHEMA_NAME_ATTRIBUTE} is {override!r}, which is not a valid"
            " schema name. Use a string of letters, digits, '.', '-' and '_', for example"
            f" {SCHEMA_NAME_ATTRIBUTE} = {cls.__name__!r}."
        )
    return override


@attrs.frozen
class FieldSchema:
    """One field of an attrs class as :meth:`SchemaGenerator.fields` describes it."""

    attribute: attrs.Attribute[Any]
    #: The key on the wire.
    wire_name: str
    required: bool
    schema: JSONSchema


@attrs.frozen
class _Context:
    """Where in the type tree the generator is, for error messages."""

    owner: str | None = None

    def describe(self) -> str:
        return f" (in {self.owner})" if self.owner else ""


class SchemaGenerator:
    """Build JSON Schemas for types, collecting named components as it goes.

    One generator is used for a whole OpenAPI document so that every class is
    described once and two classes with one name are caught. Call
    :meth:`schema` for each type, then read :attr:`components`.

    ``forbid_unknown_fields`` adds ``additionalProperties: false`` to every
    attrs class, matching a binder that refuses unknown fields.
    ``unstructure`` turns default values and examples into JSON (pass the
    app converter's ``unstructure``). ``ref_prefix`` is where ``$ref`` points:
    ``#/components/schemas/`` in OpenAPI, ``#/$defs/`` in a standalone schema.
    ``type_schemas`` gives the schema of types the generator does not know
    (for example a class with a custom converter hook).
    """

    def __init__(
        self,
        *,
        forbid_unknown_fields: bool = True,
        unstructure: Callable[[Any], Any] | None = None,
        ref_prefix: str = "#/components/schemas/",
        type_schemas: Mapping[Any, JSONSchema] | None = None,
    ) -> None:
        self.forbid_unknown_fields = forbid_unknown_fields
        self.ref_prefix = ref_prefix
        self.unstructure: Callable[[Any], Any] = unstructure or _to_json
        self._type_schemas = dict(type_schemas or {})
        self._components: dict[str, JSONSchema] = {}
        self._owners: dict[str, Any] = {}

    @property
    def components(self) -> dict[str, JSONSchema]:
        """Return the named schemas collected so far, sorted by name."""
        return {name: self._components[name] for name in sorted(self._components)}

    def schema(self, tp: Any) -> JSONSchema:
        """Return the schema of ``tp``; attrs classes and enums become ``$ref`` s."""
        return self._schema(tp, _Context())

    def ref(self, name: str) -> JSONSchema:
        """Return a ``$ref`` to the component ``name``."""
        return {"$ref": self.ref_prefix + name}

    def add_component(self, name: str, schema: JSONSchema, owner: str) -> JSONSchema:
        """Add a hand-written component ``schema`` as ``name`` and return a ``$ref`` to it.

        ``owner`` names where it comes from, for the message if a class
        claims the same name.
        """
        self._named(owner, _Context(), lambda key, name, ctx: dict(schema), name=name)
        return self.ref(name)

    def fields(self, cls: Any, *, text: bool = False) -> list[FieldSchema]:
        """Return the schema of each field of the attrs class ``cls``, one by one.

        For groups of query, header, cookie or form values, which are
        described as separate parameters or form fields rather than as one
        object; pass ``text=True`` for them (see :meth:`text_schema`).
        """
        origin, type_map = _resolve_class(_class_key(cls))
        return [
            FieldSchema(attribute, wire_name(attribute), required, schema)
            for attribute, required, schema in self._field_schemas(origin, type_map, text)
        ]

    def text_schema(self, tp: Any) -> JSONSchema:
        """Return the schema of a value binding parses from text (query, header, path...).

        The text rules have no ``null``: for an optional type that does not
        take strings, an empty value means ``None``. So ``int | None`` is
        ``anyOf: [integer, {"const": ""}]``, and ``str | None`` is a string.
        """
        return self._text_schema(tp, None, _Context())

    # -- dispatch ------------------------------------------------------------

    def _schema(self, tp: Any, ctx: _Context) -> JSONSchema:
        try:
            given = self._type_schemas.get(tp)
        except TypeError:  # an unhashable annotation (Annotated metadata)
            given = None
        if given is not None:
            return dict(given)
        if tp is Any or tp is object:
            return {}
        if isinstance(tp, typing.TypeVar):
            raise SchemaError(
                f"cannot describe the unbound type variable {tp!r}{ctx.describe()}. Use the"
                " generic class with concrete type arguments, for example Page[Todo]."
            )
        if isinstance(tp, str | typing.ForwardRef):
            raise SchemaError(
                f"cannot describe the unresolved annotation {tp!r}{ctx.describe()}. Make the"
                " name importable from the class's module, so attrs.resolve_types can find it."
            )
        # NewType, Annotated and 3.12 type aliases describe their underlying type.
        supertype = getattr(tp, "__supertype__", None)
        if supertype is not None:
            return self._schema(supertype, ctx)
        if typing.get_origin(tp) in (typing.Annotated, typing.Final):
            return self._schema(typing.get_args(tp)[0], ctx)
        alias_value = getattr(tp, "__value__", None)
        if alias_value is not None and type(tp).__name__ == "TypeAliasType":
            return self._schema(alias_value, ctx)

        if isinstance(tp, type):
            scalar = _SCALARS.get(tp)
            if scalar is not None:
                return dict(scalar)
            if issubclass(tp, enum.Enum):
                return self._named(tp, ctx, self._enum_component)
            if attrs.has(tp):
                return self._named(tp, ctx, self._class_component)
            if tp in (list, tuple, set, frozenset, dict):
                return self._generic(tp, (), ctx)
            for base, schema in _SCALARS.items():
                # Subclasses of str, int... (but not bool, which already matched).
                if base is not type(None) and issubclass(tp, base):
                    return dict(schema)

        origin = typing.get_origin(tp)
        if origin is not None:
            return self._generic(origin, typing.get_args(tp), ctx)
        raise _unsupported(tp, ctx)

    def _generic(self, origin: Any, args: tuple[Any, ...], ctx: _Context) -> JSONSchema:
        if origin is Union or origin is types.UnionType:
            return self._union(args, ctx)
        if origin is Literal:
            return _literal(args, self.unstructure)
        if attrs.has(origin):
            return self._named((origin, args), ctx, self._class_component)
        if origin in _LIST_ORIGINS:
            return {"type": "array", "items": self._item(args, ctx)}
        if origin in _SET_ORIGINS:
            return {"type": "array", "items": self._item(args, ctx), "uniqueItems": True}
        if origin is tuple or origin is collections.abc.Sequence:
            if not args or (len(args) == 2 and args[1] is Ellipsis):
                return {"type": "array", "items": self._item(args[:1], ctx)}
            if args == ((),):  # tuple[()]
                return {"type": "array", "maxItems": 0}
            return {
                "type": "array",
                "prefixItems": [self._schema(arg, ctx) for arg in args],
                "items": False,
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin in _DICT_ORIGINS:
            schema: JSONSchema = {"type": "object"}
            if len(args) == 2:
                keys = _key_schema(args[0])
                if keys is not None:
                    schema["propertyNames"] = keys
                schema["additionalProperties"] = self._schema(args[1], ctx)
            return schema
        raise _unsupported(origin, ctx)

    def _item(self, args: tuple[Any, ...], ctx: _Context) -> JSONSchema:
        return self._schema(args[0], ctx) if args else {}

    # -- unions ----------------------------------------------------------------

    def _union(self, args: tuple[Any, ...], ctx: _Context) -> JSONSchema:
        members = [arg for arg in args if arg is not type(None)]
        nullable = len(members) < len(args)
        if len(members) == 1:
            return _with_null(self._schema(members[0], ctx))
        classes = [member for member in members if _is_attrs(member)]
        others = [member for member in members if not _is_attrs(member)]
        schemas = [self._schema(member, ctx) for member in others]
        if len(classes) > 1:
            # Binding tells the classes apart by their tag field alone.
            schemas.insert(0, self._tagged(classes, ctx))
        elif classes:
            schemas.insert(0, self._schema(classes[0], ctx))
        if len(schemas) == 1:
            return _with_null(schemas[0]) if nullable else schemas[0]
        if nullable:
            schemas.append({"type": "null"})
        # NOTE: oneOf means "exactly one branch matches"; when two branches can
        # match one value (1 is an integer and a number) it would refuse values
        # binding accepts, so such unions use anyOf.
        kinds = [self._json_types(schema) for schema in schemas]
        disjoint = all(kind is not None for kind in kinds) and _pairwise_disjoint(
            [kind for kind in kinds if kind is not None]
        )
        return {"oneOf" if disjoint else "anyOf": schemas}

    def _tagged(self, classes: list[Any], ctx: _Context) -> JSONSchema:
        """Return the schema of a union of attrs classes told apart by a tag field."""
        refs = [self._schema(cls, ctx) for cls in classes]
        try:
            field_name, owners = tag_field(classes)
        except DefinitionError:
            # Binding refuses such a union when an operation is registered; a
            # schema asked for directly still describes it.
            return {"anyOf": refs}
        schema: JSONSchema = {"oneOf": refs}
        # OpenAPI's discriminator maps string values only.
        if all(isinstance(value, str) for value, _ in owners):
            mapping = {value: self.ref_prefix + self._name(cls) for value, cls in owners}
            schema["discriminator"] = {"propertyName": field_name, "mapping": mapping}
        return schema

    def _json_types(self, schema: JSONSchema) -> frozenset[str] | None:
        """Return the JSON types ``schema`` can match, or ``None`` if unknown."""
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(self.ref_prefix):
            target = self._components.get(ref[len(self.ref_prefix) :])
            if target is None:  # a class still being described: an object
                return frozenset({"object"})
            return self._json_types(target)
        kind = schema.get("type")
        if isinstance(kind, str):
            return frozenset({kind})
        if isinstance(kind, list):
            return frozenset(kind)
        branches = schema.get("oneOf", schema.get("anyOf"))
        if isinstance(branches, list):
            found: set[str] = set()
            for branch in branches:
                kinds = self._json_types(branch)
                if kinds is None:
                    return None
                found |= kinds
            return frozenset(found)
        for keyword in ("const", "enum"):
            if keyword in schema:
                values = [schema["const"]] if keyword == "const" else schema["enum"]
                return frozenset(_json_type(value) for value in values)
        return None

    # -- named components ------------------------------------------------------

    def _named(
        self,
        key: Any,
        ctx: _Context,
        build: Callable[[Any, str, _Context], JSONSchema],
        name: str | None = None,
    ) -> JSONSchema:
        name = name or self._name(key)
        owner = self._owners.get(name)
        if owner is None:
            self._owners[name] = key
            # Register before building so a recursive class refers to itself.
            self._components[name] = {}
            self._components[name] = build(key, name, ctx)
        elif owner != key:
            raise _clash(name, owner, key)
        return self.ref(name)

    def _name(self, key: Any) -> str:
        if isinstance(key, tuple):  # a parametrised generic attrs class
            origin, args = key
            return "_".join([schema_name(origin), *(_arg_name(arg) for arg in args)])
        return schema_name(key)

    def _enum_component(self, cls: type[enum.Enum], name: str, ctx: _Context) -> JSONSchema:
        values = [self.unstructure(member) for member in cls]
        schema: JSONSchema = {}
        kinds = {_json_type(value) for value in values}
        if len(kinds) == 1:
            schema["type"] = kinds.pop()
        schema["enum"] = values
        _describe_class(schema, cls)
        return schema

    def _class_component(self, key: Any, name: str, ctx: _Context) -> JSONSchema:
        cls, type_map = _resolve_class(key)
        properties: JSONSchema = {}
        required: list[str] = []
        for attribute, is_required, field_schema in self._field_schemas(cls, type_map):
            wire = wire_name(attribute)
            properties[wire] = field_schema
            if is_required:
                required.append(wire)
        schema: JSONSchema = {"type": "object"}
        _describe_class(schema, cls)
        schema["properties"] = properties
        if required:
            schema["required"] = required
        if self.forbid_unknown_fields:
            schema["additionalProperties"] = False
        return schema

    def _field_schemas(
        self, cls: type[Any], type_map: Mapping[Any, Any], text: bool = False
    ) -> Iterator[tuple[attrs.Attribute[Any], bool, JSONSchema]]:
        """Yield each ``init`` field of ``cls``, whether it is required, and its schema."""
        for attribute in attrs.fields(cls):
            if not attribute.init:
                continue
            field_ctx = _Context(f"field {cls.__qualname__}.{attribute.name}")
            tp = _substitute(attribute.type, type_map)
            if tp is None:
                raise SchemaError(
                    f"field {cls.__qualname__}.{attribute.name} has no type annotation, so its"
                    " schema is unknown. Annotate it, for example"
                    f" `{attribute.name}: str = attrs.field()`."
                )
            schema = self._field_schema(attribute, tp, field_ctx, text)
            yield attribute, attribute.default is attrs.NOTHING, schema

    def _field_schema(
        self, attribute: attrs.Attribute[Any], tp: Any, ctx: _Context, text: bool = False
    ) -> JSONSchema:
        if text:
            schema = self._text_schema(tp, attribute.validator, ctx)
        else:
            schema = self._schema(tp, ctx)
            if attribute.validator is not None:
                schema = self._constrain(schema, tp, attribute.validator, nullable=False)
        info = field_info(attribute)
        if info.description is not None:
            schema["description"] = info.description
        default = _default(attribute)
        if default is not attrs.NOTHING and not (text and default is None):
            schema["default"] = self.unstructure(default)
        if info.deprecated:
            schema["deprecated"] = True
        if info.examples:
            schema["examples"] = [self.unstructure(example) for example in info.examples]
        return schema

    def _text_schema(self, tp: Any, validator: Any, ctx: _Context) -> JSONSchema:
        members = _union_members(tp)
        if type(None) not in members:
            schema = self._schema(tp, ctx)
            if validator is not None:
                schema = self._constrain(schema, tp, validator, nullable=False)
            return schema
        rest = [member for member in members if member is not type(None)]
        inner = rest[0] if len(rest) == 1 else Union[tuple(rest)]  # noqa: UP007
        schema = self._schema(inner, ctx)
        if validator is not None:
            schema = self._constrain(schema, inner, validator, nullable=False)
            if isinstance(schema.get("enum"), list):  # optional(in_(...)) listed null
                schema["enum"] = [value for value in schema["enum"] if value is not None]
        if any(_strip(member) is str for member in rest):
            return schema  # an empty value is the empty string
        return {"anyOf": [schema, {"const": ""}]}

    # -- validators --------------------------------------------------------

    def _constrain(self, schema: JSONSchema, tp: Any, validator: Any, nullable: bool) -> JSONSchema:
        """Return ``schema`` with the constraints ``validator`` expresses added."""
        schema = dict(schema)
        for leaf, through_optional in _flatten(validator, nullable):
            if isinstance(leaf, _DEEP_ITERABLE):
                if leaf.iterable_validator is not None:
                    schema = self._constrain(schema, tp, leaf.iterable_validator, through_optional)
                schema = self._constrain_items(schema, _first_arg(tp), leaf.member_validator)
            elif isinstance(leaf, _DEEP_MAPPING):
                if leaf.mapping_validator is not None:
                    schema = self._constrain(schema, tp, leaf.mapping_validator, through_optional)
                schema = self._constrain_mapping(schema, tp, leaf)
            else:
                schema.update(
                    _leaf_constraints(leaf, tp, through_optional, self.unstructure),
                )
        return schema

    def _constrain_items(self, schema: JSONSchema, item_type: Any, validator: Any) -> JSONSchema:
        """Add ``validator``'s constraints to the item schema of an array schema."""
        if "anyOf" in schema:  # a nullable array
            branches = [self._constrain_items(b, item_type, validator) for b in schema["anyOf"]]
            return {**schema, "anyOf": branches}
        if isinstance(schema.get("items"), dict):
            items = self._constrain(schema["items"], item_type, validator, nullable=False)
            return {**schema, "items": items}
        return schema

    def _constrain_mapping(self, schema: JSONSchema, tp: Any, leaf: Any) -> JSONSchema:
        """Add a ``deep_mapping`` validator's constraints to keys and values."""
        if "anyOf" in schema:  # a nullable mapping
            branches = [self._constrain_mapping(b, tp, leaf) for b in schema["anyOf"]]
            return {**schema, "anyOf": branches}
        if "object" not in _as_list(schema.get("type")):
            return schema
        key_type, value_type = _mapping_args(tp)
        schema = dict(schema)
        if leaf.key_validator is not None:
            keys = schema.get("propertyNames", {"type": "string"})
            schema["propertyNames"] = self._constrain(
                keys, key_type, leaf.key_validator, nullable=False
            )
        values = schema.get("additionalProperties", {})
        if leaf.value_validator is not None and isinstance(values, dict):
            schema["additionalProperties"] = self._constrain(
                values, value_type, leaf.value_validator, nullable=False
            )
        return schema


# -- standalone schemas -----------------------------------------------------------


def json_schema(
    tp: Any,
    *,
    forbid_unknown_fields: bool = True,
    unstructure: Callable[[Any], Any] | None = None,
) -> JSONSchema:
    """Return a standalone JSON Schema 2020-12 document for ``tp``.

    Named schemas go in ``$defs``; the document can be given to any JSON
    Schema validator.
    """
    generator = SchemaGenerator(
        forbid_unknown_fields=forbid_unknown_fields,
        unstructure=unstructure,
        ref_prefix="#/$defs/",
    )
    schema = {"$schema": JSON_SCHEMA_DIALECT, **generator.schema(tp)}
    components = generator.components
    if components:
        schema["$defs"] = components
    return schema


# -- helpers ---------------------------------------------------------------------

_NUMBER_VALIDATOR: type[Any] = type(attrs.validators.ge(0))
_MIN_LEN: type[Any] = type(attrs.validators.min_len(0))
_MAX_LEN: type[Any] = type(attrs.validators.max_len(0))
_MATCHES_RE: type[Any] = type(attrs.validators.matches_re(""))
_IN: type[Any] = type(attrs.validators.in_(()))
_OPTIONAL: type[Any] = type(attrs.validators.optional(attrs.validators.ge(0)))
_AND: type[Any] = type(attrs.validators.and_())
_DEEP_ITERABLE: type[Any] = type(attrs.validators.deep_iterable(attrs.validators.ge(0)))
_DEEP_MAPPING: type[Any] = type(attrs.validators.deep_mapping(attrs.validators.ge(0)))

_LENGTH_SUFFIXES = {"string": "Length", "array": "Items", "object": "Properties"}

_BOUND_KEYWORDS = {
    ">=": "minimum",
    ">": "exclusiveMinimum",
    "<=": "maximum",
    "<": "exclusiveMaximum",
}


def _flatten(validator: Any, nullable: bool) -> Iterator[tuple[Any, bool]]:
    """Yield the leaf validators of ``validator`` and whether ``optional`` wraps each."""
    if isinstance(validator, _AND):
        for inner in validator._validators:
            yield from _flatten(inner, nullable)
    elif isinstance(validator, _OPTIONAL):
        yield from _flatten(validator.validator, True)
    elif isinstance(validator, list | tuple):
        for inner in validator:
            yield from _flatten(inner, nullable)
    else:
        yield validator, nullable


def _leaf_constraints(
    leaf: Any, tp: Any, nullable: bool, unstructure: Callable[[Any], Any]
) -> JSONSchema:
    """Return the keywords one attrs validator expresses (none if it has no JSON form)."""
    if isinstance(leaf, _NUMBER_VALIDATOR):
        bound = leaf.bound
        if isinstance(bound, bool) or not isinstance(bound, int | float | decimal.Decimal):
            return {}  # a date or another ordered type: JSON Schema has no keyword
        if _kind(tp) != "number":
            return {}
        if isinstance(bound, decimal.Decimal):
            bound = int(bound) if bound == bound.to_integral_value() else float(bound)
        return {_BOUND_KEYWORDS[leaf.compare_op]: bound}
    if isinstance(leaf, _MIN_LEN | _MAX_LEN):
        length = leaf.min_length if isinstance(leaf, _MIN_LEN) else leaf.max_length
        prefix = "min" if isinstance(leaf, _MIN_LEN) else "max"
        suffix = _LENGTH_SUFFIXES.get(_kind(tp) or "")
        return {} if suffix is None else {prefix + suffix: length}
    if isinstance(leaf, _MATCHES_RE):
        return _pattern(leaf)
    if isinstance(leaf, _IN):
        values = _options(leaf._original_options)
        if values is None:
            return {}
        listed = [unstructure(value) for value in values]
        if nullable and None not in listed:
            listed.append(None)
        return {"enum": listed}
    return {}


def _pattern(leaf: Any) -> JSONSchema:
    pattern: re.Pattern[str] = leaf.pattern
    if not isinstance(pattern.pattern, str) or pattern.flags & ~(re.UNICODE):
        # Flags (re.IGNORECASE...) have no portable JSON Schema spelling.
        return {}
    source = pattern.pattern
    func = getattr(leaf.match_func, "__name__", "fullmatch")
    # JSON Schema patterns search anywhere in the string (like re.search).
    if func == "fullmatch":
        source = f"^(?:{source})$"
    elif func == "match":
        source = f"^(?:{source})"
    return {"pattern": source}


def _options(options: Any) -> list[Any] | None:
    if isinstance(options, type) and issubclass(options, enum.Enum):
        return list(options)
    if isinstance(options, list | tuple):
        return list(options)
    if isinstance(options, dict):
        return list(options)
    if isinstance(options, set | frozenset):
        # Set order changes between runs (string hashing); sort for stable output.
        return sorted(options, key=repr)
    if isinstance(options, range) and len(options) <= 64:
        return list(options)
    return None  # a string (substring test) or another container: not an enum


def _kind(tp: Any) -> str | None:
    """Return "number", "string", "array" or "object" for the non-null part of ``tp``."""
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        members = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _kind(members[0]) if len(members) == 1 else None
    if origin in (typing.Annotated, typing.Final):
        return _kind(typing.get_args(tp)[0])
    if origin is not None:
        tp = origin
    if not isinstance(tp, type):
        return None
    if tp is bool:
        return None
    if issubclass(tp, int | float | decimal.Decimal):
        return "number"
    if issubclass(tp, str):
        return "string"
    if (
        tp in _LIST_ORIGINS
        or tp in _SET_ORIGINS
        or tp is tuple
        or issubclass(tp, list | tuple | set | frozenset)
    ):
        return "array"
    if tp in _DICT_ORIGINS or issubclass(tp, dict):
        return "object"
    return None


def _non_null(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        members = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(members) == 1:
            return members[0]
    return tp


def _union_members(tp: Any) -> tuple[Any, ...]:
    tp = _strip(tp)
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return typing.get_args(tp)
    return (tp,)


def _first_arg(tp: Any) -> Any:
    args = typing.get_args(_non_null(tp))
    return args[0] if args else Any


def _mapping_args(tp: Any) -> tuple[Any, Any]:
    args = typing.get_args(_non_null(tp))
    return (args[0], args[1]) if len(args) == 2 else (Any, Any)


def _as_list(kind: Any) -> list[Any]:
    if kind is None:
        return []
    return kind if isinstance(kind, list) else [kind]


def _with_null(schema: JSONSchema) -> JSONSchema:
    """Return ``schema`` also accepting ``null``."""
    kind = schema.get("type")
    if kind is not None and "enum" not in schema and "const" not in schema:
        return {**schema, "type": [*_as_list(kind), "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _literal(values: tuple[Any, ...], unstructure: Callable[[Any], Any]) -> JSONSchema:
    plain = [unstructure(value) for value in values]
    kinds = {_json_type(value) for value in plain}
    schema: JSONSchema = {}
    if len(kinds) == 1:
        schema["type"] = kinds.pop()
    if len(plain) == 1:
        schema["const"] = plain[0]
    else:
        schema["enum"] = plain
    return schema


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def _pairwise_disjoint(kinds: list[frozenset[str]]) -> bool:
    seen: set[str] = set()
    for kind in kinds:
        widened = set(kind)
        if "integer" in widened or "number" in widened:
            widened |= {"integer", "number"}
        if seen & widened:
            return False
        seen |= widened
    return True


def _key_schema(key_type: Any) -> JSONSchema | None:
    """Return the ``propertyNames`` schema for dict keys of ``key_type``.

    Binding parses non-string keys with the text rules (as for query
    strings), so the key schema describes those strings; ``None`` means any
    string.
    """
    key_type = _strip(key_type)
    if isinstance(key_type, type) and issubclass(key_type, enum.Enum):
        return {"type": "string", "enum": [_text_key(member.value) for member in key_type]}
    if typing.get_origin(key_type) is Literal:
        return {"type": "string", "enum": [_text_key(value) for value in typing.get_args(key_type)]}
    if key_type is int:
        return {"type": "string", "pattern": r"^\s*[+-]?[0-9]+\s*$"}
    if key_type in _TEXT_FORMATS:
        return {"type": "string", "format": _TEXT_FORMATS[key_type]}
    return None


def _text_key(value: Any) -> str:
    plain = _to_json(value)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


_TEXT_FORMATS = {
    uuid.UUID: "uuid",
    datetime.date: "date",
    datetime.datetime: "date-time",
    datetime.time: "time",
}


def _strip(tp: Any) -> Any:
    """Remove ``Annotated``, ``Final`` and ``NewType`` wrappers."""
    while True:
        if typing.get_origin(tp) in (typing.Annotated, typing.Final):
            tp = typing.get_args(tp)[0]
        elif hasattr(tp, "__supertype__"):
            tp = tp.__supertype__
        else:
            return tp


def _is_attrs(tp: Any) -> bool:
    return attrs.has(typing.get_origin(tp) or tp)


def _class_key(tp: Any) -> Any:
    """Return the component key of an attrs class or parametrised generic alias."""
    origin = typing.get_origin(tp)
    return (origin, typing.get_args(tp)) if origin is not None else tp


def _default(attribute: attrs.Attribute[Any]) -> Any:
    default: Any = attribute.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        if default.takes_self or factory not in _PURE_FACTORIES:
            return attrs.NOTHING
        return factory()
    return default


def _describe_class(schema: JSONSchema, cls: type[Any]) -> None:
    doc = cls.__dict__.get("__doc__")
    if isinstance(doc, str):
        text = inspect.cleandoc(doc)
        if text and text not in _DEFAULT_ENUM_DOCS:
            schema["description"] = text


def _resolve_class(key: Any) -> tuple[type[Any], dict[Any, Any]]:
    """Return the attrs class for ``key`` and its type-variable bindings."""
    cls, args = key if isinstance(key, tuple) else (key, ())
    _resolve_types(cls)
    parameters = getattr(cls, "__parameters__", ())
    return cls, dict(zip(parameters, args, strict=False))


def _resolve_types(cls: type[Any]) -> None:
    """Turn ``cls``'s string annotations into types, explaining a name that cannot be found."""
    try:
        resolve_types(cls)
    except NameError as error:
        raise SchemaError(
            f"cannot resolve the annotations of {_qualified(cls)}: {error}. Every name used in"
            " an annotation must be importable from the class's module (define or import it at"
            " module level, not inside a function)."
        ) from error


def _substitute(tp: Any, type_map: Mapping[Any, Any]) -> Any:
    if not type_map:
        return tp
    if isinstance(tp, typing.TypeVar):
        return type_map.get(tp, tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is None or not args:
        return tp
    new_args = tuple(_substitute(arg, type_map) for arg in args)
    if origin is types.UnionType:
        return Union[new_args]  # noqa: UP007 - rebuilding a union from a tuple
    if origin is Literal:
        return tp
    try:
        return tp.copy_with(new_args)
    except AttributeError:
        return origin[new_args]


def _arg_name(arg: Any) -> str:
    if isinstance(arg, type):
        return schema_name(arg)
    origin = typing.get_origin(arg)
    if origin is not None:
        parts = [getattr(origin, "__name__", "Type")]
        parts += [_arg_name(inner) for inner in typing.get_args(arg)]
        return "_".join(parts)
    return re.sub(r"[^A-Za-z0-9._-]", "_", str(arg))


def _to_json(value: Any) -> Any:
    """Turn a default or example into JSON without a converter."""
    if isinstance(value, enum.Enum):
        return _to_json(value.value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.isoformat() + "+00:00"  # naive is UTC, as the converter writes it
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted((_to_json(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(_to_json(key)): _to_json(item) for key, item in value.items()}
    if attrs.has(type(value)):
        return {
            wire_name(attribute): _to_json(getattr(value, attribute.name))
            for attribute in attrs.fields(type(value))
        }
    return value


def _qualified(cls: Any) -> str:
    if isinstance(cls, str):  # a hand-written component's owner
        return cls
    if isinstance(cls, tuple):
        origin, args = cls
        return f"{_qualified(origin)}[{', '.join(_type_repr(arg) for arg in args)}]"
    return f"{cls.__module__}.{cls.__qualname__}"


def _type_repr(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__qualname__ if tp.__module__ == "builtins" else _qualified(tp)
    return repr(tp)


def _clash(name: str, first: Any, second: Any) -> SchemaError:
    # Suggest renaming a class, never a hand-written component.
    target = first if isinstance(second, str) else second
    return SchemaError(
        f"two different classes have the schema name {name!r}: {_qualified(first)} and"
        f" {_qualified(second)}. Schema names must be unique in one document; rename one by"
        f" setting a class attribute, for example {SCHEMA_NAME_ATTRIBUTE} ="
        f" {_suggest(target, name)!r} in the body of {_qualified(target)}."
    )


def _suggest(cls: Any, name: str) -> str:
    if isinstance(cls, tuple):
        cls = cls[0]
    module = cls.__module__.rsplit(".", 1)[-1]
    prefix = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", module) if part)
    return f"{prefix}{name}"


def _unsupported(tp: Any, ctx: _Context) -> SchemaError:
    return SchemaError(
        f"cannot describe the type {_type_repr(tp)}{ctx.describe()} in JSON Schema. Use an attrs"
        " class, an Enum, a builtin scalar (str, int, float, bool, Decimal, UUID, date, datetime,"
        " time), Literal, Optional, Union or a list/tuple/set/frozenset/dict of those; or give"
        " its schema with SchemaGenerator(type_schemas={type: {...}})."
    )
