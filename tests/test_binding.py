import datetime as dt
import enum
import io
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

import attrs
import pytest
from attrs import validators as v
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
    params_from_signature,
    rule_variables,
)
from resourceful.errors import DefinitionError
from resourceful.fields import field
from resourceful.resources import Resource


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@attrs.define
class Item:
    name: str = attrs.field(validator=v.min_len(1))
    qty: int = field(name="quantity", validator=v.ge(1))


@attrs.define
class Order:
    items: list[Item]
    note: str | None = None


@attrs.define
class Cat:
    kind: Literal["cat"]
    lives: int


@attrs.define
class Dog:
    kind: Literal["dog"]
    good: bool


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


@pytest.fixture
def app() -> App:
    app = App(__name__)
    app.config["TESTING"] = True
    return app


def problem(response: Any) -> dict[str, Any]:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    data = response.get_json()
    assert isinstance(data, dict)
    return data


def pointers(response: Any) -> list[tuple[str, str]]:
    return [(e["location"], e["pointer"]) for e in problem(response)["errors"]]


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


def test_sequence_of_attrs_classes_is_the_body_like_a_list() -> None:
    def create(self: Any, items: Sequence[Item], names: frozenset[str] = frozenset()) -> None:
        pass

    body, query = params_from_signature(create, "Items.create", {})
    assert (body.location, query.location) == ("body", "query")


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
        (dt.datetime, "2024-05-06T07:08:09", "2024-05-06T07:08:09+00:00"),
        (dt.time, "07:08", "07:08:00"),
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


@pytest.fixture
def orders(app: App) -> App:
    @app.resource("/orders/")
    class Orders(Resource):
        def create(self, order: Order) -> Order:
            return order

    return app


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


# -- definition mistakes -------------------------------------------------------------


def signature_error(func: Any, rule: str = "/x") -> str:
    with pytest.raises(DefinitionError) as info:
        params_from_signature(func, "Res.get", rule_variables(rule))
    return str(info.value)


def test_parameter_without_annotation_is_a_definition_error() -> None:
    def get(self: Any, limit) -> None:  # type: ignore[no-untyped-def]
        pass

    assert signature_error(get) == (
        "Res.get: parameter 'limit' has no annotation, so resourceful cannot tell where it"
        " comes from or what type it is. Annotate it, for example `limit: str` (query),"
        " `limit: Header[str]` or a body attrs class."
    )


def test_rule_variable_without_parameter_is_a_definition_error() -> None:
    def get(self: Any) -> None:
        pass

    assert signature_error(get, "/todos/<int:todo_id>") == (
        "Res.get: the rule variable <todo_id> has no parameter. Add a parameter"
        " `todo_id: int` to the handler, or remove the variable from the rule."
    )


def test_path_marker_without_rule_variable_is_a_definition_error() -> None:
    from resourceful.binding import Path

    def get(self: Any, todo_id: Path[int]) -> None:
        pass

    assert signature_error(get, "/todos/") == (
        "Res.get: parameter 'todo_id' is marked Path[...] but the rule has no <todo_id>"
        " variable. Add it to the rule or read the value from elsewhere."
    )


def test_converter_that_disagrees_with_annotation_is_a_definition_error() -> None:
    def get(self: Any, todo_id: str) -> None:
        pass

    assert signature_error(get, "/todos/<int:todo_id>") == (
        "Res.get: parameter 'todo_id' is annotated str but the rule's <int:todo_id> converter"
        " produces int. Annotate it `todo_id: int` or change the converter in the rule."
    )


def test_numeric_annotation_on_string_variable_is_a_definition_error() -> None:
    def get(self: Any, todo_id: int) -> None:
        pass

    assert signature_error(get, "/todos/<todo_id>") == (
        "Res.get: parameter 'todo_id' is annotated int but the rule's <todo_id> variable is a"
        " string. Write <int:todo_id> in the rule so that non-numbers do not match."
    )


def test_two_json_bodies_are_a_definition_error() -> None:
    def create(self: Any, first: Item, second: Order) -> None:
        pass

    assert signature_error(create) == (
        "Res.get: parameters 'first' and 'second' both read the JSON body; a request has one"
        " body. Combine them into one attrs class."
    )


def test_json_body_and_form_together_are_a_definition_error() -> None:
    def create(self: Any, first: Item, name: Form[str]) -> None:
        pass

    assert "reads both a JSON body and form data" in signature_error(create)


def test_var_keyword_parameters_are_a_definition_error() -> None:
    def get(self: Any, **extra: str) -> None:
        pass

    assert "**extra parameters cannot be bound" in signature_error(get)


def test_query_parameter_of_unparsable_type_is_a_definition_error(app: App) -> None:
    class Resourceless(Resource):
        def get(self, payload: dict[str, int]) -> None:
            pass

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Resourceless, "/x")
    message = str(info.value)
    assert message.startswith(
        "Resourceless.get: parameter 'payload' (query) has the type dict[str, int], which"
        " cannot be structured:"
    )
    assert message.endswith("If it is the JSON body, mark it Body[...].")


def test_body_of_unsupported_type_is_a_definition_error_at_registration(app: App) -> None:
    class Opaque:
        pass

    @attrs.define
    class Holder:
        thing: Opaque

    class Holders(Resource):
        def create(self, holder: Holder) -> None:
            pass

    with pytest.raises(DefinitionError) as info:
        app.add_resource(Holders, "/holders")
    message = str(info.value)
    assert message.startswith("Holders.create: parameter 'holder' (JSON body) has the type Holder")
    assert "Cannot structure field" in message and "Holder.thing" in message


