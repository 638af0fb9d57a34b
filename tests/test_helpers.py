"""URL building with url_for (files and streaming are tested elsewhere)."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import BuildError

from resourceful import App, url_for
from resourceful.testing import TestClient


@pytest.fixture
def routed(app: App) -> App:
    app.add_url_rule("/", "index", lambda: "index")
    app.add_url_rule("/users/<int:id>", "user", lambda id: "user")
    app.add_url_rule("/items", "items_get", lambda: "get", methods=["GET"])
    app.add_url_rule("/items/new", "items_post", lambda: "post", methods=["POST"])
    return app


def test_url_for_builds_path_in_request(routed: App) -> None:
    with routed.test_request_context("/"):
        assert url_for("index") == "/"
        assert url_for("user", id=3) == "/users/3"


def test_url_for_unknown_values_become_query_arguments(routed: App) -> None:
    with routed.test_request_context("/"):
        assert url_for("user", id=3, tab="posts", q="a b") == "/users/3?tab=posts&q=a+b"


def test_url_for_external(routed: App) -> None:
    with routed.test_request_context("/", base_url="https://example.test:8443"):
        assert url_for("user", id=1, _external=True) == "https://example.test:8443/users/1"


def test_url_for_scheme_implies_external(routed: App) -> None:
    with routed.test_request_context("/"):
        assert url_for("index", _scheme="https") == "https://localhost/"


def test_url_for_scheme_without_external_raises(routed: App) -> None:
    with routed.test_request_context("/"), pytest.raises(ValueError, match="_scheme"):
        url_for("index", _scheme="https", _external=False)


def test_url_for_anchor_is_quoted(routed: App) -> None:
    with routed.test_request_context("/"):
        assert url_for("user", id=1, _anchor="sec 2") == "/users/1#sec%202"
        assert url_for("index", _anchor="a/b?c") == "/#a/b?c"


def test_url_for_method_picks_rule(app: App) -> None:
    app.add_url_rule("/read", "thing", lambda: "r", methods=["GET"])
    app.add_url_rule("/write", "thing", methods=["POST"])
    with app.test_request_context("/"):
        assert url_for("thing", _method="GET") == "/read"
        assert url_for("thing", _method="POST") == "/write"


def test_url_for_applies_url_defaults(routed: App) -> None:
    @routed.url_defaults
    def default_id(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "user":
            values.setdefault("id", 99)

    with routed.test_request_context("/"):
        assert url_for("user") == "/users/99"
        assert url_for("user", id=1) == "/users/1"


def test_url_for_in_app_context_needs_server_name(routed: App) -> None:
    with routed.app_context(), pytest.raises(RuntimeError) as info:
        url_for("index")
    message = str(info.value)
    assert "Cannot build a URL for 'index' outside a request" in message
    assert "Set SERVER_NAME" in message


def test_url_for_in_app_context_with_server_name_is_external(routed: App) -> None:
    routed.config.update(
        SERVER_NAME="example.test", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )
    with routed.app_context():
        assert url_for("user", id=5) == "https://example.test/app/users/5"
        assert url_for("user", id=5, _external=False) == "/app/users/5"


def test_url_for_outside_any_context_raises() -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        url_for("index")


def test_url_for_missing_value_names_it(routed: App) -> None:
    with routed.test_request_context("/"), pytest.raises(BuildError) as info:
        url_for("user")
    message = str(info.value)
    assert "Could not build url for endpoint 'user'" in message
    assert "Did you forget to specify values ['id']?" in message


def test_url_for_unknown_endpoint_suggests_close_one(routed: App) -> None:
    with routed.test_request_context("/"), pytest.raises(BuildError) as info:
        url_for("usr")
    assert "Did you mean 'user' instead?" in str(info.value)


def test_url_build_error_handlers_may_supply_a_url(routed: App) -> None:
    seen: list[Any] = []

    def fallback(error: Exception, endpoint: str, values: dict[str, Any]) -> str | None:
        seen.append((endpoint, values.get("_external")))
        return "/fallback" if endpoint == "external_site" else None

    routed.url_build_error_handlers.append(fallback)
    with routed.test_request_context("/"):
        assert url_for("external_site") == "/fallback"
        with pytest.raises(BuildError):
            url_for("really_missing")
    assert seen == [("external_site", False), ("really_missing", False)]


def test_handle_url_build_error_can_be_overridden() -> None:
    class LenientApp(App):
        def handle_url_build_error(
            self, error: BuildError, endpoint: str, values: dict[str, Any]
        ) -> str:
            return f"/missing/{endpoint}"

    app = LenientApp("lenient", root_path="/x")
    with app.test_request_context("/"):
        assert url_for("nowhere") == "/missing/nowhere"


def test_url_for_with_url_quotes_values(routed: App) -> None:
    routed.add_url_rule("/tags/<name>", "tag", lambda name: name)
    with routed.test_request_context("/"):
        assert url_for("tag", name="a b?c#d") == "/tags/a%20b%3Fc%23d"


def test_url_for_inside_view(routed: App, client: TestClient) -> None:
    routed.add_url_rule("/link", "link", lambda: url_for("user", id=7, _external=True))
    assert client.get("/link").data == b"http://localhost/users/7"


def test_app_url_for_method_matches_helper(routed: App) -> None:
    with routed.test_request_context("/"):
        assert routed.url_for("user", id=2) == url_for("user", id=2)
