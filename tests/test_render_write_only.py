"""Write-only fields are left out of responses, and the output schema does not require them."""

import attrs
import pytest
from openapi_spec_validator import validate

from resourceful import App, DefinitionError, field
from resourceful.openapi.document import build_document
from resourceful.resources import Resource


@attrs.define
class Login:
    name: str
    password: str = field(default="", write_only=True)


@attrs.define
class Team:
    members: list[Login]


def test_write_only_field_is_taken_from_requests_and_left_out_of_responses(app: App) -> None:
    seen: list[Login] = []

    @app.resource("/logins/")
    class Logins(Resource):
        def create(self, body: Login) -> Login:
            seen.append(body)
            return body

    response = app.test_client().post("/logins/", json={"name": "ann", "password": "s3cret"})

    assert response.status_code == 201
    assert response.get_json() == {"name": "ann"}
    assert seen == [Login("ann", "s3cret")]


def test_write_only_fields_of_nested_values_are_left_out_too(app: App) -> None:
    @app.resource("/teams/")
    class Teams(Resource):
        def list(self) -> Team:
            return Team([Login("ann", "a"), Login("bob", "b")])

    assert app.test_client().get("/teams/").get_json() == {
        "members": [{"name": "ann"}, {"name": "bob"}]
    }


def test_app_converter_still_writes_write_only_fields(app: App) -> None:
    assert app.converter.unstructure(Login("ann", "x")) == {"name": "ann", "password": "x"}


def test_output_schema_marks_write_only_and_does_not_require_it(app: App) -> None:
    @app.resource("/logins/")
    class Logins(Resource):
        def list(self) -> Login:
            return Login("ann")

    document = build_document(app)
    validate(document)
    schema = document["components"]["schemas"]["Login"]

    assert schema["properties"]["password"] == {"type": "string", "writeOnly": True}
    assert schema["required"] == ["name"]
    assert build_document(app, "3.0")["components"]["schemas"]["Login"]["properties"][
        "password"
    ] == {"type": "string", "writeOnly": True}


def test_returned_write_only_field_without_a_default_is_a_definition_error(app: App) -> None:
    @attrs.define
    class Secret:
        token: str = field(write_only=True)

    with pytest.raises(DefinitionError, match=r"Secret.token is write-only, so responses leave"):

        @app.resource("/secrets/")
        class Secrets(Resource):
            def list(self) -> Secret:
                return Secret("x")
