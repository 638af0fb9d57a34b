"""A typed answer written out without a response object gives the response's exact bytes.

When only the app sees a typed handler's value (or its validation error),
the renderer writes the status, headers and body out
(:class:`~resourceful.responses.PreparedResponse`): the direct path sends
them, and a request that takes the full path turns them into the response
they stand for. Each case is held to an app whose response objects are made
as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from attrs.validators import min_len
from werkzeug.test import EnvironBuilder

from resourceful import App, signals
from resourceful.errors import Problem
from resourceful.render import Reply, created
from resourceful.resources import Resource
from resourceful.responses import PreparedResponse


@attrs.define
class NewNote:
    title: str = attrs.field(validator=min_len(1))
    tags: list[str]
    due: dt.date | None = None


@attrs.define
class Note:
    id: int
    title: str
    tags: list[str]
    due: dt.date | None


class _FullPathApp(App):
    """An app whose responses are all made as objects (an overridden step)."""

    def finalize_request(self, rv: object, from_error_handler: bool = False) -> object:  # type: ignore[override]
        return super().finalize_request(rv, from_error_handler)


def _build(app: App) -> App:
    @app.resource("/notes")
    class Notes(Resource):
        def create(self, body: NewNote) -> Reply[Note]:
            note = Note(1, body.title, body.tags, body.due)
            return created(note, "/notes/1", {"X-Note": "ünï"})

        def list(self) -> list[Note]:
            return [Note(1, "a", [], None), Note(2, "b", ["x"], dt.date(2030, 1, 2))]

    @app.resource("/notes/<int:note_id>")
    class OneNote(Resource):
        def get(self, note_id: int) -> Note:
            if note_id == 404:
                raise Problem(404, detail="No such note.")
            return Note(note_id, "milk", ["home"], None)

        def put(self, note_id: int, body: NewNote) -> Reply[Note]:
            note = Note(note_id, body.title, body.tags, body.due)
            if body.title == "own-type":
                return Reply(note, 200, {"Content-Type": "application/vnd.note+json"})
            if body.title == "text-status":
                return Reply(note, 202, {"X-A": "1", "x-a": "2"})
            return Reply(note, 200, {"X-A": "1"})

        def delete(self, note_id: int) -> None:
            return None

    return app


def _raw_call(
    app: App, path: str, method: str = "GET", **builder: Any
) -> tuple[str, list[tuple[str, str]], bytes]:
    env_builder = EnvironBuilder(path, method=method, **builder)
    environ = env_builder.get_environ()
    env_builder.close()
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.append((status, list(headers)))

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return started[0][0], started[0][1], body


_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("/notes", "POST", {"json": {"title": "milk", "tags": ["a"], "due": "2030-01-31"}}),
    ("/notes", "POST", {"json": {"title": "", "tags": ["a", 7], "due": "soon"}}),
    ("/notes", "POST", {"json": {"title": "x"}}),
    (
        "/notes",
        "POST",
        {"data": b'{"title": "x", "title": "y"}', "content_type": "application/json"},
    ),
    ("/notes", "POST", {"data": b"{", "content_type": "application/json"}),
    ("/notes", "GET", {}),
    ("/notes", "HEAD", {}),
    ("/notes/3", "GET", {}),
    ("/notes/3", "HEAD", {}),
    ("/notes/404", "GET", {}),
    ("/notes/3", "PUT", {"json": {"title": "plain", "tags": []}}),
    ("/notes/3", "PUT", {"json": {"title": "own-type", "tags": []}}),
    ("/notes/3", "PUT", {"json": {"title": "text-status", "tags": []}}),
    ("/notes/3", "DELETE", {}),
]


@pytest.mark.parametrize("debug", [False, True])
def test_prepared_answers_equal_the_responses_they_stand_for(debug: bool) -> None:
    direct, full = _build(App(__name__)), _build(_FullPathApp(__name__))
    for app in (direct, full):
        app.debug = debug
    for path, method, builder in _CASES:
        expected = _raw_call(full, path, method, **builder)
        assert _raw_call(direct, path, method, **builder) == expected, (path, method, builder)


def test_a_request_on_the_full_path_makes_the_response_a_prepared_answer_stands_for() -> None:
    direct, full = _build(App(__name__)), _build(_FullPathApp(__name__))
    finished: list[Any] = []

    def receiver(sender: Any, response: Any, **extra: Any) -> None:
        finished.append(type(response))

    with signals.request_finished.connected_to(receiver, direct):
        for path, method, builder in _CASES:
            expected = _raw_call(full, path, method, **builder)
            assert _raw_call(direct, path, method, **builder) == expected, (path, method)
    assert finished and all(kind is direct.response_class for kind in finished)


def test_an_undecorated_typed_answer_is_written_out_without_a_response_object() -> None:
    app = _build(App(__name__))
    _raw_call(app, "/notes")  # the first request closes setup
    with app.test_request_context("/notes/3"):
        rv = app.dispatch_request()
    assert type(rv) is PreparedResponse
    assert rv.status == 200
    with app.test_request_context("/notes", method="POST", json={"title": "", "tags": []}):
        invalid = app.dispatch_request()
    assert type(invalid) is PreparedResponse
    assert invalid.status == 422
    assert invalid.headers[0] == ("Content-Type", "application/problem+json")


def test_a_decorated_operation_still_sees_a_response_object() -> None:
    seen: list[Any] = []

    def spy(view: Any) -> Any:
        def wrapper(**kwargs: Any) -> Any:
            rv = view(**kwargs)
            seen.append(type(rv))
            return rv

        return wrapper

    app = App(__name__)

    @app.resource("/notes/<int:note_id>")
    class OneNote(Resource):
        decorators = (spy,)

        def get(self, note_id: int) -> Note:
            return Note(note_id, "milk", [], None)

    response = app.test_client().get("/notes/3")

    assert response.status_code == 200
    assert seen == [app.response_class]
