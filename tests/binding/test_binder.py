"""The compiled binder: where each value comes from, every error at once."""

import datetime as dt
import enum
import io
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

import attrs
import pytest
from attrs import validators as v
from models import Branch, Cat, Dog, Item, Order
from problem_json import pointers, problem
from werkzeug.datastructures import FileStorage

from resourceful import App, Request
from resourceful.binding import (
    Body,
    Cookie,
    File,
    Form,
    Header,
    Query,
    Source,
)
from resourceful.resources import Resource


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@attrs.define
class Filters:
    done: bool | None = None
    limit: int = attrs.field(default=20, validator=v.le(100))
    tags: list[str] = attrs.field(factory=list)


@attrs.define
class Tracing:
    trace_id: str
    sampled: bool = False


@attrs.define
class Login:
    user: str
    remember: bool = False


# -- the parameter source rule ------------------------------------------------------------------


def test_json_body_is_structured_into_the_attrs_parameter(app: App) -> None:
    received: list[Order] = []

    @app.resource("/orders/")
    class Orders(Resource):
        def create(self, order: Order) -> None:
            received.append(order)

    response = app.test_client().post("/orders/", json={"items": [{"name": "milk", "quantity": 2}]})
    assert response.status_code == 204
    assert received == [Order(items=[Item("milk", 2)])]


def test_list_of_attrs_classes_is_the_body(app: App) -> None:
    received: list[list[Item]] = []

    @app.resource("/items/")
    class Items(Resource):
        def create(self, items: list[Item]) -> None:
            received.append(items)

    app.test_client().post("/items/", json=[{"name": "a", "quantity": 1}])
    assert received == [[Item("a", 1)]]


def test_tagged_union_body_picks_the_class(app: App) -> None:
    received: list[Cat | Dog] = []

    @app.resource("/pets/")
    class Pets(Resource):
        def create(self, pet: Cat | Dog) -> None:
            received.append(pet)

    client = app.test_client()
    client.post("/pets/", json={"kind": "dog", "good": True})
    response = client.post("/pets/", json={"kind": "cow"})
    assert received == [Dog("dog", True)]
    assert pointers(response) == [("body", "/kind")]


def test_explicit_body_marker_reads_a_non_attrs_body(app: App) -> None:
    received: list[dict[str, int]] = []

    @app.resource("/scores")
    class Scores(Resource):
        def replace(self, scores: Body[dict[str, int]]) -> None:
            received.append(scores)

    app.test_client().put("/scores", json={"a": 1})
    assert received == [{"a": 1}]


def test_path_parameters_come_from_the_rule(app: App) -> None:
    @app.resource("/things/<int:thing_id>/<slug>")
    class Thing(Resource):
        def get(self, thing_id: int, slug: str) -> dict[str, Any]:
            return {"id": thing_id, "slug": slug}

    assert app.test_client().get("/things/3/abc").get_json() == {"id": 3, "slug": "abc"}


def test_path_parameter_of_text_type_is_parsed_by_the_text_rules(app: App) -> None:
    @app.resource("/days/<day>")
    class Day(Resource):
        def get(self, day: dt.date) -> dict[str, str]:
            return {"weekday": day.strftime("%A")}

    client = app.test_client()
    assert client.get("/days/2024-01-01").get_json() == {"weekday": "Monday"}
    response = client.get("/days/monday")
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "path",
            "pointer": "/day",
            "detail": 'expected an ISO 8601 date (YYYY-MM-DD), got "monday"',
        }
    ]


def test_unannotated_by_marker_scalars_come_from_the_query(app: App) -> None:
    @app.resource("/search")
    class Search(Resource):
        def get(self, q: str, page: int = 1) -> dict[str, Any]:
            return {"q": q, "page": page}

    client = app.test_client()
    assert client.get("/search?q=milk&page=2").get_json() == {"q": "milk", "page": 2}
    assert client.get("/search?q=milk").get_json() == {"q": "milk", "page": 1}
    response = client.get("/search")
    assert problem(response)["errors"] == [
        {"location": "query", "pointer": "/q", "detail": "is required but missing"}
    ]


