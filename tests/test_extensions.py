"""The extension points: the core calls what is plugged in, at the stated steps."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import HTTPException, NotFound

from resourceful import App, Blueprint, Resource
from resourceful import extensions as extension_points
from resourceful.errors import DefinitionError, RouteConflictError
from resourceful.extensions import AppExtension, installed, plug_in
from resourceful.typed import TypedExtension


class Recorder(AppExtension):
    key = "tests.recorder"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.calls: list[str] = []

    def prepare(self) -> None:
        self.calls.append("prepare")

    def render_http_error(self, error: HTTPException) -> Any:
        self.calls.append(f"render {error.code}")
        if isinstance(error, NotFound):
            return "rendered by the extension", 404
        return None


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plug :class:`Recorder` in for this test only."""
    monkeypatch.setattr(extension_points, "_plugged", extension_points._plugged)
    plug_in(Recorder)


def test_the_typed_layer_is_plugged_in_and_keeps_its_record_in_app_extensions(app: App) -> None:
    record = installed(app).records
    assert [type(r) for r in record] == [TypedExtension]
    assert app.extensions["resourceful.typed"] is record[0]
    assert installed(app) is installed(app)


def test_plugging_a_class_in_twice_installs_it_once(recorder: None) -> None:
    plug_in(Recorder)
    assert extension_points._plugged.count(Recorder) == 1


def test_first_request_calls_prepare_once(recorder: None, app: App) -> None:
    app.add_url_rule("/", "index", lambda: "hi")
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert app.extensions["tests.recorder"].calls == ["prepare"]


def test_an_http_error_without_a_handler_is_offered_to_the_extensions(
    recorder: None, app: App
) -> None:
    response = app.test_client().get("/missing")
    assert (response.status_code, response.text) == (404, "rendered by the extension")


def test_an_extension_that_declines_leaves_the_error_to_the_core(recorder: None, app: App) -> None:
    app.add_url_rule("/", "index", lambda: "hi")
    response = app.test_client().post("/")
    assert response.status_code == 405
    assert "Method Not Allowed" in response.text
    assert app.extensions["tests.recorder"].calls == ["prepare", "render 405"]


def test_a_user_error_handler_comes_before_the_extensions(recorder: None, app: App) -> None:
    app.register_error_handler(404, lambda e: ("mine", 404))
    assert app.test_client().get("/missing").text == "mine"
    assert app.extensions["tests.recorder"].calls == ["prepare"]


def test_openapi_without_an_extension_that_builds_one_says_so(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extension_points, "_plugged", ())
    with pytest.raises(RuntimeError) as info:
        app.openapi()
    assert str(info.value) == (
        "No extension plugged into 'test_app' builds an OpenAPI document; the typed layer"
        " does, and importing resourceful plugs it in."
    )


def test_add_resource_without_a_registrar_says_so(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extension_points, "_registrar", None)

    class Thing(Resource):
        def get(self) -> int:
            return 1

    with pytest.raises(RuntimeError, match=r"^add_resource\(\) needs the typed layer"):
        app.add_resource(Thing, "/thing")


def test_add_resource_on_a_blueprint_finishes_at_each_registration(app: App) -> None:
    seen: list[App] = []

    def registrar(scaffold: Any, resource: Any, rule: Any, options: dict[str, Any]) -> Any:
        scaffold.add_url_rule(rule, "thing", lambda: "thing")
        return seen.append

    blueprint = Blueprint("bp", __name__)
    original = extension_points._registrar
    extension_points._registrar = registrar
    try:
        blueprint.add_resource(object, "/thing")
    finally:
        extension_points._registrar = original
    assert seen == []
    app.register_blueprint(blueprint)
    app.register_blueprint(blueprint, name="again", url_prefix="/again")
    assert seen == [app, app]
    assert app.test_client().get("/again/thing").text == "thing"


# -- one kind of route conflict ------------------------------------------------------------------


def test_a_taken_endpoint_is_a_route_conflict_a_value_error_and_a_definition_error(
    app: App,
) -> None:
    app.add_url_rule("/a", "same", lambda: "a")
    with pytest.raises(RouteConflictError) as info:
        app.add_url_rule("/b", "same", lambda: "b")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, DefinitionError)


def test_a_taken_rule_and_method_is_the_same_kind_of_error(app: App) -> None:
    app.add_url_rule("/thing", "plain", lambda: "plain")

    class Thing(Resource):
        def get(self) -> int:
            return 1

    with pytest.raises(RouteConflictError) as info:
        app.add_resource(Thing, "/thing")
    assert isinstance(info.value, ValueError)
    assert str(info.value) == (
        "Thing registers GET /thing (endpoint 'thing'), which endpoint 'plain' already serves."
        " Two operations cannot share a rule and method: change one of the rules."
    )
