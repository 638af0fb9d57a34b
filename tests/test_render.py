import datetime as dt
from typing import Any

import attrs
import pytest

from resourceful import App, Response
from resourceful.errors import ResponseValidationError
from resourceful.fields import field
from resourceful.render import Reply, created, validate_response
from resourceful.resources import Resource, operation


@attrs.define
class Todo:
    id: int
    title: str = field(name="name")
    due: dt.date | None = None


@attrs.define
class Other:
    id: int


def serve(app: App, handler_name: str, handler: Any, rule: str = "/thing") -> Any:
    resource = type("Thing", (Resource,), {handler_name: handler})
    app.add_resource(resource, rule)
    return app.test_client()


def test_attrs_value_is_unstructured_with_wire_names(app: App) -> None:
    def get(self: Any) -> Todo:
        return Todo(1, "milk", dt.date(2024, 1, 2))

    response = serve(app, "get", get).get("/thing")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"id": 1, "name": "milk", "due": "2024-01-02"}


def test_list_of_attrs_values_is_rendered(app: App) -> None:
    def get(self: Any) -> list[Todo]:
        return [Todo(1, "a"), Todo(2, "b")]

    assert serve(app, "get", get).get("/thing").get_json() == [
        {"id": 1, "name": "a", "due": None},
        {"id": 2, "name": "b", "due": None},
    ]


def test_none_gives_an_empty_204(app: App) -> None:
    def delete(self: Any) -> None:
        return None

    response = serve(app, "delete", delete).delete("/thing")
    assert response.status_code == 204
    assert response.data == b""


def test_create_defaults_to_201(app: App) -> None:
    def create(self: Any) -> Todo:
        return Todo(1, "a")

    assert serve(app, "create", create).post("/thing").status_code == 201


def test_operation_status_overrides_the_default(app: App) -> None:
    @operation(status=202)
    def create(self: Any) -> Todo:
        return Todo(1, "a")

    assert serve(app, "create", create).post("/thing").status_code == 202


def test_tuple_sets_status_and_headers(app: App) -> None:
    def get(self: Any) -> Todo:
        return Todo(1, "a"), 203, {"X-Extra": "1"}  # type: ignore[return-value]

    response = serve(app, "get", get).get("/thing")
    assert response.status_code == 203
    assert response.headers["X-Extra"] == "1"
    assert response.get_json()["id"] == 1


def test_two_tuple_with_headers_keeps_the_status(app: App) -> None:
    def get(self: Any) -> Todo:
        return Todo(1, "a"), {"X-Extra": "2"}  # type: ignore[return-value]

    response = serve(app, "get", get).get("/thing")
    assert response.status_code == 200
    assert response.headers["X-Extra"] == "2"


def test_created_sets_201_and_location(app: App) -> None:
    def create(self: Any) -> Reply[Todo]:
        return created(Todo(7, "a"), "/things/7")

    response = serve(app, "create", create).post("/thing")
    assert response.status_code == 201
    assert response.headers["Location"] == "/things/7"
    assert response.get_json()["id"] == 7


def test_reply_without_status_keeps_the_operation_status(app: App) -> None:
    def get(self: Any) -> Reply[Todo]:
        return Reply(Todo(1, "a"), headers={"ETag": '"v1"'})

    response = serve(app, "get", get).get("/thing")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v1"'


def test_response_is_sent_unchanged(app: App) -> None:
    def get(self: Any) -> Response:
        return Response("plain", mimetype="text/plain", status=299)

    response = serve(app, "get", get).get("/thing")
    assert (response.status_code, response.get_data(as_text=True)) == (299, "plain")


def test_tuple_of_wrong_size_explains_itself(app: App) -> None:
    def get(self: Any) -> Todo:
        return (1, 2, 3, 4)  # type: ignore[return-value]

    with pytest.raises(TypeError, match=r"Thing.get returned a tuple of 4 items"):
        serve(app, "get", get).get("/thing")


# -- response validation ---------------------------------------------------------------------


def wrong_get(self: Any) -> Todo:
    return Todo(1, 2)


def test_wrong_field_fails_loudly_when_testing(app: App) -> None:
    with pytest.raises(ResponseValidationError) as info:
        serve(app, "get", wrong_get).get("/thing")
    assert str(info.value) == (
        "Thing.get returned a value that does not match its return annotation Todo:"
        " /name: expected a string, got the number 2"
    )


def test_wrong_class_fails_loudly_when_testing(app: App) -> None:
    def get(self: Any) -> Todo:
        return Other(1)  # type: ignore[return-value]

    with pytest.raises(ResponseValidationError) as info:
        serve(app, "get", get).get("/thing")
    assert str(info.value) == (
        "Thing.get returned Other, but its return annotation says Todo. Return a Todo"
        " instance or change the annotation."
    )


def test_value_for_a_no_content_operation_fails_loudly(app: App) -> None:
    def delete(self: Any) -> None:
        return Todo(1, "a")  # type: ignore[return-value]

    with pytest.raises(ResponseValidationError, match=r"Thing.delete is declared to return no"):
        serve(app, "delete", delete).delete("/thing")


def test_response_validation_is_on_in_debug(app: App) -> None:
    app.config["TESTING"] = False
    app.config["DEBUG"] = True
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ResponseValidationError):
        serve(app, "get", wrong_get).get("/thing")


