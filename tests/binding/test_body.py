"""Reading the body: cached reads, limits, and the strict JSON reading."""

import io
from typing import Any

import pytest
from models import Branch, Order
from problem_json import problem

from resourceful import App, Request
from resourceful.resources import Resource

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


def test_body_bound_without_the_request_object_is_read_again_by_it(app: App) -> None:
    from resourceful import request
    from resourceful.globals import _cv_request

    seen: list[Any] = []

    @app.resource("/orders/")
    class Orders(Resource):
        def create(self, order: Order) -> Order:
            # The binder read the body from the environ: no request object yet.
            seen.append(_cv_request.get()._request is None)
            if order.note == "stream":
                seen.append(request.stream.read())
            else:
                seen.extend([request.get_data(), request.get_json()])
            return order

    stream_body = b'{"items": [], "note": "stream"}'
    assert _call(app, _post_environ(ORDER_JSON))[0] == 201
    assert _call(app, _post_environ(stream_body))[0] == 201

    assert seen == [
        True,
        ORDER_JSON,
        {"items": [{"name": "tea", "quantity": 2}]},
        True,
        stream_body,
    ]


def test_path_values_are_bound_without_the_request_object(app: App) -> None:
    from resourceful.globals import _cv_request

    made: list[bool] = []

    @app.resource("/orders/<int:order_id>")
    class OrderItem(Resource):
        def get(self, order_id: int) -> dict[str, int]:
            made.append(_cv_request.get()._request is not None)
            return {"id": order_id}

    environ = _post_environ(b"", REQUEST_METHOD="GET", PATH_INFO="/orders/7")

    assert _call(app, environ) == (200, b'{"id":7}\n')
    assert made == [False]


def _orders_app(*, make_request_first: bool) -> App:
    app = App(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.resource("/orders/")
    class Orders(Resource):
        def create(self, order: Order) -> Order:
            return order

    if make_request_first:

        @app.before_request
        def make_request() -> None:
            from resourceful import request

            assert request.method == "POST"

    return app


@pytest.mark.parametrize(
    ("body", "extra"),
    [
        (ORDER_JSON, {}),
        (b'{"items": [{"name": "", "quantity": -1}], "x": 1}', {}),
        (b'{"items": [], "items": []}', {}),
        (b"[1,", {}),
        (b"", {}),
        (ORDER_JSON, {"CONTENT_LENGTH": str(len(ORDER_JSON) + 5)}),
        (b" " * 101, {}),
        (ORDER_JSON, {"CONTENT_TYPE": "application/json; charset=utf-8"}),
        (ORDER_JSON, {"CONTENT_TYPE": "text/plain"}),
        (ORDER_JSON, {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}),
    ],
)
def test_body_bound_from_the_environ_answers_as_from_the_request_object(
    body: bytes, extra: dict[str, Any]
) -> None:
    answers = [
        _call(_orders_app(make_request_first=first), _post_environ(body, **extra))
        for first in (False, True)
    ]

    assert answers[0] == answers[1]


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


def test_body_nested_deeper_than_the_structuring_can_go_is_a_400_problem(app: App) -> None:
    @app.resource("/trees/")
    class Trees(Resource):
        def create(self, tree: Branch) -> None:
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


# -- the quick reading answers as the strict decoder does ----------------------------------------

import json  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from resourceful.binding import body as body_module  # noqa: E402

_KEYS = st.sampled_from(["a", "b", "a:b", "\\u003a", "\\ud800", "\\ud83d\\ude00", ""])
_SCALARS = st.sampled_from(
    ["1", "-0.5", "1e400", "true", "null", '"x"', '"a:b"', "NaN", "-Infinity", "9" * 5000]
)
_SPACE = st.sampled_from(["", " ", "\n\t", "\x0b"])


def _json_texts() -> st.SearchStrategy[str]:
    """JSON-like texts, written out so that keys may repeat and errors may appear."""

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        members = st.lists(st.tuples(_KEYS, inner), max_size=4).map(
            lambda pairs: "{" + ",".join(f'"{key}": {value}' for key, value in pairs) + "}"
        )
        items = st.lists(inner, max_size=4).map(lambda values: "[" + ", ".join(values) + "]")
        return members | items

    return st.tuples(
        _SPACE,
        st.recursive(_SCALARS, extend, max_leaves=12),
        _SPACE,
        st.sampled_from(["", "", "x", ","]),
    ).map("".join)


def _answer(read: Any, data: bytes) -> Any:
    try:
        return ("value", read(data))
    except Exception as exc:  # the kind of error and its message are the answer
        return (type(exc).__name__, str(exc))


@given(_json_texts(), st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_strict_json_loads_answers_as_the_strict_decoder(text: str, encoding: str) -> None:
    data = text.encode(encoding)

    def reference(raw: bytes) -> Any:
        return body_module._strict_loads(raw.decode(json.detect_encoding(raw)))

    assert _answer(body_module.strict_json_loads, data) == _answer(reference, data)
