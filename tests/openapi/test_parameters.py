from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import BaseConverter, Rule

from resourceful import App
from resourceful.openapi.parameters import converter_schema

# -- path parameters from the rule's converter ------------------------------------------------


def schema_for(app: App, rule: str, variable: str) -> dict[str, Any]:
    app.add_url_rule(rule, endpoint=rule, view_func=lambda **kwargs: "")
    rule_obj = next(r for r in app.url_map.iter_rules() if r.rule == rule)
    return converter_schema(app, rule_obj, variable)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("/<int:v>", {"type": "integer", "minimum": 0}),
        ("/<int(signed=True):v>", {"type": "integer"}),
        ("/<int(min=1, max=99):v>", {"type": "integer", "minimum": 1, "maximum": 99}),
        ("/<float:v>", {"type": "number", "minimum": 0}),
        ("/<float(signed=True, max=1.5):v>", {"type": "number", "maximum": 1.5}),
        ("/<uuid:v>", {"type": "string", "format": "uuid"}),
        ("/<any(red, blue, green):v>", {"type": "string", "enum": ["blue", "green", "red"]}),
        ("/<path:v>", {"type": "string", "pattern": "^[^/].*$"}),
        ("/<v>", {"type": "string", "pattern": "^(?:[^/]{1,})$"}),
        ("/<string(length=2):v>", {"type": "string", "pattern": "^(?:[^/]{2})$"}),
        ("/<string(minlength=2, maxlength=5):v>", {"type": "string", "pattern": "^(?:[^/]{2,5})$"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_converter_becomes_a_parameter_schema(
    app: App, rule: str, expected: dict[str, Any]
) -> None:
    assert schema_for(app, rule, "v") == expected


def test_custom_converter_is_a_string_matching_its_regex(app: App) -> None:
    class Slug(BaseConverter):
        regex = "[a-z0-9-]+"

    app.url_map.converters["slug"] = Slug
    assert schema_for(app, "/posts/<slug:v>", "v") == {
        "type": "string",
        "pattern": "^(?:[a-z0-9-]+)$",
    }


def test_unknown_variable_is_a_key_error(app: App) -> None:
    with pytest.raises(KeyError):
        converter_schema(app, Rule("/<int:a>"), "b")
