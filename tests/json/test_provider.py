from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
import pytest
from markupsafe import Markup

from resourceful import App
from resourceful.globals import request
from resourceful.json.provider import DefaultJSONProvider, JSONProvider


@attrs.define
class Point:
    x: int
    y: int


@dataclasses.dataclass
class Pair:
    left: int
    right: str


def test_app_json_is_an_instance_of_the_provider_class(app: App) -> None:
    assert type(app.json) is DefaultJSONProvider


def test_provider_class_is_replaceable_per_app_class() -> None:
    class Provider(DefaultJSONProvider):
        pass

    class MyApp(App):
        json_provider_class = Provider

    assert type(MyApp(__name__).json) is Provider


def test_dumps_sorts_keys_and_escapes_non_ascii_by_default(app: App) -> None:
    assert app.json.dumps({"b": 1, "a": "é"}) == '{"a": "\\u00e9", "b": 1}'


def test_sort_keys_and_ensure_ascii_are_provider_attributes(app: App) -> None:
    provider = DefaultJSONProvider(app)
    provider.sort_keys = False
    provider.ensure_ascii = False
    assert provider.dumps({"b": 1, "a": "é"}) == '{"b": 1, "a": "é"}'


def test_dumps_keyword_arguments_override_the_attributes(app: App) -> None:
    assert app.json.dumps({"b": 1, "a": 2}, sort_keys=False) == '{"b": 1, "a": 2}'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc), "Wed, 21 Oct 2015 07:28:00 GMT"),
        (datetime(2015, 10, 21, 7, 28), "Wed, 21 Oct 2015 07:28:00 GMT"),
        (date(2015, 10, 21), "Wed, 21 Oct 2015 00:00:00 GMT"),
        (Decimal("3.10"), "3.10"),
        (UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
        (Markup("<b>x</b>"), "<b>x</b>"),
        (Pair(1, "a"), {"left": 1, "right": "a"}),
        (Point(1, 2), {"x": 1, "y": 2}),
    ],
    ids=repr,
)
def test_default_encodes_common_types(app: App, value: Any, expected: Any) -> None:
    assert json.loads(app.json.dumps({"v": value})) == {"v": expected}


def test_attrs_fields_are_encoded_by_the_converter_rules_not_the_http_date(app: App) -> None:
    # The converter owns the wire format of typed data (ISO 8601, as the
    # OpenAPI schema says); only loose datetimes use the HTTP date format.
    @attrs.define
    class Event:
        at: datetime
        where: Point
        pairs: list[Pair]

    event = Event(datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc), Point(1, 2), [Pair(3, "b")])
    assert json.loads(app.json.dumps(event)) == {
        "at": "2015-10-21T07:28:00+00:00",
        "where": {"x": 1, "y": 2},
        "pairs": [{"left": 3, "right": "b"}],
    }


def test_attrs_instances_go_through_the_app_converter(app: App) -> None:
    app.converter.register_unstructure_hook(Point, lambda p: f"{p.x},{p.y}")
    assert app.json.dumps([Point(1, 2)]) == '["1,2"]'


def test_object_with_html_method_is_encoded_as_its_html(app: App) -> None:
    class Snippet:
        def __html__(self) -> str:
            return "<i>hi</i>"

    assert app.json.dumps(Snippet()) == '"<i>hi</i>"'


def test_unsupported_type_error_names_the_type_and_the_fix(app: App) -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError) as info:
        app.json.dumps({"v": Opaque()})
    message = str(info.value)
    assert f"Object of type {Opaque.__qualname__} is not JSON serializable." in message
    assert "subclass DefaultJSONProvider and extend default()" in message


def test_default_can_be_extended_in_a_subclass(app: App) -> None:
    class SetProvider(DefaultJSONProvider):
        def default(self, obj: Any) -> Any:
            if isinstance(obj, set):
                return sorted(obj)
            return super().default(obj)

    app.json = SetProvider(app)
    assert app.json.dumps({"s": {3, 1, 2}, "d": Decimal("1.5")}) == '{"d": "1.5", "s": [1, 2, 3]}'


def test_loads_accepts_text_and_bytes(app: App) -> None:
    assert app.json.loads('{"a": [1]}') == {"a": [1]}
    assert app.json.loads('{"a": "é"}'.encode()) == {"a": "é"}
    assert app.json.loads('{"a": 1}'.encode("utf-16")) == {"a": 1}


