"""The fast paths of conditional requests answer exactly as the general ones do.

A hashed ETag's 200 and 304 are made from the encoded body alone
(``Renderer.encoded_body``), and a single tag in ``If-None-Match``/``If-Match``
is compared as text before any parsing. Each test here holds a fast path to
the answer of the general path: the 200 rendered in full and turned into its
304, the header parsed into its list of tags.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from models import CHANGED, Book
from werkzeug.http import http_date
from wsgi_calls import wsgi_call

from resourceful import App, Resource
from resourceful.conditional import Conditional, _header_matches, _matches, entity_tags
from resourceful.errors import Problem, ResponseValidationError
from resourceful.json.provider import DefaultJSONProvider
from resourceful.render import Renderer, Reply
from resourceful.responses import PreparedResponse


def book_app(validators: Conditional, books: dict[int, Book] | None = None) -> App:
    """Return an app of /books/<id> (GET, and PUT checked against ``current``)."""
    shelf = books if books is not None else {1: Book(1, "Dune")}

    class Books(Resource):
        conditional = validators

        def get(self, book_id: int) -> Book:
            return shelf[book_id]

        def current(self, book_id: int) -> Book | None:
            return shelf.get(book_id)

        def replace(self, book_id: int, body: Book) -> Book:
            shelf[book_id] = body
            return body

    app = App(__name__)
    app.add_resource(Books, "/books/<int:book_id>")
    return app


Sent = tuple[str, list[tuple[str, str]], bytes]


def _sent(app: App, headers: dict[str, str], method: str = "GET") -> Sent:
    return wsgi_call(app, "/books/1", method, headers=headers)[:3]


def _etag(app: App) -> str:
    return dict(_sent(app, {})[1])["ETag"]


def _if_none_match_values(etag: str, count: int) -> list[str]:
    """Return ``If-None-Match`` values: single tags, ``*``, lists, and malformed ones."""
    opaque = etag[1:-1]
    tags = [etag, f"W/{etag}", '"other"', 'W/"other"', '""', f'"{opaque[:-1]}"', f'"{opaque}x"']
    malformed = [f"w/{etag}", opaque, etag[:-1], f"W/ {etag}", f"{etag}x", '"\x7f"', "**"]
    separators = [",", ", ", " ,", ",,", " , ", "\t,"]
    values = ["*", " * ", "", " "]
    values += [tag for tag in tags + malformed]
    values += [f" {tag}" for tag in tags] + [f"{tag} " for tag in tags]
    rng = random.Random(13)
    while len(values) < count:
        items = rng.choices(tags + malformed[:2], k=rng.randint(2, 4))
        value = items[0]
        for item in items[1:]:
            value += rng.choice(separators) + item
        values.append(rng.choice(["", " "]) + value + rng.choice(["", " ", ","]))
    return values


def _answer(value: str, header: str, etag: str | None, weak: bool, fast: bool) -> Any:
    try:
        if fast:
            return _header_matches(value, header, etag, True, weak)
        return _matches(entity_tags(value, header), etag, True, weak)
    except Problem as problem:
        return problem.code, problem.get_body()


def test_a_single_tag_compared_as_text_answers_as_the_parsed_header() -> None:
    etag = '"2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"'
    values = _if_none_match_values(etag, 400)
    fast_answers = 0
    for value in values:
        for header, weak in (("If-None-Match", True), ("If-Match", False)):
            for current in (etag[1:-1], None):
                general = _answer(value, header, current, weak, fast=False)
                assert _answer(value, header, current, weak, fast=True) == general, (
                    value,
                    header,
                    current,
                )
        fast_answers += value in (etag, f"W/{etag}")
    assert fast_answers == 2


def _general_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every renderer take the general path: the 200 in full, then its 304."""
    monkeypatch.setattr(Renderer, "encoded_body", lambda self, value: None)


