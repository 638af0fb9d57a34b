"""CORS for an app and a blueprint: origins, preflights from the route table, credentials."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from resourceful import App, Blueprint
from resourceful.cors import CORS
from resourceful.errors import DefinitionError
from resourceful.resources import Resource
from resourceful.testing import TestClient

SITE = "https://app.example.com"
OTHER = "https://evil.example.net"
CORS_HEADERS = {
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
}


@attrs.define
class Note:
    text: str


class NoteResource(Resource):
    def list(self) -> list[Note]:
        return [Note("a")]

    def create(self, body: Note) -> Note:
        return body

    def get(self, note_id: int) -> Note:
        return Note(str(note_id))

    def delete(self, note_id: int) -> None:
        return None


def _routes(app: App) -> None:
    @app.route("/plain")
    def plain() -> str:
        return "plain"

    @app.route("/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    @app.route("/items", methods=["DELETE"], endpoint="drop_items")
    def drop_items() -> str:
        return "dropped"

    app.add_resource(NoteResource, "/notes/<int:note_id>")


def _preflight(client: TestClient, url: str, origin: str = SITE, method: str = "PUT") -> Any:
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
    )


def _cors_headers(response: Any) -> dict[str, str]:
    return {key: value for key, value in response.headers.items() if key in CORS_HEADERS}


@pytest.fixture
def client(app: App) -> TestClient:
    _routes(app)
    CORS(app, origins=[SITE], expose_headers=["Link"], max_age=600)
    return app.test_client()


def test_an_allowed_origin_gets_its_origin_back_and_vary(client: TestClient) -> None:
    response = client.get("/plain", headers={"Origin": SITE})
    assert response.text == "plain"
    assert _cors_headers(response) == {
        "Access-Control-Allow-Origin": SITE,
        "Access-Control-Expose-Headers": "Link",
    }
    assert response.headers["Vary"] == "Origin"


def test_an_origin_that_is_not_allowed_gets_no_cors_headers(client: TestClient) -> None:
    response = client.get("/plain", headers={"Origin": OTHER})
    assert response.text == "plain"
    assert _cors_headers(response) == {}
    assert response.headers["Vary"] == "Origin"
    assert _cors_headers(_preflight(client, "/items", origin=OTHER)) == {}


def test_vary_origin_is_sent_without_an_origin_too(client: TestClient) -> None:
    response = client.get("/plain")
    assert _cors_headers(response) == {}
    assert response.headers["Vary"] == "Origin"


def test_a_preflight_lists_exactly_the_methods_the_url_serves(client: TestClient) -> None:
    response = _preflight(client, "/items")
    assert response.status_code == 200
    assert _cors_headers(response) == {
        "Access-Control-Allow-Origin": SITE,
        # Two rules share the path: both rules' methods.
        "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PUT",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
    }
    member = _preflight(client, "/notes/3", method="DELETE")
    assert member.headers["Access-Control-Allow-Methods"] == "DELETE, GET, HEAD, OPTIONS"
    collection = _preflight(client, "/notes/", method="POST")
    assert collection.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST"


def test_a_plain_options_request_is_not_a_preflight(client: TestClient) -> None:
    response = client.options("/items", headers={"Origin": SITE})
    assert "Access-Control-Allow-Methods" not in response.headers
    assert response.headers["Access-Control-Allow-Origin"] == SITE


def test_typed_resources_and_their_errors_get_cors_headers(client: TestClient) -> None:
    created = client.post("/notes/", json={"text": "hi"}, headers={"Origin": SITE})
    assert created.headers["Access-Control-Allow-Origin"] == SITE
    invalid = client.post("/notes/", json={"text": 1}, headers={"Origin": SITE})
    assert invalid.status_code == 422
    assert invalid.headers["Access-Control-Allow-Origin"] == SITE
    assert invalid.headers["Vary"] == "Origin"


def test_the_methods_setting_narrows_what_a_preflight_offers(app: App) -> None:
    _routes(app)
    CORS(app, origins=SITE, methods=["get", "put", "patch"])
    response = _preflight(app.test_client(), "/items")
    assert response.headers["Access-Control-Allow-Methods"] == "GET, OPTIONS, PUT"


# -- origins and credentials ---------------------------------------------------------------


def test_any_origin_is_answered_with_a_wildcard(app: App) -> None:
    _routes(app)
    CORS(app, origins="*")
    response = app.test_client().get("/plain", headers={"Origin": OTHER})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_credentials_send_the_exact_origin_and_the_credentials_header(app: App) -> None:
    _routes(app)
    CORS(app, origins=lambda origin: origin.endswith(".example.com"), credentials=True)
    client = app.test_client()
    response = client.get("/plain", headers={"Origin": SITE})
    assert _cors_headers(response) == {
        "Access-Control-Allow-Origin": SITE,
        "Access-Control-Allow-Credentials": "true",
    }
    assert _cors_headers(client.get("/plain", headers={"Origin": OTHER})) == {}


def test_any_origin_with_credentials_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:
        CORS(origins="*", credentials=True)
    assert str(info.value) == (
        'CORS(origins="*", credentials=True) would let any site read responses with the'
        " user's cookies, and browsers refuse a wildcard with credentials. List the origins"
        " that may (origins=['https://app.example.com']) or pass a predicate."
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"origins": [SITE, "*"]},
            'CORS origins: "*" cannot be one origin among others; pass origins="*" alone'
            " for any origin, or list the origins.",
        ),
        (
            {"origins": "https://app.example.com/"},
            "CORS origins: 'https://app.example.com/' is not an origin; write the scheme,"
            " host and port only, without a path or a trailing slash:"
            " 'https://app.example.com'.",
        ),
        (
            {"origins": SITE, "methods": "GET"},
            "CORS methods must be a list of names, got the string 'GET': write methods=['GET'].",
        ),
        (
            {"origins": SITE, "headers": ["X Bad"]},
            "CORS headers: 'X Bad' is not an HTTP header or method name.",
        ),
        (
            {"origins": SITE, "max_age": -1},
            "CORS max_age must be a number of seconds >= 0, got -1.",
        ),
    ],
)
def test_mistaken_settings_are_definition_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(DefinitionError) as info:
        CORS(**options)
    assert str(info.value) == message


def test_origins_compare_without_case(app: App) -> None:
    _routes(app)
    CORS(app, origins=["HTTPS://App.Example.com"])
    response = app.test_client().get("/plain", headers={"Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE


# -- blueprints ----------------------------------------------------------------------------


def _blueprint_app(app: App) -> TestClient:
    api = Blueprint("api", __name__, url_prefix="/api")
    api.add_resource(NoteResource, "/notes/<int:note_id>")
    CORS(api, origins=[OTHER], credentials=True)
    app.register_blueprint(api)

    @app.route("/page")
    def page() -> str:
        return "page"

    return app.test_client()


def test_blueprint_settings_apply_to_its_routes_only(app: App) -> None:
    client = _blueprint_app(app)
    inside = client.get("/api/notes/", headers={"Origin": OTHER})
    assert _cors_headers(inside) == {
        "Access-Control-Allow-Origin": OTHER,
        "Access-Control-Allow-Credentials": "true",
    }
    outside = client.get("/page", headers={"Origin": OTHER})
    assert _cors_headers(outside) == {}
    assert "Vary" not in outside.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/nothere", 404), ("PUT", "/api/notes/", 405), ("GET", "/api/%FF", 400)],
)
def test_blueprint_settings_apply_to_urls_under_its_prefix_that_match_no_rule(
    app: App, method: str, path: str, status: int
) -> None:
    client = _blueprint_app(app)
    response = client.open(path, method=method, headers={"Origin": OTHER})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert _cors_headers(response) == {
        "Access-Control-Allow-Origin": OTHER,
        "Access-Control-Allow-Credentials": "true",
    }
    assert response.headers["Vary"] == "Origin"
    outside = client.get("/nothere", headers={"Origin": OTHER})
    assert outside.status_code == 404
    assert _cors_headers(outside) == {}


def test_blueprint_settings_win_over_the_apps(app: App) -> None:
    client = _blueprint_app(app)
    CORS(app, origins=[SITE])
    inside = client.get("/api/notes/", headers={"Origin": SITE})
    assert _cors_headers(inside) == {}  # the blueprint allows OTHER only
    assert inside.headers["Vary"] == "Origin"
    assert (
        client.get("/page", headers={"Origin": SITE}).headers["Access-Control-Allow-Origin"] == SITE
    )
    preflight = _preflight(client, "/api/notes/7", origin=OTHER, method="DELETE")
    assert preflight.headers["Access-Control-Allow-Methods"] == "DELETE, GET, HEAD, OPTIONS"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"


def test_init_app_style_registers_later(app: App) -> None:
    cors = CORS(origins=[SITE])
    _routes(app)
    cors.init_app(app)
    assert (
        app.test_client()
        .get("/plain", headers={"Origin": SITE})
        .headers["Access-Control-Allow-Origin"]
        == SITE
    )
    assert cors.allows(SITE) and not cors.allows(OTHER)


# -- settings on a resource class --------------------------------------------------------------

PARTNER = "https://partner.example.org"


class SharedNotes(Resource):
    """Notes a partner site may read and change."""

    cors = CORS(origins=[PARTNER], credentials=True, expose_headers=["Location"])

    def list(self) -> list[Note]:
        return [Note("shared")]

    def get(self, note_id: int) -> Note:
        return Note(str(note_id))

    def replace(self, note_id: int, body: Note) -> Note:
        return body


def test_resource_settings_win_over_the_blueprints_and_the_apps(app: App) -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    CORS(api, origins=[OTHER])
    api.add_resource(SharedNotes, "/shared/<int:note_id>")
    api.add_resource(NoteResource, "/notes/<int:note_id>")
    app.register_blueprint(api)
    CORS(app, origins=[SITE])
    client = app.test_client()

    shared = client.get("/api/shared/1", headers={"Origin": PARTNER})
    assert shared.status_code == 200
    assert shared.headers["Content-Type"] == "application/json"
    assert shared.json == {"text": "1"}
    assert _cors_headers(shared) == {
        "Access-Control-Allow-Origin": PARTNER,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "Location",
    }
    assert shared.headers["Vary"] == "Origin"
    # The blueprint's and the app's origins are not the resource's.
    for origin in (OTHER, SITE):
        response = client.get("/api/shared/", headers={"Origin": origin})
        assert response.status_code == 200
        assert _cors_headers(response) == {}
        assert response.headers["Vary"] == "Origin"
    # The blueprint's other resource keeps the blueprint's settings.
    assert _cors_headers(client.get("/api/notes/", headers={"Origin": OTHER})) == {
        "Access-Control-Allow-Origin": OTHER
    }


def test_a_resource_preflight_lists_exactly_the_methods_its_url_serves(app: App) -> None:
    app.add_resource(SharedNotes, "/shared/<int:note_id>")
    client = app.test_client()
    member = _preflight(client, "/shared/4", origin=PARTNER, method="PUT")
    assert member.status_code == 200
    assert "Content-Type" not in member.headers
    assert member.data == b""
    assert member.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert _cors_headers(member) == {
        "Access-Control-Allow-Origin": PARTNER,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS, PUT",
        "Access-Control-Allow-Headers": "Content-Type",
    }
    assert member.headers["Vary"] == "Origin"
    collection = _preflight(client, "/shared/", origin=PARTNER, method="GET")
    assert collection.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    refused = _preflight(client, "/shared/4", origin=OTHER)
    assert refused.status_code == 200
    assert _cors_headers(refused) == {}
    assert refused.headers["Vary"] == "Origin"


def test_resource_settings_leave_the_other_routes_alone(app: App) -> None:
    app.add_resource(SharedNotes, "/shared/<int:note_id>")

    @app.route("/page")
    def page() -> str:
        return "page"

    client = app.test_client()
    outside = client.get("/page", headers={"Origin": PARTNER})
    assert outside.text == "page"
    assert _cors_headers(outside) == {}
    assert "Vary" not in outside.headers


def test_a_resource_cors_that_is_not_settings_is_a_definition_error(app: App) -> None:
    class Loose(Resource):
        cors = ("https://app.example.com",)  # type: ignore[assignment]

        def get(self, loose_id: int) -> Note:
            return Note("x")

    with pytest.raises(DefinitionError) as caught:
        app.add_resource(Loose, "/loose/<int:loose_id>")
    assert str(caught.value) == (
        "Loose.cors is ('https://app.example.com',); it must be CORS settings:"
        " cors = CORS(origins=[...]) (from resourceful.cors), or None."
    )


def test_a_resource_cannot_reflect_any_origin_with_credentials() -> None:
    with pytest.raises(DefinitionError, match=r'CORS\(origins="\*", credentials=True\)'):

        class Everyone(Resource):
            cors = CORS(origins="*", credentials=True)

            def list(self) -> list[Note]:
                return []
