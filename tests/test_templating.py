"""Templates: the environment, the loader over app and blueprints, context, rendering."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

import resourceful
from resourceful import App, Blueprint, flash, g, session
from resourceful.templating import (
    DispatchingJinjaLoader,
    Environment,
    get_template_attribute,
    render_template,
    render_template_string,
    stream_template,
    stream_template_string,
)


def _write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _write(tmp_path / "templates", "hello.html", "Hello {{ name }}!")
    _write(tmp_path / "templates", "hello.txt", "Hello {{ name }}!")
    _write(tmp_path / "templates", "shared.html", "from the app")
    _write(tmp_path / "admin" / "templates", "shared.html", "from admin")
    _write(tmp_path / "admin" / "templates", "admin/only.html", "only in admin")
    return tmp_path


@pytest.fixture
def app(root: Path) -> App:
    app = App("templated", root_path=str(root))
    app.config.update(TESTING=True, SECRET_KEY="k")
    return app


@pytest.fixture
def admin(root: Path) -> Blueprint:
    return Blueprint("admin", "admin", root_path=str(root / "admin"), template_folder="templates")


@pytest.fixture
def app_ctx(app: App) -> Iterator[None]:
    with app.app_context():
        yield


# -- the environment -----------------------------------------------------------------------


def test_jinja_env_is_created_once_with_the_app(app: App) -> None:
    assert isinstance(app.jinja_env, Environment)
    assert app.jinja_env is app.jinja_env
    assert app.jinja_env.app is app


def test_jinja_options_are_passed_to_the_environment(root: Path) -> None:
    class TrimmingApp(App):
        jinja_options = {"trim_blocks": True}  # noqa: RUF012

    app = TrimmingApp("trimming", root_path=str(root))

    assert app.jinja_env.trim_blocks is True


def test_html_templates_are_autoescaped(app: App, app_ctx: None) -> None:
    assert render_template("hello.html", name="<b>") == "Hello &lt;b&gt;!"


def test_text_templates_are_not_autoescaped(app: App, app_ctx: None) -> None:
    assert render_template("hello.txt", name="<b>") == "Hello <b>!"


def test_template_strings_are_autoescaped(app: App, app_ctx: None) -> None:
    assert render_template_string("{{ x }}", x="<i>") == "&lt;i&gt;"


@pytest.mark.parametrize("name", ["a.html", "a.htm", "a.xml", "a.xhtml", "a.svg"])
def test_select_jinja_autoescape_for_markup_files(app: App, name: str) -> None:
    assert app.select_jinja_autoescape(name) is True
    assert app.select_jinja_autoescape(name + ".txt") is False


def test_select_jinja_autoescape_can_be_overridden(root: Path) -> None:
    class NoEscapeApp(App):
        def select_jinja_autoescape(self, filename: str | None) -> bool:
            return False

    app = NoEscapeApp("noescape", root_path=str(root))
    with app.app_context():
        assert render_template("hello.html", name="<b>") == "Hello <b>!"


def test_markup_is_not_escaped_again(app: App, app_ctx: None) -> None:
    assert render_template_string("{{ x }}", x=Markup("<i>ok</i>")) == "<i>ok</i>"
    assert resourceful.escape("<") == Markup("&lt;")


@pytest.mark.parametrize(
    ("setting", "debug", "expected"),
    [(None, False, False), (None, True, True), (True, False, True), (False, True, False)],
)
def test_auto_reload_follows_setting_then_debug(
    app: App, setting: bool | None, debug: bool, expected: bool
) -> None:
    app.config["TEMPLATES_AUTO_RELOAD"] = setting
    app.config["DEBUG"] = debug

    assert app.jinja_env.auto_reload is expected


def test_filters_tests_and_globals_by_decorator(app: App, app_ctx: None) -> None:
    @app.template_filter("double")
    def double(s: str) -> str:
        return s * 2

    @app.template_test()
    def short(s: str) -> bool:
        return len(s) < 3

    @app.template_global()
    def answer() -> int:
        return 42

    rendered = render_template_string("{{ 'ab'|double }} {{ 'ab' is short }} {{ answer() }}")

    assert rendered == "abab True 42"


def test_filters_tests_and_globals_by_method(app: App, app_ctx: None) -> None:
    app.add_template_filter(str.upper, name="shout")
    app.add_template_test(str.isdigit, name="digits")
    app.add_template_global(len, name="size")

    rendered = render_template_string("{{ 'a'|shout }} {{ '12' is digits }} {{ size('abc') }}")

    assert rendered == "A True 3"


def test_tojson_filter_is_safe_inside_script_tags(app: App, app_ctx: None) -> None:
    rendered = render_template_string("<script>var x = {{ x|tojson }};</script>", x="</script>")

    assert rendered == '<script>var x = "\\u003c/script\\u003e";</script>'


# -- the loader ----------------------------------------------------------------------------


def test_blueprint_template_folder_is_searched(app: App, admin: Blueprint, app_ctx: None) -> None:
    app.register_blueprint(admin)

    assert render_template("admin/only.html") == "only in admin"


def test_app_templates_win_over_blueprint_templates(
    app: App, admin: Blueprint, app_ctx: None
) -> None:
    app.register_blueprint(admin)

    assert render_template("shared.html") == "from the app"


def test_blueprints_are_searched_in_registration_order(root: Path) -> None:
    _write(root / "second" / "templates", "admin/only.html", "second")
    app = App("ordered", root_path=str(root), template_folder=None)
    first = Blueprint("first", "first", root_path=str(root / "admin"), template_folder="templates")
    second = Blueprint(
        "second", "second", root_path=str(root / "second"), template_folder="templates"
    )
    app.register_blueprint(first)
    app.register_blueprint(second)

    with app.app_context():
        assert render_template("admin/only.html") == "only in admin"


def test_render_template_with_a_list_renders_the_first_that_exists(app: App, app_ctx: None) -> None:
    assert render_template(["missing.html", "hello.html"], name="x") == "Hello x!"


def test_list_templates_covers_app_and_blueprints(app: App, admin: Blueprint) -> None:
    app.register_blueprint(admin)

    assert app.jinja_env.list_templates() == [
        "admin/only.html",
        "hello.html",
        "hello.txt",
        "shared.html",
    ]


def test_global_loader_is_a_dispatching_loader(app: App) -> None:
    assert isinstance(app.create_global_jinja_loader(), DispatchingJinjaLoader)


def test_no_template_folder_means_no_loader(root: Path) -> None:
    app = App("bare", root_path=str(root), template_folder=None)

    assert app.jinja_loader is None


def test_missing_template_error_names_the_places_searched(
    app: App, admin: Blueprint, root: Path, app_ctx: None
) -> None:
    app.register_blueprint(admin)

    with pytest.raises(jinja2.TemplateNotFound) as info:
        render_template("nope.html")

    message = str(info.value)
    assert message.startswith("Template 'nope.html' was not found. Searched the app 'templated'")
    assert repr(str(root / "templates")) in message
    assert f"blueprint 'admin' ({str(root / 'admin' / 'templates')!r})" in message


def test_missing_template_list_error_names_the_places_searched(
    app: App, root: Path, app_ctx: None
) -> None:
    with pytest.raises(jinja2.TemplatesNotFound) as info:
        render_template(["a.html", "b.html"])

    assert "a.html, b.html" in str(info.value)
    assert repr(str(root / "templates")) in str(info.value)


def test_missing_template_without_any_folder_says_how_to_add_one(root: Path) -> None:
    app = App("bare", root_path=str(root), template_folder=None)

    with app.app_context(), pytest.raises(jinja2.TemplateNotFound) as info:
        render_template("hello.html")

    assert "No template folder is configured. Pass template_folder=" in str(info.value)


def test_explain_template_loading_logs_every_place_searched(
    app: App, admin: Blueprint, root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    app.register_blueprint(admin)
    caplog.set_level(logging.INFO, logger=app.name)

    with app.app_context():
        assert render_template("shared.html") == "from the app"

    [record] = [r for r in caplog.records if r.name == app.name]
    lines = record.getMessage().splitlines()
    assert lines[0] == "Locating template 'shared.html':"
    assert lines[1].startswith("  1: the app 'templated'")
    assert lines[1].endswith(f"found at {str(root / 'templates' / 'shared.html')!r}")
    assert lines[2].startswith("  2: blueprint 'admin'")
    assert "Warning: several folders have this template" in lines[3]


def test_explain_template_loading_reports_a_missing_template(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.set_level(logging.INFO, logger=app.name)

    with app.app_context(), pytest.raises(jinja2.TemplateNotFound):
        render_template("nope.html")

    message = caplog.records[-1].getMessage()
    assert "  1: the app 'templated'" in message
    assert ": not found" in message
    assert "Error: the template was not found anywhere." in message


# -- the context ---------------------------------------------------------------------------


def test_templates_see_request_session_g_config_and_url_for(app: App) -> None:
    source = (
        "{{ request.path }} {{ session.user }} {{ g.x }} {{ config.SECRET_KEY }}"
        " {{ url_for('index') }}"
    )

    @app.route("/")
    def index() -> str:
        session["user"] = "ann"
        g.x = 1
        return render_template_string(source)

    assert app.test_client().get("/").text == "/ ann 1 k /"


def test_templates_see_flashed_messages(app: App) -> None:
    @app.route("/flash")
    def do_flash() -> str:
        flash("saved")
        return ""

    app.add_url_rule(
        "/show", "show", lambda: render_template_string("{{ get_flashed_messages()|join }}")
    )
    client = app.test_client()
    client.get("/flash")

    assert client.get("/show").text == "saved"


def test_app_context_only_gives_config_and_g(app: App, app_ctx: None) -> None:
    g.x = "gx"

    assert render_template_string("{{ g.x }} {{ config.TESTING }}") == "gx True"


def test_context_processor_values_reach_templates(app: App, app_ctx: None) -> None:
    app.context_processor(lambda: {"site": "Example"})

    assert render_template_string("{{ site }}") == "Example"


def test_values_passed_to_render_win_over_processors_and_defaults(app: App, app_ctx: None) -> None:
    app.context_processor(lambda: {"site": "Example"})

    assert render_template_string("{{ site }} {{ config }}", site="Mine", config="c") == "Mine c"


def test_context_processor_can_replace_a_default(app: App) -> None:
    app.context_processor(lambda: {"request": "replaced"})
    app.add_url_rule("/", "index", lambda: render_template_string("{{ request }}"))

    assert app.test_client().get("/").text == "replaced"


def test_update_template_context_can_be_overridden_to_add_values(root: Path) -> None:
    class SiteApp(App):
        def update_template_context(self, context: dict[str, Any]) -> None:
            super().update_template_context(context)
            context.setdefault("site", "example")

    app = SiteApp("site", root_path=str(root))
    app.add_url_rule(
        "/", "index", lambda: render_template_string("{{ site }}/{{ name }}", name="n")
    )

    assert app.test_client().get("/").text == "example/n"


def test_create_jinja_environment_can_be_overridden(root: Path) -> None:
    class StrictApp(App):
        def create_jinja_environment(self) -> Environment:
            env = super().create_jinja_environment()
            env.undefined = jinja2.StrictUndefined
            return env

    app = StrictApp("strict", root_path=str(root))
    with app.app_context(), pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        render_template_string("{{ missing }}")


def test_render_outside_an_app_context_raises(app: App) -> None:
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        render_template_string("x")


# -- signals -------------------------------------------------------------------------------


def test_render_sends_before_render_and_rendered_signals(app: App, app_ctx: None) -> None:
    events: list[tuple[str, Any, Any]] = []

    def before(sender: App, template: jinja2.Template, context: dict[str, Any]) -> None:
        events.append(("before", template.name, context["name"]))

    def after(sender: App, template: jinja2.Template, context: dict[str, Any]) -> None:
        events.append(("after", template.name, context["name"]))

    with (
        resourceful.before_render_template.connected_to(before, app),
        resourceful.template_rendered.connected_to(after, app),
    ):
        render_template("hello.html", name="x")

    assert events == [("before", "hello.html", "x"), ("after", "hello.html", "x")]


# -- streaming -----------------------------------------------------------------------------


def test_stream_template_yields_the_rendered_parts(app: App, app_ctx: None) -> None:
    stream = stream_template("hello.html", name="x")

    assert not isinstance(stream, str)
    assert "".join(stream) == "Hello x!"


def test_streamed_template_can_use_the_request_after_the_view_returned(app: App) -> None:
    source = "{% for i in range(3) %}{{ request.args.q }}{% endfor %}"
    app.add_url_rule("/", "index", lambda: stream_template_string(source))

    assert app.test_client().get("/?q=a").text == "aaa"


def test_stream_sends_template_rendered_after_the_last_part(app: App, app_ctx: None) -> None:
    rendered: list[str] = []
    stream = stream_template_string("{{ 1 }}{{ 2 }}")

    with resourceful.template_rendered.connected_to(lambda *a, **k: rendered.append("x"), app):
        first = next(stream)
        assert rendered == []
        assert first + "".join(stream) == "12"
    assert rendered == ["x"]


# -- get_template_attribute ----------------------------------------------------------------


def test_get_template_attribute_returns_a_macro(app: App, root: Path, app_ctx: None) -> None:
    _write(root / "templates", "_macros.html", "{% macro hi(n) %}Hi {{ n }}{% endmacro %}")

    hi = get_template_attribute("_macros.html", "hi")

    assert str(hi("Ann")) == "Hi Ann"


def test_get_template_attribute_missing_names_what_the_template_exports(
    app: App, root: Path, app_ctx: None
) -> None:
    _write(root / "templates", "_macros.html", "{% macro hi() %}{% endmacro %}")

    with pytest.raises(AttributeError, match=r"has no attribute 'bye'; it exports \['hi'\]"):
        get_template_attribute("_macros.html", "bye")
