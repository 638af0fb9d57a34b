"""Behaviour Flask's extensions and ported apps rely on (issue 15).

Each test states one Flask behaviour that a Flask extension or a ported app
depends on. Those marked ``xfail(strict=True)`` are gaps in modules being
restructured; the mark goes when the gap is fixed (strict: an unexpected pass
fails, so the mark cannot outlive the fix).
"""

from __future__ import annotations

import contextvars
import gc
import uuid
import weakref
from datetime import date
from typing import Any

import jinja2
import pytest

from resourceful import App, Blueprint, has_request_context, request, url_for
from resourceful.json.provider import DefaultJSONProvider


def make_app() -> App:
    app = App("parity", root_path="/nonexistent/parity")
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


CORE = "waits for the core rework"


def test_ensure_sync_passes_a_plain_function_through() -> None:
    app = make_app()

    def view() -> str:
        return "sync"

    assert app.ensure_sync(view) is view  # type: ignore[attr-defined]


def test_blueprint_rules_have_an_empty_defaults_dict() -> None:
    app = make_app()
    bp = Blueprint("pets", __name__)

    @bp.route("/pets/<int:pet_id>")
    def pet(pet_id: int) -> str:
        return str(pet_id)

    app.register_blueprint(bp)
    (rule,) = [r for r in app.url_map.iter_rules() if r.endpoint == "pets.pet"]
    assert rule.defaults == {}


def test_after_request_function_appended_during_a_request_runs_for_it() -> None:
    app = make_app()

    def mark(response: Any) -> Any:
        response.headers["X-Added-Late"] = "yes"
        return response

    @app.route("/")
    def index() -> str:
        if mark not in app.after_request_funcs.setdefault(None, []):
            app.after_request_funcs[None].append(mark)
        return "ok"

    client = app.test_client()
    assert client.get("/").headers.get("X-Added-Late") == "yes"


def test_before_request_function_added_after_the_first_request_runs() -> None:
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "view"

    client = app.test_client()
    assert client.get("/").text == "view"
    app.before_request_funcs.setdefault(None, []).append(lambda: "hook")
    assert client.get("/").text == "hook"


def test_default_json_provider_default_is_callable_on_the_class() -> None:
    value = uuid.UUID(int=1)
    assert DefaultJSONProvider.default(value) == str(value)
    assert DefaultJSONProvider.default(date(2024, 5, 1)) == "Wed, 01 May 2024 00:00:00 GMT"


def test_default_context_processor_is_first_in_the_app_scope() -> None:
    app = make_app()
    processors = app.template_context_processors[None]
    assert processors
    with app.test_request_context("/"):
        names = processors[0]()
    assert {"request", "session", "g"} <= set(names)


def test_view_raising_inside_with_client_leaves_no_request_context() -> None:
    app = make_app()

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    def run() -> bool:
        with app.test_client() as client, pytest.raises(RuntimeError, match="boom"):
            client.get("/boom")
        return has_request_context()

    # A copy of the context: whatever leaks stays in it, not in the next tests.
    assert contextvars.copy_context().run(run) is False


def _app_is_freed(use: Any) -> bool:
    app = make_app()

    @app.route("/")
    def index() -> str:
        return "ok"

    use(app)
    ref = weakref.ref(app)
    del app
    gc.collect()
    return ref() is None


def _with_client(app: App) -> None:
    with app.test_client() as client:
        client.get("/")


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda app: None, id="no request"),
        pytest.param(lambda app: app.test_client().get("/"), id="after a request"),
        pytest.param(lambda app: app.test_client().get("/missing"), id="after a 404"),
        pytest.param(_with_client, id="with a test client"),
        pytest.param(lambda app: (app.jinja_env, app.cli, app.url_map), id="lazy parts built"),
    ],
)
@pytest.mark.slow
def test_dropped_app_is_freed(use: Any) -> None:
    # App factories in test suites create an app per test: each must be freed.
    assert _app_is_freed(use)


def test_url_for_builds_a_rule_variable_named_self() -> None:
    app = make_app()

    @app.route("/users/<self>")
    def user(**values: str) -> str:
        return values["self"]

    with app.test_request_context("/"):
        assert url_for("user", self="ada") == "/users/ada"


def test_jinja_environment_class_attribute_builds_jinja_env() -> None:
    from resourceful.templating import Environment

    class MyEnvironment(Environment):
        pass

    class MyApp(App):
        jinja_environment = MyEnvironment

    app = MyApp("parity", root_path="/nonexistent/parity")
    assert type(app.jinja_env) is MyEnvironment
    assert isinstance(app.jinja_env, jinja2.Environment)


def test_debug_400_for_a_missing_form_key_names_the_key() -> None:
    app = make_app()
    app.config.update(TESTING=False, DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)

    @app.post("/")
    def index() -> str:
        return request.form["headline"]

    response = app.test_client().post("/", data={"other": "x"})
    assert response.status_code == 400
    assert "KeyError: &#39;headline&#39;" in response.text


def test_debug_trapped_missing_form_key_error_names_the_key() -> None:
    from werkzeug.exceptions import BadRequestKeyError

    app = make_app()
    app.config.update(TESTING=False, DEBUG=True)

    @app.post("/")
    def index() -> str:
        return request.form["headline"]

    with pytest.raises(BadRequestKeyError) as info:
        app.test_client().post("/", data={"other": "x"})
    assert "KeyError: 'headline'" in str(info.value)


def test_400_for_a_missing_form_key_outside_debug_does_not_name_the_key() -> None:
    app = make_app()
    app.config.update(TESTING=False, DEBUG=False)

    @app.post("/")
    def index() -> str:
        return request.form["headline"]

    response = app.test_client().post("/", data={"other": "x"})
    assert response.status_code == 400
    assert "headline" not in response.text
