"""HTTP errors across an API are problem+json; plain Flask-style apps keep their HTML pages.

An unknown URL under a resource blueprint or an API prefix, a 405, a declared
body over ``MAX_CONTENT_LENGTH``, a path that cannot be decoded: each answered
as every other error of the API, with RFC 9457 problem details.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from resourceful import App, Blueprint, abort
from resourceful.resources import Resource
from resourceful.testing import TestClient

PROBLEM = "application/problem+json"
HTML = "text/html; charset=utf-8"


@attrs.frozen
class Book:
    id: int
    title: str


class Books(Resource):
    def list(self) -> list[Book]:
        return [Book(1, "One")]

    def create(self, body: Book) -> Book:
        return body

    def get(self, book_id: int) -> Book:
        return Book(book_id, "One")

    def delete(self, book_id: int) -> None:
        return None


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == PROBLEM
    data = response.get_json()
    assert data["status"] == status
    assert data["type"] == "about:blank"
    return dict(data)


def _html(response: Any, status: int) -> str:
    assert response.status_code == status
    assert response.headers["Content-Type"] == HTML
    text = response.get_data(as_text=True)
    assert text.startswith("<!doctype html>")
    return str(text)


def _api_app(**blueprint_options: Any) -> App:
    app = App(__name__)
    api = Blueprint("api", __name__, url_prefix="/api", **blueprint_options)
    api.add_resource(Books, "/books/<int:book_id>")

    @api.route("/ping")
    def ping() -> str:
        abort(404)

    app.register_blueprint(api)

    @app.route("/page")
    def page() -> str:
        abort(404)

    return app


@pytest.fixture
def api_client() -> TestClient:
    return _api_app().test_client()


def test_an_unknown_url_under_a_resource_blueprint_is_a_problem(api_client: TestClient) -> None:
    data = _problem(api_client.get("/api/no/such/thing"), 404)
    assert data["title"] == "Not Found"
    assert data["detail"].startswith("The requested URL was not found on the server.")


def test_the_blueprint_prefix_itself_is_the_apis(api_client: TestClient) -> None:
    _problem(api_client.get("/api"), 404)
    _html(api_client.get("/apiary"), 404)


def test_a_value_the_converter_refuses_is_a_problem(api_client: TestClient) -> None:
    _problem(api_client.get("/api/books/not-a-number"), 404)


def test_an_unknown_url_outside_the_api_keeps_the_html_page(api_client: TestClient) -> None:
    _html(api_client.get("/no/such/page"), 404)
    _html(api_client.get("/page"), 404)


def test_a_plain_view_of_a_resource_blueprint_answers_errors_as_problems(
    api_client: TestClient,
) -> None:
    _problem(api_client.get("/api/ping"), 404)


def test_a_wrong_method_is_a_problem_with_a_sorted_allow(api_client: TestClient) -> None:
    response = api_client.post("/api/books/1")
    data = _problem(response, 405)
    assert data["title"] == "Method Not Allowed"
    assert response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"


def test_a_declared_body_over_the_limit_is_a_problem(api_client: TestClient) -> None:
    api_client.application.config["MAX_CONTENT_LENGTH"] = 100
    response = api_client.post("/api/books/", data=b" " * 5000, content_type="application/json")
    data = _problem(response, 413)
    assert data["detail"] == (
        "The request body is 5000 bytes; this server accepts at most 100 (MAX_CONTENT_LENGTH)."
    )


def test_a_path_that_is_not_utf8_is_a_problem_under_the_api(api_client: TestClient) -> None:
    # What a server puts in PATH_INFO for /api/%FF: the byte, read as latin-1.
    data = _problem(api_client.get("/api/x", environ_overrides={"PATH_INFO": "/api/\xff"}), 400)
    assert data["detail"] == "The request path is not valid UTF-8 once percent-decoded."
    _html(api_client.get("/x", environ_overrides={"PATH_INFO": "/\xff"}), 400)


def test_a_plain_flask_style_app_keeps_its_html_pages() -> None:
    app = App(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/items", methods=["GET"])
    def items() -> str:
        return "items"

    client = app.test_client()
    _html(client.get("/nothing"), 404)
    assert "Allow" in client.post("/items").headers
    _html(client.post("/items"), 405)
    _html(client.get("/items", data=b"x" * 20), 413)
    _html(client.get("/x", environ_overrides={"PATH_INFO": "/\xff"}), 400)


def test_problem_errors_false_leaves_the_prefix_to_the_app() -> None:
    client = _api_app(problem_errors=False).test_client()
    _html(client.get("/api/no/such/thing"), 404)
    _html(client.get("/api/ping"), 404)
    # A resource's own URLs stay the API's.
    _problem(client.post("/api/books/1"), 405)
    _problem(client.get("/api/books/not-a-number"), 404)


def test_problem_errors_true_makes_a_blueprint_without_resources_the_apis() -> None:
    app = App(__name__)
    hooks = Blueprint("hooks", __name__, url_prefix="/hooks", problem_errors=True)

    @hooks.route("/github")
    def github() -> str:
        abort(403)

    app.register_blueprint(hooks)
    client = app.test_client()
    _problem(client.get("/hooks/github"), 403)
    _problem(client.get("/hooks/gitlab"), 404)
    _html(client.get("/elsewhere"), 404)


def test_a_registration_can_say_otherwise_than_its_blueprint() -> None:
    app = App(__name__)
    api = Blueprint("api", __name__)
    api.add_resource(Books, "/books/<int:book_id>")
    app.register_blueprint(api, url_prefix="/v1")
    app.register_blueprint(api, url_prefix="/v2", name="api2", problem_errors=False)
    client = app.test_client()
    _problem(client.get("/v1/nothing"), 404)
    _html(client.get("/v2/nothing"), 404)


def test_a_nested_blueprint_inherits_from_its_parent() -> None:
    app = App(__name__)
    parent = Blueprint("parent", __name__, url_prefix="/api", problem_errors=True)
    child = Blueprint("child", __name__, url_prefix="/child")

    @child.route("/here")
    def here() -> str:
        abort(409)

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = app.test_client()
    _problem(client.get("/api/child/here"), 409)
    _problem(client.get("/api/child/nothing"), 404)


def test_an_app_prefix_makes_its_urls_the_apis() -> None:
    app = App(__name__)
    app.config["PROBLEM_ERROR_PREFIXES"] = ["/api/"]

    @app.route("/api/status")
    def status() -> str:
        abort(503)

    client = app.test_client()
    _problem(client.get("/api/status"), 503)
    _problem(client.get("/api/unknown"), 404)
    _html(client.get("/apiary"), 404)


def test_a_prefix_that_is_not_a_path_is_refused() -> None:
    app = App(__name__)
    app.config["PROBLEM_ERROR_PREFIXES"] = ["api"]
    app.testing = True
    with pytest.raises(ValueError, match=r"PROBLEM_ERROR_PREFIXES: 'api' is not a URL path"):
        app.test_client().get("/")


def test_problem_errors_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match=r"problem_errors must be True, False or None, got 'y'"):
        Blueprint("api", __name__, problem_errors="y")  # type: ignore[arg-type]


def test_a_user_error_handler_still_wins(api_client: TestClient) -> None:
    app = api_client.application

    @app.errorhandler(404)
    def missing(error: Exception) -> tuple[str, int]:
        return "mine", 404

    response = api_client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "mine"


def test_resources_on_the_app_claim_their_static_prefix() -> None:
    app = App(__name__)
    app.add_resource(Books, "/books/<int:book_id>")
    client = app.test_client()
    _problem(client.get("/books/abc"), 404)
    _problem(client.get("/books/1/more"), 404)
    _html(client.get("/other"), 404)


def test_a_collection_rule_owns_the_urls_under_it() -> None:
    class Shelf(Resource):
        def list(self) -> list[Book]:
            return []

    app = App(__name__)
    app.add_resource(Shelf, "/shelf/")
    client = app.test_client()
    _problem(client.get("/shelf/unknown"), 404)
    _html(client.get("/shelves"), 404)


def test_an_unhandled_exception_in_the_api_is_a_500_problem(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(Resource):
        def get(self, broken_id: int) -> Book:
            raise ValueError("the database went away")

    app = _api_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_resource(Broken, "/broken/<int:broken_id>")

    @app.route("/broken-page")
    def broken_page() -> str:
        raise ValueError("so did this")

    client = app.test_client()
    data = _problem(client.get("/broken/1"), 500)
    assert data["title"] == "Internal Server Error"
    # The client learns nothing of the exception; the log has it.
    assert "database" not in data["detail"]
    assert "the database went away" in caplog.text
    _html(client.get("/broken-page"), 500)
