"""The self-test draws and breaks PATCH bodies: Unset fields and merge patches."""

import datetime as dt

import attrs
import pytest
from attrs import validators as v

from resourceful import UNSET, App, Problem, Unset, field, set_fields, url_for
from resourceful.binding import MergePatch
from resourceful.contract.selftest import SelftestError, selftest
from resourceful.render import Reply, created
from resourceful.resources import Resource


@attrs.define
class NewNote:
    title: str = attrs.field(validator=[v.min_len(1), v.max_len(20)])
    due: dt.date | None = None
    tags: list[str] = attrs.field(factory=list, validator=v.max_len(3))


@attrs.define
class Note:
    id: int = field(read_only=True)
    title: str
    due: dt.date | None
    tags: list[str]


@attrs.define
class NoteChange:
    title: str | Unset = field(default=UNSET, validator=v.min_len(1))
    due: dt.date | Unset | None = UNSET


def create_app(*, crash_on_null: bool = False) -> App:
    notes: dict[int, Note] = {}

    class NoteResource(Resource):
        def create(self, body: NewNote) -> Reply[Note]:
            note = Note(len(notes) + 1, body.title, body.due, body.tags)
            notes[note.id] = note
            return created(note, url_for("note", note_id=note.id))

        def get(self, note_id: int) -> Note:
            if note_id not in notes:
                raise Problem(404, detail=f"No note {note_id}.")
            return notes[note_id]

        def update(self, note_id: int, patch: MergePatch[NewNote]) -> Note:
            note = self.get(note_id)
            new = patch.apply(NewNote(note.title, note.due, note.tags))
            notes[note_id] = Note(note_id, new.title, new.due, new.tags)
            return notes[note_id]

    class ChangeResource(Resource):
        def create(self, body: NoteChange) -> NoteChange:
            if crash_on_null and body.due is None:
                raise RuntimeError("null due")
            return attrs.evolve(NoteChange(), **set_fields(body))

    app = App(__name__)
    app.config["TESTING"] = True
    app.add_resource(NoteResource, "/notes/<int:note_id>")
    app.add_resource(ChangeResource, "/changes")
    return app


@pytest.mark.slow
def test_merge_patches_and_unset_bodies_pass_the_self_test() -> None:
    selftest(create_app, max_examples=10)


def test_a_handler_that_fails_on_null_for_an_unset_field_is_found() -> None:
    try:
        selftest(
            lambda: create_app(crash_on_null=True),
            max_examples=30,
            checks=("valid",),
            operations=["POST /changes"],
        )
    except SelftestError as exc:
        failures = dict(exc.failures)
    else:
        failures = {}

    report = failures["POST /changes [valid]"]
    assert "the app raised RuntimeError: null due." in report
    # Shrunk to the one field sent as null, the other left out (UNSET, not written).
    assert "body = NoteChange(title=UNSET, due=None)" in report
    assert 'body: {"due": null}' in report
