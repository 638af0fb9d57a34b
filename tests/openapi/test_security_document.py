"""The document's security: schemes, each operation's requirement, 401/403, provider parameters."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from openapi_spec_validator import validate

from resourceful import App, Blueprint, DefinitionError, Header, Resource, operation
from resourceful.providers import Provided
from resourceful.security import (
    PUBLIC,
    APIKey,
    HTTPBasic,
    HTTPBearer,
    OAuth2,
    Security,
    SessionAuth,
)


@attrs.frozen
class User:
    name: str


@attrs.frozen
class Book:
    title: str


def find(token: str) -> User | None:
    return None


def no_permissions(user: User) -> tuple[str, ...]:
    return ()


bearer = HTTPBearer(find, permissions=no_permissions, bearer_format="opaque")
api_key = APIKey(find, parameter="X-Key", permissions=no_permissions)


class Books(Resource):
    def list(self) -> list[Book]:
        return []

    @operation(security=(bearer | api_key).requiring("books:write"))
    def create(self, body: Book) -> Book:
        return body

    def get(self, book_id: int, user: Provided[User]) -> Book:
        return Book(user.name)

    @operation(security=PUBLIC)
    def delete(self, book_id: int) -> None:
        pass


class Tenant:
    pass


def document(app: App) -> dict[str, Any]:
    doc = app.openapi()
    validate(doc)  # type: ignore[arg-type]
    return doc


@pytest.fixture
def books(app: App) -> App:
    app.require(Security(bearer))
    app.add_resource(Books, "/books/<int:book_id>")
    return app


def test_schemes_used_are_listed_once(books: App) -> None:
    assert document(books)["components"]["securitySchemes"] == {
        "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"},
    }


def test_the_app_requirement_is_the_documents_default(books: App) -> None:
    assert document(books)["security"] == [{"bearerAuth": []}]


def test_each_operation_states_its_security_and_public_ones_an_empty_list(books: App) -> None:
    paths = document(books)["paths"]
    assert paths["/books/"]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/books/"]["post"]["security"] == [
        {"bearerAuth": ["books:write"]},
        {"apiKeyAuth": ["books:write"]},
    ]
    assert paths["/books/{book_id}"]["delete"]["security"] == []


def test_protected_operations_document_401_and_403_where_it_can_happen(books: App) -> None:
    doc = document(books)
    paths = doc["paths"]
    read = paths["/books/"]["get"]["responses"]
    assert read["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert "403" not in read  # no permission to miss
    write = paths["/books/"]["post"]["responses"]
    assert write["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert write["403"] == {"$ref": "#/components/responses/Forbidden"}
    public = paths["/books/{book_id}"]["delete"]["responses"]
    assert "401" not in public and "403" not in public
    unauthorized = doc["components"]["responses"]["Unauthorized"]
    assert unauthorized["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert "WWW-Authenticate" in unauthorized["headers"]


def from_session(session: object) -> User | None:
    return None


def test_session_auth_documents_403_for_the_csrf_check(app: App) -> None:
    app.require(Security(SessionAuth(from_session)))
    app.add_resource(Books, "/books/<int:book_id>")
    doc = document(app)
    assert doc["paths"]["/books/"]["get"]["responses"]["403"] == {
        "$ref": "#/components/responses/Forbidden"
    }
    assert doc["components"]["securitySchemes"]["sessionAuth"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
    }


def test_basic_and_oauth2_schemes_describe_themselves(app: App) -> None:
    oauth = OAuth2(
        find,
        token_url="/token",
        flows=("password", "clientCredentials"),
        scopes={"read": "Read books"},
    )
    app.require(Security(HTTPBasic(lambda user, password: None)) | oauth)
    app.add_resource(Books, "/books/<int:book_id>")
    schemes = document(app)["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    flow = {"tokenUrl": "/token", "scopes": {"read": "Read books"}}
    assert schemes["oauth2"] == {
        "type": "oauth2",
        "flows": {"password": flow, "clientCredentials": flow},
    }


def test_a_blueprint_requirement_is_on_its_operations_only(app: App) -> None:
    class Open(Resource):
        def get(self) -> Book:
            return Book("open")

    api = Blueprint("api", __name__, url_prefix="/api")
    api.require(Security(bearer))
    api.add_resource(Books, "/books/<int:book_id>")
    app.register_blueprint(api)
    app.add_resource(Open, "/open")
    doc = document(app)
    assert "security" not in doc
    assert doc["paths"]["/api/books/"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in doc["paths"]["/open"]["get"]


def test_provider_parameters_are_listed_on_the_operations_that_use_them(app: App) -> None:
    def tenant(x_tenant: Header[str]) -> Tenant:
        return Tenant()

    class Uses(Resource):
        def get(self, t: Provided[Tenant]) -> Book:
            return Book("x")

    class Other(Resource):
        def get(self) -> Book:
            return Book("y")

    app.add_provider(tenant)
    app.add_resource(Uses, "/uses")
    app.add_resource(Other, "/other")
    paths = document(app)["paths"]
    assert paths["/uses"]["get"]["parameters"] == [
        {"name": "x-tenant", "in": "header", "required": True, "schema": {"type": "string"}}
    ]
    assert "422" in paths["/uses"]["get"]["responses"]
    assert "parameters" not in paths["/other"]["get"]


def test_documented_only_security_stays_as_written(app: App) -> None:
    class Gateway(Resource):
        @operation(security=[{"gateway": []}])
        def get(self) -> Book:
            return Book("x")

    app.config["OPENAPI_SECURITY_SCHEMES"] = {"gateway": {"type": "http", "scheme": "bearer"}}
    app.add_resource(Gateway, "/g")
    doc = document(app)
    assert doc["paths"]["/g"]["get"]["security"] == [{"gateway": []}]
    assert "401" not in doc["paths"]["/g"]["get"]["responses"]  # not enforced here


def test_a_configured_scheme_named_like_an_enforced_one_is_refused(books: App) -> None:
    books.config["OPENAPI_SECURITY_SCHEMES"] = {"bearerAuth": {"type": "http", "scheme": "basic"}}
    with pytest.raises(DefinitionError) as info:
        books.openapi()
    assert str(info.value) == (
        "OPENAPI_SECURITY_SCHEMES describes 'bearerAuth', which is also the name of the"
        " enforced scheme <HTTPBearer 'bearerAuth'>. Remove it from OPENAPI_SECURITY_SCHEMES"
        " (the scheme describes itself), or give the scheme another name=... ."
    )


def test_two_schemes_with_one_name_are_refused(app: App) -> None:
    class Other(Resource):
        security = Security(HTTPBearer(find))

        def get(self) -> Book:
            return Book("x")

    app.require(Security(bearer))
    app.add_resource(Other, "/other")
    with pytest.raises(DefinitionError, match="two different security schemes are named"):
        app.openapi()


def test_openapi_security_and_app_require_do_not_mix(books: App) -> None:
    books.config["OPENAPI_SECURITY"] = [{"bearerAuth": []}]
    with pytest.raises(DefinitionError, match="Remove OPENAPI_SECURITY"):
        books.openapi()
