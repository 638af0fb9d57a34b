from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from attrs import validators as v
from openapi_spec_validator import validate

from resourceful import App, Blueprint, Response, field
from resourceful.binding import Query
from resourceful.errors import DefinitionError
from resourceful.openapi.document import (
    OPENAPI_VERSION,
    build_document,
    document_json,
    templated_path,
)
from resourceful.openapi.names import SchemaError
from resourceful.render import Reply
from resourceful.resources import Resource, operation

# -- paths and converters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/todos/", "/todos/"),
        ("/todos/<int:todo_id>", "/todos/{todo_id}"),
        ("/files/<path:name>", "/files/{name}"),
        ("/<string(length=2):lang>/pages/<page>", "/{lang}/pages/{page}"),
        ("/<any(a, 'b,c'):kind>/x", "/{kind}/x"),
    ],
)
def test_rule_becomes_a_templated_path(rule: str, path: str) -> None:
    assert templated_path(rule) == path


# -- the top level ------------------------------------------------------------------------------


def test_empty_app_has_a_minimal_valid_document(app: App) -> None:
    document = app.openapi()
    assert document == {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "test_app", "version": "0.1.0"},
        "paths": {},
    }
    validate(document)


def test_info_comes_from_config(app: App) -> None:
    app.config.update(
        OPENAPI_TITLE="Todos", OPENAPI_VERSION="2.1", OPENAPI_DESCRIPTION="Things to do."
    )
    assert app.openapi()["info"] == {
        "title": "Todos",
        "version": "2.1",
        "description": "Things to do.",
    }


def test_servers_come_from_config_as_urls_or_objects(app: App) -> None:
    app.config["OPENAPI_SERVERS"] = [
        "https://api.example.com",
        {"url": "http://localhost:5000", "description": "Development"},
    ]
    assert app.openapi()["servers"] == [
        {"url": "https://api.example.com"},
        {"url": "http://localhost:5000", "description": "Development"},
    ]


def test_security_schemes_come_from_config(app: App) -> None:
    app.config["OPENAPI_SECURITY_SCHEMES"] = {
        "bearer": {"type": "http", "scheme": "bearer"},
    }
    assert app.openapi()["components"]["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "bearer"},
    }


def test_document_is_cached(app: App) -> None:
    assert document_json(app) is document_json(app)


def test_document_is_rebuilt_when_config_changes(app: App) -> None:
    first = document_json(app)
    app.config["OPENAPI_TITLE"] = "Changed"
    assert document_json(app) != first
    assert app.openapi()["info"]["title"] == "Changed"


def test_changing_the_returned_document_does_not_change_the_cache(app: App) -> None:
    document = build_document(app)
    document["info"]["title"] = "mutated"
    assert app.openapi()["info"]["title"] == "test_app"


def test_the_30_document_comes_from_the_same_model(notes: App) -> None:
    document_30 = notes.openapi("3.0")
    assert document_30["openapi"] == "3.0.3"
    assert document_30["paths"].keys() == notes.openapi()["paths"].keys()
    validate(document_30)


def test_an_unknown_openapi_version_is_refused(app: App) -> None:
    with pytest.raises(ValueError, match=r"OpenAPI version '2\.0' is not one resourceful writes"):
        app.openapi("2.0")


