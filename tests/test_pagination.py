"""Pagination: pages, Link headers, bounded page sizes and signed cursors, over the test client."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest
from itsdangerous import URLSafeSerializer

from resourceful import App, Blueprint
from resourceful.binding import Query
from resourceful.pagination import (
    CURSOR_SALT,
    CursorQuery,
    OffsetQuery,
    Page,
    link_header,
)
from resourceful.render import Reply
from resourceful.resources import Resource
from resourceful.testing import TestClient


@attrs.frozen
class Number:
    value: int


NUMBERS = [Number(i) for i in range(1, 48)]  # 47 items


class NumberResource(Resource):
    def list(self, paging: Query[OffsetQuery], odd: bool = False) -> Reply[Page[Number]]:
        window = paging.window()
        pool = [n for n in NUMBERS if n.value % 2] if odd else NUMBERS
        return window.page(pool[window.offset : window.offset + window.limit], total=len(pool))


class StreamResource(Resource):
    """Numbers without a total: the handler fetches one more than a page."""

    def list(self, paging: Query[OffsetQuery]) -> Reply[Page[Number]]:
        window = paging.window()
        return window.page(NUMBERS[window.offset : window.offset + window.limit + 1])


class EventResource(Resource):
    def list(self, paging: Query[CursorQuery]) -> Reply[Page[Number]]:
        window = paging.window()
        after = window.after or 0
        rows = [n for n in NUMBERS if n.value > after][: window.limit + 1]
        return window.page(rows, key=lambda n: n.value)


class OtherEventResource(Resource):
    def list(self, paging: Query[CursorQuery]) -> Reply[Page[Number]]:
        window = paging.window()
        return window.page([], key=lambda n: n.value)


@pytest.fixture
def client(app: App) -> TestClient:
    app.add_resource(NumberResource, "/numbers/")
    app.add_resource(StreamResource, "/stream/")
    app.add_resource(EventResource, "/events/")
    app.add_resource(OtherEventResource, "/other-events/")
    return app.test_client()


def _links(header: str) -> dict[str, str]:
    links = {}
    for part in header.split(", "):
        url, rel = part.split("; ")
        links[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return links


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _values(body: dict[str, Any]) -> list[int]:
    return [item["value"] for item in body["items"]]


# -- offset paging -------------------------------------------------------------------------


def test_the_first_page_has_the_default_size_and_links_to_next_and_last(
    client: TestClient,
) -> None:
    response = client.get("/numbers/")
    body = response.get_json()
    assert _values(body) == list(range(1, 21))
    assert body["total"] == 47
    assert body["prev"] is None
    assert body["next"] == "http://localhost/numbers/?offset=20"
    assert response.headers["Link"] == (
        '<http://localhost/numbers/?offset=0>; rel="first",'
        ' <http://localhost/numbers/?offset=20>; rel="next",'
        ' <http://localhost/numbers/?offset=40>; rel="last"'
    )


def test_a_middle_page_links_both_ways_and_keeps_other_parameters(client: TestClient) -> None:
    response = client.get("/numbers/?odd=true&limit=5&offset=10")
    body = response.get_json()
    assert _values(body) == [21, 23, 25, 27, 29]
    links = _links(response.headers["Link"])
    assert set(links) == {"first", "prev", "next", "last"}
    assert _query(links["prev"]) == {"odd": ["true"], "limit": ["5"], "offset": ["5"]}
    assert _query(links["next"]) == {"odd": ["true"], "limit": ["5"], "offset": ["15"]}
    assert _query(links["last"]) == {"odd": ["true"], "limit": ["5"], "offset": ["20"]}
    assert links["next"] == body["next"] and links["prev"] == body["prev"]


def test_following_next_links_walks_the_whole_collection_once(client: TestClient) -> None:
    seen: list[int] = []
    url: str | None = "/numbers/?limit=7"
    while url is not None:
        body = client.get(url).get_json()
        seen += _values(body)
        url = body["next"]
    assert seen == [n.value for n in NUMBERS]


def test_the_last_page_has_no_next(client: TestClient) -> None:
    response = client.get("/numbers/?offset=40")
    assert _values(response.get_json()) == list(range(41, 48))
    assert "next" not in _links(response.headers["Link"])
    assert response.get_json()["next"] is None


def test_an_empty_collection_links_first_and_last_to_offset_zero(
    app: App, client: TestClient
) -> None:
    kept = list(NUMBERS)
    NUMBERS.clear()
    try:
        response = client.get("/numbers/")
    finally:
        NUMBERS.extend(kept)
    assert response.get_json() == {"items": [], "total": 0, "next": None, "prev": None}
    links = _links(response.headers["Link"])
    assert links == {
        "first": "http://localhost/numbers/?offset=0",
        "last": "http://localhost/numbers/?offset=0",
    }


def test_without_a_total_an_extra_row_tells_there_is_a_next_page(client: TestClient) -> None:
    response = client.get("/stream/?limit=10&offset=40")
    body = response.get_json()
    assert _values(body) == list(range(41, 48))
    assert body["total"] is None and body["next"] is None
    assert set(_links(response.headers["Link"])) == {"first", "prev"}
    body = client.get("/stream/?limit=10").get_json()
    assert len(body["items"]) == 10
    assert body["next"] == "http://localhost/stream/?limit=10&offset=10"


def test_a_page_size_over_the_setting_is_a_validation_error_at_limit(
    app: App, client: TestClient
) -> None:
    response = client.get("/numbers/?limit=101&offset=-1")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"] == [
        {
            "location": "query",
            "pointer": "/offset",
            "detail": "must be at least 0, got the number -1",
        },
        {
            "location": "query",
            "pointer": "/limit",
            "detail": "must be at most 100 (PAGE_SIZE_MAX), got the number 101",
        },
    ]
    assert client.get("/numbers/?limit=0").get_json()["errors"][0]["detail"] == (
        "must be at least 1, got the number 0"
    )


def test_the_page_size_settings_apply(app: App, client: TestClient) -> None:
    app.config.update(PAGE_SIZE_DEFAULT=3, PAGE_SIZE_MAX=4)
    assert _values(client.get("/numbers/").get_json()) == [1, 2, 3]
    assert len(client.get("/numbers/?limit=4").get_json()["items"]) == 4
    assert client.get("/numbers/?limit=5").status_code == 422


# -- cursor paging -------------------------------------------------------------------------


def test_cursor_pages_follow_each_other_through_opaque_cursors(client: TestClient) -> None:
    response = client.get("/events/?limit=20")
    body = response.get_json()
    assert _values(body) == list(range(1, 21))
    assert _links(response.headers["Link"]) == {
        "first": "http://localhost/events/?limit=20",
        "next": body["next"],
    }
    seen = _values(body)
    url = body["next"]
    while url is not None:
        body = client.get(url).get_json()
        seen += _values(body)
        url = body["next"]
    assert seen == [n.value for n in NUMBERS]
    assert body["prev"] is None and body["total"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        URLSafeSerializer("another key", salt=f"{CURSOR_SALT}:event_resource").dumps(40),
    ],
)
def test_a_forged_cursor_is_a_validation_error_naming_the_parameter(
    client: TestClient, cursor: str
) -> None:
    response = client.get("/events/", query_string={"cursor": cursor})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"] == [
        {
            "location": "query",
            "pointer": "/cursor",
            "detail": "is not a cursor this collection gave out; use the links of a page,"
            " or leave the cursor out for the first page",
        }
    ]


def test_a_tampered_cursor_is_refused(client: TestClient) -> None:
    cursor = _query(client.get("/events/?limit=5").get_json()["next"])["cursor"][0]
    _payload, _, signature = cursor.partition(".")
    forged = URLSafeSerializer("x").dump_payload(45).decode() + "." + signature
    assert client.get("/events/", query_string={"cursor": forged}).status_code == 422
    assert client.get("/events/", query_string={"cursor": cursor}).status_code == 200


def test_a_cursor_of_one_collection_is_refused_by_another(client: TestClient) -> None:
    cursor = _query(client.get("/events/?limit=5").get_json()["next"])["cursor"][0]
    response = client.get("/other-events/", query_string={"cursor": cursor})
    assert response.status_code == 422


def test_cursors_signed_with_a_fallback_key_stay_valid(app: App, client: TestClient) -> None:
    cursor = _query(client.get("/events/?limit=5").get_json()["next"])["cursor"][0]
    app.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["test key"])
    assert _values(client.get("/events/", query_string={"cursor": cursor}).get_json())[0] == 6


def test_cursor_paging_without_a_secret_key_says_what_to_set(app: App) -> None:
    app.config.update(SECRET_KEY=None, PROPAGATE_EXCEPTIONS=True)
    app.add_resource(EventResource, "/events/")
    with pytest.raises(RuntimeError) as info:
        app.test_client().get("/events/?limit=2")
    assert str(info.value) == (
        "Cursor pagination signs its cursors with SECRET_KEY, which is not set. Set"
        " app.config['SECRET_KEY'] (or app.secret_key) to a long random value."
    )


# -- pieces --------------------------------------------------------------------------------


def test_link_header_follows_rfc_8288() -> None:
    assert link_header([("next", "http://x/?a=1&b=2"), ("first", "http://x/")]) == (
        '<http://x/?a=1&b=2>; rel="next", <http://x/>; rel="first"'
    )


def test_links_keep_the_blueprint_prefix_and_repeated_parameters(app: App) -> None:
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.add_resource(NumberResource, "/numbers/")
    app.register_blueprint(api)
    response = app.test_client().get("/api/v1/numbers/?limit=10&tag=a&tag=b")
    links = _links(response.headers["Link"])
    assert links["next"].startswith("http://localhost/api/v1/numbers/?")
    assert _query(links["next"]) == {"limit": ["10"], "tag": ["a", "b"], "offset": ["10"]}


def test_page_is_a_generic_attrs_type_the_converter_reads(app: App) -> None:
    page = app.converter.structure(
        {"items": [{"value": 1}], "total": 1, "next": None, "prev": None}, Page[Number]
    )
    assert page == Page([Number(1)], 1)
    assert app.converter.unstructure(page) == {
        "items": [{"value": 1}],
        "total": 1,
        "next": None,
        "prev": None,
    }


# -- in the OpenAPI document ---------------------------------------------------------------------


def _operation(app: App, path: str) -> dict[str, Any]:
    return dict(app.openapi()["paths"][path]["get"])


def test_the_document_bounds_limit_with_the_settings(app: App, client: TestClient) -> None:
    app.config.update(PAGE_SIZE_DEFAULT=5, PAGE_SIZE_MAX=30)
    parameters = {p["name"]: p for p in _operation(app, "/numbers/")["parameters"]}
    assert list(parameters) == ["offset", "limit", "odd"]
    assert parameters["offset"]["schema"] == {"type": "integer", "minimum": 0, "default": 0}
    assert parameters["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 30,
        "default": 5,
    }
    # What the document says is what binding does: 30 passes, 31 does not.
    assert client.get("/numbers/?limit=30").status_code == 200
    assert client.get("/numbers/?limit=31").status_code == 422
    assert len(client.get("/numbers/").json["items"]) == 5


def test_the_document_names_the_cursor_parameters(app: App, client: TestClient) -> None:
    parameters = {p["name"]: p for p in _operation(app, "/events/")["parameters"]}
    assert list(parameters) == ["cursor", "limit"]
    assert parameters["cursor"]["schema"] == {"type": "string"}
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert parameters["limit"]["schema"]["default"] == 20


@pytest.mark.parametrize("path", ["/numbers/", "/stream/", "/events/"])
def test_the_document_says_a_page_carries_a_link_header(
    app: App, client: TestClient, path: str
) -> None:
    success = _operation(app, path)["responses"]["200"]
    assert success["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Page_Number"
    }
    assert success["headers"]["Link"]["schema"] == {"type": "string"}
    assert success["headers"]["Link"]["description"].startswith(
        "The neighbouring pages (RFC 8288): rel first always"
    )
    # And the page sends it.
    assert "Link" in client.get(path).headers


def test_an_operation_without_paging_documents_no_link_header(app: App) -> None:
    class Plain(Resource):
        def list(self) -> list[Number]:
            return NUMBERS

    app.add_resource(Plain, "/plain/")
    success = _operation(app, "/plain/")["responses"]["200"]
    assert "headers" not in success
    assert "parameters" not in _operation(app, "/plain/")


def test_the_document_follows_a_change_of_the_page_size_settings(
    app: App, client: TestClient
) -> None:
    assert _operation(app, "/numbers/")["parameters"][1]["schema"]["maximum"] == 100
    app.config["PAGE_SIZE_MAX"] = 40
    assert _operation(app, "/numbers/")["parameters"][1]["schema"]["maximum"] == 40
