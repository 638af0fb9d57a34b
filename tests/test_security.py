"""Security schemes: reading credentials, the 401/403 outcomes, the OpenAPI objects."""

from __future__ import annotations

import base64
from typing import Any

import attrs
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from resourceful import App, DefinitionError, Problem
from resourceful.security import (
    PUBLIC,
    APIKey,
    HTTPBasic,
    HTTPBearer,
    OAuth2,
    Security,
    SessionAuth,
    authenticate,
    csrf_token,
    lookup_secret,
)


@attrs.frozen
class User:
    name: str
    permissions: frozenset[str] = frozenset()


USERS = {"t-alice": User("alice", frozenset({"books:write"})), "t-bob": User("bob")}


def find_token(token: str) -> User | None:
    return lookup_secret(token, USERS)


def find_login(username: str, password: str) -> User | None:
    user = lookup_secret(f"{username}:{password}", {"alice:secret": USERS["t-alice"]})
    return user


def permissions_of(user: User) -> frozenset[str]:
    return user.permissions


def request_with(**options: Any) -> Request:
    return Request(EnvironBuilder(**options).get_environ())


def problem_of(requirement: Security, request: Request) -> Problem:
    with pytest.raises(Problem) as info:
        authenticate(requirement, request)
    return info.value


bearer = HTTPBearer(find_token, permissions=permissions_of)
basic = HTTPBasic(find_login)
api_key = APIKey(find_token, parameter="X-API-Key")


def test_bearer_token_from_the_authorization_header_gives_the_principal() -> None:
    request = request_with(headers={"Authorization": "Bearer t-alice"})
    assert authenticate(Security(bearer), request) == USERS["t-alice"]


def test_the_bearer_scheme_name_is_case_insensitive() -> None:
    request = request_with(headers={"Authorization": "bearer t-bob"})
    assert authenticate(Security(bearer), request) == USERS["t-bob"]


def test_missing_credentials_are_a_401_with_a_challenge_for_every_accepted_scheme() -> None:
    problem = problem_of(Security(bearer, api_key), request_with())
    assert problem.code == 401
    assert problem.headers["WWW-Authenticate"] == (
        'Bearer realm="api", APIKey realm="api", in="header", name="X-API-Key"'
    )
    assert problem.details.detail == (
        "This operation needs credentials: a bearer token in the Authorization header or an"
        " API key in the header 'X-API-Key'."
    )


def test_a_rejected_token_is_a_401_saying_invalid_token() -> None:
    problem = problem_of(Security(bearer), request_with(headers={"Authorization": "Bearer nope"}))
    assert problem.code == 401
    assert problem.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert problem.details.detail == "The credentials were not accepted (bearerAuth)."


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer a b", "Bearer ü"])
def test_a_malformed_bearer_header_is_a_401_saying_invalid_request(header: str) -> None:
    problem = problem_of(Security(bearer), request_with(headers={"Authorization": header}))
    assert problem.code == 401
    assert problem.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_request"'
    assert "carries no valid token" in (problem.details.detail or "")


def test_basic_credentials_are_decoded_and_verified() -> None:
    token = base64.b64encode(b"alice:secret").decode()
    request = request_with(headers={"Authorization": f"Basic {token}"})
    assert authenticate(Security(basic), request) == USERS["t-alice"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Basic !!!", "is not base64"),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "no ':'"),
        ("Basic " + base64.b64encode(b"\xff:\xfe").decode(), "is not base64 of UTF-8"),
    ],
)
def test_malformed_basic_credentials_are_a_401_naming_the_problem(value: str, reason: str) -> None:
    problem = problem_of(Security(basic), request_with(headers={"Authorization": value}))
    assert problem.code == 401
    assert reason in (problem.details.detail or "")
    assert problem.headers["WWW-Authenticate"] == 'Basic realm="api", charset="UTF-8"'


