"""Schema names: what each named schema is called, and the errors when two collide.

A class is named after itself (``Todo``), or after its ``__schema_name__``
class attribute; a parametrised generic class after its arguments
(``Page[Todo]`` is ``Page_Todo``). Two different classes that claim one name
are a definition error naming both, because ``$ref`` s would be ambiguous.
"""

from __future__ import annotations

import re
import typing
from typing import Any

from resourceful.convert.typeinfo import is_union
from resourceful.errors import DefinitionError

__all__ = [
    "SCHEMA_NAME_ATTRIBUTE",
    "SchemaError",
    "component_key",
    "component_name",
    "schema_name",
]

#: The class attribute that overrides a class's schema name.
SCHEMA_NAME_ATTRIBUTE = "__schema_name__"

# OpenAPI requires component names to match this.
_COMPONENT_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


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
            f"{qualified(cls)}.{SCHEMA_NAME_ATTRIBUTE} is {override!r}, which is not a valid"
            " schema name. Use a string of letters, digits, '.', '-' and '_', for example"
            f" {SCHEMA_NAME_ATTRIBUTE} = {cls.__name__!r}."
        )
    return override


def component_key(tp: Any) -> Any:
    """Return the component key of an attrs class or parametrised generic alias."""
    origin = typing.get_origin(tp)
    return (origin, typing.get_args(tp)) if origin is not None else tp


def component_name(key: Any) -> str:
    """Return the name of the component of ``key``: a class, or ``(generic class, args)``."""
    if isinstance(key, tuple):
        origin, args = key
        return "_".join([schema_name(origin), *(_arg_name(arg) for arg in args)])
    return schema_name(key)


def _arg_name(arg: Any) -> str:
    if isinstance(arg, type):
        return "None" if arg is type(None) else schema_name(arg)
    if is_union(arg):
        # ``int | None`` and ``Optional[int]`` are one type, so they get one name.
        members = typing.get_args(arg)
        rest = [member for member in members if member is not type(None)]
        if len(rest) == 1:
            return "Optional_" + _arg_name(rest[0])
        parts = ["Union", *(_arg_name(member) for member in members)]
        return "_".join(parts)
    origin = typing.get_origin(arg)
    if origin is not None:
        parts = [getattr(origin, "__name__", "Type")]
        parts += [_arg_name(inner) for inner in typing.get_args(arg)]
        return "_".join(parts)
    return re.sub(r"[^A-Za-z0-9._-]", "_", str(arg))


def qualified(cls: Any) -> str:
    """Return ``module.Class`` (or ``module.Class[args]``) for messages."""
    if isinstance(cls, str):  # a hand-written component's owner
        return cls
    if isinstance(cls, tuple):
        origin, args = cls
        return f"{qualified(origin)}[{', '.join(type_repr(arg) for arg in args)}]"
    return f"{cls.__module__}.{cls.__qualname__}"


def type_repr(tp: Any) -> str:
    """Return how a type is spelled in messages: builtins bare, others qualified."""
    if isinstance(tp, type):
        return tp.__qualname__ if tp.__module__ == "builtins" else qualified(tp)
    return repr(tp)


def clash(name: str, first: Any, second: Any) -> SchemaError:
    """Return the error for two different owners of the schema name ``name``."""
    # Suggest renaming a class, never a hand-written component.
    target = first if isinstance(second, str) else second
    return SchemaError(
        f"two different classes have the schema name {name!r}: {qualified(first)} and"
        f" {qualified(second)}. Schema names must be unique in one document; rename one by"
        f" setting a class attribute, for example {SCHEMA_NAME_ATTRIBUTE} ="
        f" {_suggest(target, name)!r} in the body of {qualified(target)}."
    )


def _suggest(cls: Any, name: str) -> str:
    if isinstance(cls, tuple):
        cls = cls[0]
    module = cls.__module__.rsplit(".", 1)[-1]
    prefix = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", module) if part)
    return f"{prefix}{name}"
