"""The core signals: sent at the documented moment with the documented arguments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import blinker
import pytest

import resourceful
from resourceful import App, Response, has_request_context, request, signals
from resourceful.testing import TestClient


@contextmanager
def recording(signal: blinker.NamedSignal, app: App) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append((sender, kwargs))

    signal.connect(receiver, sender=app)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=app)


def test_signals_available_and_namespace() -> None:
    assert resourceful.signals_available is True
    namespace = resourceful.Namespace()
    assert isinstance(namespace.signal("mine"), blinker.NamedSignal)


@pytest.mark.parametrize(
    ("name", "signal_name"),
    [
        ("template_rendered", "template-rendered"),
        ("before_render_template", "before-render-template"),
        ("request_started", "request-started"),
        ("request_finished", "request-finished"),
        ("got_request_exception", "got-request-exception"),
        ("request_tearing_down", "request-tearing-down"),
        ("appcontext_tearing_down", "appcontext-tearing-down"),
        ("appcontext_pushed", "appcontext-pushed"),
        ("appcontext_popped", "appcontext-popped"),
        ("message_flashed", "message-flashed"),
    ],
)
def test_every_documented_signal_exists(name: str, signal_name: str) -> None:
    signal = getattr(resourceful, name)
    assert isinstance(signal, blinker.NamedSignal)
    assert signal.name == signal_name


def test_request_started_sent_before_hooks_inside_request(app: App, client: TestClient) -> None:
    events: list[str] = []

    def started(sender: Any, **kwargs: Any) -> None:
        events.append(f"started {request.path} {kwargs}")

    app.before_request(lambda: events.append("before") and None)
    app.add_url_rule("/x", "x", lambda: "x")
    signals.request_started.connect(started, sender=app)
    try:
        client.get("/x")
    finally:
        signals.request_started.disconnect(started, sender=app)
    assert events == ["started /x {}", "before"]


def test_request_finished_sent_with_final_response(app: App, client: TestClient) -> None:
    @app.after_request
    def after(response: Response) -> Response:
        response.headers["X-After"] = "1"
        return response

    app.add_url_rule("/", "index", lambda: "x")
    with recording(signals.request_finished, app) as calls:
        client.get("/")
    [(sender, kwargs)] = calls
    assert sender is app
    assert kwargs["response"].headers["X-After"] == "1"


def test_got_request_exception_sent_with_exception(app: App) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    error = ValueError("boom")

    def boom() -> str:
        raise error

    app.add_url_rule("/", "index", boom)
    app.logger.disabled = True
    try:
        with recording(signals.got_request_exception, app) as calls:
            assert app.test_client().get("/").status_code == 500
    finally:
        app.logger.disabled = False
    assert calls == [(app, {"exception": error})]


def test_got_request_exception_not_sent_for_handled_errors(app: App, client: TestClient) -> None:
    app.register_error_handler(ValueError, lambda e: ("handled", 400))

    def boom() -> str:
        raise ValueError

    app.add_url_rule("/", "index", boom)
    with recording(signals.got_request_exception, app) as calls:
        client.get("/")
    assert calls == []


def test_got_request_exception_sent_even_when_propagating(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: 1 / 0)
    with recording(signals.got_request_exception, app) as calls, pytest.raises(ZeroDivisionError):
        client.get("/")
    assert isinstance(calls[0][1]["exception"], ZeroDivisionError)


def test_request_tearing_down_sent_with_exc_in_request_context(
    app: App, client: TestClient
) -> None:
    seen: list[Any] = []

    def tearing(sender: Any, **kwargs: Any) -> None:
        seen.append((sender, kwargs, has_request_context()))

    app.add_url_rule("/", "index", lambda: "x")
    signals.request_tearing_down.connect(tearing, sender=app)
    try:
        client.get("/")
    finally:
        signals.request_tearing_down.disconnect(tearing, sender=app)
    assert seen == [(app, {"exc": None}, True)]


def test_appcontext_tearing_down_sent_with_exc(app: App) -> None:
    error = KeyError("x")
    with (
        recording(signals.appcontext_tearing_down, app) as calls,
        pytest.raises(KeyError),
        app.app_context(),
    ):
        raise error
    assert calls == [(app, {"exc": error})]


def test_appcontext_pushed_and_popped(app: App) -> None:
    with (
        recording(signals.appcontext_pushed, app) as pushed,
        recording(signals.appcontext_popped, app) as popped,
    ):
        with app.app_context():
            assert pushed == [(app, {})]
            assert popped == []
        assert popped == [(app, {})]


def test_appcontext_pushed_sees_the_app_current(app: App) -> None:
    seen: list[Any] = []

    def pushed(sender: Any, **kwargs: Any) -> None:
        seen.append(resourceful.current_app.name)

    signals.appcontext_pushed.connect(pushed, sender=app)
    try:
        with app.test_request_context("/"):
            pass
    finally:
        signals.appcontext_pushed.disconnect(pushed, sender=app)
    assert seen == [app.name]


def test_signal_order_over_a_request(app: App, client: TestClient) -> None:
    events: list[str] = []
    receivers = {
        name: (lambda sender, _n=name, **kw: events.append(_n))
        for name in (
            "appcontext_pushed",
            "request_started",
            "request_finished",
            "request_tearing_down",
            "appcontext_tearing_down",
            "appcontext_popped",
        )
    }
    app.add_url_rule("/", "index", lambda: "x")
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver, sender=app)
    try:
        client.get("/")
    finally:
        for name, receiver in receivers.items():
            getattr(signals, name).disconnect(receiver, sender=app)
    assert events == list(receivers)


def test_receivers_for_another_app_are_not_called(app: App, client: TestClient) -> None:
    other = App("other", root_path=app.root_path)
    app.add_url_rule("/", "index", lambda: "x")
    with recording(signals.request_started, other) as calls:
        client.get("/")
    assert calls == []
