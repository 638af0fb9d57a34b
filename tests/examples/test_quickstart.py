"""The quickstart behaves as docs/quickstart.md says, as the page's snippets and as the example.

The page shows its code inline (so it reads on GitHub too) and
``examples/quickstart/app.py`` is the same application in one file; every
test here runs against both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from example_modules import import_example
from test_docs import BLOCKS

from resourceful import App
from resourceful.testing import TestClient

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart" / "app.py"


def _app_from_the_page() -> App:
    """Run the page's Python blocks in order, as a reader builds ``hello.py``."""
    blocks = [b for b in BLOCKS if b.page == "quickstart.md"]
    assert blocks[0].mode == "run"
    assert all(b.mode == "continue" for b in blocks[1:])
    namespace: dict[str, object] = {"__name__": "hello"}
    for block in blocks:
        exec(compile(block.code, block.where, "exec"), namespace)
    return namespace["app"]  # type: ignore[return-value]


@pytest.fixture(scope="module", params=["page", "example"])
def app(request: pytest.FixtureRequest) -> App:
    if request.param == "page":
        return _app_from_the_page()
    return import_example(EXAMPLE, "quickstart_app").app  # type: ignore[no-any-return]


def test_the_page_and_the_example_define_the_same_routes() -> None:
    example = import_example(EXAMPLE, "quickstart_app").app

    def routes(app: App) -> set[tuple[str, str]]:
        return {(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()}

    assert routes(_app_from_the_page()) == routes(example)
    assert _app_from_the_page().error_handler_spec.keys() == example.error_handler_spec.keys()


@pytest.fixture
def client(app: App) -> TestClient:
    return app.test_client()


def test_index_says_hello(client: TestClient) -> None:
    assert client.get("/").text == "Hello, World!"


def test_variables_are_converted_and_escaped(client: TestClient) -> None:
    assert client.get("/user/<b>").text == "User &lt;b&gt;"
    assert client.get("/post/42").text == "Post 42"
    assert client.get("/post/abc").status_code == 404
    assert client.get("/path/a/b/c").text == "Subpath a/b/c"


def test_trailing_slash_redirects_but_missing_one_does_not(client: TestClient) -> None:
    response = client.get("/projects")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/projects/"
    assert client.get("/about/").status_code == 404


def test_login_shows_form_on_get_and_reads_it_on_post(client: TestClient) -> None:
    assert "<form" in client.get("/login").text
    assert client.post("/login", data={"username": "ada"}).text == "Logging in ada"


def test_dict_becomes_json_and_url_for_builds_links(client: TestClient) -> None:
    assert client.get("/me").json == {
        "username": "ada",
        "theme": "dark",
        "links": ["/user/ada"],
    }


def test_abort_and_redirect(client: TestClient) -> None:
    assert client.get("/secret").status_code == 401
    response = client.get("/old-about")
    assert response.status_code == 302
    assert response.headers["Location"] == "/about"


def test_custom_404_handler(client: TestClient) -> None:
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.text == "This page does not exist."
