"""Defaults and examples are checked against their types when a resource is registered."""

from __future__ import annotations

import datetime
import gc
import weakref
from typing import Any, Generic, TypeVar

import attrs
import jsonschema
import pytest
from attrs import validators as v
from openapi_spec_validator import validate

from resourceful import App, Blueprint, Form, MergePatch, field
from resourceful.binding import Query
from resourceful.convert import make_converter
from resourceful.convert.parsers import datetime_text
from resourceful.errors import DefinitionError
from resourceful.openapi import SchemaError, json_schema
from resourceful.openapi.values import to_json
from resourceful.resources import Resource, operation

T = TypeVar("T")

REFUSED = "which its type or validators refuse"
FIX = "Give a value that binding accepts, or change the type or validators."


@attrs.define
class Paging:
    limit: int = attrs.field(default=0, validator=v.ge(1))


@attrs.define
class Counted:
    count: int = field(examples=[3, "not-an-int"])


@attrs.define
class Line:
    quantity: int = attrs.field(default=0, validator=v.ge(1))


@attrs.define
class Order:
    lines: list[Line]


@attrs.define
class Filters:
    status: str = attrs.field(default="any", validator=v.in_(["open", "closed"]))


@attrs.define
class Report:
    state: str = attrs.field(default="draft", validator=v.in_(["open", "closed"]))


@attrs.define
class Box(Generic[T]):
    value: T


@attrs.define
class Title:
    text: str


@attrs.define
class Good:
    """Every default and example here is one its field accepts."""

    limit: int = field(default=10, validator=v.ge(1), examples=[1, 50])
    tags: list[str] = attrs.Factory(list)
    status: str = attrs.field(default="open", validator=v.in_(["open", "closed"]))


def refused(app: App, resource: type[Resource], rule: str = "/things/") -> str:
    """Register ``resource`` and return the message of the definition error it raises."""
    with pytest.raises(SchemaError) as info:
        app.add_resource(resource, rule)
    assert isinstance(info.value, DefinitionError)
    return str(info.value)


# -- field defaults and examples --------------------------------------------------------------


def test_default_refused_by_its_validator_raises_at_registration(app: App) -> None:
    class Pages(Resource):
        def create(self, body: Paging) -> None:
            pass

    assert refused(app, Pages) == (
        f"Pages.create: the default of Paging.limit is 0, {REFUSED} (int): 'limit' must be"
        f" >= 1: 0. {FIX}"
    )


def test_example_of_the_wrong_type_raises_at_registration(app: App) -> None:
    class Counts(Resource):
        def create(self, body: Counted) -> None:
            pass

    assert refused(app, Counts) == (
        f"Counts.create: example 2 of Counted.count is 'not-an-int', {REFUSED} (int): expected"
        f' an integer, got the string "not-an-int". {FIX}'
    )


def test_bad_default_in_a_class_nested_in_a_list_raises_at_registration(app: App) -> None:
    class Orders(Resource):
        def create(self, body: Order) -> None:
            pass

    assert refused(app, Orders) == (
        f"Orders.create: the default of Line.quantity is 0, {REFUSED} (int): 'quantity' must be"
        f" >= 1: 0. {FIX}"
    )


def test_bad_default_in_a_query_group_raises_at_registration(app: App) -> None:
    class Searches(Resource):
        def list(self, filters: Query[Filters]) -> list[str]:
            return []

    assert refused(app, Searches) == (
        f"Searches.list: the default of Filters.status is 'any', {REFUSED} (str): 'status' must"
        f" be in ['open', 'closed'] (got 'any'). {FIX}"
    )


def test_bad_default_in_a_response_class_raises_at_registration(app: App) -> None:
    class Reports(Resource):
        def get(self, report_id: int) -> Report:
            return Report("open")

    assert refused(app, Reports, "/reports/<int:report_id>") == (
        f"Reports.get: the default of Report.state is 'draft', {REFUSED} (str): 'state' must be"
        f" in ['open', 'closed'] (got 'draft'). {FIX}"
    )


def test_bad_default_reached_through_a_generic_and_a_dict_raises_at_registration(
    app: App,
) -> None:
    class Boxes(Resource):
        def list(self) -> Box[dict[str, Line]]:
            return Box({})

    assert refused(app, Boxes).startswith("Boxes.list: the default of Line.quantity is 0, ")


