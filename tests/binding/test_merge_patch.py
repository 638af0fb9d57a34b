"""JSON merge patches (RFC 7396): bound from the body, applied to the current value."""

import json
from typing import Any

import attrs
import pytest
from attrs import validators as v
from openapi_spec_validator import validate

from resourceful import App, DefinitionError, field
from resourceful.binding import MergePatch
from resourceful.binding.merge_patch import merge
from resourceful.openapi.document import build_document
from resourceful.resources import Resource
from resourceful.testing import TestClient

MERGE_PATCH = "application/merge-patch+json"


@attrs.define
class Address:
    city: str
    zip: str | None = None


@attrs.define
class Note:
    title: str = attrs.field(validator=v.max_len(10))
    body: str | None = field(description="The text.")
    pinned: bool = False
    tags: list[str] = attrs.field(factory=list)
    address: Address | None = None
    id: int = field(default=0, read_only=True)


START = Note("milk", "two litres", tags=["shop", "food"], address=Address("Paris"), id=9)


@pytest.fixture
def notes(app: App) -> dict[int, Note]:
    stored = {1: START}

    @app.resource("/notes/<int:note_id>")
    class Notes(Resource):
        def update(self, note_id: int, patch: MergePatch[Note]) -> Note:
            stored[note_id] = patch.apply(stored[note_id])
            return stored[note_id]

    return stored


def _patch(client: TestClient, body: Any, content_type: str = MERGE_PATCH) -> Any:
    return client.patch("/notes/1", data=json.dumps(body), content_type=content_type)


def _errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    return [(error["pointer"], error["detail"]) for error in response.get_json()["errors"]]


def test_members_replace_fields_and_absent_ones_are_unchanged(
    client: TestClient, notes: dict[int, Note]
) -> None:
    response = _patch(client, {"pinned": True, "title": "oat milk"})

    assert response.status_code == 200
    assert notes[1] == attrs.evolve(START, pinned=True, title="oat milk")
    assert response.get_json()["body"] == "two litres"


def test_null_deletes_a_member_giving_its_default_or_none(
    client: TestClient, notes: dict[int, Note]
) -> None:
    _patch(client, {"pinned": True})

    assert _patch(client, {"pinned": None, "tags": None, "body": None}).status_code == 200

    assert notes[1] == attrs.evolve(START, pinned=False, tags=[], body=None)


def test_null_for_a_required_field_that_takes_no_null_is_a_422_with_its_pointer(
    client: TestClient, notes: dict[int, Note]
) -> None:
    assert _errors(_patch(client, {"title": None})) == [
        (
            "/title",
            "is required and takes no null; in a merge patch null deletes the field,"
            " so send a value or leave it out",
        )
    ]
    assert notes[1] == START


def test_nested_objects_merge_and_arrays_are_replaced_whole(
    client: TestClient, notes: dict[int, Note]
) -> None:
    _patch(client, {"address": {"zip": "75001"}, "tags": ["home"]})

    assert notes[1].address == Address("Paris", "75001")
    assert notes[1].tags == ["home"]

    _patch(client, {"address": {"zip": None}})
    assert notes[1].address == Address("Paris")
    _patch(client, {"address": None})
    assert notes[1].address is None


def test_merged_result_is_validated_as_the_whole_type_with_pointers_into_the_body(
    client: TestClient, notes: dict[int, Note]
) -> None:
    _patch(client, {"address": None})

    # The nested patch makes an address without its required city.
    assert _errors(_patch(client, {"address": {"zip": "1"}})) == [
        ("/address/city", "is required but missing")
    ]


def test_a_member_of_the_wrong_type_or_out_of_bounds_is_refused_before_the_handler(
    app: App, client: TestClient, notes: dict[int, Note]
) -> None:
    assert _errors(_patch(client, {"title": "far too long a title", "pinned": "yes"})) == [
        ("/title", "must have at most 10 characters, got 20"),
        ("/pinned", 'expected a boolean (true or false), got the string "yes"'),
    ]
    # Refused while binding: the unknown note 2 is never looked up.
    response = client.patch(
        "/notes/2", data=json.dumps({"address": {"zip": 5}}), content_type=MERGE_PATCH
    )
    assert _errors(response) == [("/address/zip", "expected a string or null, got the number 5")]


def test_unknown_and_read_only_members_are_refused(
    client: TestClient, notes: dict[int, Note]
) -> None:
    assert _errors(_patch(client, {"id": 3, "colour": "red", "address": {"street": "x"}})) == [
        ("/id", "is read-only: the server sets it; leave it out of the request"),
        ("/colour", "is not a known field; expected only: address, body, pinned, tags, title"),
        ("/address/street", "is not a known field; expected only: city, zip"),
    ]


def test_unknown_and_read_only_members_are_ignored_when_unknown_fields_are(
    app: App, client: TestClient, notes: dict[int, Note]
) -> None:
    app.config["REJECT_UNKNOWN_FIELDS"] = False

    response = _patch(client, {"id": 3, "colour": "red", "pinned": True})

    assert response.status_code == 200
    assert notes[1] == attrs.evolve(START, pinned=True)