def test_the_document_is_built_once_for_both_versions(
    notes: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resourceful.openapi import document as module

    builds = []
    real = module._Builder.build

    def counting(self: Any) -> dict[str, Any]:
        builds.append(1)
        return real(self)

    monkeypatch.setattr(module._Builder, "build", counting)
    notes.openapi()
    notes.openapi("3.0")
    assert document_json(notes, "3.0") is document_json(notes, "3.0")
    assert len(builds) == 1


def test_the_docs_routes_added_on_the_first_request_do_not_rebuild_the_document(
    notes: App, monkeypatch: pytest.MonkeyPatch
) -> None:

    first = document_json(notes)
    notes.prepare_to_serve()  # adds /openapi.json, /openapi-3.0.json and /docs
    assert "_openapi" in notes.view_functions
    assert document_json(notes) is first
    assert notes.test_client().get("/openapi.json").data == first


def test_plain_function_views_are_not_in_the_document(app: App) -> None:
    app.add_url_rule("/hello", endpoint="hello", view_func=lambda: "hi")
    assert app.openapi()["paths"] == {}


# -- operations ---------------------------------------------------------------------------------


@attrs.define
class NewNote:
    """A note to create."""

    text: str = attrs.field(validator=v.min_len(1))


@attrs.define
class Note:
    """A stored note."""

    id: int
    text: str


@attrs.define
class NoteFilter:
    """Filters of the note list."""

    q: str | None = field(default=None, description="Words to find.")
    limit: int = attrs.field(default=10, validator=v.le(50))
    old_param: bool = field(default=False, deprecated=True)


ShopProblem = attrs.make_class("Problem", {"why": attrs.field(type=str)})
ShopProblem.__module__ = "shop.errors"


class NoteResource(Resource):
    """Notes to self.

    More text that is not part of the tag description.
    """

    def list(self, filters: Query[NoteFilter]) -> list[Note]:
        """List notes.

        Newest first.
        """
        return []

    def create(self, body: NewNote) -> Reply[Note]:
        """Create a note."""
        return Reply(Note(1, body.text), 201)

    def get(self, note_id: int) -> Note:
        """Read a note."""
        return Note(note_id, "x")

    def delete(self, note_id: int) -> None:
        """Delete a note."""


@pytest.fixture
def notes(app: App) -> App:
    app.add_resource(NoteResource, "/notes/<int:note_id>")
    return app


def op(app: App, path: str, method: str) -> dict[str, Any]:
    document = app.openapi()
    validate(document)
    return document["paths"][path][method]  # type: ignore[no-any-return]


def test_collection_and_member_rules_are_two_paths(notes: App) -> None:
    paths = notes.openapi()["paths"]
    assert list(paths) == ["/notes/", "/notes/{note_id}"]
    assert list(paths["/notes/"]) == ["get", "post"]
    assert list(paths["/notes/{note_id}"]) == ["get", "delete"]


def test_operation_ids_read_like_the_handlers(notes: App) -> None:
    ids = [
        operation["operationId"]
        for item in notes.openapi()["paths"].values()
        for operation in item.values()
    ]
    assert ids == ["listNotes", "createNote", "getNote", "deleteNote"]


def test_summary_and_description_come_from_the_docstring(notes: App) -> None:
    listing = op(notes, "/notes/", "get")
    assert listing["summary"] == "List notes."
    assert listing["description"] == "Newest first."
    assert "description" not in op(notes, "/notes/", "post")


def test_tag_defaults_to_the_class_named_without_resource(notes: App) -> None:
    document = notes.openapi()
    assert op(notes, "/notes/", "get")["tags"] == ["Note"]
    assert document["tags"] == [{"name": "Note", "description": "Notes to self."}]


def test_path_parameter_comes_from_the_rule_converter(notes: App) -> None:
    assert op(notes, "/notes/{note_id}", "get")["parameters"] == [
        {
            "name": "note_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    ]


def test_query_group_is_one_parameter_per_field(notes: App) -> None:
    assert op(notes, "/notes/", "get")["parameters"] == [
        {
            "name": "q",
            "in": "query",
            "description": "Words to find.",
            "required": False,
            "schema": {"type": "string"},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "maximum": 50, "default": 10},
        },
        {
            "name": "old_param",
            "in": "query",
            "required": False,
            "deprecated": True,
            "schema": {"type": "boolean", "default": False},
        },
    ]


def test_json_body_is_the_request_body(notes: App) -> None:
    assert op(notes, "/notes/", "post")["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewNote"}}},
    }


def test_success_response_has_the_declared_status_and_schema(notes: App) -> None:
    assert op(notes, "/notes/", "get")["responses"]["200"] == {
        "description": "Success.",
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}
            }
        },
    }
    assert op(notes, "/notes/", "post")["responses"]["201"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
    }


def test_handler_returning_none_is_a_204_without_content(notes: App) -> None:
    assert op(notes, "/notes/{note_id}", "delete")["responses"]["204"] == {
        "description": "No content."
    }


