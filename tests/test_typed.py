"""What the typed layer's glue gives an app with resources: its defaults and answers."""

from __future__ import annotations

import attrs
import pytest

from resourceful import App, Blueprint
from resourceful.config import API_MAX_CONTENT_LENGTH
from resourceful.resources import Resource
from resourceful.typed import static_prefix


@attrs.frozen
class Thing:
    id: int


class Things(Resource):
    def get(self, thing_id: int) -> Thing:
        return Thing(thing_id)

    def delete(self, thing_id: int) -> None:
        return None


def test_an_app_with_resources_limits_bodies_to_16_mib() -> None:
    assert API_MAX_CONTENT_LENGTH == 16 * 1024 * 1024
    app = App(__name__)
    assert app.config["MAX_CONTENT_LENGTH"] is None
    app.add_resource(Things, "/things/<int:thing_id>")
    assert app.config["MAX_CONTENT_LENGTH"] == API_MAX_CONTENT_LENGTH
    response = app.test_client().delete(
        "/things/1", data=b"x" * (API_MAX_CONTENT_LENGTH + 1), content_type="text/plain"
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["detail"] == (
        f"The request body is {API_MAX_CONTENT_LENGTH + 1} bytes; this server accepts at"
        f" most {API_MAX_CONTENT_LENGTH} (MAX_CONTENT_LENGTH)."
    )


def test_a_blueprint_of_resources_gives_the_app_the_limit_too() -> None:
    app = App(__name__)
    api = Blueprint("api", __name__)
    api.add_resource(Things, "/things/<int:thing_id>")
    app.register_blueprint(api)
    assert app.config["MAX_CONTENT_LENGTH"] == API_MAX_CONTENT_LENGTH


@pytest.mark.parametrize("value", [None, 1000, 64 * 1024 * 1024])
def test_a_configured_limit_is_kept_none_included(value: int | None) -> None:
    app = App(__name__)
    app.config.from_mapping(MAX_CONTENT_LENGTH=value)
    app.add_resource(Things, "/things/<int:thing_id>")
    assert app.config["MAX_CONTENT_LENGTH"] == value


def test_the_limit_can_be_lifted_after_registering() -> None:
    app = App(__name__)
    app.add_resource(Things, "/things/<int:thing_id>")
    app.config["MAX_CONTENT_LENGTH"] = None
    response = app.test_client().delete("/things/1", data=b"x" * 100, content_type="text/plain")
    assert response.status_code == 204


def test_a_plain_flask_style_app_keeps_no_limit() -> None:
    app = App(__name__)

    @app.route("/")
    def index() -> str:
        return "hi"

    assert app.config["MAX_CONTENT_LENGTH"] is None
    assert app.test_client().post("/", data=b"x" * 100).status_code == 405


@pytest.mark.parametrize(
    ("rule", "prefix"),
    [
        ("/todos/<int:todo_id>", "/todos"),
        ("/api/v1/books/<int:book_id>/pages/<int:page>", "/api/v1/books"),
        ("/<int:thing_id>", "/"),
        ("/files/x<name>", "/files"),
        ("/me", None),
        ("/books/", "/books"),
        ("/", None),
    ],
)
def test_a_rule_claims_its_start_before_the_first_variable(rule: str, prefix: str | None) -> None:
    assert static_prefix(rule) == prefix
