"""The request cycle: return values, streaming, hooks and their order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response as WerkzeugResponse

from resourceful import (
    App,
    Response,
    after_this_request,
    g,
    make_response,
    request,
    stream_with_context,
    url_for,
)
from resourceful.testing import TestClient

# -- make_response: what a view may return ---------------------------------------------------


def test_string_becomes_html_response(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: "héllo")
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == "héllo"


def test_bytes_become_body(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: b"\x00raw")
    assert client.get("/").data == b"\x00raw"


@pytest.mark.parametrize("value", [{"a": 1}, [1, "two", None]])
def test_dict_and_list_become_json(app: App, client: TestClient, value: Any) -> None:
    app.add_url_rule("/", "index", lambda: value)
    response = client.get("/")
    assert response.mimetype == "application/json"
    assert response.get_json() == value


def test_tuple_body_status(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: ("created", 201))
    response = client.get("/")
    assert response.status_code == 201
    assert response.data == b"created"


def test_tuple_body_status_string(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: ("teapot", "418 I AM A TEAPOT"))
    assert client.get("/").status == "418 I AM A TEAPOT"


@pytest.mark.parametrize(
    "headers", [{"X-Thing": "yes"}, [("X-Thing", "yes")], Headers({"X-Thing": "yes"})]
)
def test_tuple_body_headers(app: App, client: TestClient, headers: Any) -> None:
    app.add_url_rule("/", "index", lambda: ("body", headers))
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Thing"] == "yes"


def test_tuple_body_status_headers(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: ({"ok": True}, 202, {"X-Thing": "yes"}))
    response = client.get("/")
    assert response.status_code == 202
    assert response.headers["X-Thing"] == "yes"
    assert response.get_json() == {"ok": True}


def test_tuple_status_and_headers_apply_to_response_object(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: (Response("x"), 404, {"X-A": "1"}))
    response = client.get("/")
    assert response.status_code == 404
    assert response.headers["X-A"] == "1"


def test_tuple_of_wrong_size_is_type_error_naming_view(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: ("a", 200, {}, "extra"))
    with pytest.raises(TypeError, match=r"The view for 'index' returned a tuple of 4 items"):
        client.get("/")


def test_none_is_type_error_naming_view(app: App, client: TestClient) -> None:
    @app.route("/")
    def forgot() -> None:
        pass

    with pytest.raises(TypeError, match=r"The view for 'forgot' returned None"):
        client.get("/")


def test_unsupported_type_is_type_error_naming_view_and_type(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: 3.5)
    with pytest.raises(TypeError, match=r"The view for 'index' returned a float"):
        client.get("/")


def test_response_object_is_returned_unchanged(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: Response("custom", status=203, mimetype="text/plain"))
    response = client.get("/")
    assert response.status_code == 203
    assert response.mimetype == "text/plain"


def test_werkzeug_response_is_converted(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: WerkzeugResponse("plain", status=201))
    response = client.get("/")
    assert response.status_code == 201
    assert response.data == b"plain"


def test_wsgi_callable_is_called(app: App, client: TestClient) -> None:
    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("207 MULTI", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]

    app.add_url_rule("/wsgi", "index", lambda: wsgi)
    response = client.get("/wsgi")
    assert response.status_code == 207
    assert response.data == b"/wsgi"


def test_generator_is_streamed(app: App, client: TestClient) -> None:
    def generate() -> Iterator[str]:
        yield "one,"
        yield "two"

    app.add_url_rule("/", "index", lambda: generate())
    assert client.get("/").data == b"one,two"
    with app.test_request_context("/"):
        response = app.make_response(generate())
    assert response.is_streamed
    assert response.content_length is None


def test_generator_with_status_is_streamed(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: (iter([b"a", b"b"]), 206))
    response = client.get("/")
    assert response.status_code == 206
    assert response.data == b"ab"


def test_make_response_helper_lets_view_change_response(app: App, client: TestClient) -> None:
    @app.route("/")
    def index() -> Response:
        response = make_response("text", 201)
        response.headers["X-Extra"] = "1"
        return response

    response = client.get("/")
    assert response.status_code == 201
    assert response.headers["X-Extra"] == "1"


def test_make_response_without_arguments_is_empty(app: App, app_ctx: Any) -> None:
    response = make_response()
    assert isinstance(response, Response)
    assert response.data == b""
    assert response.status_code == 200


def test_app_make_response_uses_response_class(app: App, app_ctx: Any) -> None:
    class MyResponse(Response):
        pass

    app.response_class = MyResponse
    assert isinstance(app.make_response("x"), MyResponse)


# -- streaming with the request context ---------------------------------------------------------


def test_stream_with_context_keeps_request_available(app: App, client: TestClient) -> None:
    @app.route("/")
    def index() -> Any:
        def generate() -> Iterator[str]:
            yield "path="
            yield request.args["q"]

        return stream_with_context(generate())

    assert client.get("/?q=hi").data == b"path=hi"


def test_stream_with_context_as_decorator(app: App, client: TestClient) -> None:
    @app.route("/")
    def index() -> Any:
        @stream_with_context
        def generate() -> Iterator[str]:
            yield request.method

        return generate()

    assert client.get("/").data == b"GET"


def test_stream_with_context_defers_teardown_until_stream_ends(
    app: App, client: TestClient
) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> Any:
        def generate() -> Iterator[str]:
            events.append("streaming")
            yield "x"

        return stream_with_context(generate())

    client.get("/")
    assert events == ["streaming", "teardown"]


def test_stream_with_context_outside_request_raises(app: App) -> None:
    with pytest.raises(RuntimeError, match="stream_with_context\\(\\) needs an active request"):
        stream_with_context(iter(["x"]))


# -- hooks ----------------------------------------------------------------------------------


def test_hooks_run_in_documented_order(app: App, client: TestClient) -> None:
    events: list[str] = []

    @app.url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, Any] | None) -> None:
        events.append(f"url_value_preprocessor {endpoint} {values}")

    @app.before_request
    def before1() -> None:
        events.append("before1")

    @app.before_request
    def before2() -> None:
        events.append("before2")

    @app.after_request
    def after1(response: Response) -> Response:
        events.append("after1")
        return response

    @app.after_request
    def after2(response: Response) -> Response:
        events.append("after2")
        return response

    @app.teardown_request
    def teardown_req(exc: BaseException | None) -> None:
        events.append(f"teardown_request {exc}")

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        events.append(f"teardown_appcontext {exc}")

    @app.route("/<int:n>")
    def view(n: int) -> str:
        events.append("view")

        @after_this_request
        def once(response: Response) -> Response:
            events.append("after_this_request")
            return response

        return "ok"

    client.get("/5")
    assert events == [
        "url_value_preprocessor view {'n': 5}",
        "before1",
        "before2",
        "view",
        "after_this_request",
        "after2",
        "after1",
        "teardown_request None",
        "teardown_appcontext None",
    ]


def test_before_request_return_value_ends_request(app: App, client: TestClient) -> None:
    calls: list[str] = []

    @app.before_request
    def stop() -> Any:
        return "stopped", 403

    @app.before_request
    def never() -> None:
        calls.append("second hook")

    @app.after_request
    def after(response: Response) -> Response:
        response.headers["X-After"] = "ran"
        return response

    @app.route("/")
    def index() -> str:
        calls.append("view")
        return "view"

    response = client.get("/")
    assert response.status_code == 403
    assert response.data == b"stopped"
    assert response.headers["X-After"] == "ran"
    assert calls == []


def test_after_request_can_replace_response(app: App, client: TestClient) -> None:
    @app.after_request
    def replace(response: Response) -> Response:
        return Response("replaced", status=202)

    app.add_url_rule("/", "index", lambda: "original")
    response = client.get("/")
    assert response.status_code == 202
    assert response.data == b"replaced"


def test_after_request_runs_for_500_of_unhandled_exception(app: App) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    ran: list[int] = []

    @app.after_request
    def after(response: Response) -> Response:
        ran.append(response.status_code)
        return response

    @app.route("/")
    def boom() -> str:
        raise ValueError("boom")

    app.logger.disabled = True
    try:
        assert app.test_client().get("/").status_code == 500
    finally:
        app.logger.disabled = False
    assert ran == [500]


def test_after_request_not_run_when_exception_propagates(app: App, client: TestClient) -> None:
    ran: list[str] = []
    app.after_request(lambda response: ran.append("after") or response)

    @app.route("/")
    def boom() -> str:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        client.get("/")
    assert ran == []


def test_teardown_gets_the_unhandled_exception_and_runs_all(app: App, client: TestClient) -> None:
    seen: list[Any] = []

    @app.teardown_request
    def t1(exc: BaseException | None) -> None:
        seen.append(("request", exc))

    @app.teardown_appcontext
    def t2(exc: BaseException | None) -> None:
        seen.append(("appcontext", exc))

    error = ValueError("boom")

    @app.route("/")
    def boom() -> str:
        raise error

    with pytest.raises(ValueError):
        client.get("/")
    assert seen == [("request", error), ("appcontext", error)]


def test_teardown_runs_when_error_handler_fails(app: App, client: TestClient) -> None:
    seen: list[Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.errorhandler(ValueError)
    def handler(e: ValueError) -> str:
        raise KeyError("handler broke")

    @app.route("/")
    def boom() -> str:
        raise ValueError("boom")

    with pytest.raises(KeyError):
        client.get("/")
    assert len(seen) == 1
    assert isinstance(seen[0], KeyError)


def test_teardown_appcontext_runs_with_the_error_when_a_teardown_request_fails(
    app: App, client: TestClient
) -> None:
    seen: list[Any] = []

    @app.teardown_request
    def broken_teardown(exc: BaseException | None) -> None:
        raise KeyError("teardown broke")

    @app.teardown_appcontext
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.route("/")
    def boom() -> str:
        raise ValueError("boom")

    with pytest.raises(KeyError, match="teardown broke"):
        client.get("/")
    assert len(seen) == 1
    assert isinstance(seen[0], ValueError)


def test_teardown_gets_none_when_error_was_handled(app: App, client: TestClient) -> None:
    seen: list[Any] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.errorhandler(ValueError)
    def handler(e: ValueError) -> tuple[str, int]:
        return "handled", 400

    @app.route("/")
    def boom() -> str:
        raise ValueError("boom")

    assert client.get("/").status_code == 400
    assert seen == [None]


def test_teardown_request_runs_in_reverse_registration_order(app: App, client: TestClient) -> None:
    order: list[int] = []
    app.teardown_request(lambda exc: order.append(1))
    app.teardown_request(lambda exc: order.append(2))
    app.teardown_appcontext(lambda exc: order.append(3))
    app.teardown_appcontext(lambda exc: order.append(4))
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    assert order == [2, 1, 4, 3]


def test_after_this_request_from_before_request(app: App, client: TestClient) -> None:
    @app.before_request
    def before() -> None:
        @after_this_request
        def add_header(response: Response) -> Response:
            response.headers["X-Once"] = "1"
            return response

    app.add_url_rule("/", "index", lambda: "x")
    assert client.get("/").headers["X-Once"] == "1"


def test_after_this_request_only_affects_this_request(app: App, client: TestClient) -> None:
    @app.route("/<int:flag>")
    def view(flag: int) -> str:
        if flag:

            @after_this_request
            def add_header(response: Response) -> Response:
                response.headers["X-Once"] = "1"
                return response

        return "x"

    assert client.get("/1").headers.get("X-Once") == "1"
    assert client.get("/0").headers.get("X-Once") is None


def test_after_this_request_outside_request_raises(app: App) -> None:
    with pytest.raises(RuntimeError, match=r"after_this_request\(\) needs an active request"):
        after_this_request(lambda r: r)


def test_url_value_preprocessor_can_pop_values_onto_g(app: App, client: TestClient) -> None:
    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @app.route("/<lang>/about")
    def about() -> str:
        return f"about in {g.lang}"

    assert client.get("/fr/about").data == b"about in fr"


def test_url_defaults_fill_values_when_building(app: App, client: TestClient) -> None:
    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = g.get("lang", "en")

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values:
            g.lang = values.pop("lang", None)

    @app.route("/<lang>/about")
    def about() -> str:
        return url_for("about")

    @app.route("/home")
    def home() -> str:
        return url_for("about")

    assert client.get("/de/about").data == b"/de/about"
    assert client.get("/home").data == b"/en/about"


def test_before_request_sees_matched_request(app: App, client: TestClient) -> None:
    @app.before_request
    def check() -> Any:
        if request.endpoint == "secret":
            return "denied", 401
        return None

    app.add_url_rule("/secret", "secret", lambda: "secret")
    app.add_url_rule("/open", "open", lambda: "open")
    assert client.get("/secret").status_code == 401
    assert client.get("/open").data == b"open"


def test_before_request_runs_for_404(app: App, client: TestClient) -> None:
    seen: list[Any] = []

    @app.before_request
    def before() -> None:
        seen.append(request.endpoint)

    assert client.get("/nowhere").status_code == 404
    assert seen == [None]


def test_setup_after_first_request_raises(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: "x")
    client.get("/")
    with pytest.raises(RuntimeError, match="after it handled its first request"):
        app.add_url_rule("/late", "late", lambda: "late")
    with pytest.raises(RuntimeError, match=r"before_request\(\) was called"):
        app.before_request(lambda: None)


def test_full_dispatch_request_and_dispatch_request_are_public(app: App) -> None:
    app.add_url_rule("/x", "x", lambda: "direct")
    with app.test_request_context("/x"):
        assert app.dispatch_request() == "direct"
        assert app.full_dispatch_request().data == b"direct"


def test_finalize_request_override_sees_view_and_error_responses() -> None:
    class StampingApp(App):
        def finalize_request(self, rv: Any, from_error_handler: bool = False) -> Response:
            response = super().finalize_request(rv, from_error_handler)
            response.headers["X-Stamp"] = "error" if from_error_handler else "view"
            return response

    app = StampingApp("stamping", root_path="/x")

    @app.route("/ok")
    def ok() -> str:
        return "ok"

    @app.route("/boom")
    def boom() -> str:
        raise ValueError("boom")

    client = app.test_client()
    assert client.get("/ok").headers["X-Stamp"] == "view"
    assert client.get("/boom").headers["X-Stamp"] == "error"


def test_preprocess_request_returns_hook_value(app: App) -> None:
    app.before_request(lambda: "early")
    app.add_url_rule("/", "index", lambda: "x")
    with app.test_request_context("/"):
        assert app.preprocess_request() == "early"


def test_process_response_runs_after_hooks(app: App) -> None:
    @app.after_request
    def mark(response: Response) -> Response:
        response.headers["X-Done"] = "1"
        return response

    with app.test_request_context("/"):
        response = app.process_response(app.response_class("x"))
    assert response.headers["X-Done"] == "1"


def test_wsgi_app_can_be_wrapped_by_middleware(app: App) -> None:
    inner = app.wsgi_app

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        environ["PATH_INFO"] = "/rewritten"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    app.add_url_rule("/rewritten", "r", lambda: "rewritten")
    assert app.test_client().get("/anything").data == b"rewritten"
