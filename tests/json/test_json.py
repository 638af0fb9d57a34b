from __future__ import annotations

import io
import json as stdlib_json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from markupsafe import Markup

from resourceful import App, json
from resourceful.json.provider import DefaultJSONProvider
from resourceful.templating import render_template_string


class RecordingProvider(DefaultJSONProvider):
    """Marks its output, so tests can tell it was used."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return "app:" + super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return ["app", super().loads(s, **kwargs)]


@pytest.fixture
def app(app: App) -> App:
    """The shared testing app (see conftest) with a provider that marks its output."""
    app.json = RecordingProvider(app)
    return app


# Outside an application context


def test_dumps_without_an_app_sorts_keys_and_encodes_extra_types() -> None:
    value = {"b": Decimal("1.5"), "a": datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)}
    assert json.dumps(value) == '{"a": "Wed, 21 Oct 2015 07:28:00 GMT", "b": "1.5"}'


def test_dumps_without_an_app_passes_keyword_arguments() -> None:
    assert json.dumps({"b": 1, "a": 2}, sort_keys=False, separators=(",", ":")) == '{"b":1,"a":2}'


def test_dumps_without_an_app_rejects_unknown_types_by_name() -> None:
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        json.dumps(object())


def test_loads_and_load_without_an_app_use_the_standard_library() -> None:
    assert json.loads('{"a": 1}') == {"a": 1}
    assert json.loads(b"[1]") == [1]
    assert json.load(io.StringIO('"x"')) == "x"


def test_dump_without_an_app_writes_sorted_json() -> None:
    out = io.StringIO()
    json.dump({"b": 1, "a": Decimal(2)}, out)
    assert out.getvalue() == '{"a": "2", "b": 1}'


def test_jsonify_without_an_app_explains_what_to_do() -> None:
    with pytest.raises(RuntimeError) as info:
        json.jsonify({"a": 1})
    message = str(info.value)
    assert "no application context is active" in message
    assert "with app.app_context():" in message
    assert "resourceful.json.dumps()" in message


# Inside an application context


def test_functions_use_the_current_app_provider(app: App) -> None:
    with app.app_context():
        assert json.dumps({"a": 1}) == 'app:{"a": 1}'
        assert json.loads("1") == ["app", 1]
        assert json.load(io.StringIO("2")) == ["app", 2]
        out = io.StringIO()
        json.dump([1], out)
        assert out.getvalue() == "app:[1]"


def test_jsonify_uses_the_current_app_provider(app: App) -> None:
    with app.app_context():
        response = json.jsonify(a=1)
    assert response.get_data(as_text=True) == 'app:{"a":1}\n'
    assert response.mimetype == "application/json"


def test_jsonify_in_a_view_returns_a_json_response(app: App) -> None:
    app.json = DefaultJSONProvider(app)

    @app.route("/")
    def index() -> Any:
        return json.jsonify([1, 2], {"three": 3})

    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == [[1, 2], {"three": 3}]


# HTML-safe output


def test_htmlsafe_dumps_escapes_characters_that_could_break_out_of_html() -> None:
    result = json.htmlsafe_dumps("</script><!-- & 'x'")
    assert result == '"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u0027x\\u0027"'
    for char in "<>&'":
        assert char not in result


def test_htmlsafe_dumps_returns_markup_that_is_not_escaped_again() -> None:
    result = json.htmlsafe_dumps({"a": "<b>"})
    assert isinstance(result, Markup)
    assert Markup("{}").format(result) == result


def test_htmlsafe_dumps_output_decodes_to_the_same_value() -> None:
    value = {"html": "<a href='x'>&amp;</a>", "n": [1, 2]}
    assert stdlib_json.loads(json.htmlsafe_dumps(value)) == value


def test_htmlsafe_dumps_uses_the_current_app_provider(app: App) -> None:
    with app.app_context():
        assert json.htmlsafe_dumps("<") == 'app:"\\u003c"'


def test_htmlsafe_dumps_escapes_values_from_html_objects() -> None:
    assert json.htmlsafe_dumps(Markup("<i>")) == '"\\u003ci\\u003e"'


def test_tojson_filter_is_safe_inside_a_script_element(app: App) -> None:
    app.json = DefaultJSONProvider(app)
    with app.app_context():
        html = render_template_string(
            "<script>const v = {{ value|tojson }};</script>", value={"x": "</script><b>"}
        )
    assert html == '<script>const v = {"x": "\\u003c/script\\u003e\\u003cb\\u003e"};</script>'
