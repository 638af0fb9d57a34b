"""Unset: a field left out of a body is told apart from one sent as null."""

import datetime as dt
from typing import Any

import attrs
import pytest
from attrs import validators as v
from openapi_spec_validator import validate

from resourceful import UNSET, App, DefinitionError, Unset, field, make_converter, set_fields
from resourceful.fields import unless_unset
from resourceful.openapi.document import build_document
from resourceful.resources import Resource


@attrs.define
class Where:
    city: str | Unset = UNSET
    zip_code: str | Unset | None = field(default=UNSET, name="zip")


@attrs.define
class Patch:
    title: str | Unset = field(default=UNSET, validator=[v.min_len(1), v.max_len(5)])
    due: dt.date | Unset | None = UNSET
    tags: list[str] | Unset = UNSET
    where: Where | Unset | None = UNSET


def _app_echoing(app: App) -> list[Patch]:
    seen: list[Patch] = []

    @app.resource("/things/<int:thing_id>")
    class Things(Resource):
        def update(self, thing_id: int, body: Patch) -> Patch:
            seen.append(body)
            return body

    return seen


def test_absent_key_is_unset_null_is_none_and_a_value_is_the_value(app: App) -> None:
    seen = _app_echoing(app)
    client = app.test_client()

    client.patch("/things/1", json={})
    client.patch("/things/1", json={"due": None})
    client.patch("/things/1", json={"due": "2030-01-02", "title": "milk"})

    assert seen == [
        Patch(),
        Patch(due=None),
        Patch(title="milk", due=dt.date(2030, 1, 2)),
    ]
    assert seen[0].due is UNSET
    assert seen[1].due is None


def test_null_for_a_field_that_is_not_nullable_is_refused_with_its_pointer(app: App) -> None:
    _app_echoing(app)
    response = app.test_client().patch("/things/1", json={"title": None, "tags": None})

    assert response.status_code == 422
    errors = {(e["pointer"], e["detail"]) for e in response.get_json()["errors"]}
    assert errors == {
        ("/title", "expected a string, got null"),
        ("/tags", "expected an array, got null"),
    }


def test_the_text_unset_is_a_string_never_the_sentinel(app: App) -> None:
    seen = _app_echoing(app)
    response = app.test_client().patch("/things/1", json={"title": "UNSET", "due": "UNSET"})

    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/due"]
    assert seen == []


def test_unset_in_a_nested_class_is_absent_vs_null_too(app: App) -> None:
    seen = _app_echoing(app)
    client = app.test_client()

    client.patch("/things/1", json={"where": {"zip": None}})
    client.patch("/things/1", json={"where": None})

    assert seen == [Patch(where=Where(zip_code=None)), Patch(where=None)]
    assert seen[0].where is not None and seen[0].where.city is UNSET


def test_validators_skip_unset_and_check_sent_values(app: App) -> None:
    seen = _app_echoing(app)
    client = app.test_client()

    assert client.patch("/things/1", json={}).status_code == 200
    response = client.patch("/things/1", json={"title": "far too long"})

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/title"
    assert response.get_json()["errors"][0]["detail"] == "must have at most 5 characters, got 12"
    assert seen == [Patch()]


def test_rendering_leaves_unset_fields_out(app: App) -> None:
    _app_echoing(app)
    client = app.test_client()

    assert client.patch("/things/1", json={}).get_json() == {}
    assert client.patch("/things/1", json={"due": None, "where": {}}).get_json() == {
        "due": None,
        "where": {},
    }


def test_unstructure_round_trips_absent_null_and_values() -> None:
    converter = make_converter()
    patch = Patch(title="a", where=Where(zip_code=None))

    data = converter.unstructure(patch)

    assert data == {"title": "a", "where": {"zip": None}}
    assert converter.structure(data, Patch) == patch


def _schemas(app: App) -> dict[str, Any]:
    document = build_document(app)
    validate(document)
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def test_schema_shows_the_rest_of_the_union_and_no_field_that_may_be_unset_is_required(
    app: App,
) -> None:
    _app_echoing(app)
    schemas = _schemas(app)

    assert schemas["Patch"] == {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 5},
            "due": {"type": ["string", "null"], "format": "date"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "where": {"anyOf": [{"$ref": "#/components/schemas/Where"}, {"type": "null"}]},
        },
        "additionalProperties": False,
    }
    assert "Unset" not in str(build_document(app))
    assert "UNSET" not in str(build_document(app))


def test_response_schema_requires_the_fields_that_cannot_be_unset(app: App) -> None:
    @attrs.define
    class Shown:
        id: int
        note: str | Unset = UNSET

    @app.resource("/shown/")
    class Shows(Resource):
        def list(self) -> Shown:
            return Shown(1)

    schema = _schemas(app)["Shown"]

    assert schema["required"] == ["id"]
    assert app.test_client().get("/shown/").get_json() == {"id": 1}


def test_document_with_unset_fields_is_valid_openapi_3_0(app: App) -> None:
    _app_echoing(app)
    document = build_document(app, "3.0")
    validate(document)
    assert "Unset" not in str(document)


def test_set_fields_returns_what_was_sent_by_attribute_name() -> None:
    assert set_fields(Patch()) == {}
    assert set_fields(Patch(due=None, where=Where(city="x"))) == {
        "due": None,
        "where": Where(city="x"),
    }


def test_set_fields_applies_a_patch_with_attrs_evolve() -> None:
    @attrs.define
    class Row:
        title: str
        due: dt.date | None

    row = Row("milk", dt.date(2030, 1, 1))

    assert attrs.evolve(row, **set_fields(Patch(due=None))) == Row("milk", None)


def test_unset_is_falsy_and_reads_as_unset() -> None:
    assert not UNSET
    assert repr(UNSET) == "UNSET"
    assert isinstance(UNSET, Unset)


def test_unset_field_without_the_unset_default_is_a_definition_error(app: App) -> None:
    @attrs.define
    class Wrong:
        note: str | Unset = "x"

    with pytest.raises(DefinitionError, match=r"Wrong.note may be Unset, so its default must be"):

        @app.resource("/wrong/")
        class Wrongs(Resource):
            def create(self, body: Wrong) -> None:
                pass


def test_validator_refusing_unset_is_a_definition_error_saying_how_to_wrap_it(app: App) -> None:
    @attrs.define
    class Wrong:
        note: str | Unset = attrs.field(default=UNSET, validator=v.min_len(1))

    with pytest.raises(DefinitionError, match=r"validator=unless_unset\(...\)"):

        @app.resource("/wrong/")
        class Wrongs(Resource):
            def create(self, body: Wrong) -> None:
                pass


def test_unless_unset_wraps_a_list_of_validators() -> None:
    @attrs.define
    class Wrapped:
        note: str | Unset = attrs.field(
            default=UNSET, validator=unless_unset([v.min_len(1), v.max_len(2)])
        )

    assert Wrapped().note is UNSET
    with pytest.raises(ValueError, match="Length of 'note' must be <= 2"):
        Wrapped("abc")


def test_bare_unset_is_a_definition_error(app: App) -> None:
    @attrs.define
    class Wrong:
        note: Unset = UNSET

    with pytest.raises(DefinitionError, match="Unset alone is not a type a request can send"):

        @app.resource("/wrong/")
        class Wrongs(Resource):
            def create(self, body: Wrong) -> None:
                pass
