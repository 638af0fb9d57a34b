"""The URL rule grammar, as the typed layer reads it.

A werkzeug rule such as ``/todos/<int:todo_id>`` has variables, each with a
converter (``default`` when none is named) and the converter's arguments.
Binding, resource planning and the OpenAPI document all read rules through
this module, so they agree on three decisions:

* which variables a rule has (:func:`parse_variables`, :func:`rule_variables`);
* what each converter hands the handler: a value already typed by werkzeug
  (``int``, ``float``, ``uuid``, ``path``: :data:`CONVERTER_TYPES`) or text
  (``default``, ``string``, ``any``: :data:`TEXT_CONVERTERS`);
* whether binding parses a path value from text with the text rules, and so
  can report it invalid (:func:`parsed_from_text`).

It also spells the names derived from rules and endpoints: the OpenAPI path
(:func:`templated_path`), the collection rule of a member rule
(:func:`parent_rule`) and camel-case identifiers (:func:`camel_case`).
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import attrs
from werkzeug.routing import parse_converter_args

if TYPE_CHECKING:
    from werkzeug.routing import BaseConverter, Map

__all__ = [
    "CONVERTER_TYPES",
    "TEXT_CONVERTERS",
    "RuleVariable",
    "camel_case",
    "parent_rule",
    "parse_variables",
    "parsed_from_text",
    "rule_variables",
    "templated_path",
    "url_converter",
]

# The same grammar werkzeug uses for a rule's variable parts.
_VARIABLE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>.*?)\))?:)?"
    r"(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)
#: A rule whose last segment is one variable (``/todos/<int:todo_id>``).
_TRAILING_VARIABLE = re.compile(r"^(?P<parent>.*/)<[^<>]+>/?$")

#: The converters whose values werkzeug already types, and the types they produce.
CONVERTER_TYPES: dict[str, tuple[Any, ...]] = {
    "int": (int,),
    "float": (float,),
    "uuid": (uuid.UUID,),
    "path": (str,),
}
#: The converters that hand over the matched text, which binding parses with
#: the text rules when the parameter is not annotated ``str``.
TEXT_CONVERTERS = frozenset({"default", "string", "any"})


@attrs.frozen
class RuleVariable:
    """One ``<converter(arguments):name>`` part of a rule."""

    name: str
    #: The converter's name; ``default`` when the rule names none.
    converter: str
    #: The text between the converter's parentheses; ``""`` when there are none.
    arguments: str


def parse_variables(rule: str) -> tuple[RuleVariable, ...]:
    """Return the variables of ``rule``, in order."""
    return tuple(
        RuleVariable(match["name"], match["converter"] or "default", match["arguments"] or "")
        for match in _VARIABLE.finditer(rule)
    )


def rule_variables(rule: str) -> dict[str, str]:
    """Return the variables of a URL rule and their converter names, in order."""
    return {variable.name: variable.converter for variable in parse_variables(rule)}


def url_converter(url_map: Map, variable: RuleVariable) -> BaseConverter:
    """Return the converter ``url_map`` builds for ``variable`` (its arguments applied)."""
    args, kwargs = parse_converter_args(variable.arguments)
    return url_map.converters[variable.converter](url_map, *args, **kwargs)


def parsed_from_text(converter: str | None, tp: Any) -> bool:
    """Return whether binding parses a path value of type ``tp`` from its text.

    Only then can the value be invalid (a 422 naming the path variable); the
    other converters either match typed values or the parameter takes the text.
    """
    return converter in TEXT_CONVERTERS and tp is not str


def templated_path(rule: str) -> str:
    """Turn a werkzeug rule into an OpenAPI path: ``/todos/<int:id>`` -> ``/todos/{id}``."""
    return _VARIABLE.sub(lambda match: "{" + match["name"] + "}", rule)


def parent_rule(rule: str) -> str | None:
    """Return ``rule`` without its trailing variable segment (``/todos/``), or ``None``."""
    match = _TRAILING_VARIABLE.match(rule)
    return None if match is None else match["parent"]


def camel_case(name: str) -> str:
    """Return ``todo_item`` as ``todoItem`` (and ``api.v2_admin`` as ``apiV2Admin``)."""
    head, *rest = re.split(r"[^A-Za-z0-9]+", name)
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
