"""Declaring resources: handler names and what class creation refuses."""

import attrs
import pytest

from resourceful import App
from resourceful.errors import DefinitionError
from resourceful.resources import Resource, operation


def test_mixing_method_named_and_action_named_handlers_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:

        class Mixed(Resource):
            def post(self) -> None:
                pass

            def list(self) -> None:
                pass

    assert str(info.value) == (
        "Mixed mixes handlers named after HTTP methods (post) with handlers named after"
        " actions (list). Use one style: get/post/put/patch/delete for one rule, or"
        " list/create/get/replace/update/delete for a collection and its members."
    )


def test_head_handler_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:

        class Wrong(Resource):
            def head(self) -> None:
                pass

    assert (
        str(info.value)
        == "Wrong.head: head is not a resource handler; remove it: HEAD is answered by get."
    )


@attrs.define
class _Note:
    text: str


def test_handlers_named_after_http_methods_serve_the_rule_as_given() -> None:
    app = App(__name__)
    notes: dict[int, str] = {1: "milk"}

    @app.resource("/notes/<int:note_id>")
    class Note(Resource):
        def get(self, note_id: int) -> _Note:
            return _Note(notes[note_id])

        def post(self, note_id: int, body: _Note) -> _Note:
            notes[note_id] = body.text
            return body

        @operation(status=202)
        def put(self, note_id: int, body: _Note) -> _Note:
            notes[note_id] = body.text
            return body

        def patch(self, note_id: int, body: _Note) -> _Note:
            notes[note_id] += body.text
            return _Note(notes[note_id])

        def delete(self, note_id: int) -> None:
            del notes[note_id]

    client = app.test_client()
    assert client.get("/notes/1").json == {"text": "milk"}
    assert client.post("/notes/2", json={"text": "tea"}).status_code == 200
    assert client.put("/notes/2", json={"text": "coffee"}).status_code == 202
    assert client.patch("/notes/2", json={"text": "!"}).json == {"text": "coffee!"}
    assert client.delete("/notes/2").status_code == 204
    assert notes == {1: "milk"}
    # One rule, no collection rule, every handler on it.
    assert [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint == "note"] == [
        "/notes/<int:note_id>"
    ]
    assert "note_list" not in app.view_functions
    operations = app.view_functions["note"].operations  # type: ignore[attr-defined]
    assert sorted(operations) == ["DELETE", "GET", "PATCH", "POST", "PUT"]
    assert operations["POST"].operation_id == "postNote"


def test_handler_without_return_annotation_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError) as info:

        class Loose(Resource):
            def get(self):  # type: ignore[no-untyped-def]
                pass

    assert str(info.value) == (
        "Loose.get has no return annotation; it is the response schema. Annotate it, for"
        " example `-> Todo`, `-> list[Todo]`, `-> Reply[Todo]` or `-> None`."
    )


def test_a_misspelled_handler_is_a_warning_that_says_what_was_meant() -> None:
    from resourceful.errors import DefinitionWarning

    with pytest.warns(DefinitionWarning) as caught:

        class Things(Resource):
            def gett(self, thing_id: int) -> int:
                return thing_id

    assert str(caught[0].message).startswith(
        "Things.gett is not a handler, so no operation serves it; did you mean get?"
    )


def test_a_misspelled_handler_with_operation_options_is_a_definition_error() -> None:
    from resourceful.resources import operation

    with pytest.raises(DefinitionError, match=r"Stuff\.lst is not a handler.*did you mean list"):

        class Stuff(Resource):
            @operation(summary="All stuff.")
            def lst(self) -> list[int]:
                return []