def test_request_annotation_receives_the_request(app: App) -> None:
    @app.resource("/echo")
    class Echo(Resource):
        def get(self, request: Request) -> dict[str, str]:
            return {"path": request.path}

    assert app.test_client().get("/echo").get_json() == {"path": "/echo"}


# -- query ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tp", "raw", "expected"),
    [
        (str, "x", "x"),
        (int, "4", 4),
        (float, "2.5", 2.5),
        (bool, "yes", True),
        (Decimal, "1.10", "1.10"),
        (uuid.UUID, "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001"),
        (dt.date, "2024-05-06", "2024-05-06"),
        (dt.datetime, "2024-05-06T07:08:09Z", "2024-05-06T07:08:09+00:00"),
        (dt.time, "07:08:00", "07:08:00"),
        (Color, "green", "green"),
        (Literal["asc", "desc"], "desc", "desc"),
        (int | None, "", None),
        (list[int], ["1", "2"], [1, 2]),
        (tuple[int, ...], ["3"], [3]),
        (set[str], ["a", "a"], ["a"]),
        (frozenset[str], ["b"], ["b"]),
    ],
)
def test_query_parameter_of_each_supported_type(
    app: App, tp: Any, raw: str | list[str], expected: Any
) -> None:
    def get(self: Any, value: tp) -> Any:  # type: ignore[valid-type]
        return {"value": value}

    get.__annotations__ = {"value": tp, "return": dict[str, Any]}
    resource = type("Probe", (Resource,), {"get": get})
    app.add_resource(resource, "/probe")
    values = raw if isinstance(raw, list) else [raw]
    query = "&".join(f"value={item}" for item in values)
    response = app.test_client().get(f"/probe?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"value": expected}


def test_query_group_gathers_values_and_repeated_keys(app: App) -> None:
    @app.resource("/todos/")
    class Todos(Resource):
        def list(self, filters: Query[Filters]) -> Filters:
            return filters

    response = app.test_client().get("/todos/?done=true&limit=5&tags=a&tags=b&other=1")
    assert response.get_json() == {"done": True, "limit": 5, "tags": ["a", "b"]}


def test_query_group_uses_defaults_when_keys_are_absent(app: App) -> None:
    @app.resource("/todos/")
    class Todos(Resource):
        def list(self, filters: Query[Filters]) -> Filters:
            return filters

    assert app.test_client().get("/todos/").get_json() == {"done": None, "limit": 20, "tags": []}


def test_every_query_error_is_reported_with_its_pointer(app: App) -> None:
    @app.resource("/todos/")
    class Todos(Resource):
        def list(self, filters: Query[Filters]) -> Filters:
            return filters

    response = app.test_client().get("/todos/?done=maybe&limit=500")
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "query",
            "pointer": "/done",
            "detail": 'expected a boolean (true/false, 1/0, yes/no, on/off) or "", got "maybe"',
        },
        {
            "location": "query",
            "pointer": "/limit",
            "detail": "must be at most 100, got the number 500",
        },
    ]


def test_malformed_query_string_is_a_400_problem(app: App) -> None:
    @app.resource("/search")
    class Search(Resource):
        def get(self, q: str = "") -> dict[str, str]:
            return {"q": q}

    response = app.test_client().get("/search?q=%zz")
    assert response.status_code == 400
    assert problem(response)["status"] == 400


# -- headers and cookies ---------------------------------------------------------------------------


def test_header_parameter_uses_dashes_for_underscores(app: App) -> None:
    @app.resource("/whoami")
    class WhoAmI(Resource):
        def get(self, x_user_id: Header[int]) -> dict[str, int]:
            return {"user": x_user_id}

    client = app.test_client()
    assert client.get("/whoami", headers={"X-User-Id": "7"}).get_json() == {"user": 7}
    response = client.get("/whoami", headers={"X-User-Id": "seven"})
    assert problem(response)["errors"] == [
        {
            "location": "header",
            "pointer": "/x-user-id",
            "detail": 'expected an integer, got "seven"',
        }
    ]


def test_source_gives_a_parameter_its_own_wire_name(app: App) -> None:
    @app.resource("/trace")
    class Trace(Resource):
        def get(
            self, request_id: Annotated[str, Source("header", name="X-Request-ID")]
        ) -> dict[str, str]:
            return {"id": request_id}

    response = app.test_client().get("/trace", headers={"X-Request-ID": "abc"})
    assert response.get_json() == {"id": "abc"}