@pytest.mark.parametrize(
    "validators",
    [Conditional(), Conditional(last_modified=lambda book: CHANGED)],
    ids=["etag", "etag-and-last-modified"],
)
def test_the_hashed_fast_path_answers_as_the_general_path(
    validators: Conditional, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, full = book_app(validators), book_app(validators)
    full.after_request(lambda response: response)  # every response an object
    etag = _etag(fast)
    requests: list[tuple[str, dict[str, str]]] = [
        (method, {"If-None-Match": value})
        for value in _if_none_match_values(etag, 120)
        for method in ("GET", "HEAD")
    ]
    requests += [
        ("GET", {}),
        ("GET", {"If-Match": etag, "If-None-Match": etag}),
        ("GET", {"If-Match": '"other"', "If-None-Match": etag}),
        ("GET", {"If-Modified-Since": http_date(CHANGED)}),
        ("GET", {"If-Unmodified-Since": http_date(CHANGED - dt.timedelta(days=1))}),
        ("GET", {"If-None-Match": '"other"', "If-Modified-Since": http_date(CHANGED)}),
    ]
    answers = [_sent(fast, headers, method) for method, headers in requests]
    assert {answer[0] for answer in answers} >= {"200 OK", "304 NOT MODIFIED", "400 BAD REQUEST"}
    assert answers == [_sent(full, headers, method) for method, headers in requests]
    _general_renderer(monkeypatch)
    for app in (fast, full):
        assert answers == [_sent(app, headers, method) for method, headers in requests]


def test_a_hashed_304_encodes_the_body_once_and_makes_no_200(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = book_app(Conditional())
    etag = _etag(app)
    calls: list[str] = []
    render, encoded_body = Renderer.render, Renderer.encoded_body

    def counting_render(self: Renderer, rv: Any, **options: Any) -> Any:
        calls.append("render")
        return render(self, rv, **options)

    def counting_body(self: Renderer, value: Any) -> Any:
        calls.append("encoded_body")
        return encoded_body(self, value)

    monkeypatch.setattr(Renderer, "render", counting_render)
    monkeypatch.setattr(Renderer, "encoded_body", counting_body)
    with app.test_request_context("/books/1", headers={"If-None-Match": etag}):
        rv = app.dispatch_request()
    assert calls == ["encoded_body"]
    assert type(rv) is PreparedResponse
    assert (rv.status, rv.headers, rv.body) == (304, [("ETag", etag)], b"")


def test_if_match_with_a_hashed_etag_hashes_the_encoded_body_of_current(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = book_app(Conditional())
    etag = _etag(app)
    rendered: list[Any] = []
    render = Renderer.render

    def counting(self: Renderer, rv: Any, **options: Any) -> Any:
        rendered.append(rv)
        return render(self, rv, **options)

    monkeypatch.setattr(Renderer, "render", counting)
    changed = {"id": 1, "title": "Dune Messiah", "version": 2}
    stale = wsgi_call(app, "/books/1", "PUT", json=changed, headers={"If-Match": '"x"'})
    assert stale[0] == "412 PRECONDITION FAILED"
    fresh = wsgi_call(app, "/books/1", "PUT", json=changed, headers={"If-Match": etag})
    assert fresh[0] == "200 OK"
    assert dict(fresh[1])["ETag"] == _etag(app) != etag
    # The checks hashed current's encoded body, and the 200 was made from the new one's.
    assert rendered == []


class OwnResponses(DefaultJSONProvider):
    """A provider that makes its own responses: only a response object says what is sent."""

    def response(self, *args: Any, **kwargs: Any) -> Any:
        return super().response(*args, **kwargs)


def test_a_provider_making_its_own_responses_keeps_the_hashed_etags() -> None:
    books = {1: Book(1, "Dune")}
    own = book_app(Conditional(), books)
    own.json = OwnResponses(own)
    plain = book_app(Conditional(), dict(books))
    etag = _etag(own)
    assert etag == _etag(plain)
    for headers in ({"If-None-Match": etag}, {"If-None-Match": '"x"'}):
        assert _sent(own, headers) == _sent(plain, headers)
    changed = {"id": 1, "title": "Dune Messiah", "version": 2}
    answers = [
        wsgi_call(app, "/books/1", "PUT", json=changed, headers={"If-Match": etag})[:3]
        for app in (own, plain)
    ]
    assert answers[0] == answers[1]
    assert answers[0][0] == "200 OK"


# -- a 304 on the direct path is what the full path sends ----------------------------------------


def test_a_304_without_a_response_object_sends_what_the_full_path_sends() -> None:
    def both(validators: Conditional, **headers: str) -> None:
        direct = book_app(validators)
        full = book_app(validators)
        full.after_request(lambda response: response)  # makes every response an object
        for app in (direct, full):
            _sent(app, {})  # closes setup
        etag = _etag(direct)
        for sent in ({"If-None-Match": etag}, {"If-None-Match": f'W/{etag}, "x"'}, headers):
            answer = _sent(direct, sent)
            assert answer == _sent(full, sent), sent
        assert _sent(direct, {"If-None-Match": etag})[0] == "304 NOT MODIFIED"

    both(Conditional())
    both(Conditional(etag=lambda book: book.version))
    both(
        Conditional(last_modified=lambda book: CHANGED), **{"If-Modified-Since": http_date(CHANGED)}
    )


def test_a_matching_if_none_match_is_answered_without_a_response_object() -> None:
    for validators in (Conditional(), Conditional(etag=lambda book: book.version)):
        app = book_app(validators)
        etag = _etag(app)
        with app.test_request_context("/books/1", headers={"If-None-Match": etag}):
            rv = app.dispatch_request()
        assert type(rv) is PreparedResponse
        assert (rv.status, rv.body) == (304, b"")
        assert dict(rv.headers) == {"ETag": etag}


def test_the_hashed_fast_path_still_validates_responses() -> None:
    class Wrong(Resource):
        conditional = Conditional()

        def get(self) -> Book:
            return Book(1, 5)  # type: ignore[arg-type]

    app = App(__name__)
    app.config["VALIDATE_RESPONSES"] = True
    app.testing = True
    app.add_resource(Wrong, "/wrong")
    client = app.test_client()
    for headers in ({}, {"If-None-Match": "*"}):
        with pytest.raises(ResponseValidationError) as info:
            client.get("/wrong", headers=headers)
        assert str(info.value) == (
            "Wrong.get returned a value that does not match its return annotation"
            " Book: /title: expected a string, got the number 5"
        )


RETURNS: dict[str, Any] = {
    "reply with its own ETag": lambda book: Reply(
        book, headers={"ETag": '"mine"', "Cache-Control": "no-cache"}
    ),
    "tuple with headers": lambda book: (book, {"Cache-Control": "no-cache"}),
    "tuple with a header list": lambda book: (
        book,
        [("Cache-Control", "no-cache"), ("X-Shelf", "1"), ("X-Shelf", "2")],
    ),
}


@pytest.mark.parametrize("returned", sorted(RETURNS))
@pytest.mark.parametrize(
    "validators",
    [Conditional(), Conditional(etag=lambda book: book.version)],
    ids=["hashed", "version"],
)
def test_a_handlers_headers_stay_on_the_304_and_its_etag_is_replaced(
    validators: Conditional, returned: str
) -> None:
    def app_of(full: bool) -> App:
        class Headed(Resource):
            conditional = validators

            def get(self) -> Reply[Book]:
                return RETURNS[returned](Book(1, "Dune"))  # type: ignore[no-any-return]

        app = App(__name__)
        app.add_resource(Headed, "/headed")
        if full:
            app.after_request(lambda response: response)
        return app

    direct, full = app_of(False), app_of(True)
    ok = wsgi_call(direct, "/headed")
    assert ok[:3] == wsgi_call(full, "/headed")[:3]
    etags = [value for name, value in ok[1] if name == "ETag"]
    assert len(etags) == 1 and etags != ['"mine"']
    not_modified = wsgi_call(direct, "/headed", headers={"If-None-Match": etags[0]})
    assert not_modified[:3] == wsgi_call(full, "/headed", headers={"If-None-Match": etags[0]})[:3]
    assert not_modified[0] == "304 NOT MODIFIED"
    sent = [name for name, _ in not_modified[1]]
    assert sent.count("ETag") == 1
    assert "Cache-Control" in sent
