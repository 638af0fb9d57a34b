"""Hook chains and error-handler lookup per blueprint scope (resourceful.hooks)."""

from __future__ import annotations

from werkzeug.exceptions import NotFound

from resourceful import App, Blueprint
from resourceful.hooks import blueprint_scopes, current_blueprints, renders_as_is


def test_blueprint_scopes_run_from_the_innermost_out() -> None:
    assert blueprint_scopes("a.b.c") == ("a.b.c", "a.b", "a")
    assert blueprint_scopes(None) == ()
    assert blueprint_scopes("") == ()


def test_current_blueprints_are_empty_outside_a_request() -> None:
    assert current_blueprints() == ()


def test_chain_orders_before_hooks_outer_first_and_after_hooks_inner_first(app: App) -> None:
    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)

    def app_before() -> None: ...
    def parent_before() -> None: ...
    def child_before() -> None: ...
    def app_after(r: object) -> object: ...
    def child_after(r: object) -> object: ...

    app.before_request(app_before)
    parent.before_request(parent_before)
    child.before_request(child_before)
    app.after_request(app_after)
    child.after_request(child_after)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    chain = app._hooks.chain("parent.child")
    assert chain.before_request == (app_before, parent_before, child_before)
    assert chain.after_request == (child_after, app_after)
    assert app._hooks.chain(None).before_request == (app_before,)


def test_chains_are_remembered_only_once_setup_is_closed(app: App) -> None:
    assert app._hooks.chain(None) is not app._hooks.chain(None)
    app.test_client().get("/")
    assert app._hooks.chain(None) is app._hooks.chain(None)


def test_error_handler_prefers_the_code_then_the_innermost_scope(app: App) -> None:
    blueprint = Blueprint("bp", __name__)

    def by_class(e: Exception) -> str:
        return "class"

    def by_code(e: Exception) -> str:
        return "code"

    def in_blueprint(e: Exception) -> str:
        return "blueprint"

    app.register_error_handler(Exception, by_class)
    app.register_error_handler(404, by_code)
    blueprint.register_error_handler(404, in_blueprint)
    app.register_blueprint(blueprint)
    assert app._hooks.error_handler(NotFound(), ()) is by_code
    assert app._hooks.error_handler(NotFound(), ("bp",)) is in_blueprint
    assert app._hooks.error_handler(KeyError(), ("bp",)) is by_class


def test_renders_as_is_only_without_a_handler_or_a_trap(app: App) -> None:
    with app.test_request_context("/"):
        assert renders_as_is(app, NotFound())
        app.config["TRAP_HTTP_EXCEPTIONS"] = True
        assert not renders_as_is(app, NotFound())
        app.config["TRAP_HTTP_EXCEPTIONS"] = False
        app.register_error_handler(404, lambda e: "handled")
        assert not renders_as_is(app, NotFound())