@pytest.mark.parametrize(
    ("location", "options"),
    [
        ("header", {"headers": {"X-API-Key": "t-bob"}}),
        ("query", {"query_string": {"X-API-Key": "t-bob"}}),
        ("cookie", {"headers": {"Cookie": "X-API-Key=t-bob"}}),
    ],
)
def test_an_api_key_is_read_from_its_location(location: Any, options: dict[str, Any]) -> None:
    scheme = APIKey(find_token, parameter="X-API-Key", location=location)
    assert authenticate(Security(scheme), request_with(**options)) == USERS["t-bob"]


def test_an_empty_api_key_is_malformed() -> None:
    problem = problem_of(Security(api_key), request_with(headers={"X-API-Key": " "}))
    assert problem.code == 401
    assert "the API key header 'X-API-Key' is empty" in (problem.details.detail or "")


def test_the_first_accepted_alternative_wins() -> None:
    request = request_with(headers={"Authorization": "Bearer wrong", "X-API-Key": "t-bob"})
    assert authenticate(Security(bearer, api_key), request) == USERS["t-bob"]


def test_a_missing_permission_is_a_403_naming_it() -> None:
    requirement = Security(bearer, requires={"books:write", "books:delete"})
    problem = problem_of(requirement, request_with(headers={"Authorization": "Bearer t-alice"}))
    assert problem.code == 403
    assert problem.details.detail == (
        "Authenticated, but this operation needs the permission(s): books:delete."
    )
    assert problem.details.extensions["missing_permissions"] == ["books:delete"]
    assert problem.headers["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", scope="books:delete books:write"'
    )


def test_a_principal_with_the_permission_passes() -> None:
    requirement = bearer.requiring("books:write")
    request = request_with(headers={"Authorization": "Bearer t-alice"})
    assert authenticate(requirement, request) == USERS["t-alice"]


def test_public_needs_no_credentials() -> None:
    assert PUBLIC.is_public
    assert authenticate(PUBLIC, request_with()) is None
    assert PUBLIC.openapi() == []


def test_or_combines_schemes_into_alternatives() -> None:
    key = APIKey(find_token, permissions=permissions_of)
    requirement = (bearer | key).requiring("books:write")
    assert requirement.schemes == (bearer, key)
    assert requirement.requires == frozenset({"books:write"})


def test_requiring_permissions_of_a_scheme_without_a_permissions_function_is_refused() -> None:
    with pytest.raises(DefinitionError) as info:
        Security(api_key, requires={"admin"})
    assert str(info.value) == (
        "Security(requires=['admin']) accepts <APIKey 'apiKeyAuth'>, which has no permissions"
        " function to check them with. Pass permissions=... to the scheme, e.g."
        " APIKey(verify, permissions=lambda user: user.permissions)."
    )


def test_two_schemes_with_one_name_are_refused() -> None:
    other = HTTPBearer(find_token)
    with pytest.raises(DefinitionError, match="both named 'bearerAuth'"):
        Security(bearer, other)


def test_authorization_as_an_api_key_header_points_to_http_bearer() -> None:
    with pytest.raises(DefinitionError, match="use HTTPBearer"):
        APIKey(find_token, parameter="Authorization")


def test_the_principal_type_is_the_verify_functions_return_type_without_none() -> None:
    assert bearer.principal_type is User


def test_lookup_secret_finds_the_value_and_compares_every_key() -> None:
    compared: list[str] = []

    class Recording(dict[str, int]):
        def items(self) -> Any:
            for key, value in super().items():
                compared.append(key)
                yield key, value

    table = Recording({"a": 1, "b": 2, "c": 3})
    assert lookup_secret("a", table) == 1
    assert compared == ["a", "b", "c"]  # no early exit on a match
    assert lookup_secret("zz", table) is None