def test_dump_and_load_use_files(app: App) -> None:
    out = io.StringIO()
    app.json.dump({"b": 1, "a": UUID(int=1)}, out)
    assert out.getvalue() == '{"a": "00000000-0000-0000-0000-000000000001", "b": 1}'
    assert app.json.load(io.StringIO('{"x": 1}')) == {"x": 1}
    assert app.json.load(io.BytesIO(b'{"x": 2}')) == {"x": 2}


# response()


def test_response_is_compact_json_with_a_trailing_newline(app: App) -> None:
    with app.app_context():
        response = app.json.response({"b": [1, 2], "a": None})
    assert response.mimetype == "application/json"
    assert response.get_data(as_text=True) == '{"a":null,"b":[1,2]}\n'


def test_response_is_indented_in_debug_mode(app: App) -> None:
    app.debug = True
    with app.app_context():
        response = app.json.response({"a": [1]})
    assert response.get_data(as_text=True) == '{\n  "a": [\n    1\n  ]\n}\n'


@pytest.mark.parametrize(("compact", "debug"), [(True, True), (True, False)])
def test_compact_true_never_indents(app: App, compact: bool, debug: bool) -> None:
    app.debug = debug
    app.json.compact = compact  # type: ignore[attr-defined]
    with app.app_context():
        assert app.json.response({"a": 1}).get_data(as_text=True) == '{"a":1}\n'


def test_compact_false_always_indents(app: App) -> None:
    app.json.compact = False  # type: ignore[attr-defined]
    with app.app_context():
        assert app.json.response({"a": 1}).get_data(as_text=True) == '{\n  "a": 1\n}\n'


def test_response_mimetype_is_a_provider_attribute(app: App) -> None:
    app.json.mimetype = "application/vnd.api+json"  # type: ignore[attr-defined]
    with app.app_context():
        assert app.json.response([]).mimetype == "application/vnd.api+json"


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((), {}, None),
        (({"a": 1},), {}, {"a": 1}),
        (([1, 2],), {}, [1, 2]),
        (("text",), {}, "text"),
        ((1, 2, 3), {}, [1, 2, 3]),
        ((), {"a": 1, "b": 2}, {"a": 1, "b": 2}),
    ],
)
def test_response_arguments_choose_the_payload(
    app: App, args: tuple[Any, ...], kwargs: dict[str, Any], expected: Any
) -> None:
    with app.app_context():
        response = app.json.response(*args, **kwargs)
    assert json.loads(response.get_data()) == expected


def test_response_with_positional_and_keyword_arguments_explains_the_fix(app: App) -> None:
    with app.app_context(), pytest.raises(TypeError) as info:
        app.json.response({"a": 1}, b=2)
    message = str(info.value)
    assert "either positional or keyword arguments, not both" in message
    assert "got 1 positional and keyword(s) ['b']" in message
    assert "Pass one dict instead" in message


def test_response_class_of_the_app_is_used(app: App) -> None:
    class MyResponse(app.response_class):  # type: ignore[name-defined,misc]
        pass

    app.response_class = MyResponse
    with app.app_context():
        assert type(app.json.response({})) is MyResponse


# The base class


def test_base_provider_says_which_methods_to_implement(app: App) -> None:
    provider = JSONProvider(app)
    with pytest.raises(NotImplementedError, match=r"JSONProvider must implement dumps\(obj"):
        provider.dumps({})
    with pytest.raises(NotImplementedError, match=r"JSONProvider must implement loads\(s"):
        provider.loads("{}")


