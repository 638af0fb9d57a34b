import uuid

import pytest
from werkzeug.routing import IntegerConverter, Map

from resourceful.rules import (
    CONVERTER_TYPES,
    TEXT_CONVERTERS,
    RuleVariable,
    camel_case,
    parent_rule,
    parse_variables,
    parsed_from_text,
    rule_variables,
    templated_path,
    url_converter,
)


def test_parse_variables_keeps_converter_and_arguments_in_order() -> None:
    assert parse_variables("/a/<int(min=1):x>/<y>/<any(a, b):z>") == (
        RuleVariable("x", "int", "min=1"),
        RuleVariable("y", "default", ""),
        RuleVariable("z", "any", "a, b"),
    )


def test_rule_without_variables_has_none() -> None:
    assert parse_variables("/static/page") == ()
    assert rule_variables("/static/page") == {}


def test_rule_variables_lists_names_and_converters() -> None:
    assert rule_variables("/a/<int:x>/<y>/<path:rest>") == {
        "x": "int",
        "y": "default",
        "rest": "path",
    }


def test_url_converter_applies_the_rule_arguments() -> None:
    (variable,) = parse_variables("/<int(min=3, max=9):n>")
    converter = url_converter(Map(), variable)
    assert isinstance(converter, IntegerConverter)
    assert (converter.min, converter.max) == (3, 9)


@pytest.mark.parametrize(
    ("converter", "tp", "parsed"),
    [
        ("default", int, True),
        ("string", bool, True),
        ("any", uuid.UUID, True),
        ("default", str, False),
        ("int", int, False),
        ("uuid", uuid.UUID, False),
        ("path", str, False),
        ("custom", int, False),
        (None, int, False),
    ],
)
def test_only_text_converters_are_parsed_and_only_when_not_str(
    converter: str | None, tp: type, parsed: bool
) -> None:
    assert parsed_from_text(converter, tp) is parsed


def test_typed_and_text_converters_do_not_overlap() -> None:
    assert not TEXT_CONVERTERS & set(CONVERTER_TYPES)


@pytest.mark.parametrize(
    ("rule", "path"),
    [("/todos/<int:todo_id>", "/todos/{todo_id}"), ("/<a>/<path:b>/x", "/{a}/{b}/x")],
)
def test_templated_path_names_each_variable(rule: str, path: str) -> None:
    assert templated_path(rule) == path


@pytest.mark.parametrize(
    ("rule", "parent"),
    [
        ("/todos/<int:todo_id>", "/todos/"),
        ("/todos/<int:todo_id>/", "/todos/"),
        ("/a/<x>/b/<y>", "/a/<x>/b/"),
        ("/todos/", None),
        ("/todos/<int:todo_id>/tags", None),
    ],
)
def test_parent_rule_drops_the_trailing_variable(rule: str, parent: str | None) -> None:
    assert parent_rule(rule) == parent


@pytest.mark.parametrize(
    ("name", "camel"),
    [("todo", "todo"), ("todo_item", "todoItem"), ("api.v2_admin", "apiV2Admin")],
)
def test_camel_case_joins_words(name: str, camel: str) -> None:
    assert camel_case(name) == camel
