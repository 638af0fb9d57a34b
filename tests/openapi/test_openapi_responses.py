"""Declared responses and problem components in the document."""

from __future__ import annotations

from typing import Any

import attrs
from openapi_spec_validator import validate

from resourceful import App, url_for
from resourceful.errors import Problem
from resourceful.render import Reply, created
from resourceful.resources import Resource, operation


@attrs.define
class Title:
    text: str


class DuplicateTitle(Problem):
    """A todo with this title already exists."""

    problem_type = "https://example.com/problems/duplicate-title"


class Titles(Resource):
    responses = {404: Problem}  # noqa: RUF012 - a class-level declaration, never mutated

    @operation(responses={409: DuplicateTitle, 304: None})
    def replace(self, title_id: int, body: Title) -> Title:
        if body.text == "taken":
            raise DuplicateTitle(409, type=DuplicateTitle.problem_type, title="Duplicate title")
        return body


def responses_of(app: App) -> dict[str, Any]:
    document = app.openapi()
    validate(document)
    return document["paths"]["/titles/{title_id}"]["put"]["responses"]  # type: ignore[no-any-return]


def test_declared_responses_are_documented_in_status_order(app: App) -> None:
    app.add_resource(Titles, "/titles/<int:title_id>")
    responses = responses_of(app)
    assert list(responses) == ["200", "304", "400", "404", "409", "415", "422"]
    assert responses["304"] == {"description": "Not Modified."}


def test_declared_problem_uses_the_shared_problem_schema(app: App) -> None:
    app.add_resource(Titles, "/titles/<int:title_id>")
    assert responses_of(app)["404"] == {
        "description": "Not Found.",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def test_problem_subclass_with_its_own_type_gets_a_component(app: App) -> None:
    app.add_resource(Titles, "/titles/<int:title_id>")
    assert responses_of(app)["409"] == {
        "description": "A todo with this title already exists.",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/DuplicateTitle"}}
        },
    }
    component = app.openapi()["components"]["schemas"]["DuplicateTitle"]
    assert component == {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"properties": {"type": {"const": "https://example.com/problems/duplicate-title"}}},
        ],
        "description": "A todo with this title already exists.",
    }
    response = app.test_client().put("/titles/1", json={"text": "taken"})
    assert response.status_code == 409
    assert response.get_json()["type"] == DuplicateTitle.problem_type


class Counted(Resource):
    @operation(response_headers={"X-Total-Count": int})
    def list(self) -> Reply[list[Title]]:
        return Reply([Title("a")], headers={"X-Total-Count": "1"})

    def create(self, body: Title) -> Reply[Title]:
        return created(body, url_for("counted", title_id=1))

    def get(self, title_id: int) -> Title:
        return Title("a")


def test_declared_response_headers_are_documented_with_their_schema(app: App) -> None:
    app.add_resource(Counted, "/counted/<int:title_id>")
    document = app.openapi()
    validate(document)
    success = document["paths"]["/counted/"]["get"]["responses"]["200"]
    assert success["headers"] == {"X-Total-Count": {"schema": {"type": "integer"}}}
    response = app.test_client().get("/counted/")
    assert response.headers["X-Total-Count"] == "1"


def test_created_response_documents_its_location_header(app: App) -> None:
    app.add_resource(Counted, "/counted/<int:title_id>")
    document = app.openapi()
    validate(document)
    headers = document["paths"]["/counted/"]["post"]["responses"]["201"]["headers"]
    assert headers["Location"]["schema"] == {"type": "string", "format": "uri-reference"}
    response = app.test_client().post("/counted/", json={"text": "a"})
    assert (response.status_code, response.headers["Location"]) == (201, "/counted/1")


class Examples(Resource):
    @operation(
        request_examples={"milk": Title("milk")},
        response_examples={"milk": Title("milk")},
    )
    def create(self, body: Title) -> Title:
        return body


def test_operation_examples_are_documented_as_json(app: App) -> None:
    app.add_resource(Examples, "/examples/")
    document = app.openapi()
    validate(document)
    post = document["paths"]["/examples/"]["post"]
    request = post["requestBody"]["content"]["application/json"]
    assert request["examples"] == {"milk": {"value": {"text": "milk"}}}
    success = post["responses"]["201"]["content"]["application/json"]
    assert success["examples"] == {"milk": {"value": {"text": "milk"}}}


def test_reply_headers_declared_on_the_operation_are_in_both_documents_and_the_response(
    app: App,
) -> None:
    app.add_resource(Counted, "/counted/<int:title_id>")
    for version in ("3.1", "3.0"):
        document = app.openapi(version)
        validate(document)
        success = document["paths"]["/counted/"]["get"]["responses"]["200"]
        assert success["headers"]["X-Total-Count"] == {"schema": {"type": "integer"}}
    response = app.test_client().get("/counted/")
    assert (response.status_code, response.headers["X-Total-Count"]) == (200, "1")