def test_handler_building_its_own_response_is_documented_with_its_media_type() -> None:
    app = App(__name__)

    @app.resource("/reports/<int:report_id>")
    class Report(Resource):
        @operation(response_media_type="text/csv")
        def get(self, report_id: int) -> Response:
            return Response("a,b\n1,2\n", mimetype="text/csv")

    assert op(app, "/reports/{report_id}", "get")["responses"]["200"] == {
        "description": "Success.",
        "content": {"text/csv": {"schema": {}}},
    }
    response = app.test_client().get("/reports/1")
    assert (response.status_code, response.mimetype) == (200, "text/csv")


def test_handler_building_its_own_response_is_not_documented_as_204() -> None:
    app = App(__name__)

    @app.resource("/exports/")
    class Exports(Resource):
        def create(self) -> Response:
            return Response("{}", status=201, mimetype="application/json")

    responses = op(app, "/exports/", "post")["responses"]
    assert "204" not in responses
    assert responses["201"] == {
        "description": "Success.",
        "content": {"application/json": {"schema": {}}},
    }


def test_errors_an_operation_can_produce_are_listed(notes: App) -> None:
    def refs(path: str, method: str) -> dict[str, str]:
        responses = op(notes, path, method)["responses"]
        return {status: r["$ref"] for status, r in responses.items() if "$ref" in r}

    base = "#/components/responses/"
    assert refs("/notes/", "get") == {"422": base + "ValidationFailed"}
    assert refs("/notes/", "post") == {
        "400": base + "BadRequest",
        "415": base + "UnsupportedMediaType",
        "422": base + "ValidationFailed",
    }
    # The int converter only matches integers, so nothing is left to validate.
    assert refs("/notes/{note_id}", "get") == {"404": base + "NotFound"}


def test_error_responses_share_the_problem_schema(notes: App) -> None:
    components = notes.openapi()["components"]
    assert components["responses"]["NotFound"] == {
        "description": "No resource at this URL: the resource has no such item, or the"
        " URL matches no rule (a value the path converter refuses, say).",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
        },
    }
    problem = components["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status"]
    assert problem["properties"]["errors"]["items"]["required"] == ["location", "pointer", "detail"]


def test_validation_status_comes_from_config(notes: App) -> None:
    notes.config["VALIDATION_ERROR_STATUS"] = 400
    responses = op(notes, "/notes/", "post")["responses"]
    assert responses["400"] == {"$ref": "#/components/responses/ValidationFailed"}
    assert "422" not in responses


def test_unknown_fields_allowed_when_binding_ignores_them(notes: App) -> None:
    notes.config["REJECT_UNKNOWN_FIELDS"] = False
    assert "additionalProperties" not in notes.openapi()["components"]["schemas"]["NewNote"]


