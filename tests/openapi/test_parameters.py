from __future__ import annotations

import enum
from typing import Any, Literal

import attrs
import pytest
from models import NewTodo, Todo
from openapi_spec_validator import validate
from werkzeug.datastructures import FileStorage
from werkzeug.routing import BaseConverter, Rule

from resourceful import App
from resourceful.binding import Cookie, File, Form, Header, Query
from resourceful.openapi.parameters import converter_schema
from resourceful.resources import Resource

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


# -- query, header and cookie parameters, and request bodies -----------------------------------


@attrs.define
class Tracing:
    trace_id: str
    span: int | None = None


class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


def op(app: App, path: str, method: str) -> dict[str, Any]:
    document = app.openapi()
    validate(document)
    return document["paths"][path][method]  # type: ignore[no-any-return]


def test_headers_and_cookies_are_parameters(app: App) -> None:
    class Traced(Resource):
        def list(
            self,
            tracing: Header[Tracing],
            user_agent: Header[str],
            session_id: Cookie[str | None] = None,
        ) -> list[Todo]:
            return []

    app.add_resource(Traced, "/traced/")
    parameters = op(app, "/traced/", "get")["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [
        ("trace-id", "header", True),
        ("span", "header", False),
        ("user-agent", "header", True),
        ("session_id", "cookie", False),
    ]


def test_query_parameter_with_a_default_shows_it(app: App) -> None:
    class Search(Resource):
        def list(self, shade: Shade = Shade.DARK, tags: list[str] | None = None) -> list[Todo]:
            return []

    app.add_resource(Search, "/search/")
    parameters = op(app, "/search/", "get")["parameters"]
    assert parameters == [
        {
            "name": "shade",
            "in": "query",
            "required": False,
            "schema": {"$ref": "#/components/schemas/Shade", "default": "dark"},
        },
        {
            "name": "tags",
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "schema": {"type": "array", "items": {"type": "string"}},
        },
    ]


def test_optional_text_parameter_is_not_required_with_the_plain_schema(app: App) -> None:
    class Filtered(Resource):
        def list(
            self,
            done: bool | None = None,
            name: str | None = None,
            limit: Header[int | None] = None,
            size: Query[Literal["s", "m"] | None] = None,
        ) -> list[Todo]:
            return []

    app.add_resource(Filtered, "/filtered/")
    parameters = op(app, "/filtered/", "get")["parameters"]
    schemas = {p["name"]: p["schema"] for p in parameters}
    assert schemas == {
        "done": {"type": "boolean"},
        "name": {"type": "string"},
        "limit": {"type": "integer"},
        "size": {"type": "string", "enum": ["s", "m"]},
    }
    assert all(p["required"] is False for p in parameters)
    # Binding still reads an empty value as None; a query parameter says so in OpenAPI's words.
    empty = {p["name"] for p in parameters if p.get("allowEmptyValue")}
    assert empty == {"done", "size"}
    client = app.test_client()
    assert client.get("/filtered/?done=&size=", headers={"limit": ""}).status_code == 200
    assert client.get("/filtered/?done=null").status_code == 422


def test_path_variable_parsed_by_binding_has_the_annotation_schema(app: App) -> None:
    class Palette(Resource):
        def get(self, shade: Shade) -> Todo:
            return Todo(1, shade.value)

    app.add_resource(Palette, "/palettes/<shade>")
    operation = op(app, "/palettes/{shade}", "get")
    assert operation["parameters"][0]["schema"] == {"$ref": "#/components/schemas/Shade"}
    assert "422" in operation["responses"]


def test_form_fields_without_files_are_an_urlencoded_body_only(app: App) -> None:
    class Login(Resource):
        def create(self, username: Form[str], remember: Form[bool] = False) -> Todo:
            return Todo(1, username)

    app.add_resource(Login, "/login/")
    schema = {
        "type": "object",
        "properties": {
            "username": {"type": "string"},
            "remember": {"type": "boolean"},
        },
        "required": ["username"],
    }
    assert op(app, "/login/", "post")["requestBody"] == {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": schema}},
    }
    # Binding still reads either encoding.
    client = app.test_client()
    assert client.post("/login/", data={"username": "ann"}).status_code == 201
    multipart = client.post("/login/", data={"username": "ann"}, content_type="multipart/form-data")
    assert multipart.status_code == 201


def test_uploaded_files_are_binary_in_a_multipart_body(app: App) -> None:
    class Upload(Resource):
        def create(
            self, title: Form[str], document: File[FileStorage], extra: File[list[FileStorage]]
        ) -> Todo:
            return Todo(1, title)

    app.add_resource(Upload, "/uploads/")
    assert op(app, "/uploads/", "post")["requestBody"] == {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "document": {"type": "string", "format": "binary"},
                        "extra": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                    "required": ["title", "document", "extra"],
                }
            }
        },
    }


def test_optional_json_body_is_not_required(app: App) -> None:
    class Ping(Resource):
        def create(self, body: NewTodo | None = None) -> Todo:
            return Todo(1, "x")

    app.add_resource(Ping, "/ping/")
    assert op(app, "/ping/", "post")["requestBody"]["required"] is False