class UpperProvider(JSONProvider):
    """A provider for another library: only dumps and loads are written."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return json.dumps(obj, **kwargs).upper()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return {"loaded": json.loads(s, **kwargs)}


def test_base_provider_builds_dump_load_and_response_on_dumps_and_loads(app: App) -> None:
    provider = UpperProvider(app)
    out = io.StringIO()
    provider.dump({"a": "b"}, out)
    assert out.getvalue() == '{"A": "B"}'
    assert provider.load(io.StringIO("1")) == {"loaded": 1}
    with app.app_context():
        response = provider.response(x="y")
    assert response.get_data(as_text=True) == '{"X": "Y"}'
    assert response.mimetype == "application/json"


# Everything goes through the provider


def test_view_returning_dict_or_list_uses_the_provider(app: App) -> None:
    app.json = UpperProvider(app)

    @app.route("/dict")
    def as_dict() -> dict[str, str]:
        return {"a": "b"}

    @app.route("/list")
    def as_list() -> list[str]:
        return ["c"]

    client = app.test_client()
    assert client.get("/dict").text == '{"A": "B"}'
    assert client.get("/list").text == '["C"]'


def test_request_get_json_uses_the_provider(app: App) -> None:
    app.json = UpperProvider(app)

    @app.route("/echo", methods=["POST"])
    def echo() -> str:
        return repr(request.get_json())

    assert app.test_client().post("/echo", json=[1]).text == "{'loaded': [1]}"


def test_response_json_uses_the_provider(app: App) -> None:
    response = app.response_class('{"a": 1}', mimetype="application/json")
    app.json = UpperProvider(app)
    with app.app_context():
        assert response.json == {"loaded": {"a": 1}}


def test_test_client_response_json_uses_the_provider(app: App) -> None:
    app.json = UpperProvider(app)

    @app.route("/")
    def index() -> dict[str, int]:
        return {"a": 1}

    assert app.test_client().get("/").json == {"loaded": {"A": 1}}


def test_invalid_json_body_is_a_400_that_says_what_was_wrong(app: App) -> None:
    @app.route("/echo", methods=["POST"])
    def echo() -> str:
        return repr(request.get_json())

    response = app.test_client().post("/echo", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "The request body is not valid JSON" in response.text
    assert "line 1 column 2" in response.text


# -- the datetime setting and the one compact encoder ------------------------------------


def test_datetime_format_iso_writes_plain_view_dates_as_iso_8601(app: App) -> None:
    app.json.datetime_format = "iso"  # type: ignore[attr-defined]

    @app.get("/when")
    def when() -> dict[str, Any]:
        return {"at": datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc), "on": date(2015, 10, 21)}

    assert app.test_client().get("/when").get_json() == {
        "at": "2015-10-21T07:28:00+00:00",
        "on": "2015-10-21",
    }


def test_datetime_format_defaults_to_http_dates_as_flask_does(app: App) -> None:
    assert DefaultJSONProvider.datetime_format == "http"
    assert json.loads(app.json.dumps(date(2015, 10, 21))) == "Wed, 21 Oct 2015 00:00:00 GMT"


def test_response_with_status_writes_what_response_writes(app: App) -> None:
    with app.app_context():
        plain = app.json.response({"b": [1, "é"], "a": None})
        typed = app.json.response_with_status({"b": [1, "é"], "a": None}, 201)
    assert typed.get_data() == plain.get_data() == b'{"a":null,"b":[1,"\\u00e9"]}\n'
    assert (typed.status_code, typed.content_type) == (201, plain.content_type)


def test_response_with_status_goes_through_an_overridden_response(app: App) -> None:
    class Wrapping(DefaultJSONProvider):
        def response(self, *args: Any, **kwargs: Any) -> Any:
            return super().response({"data": args[0]})

    app.json = Wrapping(app)
    with app.app_context():
        response = app.json.response_with_status([1], "202 Accepted")
    assert (response.status, response.get_json()) == ("202 Accepted", {"data": [1]})


# -- the compact encoder writes what json.dumps writes -------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from resourceful.json.provider import compact_encoder  # noqa: E402

_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner)
        | st.dictionaries(st.text(max_size=3) | st.integers() | st.booleans(), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(_JSONISH, st.booleans(), st.booleans())
def test_compact_encoder_writes_what_json_dumps_writes(
    value: Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    encode = compact_encoder(ensure_ascii=ensure_ascii, sort_keys=sort_keys, default=repr)
    options: dict[str, Any] = {"ensure_ascii": ensure_ascii, "sort_keys": sort_keys}

    def dumps(obj: Any) -> Any:
        try:
            return json.dumps(obj, separators=(",", ":"), default=repr, **options)
        except TypeError as exc:  # keys of mixed types cannot be sorted
            return type(exc)

    def written(obj: Any) -> Any:
        try:
            return encode(obj)
        except TypeError as exc:
            return type(exc)

    assert written(value) == dumps(value)
    assert written([value, {1}]) == dumps([value, {1}])


def test_compact_encoder_still_encodes_after_refusing_a_value() -> None:
    encode = compact_encoder(ensure_ascii=True, sort_keys=True)
    shared: list[Any] = [1]
    circular: list[Any] = [shared]
    circular.append(circular)

    with pytest.raises(ValueError, match="Circular reference"):
        encode(circular)
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode([shared, object()])
    assert encode([shared, shared, {"b": 1, "a": "é"}]) == '[[1],[1],{"a":"\\u00e9","b":1}]'
