from __future__ import annotations

import json

import pytest

from resourceful import App, Resource
from resourceful.openapi import ui
from resourceful.openapi.ui import register_docs


class Ping(Resource):
    """A resource, so the app has operations to document."""

    def get(self) -> None:
        return None


@pytest.fixture
def app(app: App) -> App:
    """The testing app with one typed resource."""
    app.add_resource(Ping, "/ping")
    return app


@pytest.fixture
def docs_app(app: App) -> App:
    app.config["OPENAPI_TITLE"] = "Todo <API>"
    register_docs(app)
    return app


def test_document_is_served_as_json(docs_app: App) -> None:
    response = docs_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == docs_app.openapi()
    assert response.json["info"]["title"] == "Todo <API>"


def test_docs_page_loads_swagger_ui_from_the_app_not_a_cdn(docs_app: App) -> None:
    response = docs_app.test_client().get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<script src="/docs/swagger-ui-bundle.js"></script>' in page
    assert '<link rel="stylesheet" href="/docs/swagger-ui.css">' in page
    assert '"url": "/openapi.json"' in page
    assert "http://" not in page and "https://" not in page


def test_docs_page_turns_off_the_online_validator(docs_app: App) -> None:
    page = docs_app.test_client().get("/docs").get_data(as_text=True)
    assert '"validatorUrl": null' in page


def test_docs_page_escapes_the_title(docs_app: App) -> None:
    page = docs_app.test_client().get("/docs").get_data(as_text=True)
    assert "<title>Todo &lt;API&gt; - API docs</title>" in page


def test_docs_page_title_defaults_to_the_app_name(app: App) -> None:
    register_docs(app)
    page = app.test_client().get("/docs").get_data(as_text=True)
    assert "<title>test_app - API docs</title>" in page


@pytest.mark.parametrize(
    ("filename", "mimetype"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ],
)
def test_docs_assets_come_from_the_installed_package(
    docs_app: App, filename: str, mimetype: str
) -> None:
    response = docs_app.test_client().get(f"/docs/{filename}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    folder = ui.asset_folder()
    assert folder is not None
    with open(f"{folder}/{filename}", "rb") as file:
        assert response.data == file.read()
    response.close()


def test_swagger_ui_bundle_supports_openapi_3_1(docs_app: App) -> None:
    response = docs_app.test_client().get("/docs/swagger-ui-bundle.js")
    assert b"isOAS31" in response.data
    response.close()


def test_other_files_of_the_package_are_not_served(docs_app: App) -> None:
    client = docs_app.test_client()
    assert client.get("/docs/swagger-editor-bundle.js").status_code == 404
    assert client.get("/docs/LICENSE").status_code == 404
    assert client.get("/docs/..%2F__init__.py").status_code == 404


def test_paths_are_configurable(app: App) -> None:
    app.config.update(OPENAPI_URL="/api/spec.json", DOCS_URL="/api/docs/")
    register_docs(app)
    client = app.test_client()
    assert client.get("/api/spec.json").status_code == 200
    page = client.get("/api/docs/").get_data(as_text=True)
    assert '"url": "/api/spec.json"' in page
    assert 'src="/api/docs/swagger-ui-bundle.js"' in page
    response = client.get("/api/docs/swagger-ui.css")
    assert response.status_code == 200
    response.close()
    assert client.get("/openapi.json").status_code == 404


def test_docs_page_can_be_turned_off(app: App) -> None:
    app.config["DOCS_URL"] = None
    register_docs(app)
    client = app.test_client()
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_every_document_route_can_be_turned_off(app: App) -> None:
    app.config.update(OPENAPI_URL=None, OPENAPI_30_URL=None, DOCS_URL=None)
    register_docs(app)
    assert [rule.endpoint for rule in app.url_map.iter_rules()] == ["static", "ping"]


def test_docs_without_the_document_is_an_error(app: App) -> None:
    app.config["OPENAPI_URL"] = None
    with pytest.raises(ValueError) as info:
        register_docs(app)
    assert str(info.value) == (
        "DOCS_URL is '/docs' but OPENAPI_URL is None: the docs page loads the document from"
        " OPENAPI_URL. Set OPENAPI_URL (for example '/openapi.json'), or set DOCS_URL = None to"
        " turn the docs page off too."
    )


def test_registering_twice_adds_the_routes_once(app: App) -> None:
    register_docs(app)
    register_docs(app)
    assert sorted(rule.rule for rule in app.url_map.iter_rules()) == [
        "/docs",
        "/docs/<filename>",
        "/openapi-3.0.json",
        "/openapi.json",
        "/ping",
        "/static/<path:filename>",
    ]


def test_docs_routes_are_not_in_the_document(docs_app: App) -> None:
    assert list(docs_app.openapi()["paths"]) == ["/ping"]


def test_docs_page_under_a_script_root_uses_prefixed_urls(docs_app: App) -> None:
    client = docs_app.test_client()
    page = client.get("/docs", environ_overrides={"SCRIPT_NAME": "/mounted"}).get_data(as_text=True)
    assert '"url": "/mounted/openapi.json"' in page
    assert 'src="/mounted/docs/swagger-ui-bundle.js"' in page


def test_missing_asset_package_gives_a_page_that_says_what_to_install(
    docs_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui, "asset_folder", lambda: None)
    response = docs_app.test_client().get("/docs")
    assert response.status_code == 501
    page = response.get_data(as_text=True)
    assert "<code>pip install swagger-ui-py</code>" in page
    assert '<a href="/openapi.json">/openapi.json</a>' in page
    assert docs_app.test_client().get("/docs/swagger-ui.css").status_code == 404


def test_plain_app_without_resources_gets_no_docs_routes() -> None:
    plain = App("plain", root_path="/nonexistent/plain")
    plain.add_url_rule("/", "index", lambda: "hi")
    client = plain.test_client()
    assert client.get("/").text == "hi"
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 404


def test_docs_are_served_from_the_first_request_without_explicit_registration(
    app: App,
) -> None:
    client = app.test_client()
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_docs_url_taken_by_a_user_rule_is_an_error_naming_the_setting(app: App) -> None:
    app.add_url_rule("/docs/", "my_docs", lambda: "mine")
    with pytest.raises(ValueError, match=r"DOCS_URL is '/docs', but the app already has the rule"):
        register_docs(app)


def test_the_30_document_is_served_beside_the_31_one(app: App) -> None:
    register_docs(app)
    client = app.test_client()
    response = client.get("/openapi-3.0.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.0.3"
    assert document == app.openapi("3.0")
    assert client.get("/openapi.json").get_json()["openapi"].startswith("3.1")


def test_the_30_route_follows_its_setting(app: App) -> None:
    app.config.update(OPENAPI_30_URL="/v3/openapi.json")
    register_docs(app)
    assert app.test_client().get("/v3/openapi.json").get_json()["openapi"] == "3.0.3"
    assert app.test_client().get("/openapi-3.0.json").status_code == 404
