"""Read-only fields: a request body does not set them (refused or ignored, like unknown fields)."""

from typing import Any

import attrs
import pytest
from openapi_spec_validator import validate

from resourceful import UNSET, App, DefinitionError, Unset, field
from resourceful.openapi.document import build_document
from resourceful.resources import Resource


@attrs.define
class Owner:
    name: str
    uid: int = field(default=0, read_only=True)


@attrs.define
class Account:
    name: str
    id: int | Unset = field(default=UNSET, read_only=True)
    owner: Owner | None = None


def _accounts(app: App) -> list[Account]:
    seen: list[Account] = []

    @app.resource("/accounts/")
    class Accounts(Resource):
        def create(self, body: Account) -> Account:
            seen.append(body)
            return attrs.evolve(body, id=7)

    return seen


def test_read_only_field_in_a_body_is_refused_with_its_pointer(app: App) -> None:
    seen = _accounts(app)

    response = app.test_client().post("/accounts/", json={"name": "a", "id": 3, "extra": 1})

    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "location": "body",
            "pointer": "/id",
            "detail": "is read-only: the server sets it; leave it out of the request",
        },
        {
            "location": "body",
            "pointer": "/extra",
            "detail": "is not a known field; expected only: name, owner",
        },
    ]
    assert seen == []


def test_read_only_field_in_a_nested_class_is_refused_too(app: App) -> None:
    _accounts(app)

    response = app.test_client().post(
        "/accounts/", json={"name": "a", "owner": {"name": "b", "uid": 1}}
    )

    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/owner/uid"]


def test_read_only_field_is_ignored_when_unknown_fields_are(app: App) -> None:
    app.config["REJECT_UNKNOWN_FIELDS"] = False
    seen = _accounts(app)

    response = app.test_client().post(
        "/accounts/", json={"name": "a", "id": 3, "owner": {"name": "b", "uid": 5}, "extra": 1}
    )

    assert response.status_code == 201
    assert seen == [Account("a", owner=Owner("b"))]
    assert response.get_json() == {"name": "a", "id": 7, "owner": {"name": "b", "uid": 0}}


def test_response_with_read_only_fields_passes_response_validation(app: App) -> None:
    app.config["VALIDATE_RESPONSES"] = True
    _accounts(app)

    response = app.test_client().post("/accounts/", json={"name": "a"})

    assert response.status_code == 201
    assert response.get_json()["id"] == 7


def test_the_app_converter_still_reads_read_only_fields(app: App) -> None:
    assert app.converter.structure({"name": "a", "id": 3}, Account) == Account("a", 3)


def test_read_only_field_without_a_default_in_a_body_is_a_definition_error(app: App) -> None:
    @attrs.define
    class Strict:
        id: int = field(read_only=True)

    with pytest.raises(DefinitionError, match=r"Strict.id is read-only, so a request body never"):

        @app.resource("/strict/")
        class Stricts(Resource):
            def create(self, body: Strict) -> None:
                pass


def test_read_only_field_without_a_default_is_fine_in_a_response_only_class(app: App) -> None:
    @attrs.define
    class Shown:
        id: int = field(read_only=True)

    @app.resource("/shown/")
    class Shows(Resource):
        def list(self) -> Shown:
            return Shown(1)

    assert app.test_client().get("/shown/").get_json() == {"id": 1}


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_document_marks_read_only_fields_in_both_versions(app: App, version: str) -> None:
    _accounts(app)
    document: dict[str, Any] = build_document(app, version)
    validate(document)

    for schema in document["components"]["schemas"].values():
        if "id" in schema.get("properties", {}):
            assert schema["properties"]["id"]["readOnly"] is True
    assert document["components"]["schemas"]["Owner"]["properties"]["uid"]["readOnly"] is True


def test_read_only_field_in_a_form_is_ignored_like_an_unknown_form_field(app: App) -> None:
    from resourceful import Form

    @attrs.define
    class Signup:
        name: str
        id: int | Unset = field(default=UNSET, read_only=True)

    app.config["REJECT_UNKNOWN_FIELDS"] = True
    seen: list[Signup] = []

    @app.resource("/signups/")
    class Signups(Resource):
        def create(self, body: Form[Signup]) -> Signup:
            seen.append(body)
            return attrs.evolve(body, id=7)

    response = app.test_client().post("/signups/", data={"name": "a", "id": "3", "other": "1"})

    assert response.status_code == 201, response.get_data(as_text=True)
    assert seen == [Signup(name="a")]
    assert response.get_json()["id"] == 7


@pytest.mark.parametrize(
    ("marker", "location"), [("Query", "query"), ("Header", "header"), ("Cookie", "cookie")]
)
def test_read_only_field_in_a_parameter_group_is_a_definition_error(
    app: App, marker: str, location: str
) -> None:
    import resourceful

    @attrs.define
    class Filters:
        name: str = ""
        secret: int | Unset = field(default=UNSET, read_only=True)

    group: Any = getattr(resourceful, marker)[Filters]

    class Search(Resource):
        def list(self, filters: group) -> list[str]:
            return []

    with pytest.raises(DefinitionError) as caught:
        app.add_resource(Search, "/search/")

    assert str(caught.value) == (
        f"Search.list: the field 'secret' of {marker}[Filters] (parameter 'filters') is"
        f" read-only, but a {location} group holds what the client sends. Drop"
        " read_only=True, or read the field from another class."
    )
