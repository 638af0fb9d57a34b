"""The blog example: a server-rendered app with blueprints, templates, sessions and flashing."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from resourceful import App
from resourceful.testing import TestClient, TestResponse

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blog"


@pytest.fixture(scope="module")
def create_app() -> Iterator[Any]:
    sys.path.insert(0, str(EXAMPLE))
    try:
        from blog import create_app

        yield create_app
    finally:
        sys.path.remove(str(EXAMPLE))
        for name in [m for m in sys.modules if m == "blog" or m.startswith("blog.")]:
            del sys.modules[name]


@pytest.fixture
def app(create_app: Any, tmp_path: Path) -> App:
    app: App = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "blog.sqlite"), "SECRET_KEY": "test"}
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.output == "Initialized the database.\n", result.output
    return app


class BufferedClient(TestClient):
    """Reads each response fully, so static files are closed right away."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: App) -> TestClient:
    return BufferedClient(app, app.response_class)


def register(client: TestClient, username: str = "ann", password: str = "pw") -> TestResponse:
    response: TestResponse = client.post(
        "/auth/register", data={"username": username, "password": password}
    )
    return response


def login(client: TestClient, username: str = "ann", password: str = "pw") -> TestResponse:
    response: TestResponse = client.post(
        "/auth/login", data={"username": username, "password": password}
    )
    return response


@pytest.fixture
def logged_in(client: TestClient) -> TestClient:
    register(client)
    login(client)
    return client


def _rows(app: App, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return [tuple(row) for row in db.execute(sql)]


# -- pages, templates, static files --------------------------------------------------------


def test_index_renders_the_layout_with_links_for_visitors(client: TestClient) -> None:
    html = client.get("/").text

    assert "<title>Posts - Blog</title>" in html
    assert 'href="/static/style.css"' in html
    assert 'href="/auth/register">Register</a>' in html
    assert 'href="/auth/login">Log In</a>' in html
    assert "No posts yet." in html


def test_stylesheet_is_served_from_the_static_folder(client: TestClient) -> None:
    response = client.get("/static/style.css")

    assert response.status_code == 200
    assert response.mimetype == "text/css"


# -- registration and login ----------------------------------------------------------------


def test_register_creates_the_user_and_redirects_to_login(app: App, client: TestClient) -> None:
    response = register(client)

    assert response.status_code == 302
    assert response.location == "/auth/login"
    assert _rows(app, "SELECT username FROM user") == [("ann",)]
    assert "Registered. Please log in." in client.get("/auth/login").text


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [("", "pw", "Username is required."), ("bob", "", "Password is required.")],
)
def test_register_validates_the_form(
    client: TestClient, username: str, password: str, message: str
) -> None:
    response = register(client, username, password)

    assert response.status_code == 200
    assert f'<p class="flash error">{message}</p>' in response.text


def test_register_twice_flashes_an_error(client: TestClient) -> None:
    register(client)

    assert "User ann is already registered." in register(client).text


def test_login_puts_the_user_in_the_session(client: TestClient) -> None:
    register(client)

    response = login(client)

    assert response.location == "/"
    with client.session_transaction() as session:
        assert session["user_id"] == 1
    html = client.get("/").text
    assert "<span>ann</span>" in html
    assert "Welcome back, ann." in html


def test_login_with_a_wrong_password_is_refused(client: TestClient) -> None:
    register(client)

    response = login(client, password="wrong")

    assert response.status_code == 200
    assert "Incorrect username or password." in response.text
    with client.session_transaction() as session:
        assert "user_id" not in session


def test_login_follows_a_local_next_but_not_another_site(client: TestClient) -> None:
    register(client)
    form = {"username": "ann", "password": "pw"}

    assert client.post("/auth/login?next=/create", data=form).location == "/create"
    assert client.post("/auth/login?next=//evil.test/", data=form).location == "/"


def test_logout_clears_the_session(logged_in: TestClient) -> None:
    response = logged_in.get("/auth/logout")

    assert response.location == "/"
    with logged_in.session_transaction() as session:
        assert "user_id" not in session


# -- posts ---------------------------------------------------------------------------------


def test_writing_needs_a_login(client: TestClient) -> None:
    response = client.get("/create")

    assert response.status_code == 302
    assert response.location == "/auth/login?next=/create"


def test_create_update_and_delete_a_post(app: App, logged_in: TestClient) -> None:
    response = logged_in.post("/create", data={"title": "Hello", "body": "<b>First</b> post"})
    assert response.location == "/"
    index = logged_in.get("/").text
    assert "Post published." in index
    assert "<h1>Hello</h1>" in index
    assert "&lt;b&gt;First&lt;/b&gt; post" in index  # autoescaped
    assert 'href="/1/update">Edit</a>' in index

    logged_in.post("/1/update", data={"title": "Hi", "body": "changed"})
    assert _rows(app, "SELECT title, body FROM post") == [("Hi", "changed")]

    logged_in.post("/1/delete")
    assert _rows(app, "SELECT * FROM post") == []


def test_post_without_a_title_is_refused(logged_in: TestClient) -> None:
    response = logged_in.post("/create", data={"title": " ", "body": "x"})

    assert "Title is required." in response.text


def test_only_the_author_may_change_a_post(client: TestClient) -> None:
    register(client, "ann")
    register(client, "bob")
    login(client, "ann")
    client.post("/create", data={"title": "Ann's", "body": ""})
    login(client, "bob")

    assert client.post("/1/update", data={"title": "x", "body": ""}).status_code == 403
    assert client.post("/1/delete").status_code == 403
    assert 'href="/1/update"' not in client.get("/").text


def test_missing_post_is_404(logged_in: TestClient) -> None:
    assert logged_in.get("/7/update").status_code == 404


def test_long_posts_are_shortened_by_the_excerpt_filter(logged_in: TestClient) -> None:
    logged_in.post("/create", data={"title": "Long", "body": "word " * 100})

    html = logged_in.get("/").text

    assert "word word…" in html
    assert "word " * 60 not in html
