"""JSON Schema 2020-12 for the types resources accept and return.

:class:`SchemaGenerator` turns Python types into JSON Schema by predicate
dispatch, the way the converter finds a structure hook: each *schema hook*
is registered with a predicate on types, and the most recently registered
hook whose predicate accepts a type describes it. The built-in hooks
describe attrs classes, enums, the builtin scalars and containers,
``Optional``, ``Union`` and ``Literal``; register your own for a custom type
with :meth:`SchemaGenerator.register_schema_hook` (or, for an app,
:func:`resourceful.openapi.register_schema_hook`), next to its converter hook.

Each attrs class and each enum becomes one named schema in
``components/schemas`` and is referred to with ``$ref`` everywhere else, so
nested and recursive classes work and each class is described once.

A class can have two shapes. What binding accepts (the *input*: fields with
a default are optional, a ``Decimal`` is a string or a number) and what the
renderer writes (the *output*: every field is always written, a ``Decimal``
is a string) can differ. A class used in
both directions whose two shapes differ gets two components: ``Todo``, what
the renderer writes, and ``TodoInput``, what binding accepts; otherwise it
has one, named after the class. The names
are settled when the document is complete (:meth:`SchemaGenerator.resolve`).

The schemas describe exactly what binding accepts and what the renderer
writes. Output is deterministic: the same types give byte-identical JSON.
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, Union

import attrs

from resourceful.convert.typeinfo import (
    allows_unset,
    is_attrs,
    is_union,
    resolve_types,
    strip_unset,
    tag_field,
    union_of,
    unwrap,
)
from resourceful.errors import DefinitionError
from resourceful.fields import field_info, wire_name
from resourceful.openapi.builtin import install_builtin_hooks
from resourceful.openapi.constraints import constrain, json_type
from resourceful.openapi.names import (
    SchemaError,
    clash,
    component_key,
    component_name,
    qualified,
    schema_name,
    type_repr,
)
from resourceful.openapi.values import check_value, field_values, to_json

__all__ = [
    "INPUT",
    "JSON_SCHEMA_DIALECT",
    "OUTPUT",
    "FieldSchema",
    "SchemaError",
    "SchemaGenerator",
    "SchemaHook",
    "json_schema",
    "schema_name",
]

#: The dialect every generated schema uses (OpenAPI 3.1's default dialect
#: is a superset of it).
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

JSONSchema = dict[str, Any]

#: The direction a schema describes: what binding accepts, or what is written.
Mode = Literal["input", "output"]
INPUT: Mode = "input"
OUTPUT: Mode = "output"

#: ``hook(tp, generator)``: the schema of ``tp``. Call ``generator.schema(arg)``
#: for the types ``tp`` is made of, so their components are collected too.
SchemaHook = Callable[[Any, "SchemaGenerator"], JSONSchema]

# The suffixes of a class's two components when its shapes differ: what
# clients read keeps the class's name, what they send is TodoInput.
_SUFFIXES: Mapping[str, str] = {INPUT: "Input", OUTPUT: ""}
# A reference made while describing an output: settled by resolve().
_OUTPUT_MARK = "\x00output"

# Python < 3.11 gives every enum this docstring; it says nothing.
_DEFAULT_ENUM_DOCS = frozenset({"An enumeration."})


@attrs.frozen
class FieldSchema:
    """One field of an attrs class as :meth:`SchemaGenerator.fields` describes it."""

    attribute: attrs.Attribute[Any]
    #: The key on the wire.
    wire_name: str
    required: bool
    schema: JSONSchema
    #: The field's type, type variables substituted.
    type: Any = None


class SchemaGenerator:
    """Build JSON Schemas for types, collecting named components as it goes.

    One generator is used for a whole OpenAPI document so that every class is
    described once and two classes with one name are caught. Call
    :meth:`schema` for each type, then read :attr:`components` and pass
    everything that holds a schema through :meth:`resolve`, which settles
    the names of classes described in both directions.

    ``forbid_unknown_fields`` adds ``additionalProperties: false`` to every
    attrs class, matching a binder that refuses unknown fields.
    ``unstructure`` turns default values and examples into JSON (pass the
    app converter's ``unstructure``); ``structure`` (the converter's
    ``structure``) reads them back, so that a default or example its own
    field would refuse is a :class:`SchemaError`. ``ref_prefix`` is where
    ``$ref`` points: ``#/components/schemas/`` in OpenAPI, ``#/$defs/`` in
    a standalone schema. ``type_schemas`` gives the schema of types the
    generator does not know (for example a class with a custom converter
    hook), and ``hooks`` is a sequence of ``(predicate, hook)`` pairs, as
    :meth:`register_schema_hook` takes them.
    """

    def __init__(
        self,
        *,
        forbid_unknown_fields: bool = True,
        unstructure: Callable[[Any], Any] | None = None,
        ref_prefix: str = "#/components/schemas/",
        type_schemas: Mapping[Any, JSONSchema] | None = None,
        hooks: typing.Iterable[tuple[Callable[[Any], bool], SchemaHook]] = (),
        structure: Callable[[Any, Any], Any] | None = None,
    ) -> None:
        self.forbid_unknown_fields = forbid_unknown_fields
        self.ref_prefix = ref_prefix
        self.unstructure: Callable[[Any], Any] = unstructure or to_json
        self.structure = structure
        self._hooks: list[tuple[Callable[[Any], bool], SchemaHook]] = []
        install_builtin_hooks(self)
        for tp, given in (type_schemas or {}).items():
            self.register_schema_hook(tp, _fixed_schema(given))
        for predicate, hook in hooks:
            self.register_schema_hook(predicate, hook)
        self._mode: Mode = INPUT
        self._where: str | None = None
        # (name, mode) -> schema, with references not yet settled.
        self._components: dict[tuple[str, str], JSONSchema] = {}
        self._fixed: dict[str, JSONSchema] = {}
        self._owners: dict[str, Any] = {}

    # -- hooks -------------------------------------------------------------------

    def register_schema_hook(self, match: Any, hook: SchemaHook) -> None:
        """Describe the types ``match`` selects with ``hook(tp, generator)``.

        ``match`` is a type (that type exactly) or a predicate on types.
        Hooks registered later take precedence, so yours win over the
        built-in ones::

            generator.register_schema_hook(Money, lambda tp, gen: {"type": "string"})
        """
        predicate = match if _is_predicate(match) else _is_type(match)
        self._hooks.append((predicate, hook))

    @property
    def mode(self) -> Mode:
        """The direction being described: ``"input"`` (bound) or ``"output"`` (written)."""
        return self._mode

    # -- public entry points ----------------------------------------------------------

    @property
    def components(self) -> dict[str, JSONSchema]:
        """Return the named schemas collected so far, sorted by name, references settled."""
        final = self._final_names()
        settled: dict[str, JSONSchema] = dict(self._fixed)
        for (name, mode), schema in self._components.items():
            settled.setdefault(final[(name, mode)], self._rewrite(schema, final))
        return {name: settled[name] for name in sorted(settled)}

    def resolve(self, value: Any) -> Any:
        """Return ``value`` (a schema, or a document holding schemas) with references settled."""
        return self._rewrite(value, self._final_names())

    def schema(self, tp: Any, mode: Mode | None = None) -> JSONSchema:
        """Return the schema of ``tp``; attrs classes and enums become ``$ref`` s.

        ``mode`` is ``"input"`` (what binding accepts, the default) or
        ``"output"`` (what the renderer writes); a hook that calls it for
        the parts of its type leaves it out to keep the current one.
        """
        if mode is None or mode == self._mode:
            return self._schema(tp)
        previous, self._mode = self._mode, mode
        try:
            return self._schema(tp)
        finally:
            self._mode = previous

    def ref(self, name: str) -> JSONSchema:
        """Return a ``$ref`` to the component ``name``."""
        return {"$ref": self.ref_prefix + name}

    def add_component(self, name: str, schema: JSONSchema, owner: str) -> JSONSchema:
        """Add a hand-written component ``schema`` as ``name`` and return a ``$ref`` to it.

        ``owner`` names where it comes from, for the message if a class
        claims the same name.
        """
        known = self._owners.get(name)
        if known is None:
            self._owners[name] = owner
            self._fixed[name] = dict(schema)
        elif known != owner:
            raise clash(name, known, owner)
        return self.ref(name)

    def fields(self, cls: Any, *, text: bool = False) -> list[FieldSchema]:
        """Return the input schema of each field of the attrs class ``cls``, one by one.

        For groups of query, header, cookie or form values, which are
        described as separate parameters or form fields rather than as one
        object; pass ``text=True`` for them (see :meth:`text_schema`).
        """
        origin, type_map = _resolve_class(component_key(cls))
        previous, self._mode = self._mode, INPUT
        try:
            return [
                FieldSchema(
                    attribute,
                    wire_name(attribute),
                    required,
                    schema,
                    _substitute(attribute.type, type_map),
                )
                for attribute, required, schema in self._field_schemas(origin, type_map, text)
            ]
        finally:
            self._mode = previous

    def text_schema(self, tp: Any) -> JSONSchema:
        """Return the schema of a value binding parses from text (query, header, path...).

        An optional value is described by the schema of its type: the
        parameter is simply not required. (Binding also reads an empty value
        as ``None`` for an optional type that does not take strings, a
        convenience for HTML forms that the document leaves out.)
        """
        previous, self._mode = self._mode, INPUT
        try:
            return self._text_schema(tp, None)
        finally:
            self._mode = previous

    def describe_value(
        self, value: Any, what: str, tp: Any, attribute: attrs.Attribute[Any] | None = None
    ) -> Any:
        """Return ``value`` (a default or an example of ``tp``) as JSON, checked first."""
        return check_value(value, what, tp, attribute, self.unstructure, self.structure)

    # -- dispatch ------------------------------------------------------------

    def _schema(self, tp: Any) -> JSONSchema:
        if tp is None:
            tp = type(None)
        for predicate, hook in reversed(self._hooks):
            try:
                selected = predicate(tp)
            except TypeError:  # an unhashable annotation (Annotated metadata)
                selected = False
            if selected:
                schema: JSONSchema = hook(tp, self)
                return schema
        raise self._unsupported(tp)  # pragma: no cover - the catch-all hook raises first

    def _describe(self) -> str:
        return f" (in {self._where})" if self._where else ""

    def _unsupported(self, tp: Any) -> SchemaError:
        return SchemaError(
            f"cannot describe the type {type_repr(tp)}{self._describe()} in JSON Schema. Use"
            " an attrs class, an Enum, a builtin scalar (str, int, float, bool, Decimal, UUID,"
            " date, datetime, time), Literal, Optional, Union or a list/tuple/set/frozenset/dict"
            " of those; or give its schema with SchemaGenerator(type_schemas={type: {...}})."
        )

    # -- unions ----------------------------------------------------------------

    def _union(self, tp: Any) -> JSONSchema:
        # Unset says a key may be absent: no value on the wire is one.
        tp = strip_unset(tp)
        if not is_union(tp):
            return self._schema(tp)
        args = typing.get_args(tp)
        members = [arg for arg in args if arg is not type(None)]
        nullable = len(members) < len(args)
        if len(members) == 1:
            return _with_null(self._schema(members[0]))
        classes = [member for member in members if is_attrs(member)]
        others = [member for member in members if not is_attrs(member)]
        schemas = [self._schema(member) for member in others]
        if len(classes) > 1:
            # Binding tells the classes apart by their tag field alone.
            schemas.insert(0, self._tagged(classes))
        elif classes:
            schemas.insert(0, self._schema(classes[0]))
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

    def _tagged(self, classes: list[Any]) -> JSONSchema:
        """Return the schema of a union of attrs classes told apart by a tag field."""
        refs = [self._schema(cls) for cls in classes]
        try:
            field_name, owners = tag_field(classes)
        except DefinitionError:
            # Binding refuses such a union when an operation is registered; a
            # schema asked for directly still describes it.
            return {"anyOf": refs}
        schema: JSONSchema = {"oneOf": refs}
        # OpenAPI's discriminator maps string values only.
        if all(isinstance(value, str) for value, _ in owners):
            mapping = {
                value: self._ref(component_name(component_key(cls)))["$ref"]
                for value, cls in owners
            }
            schema["discriminator"] = {"propertyName": field_name, "mapping": mapping}
        return schema

    def _json_types(self, schema: JSONSchema) -> frozenset[str] | None:
        """Return the JSON types ``schema`` can match, or ``None`` if unknown."""
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self._target(ref)
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
                return frozenset(json_type(value) for value in values)
        return None

    # -- named components ------------------------------------------------------

    def _named(self, key: Any, build: Callable[[Any, str], JSONSchema]) -> JSONSchema:
        name = component_name(key)
        owner = self._owners.get(name)
        if owner is None:
            self._owners[name] = key
        elif owner != key:
            raise clash(name, owner, key)
        slot = (name, self._mode)
        if slot not in self._components:
            # Register before building so a recursive class refers to itself.
            self._components[slot] = {}
            self._components[slot] = build(key, name)
        return self._ref(name)

    def _ref(self, name: str) -> JSONSchema:
        """Return a reference to ``name`` in the current mode (settled by :meth:`resolve`)."""
        mark = _OUTPUT_MARK if self._mode == OUTPUT else ""
        return {"$ref": self.ref_prefix + name + mark}

    def _slot(self, ref: str) -> tuple[str, str] | None:
        if not ref.startswith(self.ref_prefix):
            return None
        name, mark, _ = ref[len(self.ref_prefix) :].partition("\x00")
        return name, OUTPUT if mark else INPUT

    def _target(self, ref: str) -> JSONSchema | None:
        slot = self._slot(ref)
        if slot is None:
            return None
        found = self._components.get(slot)
        if found is None:
            found = self._fixed.get(slot[0])
        return found or None

    def _final_names(self) -> dict[tuple[str, str], str]:
        """Return the final name of each component: split only where the shapes differ."""
        modes: dict[str, set[str]] = {}
        for name, mode in self._components:
            modes.setdefault(name, set()).add(mode)
        # A class differs when its own two shapes differ, or when it refers to
        # a class that is split (its two shapes then refer to different names).
        split: set[str] = set()
        grew = True
        while grew:
            grew = False
            for name, used in modes.items():
                if name in split or len(used) < 2:
                    continue
                draft = {
                    (other, mode): f"{other}\x00{mode}" if other in split else other
                    for other, mode in self._components
                }
                shapes = [
                    self._rewrite(self._components[(name, mode)], draft) for mode in (INPUT, OUTPUT)
                ]
                if shapes[0] != shapes[1]:
                    split.add(name)
                    grew = True
        final: dict[tuple[str, str], str] = {}
        for name, mode in self._components:
            final[(name, mode)] = name + _SUFFIXES[mode] if name in split else name
            taken = self._owners.get(final[(name, mode)])
            if taken is not None and taken != self._owners[name]:
                raise clash(final[(name, mode)], taken, self._owners[name])
        return final

    def _rewrite(self, value: Any, final: Mapping[tuple[str, str], str]) -> Any:
        if isinstance(value, dict):
            rewritten: dict[str, Any] = {}
            for key, item in value.items():
                if key == "$ref" and isinstance(item, str):
                    rewritten[key] = self._settle(item, final)
                elif key == "discriminator" and isinstance(item, dict) and "propertyName" in item:
                    mapping = {
                        tag: self._settle(ref, final) for tag, ref in item["mapping"].items()
                    }
                    rewritten[key] = {**item, "mapping": mapping}
                elif key in _VALUE_KEYWORDS:
                    rewritten[key] = item  # data, not schemas
                else:
                    rewritten[key] = self._rewrite(item, final)
            return rewritten
        if isinstance(value, list):
            return [self._rewrite(item, final) for item in value]
        return value

    def _settle(self, ref: str, final: Mapping[tuple[str, str], str]) -> str:
        slot = self._slot(ref)
        if slot is None or slot not in final:
            return ref.replace(_OUTPUT_MARK, "")
        return self.ref_prefix + final[slot]

    def _enum_component(self, cls: type[enum.Enum], name: str) -> JSONSchema:
        values = [self.unstructure(member) for member in cls]
        schema: JSONSchema = {}
        kinds = {json_type(value) for value in values}
        if len(kinds) == 1:
            schema["type"] = kinds.pop()
        schema["enum"] = values
        _describe_class(schema, cls)
        return schema

    def _class_component(self, key: Any, name: str) -> JSONSchema:
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
        """Yield each field of ``cls`` in the current shape, whether it is required, and its schema.

        An input has the ``init`` fields, required when they have no
        default; an output has the same fields, required unless they may
        be ``UNSET`` or are write-only, because the renderer writes all but
        those. Read-only and write-only fields are marked
        ``readOnly``/``writeOnly`` in both shapes, as OpenAPI means them: a
        request does not send a read-only field (binding refuses or ignores
        it, like an unknown field) and a response leaves a write-only one out.
        """
        output = self._mode == OUTPUT
        for attribute in attrs.fields(cls):
            if not attribute.init:
                continue
            owner = f"{cls.__qualname__}.{attribute.name}"
            tp = _substitute(attribute.type, type_map)
            if tp is None:
                raise SchemaError(
                    f"field {owner} has no type annotation, so its schema is unknown. Annotate"
                    f" it, for example `{attribute.name}: str = attrs.field()`."
                )
            previous, self._where = self._where, f"field {owner}"
            try:
                schema = self._field_schema(attribute, strip_unset(tp), text, owner)
            finally:
                self._where = previous
            if output:  # the renderer leaves out UNSET and write-only fields
                required = not allows_unset(tp) and not field_info(attribute).write_only
            else:
                required = attribute.default is attrs.NOTHING
            yield attribute, required, schema

    def _field_schema(
        self, attribute: attrs.Attribute[Any], tp: Any, text: bool, owner: str
    ) -> JSONSchema:
        if text:
            schema = self._text_schema(tp, attribute.validator)
        else:
            schema = self._schema(tp)
            if attribute.validator is not None:
                schema = constrain(schema, tp, attribute.validator, self.unstructure)
        info = field_info(attribute)
        if info.description is not None:
            schema["description"] = info.description
        default, examples = field_values(
            attribute, owner, tp, text, self.unstructure, self.structure
        )
        if default is not attrs.NOTHING and self._mode == INPUT:  # an output always has it
            schema["default"] = default
        if info.deprecated:
            schema["deprecated"] = True
        if info.read_only:
            schema["readOnly"] = True
        if info.write_only:
            schema["writeOnly"] = True
        if examples:
            schema["examples"] = examples
        return schema

    def _text_schema(self, tp: Any, validator: Any) -> JSONSchema:
        tp = strip_unset(tp)
        members = _union_members(tp)
        if type(None) not in members:
            schema = self._schema(tp)
            if validator is not None:
                schema = constrain(schema, tp, validator, self.unstructure)
            return schema
        rest = [member for member in members if member is not type(None)]
        inner = rest[0] if len(rest) == 1 else union_of(rest)
        schema = self._schema(inner)
        if validator is not None:
            schema = constrain(schema, inner, validator, self.unstructure)
            if isinstance(schema.get("enum"), list):  # optional(in_(...)) listed null
                schema["enum"] = [value for value in schema["enum"] if value is not None]
        return schema


# Keywords whose values are data, never schemas: left alone by resolve().
_VALUE_KEYWORDS = frozenset({"default", "examples", "example", "const", "enum"})


def _is_predicate(match: Any) -> bool:
    return callable(match) and not isinstance(match, type) and typing.get_origin(match) is None


def _is_type(tp: Any) -> Callable[[Any], bool]:
    def predicate(candidate: Any) -> bool:
        return bool(candidate == tp)

    return predicate


def _fixed_schema(schema: JSONSchema) -> SchemaHook:
    def hook(tp: Any, generator: SchemaGenerator) -> JSONSchema:
        return dict(schema)

    return hook


# -- standalone schemas -----------------------------------------------------------


def json_schema(
    tp: Any,
    *,
    forbid_unknown_fields: bool = True,
    unstructure: Callable[[Any], Any] | None = None,
    mode: Mode = INPUT,
) -> JSONSchema:
    """Return a standalone JSON Schema 2020-12 document for ``tp``.

    Named schemas go in ``$defs``; the document can be given to any JSON
    Schema validator. ``mode`` is ``"input"`` (what binding accepts) or
    ``"output"`` (what the renderer writes).
    """
    generator = SchemaGenerator(
        forbid_unknown_fields=forbid_unknown_fields,
        unstructure=unstructure,
        ref_prefix="#/$defs/",
    )
    schema = {"$schema": JSON_SCHEMA_DIALECT, **generator.resolve(generator.schema(tp, mode))}
    components = generator.components
    if components:
        schema["$defs"] = components
    return schema


# -- helpers ---------------------------------------------------------------------


def _union_members(tp: Any) -> tuple[Any, ...]:
    tp = unwrap(tp)
    return typing.get_args(tp) if is_union(tp) else (tp,)


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


def _describe_class(schema: JSONSchema, cls: type[Any]) -> None:
    doc = cls.__dict__.get("__doc__")
    if isinstance(doc, str):
        text = inspect.cleandoc(doc)
        if text and text not in _DEFAULT_ENUM_DOCS:
            schema["description"] = text


def _resolve_class(key: Any) -> tuple[type[Any], dict[Any, Any]]:
    """Return the attrs class for ``key`` and its type-variable bindings."""
    cls, args = key if isinstance(key, tuple) else (key, ())
    try:
        resolve_types(cls)
    except NameError as error:
        raise SchemaError(
            f"cannot resolve the annotations of {qualified(cls)}: {error}. Every name used in"
            " an annotation must be importable from the class's module (define or import it at"
            " module level, not inside a function)."
        ) from error
    parameters = getattr(cls, "__parameters__", ())
    return cls, dict(zip(parameters, args, strict=False))


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
