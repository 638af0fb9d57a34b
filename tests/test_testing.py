"""The test client, the environ builder and test request contexts."""

from __future__ import annotations

from typing import Any

import pytest
import werkzeug.test
from werkzeug.test import EnvironBuilder as WerkzeugEnvironBuilder

from resourceful import App, Response, g, has_request_context, request, session
from resourceful.testing import EnvironBuilder, TestClient, TestResponse


def test_client_is_werkzeug_client_returning_test_responses(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: "hi")
    assert isinstance(client, werkzeug.test.Client)
    response = client.get("/")
    assert isinstance(response, TestResponse)
    assert isinstance(response, Response)


def test_client_keeps_cookies_between_requests(app: App, client: TestClient) -> None:
    @app.route("/set")
    def set_cookie() -> Response:
        response = Response("set")
        response.set_cookie("flavour", "ginger")
        return response

    app.add_url_rule("/get", "get", lambda: request.cookies.get("flavour", "none"))
    client.get("/set")
    assert client.get("/get").data == b"ginger"
    assert client.get_cookie("flavour") is not None


def test_client_without_cookies_forgets_them(app: App) -> None:
    @app.route("/set")
    def set_cookie() -> Response:
        response = Response("set")
        response.set_cookie("flavour", "ginger")
        return response

    app.add_url_rule("/get", "get", lambda: request.cookies.get("flavour", "none"))
    client = app.test_client(use_cookies=False)
    client.get("/set")
    assert client.get("/get").data == b"none"


def test_follow_redirects(app: App, client: TestClient) -> None:
    app.add_url_rule("/start", "start", lambda: Response(status=302, headers={"Location": "/end"}))
    app.add_url_rule("/end", "end", lambda: "arrived")
    response = client.get("/start", follow_redirects=True)
    assert response.data == b"arrived"
    assert [r.status_code for r in response.history] == [302]
    assert response.request.path == "/end"


def test_json_argument_sends_json(app: App, client: TestClient) -> None:
    @app.route("/", methods=["POST"])
    def echo() -> Any:
        return {"type": request.mimetype, "body": request.get_json()}

    response = client.post("/", json={"a": [1, 2]})
    assert response.get_json() == {"type": "application/json", "body": {"a": [1, 2]}}
    assert response.json == {"type": "application/json", "body": {"a": [1, 2]}}


def test_with_client_keeps_last_request_context(app: App, client: TestClient) -> None:
    @app.route("/<name>")
    def view(name: str) -> str:
        g.name = name
        return name

    with client:
        client.get("/first?x=1")
        assert request.path == "/first"
        assert request.args["x"] == "1"
        assert g.name == "first"
        client.get("/second")
        assert request.path == "/second"
        assert g.name == "second"
    assert not has_request_context()


def test_with_client_delays_teardown_until_block_ends(app: App, client: TestClient) -> None:
    torn: list[Any] = []
    app.teardown_request(torn.append)
    app.add_url_rule("/", "index", lambda: "x")
    with client:
        client.get("/")
        assert torn == []
    assert torn == [None]


def test_with_client_and_follow_redirects(app: App, client: TestClient) -> None:
    app.add_url_rule("/start", "start", lambda: Response(status=302, headers={"Location": "/end"}))
    app.add_url_rule("/end", "end", lambda: "arrived")
    with client:
        response = client.get("/start", follow_redirects=True)
        assert response.data == b"arrived"
        assert request.path == "/end"
    assert not has_request_context()


def test_with_client_blocks_cannot_nest(client: TestClient) -> None:
    with client, pytest.raises(RuntimeError, match="already in a 'with' block"), client:
        pass


