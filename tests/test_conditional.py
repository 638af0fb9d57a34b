"""Conditional requests (RFC 9110 §13): validators, 304, 412 and 428, and their document."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from ecma_regex import ecma_matches
from models import CHANGED, Book
from openapi_spec_validator import validate
from problem_json import problem
from werkzeug.http import generate_etag, http_date

from resourceful import App, Resource, operation
from resourceful.conditional import Conditional, entity_tags
from resourceful.errors import DefinitionError, Problem
from resourceful.openapi.downgrade import to_openapi_30
from resourceful.providers import Provided
from resourceful.render import Renderer, Reply
from resourceful.testing import TestClient


class Store:
    """The books, and every call the handlers made (to see what ran)."""

    def __init__(self) -> None:
        self.books = {1: Book(1, "Dune")}
        self.calls: list[str] = []


@pytest.fixture
def store() -> Store:
    return Store()


def book_app(store: Store, validators: Conditional, **options: Any) -> App:
    """Return an app of /books/<id>: ``validators`` on the class, ``options`` on delete."""

    class Books(Resource):
        conditional = validators

        def get(self, book_id: int) -> Book:
            store.calls.append("get")
            found = store.books.get(book_id)
            if found is None:
                raise Problem(404)
            return found

        def current(self, book_id: int) -> Book | None:
            store.calls.append("current")
            return store.books.get(book_id)

        def replace(self, book_id: int, body: Book) -> Book:
            store.calls.append("replace")
            store.books[book_id] = body
            return body

        @operation(**options)
        def delete(self, book_id: int) -> None:
            store.calls.append("delete")
            store.books.pop(book_id, None)

    app = App(__name__)
    app.add_resource(Books, "/books/<int:book_id>")
    return app


@pytest.fixture
def client(store: Store) -> TestClient:
    return book_app(store, Conditional()).test_client()


def etag_of(client: TestClient, url: str = "/books/1") -> str:
    etag = client.get(url).headers["ETag"]
    assert isinstance(etag, str)
    return etag


# -- GET and HEAD --------------------------------------------------------------------------------


def test_get_sends_an_etag_that_is_the_sha1_of_the_body_as_werkzeug_makes_it(
    client: TestClient,
) -> None:
    response = client.get("/books/1")
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{generate_etag(response.data)}"'


def test_if_none_match_with_the_current_tag_gives_304_with_no_body(client: TestClient) -> None:
    etag = etag_of(client)
    response = client.get("/books/1", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert "Content-Type" not in response.headers


def test_if_none_match_compares_weakly(client: TestClient) -> None:
    etag = etag_of(client)
    assert client.get("/books/1", headers={"If-None-Match": f"W/{etag}"}).status_code == 304


def test_if_none_match_star_matches_any_representation(client: TestClient) -> None:
    assert client.get("/books/1", headers={"If-None-Match": "*"}).status_code == 304


def test_if_none_match_takes_a_list_of_tags(client: TestClient) -> None:
    etag = etag_of(client)
    listed = client.get("/books/1", headers={"If-None-Match": f'"old", W/"older" ,{etag}'})
    assert listed.status_code == 304
    others = client.get("/books/1", headers={"If-None-Match": '"old", W/"older"'})
    assert others.status_code == 200
    assert others.headers["ETag"] == etag


def test_head_answers_304_and_200_like_get(client: TestClient) -> None:
    etag = etag_of(client)
    assert client.head("/books/1", headers={"If-None-Match": etag}).status_code == 304
    head = client.head("/books/1")
    assert head.status_code == 200
    assert head.headers["ETag"] == etag
    assert head.data == b""


def test_a_changed_representation_gets_a_new_etag(client: TestClient, store: Store) -> None:
    etag = etag_of(client)
    store.books[1] = Book(1, "Dune Messiah")
    response = client.get("/books/1", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_if_match_on_get_that_does_not_hold_is_412(client: TestClient) -> None:
    response = client.get("/books/1", headers={"If-Match": '"stale"'})
    assert response.status_code == 412
    assert problem(response)["title"] == "Precondition Failed"


def test_a_missing_resource_is_404_whatever_the_preconditions(client: TestClient) -> None:
    response = client.get("/books/9", headers={"If-None-Match": "*", "If-Match": '"x"'})
    assert response.status_code == 404


def test_a_resource_without_validators_sends_no_etag_and_ignores_the_headers() -> None:
    class Plain(Resource):
        def get(self, book_id: int) -> Book:
            return Book(book_id, "Dune")

    app = App(__name__)
    app.add_resource(Plain, "/plain/<int:book_id>")
    response = app.test_client().get("/plain/1", headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert "ETag" not in response.headers


def dated_app(store: Store, **options: Any) -> TestClient:
    """Return a client of /dated/<id>, whose books all changed at ``CHANGED``."""

    class Dated(Resource):
        conditional = Conditional(last_modified=lambda book: CHANGED, **options)

        def get(self, book_id: int) -> Book:
            store.calls.append("get")
            return store.books[book_id]

        def current(self, book_id: int) -> Book | None:
            return store.books.get(book_id)

        def update(self, book_id: int, body: Book) -> Book:
            store.calls.append("update")
            store.books[book_id] = body
            return body

    app = App(__name__)
    app.add_resource(Dated, "/dated/<int:book_id>")
    return app.test_client()


def test_last_modified_is_sent_and_if_modified_since_gives_304_when_unchanged(
    store: Store,
) -> None:
    client = dated_app(store)
    response = client.get("/dated/1")
    assert response.headers["Last-Modified"] == "Thu, 31 Jan 2030 12:00:00 GMT"
    same = client.get("/dated/1", headers={"If-Modified-Since": http_date(CHANGED)})
    assert same.status_code == 304
    later = client.get(
        "/dated/1", headers={"If-Modified-Since": http_date(CHANGED + dt.timedelta(days=1))}
    )
    assert later.status_code == 304
    earlier = client.get(
        "/dated/1", headers={"If-Modified-Since": http_date(CHANGED - dt.timedelta(seconds=1))}
    )
    assert earlier.status_code == 200
    assert earlier.headers["Last-Modified"] == http_date(CHANGED)


def test_if_modified_since_is_ignored_when_if_none_match_is_sent(store: Store) -> None:
    client = dated_app(store)
    response = client.get(
        "/dated/1", headers={"If-Modified-Since": http_date(CHANGED), "If-None-Match": '"other"'}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "value", ["yesterday", "Mon, 32 Jan 2030 00:00:00 GMT", "", "9" * 5000, "\x7f", "Mon, 01"]
)
def test_an_invalid_if_modified_since_is_ignored(store: Store, value: str) -> None:
    response = dated_app(store).get("/dated/1", headers={"If-Modified-Since": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "value", ['"unterminated', "no-quotes", '"a" "b"', 'W/ "a"', '"a",x', '"\x7f"', "**"]
)
def test_a_malformed_if_none_match_is_400_naming_the_header(client: TestClient, value: str) -> None:
    response = client.get("/books/1", headers={"If-None-Match": value})
    assert response.status_code == 400
    assert problem(response)["detail"] == (
        "The If-None-Match header must be * or a list of entity tags such as"
        f' "a1b2" or W/"a1b2" (quoted), got {value[:80]!r}.'
    )


def test_entity_tag_lists_allow_empty_elements_and_spaces() -> None:
    assert entity_tags(' , "a",, W/"b" ,', "If-Match") == ((False, "a"), (True, "b"))
    assert entity_tags(" * ", "If-Match") == "*"
    assert entity_tags("", "If-Match") == ()


# -- a tag from the value: no rendering for a 304 ---------------------------------------------


def versioned_client(store: Store) -> TestClient:
    class Versioned(Resource):
        conditional = Conditional(etag=lambda book: book.version)

        def get(self, book_id: int) -> Reply[Book]:
            return Reply(store.books[book_id], headers={"Cache-Control": "no-cache"})

        def current(self, book_id: int) -> Book | None:
            return store.books.get(book_id)

        def replace(self, book_id: int, body: Book) -> Book:
            store.calls.append("replace")
            store.books[book_id] = body
            return body

    app = App(__name__)
    app.add_resource(Versioned, "/v/<int:book_id>")
    return app.test_client()


def test_a_user_etag_function_tags_from_the_value_and_a_304_renders_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[Any] = []
    render = Renderer.render

    def counting(self: Renderer, rv: Any, **options: Any) -> Any:
        rendered.append(rv)
        return render(self, rv, **options)

    monkeypatch.setattr(Renderer, "render", counting)
    client = versioned_client(store)
    response = client.get("/v/1")
    assert response.headers["ETag"] == '"1"'
    assert len(rendered) == 1
    not_modified = client.get("/v/1", headers={"If-None-Match": '"1"'})
    assert not_modified.status_code == 304
    assert len(rendered) == 1
    # The reply's headers that a cache needs stay on the 304.
    assert not_modified.headers["Cache-Control"] == "no-cache"
    assert not_modified.headers["ETag"] == '"1"'


def test_if_match_is_checked_against_the_users_tag_of_current(store: Store) -> None:
    client = versioned_client(store)
    stale = client.put(
        "/v/1", json={"id": 1, "title": "X", "version": 2}, headers={"If-Match": '"0"'}
    )
    assert stale.status_code == 412
    fresh = client.put(
        "/v/1", json={"id": 1, "title": "X", "version": 2}, headers={"If-Match": '"1"'}
    )
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == '"2"'
    assert store.calls == ["replace"]


def test_an_etag_function_giving_a_bad_tag_is_an_error_naming_it() -> None:
    class Bad(Resource):
        conditional = Conditional(etag=lambda book: f'"{book.title}"')

        def get(self) -> Book:
            return Book(1, "Dune")

    app = App(__name__)
    app.testing = True
    app.add_resource(Bad, "/bad")
    with pytest.raises(TypeError) as info:
        app.test_client().get("/bad")
    assert str(info.value) == (
        "The etag function of Bad.get returned '\"Dune\"'; it must return a str (or int) of"
        " visible ASCII characters other than '\"', such as a version number. The framework"
        " adds the quotes."
    )


def test_only_a_200_gets_validators() -> None:
    class Accepted(Resource):
        conditional = Conditional()

        def get(self) -> Reply[Book]:
            return Reply(Book(1, "Dune"), status=203)

    app = App(__name__)
    app.add_resource(Accepted, "/accepted")
    response = app.test_client().get("/accepted", headers={"If-None-Match": "*"})
    assert response.status_code == 203
    assert "ETag" not in response.headers


# -- changes: PUT, PATCH, DELETE ---------------------------------------------------------------


def test_a_stale_if_match_is_412_and_the_handler_is_not_called(
    client: TestClient, store: Store
) -> None:
    response = client.put(
        "/books/1", json={"id": 1, "title": "Lost update"}, headers={"If-Match": '"stale"'}
    )
    assert response.status_code == 412
    assert problem(response)["detail"] == (
        "The precondition of this PUT failed. If-Match does not match the current ETag: the"
        " resource changed since you read it, or it does not exist. GET it again and retry"
        " with its ETag."
    )
    assert store.calls == ["current"]
    assert store.books[1].title == "Dune"


def test_the_current_if_match_lets_the_change_through_with_the_new_etag(
    client: TestClient, store: Store
) -> None:
    etag = etag_of(client)
    response = client.put("/books/1", json={"id": 1, "title": "Dune"}, headers={"If-Match": etag})
    assert response.status_code == 200
    changed = client.put(
        "/books/1", json={"id": 1, "title": "Children of Dune"}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200
    # The new ETag is the one a GET now sends, so the next change can use it.
    assert changed.headers["ETag"] == etag_of(client)
    again = client.put("/books/1", json={"id": 1, "title": "Old"}, headers={"If-Match": etag})
    assert again.status_code == 412


def test_if_match_compares_strongly(client: TestClient) -> None:
    etag = etag_of(client)
    response = client.put(
        "/books/1", json={"id": 1, "title": "X"}, headers={"If-Match": f"W/{etag}"}
    )
    assert response.status_code == 412


def test_if_match_star_needs_a_current_representation(client: TestClient, store: Store) -> None:
    assert (
        client.put("/books/1", json={"id": 1, "title": "X"}, headers={"If-Match": "*"}).status_code
        == 200
    )
    missing = client.put("/books/7", json={"id": 7, "title": "X"}, headers={"If-Match": "*"})
    assert missing.status_code == 412
    assert 7 not in store.books


def test_if_none_match_star_on_put_creates_but_never_overwrites(
    client: TestClient, store: Store
) -> None:
    taken = client.put("/books/1", json={"id": 1, "title": "X"}, headers={"If-None-Match": "*"})
    assert taken.status_code == 412
    assert problem(taken)["detail"].endswith(
        "If-None-Match matches the current representation (with *: the resource exists)."
    )
    new = client.put("/books/2", json={"id": 2, "title": "New"}, headers={"If-None-Match": "*"})
    assert new.status_code == 200
    assert store.books[2].title == "New"


def test_a_delete_with_a_stale_if_match_is_412_and_deletes_nothing(
    client: TestClient, store: Store
) -> None:
    assert client.delete("/books/1", headers={"If-Match": '"stale"'}).status_code == 412
    assert 1 in store.books
    assert client.delete("/books/1", headers={"If-Match": etag_of(client)}).status_code == 204
    assert 1 not in store.books


def test_without_conditional_headers_current_is_not_fetched(
    client: TestClient, store: Store
) -> None:
    assert client.put("/books/1", json={"id": 1, "title": "X"}).status_code == 200
    assert store.calls == ["replace"]


def test_a_required_precondition_is_428_without_if_match(store: Store) -> None:
    client = book_app(store, Conditional(required=True)).test_client()
    response = client.put("/books/1", json={"id": 1, "title": "X"})
    assert response.status_code == 428
    assert problem(response)["detail"] == (
        "This PUT must be conditional: send If-Match with the ETag a GET of the resource"
        " gave, so that a change made meanwhile is not lost."
    )
    assert store.calls == []
    # If-None-Match alone does not guard an existing resource against a lost update.
    assert (
        client.put(
            "/books/1", json={"id": 1, "title": "X"}, headers={"If-None-Match": '"a"'}
        ).status_code
        == 428
    )
    etag = etag_of(client)
    assert (
        client.put("/books/1", json={"id": 1, "title": "X"}, headers={"If-Match": etag}).status_code
        == 200
    )


def test_an_operation_can_require_a_precondition_for_itself(store: Store) -> None:
    client = book_app(store, Conditional(), conditional=Conditional(required=True)).test_client()
    assert client.put("/books/1", json={"id": 1, "title": "X"}).status_code == 200
    assert client.delete("/books/1").status_code == 428
    assert 1 in store.books


def test_if_unmodified_since_guards_a_change_by_date(store: Store) -> None:
    client = dated_app(store)
    before = http_date(CHANGED - dt.timedelta(seconds=1))
    stale = client.patch(
        "/dated/1", json={"id": 1, "title": "X"}, headers={"If-Unmodified-Since": before}
    )
    assert stale.status_code == 412
    assert "update" not in store.calls
    fresh = client.patch(
        "/dated/1",
        json={"id": 1, "title": "X"},
        headers={"If-Unmodified-Since": http_date(CHANGED)},
    )
    assert fresh.status_code == 200
    # A date that is not one is ignored (RFC 9110 §13.1.4), never a 500.
    assert (
        client.patch(
            "/dated/1", json={"id": 1, "title": "Y"}, headers={"If-Unmodified-Since": "soon"}
        ).status_code
        == 200
    )


def test_without_etags_a_required_precondition_is_if_unmodified_since(store: Store) -> None:
    client = dated_app(store, etag=False, required=True)
    assert client.patch("/dated/1", json={"id": 1, "title": "X"}).status_code == 428
    assert (
        client.patch(
            "/dated/1",
            json={"id": 1, "title": "X"},
            headers={"If-Unmodified-Since": http_date(CHANGED)},
        ).status_code
        == 200
    )


@pytest.mark.parametrize("value", ['"open', "tag", 'W/"a" junk', "\x00"])
def test_a_malformed_if_match_is_400_and_changes_nothing(
    client: TestClient, store: Store, value: str
) -> None:
    response = client.put("/books/1", json={"id": 1, "title": "X"}, headers={"If-Match": value})
    assert response.status_code == 400
    assert problem(response)["detail"].startswith("The If-Match header must be * or a list")
    assert store.books[1].title == "Dune"


class Shelf:
    """What a provider gives: here, books."""

    def __init__(self) -> None:
        self.books = {1: Book(1, "Dune")}


def test_current_receives_provided_values_by_name() -> None:
    opened: list[str] = []
    the_shelf = Shelf()

    def shelf() -> Iterator[Shelf]:
        opened.append("shelf")
        yield the_shelf

    class Books(Resource):
        conditional = Conditional(etag=lambda book: book.version)
        providers = (shelf,)

        def get(self, book_id: int, shelf: Provided[Shelf]) -> Book:
            return shelf.books[book_id]

        def current(self, book_id: int, shelf: Provided[Shelf]) -> Book | None:
            return shelf.books.get(book_id)

        def update(self, book_id: int, body: Book, shelf: Provided[Shelf]) -> Book:
            shelf.books[book_id] = body
            return body

    app = App(__name__)
    app.add_resource(Books, "/shelf/<int:book_id>")
    client = app.test_client()
    body = {"id": 1, "title": "X", "version": 2}
    assert client.patch("/shelf/1", json=body, headers={"If-Match": '"9"'}).status_code == 412
    assert client.patch("/shelf/1", json=body, headers={"If-Match": '"1"'}).status_code == 200
    # One provided shelf per request, shared by current and the handler.
    assert opened == ["shelf", "shelf"]


def test_an_async_current_is_awaited_before_the_handler() -> None:
    books = {1: Book(1, "Dune")}
    calls: list[str] = []

    class Books(Resource):
        conditional = Conditional(etag=lambda book: book.version)

        def get(self, book_id: int) -> Book:
            return books[book_id]

        async def current(self, book_id: int) -> Book | None:
            await asyncio.sleep(0)
            return books.get(book_id)

        async def replace(self, book_id: int, body: Book) -> Book:
            calls.append("replace")
            books[book_id] = body
            return body

    app = App(__name__)
    app.add_resource(Books, "/async/<int:book_id>")
    client = app.test_client()
    body = {"id": 1, "title": "X", "version": 2}
    assert client.put("/async/1", json=body, headers={"If-Match": '"0"'}).status_code == 412
    assert calls == []
    response = client.put("/async/1", json=body, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'


# -- declaring them: mistakes raise at class creation ---------------------------------------------


def test_changing_handlers_with_validators_need_current() -> None:
    with pytest.raises(DefinitionError) as info:

        class NoCurrent(Resource):
            conditional = Conditional()

            def get(self, book_id: int) -> Book: ...

            def replace(self, book_id: int, body: Book) -> Book: ...

    assert str(info.value) == (
        "NoCurrent has validators on replace, so If-Match must be checked before the change,"
        " against the current representation: define `def current(self, ...) -> T | None`"
        " returning it (None when there is none), taking any of the handlers' parameters by"
        " name; or give those handlers @operation(conditional=False)."
    )


def test_operation_conditional_false_leaves_a_handler_without_validators() -> None:
    class ReadOnlyTags(Resource):
        conditional = Conditional()

        def get(self, book_id: int) -> Book:
            return Book(book_id, "Dune")

        @operation(conditional=False)
        def delete(self, book_id: int) -> None: ...

    app = App(__name__)
    app.add_resource(ReadOnlyTags, "/ro/<int:book_id>")
    client = app.test_client()
    assert "ETag" in client.get("/ro/1").headers
    assert client.delete("/ro/1", headers={"If-Match": '"x"'}).status_code == 204


def test_current_may_take_only_values_the_handlers_receive() -> None:
    with pytest.raises(DefinitionError) as info:

        class Wrong(Resource):
            conditional = Conditional()

            def get(self, book_id: int) -> Book: ...

            def current(self, book_id: int, shelf: str) -> Book | None: ...

            def delete(self, book_id: int) -> None: ...

    assert str(info.value) == (
        "Wrong.current takes 'shelf', which Wrong.delete does not: current receives, by name,"
        " values the handler receives (path values, provided values). Remove them from"
        " current, or add them to the handler."
    )


def test_a_hashed_etag_on_changes_needs_a_get_handler() -> None:
    with pytest.raises(DefinitionError) as info:

        class WriteOnly(Resource):
            conditional = Conditional()

            def current(self, book_id: int) -> Book | None: ...

            def delete(self, book_id: int) -> None: ...

    assert str(info.value) == (
        "WriteOnly.delete: a hashed ETag is the hash of what GET sends, and WriteOnly has no"
        " get handler. Add one, or give Conditional(etag=...) a function of the value."
    )


def test_conditional_must_be_a_conditional() -> None:
    with pytest.raises(DefinitionError) as info:

        class Wrong(Resource):
            conditional = True  # type: ignore[assignment]

            def get(self) -> Book: ...

    assert str(info.value) == (
        "Wrong.conditional = True: it takes a resourceful.conditional.Conditional, e.g."
        " conditional = Conditional()."
    )


def test_conditional_on_create_is_refused() -> None:
    with pytest.raises(DefinitionError) as info:

        class Wrong(Resource):
            @operation(conditional=Conditional())
            def create(self, body: Book) -> Book: ...

    assert str(info.value) == (
        "Wrong.create: conditional requests apply to GET, PUT, PATCH and DELETE, not POST;"
        " remove @operation(conditional=...)."
    )


def test_validators_without_an_etag_or_a_date_are_refused() -> None:
    with pytest.raises(DefinitionError) as info:
        Conditional(etag=False)
    assert str(info.value) == (
        "Conditional(etag=False) without last_modified validates nothing. Give"
        " last_modified=..., keep the ETag, or leave conditional out."
    )


def test_the_class_validators_skip_list_which_takes_its_own() -> None:
    class Shelf(Resource):
        conditional = Conditional()

        def list(self) -> list[Book]:
            return [Book(1, "Dune")]

        def get(self, book_id: int) -> Book:
            return Book(book_id, "Dune")

    class Tagged(Resource):
        @operation(conditional=Conditional())
        def list(self) -> list[Book]:
            return [Book(1, "Dune")]

    app = App(__name__)
    app.add_resource(Shelf, "/shelf/<int:book_id>")
    app.add_resource(Tagged, "/tagged/")
    client = app.test_client()
    assert "ETag" not in client.get("/shelf/").headers
    assert "ETag" in client.get("/shelf/1").headers
    assert "ETag" in client.get("/tagged/").headers


# -- the document --------------------------------------------------------------------------------


def test_the_document_lists_the_validators_304_and_the_precondition_headers(store: Store) -> None:
    document = book_app(store, Conditional(required=True)).openapi()
    get = document["paths"]["/books/{book_id}"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in get["parameters"]] == [
        ("book_id", "path", True),
        ("If-Match", "header", False),
        ("If-None-Match", "header", False),
    ]
    assert set(get["responses"]["200"]["headers"]) == {"ETag"}
    assert set(get["responses"]["304"]["headers"]) == {"ETag"}
    assert "content" not in get["responses"]["304"]
    assert get["responses"]["412"] == {"$ref": "#/components/responses/PreconditionFailed"}
    assert get["responses"]["400"] == {"$ref": "#/components/responses/BadConditionalRequest"}
    put = document["paths"]["/books/{book_id}"]["put"]
    if_match = next(p for p in put["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True
    assert if_match["description"].endswith("Without it the answer is 428.")
    assert set(put["responses"]) >= {"200", "400", "412", "428"}
    assert "304" not in put["responses"]
    assert set(put["responses"]["200"]["headers"]) == {"ETag"}
    delete = document["paths"]["/books/{book_id}"]["delete"]
    assert "headers" not in delete["responses"]["204"]
    responses = document["components"]["responses"]
    assert responses["PreconditionRequired"]["content"]["application/problem+json"]
    assert responses["PreconditionFailed"]["content"]["application/problem+json"]


def test_the_document_lists_last_modified_and_the_date_preconditions(store: Store) -> None:
    app = dated_app(store).application
    paths = app.openapi()["paths"]["/dated/{book_id}"]
    assert [p["name"] for p in paths["get"]["parameters"]][1:] == [
        "If-Match",
        "If-None-Match",
        "If-Modified-Since",
        "If-Unmodified-Since",
    ]
    assert set(paths["get"]["responses"]["200"]["headers"]) == {"ETag", "Last-Modified"}
    assert [p["name"] for p in paths["patch"]["parameters"]][1:] == [
        "If-Match",
        "If-None-Match",
        "If-Unmodified-Since",
    ]


def test_operations_without_validators_document_no_preconditions() -> None:
    class Plain(Resource):
        def get(self, book_id: int) -> Book: ...

    app = App(__name__)
    app.add_resource(Plain, "/plain/<int:book_id>")
    get = app.openapi()["paths"]["/plain/{book_id}"]["get"]
    assert [p["name"] for p in get["parameters"]] == ["book_id"]
    assert set(get["responses"]) == {"200", "404"}
    assert "headers" not in get["responses"]["200"]


@pytest.mark.parametrize("required", [False, True])
def test_the_documents_with_validators_pass_the_validator_in_3_1_and_3_0(
    store: Store, required: bool
) -> None:
    document = book_app(store, Conditional(required=required)).openapi()
    validate(document)
    validate(to_openapi_30(document))
    dated = dated_app(store).application.openapi()
    validate(dated)
    validate(to_openapi_30(dated))


def test_a_declared_405_documents_the_allow_header() -> None:
    class Locked(Resource):
        @operation(responses={405: Problem})
        def get(self) -> Book: ...

    app = App(__name__)
    app.add_resource(Locked, "/locked")
    document = app.openapi()
    response = document["paths"]["/locked"]["get"]["responses"]["405"]
    assert response["headers"]["Allow"]["schema"] == {"type": "string"}
    validate(document)


def test_current_gets_its_own_default_where_the_handler_gets_its_default() -> None:
    seen: list[Any] = []

    class Flagged(Resource):
        conditional = Conditional(etag=lambda book: book.version)

        def get(self, book_id: int) -> Book:
            return Book(book_id, "Dune")

        def current(self, book_id: int, hard: bool = False) -> Book | None:
            seen.append(hard)
            return Book(book_id, "Dune")

        def delete(self, book_id: int, hard: bool = False) -> None:
            seen.append(("deleted", hard))

    app = App(__name__)
    app.add_resource(Flagged, "/flagged/<int:book_id>")
    client = app.test_client()
    assert client.delete("/flagged/1", headers={"If-Match": '"1"'}).status_code == 204
    assert client.delete("/flagged/1?hard=true", headers={"If-Match": '"1"'}).status_code == 204
    assert seen == [False, ("deleted", False), True, ("deleted", True)]


ENTITY_TAG_VALUES = [
    '"a"',
    'W/"a"',
    "*",
    " * ",
    "",
    " , ",
    '"a", W/"b"',
    '"a,b"',
    '\t"a"\t,\t"b"\t',
    '"caf\u00e9"',
    '""',
    '"a" "b"',
    "a",
    "**",
    '"a",x',
    'W/ "a"',
    'w/"a"',
    '"\x7f"',
    '"a b"',
    '"\u20ac"',
    '"a"\n',
    '*, "a"',
]


def _parses(value: str) -> bool:
    try:
        entity_tags(value, "If-Match")
    except Problem:
        return False
    return True


def test_the_documented_pattern_is_exactly_what_the_headers_accept(store: Store) -> None:
    document = book_app(store, Conditional()).openapi()
    get = document["paths"]["/books/{book_id}"]["get"]
    patterns = {
        p["name"]: p["schema"]["pattern"]
        for p in get["parameters"]
        if p["name"] in ("If-Match", "If-None-Match")
    }
    assert len(set(patterns.values())) == 1
    accepted = [_parses(value) for value in ENTITY_TAG_VALUES]
    assert True in accepted and False in accepted
    assert ecma_matches(patterns["If-Match"], ENTITY_TAG_VALUES) == accepted