def test_header_group_reports_header_names(app: App) -> None:
    @app.resource("/trace")
    class Trace(Resource):
        def get(self, tracing: Header[Tracing]) -> Tracing:
            return tracing

    client = app.test_client()
    ok = client.get("/trace", headers={"Trace-Id": "t1", "Sampled": "on"})
    assert ok.get_json() == {"trace_id": "t1", "sampled": True}
    response = client.get("/trace", headers={"Sampled": "perhaps"})
    assert pointers(response) == [("header", "/trace-id"), ("header", "/sampled")]


def test_cookie_parameter_and_group(app: App) -> None:
    @attrs.define
    class Prefs:
        theme: Literal["light", "dark"] = "light"

    @app.resource("/prefs")
    class PrefsResource(Resource):
        def get(self, session_id: Cookie[str], prefs: Cookie[Prefs]) -> dict[str, str]:
            return {"session": session_id, "theme": prefs.theme}

    client = app.test_client()
    client.set_cookie("session_id", "s1")
    client.set_cookie("theme", "dark")
    assert client.get("/prefs").get_json() == {"session": "s1", "theme": "dark"}
    client.set_cookie("theme", "blue")
    assert pointers(client.get("/prefs")) == [("cookie", "/theme")]


# -- forms and files ---------------------------------------------------------------------


def test_form_group_is_structured_from_form_fields(app: App) -> None:
    @app.resource("/login")
    class LoginResource(Resource):
        def create(self, login: Form[Login]) -> Login:
            return login

    client = app.test_client()
    response = client.post("/login", data={"user": "ann", "remember": "yes"})
    assert response.get_json() == {"user": "ann", "remember": True}
    assert pointers(client.post("/login", data={"remember": "x"})) == [
        ("body", "/user"),
        ("body", "/remember"),
    ]


def test_form_parameter_needs_a_form_content_type(app: App) -> None:
    @app.resource("/login")
    class LoginResource(Resource):
        def create(self, user: Form[str]) -> dict[str, str]:
            return {"user": user}

    response = app.test_client().post("/login", json={"user": "ann"})
    assert response.status_code == 415
    assert (
        "Content-Type: application/x-www-form-urlencoded or multipart/form-data"
        in (problem(response)["detail"])
    )


def test_uploaded_files_are_bound(app: App) -> None:
    @app.resource("/avatars")
    class Avatars(Resource):
        def create(
            self, avatar: FileStorage, extra: File[list[FileStorage]] | None = None
        ) -> dict[str, Any]:
            return {"name": avatar.filename, "size": len(avatar.read()), "extra": len(extra or [])}

    client = app.test_client()
    response = client.post(
        "/avatars",
        data={
            "avatar": (io.BytesIO(b"abc"), "me.png"),
            "extra": [(io.BytesIO(b"1"), "a"), (io.BytesIO(b"2"), "b")],
        },
        content_type="multipart/form-data",
    )
    assert response.get_json() == {"name": "me.png", "size": 3, "extra": 2}
    missing = client.post("/avatars", data={"other": "x"}, content_type="multipart/form-data")
    assert problem(missing)["errors"] == [
        {
            "location": "body",
            "pointer": "/avatar",
            "detail": "is required but missing; upload a file in the multipart field 'avatar'",
        }
    ]


# -- body errors: 415, 400, 422 ---------------------------------------------------------


def test_json_body_without_json_content_type_is_415(orders: App) -> None:
    response = orders.test_client().post("/orders/", data="{}", content_type="text/plain")
    assert response.status_code == 415
    assert problem(response)["detail"] == (
        "POST /orders/ expects a JSON body: send it with Content-Type: application/json"
        " (got text/plain)."
    )


def test_json_body_with_no_content_type_is_415(orders: App) -> None:
    response = orders.test_client().post("/orders/")
    assert response.status_code == 415
    assert problem(response)["detail"].endswith("(got no Content-Type).")