def test_bad_handler_default_raises_at_registration(app: App) -> None:
    class Pages(Resource):
        def list(self, limit: int = "ten") -> list[int]:  # type: ignore[assignment]
            return []

    assert refused(app, Pages) == (
        f"the default of Pages.list(limit=...) is 'ten', {REFUSED} (int): expected an integer,"
        f' got the string "ten". {FIX}'
    )


def test_good_defaults_and_examples_register_and_are_documented(app: App) -> None:
    class Goods(Resource):
        @operation(request_examples={"few": Good(limit=2)}, response_examples={"one": Good()})
        def create(self, body: Good) -> Good:
            return body

        def list(self, filters: Query[Good]) -> list[Good]:
            return []

    app.add_resource(Goods, "/goods/")
    document = app.openapi()
    validate(document)
    properties = document["components"]["schemas"]["GoodInput"]["properties"]
    assert properties["limit"]["default"] == 10
    assert properties["limit"]["examples"] == [1, 50]
    post = document["paths"]["/goods/"]["post"]
    assert post["requestBody"]["content"]["application/json"]["examples"] == {
        "few": {"value": {"limit": 2, "tags": [], "status": "open"}}
    }


# -- operation examples -------------------------------------------------------------------------


def test_bad_request_example_raises_at_registration(app: App) -> None:
    class Titles(Resource):
        @operation(request_examples={"bad": "not a title"})
        def create(self, body: Title) -> None:
            pass

    assert refused(app, Titles) == (
        f"the example 'bad' of the request body of Titles.create is 'not a title', {REFUSED}"
        f' (test_values.Title): expected an object, got the string "not a title". {FIX}'
    )


def test_bad_response_example_raises_at_registration(app: App) -> None:
    class WrongExample(Resource):
        @operation(response_examples={"bad": "not a title"})
        def list(self) -> list[Title]:
            return []

    assert refused(app, WrongExample).startswith(
        "the example 'bad' of the 200 response of WrongExample.list is 'not a title', which its"
        " type or validators refuse (list[test_values.Title]): "
    )


# -- where and how often -----------------------------------------------------------------------


def test_blueprint_resource_is_checked_when_the_blueprint_is_registered(app: App) -> None:
    class Pages(Resource):
        def create(self, body: Paging) -> None:
            pass

    bp = Blueprint("pages", __name__)
    bp.add_resource(Pages, "/pages/")  # the converter that decides is the app's: not yet
    with pytest.raises(SchemaError) as info:
        app.register_blueprint(bp)
    assert str(info.value).startswith("Pages.create: the default of Paging.limit is 0, ")


def test_a_refused_class_is_refused_again_by_the_next_registration(app: App) -> None:
    class First(Resource):
        def create(self, body: Line) -> None:
            pass

    class Second(Resource):
        def create(self, body: Line) -> None:
            pass

    refused(app, First, "/first/")
    assert refused(app, Second, "/second/").startswith("Second.create: the default of Line.")


CALLS: list[Any] = []


def counted(instance: Any, attribute: Any, value: Any) -> None:
    CALLS.append(value)


@attrs.define
class Shared:
    size: int = attrs.field(default=1, validator=counted)


def test_each_class_is_checked_once_per_converter(app: App) -> None:
    CALLS.clear()

    class One(Resource):
        def create(self, body: Shared) -> Shared:
            return body

    class Two(Resource):
        def create(self, body: Shared) -> list[Shared]:
            return [body]

    app.add_resource(One, "/one/")
    app.add_resource(Two, "/two/")
    assert CALLS == [1]
    other = App("other")
    other.add_resource(One, "/one/")
    assert CALLS == [1, 1]


# -- schemas built without a registration ------------------------------------------------------


def test_standalone_schema_still_checks_defaults() -> None:
    with pytest.raises(SchemaError) as info:
        json_schema(Paging)
    assert str(info.value) == (
        f"the default of Paging.limit is 0, {REFUSED} (int): 'limit' must be >= 1: 0. {FIX}"
    )


