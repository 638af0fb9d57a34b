"""Security at request time: each scheme's 401 and 403 over the test client, and the principal."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Annotated

import attrs
import pytest
from problem_json import problem

from resourceful import App, Blueprint, Resource, operation, session
from resourceful.providers import Provide, Provided
from resourceful.security import (
    PUBLIC,
    APIKey,
    HTTPBasic,
    HTTPBearer,
    OAuth2,
    Security,
    SessionAuth,
    csrf_token,
)


@attrs.frozen
class User:
    name: str
    permissions: frozenset[str] = frozenset()


@attrs.frozen
class Out:
    value: str


@attrs.frozen
class Note:
    text: str


USERS = {
    "ann-token": User("ann", frozenset({"read"})),
    "root-token": User("root", frozenset({"read", "admin"})),
}


def by_token(token: str) -> User | None:
    return USERS.get(token)


def permissions(user: User) -> frozenset[str]:
    return user.permissions


class Me(Resource):
    def get(self, user: Provided[User]) -> Out:
        return Out(user.name)

    @operation(security=PUBLIC)
    def delete(self) -> None:
        pass


def serve(app: App, requirement: Security, rule: str = "/me") -> None:
    app.require(requirement)
    app.add_resource(Me, rule)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bearer_without_credentials_is_401_with_a_challenge(app: App) -> None:
    serve(app, Security(HTTPBearer(by_token)))
    response = app.test_client().get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert problem(response)["detail"] == (
        "This operation needs credentials: a bearer token in the Authorization header."
    )


def test_bearer_malformed_and_rejected_tokens_are_401(app: App) -> None:
    serve(app, Security(HTTPBearer(by_token)))
    client = app.test_client()
    malformed = client.get("/me", headers={"Authorization": "Bearer not a token"})
    assert malformed.status_code == 401
    assert malformed.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_request"'
    rejected = client.get("/me", headers=bearer("wrong"))
    assert rejected.status_code == 401
    assert rejected.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert problem(rejected)["detail"] == "The credentials were not accepted (bearerAuth)."


def test_the_handler_gets_the_authenticated_principal_by_type(app: App) -> None:
    serve(app, Security(HTTPBearer(by_token)))
    assert app.test_client().get("/me", headers=bearer("ann-token")).json == {"value": "ann"}


def test_a_missing_permission_is_403_naming_it(app: App) -> None:
    serve(app, Security(HTTPBearer(by_token, permissions=permissions), requires={"admin"}))
    client = app.test_client()
    denied = client.get("/me", headers=bearer("ann-token"))
    assert denied.status_code == 403
    body = problem(denied)
    assert body["detail"] == "Authenticated, but this operation needs the permission(s): admin."
    assert body["missing_permissions"] == ["admin"]
    assert denied.headers["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", scope="admin"'
    )
    assert client.get("/me", headers=bearer("root-token")).json == {"value": "root"}


def test_a_public_operation_needs_no_credentials(app: App) -> None:
    serve(app, Security(HTTPBearer(by_token)))
    assert app.test_client().delete("/me").status_code == 204


def test_authentication_comes_before_binding(app: App) -> None:
    class Notes(Resource):
        def create(self, body: Note, user: Provided[User]) -> Out:
            return Out(body.text)

    app.require(Security(HTTPBearer(by_token)))
    app.add_resource(Notes, "/notes/")
    client = app.test_client()
    assert client.post("/notes/", json={"text": 1}).status_code == 401
    assert client.post("/notes/", json={"text": 1}, headers=bearer("ann-token")).status_code == 422


def test_basic_credentials(app: App) -> None:
    def check(username: str, password: str) -> User | None:
        return User(username) if password == "secret" else None

    serve(app, Security(HTTPBasic(check)))
    client = app.test_client()

    def basic(value: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode()}

    missing = client.get("/me")
    assert (missing.status_code, missing.headers["WWW-Authenticate"]) == (
        401,
        'Basic realm="api", charset="UTF-8"',
    )
    assert client.get("/me", headers={"Authorization": "Basic %%%"}).status_code == 401
    assert client.get("/me", headers=basic("ann:wrong")).status_code == 401
    assert client.get("/me", headers=basic("ann:secret")).json == {"value": "ann"}


@pytest.mark.parametrize("location", ["header", "query", "cookie"])
def test_api_key_in_each_location(app: App, location: str) -> None:
    def find(key: str) -> User | None:
        return User("service") if key == "k-1" else None

    parameter = "key" if location == "query" else "X-Key"
    serve(app, Security(APIKey(find, parameter=parameter, location=location)), "/whoami")
    client = app.test_client()
    missing = client.get("/whoami")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith(f'APIKey realm="api", in="{location}"')
    if location == "header":
        ok = client.get("/whoami", headers={"X-Key": "k-1"})
        wrong = client.get("/whoami", headers={"X-Key": "k-2"})
    elif location == "query":
        ok = client.get("/whoami?key=k-1")
        wrong = client.get("/whoami?key=k-2")
    else:
        client.set_cookie("X-Key", "k-2")
        wrong = client.get("/whoami")
        client.set_cookie("X-Key", "k-1")
        ok = client.get("/whoami")
    assert wrong.status_code == 401
    assert ok.json == {"value": "service"}


def test_the_principal_can_be_asked_for_by_name(app: App) -> None:
    keys = {"k-1": User("service")}

    class Who(Resource):
        def get(self, who: Annotated[User, Provide("principal")]) -> Out:
            return Out(who.name)

    app.require(Security(APIKey(keys.get)))  # no return annotation: no type to ask by
    app.add_resource(Who, "/who")
    assert app.test_client().get("/who", headers={"X-API-Key": "k-1"}).json == {"value": "service"}


def test_oauth2_tokens_with_scopes(app: App) -> None:
    scheme = OAuth2(
        by_token, token_url="/token", scopes={"admin": "Administer"}, permissions=permissions
    )
    serve(app, scheme.requiring("admin"))
    client = app.test_client()
    assert client.get("/me").headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert client.get("/me", headers=bearer("ann-token")).status_code == 403
    assert client.get("/me", headers=bearer("root-token")).json == {"value": "root"}


def test_alternatives_accept_any_scheme_and_challenge_with_all(app: App) -> None:
    def find(key: str) -> User | None:
        return User("service") if key == "k-1" else None

    serve(app, HTTPBearer(by_token) | APIKey(find))
    client = app.test_client()
    missing = client.get("/me")
    assert missing.headers["WWW-Authenticate"] == (
        'Bearer realm="api", APIKey realm="api", in="header", name="X-API-Key"'
    )
    assert client.get("/me", headers=bearer("ann-token")).json == {"value": "ann"}
    assert client.get("/me", headers={"X-API-Key": "k-1"}).json == {"value": "service"}


class Notes(Resource):
    def create(self, body: Note, user: Provided[User]) -> Out:
        return Out(f"{user.name}: {body.text}")

    def list(self, user: Provided[User]) -> list[Out]:
        return [Out(user.name)]


def _session_app(app: App) -> None:
    def from_session(data: object) -> User | None:
        name = session.get("user")
        return User(name) if isinstance(name, str) else None

    app.require(Security(SessionAuth(from_session)))
    app.add_resource(Notes, "/notes/")

    @app.post("/login")
    def login() -> dict[str, str]:
        session["user"] = "ann"
        return {"csrf": csrf_token()}


def test_session_auth_reads_the_session_cookie(app: App) -> None:
    _session_app(app)
    client = app.test_client()
    missing = client.get("/notes/")
    assert (missing.status_code, missing.headers["WWW-Authenticate"]) == (401, 'Cookie realm="api"')
    client.post("/login")
    assert client.get("/notes/").json == [{"value": "ann"}]


def test_session_auth_refuses_unsafe_requests_without_csrf_proof(app: App) -> None:
    _session_app(app)
    client = app.test_client()
    token = client.post("/login").json["csrf"]
    refused = client.post("/notes/", json={"text": "hi"})
    assert refused.status_code == 403
    assert problem(refused)["title"] == "CSRF check failed"
    cross = client.post("/notes/", json={"text": "hi"}, headers={"Origin": "https://evil.example"})
    assert (cross.status_code, problem(cross)["title"]) == (403, "Cross-site request refused")
    with_token = client.post("/notes/", json={"text": "hi"}, headers={"X-CSRF-Token": token})
    assert with_token.json == {"value": "ann: hi"}
    same_origin = client.post(
        "/notes/", json={"text": "yo"}, headers={"Origin": "http://localhost"}
    )
    assert same_origin.json == {"value": "ann: yo"}


class Connection:
    def __init__(self) -> None:
        self.closed = False


def test_verify_may_ask_for_provided_values_shared_with_the_handler(app: App) -> None:
    made: list[Connection] = []
    closed: list[Connection] = []

    @app.provider()
    def connection() -> Iterator[Connection]:
        made.append(Connection())
        yield made[-1]
        closed.append(made[-1])

    def verify(token: str, conn: Provided[Connection]) -> User | None:
        return User(f"ann/{len(made)}") if token == "ok" else None

    class Uses(Resource):
        def get(self, user: Provided[User], conn: Provided[Connection]) -> Out:
            return Out(f"{user.name} same={conn is made[-1]}")

    app.require(Security(HTTPBearer(verify)))
    app.add_resource(Uses, "/u")
    client = app.test_client()
    assert client.get("/u", headers=bearer("ok")).json == {"value": "ann/1 same=True"}
    assert (len(made), len(closed)) == (1, 1)
    assert client.get("/u", headers=bearer("no")).status_code == 401
    assert (len(made), len(closed)) == (2, 2)  # closed even when authentication failed
    assert client.get("/u").status_code == 401
    assert len(made) == 2  # no credentials: verify, and its providers, never ran


def test_a_blueprint_requirement_covers_its_resources_only(app: App) -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    api.require(Security(HTTPBearer(by_token)))
    api.add_resource(Me, "/me")
    app.register_blueprint(api)

    class Open(Resource):
        def get(self) -> Out:
            return Out("open")

    app.add_resource(Open, "/open")
    client = app.test_client()
    assert client.get("/api/me").status_code == 401
    assert client.get("/open").json == {"value": "open"}


def test_bad_credentials_never_make_a_500(app: App) -> None:
    serve(app, HTTPBearer(by_token) | HTTPBasic(lambda u, p: None))
    client = app.test_client()
    for header in ("Bearer", "Basic", "Basic Og==", "Bearer ====", "Basic \udcff", "\x00"):
        assert client.get("/me", headers={"Authorization": header}).status_code == 401