def test_malformed_json_is_400_with_the_parse_error(orders: App) -> None:
    response = orders.test_client().post("/orders/", data="{nope", content_type="application/json")
    assert response.status_code == 400
    body = problem(response)
    assert body["title"] == "Bad Request"
    assert body["errors"][0]["location"] == "body"
    assert body["errors"][0]["detail"].startswith("is not valid JSON: Expecting property name")


def test_vendor_json_content_type_is_accepted(orders: App) -> None:
    response = orders.test_client().post(
        "/orders/", data='{"items": []}', content_type="application/vnd.api+json"
    )
    assert response.status_code == 201


def test_invalid_body_reports_every_field_with_its_pointer(orders: App) -> None:
    response = orders.test_client().post(
        "/orders/",
        json={"items": [{"name": "", "quantity": 0}, {"quantity": "2"}], "note": 5},
    )
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "/items/0/name",
            "detail": "must have at least 1 character, got 0",
        },
        {
            "location": "body",
            "pointer": "/items/0/quantity",
            "detail": "must be at least 1, got the number 0",
        },
        {"location": "body", "pointer": "/items/1/name", "detail": "is required but missing"},
        {
            "location": "body",
            "pointer": "/items/1/quantity",
            "detail": 'expected an integer, got the string "2"',
        },
        {
            "location": "body",
            "pointer": "/note",
            "detail": "expected a string or null, got the number 5",
        },
    ]


def test_errors_from_every_location_come_in_one_response(app: App) -> None:
    @app.resource("/orders/<int:order_id>")
    class OrderResource(Resource):
        def replace(self, order_id: int, order: Order, dry_run: bool = False) -> Order:
            return order

    response = app.test_client().put("/orders/1?dry_run=perhaps", json={"items": "none"})
    assert pointers(response) == [("body", "/items"), ("query", "/dry_run")]


def test_validation_error_status_is_configurable(orders: App) -> None:
    orders.config["VALIDATION_ERROR_STATUS"] = 400
    response = orders.test_client().post("/orders/", json={})
    assert response.status_code == 400
    assert problem(response)["errors"][0]["pointer"] == "/items"


def test_unknown_body_fields_are_rejected_by_default(orders: App) -> None:
    response = orders.test_client().post("/orders/", json={"items": [], "extra": 1})
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "/extra",
            "detail": "is not a known field; expected only: items, note",
        }
    ]


def test_unknown_body_fields_are_ignored_when_configured(orders: App) -> None:
    orders.config["REJECT_UNKNOWN_FIELDS"] = False
    response = orders.test_client().post("/orders/", json={"items": [], "extra": 1})
    assert response.status_code == 201
    assert response.get_json() == {"items": [], "note": None}


def test_optional_body_may_be_left_out(app: App) -> None:
    @app.resource("/ping")
    class Ping(Resource):
        def create(self, order: Order | None = None) -> dict[str, bool]:
            return {"body": order is not None}

    client = app.test_client()
    assert client.post("/ping").get_json() == {"body": False}
    assert client.post("/ping", json={"items": []}).get_json() == {"body": True}


def test_replaced_converter_is_used_for_binding(app: App) -> None:
    from resourceful.convert import make_converter

    @attrs.define
    class Money:
        cents: int

    @app.resource("/prices")
    class Prices(Resource):
        def create(self, price: Body[Money]) -> dict[str, int]:
            return {"cents": price.cents}

    client = app.test_client()
    assert client.post("/prices", json={"cents": 5}).get_json() == {"cents": 5}
    converter = make_converter()
    converter.register_structure_hook(Money, lambda value, _: Money(round(float(value) * 100)))
    app.converter = converter
    assert client.post("/prices", json="1.25").get_json() == {"cents": 125}


# -- repeated keys ---------------------------------------------------------------------------------


def test_query_key_repeated_for_a_one_value_parameter_is_a_422_problem(app: App) -> None:
    @app.resource("/search")
    class Search(Resource):
        def get(self, q: str = "") -> dict[str, str]:
            return {"q": q}

    response = app.test_client().get("/search?q=a&q=b")

    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "query",
            "pointer": "/q",
            "detail": 'was sent 2 times ("a", "b"); expected one value, send it once',
        }
    ]