def test_openapi_objects_of_each_scheme() -> None:
    app = App(__name__)
    oauth = OAuth2(
        find_token,
        token_url="/token",
        flows=("password", "clientCredentials"),
        scopes={"books:write": "Change books"},
    )
    assert HTTPBearer(find_token, bearer_format="JWT").openapi(app) == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert basic.openapi(app) == {"type": "http", "scheme": "basic"}
    assert APIKey(find_token, location="query", parameter="key", description="Key").openapi(
        app
    ) == {"type": "apiKey", "in": "query", "name": "key", "description": "Key"}
    flow = {"tokenUrl": "/token", "scopes": {"books:write": "Change books"}}
    assert oauth.openapi(app) == {
        "type": "oauth2",
        "flows": {"password": flow, "clientCredentials": flow},
    }
    assert SessionAuth(lambda session: None).openapi(app) == {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
    }


def test_requirement_openapi_lists_each_alternative_with_the_permissions() -> None:
    requirement = Security(bearer, HTTPBasic(find_login, permissions=permissions_of), requires="x")
    assert requirement.openapi() == [{"bearerAuth": ["x"]}, {"basicAuth": ["x"]}]


# -- the session as a scheme, and CSRF -------------------------------------------------------


def session_user(session: Any) -> User | None:
    name = session.get("user")
    return User(name) if isinstance(name, str) else None


@pytest.fixture
def session_app() -> App:
    app = App(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    return app


def logged_in_cookie(app: App, **extra: Any) -> str:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    return f"session={serializer.dumps({'user': 'carol', **extra})}"


def test_session_auth_gives_the_principal_for_a_safe_request(session_app: App) -> None:
    cookie = logged_in_cookie(session_app)
    with session_app.test_request_context("/", headers={"Cookie": cookie}) as ctx:
        assert authenticate(Security(SessionAuth(session_user)), ctx.request) == User("carol")


def test_session_auth_without_the_cookie_is_a_401(session_app: App) -> None:
    with session_app.test_request_context("/") as ctx:
        problem = problem_of(Security(SessionAuth(session_user)), ctx.request)
    assert problem.code == 401
    assert problem.headers["WWW-Authenticate"] == 'Cookie realm="api"'


def test_an_unsafe_session_request_from_another_origin_is_a_403(session_app: App) -> None:
    cookie = logged_in_cookie(session_app)
    headers = {"Cookie": cookie, "Origin": "https://evil.example"}
    with session_app.test_request_context("/", method="POST", headers=headers) as ctx:
        problem = problem_of(Security(SessionAuth(session_user)), ctx.request)
    assert problem.code == 403
    assert problem.details.title == "Cross-site request refused"


def test_an_unsafe_session_request_from_the_own_origin_passes(session_app: App) -> None:
    cookie = logged_in_cookie(session_app)
    headers = {"Cookie": cookie, "Origin": "http://localhost"}
    with session_app.test_request_context("/", method="POST", headers=headers) as ctx:
        assert authenticate(Security(SessionAuth(session_user)), ctx.request) == User("carol")


def test_an_unsafe_session_request_without_origin_needs_the_csrf_token(session_app: App) -> None:
    with session_app.test_request_context("/"):
        token = csrf_token()
        assert csrf_token() == token  # stable within the session
    cookie = logged_in_cookie(session_app, _csrf_token=token)
    scheme = Security(SessionAuth(session_user))
    with session_app.test_request_context("/", method="DELETE", headers={"Cookie": cookie}) as ctx:
        problem = problem_of(scheme, ctx.request)
    assert problem.code == 403
    assert problem.details.title == "CSRF check failed"
    headers = {"Cookie": cookie, "X-CSRF-Token": token}
    with session_app.test_request_context("/", method="DELETE", headers=headers) as ctx:
        assert authenticate(scheme, ctx.request) == User("carol")
    headers = {"Cookie": cookie, "X-CSRF-Token": token + "x"}
    with session_app.test_request_context("/", method="DELETE", headers=headers) as ctx:
        assert problem_of(scheme, ctx.request).code == 403