def test_the_checks_made_do_not_keep_a_converter_alive() -> None:
    class Ones(Resource):
        def create(self, body: Shared) -> None:
            pass

    app = App("short_lived")
    app.add_resource(Ones, "/ones/")
    converter = weakref.ref(app.converter)
    del app
    gc.collect()
    assert converter() is None


@attrs.define
class Note:
    text: str = attrs.field(validator=v.min_len(1))


def test_request_examples_of_a_merge_patch_body_are_checked_as_its_target(app: App) -> None:
    class Good(Resource):
        @operation(request_examples={"rename": Note("milk")})
        def update(self, note_id: int, patch: MergePatch[Note]) -> Note:
            return patch.apply(Note("x"))

    app.add_resource(Good, "/notes/<int:note_id>")
    body = app.openapi()["paths"]["/notes/{note_id}"]["patch"]["requestBody"]
    assert body["content"]["application/merge-patch+json"]["examples"] == {
        "rename": {"value": {"text": "milk"}}
    }

    class Bad(Resource):
        @operation(request_examples={"empty": "not a note"})
        def update(self, note_id: int, patch: MergePatch[Note]) -> Note:
            return patch.apply(Note("x"))

    with pytest.raises(SchemaError, match=r"the example 'empty' of the request body of Bad\."):
        app.add_resource(Bad, "/other/<int:note_id>")


def test_a_tag_of_a_class_without_a_docstring_has_no_description(app: App) -> None:
    class Plain(Resource):
        def list(self) -> list[int]:
            return []

    class Described(Resource):
        """Things with a description."""

        def list(self) -> list[int]:
            return []

    app.add_resource(Plain, "/plain/")
    app.add_resource(Described, "/described/")

    assert app.openapi()["tags"] == [
        {"name": "Plain"},
        {"name": "Described", "description": "Things with a description."},
    ]


def test_request_examples_without_a_json_body_are_a_definition_error(app: App) -> None:
    class Login(Resource):
        @operation(request_examples={"alice": Note("alice")})
        def create(self, form: Form[Note]) -> Note:
            return form

    with pytest.raises(DefinitionError) as caught:
        app.add_resource(Login, "/login")

    assert str(caught.value) == (
        "Login.create declares request_examples, but it reads no JSON body to show them for"
        " (a form's fields are documented one by one). Remove request_examples, or read the"
        " body as a JSON body parameter."
    )


def test_response_examples_of_a_response_without_a_body_are_a_definition_error(
    app: App,
) -> None:
    class Pings(Resource):
        @operation(response_examples={"nothing": None})
        def delete(self, ping_id: int) -> None:
            return None

    with pytest.raises(DefinitionError) as caught:
        app.add_resource(Pings, "/pings/<int:ping_id>")

    assert str(caught.value) == (
        "Pings.delete declares response_examples, but the 204 response of Pings.delete has no"
        " body. Remove them, or return a value."
    )


@pytest.mark.parametrize("header", [Note, list[Note], Note | None])
def test_a_response_header_typed_as_a_class_is_a_definition_error(app: App, header: Any) -> None:
    class Counted(Resource):
        @operation(response_headers={"X-Note": header})
        def list(self) -> list[Note]:
            return []

    with pytest.raises(DefinitionError, match="declares the response header X-Note as") as caught:
        app.add_resource(Counted, "/counted/")

    assert str(caught.value).endswith(
        "but a header carries flat text. Give it a text type (str, int, a date, an enum, or a"
        " list of them)."
    )


# -- dates and times ----------------------------------------------------------------------------


@attrs.define
class Slot:
    starts: datetime.datetime = field(
        default=datetime.datetime(2026, 12, 24, 10, tzinfo=datetime.timezone.utc),
        examples=[datetime.datetime(2026, 12, 24, 10)],  # naive: written as UTC
    )
    opens: datetime.time = field(
        default=datetime.time(9, 30), examples=[datetime.time(9, 30, 0, 250000)]
    )