def test_query_group_reports_a_repeated_key_and_every_other_error(app: App) -> None:
    @app.resource("/todos/")
    class Todos(Resource):
        def list(self, filters: Query[Filters]) -> Filters:
            return filters

    response = app.test_client().get("/todos/?limit=1&limit=2&limit=3&done=maybe&tags=a&tags=b")

    assert response.status_code == 422
    assert pointers(response) == [("query", "/limit"), ("query", "/done")]
    assert problem(response)["errors"][0]["detail"] == (
        'was sent 3 times ("1", "2", "3"); expected one value, send it once'
    )


def test_form_field_repeated_for_a_one_value_field_is_a_422_problem(app: App) -> None:
    @app.resource("/login")
    class LoginForm(Resource):
        def create(self, form: Form[Login]) -> Login:
            return form

    response = app.test_client().post(
        "/login", data="user=a&user=b", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 422
    assert pointers(response) == [("body", "/user")]


# -- body: one test per supported type, through a request ------------------------------------------


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@pytest.mark.parametrize(
    ("tp", "raw", "expected"),
    [
        (str, "x", "x"),
        (int, 4, 4),
        (float, 2.5, 2.5),
        (bool, False, False),
        (Decimal, "1.10", "1.10"),
        (uuid.UUID, "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001"),
        (dt.date, "2024-05-06", "2024-05-06"),
        (dt.datetime, "2024-05-06T07:08:09Z", "2024-05-06T07:08:09+00:00"),
        (dt.time, "07:08:00", "07:08:00"),
        (Color, "green", "green"),
        (Level, 2, 2),
        (Literal["asc", "desc"], "desc", "desc"),
        (int | None, None, None),
        (int | str, "x", "x"),
        (Cat | Dog, {"kind": "dog", "good": True}, {"kind": "dog", "good": True}),
        (list[int], [1, 2], [1, 2]),
        (tuple[int, str], [1, "a"], [1, "a"]),
        (set[str], ["a", "a"], ["a"]),
        (frozenset[str], ["b"], ["b"]),
        (dict[str, int], {"a": 1}, {"a": 1}),
        (Item, {"name": "n", "quantity": 2}, {"name": "n", "quantity": 2}),
        (Branch, {"children": [{"children": []}]}, {"children": [{"children": []}]}),
    ],
    ids=lambda value: getattr(value, "__name__", None) or repr(value),
)
def test_json_body_field_of_each_supported_type(app: App, tp: Any, raw: Any, expected: Any) -> None:
    holder = attrs.make_class("Holder", {"value": attrs.field(type=tp)})

    def create(self: Any, body: Any) -> Any:
        return body

    create.__annotations__ = {"body": holder, "return": holder}
    app.add_resource(type("Holders", (Resource,), {"create": create}), "/holders/")

    response = app.test_client().post("/holders/", json={"value": raw})

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json() == {"value": expected}


def test_a_415_detail_names_the_request_path_not_the_rule(app: App) -> None:
    @app.resource("/todos/<int:todo_id>")
    class Todos(Resource):
        def replace(self, todo_id: int, body: Item) -> None:
            return None

    response = app.test_client().put("/todos/7", data="x", content_type="text/plain")
    assert response.status_code == 415
    assert problem(response)["detail"].startswith("PUT /todos/7 expects a JSON body")


def test_a_list_header_reads_comma_separated_items_from_every_line(app: App) -> None:
    @attrs.define
    class Scopes:
        x_roles: list[str] = attrs.Factory(list)

    class Lists(Resource):
        def get(self, x_ids: Header[list[int]], scopes: Header[Scopes]) -> dict[str, Any]:
            return {"ids": x_ids, "roles": scopes.x_roles}

    app.add_resource(Lists, "/lists")
    client = app.test_client()

    one_line = client.get("/lists", headers={"X-Ids": "1, 2,3", "X-Roles": "a,\tb"})
    two_lines = client.get("/lists", headers=[("X-Ids", "1"), ("X-Ids", "2 ,"), ("X-Roles", "a")])
    refused = client.get("/lists", headers={"X-Ids": "1, two"})

    assert one_line.get_json() == {"ids": [1, 2, 3], "roles": ["a", "b"]}
    assert two_lines.get_json() == {"ids": [1, 2], "roles": ["a"]}
    assert refused.status_code == 422
    assert pointers(refused) == [("header", "/x-ids/1")]
