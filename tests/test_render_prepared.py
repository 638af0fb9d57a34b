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
from wsgi_calls import wsgi_call

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
    return wsgi_call(app, path, method, **builder)[:3]


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


# -- the per-class encoder writes what the general path writes --------------------------------

import enum  # noqa: E402
import uuid  # noqa: E402
from decimal import Decimal  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from resourceful.convert import Converter  # noqa: E402
from resourceful.fields import UNSET, Unset, field  # noqa: E402
from resourceful.json.provider import compact_encoder, default_encoding  # noqa: E402
from resourceful.render import class_encoder  # noqa: E402


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.define
class Inner:
    size: int
    label: str | None = None


@attrs.define
class Wide:
    title: str = field(name="Title")
    count: int = 0
    ratio: float = 0.0
    flag: bool = False
    due: dt.date | None = None
    at: dt.datetime | None = None
    tags: list[str] = attrs.field(factory=list)
    inner: Inner | None = None
    colour: Colour = Colour.RED
    money: Decimal = Decimal("0")
    ident: uuid.UUID | None = None
    extra: dict[str, int] = attrs.field(factory=dict)
    hidden: int = attrs.field(default=7, init=False)


_ODD = st.one_of(st.integers(), st.text(max_size=3), st.none(), st.floats(), st.booleans())

_WIDE = st.builds(
    Wide,
    title=st.text(max_size=6) | _ODD,
    count=st.integers() | st.booleans() | _ODD,
    ratio=st.floats() | st.integers(),
    flag=st.booleans() | _ODD,
    due=st.none() | st.dates(),
    at=st.none() | st.datetimes(),
    tags=st.lists(st.text(max_size=3), max_size=3) | st.tuples(st.text(max_size=2)),
    inner=st.none() | st.builds(Inner, st.integers(), st.none() | st.text(max_size=3)),
    colour=st.sampled_from(Colour),
    money=st.decimals(allow_nan=False, allow_infinity=False, places=2),
    ident=st.none() | st.uuids(),
    extra=st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


def _written(encode: Any, value: Any) -> Any:
    try:
        return ("text", encode(value))
    except (AttributeError, TypeError, ValueError) as exc:
        return ("error", type(exc))


@given(_WIDE, st.booleans(), st.booleans())
@pytest.mark.slow
def test_class_encoder_writes_what_unstructuring_then_encoding_writes(
    value: Wide, sort_keys: bool, ensure_ascii: bool
) -> None:
    converter = Converter()
    encode = compact_encoder(
        ensure_ascii=ensure_ascii,
        sort_keys=sort_keys,
        default=lambda obj: default_encoding(obj, converter, "iso"),
    )
    hook = converter.get_unstructure_hook(Wide)
    encoder = class_encoder(hook, encode, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    assert encoder is not None

    expected = _written(lambda v: encode(hook(v)), value)
    got = _written(encoder, value)

    # The renderer takes the general path when the encoder raises.
    assert got == expected or got[0] == "error"


def test_class_encoder_is_not_made_for_a_hook_registered_by_the_user() -> None:
    converter = Converter()
    converter.register_unstructure_hook(Inner, lambda inner: {"size": inner.size})
    encode = compact_encoder(ensure_ascii=True, sort_keys=True)

    hook = converter.get_unstructure_hook(Inner)

    assert class_encoder(hook, encode, ensure_ascii=True, sort_keys=True) is None


@attrs.define
class Account:
    name: str
    password: str | None = field(default=None, write_only=True)


@attrs.define
class Draft:
    name: str
    note: str | Unset = UNSET


def test_class_encoder_leaves_write_only_fields_out_as_the_response_writer_does() -> None:
    writer = Converter().for_responses()
    encode = compact_encoder(ensure_ascii=True, sort_keys=True)
    hook = writer.get_unstructure_hook(Account)
    encoder = class_encoder(hook, encode, ensure_ascii=True, sort_keys=True)

    assert encoder is not None
    value = Account("ann", "secret")
    assert encoder(value) == encode(hook(value)) == '{"name":"ann"}'


def test_class_encoder_is_not_made_for_a_class_with_fields_that_may_be_unset() -> None:
    writer = Converter().for_responses()
    encode = compact_encoder(ensure_ascii=True, sort_keys=True)
    hook = writer.get_unstructure_hook(Draft)

    assert class_encoder(hook, encode, ensure_ascii=True, sort_keys=True) is None


def test_the_usual_answer_is_validated_before_it_is_written_out() -> None:
    from resourceful.errors import ResponseValidationError

    messages: list[str] = []
    for app in (App(__name__), _FullPathApp(__name__)):
        app.config.update(VALIDATE_RESPONSES=True, TESTING=True)

        @app.resource("/notes/<int:note_id>")
        class OneNote(Resource):
            def get(self, note_id: int) -> Note:
                return Note(note_id, 5, [], None)  # type: ignore[arg-type]

        _raw_call(app, "/no/such/page")  # the first request closes setup
        with pytest.raises(ResponseValidationError) as caught:
            app.test_client().get("/notes/3")
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "OneNote.get returned a value that does not match its return annotation" in messages[0]


class _Text(str):
    """A ``str`` subclass: json writes it as a string, and so must the inline join."""


@attrs.define
class Lists:
    tags: list[str]
    anything: list[Any]
    maybe: list[str] | None = None


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize(
    "tags",
    [
        [],
        ["home"],
        ["ünï", 'q"uote', "\u2028", "\ud83d\ude00", "\x00"],
        [_Text("sub"), "x"],
        ["a", 1],
        ["a", None],
        ["a", ["b"]],
    ],
)
def test_class_encoder_writes_lists_of_text_as_the_encoder_does(
    tags: list[Any], ensure_ascii: bool
) -> None:
    converter = Converter()
    encode = compact_encoder(ensure_ascii=ensure_ascii, sort_keys=False)
    hook = converter.get_unstructure_hook(Lists)
    encoder = class_encoder(hook, encode, ensure_ascii=ensure_ascii, sort_keys=False)
    assert encoder is not None
    for value in (
        Lists(tags, list(tags), tags),
        Lists(tags, [tags, {"k": tags}], None),
        Lists(tags, [None, True, 1.5], list(tags)),
    ):
        assert encoder(value) == encode(hook(value)), value