def test_without_with_block_context_is_popped(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert not has_request_context()


def test_session_transaction_sets_session_for_next_request(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: session.get("user", "anonymous"))
    with client.session_transaction() as sess:
        sess["user"] = "ann"
    assert client.get("/").data == b"ann"


def test_session_transaction_without_secret_key_says_to_set_it(app: App) -> None:
    app.secret_key = None
    with pytest.raises(RuntimeError) as info, app.test_client().session_transaction():
        pass
    message = str(info.value)
    assert "SecureCookieSessionInterface could not open a session" in message
    assert "Set app.secret_key" in message


def test_session_transaction_without_cookies_says_to_enable_them(app: App) -> None:
    client = app.test_client(use_cookies=False)
    with (
        pytest.raises(TypeError, match="create the client with use_cookies=True"),
        client.session_transaction(),
    ):
        pass


def test_client_sends_default_remote_addr_and_user_agent(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: f"{request.remote_addr} {request.user_agent.string}")
    assert client.get("/").get_data(as_text=True).startswith("127.0.0.1 Resourceful/")


def test_client_open_accepts_environ_builder_and_environ(app: App, client: TestClient) -> None:
    app.add_url_rule("/b", "b", lambda: request.method, methods=["GET", "PUT"])
    builder = EnvironBuilder(app, "/b", method="PUT")
    assert client.open(builder).data == b"PUT"
    environ = WerkzeugEnvironBuilder("/b").get_environ()
    assert client.open(environ).data == b"GET"


def test_environ_builder_uses_server_name_and_application_root(app: App) -> None:
    app.config.update(
        SERVER_NAME="example.test:8080", APPLICATION_ROOT="/api", PREFERRED_URL_SCHEME="https"
    )
    environ = EnvironBuilder(app, "/items?x=1").get_environ()
    assert environ["HTTP_HOST"] == "example.test:8080"
    assert environ["SCRIPT_NAME"] == "/api"
    assert environ["PATH_INFO"] == "/items"
    assert environ["QUERY_STRING"] == "x=1"
    assert environ["wsgi.url_scheme"] == "https"


def test_environ_builder_subdomain_and_scheme(app: App) -> None:
    app.config["SERVER_NAME"] = "example.test"
    environ = EnvironBuilder(app, "/", subdomain="api", url_scheme="https").get_environ()
    assert environ["HTTP_HOST"] == "api.example.test"
    assert environ["wsgi.url_scheme"] == "https"


def test_environ_builder_refuses_base_url_with_subdomain(app: App) -> None:
    with pytest.raises(ValueError, match="Pass base_url, or subdomain and url_scheme, not both"):
        EnvironBuilder(app, "/", base_url="http://x.test", subdomain="api")


def test_test_request_context_accepts_builder_arguments(app: App) -> None:
    with app.test_request_context(
        "/form", method="POST", data={"a": "1"}, headers={"X-Test": "yes"}
    ):
        assert request.form["a"] == "1"
        assert request.headers["X-Test"] == "yes"


def test_test_client_class_is_replaceable(app: App) -> None:
    class MyClient(TestClient):
        marker = "mine"

    app.test_client_class = MyClient
    client = app.test_client()
    assert isinstance(client, MyClient)


def test_custom_response_class_is_kept_by_client(app: App) -> None:
    class MyResponse(Response):
        def shout(self) -> str:
            return self.get_data(as_text=True).upper()

    app.response_class = MyResponse
    app.add_url_rule("/", "index", lambda: "quiet")
    response = app.test_client().get("/")
    assert isinstance(response, MyResponse)
    assert response.shout() == "QUIET"


def test_json_argument_accepts_attrs_instances_at_any_depth(app: App) -> None:
    import attrs

    from resourceful import field

    @attrs.define
    class Line:
        sku: str
        qty: int = field(name="quantity")

    @app.post("/orders")
    def orders() -> dict[str, object]:
        return {"received": request.get_json()}

    body = {"lines": [Line("a", 2)], "first": Line("b", 1)}
    assert app.test_client().post("/orders", json=body).json == {
        "received": {
            "lines": [{"sku": "a", "quantity": 2}],
            "first": {"sku": "b", "quantity": 1},
        }
    }