def test_operation_decorator_overrides_the_documentation(app: App) -> None:
    class Jobs(Resource):
        tags = ("jobs",)

        @operation(
            status=202,
            summary="Queue a job.",
            tags=["queue"],
            deprecated=True,
            operation_id="enqueue",
            security=[{"bearer": []}],
        )
        def create(self, body: NewNote) -> Note:
            """Ignored summary."""
            return Note(1, body.text)

        def list(self) -> list[Note]:
            return []

    app.config["OPENAPI_SECURITY_SCHEMES"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    app.add_resource(Jobs, "/jobs/")
    created = op(app, "/jobs/", "post")
    assert created["summary"] == "Queue a job."
    assert created["tags"] == ["queue"]
    assert created["deprecated"] is True
    assert created["operationId"] == "enqueue"
    assert created["security"] == [{"bearer": []}]
    assert "202" in created["responses"]
    assert op(app, "/jobs/", "get")["tags"] == ["jobs"]
    assert "security" not in op(app, "/jobs/", "get")


def test_blueprint_prefix_is_in_the_path_and_the_class_keeps_its_tag(app: App) -> None:
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.add_resource(NoteResource, "/notes/<int:note_id>")
    app.register_blueprint(api)
    document = app.openapi()
    paths = document["paths"]
    assert list(paths) == ["/api/v1/notes/", "/api/v1/notes/{note_id}"]
    assert paths["/api/v1/notes/"]["get"]["tags"] == ["Note"]
    assert document["tags"] == [{"name": "Note", "description": "Notes to self."}]


def test_same_blueprint_twice_gets_prefixed_operation_ids(app: App) -> None:
    api = Blueprint("api", __name__)
    api.add_resource(NoteResource, "/notes/<int:note_id>")
    app.register_blueprint(api, url_prefix="/v1", name="v1")
    app.register_blueprint(api, url_prefix="/v2", name="v2")
    document = app.openapi()
    validate(document)
    assert document["paths"]["/v1/notes/"]["get"]["operationId"] == "listNotes"
    assert document["paths"]["/v2/notes/"]["get"]["operationId"] == "v2ListNotes"


def test_duplicate_operation_id_is_an_error_naming_both(app: App) -> None:
    class First(Resource):
        @operation(operation_id="listThings")
        def list(self) -> list[Note]:
            return []

    class Second(Resource):
        @operation(operation_id="listThings")
        def list(self) -> list[Note]:
            return []

    app.add_resource(First, "/first/")
    app.add_resource(Second, "/second/")
    with pytest.raises(DefinitionError) as info:
        app.openapi()
    assert str(info.value) == (
        "Second.list on '/second/' and First.list on '/first/' have the same operationId"
        " 'listThings'; operationIds must be unique. Give one its own with"
        " @operation(operation_id=...)."
    )


def test_class_named_like_the_problem_schema_is_an_error(app: App) -> None:
    class Failing(Resource):
        def create(self, body: ShopProblem) -> Note:  # type: ignore[valid-type]
            return Note(1, "x")

    app.add_resource(Failing, "/failing/")
    with pytest.raises(SchemaError) as info:
        app.openapi()
    assert str(info.value) == (
        "two different classes have the schema name 'Problem': shop.errors.Problem and"
        " resourceful's problem details (RFC 9457). Schema names must be unique in one"
        " document; rename one by setting a class attribute, for example __schema_name__ ="
        " 'ErrorsProblem' in the body of shop.errors.Problem."
    )


# -- the example apps ---------------------------------------------------------------------------

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


ALL_EXAMPLES = ["todo", "quickstart", "blog", "server_side_sessions"]


@pytest.mark.parametrize("example_app", ALL_EXAMPLES, indirect=True)
def test_example_document_passes_the_openapi_validator(example_app: App) -> None:
    validate(example_app.openapi())


@pytest.mark.parametrize("example_app", ALL_EXAMPLES, indirect=True)
def test_example_document_matches_its_snapshot(
    example_app: App, request: pytest.FixtureRequest
) -> None:
    name = request.node.callspec.params["example_app"]
    snapshot = SNAPSHOTS / f"{name}.json"
    text = json.dumps(example_app.openapi(), indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("RESOURCEFUL_UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("example_app", ["todo"], indirect=True)
def test_example_document_json_is_the_same_for_a_new_app(example_app: App) -> None:
    first = document_json(example_app)
    again = example_app.__class__  # a second app from the same factory
    module = sys.modules["todo_openapi_app"]
    second = module.create_app({"TESTING": True, "DATABASE": ":memory:"})
    assert isinstance(second, again)
    assert document_json(second) == first


class Money:
    """A type with its own converter hooks, unknown to the schema generator."""


def test_type_schemas_from_config_describe_custom_types(app: App) -> None:
    class Prices(Resource):
        def list(self) -> list[Money]:
            return []

    app.converter.register_unstructure_hook(Money, lambda value: "0.00 EUR")
    app.converter.register_structure_hook(Money, lambda value, _: Money())
    money = {"type": "string", "pattern": "^[0-9.]+ [A-Z]{3}$"}
    app.config["OPENAPI_TYPE_SCHEMAS"] = {Money: money}
    app.add_resource(Prices, "/prices/")
    assert op(app, "/prices/", "get")["responses"]["200"]["content"]["application/json"] == {
        "schema": {"type": "array", "items": money}
    }
