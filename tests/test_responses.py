"""One rule for returned tuples: every shape, from a function view and from a typed handler.

Each case is served twice, by ``@app.route`` and by a resource's ``get``,
and both must give the same status and headers.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import Headers

from resourceful import App, Resource, Response
from resourceful.responses import apply_status_and_headers, split_return

BODY = {"a": 1}


def _serve_view(app: App, returned: Any) -> Any:
    app.add_url_rule("/thing", "thing", lambda: returned)
    return app.test_client().get("/thing")


def _serve_handler(app: App, returned: Any) -> Any:
    def get(self: Any) -> dict[str, int]:
        return returned  # type: ignore[no-any-return]

    app.add_resource(type("Thing", (Resource,), {"get": get}), "/thing")
    return app.test_client().get("/thing")


SERVERS = pytest.mark.parametrize("serve", [_serve_view, _serve_handler], ids=["view", "handler"])

SHAPES = {
    "body": (BODY, 200, {}),
    "body-status-int": ((BODY, 201), 201, {}),
    "body-status-str": ((BODY, "202 Accepted"), 202, {}),
    "body-headers-dict": ((BODY, {"X-A": "1"}), 200, {"X-A": "1"}),
    "body-headers-list-of-pairs": ((BODY, [("X-A", "1")]), 200, {"X-A": "1"}),
    "body-headers-tuple-of-pairs": ((BODY, (("X-A", "1"),)), 200, {"X-A": "1"}),
    "body-headers-Headers": ((BODY, Headers({"X-A": "1"})), 200, {"X-A": "1"}),
    "body-status-headers": ((BODY, 203, {"X-A": "1"}), 203, {"X-A": "1"}),
    "body-status-str-headers": ((BODY, "203 Partial", [("X-A", "1")]), 203, {"X-A": "1"}),
}


@SERVERS
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_return_shape_gives_the_same_response_from_views_and_handlers(
    app: App, serve: Any, shape: str
) -> None:
    returned, status, headers = SHAPES[shape]
    response = serve(app, returned)
    assert response.status_code == status
    assert response.get_json() == BODY
    for name, value in headers.items():
        assert response.headers[name] == value


@SERVERS
def test_a_string_status_keeps_its_reason_phrase(app: App, serve: Any) -> None:
    assert serve(app, (BODY, "203 Partial")).status == "203 Partial"


@SERVERS
def test_a_response_inside_a_tuple_gets_the_status_and_headers(app: App, serve: Any) -> None:
    response = serve(app, (Response("made", mimetype="text/plain"), 299, {"X-A": "1"}))
    assert (response.status_code, response.text, response.headers["X-A"]) == (299, "made", "1")


def test_a_view_tuple_of_wrong_arity_names_the_view(app: App) -> None:
    app.add_url_rule("/thing", "thing", lambda: (BODY,))
    with pytest.raises(TypeError) as info:
        app.test_client().get("/thing")
    assert str(info.value) == (
        "The view for 'thing' returned a tuple of 1 items; return (body, status),"
        " (body, headers) or (body, status, headers)."
    )


def test_a_handler_tuple_of_wrong_arity_names_the_handler(app: App) -> None:
    with pytest.raises(TypeError) as info:
        _serve_handler(app, (BODY, 200, {}, "extra"))
    assert str(info.value) == (
        "Thing.get returned a tuple of 4 items; return (body, status),"
        " (body, headers) or (body, status, headers)."
    )


def test_split_return_reads_a_mapping_list_or_tuple_second_item_as_headers() -> None:
    for headers in ({"X": "1"}, [("X", "1")], (("X", "1"),), Headers({"X": "1"})):
        assert split_return(("b", headers), str) == ("b", None, headers)
    assert split_return(("b", 201), str) == ("b", 201, None)
    assert split_return(("b", "201 Created", {}), str) == ("b", "201 Created", {})


def test_split_return_names_the_view_only_on_error() -> None:
    calls: list[int] = []

    def who() -> str:
        calls.append(1)
        return "it"

    split_return(("b", 201), who)
    assert calls == []
    with pytest.raises(TypeError, match=r"^it returned a tuple of 0 items"):
        split_return((), who)


def test_apply_status_and_headers_takes_int_and_str_statuses() -> None:
    response = apply_status_and_headers(Response("x"), 201, [("X", "1")])
    assert (response.status, response.headers["X"]) == ("201 CREATED", "1")
    response = apply_status_and_headers(Response("x"), "299 Fine", None)
    assert response.status == "299 Fine"
