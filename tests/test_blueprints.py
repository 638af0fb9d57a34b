"""Blueprints: registration, names, prefixes, subdomains, scoped hooks and handlers."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import NotFound

from resourceful import App, Blueprint, BlueprintSetupState, request, url_for
from resourceful.resources import Resource
from resourceful.templating import render_template_string


def _bp_with_index(name: str = "bp", **kwargs: Any) -> Blueprint:
    bp = Blueprint(name, __name__, **kwargs)

    @bp.route("/")
    def index() -> str:
        return f"{request.endpoint} {request.blueprint}"

    return bp


# -- names and prefixes ------------------------------------------------------------------


def test_endpoints_are_prefixed_with_the_blueprint_name(app: App) -> None:
    app.register_blueprint(_bp_with_index("admin"), url_prefix="/admin")

    assert "admin.index" in app.view_functions
    assert app.test_client().get("/admin/").text == "admin.index admin"


def test_url_prefix_of_the_blueprint_is_used_when_registration_gives_none(app: App) -> None:
    app.register_blueprint(_bp_with_index(url_prefix="/own"))

    assert app.test_client().get("/own/").status_code == 200


def test_registration_url_prefix_overrides_the_blueprints(app: App) -> None:
    app.register_blueprint(_bp_with_index(url_prefix="/own"), url_prefix="/other")
    client = app.test_client()

    assert client.get("/other/").status_code == 200
    assert client.get("/own/").status_code == 404


def test_empty_rule_maps_to_the_prefix_itself(app: App) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("", "root", lambda: "root")
    app.register_blueprint(bp)

    assert app.test_client().get("/bp").text == "root"


def test_url_defaults_of_blueprint_and_registration_fill_view_arguments(app: App) -> None:
    bp = Blueprint("bp", __name__, url_defaults={"lang": "en", "page": 1})

    @bp.route("/page")
    def page(lang: str, page: int) -> str:
        return f"{lang} {page}"

    app.register_blueprint(bp, url_defaults={"page": 2})

    assert app.test_client().get("/page").text == "en 2"


def test_registration_subdomain_applies_to_every_rule(app: App) -> None:
    app.config["SERVER_NAME"] = "example.test"
    app.subdomain_matching = True
    app.register_blueprint(_bp_with_index(), subdomain="api")
    client = app.test_client()

    assert client.get("/", "http://api.example.test/").text == "bp.index bp"
    with app.app_context():
        assert url_for("bp.index") == "http://api.example.test/"


def test_blueprint_name_with_a_dot_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'a\.b' contains a dot.*Use another character"):
        Blueprint("a.b", __name__)


def test_registration_name_with_a_dot_is_refused(app: App) -> None:
    with pytest.raises(ValueError, match=r"registration name 'x\.y' must not contain a dot"):
        app.register_blueprint(_bp_with_index(), name="x.y")


def test_endpoint_with_a_dot_is_refused() -> None:
    bp = Blueprint("bp", __name__)

    with pytest.raises(ValueError, match=r"Endpoint 'a\.b' must not contain a dot"):
        bp.add_url_rule("/", "a.b", lambda: "")


def test_two_blueprints_with_one_name_raise_an_error_naming_it(app: App) -> None:
    app.register_blueprint(_bp_with_index("shop"), url_prefix="/a")

    with pytest.raises(ValueError, match=r"The name 'shop' is already registered.*name="):
        app.register_blueprint(_bp_with_index("shop"), url_prefix="/b")


def test_same_blueprint_twice_under_one_name_raises(app: App) -> None:
    bp = _bp_with_index()
    app.register_blueprint(bp, url_prefix="/a")

    with pytest.raises(ValueError, match="this blueprint is registered under it"):
        app.register_blueprint(bp, url_prefix="/b")


def test_blueprint_registered_twice_under_different_names(app: App) -> None:
    bp = _bp_with_index("pages")
    calls: list[str | None] = []
    bp.before_request(lambda: calls.append(request.blueprint))
    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="pages2")
    client = app.test_client()

    assert client.get("/one/").text == "pages.index pages"
    assert client.get("/two/").text == "pages2.index pages2"
    assert calls == ["pages", "pages2"]
    assert app.blueprints == {"pages": bp, "pages2": bp}
    assert list(app.iter_blueprints()) == [bp, bp]


# -- nesting -------------------------------------------------------------------------------


def test_nested_blueprints_have_dotted_names_and_combined_prefixes(app: App) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = _bp_with_index("child", url_prefix="/child")
    grandchild = _bp_with_index("grandchild", url_prefix="/gc")
    child.register_blueprint(grandchild)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = app.test_client()

    assert client.get("/parent/child/").text == "parent.child.index parent.child"
    assert client.get("/parent/child/gc/").text == (
        "parent.child.grandchild.index parent.child.grandchild"
    )
    assert set(app.blueprints) == {"parent", "parent.child", "parent.child.grandchild"}


def test_child_without_prefix_uses_the_parents(app: App) -> None:
    parent = Blueprint("parent", __name__)
    parent.register_blueprint(_bp_with_index("child"))
    app.register_blueprint(parent, url_prefix="/p")

    assert app.test_client().get("/p/").text == "parent.child.index parent.child"


def test_nested_subdomains_combine_child_first(app: App) -> None:
    app.config["SERVER_NAME"] = "example.test"
    app.subdomain_matching = True
    parent = Blueprint("parent", __name__, subdomain="api")
    parent.register_blueprint(_bp_with_index("child"), subdomain="v1")
    app.register_blueprint(parent)

    response = app.test_client().get("/", "http://v1.api.example.test/")

    assert response.text == "parent.child.index parent.child"


def test_request_blueprints_lists_the_blueprint_and_its_parents(app: App) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @child.route("/")
    def index() -> dict[str, Any]:
        return {"blueprint": request.blueprint, "blueprints": request.blueprints}

    parent.register_blueprint(child)
    app.register_blueprint(parent)

    assert app.test_client().get("/").json == {
        "blueprint": "parent.child",
        "blueprints": ["parent.child", "parent"],
    }


def test_request_outside_blueprints_has_no_blueprint(app: App) -> None:
    app.add_url_rule("/", "index", lambda: f"{request.blueprint} {request.blueprints}")

    assert app.test_client().get("/").text == "None []"


def test_blueprint_cannot_be_nested_in_itself() -> None:
    bp = Blueprint("bp", __name__)

    with pytest.raises(ValueError, match="'bp' cannot be registered on itself"):
        bp.register_blueprint(bp)


# -- url_for -------------------------------------------------------------------------------


def test_url_for_with_a_leading_dot_is_relative_to_the_current_blueprint(app: App) -> None:
    for name, prefix in (("one", "/one"), ("two", "/two")):
        bp = Blueprint(name, __name__)
        bp.add_url_rule("/", "index", lambda: url_for(".other"))
        bp.add_url_rule("/other", "other", lambda: "")
        app.register_blueprint(bp, url_prefix=prefix)
    client = app.test_client()

    assert client.get("/one/").text == "/one/other"
    assert client.get("/two/").text == "/two/other"


def test_url_for_with_a_leading_dot_outside_blueprints_is_app_level(app: App) -> None:
    app.add_url_rule("/", "index", lambda: url_for(".about"))
    app.add_url_rule("/about", "about", lambda: "")

    assert app.test_client().get("/").text == "/about"


def test_url_for_relative_in_a_nested_blueprint(app: App) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    child.add_url_rule("/", "index", lambda: url_for(".other"))
    child.add_url_rule("/other", "other", lambda: "")
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    assert app.test_client().get("/p/c/").text == "/p/c/other"


def test_endpoint_decorator_with_a_dot_names_the_registration(app: App) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index")

    @bp.endpoint(".index")
    def index() -> str:
        return "from endpoint()"

    app.register_blueprint(bp)

    assert app.test_client().get("/").text == "from endpoint()"


# -- scoped hooks and handlers -------------------------------------------------------------


def _app_with_blueprint_and_app_route(app: App, bp: Blueprint) -> None:
    bp.add_url_rule("/", "index", lambda: "bp")
    app.add_url_rule("/app", "app_index", lambda: "app")
    app.register_blueprint(bp, url_prefix="/bp")


def test_blueprint_request_hooks_run_only_for_its_requests(app: App) -> None:
    bp = Blueprint("bp", __name__)
    calls: list[str] = []
    bp.before_request(lambda: calls.append(f"before {request.path}"))

    @bp.after_request
    def after(response: Any) -> Any:
        calls.append(f"after {request.path}")
        return response

    bp.teardown_request(lambda exc: calls.append(f"teardown {request.path}"))
    _app_with_blueprint_and_app_route(app, bp)
    client = app.test_client()

    client.get("/app")
    assert calls == []
    client.get("/bp/")
    assert calls == ["before /bp/", "after /bp/", "teardown /bp/"]


def test_app_wide_hooks_of_a_blueprint_run_for_every_request(app: App) -> None:
    bp = Blueprint("bp", __name__)
    calls: list[str] = []
    bp.before_app_request(lambda: calls.append("before"))

    @bp.after_app_request
    def after(response: Any) -> Any:
        calls.append("after")
        return response

    bp.teardown_app_request(lambda exc: calls.append("teardown"))
    _app_with_blueprint_and_app_route(app, bp)

    app.test_client().get("/app")

    assert calls == ["before", "after", "teardown"]


def test_parent_hooks_run_for_child_requests_outermost_first(app: App) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    calls: list[str] = []
    app.before_request(lambda: calls.append("app"))
    parent.before_request(lambda: calls.append("parent"))
    child.before_request(lambda: calls.append("child"))
    child.add_url_rule("/", "index", lambda: "")
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    app.test_client().get("/")

    assert calls == ["app", "parent", "child"]


def test_blueprint_error_handler_applies_only_to_its_requests(app: App) -> None:
    bp = Blueprint("bp", __name__)
    bp.register_error_handler(ZeroDivisionError, lambda e: ("bp handled", 500))

    def fail() -> str:
        raise ZeroDivisionError

    bp.add_url_rule("/", "index", fail)
    app.add_url_rule("/app", "app_index", fail)
    app.register_blueprint(bp, url_prefix="/bp")
    client = app.test_client()

    assert client.get("/bp/").text == "bp handled"
    with pytest.raises(ZeroDivisionError):
        client.get("/app")


def test_blueprint_error_handler_for_an_http_code(app: App) -> None:
    bp = Blueprint("bp", __name__)

    @bp.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return "bp 404", 404

    def missing() -> str:
        raise NotFound

    bp.add_url_rule("/", "index", missing)
    app.register_blueprint(bp, url_prefix="/bp")

    assert app.test_client().get("/bp/").text == "bp 404"


def test_child_blueprint_handler_wins_over_parent_handler(app: App) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    parent.register_error_handler(KeyError, lambda e: "parent")
    child.register_error_handler(KeyError, lambda e: "child")

    def fail() -> str:
        raise KeyError("x")

    child.add_url_rule("/c", "c", fail)
    parent.add_url_rule("/p", "p", fail)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = app.test_client()

    assert client.get("/c").text == "child"
    assert client.get("/p").text == "parent"


def test_app_errorhandler_of_a_blueprint_applies_everywhere(app: App) -> None:
    bp = Blueprint("bp", __name__)
    bp.app_errorhandler(404)(lambda e: ("app-wide 404", 404))
    app.register_blueprint(bp)

    assert app.test_client().get("/nowhere").text == "app-wide 404"


def test_blueprint_context_processor_is_scoped(app: App) -> None:
    bp = Blueprint("bp", __name__)
    bp.context_processor(lambda: {"who": "bp"})
    bp.app_context_processor(lambda: {"everyone": "yes"})
    source = "{{ who|default('nobody') }} {{ everyone }}"
    bp.add_url_rule("/", "index", lambda: render_template_string(source))
    app.add_url_rule("/app", "app_index", lambda: render_template_string(source))
    app.register_blueprint(bp, url_prefix="/bp")
    client = app.test_client()

    assert client.get("/bp/").text == "bp yes"
    assert client.get("/app").text == "nobody yes"


def test_blueprint_url_value_preprocessor_and_url_defaults_are_scoped(app: App) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/<lang>")
    seen: dict[str, Any] = {}

    @bp.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        seen["lang"] = values.pop("lang")

    @bp.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", seen["lang"])

    @bp.route("/")
    def index() -> str:
        return url_for(".about")

    bp.add_url_rule("/about", "about", lambda: "")
    app.register_blueprint(bp)

    assert app.test_client().get("/de/").text == "/de/about"


def test_app_url_value_preprocessor_and_app_url_defaults_apply_everywhere(app: App) -> None:
    bp = Blueprint("bp", __name__)
    seen: list[Any] = []
    bp.app_url_value_preprocessor(lambda endpoint, values: seen.append(endpoint))
    bp.app_url_defaults(lambda endpoint, values: values.setdefault("ref", "x"))
    app.add_url_rule("/", "index", lambda: url_for("index"))
    app.register_blueprint(bp)

    assert app.test_client().get("/").text == "/?ref=x"
    assert seen == ["index"]


def test_app_template_filter_test_and_global_from_a_blueprint(app: App) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_app_template_filter(str.upper, name="shout")
    bp.app_template_test("even")(lambda n: n % 2 == 0)
    bp.add_app_template_global(lambda: 42, name="answer")

    @bp.app_template_filter("rev")
    def reverse(s: str) -> str:
        return s[::-1]

    app.register_blueprint(bp)

    with app.app_context():
        rendered = render_template_string("{{ 'ab'|rev|shout }} {{ 4 is even }} {{ answer() }}")
    assert rendered == "BA True 42"


# -- record, setup state -------------------------------------------------------------------


def test_record_runs_on_every_registration_and_record_once_on_the_first(app: App) -> None:
    bp = Blueprint("bp", __name__)
    every: list[str] = []
    once: list[str] = []
    bp.record(lambda state: every.append(state.name))
    bp.record_once(lambda state: once.append(state.name))

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again")

    assert every == ["bp", "again"]
    assert once == ["bp"]


def test_record_once_runs_again_on_another_app() -> None:
    bp = Blueprint("bp", __name__)
    once: list[App] = []
    bp.record_once(lambda state: once.append(state.app))
    first, second = App(__name__), App(__name__)

    first.register_blueprint(bp)
    second.register_blueprint(bp)

    assert once == [first, second]


def test_setup_state_carries_the_registration(app: App) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/own", subdomain="own", url_defaults={"a": 1})
    states: list[BlueprintSetupState] = []
    bp.record(states.append)

    app.register_blueprint(bp, url_prefix="/given", url_defaults={"b": 2})

    [state] = states
    assert state.app is app
    assert state.blueprint is bp
    assert state.first_registration is True
    assert state.url_prefix == "/given"
    assert state.subdomain == "own"
    assert state.url_defaults == {"a": 1, "b": 2}
    assert state.options["url_prefix"] == "/given"


def test_setup_state_add_url_rule_prefixes_rule_and_endpoint(app: App) -> None:
    bp = Blueprint("bp", __name__)
    bp.record(lambda state: state.add_url_rule("/extra", view_func=lambda: "extra"))
    app.register_blueprint(bp, url_prefix="/bp")

    assert "bp.<lambda>" in app.view_functions
    assert app.test_client().get("/bp/extra").text == "extra"


def test_make_setup_state_can_return_a_subclass(app: App) -> None:
    class State(BlueprintSetupState):
        pass

    class MyBlueprint(Blueprint):
        def make_setup_state(
            self, app: App, options: dict[str, Any], first_registration: bool = False
        ) -> BlueprintSetupState:
            return State(self, app, options, first_registration)

    bp = MyBlueprint("bp", __name__)
    seen: list[type] = []
    bp.record(lambda state: seen.append(type(state)))
    app.register_blueprint(bp)

    assert seen == [State]


# -- setup after registration or after the first request -----------------------------------


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("route", ("/late",)),
        ("before_request", ()),
        ("after_app_request", ()),
        ("app_template_filter", ()),
        ("record", ()),
    ],
)
def test_setup_on_a_registered_blueprint_raises_naming_the_method(
    app: App, method: str, args: tuple[Any, ...]
) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)

    def call() -> None:
        target = getattr(bp, method)
        decorator = target(*args) if args or method == "app_template_filter" else target
        decorator(lambda: "")

    with pytest.raises(RuntimeError) as info:
        call()
    public = {"route": "add_url_rule", "app_template_filter": "add_app_template_filter"}
    assert f"{public.get(method, method)}() was called on blueprint 'bp' after it was" in str(
        info.value
    )
    assert "before calling register_blueprint()" in str(info.value)


def test_register_blueprint_after_the_first_request_raises(app: App) -> None:
    app.add_url_rule("/", "index", lambda: "")
    app.test_client().get("/")

    with pytest.raises(RuntimeError, match=r"register_blueprint\(\) was called on .* first"):
        app.register_blueprint(_bp_with_index())


# -- resources -----------------------------------------------------------------------------


def test_resource_on_a_blueprint_gets_its_prefix_and_name(app: App) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.resource("/items/<int:item_id>")
    class Item(Resource):
        def list(self) -> list[int]:
            return [1, 2]

        def get(self, item_id: int) -> dict[str, int]:
            return {"id": item_id}

    app.register_blueprint(bp)
    app.register_blueprint(bp, url_prefix="/v2", name="api_v2")
    client = app.test_client()

    assert client.get("/api/items/").json == [1, 2]
    assert client.get("/api/items/3").json == {"id": 3}
    assert client.get("/v2/items/4").json == {"id": 4}
    with app.test_request_context():
        assert url_for("api.item", item_id=5) == "/api/items/5"
        assert url_for("api_v2.item_list") == "/v2/items/"


# -- CLI -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cli_group", "args"),
    [("default", ["bp", "hello"]), ("tools", ["tools", "hello"]), (None, ["hello"])],
)
def test_blueprint_commands_join_the_app_cli(
    app: App, cli_group: str | None, args: list[str]
) -> None:
    bp = (
        Blueprint("bp", __name__)
        if cli_group == "default"
        else Blueprint("bp", __name__, cli_group=cli_group)
    )

    @bp.cli.command("hello")
    def hello() -> None:
        print("hello from bp")

    app.register_blueprint(bp)
    result = app.test_cli_runner().invoke(args=args)

    assert result.output == "hello from bp\n"


def test_registering_with_name_none_uses_the_blueprints_own_name() -> None:
    from resourceful import App, Blueprint

    app = App(__name__)
    bp = Blueprint("shop", __name__)
    bp.add_url_rule("/", "index", lambda: "shop")
    app.register_blueprint(bp, url_prefix="/shop", name=None)
    assert "shop" in app.blueprints
    with app.test_request_context():
        from resourceful import url_for

        assert url_for("shop.index") == "/shop/"