# -- reading the body --------------------------------------------------------------------------

ORDER_JSON = b'{"items": [{"name": "tea", "quantity": 2}]}'


def _post_environ(body: bytes, **extra: Any) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/orders/",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
    }
    environ.update(extra)
    return environ


def _call(app: App, environ: dict[str, Any]) -> tuple[int, bytes]:
    status: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(line)
        return lambda data: None

    body = b"".join(app(environ, start_response))
    return int(status[0].split()[0]), body


def test_body_of_content_length_is_read_once_and_cached(app: App) -> None:
    seen: list[Any] = []

    @app.resource("/orders/")
    class Orders(Resource):
        def create(self, order: Order, request: Request) -> Order:
            seen.extend([request.get_data(), request.get_json(), request.stream.read()])
            return order

    status, _ = _call(app, _post_environ(ORDER_JSON))

    assert status == 201
    assert seen == [ORDER_JSON, {"items": [{"name": "tea", "quantity": 2}]}, b""]


def test_body_already_read_by_a_hook_is_bound(orders: App) -> None:
    @orders.before_request
    def peek() -> None:
        from resourceful import request

        assert request.get_data() == ORDER_JSON

    status, body = _call(orders, _post_environ(ORDER_JSON))

    assert status == 201, body


def test_chunked_json_body_is_bound(orders: App) -> None:
    environ = _post_environ(ORDER_JSON, HTTP_TRANSFER_ENCODING="chunked")
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True

    status, body = _call(orders, environ)

    assert status == 201, body


def test_json_body_over_max_content_length_is_413(orders: App) -> None:
    orders.config["MAX_CONTENT_LENGTH"] = 10

    status, _ = _call(orders, _post_environ(ORDER_JSON))

    assert status == 413


def test_json_body_shorter_than_its_content_length_is_400(orders: App) -> None:
    environ = _post_environ(ORDER_JSON, CONTENT_LENGTH=str(len(ORDER_JSON) + 5))

    status, _ = _call(orders, environ)

    assert status == 400


def test_json_body_with_a_charset_parameter_is_json(orders: App) -> None:
    environ = _post_environ(ORDER_JSON, CONTENT_TYPE="application/json; charset=utf-8")

    status, body = _call(orders, environ)

    assert status == 201, body


# -- strict JSON: what parses in Python but is refused -------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            b'{"items": [], "items": [{"name": "x", "quantity": 1}]}',
            'has the key "items" twice in one object; send each key once',
        ),
        (
            b'{"items": [], "note": NaN}',
            "contains NaN, which is not a JSON number; send finite numbers only",
        ),
        (
            b'{"items": [], "note": -Infinity}',
            "contains -Infinity, which is not a JSON number; send finite numbers only",
        ),
        (
            b'{"items": [], "note": "\\ud800"}',
            "contains a lone surrogate escape (\\ud800 to \\udfff without its pair), which is"
            " not a character; send valid Unicode text",
        ),
        (
            b'{"items": [], "note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "nests arrays or objects too deeply to be read; send a flatter document",
        ),
    ],
    ids=["duplicate-key", "nan", "infinity", "lone-surrogate", "deep-nesting"],
)
def test_json_that_i_json_refuses_is_a_400_problem(orders: App, body: bytes, detail: str) -> None:
    response = orders.test_client().post("/orders/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert problem(response)["detail"] == "The request body is JSON that cannot be accepted."
    assert problem(response)["errors"] == [{"location": "body", "pointer": "", "detail": detail}]


def test_surrogate_pair_escape_is_one_character(orders: App) -> None:
    response = orders.test_client().post(
        "/orders/", data=b'{"items": [], "note": "\\ud83d\\ude00"}', content_type="application/json"
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["note"] == "\U0001f600"


def test_body_that_is_not_utf8_is_a_400_problem(orders: App) -> None:
    response = orders.test_client().post(
        "/orders/", data=b'{"items": [], "note": "\xff"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert problem(response)["errors"][0]["detail"].startswith(
        "is not valid JSON: 'utf-8' codec can't decode byte 0xff"
    )


def test_utf8_body_with_a_byte_order_mark_is_read(orders: App) -> None:
    response = orders.test_client().post(
        "/orders/", data=b'\xef\xbb\xbf{"items": []}', content_type="application/json"
    )

    assert response.status_code == 201, response.get_data(as_text=True)


@attrs.define
class Node:
    children: list["Node"] = attrs.field(factory=list)


def test_body_nested_deeper_than_the_structuring_can_go_is_a_400_problem(app: App) -> None:
    @app.resource("/trees/")
    class Trees(Resource):
        def create(self, tree: Node) -> None:
            return None

    depth = 600  # parses, but the recursive class structuring goes deeper than Python allows
    body = '{"children": [' * depth + "]}" * depth
    response = app.test_client().post("/trees/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "",
            "detail": "nests arrays or objects too deeply to be read; send a flatter document",
        }
    ]


def test_replaced_json_provider_parses_the_body_its_own_way(orders: App) -> None:
    from resourceful.json.provider import DefaultJSONProvider

    class LastKeyWins(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            return super().loads(s, **kwargs)

    orders.json = LastKeyWins(orders)
    response = orders.test_client().post(
        "/orders/", data=b'{"items": [1], "items": []}', content_type="application/json"
    )

    assert response.status_code == 201, response.get_data(as_text=True)


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
        (dt.time, "07:08", "07:08:00"),
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
        (Node, {"children": [{"children": []}]}, {"children": [{"children": []}]}),
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
