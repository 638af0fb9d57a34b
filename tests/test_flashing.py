from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

from resourceful import App
from resourceful.flashing import flash, get_flashed_messages
from resourceful.globals import session
from resourceful.signals import message_flashed
from resourceful.templating import render_template_string


@pytest.fixture
def app(app: App) -> App:
    """The shared testing app (see conftest), with routes that flash and read messages."""

    @app.route("/flash/<category>/<message>")
    def flash_one(category: str, message: str) -> str:
        flash(message, category)
        return "flashed"

    @app.route("/messages")
    def messages() -> Any:
        return get_flashed_messages()

    @app.route("/with-categories")
    def with_categories() -> Any:
        return get_flashed_messages(with_categories=True)

    @app.route("/errors")
    def errors() -> Any:
        return get_flashed_messages(category_filter=["error"])

    return app


def test_flashed_message_is_shown_on_the_next_request_then_gone(app: App) -> None:
    client = app.test_client()
    client.get("/flash/message/hello")
    assert client.get("/messages").json == ["hello"]
    assert client.get("/messages").json == []


def test_messages_keep_their_order(app: App) -> None:
    client = app.test_client()
    client.get("/flash/info/one")
    client.get("/flash/error/two")
    client.get("/flash/info/three")
    assert client.get("/messages").json == ["one", "two", "three"]


def test_default_category_is_message(app: App) -> None:
    with app.test_request_context("/"):
        flash("hi")
        assert session["_flashes"] == [("message", "hi")]


def test_with_categories_returns_category_message_pairs(app: App) -> None:
    client = app.test_client()
    client.get("/flash/info/one")
    client.get("/flash/error/two")
    assert client.get("/with-categories").json == [["info", "one"], ["error", "two"]]


def test_with_categories_gives_tuples(app: App) -> None:
    with app.test_request_context("/"):
        flash("one", "info")
        assert get_flashed_messages(with_categories=True) == [("info", "one")]


def test_category_filter_returns_only_those_categories_and_consumes_all(app: App) -> None:
    client = app.test_client()
    client.get("/flash/info/one")
    client.get("/flash/error/two")
    client.get("/flash/warning/three")
    assert client.get("/errors").json == ["two"]
    assert client.get("/messages").json == []


def test_category_filter_with_categories(app: App) -> None:
    with app.test_request_context("/"):
        flash("one", "info")
        flash("two", "error")
        flash("three", "warning")
        result = get_flashed_messages(with_categories=True, category_filter=("error", "warning"))
        assert result == [("error", "two"), ("warning", "three")]


def test_messages_are_consumed_once_but_repeat_within_a_request(app: App) -> None:
    @app.route("/twice")
    def twice() -> Any:
        return [get_flashed_messages(), get_flashed_messages(with_categories=True)]

    client = app.test_client()
    client.get("/flash/info/one")
    assert client.get("/twice").json == [["one"], [["info", "one"]]]
    assert client.get("/twice").json == [[], []]


def test_reading_messages_removes_them_from_the_session(app: App) -> None:
    client = app.test_client()
    client.get("/flash/info/one")
    client.get("/messages")
    with client.session_transaction() as sess:
        assert "_flashes" not in sess


def test_reading_when_nothing_was_flashed_leaves_the_session_alone(app: App) -> None:
    client = app.test_client()
    response = client.get("/messages")
    assert response.json == []
    assert response.headers.getlist("Set-Cookie") == []


def test_markup_message_stays_markup(app: App) -> None:
    @app.route("/flash-markup")
    def flash_markup() -> str:
        flash(Markup("<b>saved</b>"))
        return "ok"

    seen: list[Any] = []

    @app.route("/read")
    def read() -> str:
        seen.extend(get_flashed_messages())
        return "ok"

    client = app.test_client()
    client.get("/flash-markup")
    client.get("/read")
    assert seen == [Markup("<b>saved</b>")]
    assert isinstance(seen[0], Markup)


def test_flash_sends_message_flashed_with_the_app_as_sender(app: App) -> None:
    received: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append((sender, kwargs))

    with message_flashed.connected_to(receiver, sender=app):
        app.test_client().get("/flash/warning/careful")
    assert received == [(app, {"message": "careful", "category": "warning"})]


def test_flash_without_secret_key_explains_how_to_set_it(app: App) -> None:
    app.secret_key = None
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="no secret key"):
        flash("hi")


def test_flash_and_reading_outside_a_request_explain_that_a_request_is_needed(
    app: App,
) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError, match="Working outside of request context"):
            flash("hi")
        with pytest.raises(RuntimeError, match="test_request_context"):
            get_flashed_messages()


def test_reading_messages_without_secret_key_gives_none(app: App) -> None:
    app.secret_key = None
    assert app.test_client().get("/messages").json == []


def test_templates_can_read_flashed_messages(app: App) -> None:
    @app.route("/page")
    def page() -> str:
        return render_template_string(
            "{% for category, message in get_flashed_messages(with_categories=true) %}"
            "[{{ category }}:{{ message }}]"
            "{% endfor %}"
        )

    client = app.test_client()
    client.get("/flash/error/<oops>")
    assert client.get("/page").text == "[error:&lt;oops&gt;]"
    assert client.get("/page").text == ""
