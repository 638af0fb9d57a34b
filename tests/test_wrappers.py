"""Request and Response."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response as WerkzeugResponse

from resourceful import App, Blueprint, Request, Response, request
from resourceful.testing import TestClient


def test_classes_extend_werkzeug() -> None:
    assert issubclass(Request, WerkzeugRequest)
    assert issubclass(Response, WerkzeugResponse)


def test_response_default_mimetype_is_html() -> None:
    response = Response("x")
    assert response.mimetype == "text/html"
    assert response.content_type == "text/html; charset=utf-8"


def test_request_routing_attributes(app: App, client: TestClient) -> None:
    @app.route("/u/<int:id>")
    def user(id: int) -> dict[str, Any]:
        return {
            "endpoint": request.endpoint,
            "rule": request.url_rule.rule if request.url_rule else None,
            "view_args": request.view_args,
            "blueprint": request.blueprint,
            "blueprints": request.blueprints,
        }

    assert client.get("/u/1").get_json() == {
        "endpoint": "user",
        "rule": "/u/<int:id>",
        "view_args": {"id": 1},
        "blueprint": None,
        "blueprints": [],
    }


def test_request_blueprint_attributes_for_nested_blueprints(app: App, client: TestClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    @child.route("/")
    def index() -> dict[str, Any]:
        return {"blueprint": request.blueprint, "blueprints": request.blueprints}

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/").get_json() == {
        "blueprint": "parent.child",
        "blueprints": ["parent.child", "parent"],
    }


def test_routing_exception_on_request(app: App) -> None:
    with app.test_request_context("/missing"):
        assert request.routing_exception is not None
        assert request.routing_exception.code == 404
        assert request.url_rule is None
        assert request.endpoint is None


def test_max_content_length_follows_config(app: App) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 123
    with app.test_request_context("/"):
        assert request.max_content_length == 123


def test_max_content_length_outside_app_is_none() -> None:
    environ = {"REQUEST_METHOD": "GET", "wsgi.input": None}
    assert Request(environ).max_content_length is None


def test_body_limits_can_be_set_on_one_request(app: App) -> None:
    app.config.update(MAX_CONTENT_LENGTH=10, MAX_FORM_MEMORY_SIZE=20, MAX_FORM_PARTS=30)
    with app.test_request_context("/"):
        request.max_content_length = 1000
        request.max_form_memory_size = 2000
        request.max_form_parts = 3000
        assert request.max_content_length == 1000
        assert request.max_form_memory_size == 2000
        assert request.max_form_parts == 3000
    with app.test_request_context("/"):
        assert request.max_content_length == 10
        assert request.max_form_memory_size == 20
        assert request.max_form_parts == 30


def test_get_json_force_ignores_content_type(app: App) -> None:
    with app.test_request_context("/", method="POST", data='{"a": 1}', content_type="text/plain"):
        assert request.get_json(force=True) == {"a": 1}


def test_get_json_cache(app: App) -> None:
    with app.test_request_context("/", method="POST", json={"a": 1}):
        first = request.get_json()
        assert request.get_json() is first
        assert request.json is first


def test_get_json_silent_on_wrong_content_type(app: App) -> None:
    with app.test_request_context("/", method="POST", data="x", content_type="text/plain"):
        assert request.get_json(silent=True) is None


def test_on_json_loading_failed_message(app: App) -> None:
    with (
        app.test_request_context("/", method="POST", data="{", content_type="application/json"),
        pytest.raises(BadRequest) as info,
    ):
        request.get_json()
    assert info.value.description is not None
    assert info.value.description.startswith("The request body is not valid JSON:")


def test_on_json_loading_failed_can_be_overridden(app: App, client: TestClient) -> None:
    class LenientRequest(Request):
        def on_json_loading_failed(self, e: ValueError | None) -> Any:
            return {"fallback": True}

    app.request_class = LenientRequest

    @app.route("/", methods=["POST"])
    def index() -> Any:
        return request.get_json()

    response = client.post("/", data="{", content_type="application/json")
    assert response.get_json() == {"fallback": True}


def test_request_args_parse_query_string(app: App) -> None:
    with app.test_request_context("/?a=1&a=2&b="):
        assert request.args.getlist("a") == ["1", "2"]
        assert request.args["b"] == ""


def test_response_json_uses_app_provider(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: {"b": 1, "a": 2})
    assert client.get("/").json == {"a": 2, "b": 1}


def test_location_header_is_not_made_absolute(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: Response(status=302, headers={"Location": "/next"}))
    assert client.get("/").headers["Location"] == "/next"


def test_a_204_carries_no_content_type(app: App) -> None:
    @app.route("/gone", methods=["DELETE"])
    def gone() -> tuple[str, int]:
        return "", 204

    @app.route("/made")
    def made() -> Response:
        return Response(status=204, mimetype="text/html")

    client = app.test_client()
    for response in (client.delete("/gone"), client.get("/made")):
        assert response.status_code == 204
        assert "Content-Type" not in response.headers
        assert response.data == b""


def test_a_typed_204_carries_no_content_type(app: App) -> None:
    from resourceful.resources import Resource

    class Things(Resource):
        def delete(self, thing_id: int) -> None:
            return None

    app.add_resource(Things, "/things/<int:thing_id>")
    response = app.test_client().delete("/things/1")
    assert response.status_code == 204
    assert "Content-Type" not in response.headers
    assert response.data == b""


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"CONTENT_LENGTH": "0"},
        {"CONTENT_LENGTH": "17"},
        {"CONTENT_LENGTH": " 17 "},
        {"CONTENT_LENGTH": "-3"},
        {"CONTENT_LENGTH": "+3"},
        {"CONTENT_LENGTH": "1_000"},
        {"CONTENT_LENGTH": "\u0661\u0662"},
        {"CONTENT_LENGTH": "12", "HTTP_TRANSFER_ENCODING": "chunked"},
        {"CONTENT_LENGTH": "12", "HTTP_TRANSFER_ENCODING": "gzip"},
        {"HTTP_TRANSFER_ENCODING": "chunked"},
    ],
)
def test_declared_length_is_werkzeugs_content_length(headers: dict[str, str]) -> None:
    from werkzeug.wsgi import get_content_length

    from resourceful.wrappers import declared_length

    environ: dict[str, Any] = dict(headers)

    assert declared_length(environ) == get_content_length(environ)


def _sent(response: WerkzeugResponse, environ: dict[str, Any]) -> tuple[bytes, str, Any]:
    app_iter, status, headers = response.get_wsgi_response(environ)
    return b"".join(app_iter), status, list(headers)


@pytest.mark.parametrize(
    "headers",
    [
        [("ETag", '"a"')],
        [("ETag", '"a"'), ("Cache-Control", "no-cache"), ("Vary", "Origin")],
        [("ETag", '"a"'), ("Content-Type", "text/html"), ("Last-Modified", "x")],
        [("Content-Location", "/caf\u00e9")],
    ],
)
def test_a_304_is_sent_as_werkzeug_sends_it(headers: list[tuple[str, str]]) -> None:
    environ = {"REQUEST_METHOD": "GET", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    ours = Response(status=304)
    theirs = WerkzeugResponse(status=304)
    for response in (ours, theirs):
        response.headers.clear()
        response.headers.extend(headers)
    assert _sent(ours, environ) == _sent(theirs, environ)


def test_a_304_without_representation_headers_goes_out_as_it_is() -> None:
    response = Response(status=304)
    response.headers.clear()
    response.headers["ETag"] = '"a"'
    app_iter, status, headers = response.get_wsgi_response({"REQUEST_METHOD": "GET"})
    assert (app_iter, status, headers) == ([], "304 NOT MODIFIED", [("ETag", '"a"')])