def test_date_and_time_defaults_and_examples_are_published_as_their_schemas_accept(
    app: App,
) -> None:
    class Slots(Resource):
        @operation(response_examples={"late": Slot(datetime.datetime(2026, 12, 24, 22))})
        def create(self, body: Slot) -> Slot:
            return body

    app.add_resource(Slots, "/slots/")
    document = app.openapi()
    validate(document)
    properties = document["components"]["schemas"]["SlotInput"]["properties"]
    assert properties["starts"]["default"] == "2026-12-24T10:00:00+00:00"
    assert properties["starts"]["examples"] == ["2026-12-24T10:00:00+00:00"]
    assert properties["opens"]["default"] == "09:30:00"
    assert properties["opens"]["examples"] == ["09:30:00.250000"]
    post = document["paths"]["/slots/"]["post"]
    late = post["responses"]["201"]["content"]["application/json"]["examples"]["late"]["value"]
    assert late["starts"] == "2026-12-24T22:00:00+00:00"
    # A real validator, asserting formats, accepts each published value by its schema.
    formats = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for schema in properties.values():
        check = jsonschema.Draft202012Validator(schema, format_checker=formats)
        for value in [schema["default"], *schema["examples"]]:
            assert check.is_valid(value), (schema, value)


def test_the_document_and_responses_write_a_naive_datetime_by_one_rule() -> None:
    naive = datetime.datetime(2026, 12, 24, 10, 30)
    aware = naive.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    converter = make_converter()
    for value in (naive, aware):
        assert to_json(value) == converter.unstructure(value) == datetime_text(value)
    assert datetime_text(naive) == "2026-12-24T10:30:00+00:00"
    assert datetime_text(aware) == "2026-12-24T10:30:00-05:00"


@attrs.define
class Alarm:
    rings: datetime.datetime = field(examples=["2026-12-24T07:00:00"])


def test_a_date_time_example_without_an_offset_raises_at_registration(app: App) -> None:
    class Alarms(Resource):
        def create(self, body: Alarm) -> None:
            pass

    assert refused(app, Alarms) == (
        f"Alarms.create: example 1 of Alarm.rings is '2026-12-24T07:00:00', {REFUSED}"
        " (datetime.datetime): expected an RFC 3339 date-time with an offset, like"
        f' 2026-12-24T10:00:00Z, got the string "2026-12-24T07:00:00". {FIX}'
    )


@attrs.define
class Reminder:
    at: datetime.datetime = datetime.datetime(2026, 12, 24, 9)


def test_a_naive_datetime_default_of_an_input_raises_at_registration(app: App) -> None:
    class Reminders(Resource):
        def create(self, body: Reminder) -> None:
            pass

    assert refused(app, Reminders) == (
        "Reminders.create: the default of Reminder.at is the naive datetime"
        " datetime.datetime(2026, 12, 24, 9, 0), but binding reads date-times only with an"
        " offset, so the handler would get an aware value when it is sent and this naive one"
        " when it is not, and Python cannot compare the two. Give the default a timezone, for"
        " example datetime.datetime(2026, 12, 24, 9, 0, tzinfo=datetime.timezone.utc)."
    )


def test_a_naive_datetime_default_of_a_query_parameter_raises_at_registration(app: App) -> None:
    class Agenda(Resource):
        def list(self, since: datetime.datetime = datetime.datetime(2026, 1, 1)) -> list[str]:
            return []

    assert refused(app, Agenda).startswith(
        "the default of Agenda.list(since=...) is the naive datetime"
        " datetime.datetime(2026, 1, 1, 0, 0), but binding reads date-times only with an offset"
    )


def test_a_naive_datetime_default_of_an_output_registers_and_is_written_as_utc(app: App) -> None:
    class Next(Resource):
        def get(self) -> Reminder:
            return Reminder()

    app.add_resource(Next, "/next")
    assert app.test_client().get("/next").get_json() == {"at": "2026-12-24T09:00:00+00:00"}


@attrs.define
class Label:
    name: str = attrs.field(validator=v.max_len(20))


@attrs.define
class Labelled:
    title: str
    labels: list[Label] = attrs.Factory(list)


class Labels(Resource):
    def create(self, body: Labelled) -> None:
        return None


def test_a_request_default_is_read_back_with_bindings_hooks_not_new_ones(
    generated_structuring: list[str],
) -> None:
    app = App(__name__)
    app.add_resource(Labels, "/labels/")
    assert sorted(generated_structuring) == ["Label", "Labelled"]
