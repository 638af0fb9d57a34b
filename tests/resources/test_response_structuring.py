"""Return types are planned at registration and structured when a response is validated."""

from __future__ import annotations

import attrs
import pytest

from resourceful import App
from resourceful.errors import DefinitionError
from resourceful.resources import Resource


@attrs.define
class Draft:
    title: str


@attrs.define
class Note:
    id: int
    title: str


class Notes(Resource):
    def create(self, body: Draft) -> Note:
        return Note(1, body.title)

    def get(self, note_id: int) -> Note:
        return Note(note_id, "" if note_id else 7)  # type: ignore[arg-type]


def test_registration_generates_the_body_structuring_but_not_the_return_types(
    generated_structuring: list[str],
) -> None:
    app = App(__name__)
    app.add_resource(Notes, "/notes/<int:note_id>")
    assert generated_structuring == ["Draft"]
    app.config["VALIDATE_RESPONSES"] = False
    client = app.test_client()
    assert client.post("/notes/", json={"title": "a"}).json == {"id": 1, "title": "a"}
    assert generated_structuring == ["Draft"]


def test_the_first_validated_response_generates_the_return_types_structuring_once(
    generated_structuring: list[str],
) -> None:
    app = App(__name__)
    app.add_resource(Notes, "/notes/<int:note_id>")
    app.config["VALIDATE_RESPONSES"] = True
    client = app.test_client()
    assert client.get("/notes/3").json == {"id": 3, "title": ""}
    assert client.get("/notes/4").json == {"id": 4, "title": ""}
    assert generated_structuring == ["Draft", "Note"]
    app.testing = True  # the validation error propagates instead of becoming a 500 page
    with pytest.raises(Exception, match=r"Notes\.get returned a value .*/title"):
        client.get("/notes/0")
    assert generated_structuring == ["Draft", "Note"]


class Opaque:
    pass


@attrs.define
class Wrapped:
    thing: Opaque


def test_a_return_type_that_cannot_be_structured_still_fails_at_registration() -> None:
    class Things(Resource):
        def get(self, thing_id: int) -> Wrapped:
            return Wrapped(Opaque())

    with pytest.raises(DefinitionError, match=r"Things\.get: its return type .*Opaque"):
        App(__name__).add_resource(Things, "/things/<int:thing_id>")