def test_response_validation_is_off_in_production(app: App) -> None:
    app.config["TESTING"] = False
    response = serve(app, "get", wrong_get).get("/thing")
    assert response.get_json() == {"id": 1, "name": 2, "due": None}


def test_response_validation_can_be_turned_off_when_testing(app: App) -> None:
    app.config["VALIDATE_RESPONSES"] = False
    assert serve(app, "get", wrong_get).get("/thing").status_code == 200


def test_response_validation_can_be_turned_on_in_production(app: App) -> None:
    app.config["TESTING"] = False
    app.config["VALIDATE_RESPONSES"] = True
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ResponseValidationError):
        serve(app, "get", wrong_get).get("/thing")


def test_validate_response_checks_nested_lists() -> None:
    from resourceful.convert import make_converter

    with pytest.raises(ResponseValidationError) as info:
        validate_response([Todo(1, "a"), Todo("2", "b")], list[Todo], make_converter(), "R.list")
    assert str(info.value) == (
        "R.list returned a value that does not match its return annotation list[Todo]:"
        ' /1/id: expected an integer, got the string "2"'
    )


# -- Typed headers of a Reply ---------------------------------------------------------------

_TYPED_HEADERS: dict[str, Any] = {
    "X-Total-Count": int,
    "X-Fresh": bool,
    "X-Since": dt.datetime,
    "X-Tags": list[str],
}


def _typed_reply(app: App, headers: Any) -> Any:
    class Listing(Resource):
        @operation(response_headers=_TYPED_HEADERS)
        def list(self) -> Reply[list[Other]]:
            return Reply([], headers=headers)

    app.add_resource(Listing, "/listing")
    return app.test_client()


def test_declared_reply_headers_are_written_with_the_text_rules(app: App) -> None:
    since = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.timezone.utc)
    client = _typed_reply(
        app,
        {"X-Total-Count": 3, "X-Fresh": True, "X-Since": since, "X-Tags": ["a", "b"], "X-Other": 7},
    )

    response = client.get("/listing")

    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["X-Fresh"] == "true"
    assert response.headers["X-Since"] == "2026-12-01T10:30:00+00:00"
    assert response.headers.getlist("X-Tags") == ["a, b"]
    # A header the operation does not declare is sent as werkzeug writes it.
    assert response.headers["X-Other"] == "7"


def test_declared_reply_headers_read_back_as_a_header_parameter_of_their_type(app: App) -> None:
    from resourceful.convert import TextConverter
    from resourceful.convert.text_rules import list_items

    since = dt.datetime(2026, 12, 1, 10, 30, 15, 250000, tzinfo=dt.timezone.utc)
    sent = {"X-Total-Count": -12, "X-Fresh": False, "X-Since": since, "X-Tags": ["x y", "z"]}
    response = _typed_reply(app, sent).get("/listing")

    text = TextConverter()
    for name, tp in _TYPED_HEADERS.items():
        texts = response.headers.getlist(name)
        read = list_items(texts) if tp == list[str] else texts[0]
        assert text.structure(read, tp) == sent[name], name


def test_a_declared_reply_header_its_type_refuses_fails_loudly_when_testing(app: App) -> None:
    client = _typed_reply(app, {"X-Total-Count": "three"})

    with pytest.raises(ResponseValidationError) as info:
        client.get("/listing")

    assert str(info.value) == (
        "Listing.list sent the header X-Total-Count: 'three', which its declared type int"
        ' refuses: expected an integer, got "three". Send a value of that type, or change'
        " the operation's response_headers."
    )


def test_a_declared_reply_header_given_as_valid_text_is_sent_as_it_is(app: App) -> None:
    response = _typed_reply(app, {"X-Total-Count": "42", "X-Fresh": "false"}).get("/listing")

    assert (response.headers["X-Total-Count"], response.headers["X-Fresh"]) == ("42", "false")


def test_reply_headers_are_not_checked_when_response_validation_is_off(app: App) -> None:
    app.config["VALIDATE_RESPONSES"] = False

    response = _typed_reply(app, {"X-Total-Count": "three"}).get("/listing")

    assert response.headers["X-Total-Count"] == "three"


def test_declared_reply_headers_are_typed_in_a_list_of_pairs(app: App) -> None:
    pairs = [("X-Fresh", True), ("X-Tags", ["a", "b"]), ("X-Other", "kept")]

    response = _typed_reply(app, pairs).get("/listing")

    assert response.headers["X-Fresh"] == "true"
    assert response.headers.getlist("X-Tags") == ["a, b"]
    assert response.headers["X-Other"] == "kept"


def test_declared_headers_in_werkzeug_headers_are_checked_as_the_text_they_hold(
    app: App,
) -> None:
    from werkzeug.datastructures import Headers

    # Headers turns values into text when it is built, so only the check applies.
    assert (
        _typed_reply(app, Headers([("X-Fresh", "false")])).get("/listing").headers["X-Fresh"]
        == "false"
    )
    other = App("other")
    other.testing = True
    with pytest.raises(ResponseValidationError, match="sent the header X-Fresh: 'maybe'"):
        _typed_reply(other, Headers([("X-Fresh", "maybe")])).get("/listing")


def test_a_refused_header_in_a_list_of_pairs_fails_loudly_when_testing(app: App) -> None:
    client = _typed_reply(app, [("X-Fresh", "maybe")])

    with pytest.raises(ResponseValidationError, match="sent the header X-Fresh: 'maybe'"):
        client.get("/listing")
