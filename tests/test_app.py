"""The application object: construction, identity, paths and collaborators."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from resourceful import App, Request, Response, request
from resourceful.testing import TestClient


def test_app_is_a_wsgi_callable(app: App) -> None:
    app.add_url_rule("/", "index", lambda: "wsgi")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    started: list[Any] = []
    body = b"".join(app(environ, lambda status, headers: started.append(status)))
    assert started == ["200 OK"]
    assert body == b"wsgi"


def test_name_is_import_name(app: App) -> None:
    assert App("my.package", root_path="/x").name == "my.package"


def test_name_of_an_app_in_main_is_the_script_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys.modules["__main__"], "__file__", "/srv/site/serve.py", raising=False)
    assert App("__main__", root_path="/x").name == "serve"


def test_got_first_request_turns_true_when_serving_starts(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: "ok")
    assert app.got_first_request is False
    client.get("/")
    assert app.got_first_request is True


def test_repr_names_app() -> None:
    assert repr(App("shop", root_path="/x")) == "<App 'shop'>"


def test_root_path_defaults_to_module_folder() -> None:
    app = App(__name__)
    assert app.root_path == os.path.dirname(os.path.abspath(__file__))


def test_instance_path_defaults_beside_module() -> None:
    app = App(__name__)
    assert app.instance_path == os.path.join(app.root_path, "instance")


def test_relative_instance_path_raises_with_fix() -> None:
    with pytest.raises(ValueError, match="instance_path must be absolute; got 'inst'"):
        App("x", root_path="/x", instance_path="inst")


def test_open_instance_resource(tmp_path: Path) -> None:
    app = App("x", root_path="/x", instance_path=str(tmp_path))
    with app.open_instance_resource("data.txt", "w") as fh:
        fh.write("stored")
    with app.open_instance_resource("data.txt", "r") as fh:
        assert fh.read() == "stored"
    with app.open_instance_resource("data.txt") as fh:
        assert fh.read() == b"stored"


def test_static_route_registered_by_default(app: App) -> None:
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert rules["static"] == "/static/<path:filename>"


def test_static_url_path_option(app: App) -> None:
    custom = App("x", root_path="/x", static_url_path="/assets")
    rules = {rule.endpoint: rule.rule for rule in custom.url_map.iter_rules()}
    assert rules["static"] == "/assets/<path:filename>"


def test_no_static_folder_means_no_static_route() -> None:
    app = App("x", root_path="/x", static_folder=None)
    assert [rule.endpoint for rule in app.url_map.iter_rules()] == []


def test_request_and_response_classes_are_replaceable(app: App, client: TestClient) -> None:
    class MyRequest(Request):
        @property
        def shout(self) -> str:
            return self.path.upper()

    class MyResponse(Response):
        default_mimetype = "text/plain"

    app.request_class = MyRequest
    app.response_class = MyResponse
    app.add_url_rule("/hey", "hey", lambda: request.shout)  # type: ignore[attr-defined]
    response = client.get("/hey")
    assert response.data == b"/HEY"
    assert response.mimetype == "text/plain"


def test_extensions_dict_for_extension_state(app: App) -> None:
    app.extensions["thing"] = object()
    assert "thing" in app.extensions


def test_debug_property_reflects_config(app: App) -> None:
    app.config["DEBUG"] = 1
    assert app.debug is True
    app.debug = False
    assert app.config["DEBUG"] is False


def test_create_url_adapter_without_request_needs_server_name(app: App) -> None:
    assert app.create_url_adapter(None) is None
    app.config["SERVER_NAME"] = "example.test"
    adapter = app.create_url_adapter(None)
    assert adapter is not None
    assert adapter.server_name == "example.test"


def test_make_default_options_response_lists_methods(app: App) -> None:
    app.add_url_rule("/", "index", lambda: "x", methods=["GET", "POST"])
    with app.test_request_context("/", method="OPTIONS"):
        response = app.make_default_options_response()
    assert set(response.allow) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_inject_url_defaults_runs_app_functions(app: App) -> None:
    app.url_defaults(lambda endpoint, values: values.setdefault("lang", "en"))
    values: dict[str, Any] = {}
    app.inject_url_defaults("anything", values)
    assert values == {"lang": "en"}


def test_app_run_inside_cli_does_nothing(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOURCEFUL_RUN_FROM_CLI", "true")
    app.run()  # would block if it started a server


def test_app_run_passes_defaults_to_run_simple(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    import werkzeug.serving

    monkeypatch.setattr(
        werkzeug.serving, "run_simple", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    monkeypatch.delenv("RESOURCEFUL_RUN_FROM_CLI", raising=False)
    app.run(load_dotenv=False)
    [(args, kwargs)] = calls
    assert args[:2] == ("127.0.0.1", 5000)
    assert args[2] is app
    assert kwargs["use_reloader"] is False
    assert kwargs["use_debugger"] is False
    assert kwargs["threaded"] is True


def test_app_run_uses_server_name_port_and_debug(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    import werkzeug.serving

    monkeypatch.setattr(
        werkzeug.serving, "run_simple", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    monkeypatch.delenv("RESOURCEFUL_RUN_FROM_CLI", raising=False)
    app.config["SERVER_NAME"] = "localhost:8123"
    app.run(debug=True, load_dotenv=False, use_reloader=False)
    [(args, kwargs)] = calls
    assert args[:2] == ("localhost", 8123)
    assert app.debug is True
    assert kwargs["use_debugger"] is True
    assert kwargs["use_reloader"] is False