def test_a_body_that_is_not_an_object_is_a_422(client: TestClient, notes: dict[int, Note]) -> None:
    assert _errors(_patch(client, ["pinned"])) == [
        ("", "expected an object (a merge patch), got an array")
    ]


def test_application_json_is_read_as_a_merge_patch_too(
    client: TestClient, notes: dict[int, Note]
) -> None:
    response = client.patch("/notes/1", json={"body": None})

    assert response.status_code == 200
    assert notes[1].body is None


def test_another_content_type_is_a_415(client: TestClient, notes: dict[int, Note]) -> None:
    response = client.patch("/notes/1", data="pinned=1", content_type="text/plain")

    assert response.status_code == 415
    assert response.get_json()["detail"] == (
        "PATCH /notes/1 expects a JSON merge patch: send it with"
        " Content-Type: application/merge-patch+json (got text/plain)."
    )


def test_invalid_json_is_a_400(client: TestClient, notes: dict[int, Note]) -> None:
    response = client.patch("/notes/1", data="{", content_type=MERGE_PATCH)

    assert response.status_code == 400


def test_a_merge_patch_of_something_else_than_an_attrs_class_is_a_definition_error(
    app: App,
) -> None:
    with pytest.raises(DefinitionError, match=r"a merge patch applies to an attrs class"):

        @app.resource("/things/<int:thing_id>")
        class Things(Resource):
            def update(self, thing_id: int, patch: MergePatch[int]) -> None:
                pass


def test_apply_outside_binding_uses_the_app_converter(app: App) -> None:
    with app.app_context():
        patched = MergePatch[Note]({"tags": ["x"], "body": None}).apply(START)

    assert patched == attrs.evolve(START, tags=["x"], body=None)


def test_merge_follows_rfc_7396_appendix_a() -> None:
    cases: list[tuple[Any, Any, Any]] = [
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ]
    for target, patch, result in cases:
        assert merge(target, patch) == result


def _document(app: App, version: str = "3.1") -> dict[str, Any]:
    document: dict[str, Any] = build_document(app, version)
    validate(document)
    return document


def test_document_lists_the_merge_patch_media_type_only_with_the_patch_schema(
    app: App, notes: dict[int, Note]
) -> None:
    document = _document(app)
    body = document["paths"]["/notes/{note_id}"]["patch"]["requestBody"]

    ref = {"schema": {"$ref": "#/components/schemas/MergePatch_Note"}}
    # Binding reads application/json the same way; clients are told the one to send.
    assert body == {"required": True, "content": {MERGE_PATCH: ref}}


def test_patch_schema_has_no_required_members_and_null_where_null_is_taken(
    app: App, notes: dict[int, Note]
) -> None:
    schemas = _document(app)["components"]["schemas"]
    patch = schemas["MergePatch_Note"]

    assert "required" not in patch
    assert patch["additionalProperties"] is False
    assert patch["properties"] == {
        "title": {"type": "string", "maxLength": 10},
        "body": {"type": ["string", "null"], "description": "The text."},
        "pinned": {"type": ["boolean", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
        "address": {
            "anyOf": [{"$ref": "#/components/schemas/MergePatch_Address"}, {"type": "null"}]
        },
        "id": {"type": ["integer", "null"], "readOnly": True},
    }
    assert schemas["MergePatch_Address"]["properties"] == {
        "city": {"type": "string"},
        "zip": {"type": ["string", "null"]},
    }


def test_openapi_3_0_document_keeps_the_media_type_and_nullable_members(
    app: App, notes: dict[int, Note]
) -> None:
    document = _document(app, "3.0")
    body = document["paths"]["/notes/{note_id}"]["patch"]["requestBody"]
    patch = document["components"]["schemas"]["MergePatch_Note"]

    assert list(body["content"]) == [MERGE_PATCH]
    assert patch["properties"]["pinned"] == {"type": "boolean", "nullable": True}
    assert patch["properties"]["id"]["readOnly"] is True


def test_a_huge_list_over_its_bound_is_one_problem_and_a_huge_patch_a_bounded_report(
    app: App,
) -> None:
    @attrs.define
    class Tagged:
        tags: list[str] = attrs.field(
            factory=list, validator=v.deep_iterable(v.min_len(1), iterable_validator=v.max_len(5))
        )

    @app.resource("/tagged/<int:tagged_id>")
    class Tags(Resource):
        def update(self, tagged_id: int, patch: MergePatch[Tagged]) -> Tagged:
            return patch.apply(Tagged())

    client = app.test_client()
    long_list = client.patch(
        "/tagged/1", data=json.dumps({"tags": [""] * 150_000}), content_type=MERGE_PATCH
    )
    assert _errors(long_list) == [("/tags", "must have at most 5 items, got 150000")]

    unknown = {f"k{number}": 1 for number in range(60_000)}
    response = client.patch("/tagged/1", data=json.dumps(unknown), content_type=MERGE_PATCH)
    assert response.status_code == 422
    body = response.get_json()
    assert len(body["errors"]) == 100
    assert body["omitted_errors"] == 59_900
    assert len(response.data) < 20_000
