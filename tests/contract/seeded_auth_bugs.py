"""An API with seeded security bugs the self-test must find (and a clean twin).

``create_app(fixed=False)`` has the bugs; ``create_app(fixed=True)`` the same
API with each bug fixed:

1. the bearer token check crashes on a token it did not sign (a 500 for a
   bad token, where the answer must be a 401);
2. the API key check gives every key the ``admin`` permission, so a reader's
   key can write (a 201 where the answer must be a 403);
3. an operation behind a gateway (its security only documented) forgot the
   check that the gateway's key is there (a 200 without credentials).
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import validators as v

from resourceful import App, Resource, current_app, operation, request
from resourceful.contract import Credentials
from resourceful.errors import Problem
from resourceful.security import APIKey, HTTPBearer

TOKENS = {"admin-token": "admin"}
KEYS = {"admin-key": "admin", "reader-key": "reader"}
GATEWAY_KEY = "gateway-secret"


@attrs.frozen
class User:
    name: str
    permissions: frozenset[str]


def from_token(token: str) -> User | None:
    if current_app.config["FIXED"] and token not in TOKENS:
        return None
    # Bug 1: an unknown token is a KeyError (a 500), not "no user" (a 401).
    name = TOKENS[token]
    return User(name, frozenset({"admin"}) if name == "admin" else frozenset())


def from_key(key: str) -> User | None:
    name = KEYS.get(key)
    if name is None:
        return None
    # Bug 2: every key is an admin's.
    admin = name == "admin" or not current_app.config["FIXED"]
    return User(name, frozenset({"admin"}) if admin else frozenset())


def permissions(user: User) -> frozenset[str]:
    return user.permissions


bearer = HTTPBearer(from_token, permissions=permissions)
api_key = APIKey(from_key, permissions=permissions)


@attrs.frozen
class Note:
    text: str = attrs.field(validator=[v.min_len(1), v.max_len(20)])


class Notes(Resource):
    security = (bearer | api_key).requiring("admin")

    def create(self, body: Note) -> Note:
        return body


class Reports(Resource):
    @operation(security=[{"gateway": []}], responses={401: Problem})
    def get(self) -> Note:
        # Bug 3: the check that the gateway sent its key is missing.
        if current_app.config["FIXED"] and request.headers.get("X-Gateway-Key") != GATEWAY_KEY:
            raise Problem(
                401,
                detail="Only the gateway may call this.",
                headers={"WWW-Authenticate": 'APIKey in="header", name="X-Gateway-Key"'},
            )
        return Note("quarterly")


#: Credentials an admin has: a token and a key.
ADMIN = [
    Credentials("bearerAuth", {"Authorization": "Bearer admin-token"}, permissions={"admin"}),
    Credentials("apiKeyAuth", {"X-API-Key": "admin-key"}, permissions={"admin"}),
    Credentials("gateway", {"X-Gateway-Key": GATEWAY_KEY}),
]
#: A reader's key, which lacks the admin permission.
READER = [Credentials("apiKeyAuth", {"X-API-Key": "reader-key"})]


def create_app(fixed: bool = False, **config: Any) -> App:
    app = App(__name__)
    app.config.update(
        FIXED=fixed,
        OPENAPI_SECURITY_SCHEMES={
            "gateway": {"type": "apiKey", "in": "header", "name": "X-Gateway-Key"}
        },
        **config,
    )
    app.add_resource(Notes, "/notes")
    app.add_resource(Reports, "/report")
    return app
