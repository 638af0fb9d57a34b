"""The request path's shortcuts answer exactly as the general path does.

The app matches variable-free rules with a dict, caches default error pages
and computes content types once; each test pins a case where a shortcut
could differ from werkzeug's answer.
"""

from __future__ import annotations

import os
from types import FrameType

import pytest
from werkzeug.exceptions import HTTPException, NotFound
from wsgi_calls import wsgi_call

from resourceful import App, Request, Response, abort, json
from resourceful.ctx import RequestContext


def test_static_rule_sets_rule_and_empty_view_args() -> None:
    app = App(__name__)
    seen = {}

    @app.route("/about")
    def about() -> str:
        from resourceful import request

        seen["rule"] = request.url_rule.rule if request.url_rule else None
        seen["args"] = request.view_args
        return "about"

    assert app.test_client().get("/about").text == "about"
    assert seen == {"rule": "/about", "args": {}}


def test_static_rule_with_other_method_still_gives_405_with_allow() -> None:
    app = App(__name__)
    app.add_url_rule("/items", "items", lambda: "list")
    response = app.test_client().delete("/items")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_same_path_different_methods_dispatch_to_their_views() -> None:
    app = App(__name__)
    app.add_url_rule("/things", "read", lambda: "read", methods=["GET"])
    app.add_url_rule("/things", "write", lambda: "write", methods=["POST"])
    client = app.test_client()
    assert client.get("/things").text == "read"
    assert client.post("/things").text == "write"


def test_endpoint_with_defaults_rule_still_redirects_to_canonical_url() -> None:
    app = App(__name__)

    @app.route("/page/", defaults={"number": 1})
    @app.route("/page/<int:number>")
    def page(number: int) -> str:
        return f"page {number}"

    client = app.test_client()
    assert client.get("/page/").text == "page 1"
    response = client.get("/page/1")
    assert response.status_code in {301, 308}
    assert response.headers["Location"].endswith("/page/")


def test_missing_trailing_slash_still_redirects() -> None:
    app = App(__name__)
    app.add_url_rule("/folder/", "folder", lambda: "folder")
    response = app.test_client().get("/folder")
    assert response.status_code == 308


def test_static_rules_with_host_matching_are_matched_on_host() -> None:
    app = App(__name__, host_matching=True, static_host="static.test")
    app.add_url_rule("/", "a", lambda: "a", host="a.test")
    app.add_url_rule("/", "b", lambda: "b", host="b.test")
    client = app.test_client()
    assert client.get("/", base_url="http://a.test").text == "a"
    assert client.get("/", base_url="http://b.test").text == "b"


def test_abort_with_custom_description_is_not_served_from_the_page_cache() -> None:
    app = App(__name__)

    @app.route("/gone")
    def gone() -> str:
        abort(404, "That todo was deleted.")

    client = app.test_client()
    assert "The requested URL was not found" in client.get("/nope").text
    assert "That todo was deleted." in client.get("/gone").text
    assert "The requested URL was not found" in client.get("/nope").text


def test_custom_http_exception_rendering_is_respected() -> None:
    class Teapot(NotFound):
        def get_body(self, environ=None, scope=None) -> str:  # type: ignore[no-untyped-def]
            return "short and stout"

    app = App(__name__)

    @app.route("/pot")
    def pot() -> str:
        raise Teapot()

    assert app.test_client().get("/pot").text == "short and stout"


def test_text_response_content_type_follows_a_custom_response_class() -> None:
    from resourceful import Response

    class TextResponse(Response):
        default_mimetype = "text/plain"

    app = App(__name__)
    app.response_class = TextResponse
    app.add_url_rule("/", "index", lambda: "hi")
    assert app.test_client().get("/").headers["Content-Type"] == "text/plain; charset=utf-8"


def test_headers_given_with_the_body_keep_their_content_type() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: ("a,b", {"Content-Type": "text/csv"}))
    assert app.test_client().get("/").headers["Content-Type"] == "text/csv"


def test_json_response_follows_a_changed_sort_keys_setting() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: {"b": 1, "a": 2})
    client = app.test_client()
    assert client.get("/").data == b'{"a":2,"b":1}\n'
    app.json.sort_keys = False  # type: ignore[attr-defined]
    assert client.get("/").data == b'{"b":1,"a":2}\n'
    with app.app_context():
        assert json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_remembered_match_gives_each_request_its_own_view_args() -> None:
    app = App(__name__)
    from resourceful import g

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, object] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @app.route("/<lang>/users/<int:user_id>")
    def user(user_id: int) -> str:
        return f"{g.lang}:{user_id}"

    client = app.test_client()
    # The same URL three times: the remembered match must not lose the popped value.
    assert [client.get("/fr/users/3").text for _ in range(3)] == ["fr:3"] * 3
    assert client.get("/de/users/4").text == "de:4"


def test_remembered_matches_are_per_host() -> None:
    app = App(__name__, host_matching=True, static_host="static.test")
    app.add_url_rule("/<int:n>", "a", lambda n: f"a{n}", host="a.test")
    app.add_url_rule("/<int:n>", "b", lambda n: f"b{n}", host="b.test")
    client = app.test_client()
    answers = [
        client.get("/1", base_url=f"http://{host}").text
        for host in ("a.test", "b.test", "a.test", "b.test")
    ]
    assert answers == ["a1", "b1", "a1", "b1"]


def test_remembered_match_respects_the_method() -> None:
    app = App(__name__)
    app.add_url_rule("/x/<int:n>", "read", lambda n: f"read{n}", methods=["GET"])
    app.add_url_rule("/x/<int:n>", "write", lambda n: f"write{n}", methods=["POST"])
    client = app.test_client()
    assert client.get("/x/1").text == "read1"
    assert client.post("/x/1").text == "write1"
    assert client.get("/x/1").text == "read1"
    assert client.delete("/x/1").status_code == 405


def _call(app: App, path: str, method: str = "GET") -> tuple[str, bytes, list[str]]:
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path, method=method).get_environ()
    started: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> None:
        started.append(status)

    events: list[str] = []
    iterable = app(environ, start_response)
    body = b"".join(iterable)
    close = getattr(iterable, "close", None)
    if close is not None:
        close()
        events.append("closed")
    return started[0], body, events


def test_call_on_close_runs_when_the_server_closes_the_body() -> None:
    app = App(__name__)
    closed: list[bool] = []

    @app.route("/")
    def index() -> object:
        from resourceful import make_response

        response = make_response("body")
        response.call_on_close(lambda: closed.append(True))
        return response

    status, body, events = _call(app, "/")
    assert (status, body, events, closed) == ("200 OK", b"body", ["closed"], [True])


def test_head_request_gets_headers_without_the_body() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "body")
    status, body, _ = _call(app, "/", "HEAD")
    assert (status, body) == ("200 OK", b"")


def test_remembered_error_handlers_stay_per_blueprint() -> None:
    from resourceful import Blueprint

    app = App(__name__)
    bp = Blueprint("bp", __name__)

    class Boom(Exception):
        pass

    @bp.errorhandler(Boom)
    def bp_boom(e: Boom) -> tuple[str, int]:
        return "blueprint", 500

    @app.errorhandler(Boom)
    def app_boom(e: Boom) -> tuple[str, int]:
        return "app", 500

    def explode() -> str:
        raise Boom()

    bp.add_url_rule("/boom", "boom", explode)
    app.add_url_rule("/boom", "boom", explode)
    app.register_blueprint(bp, url_prefix="/bp")
    client = app.test_client()
    assert [client.get(url).text for url in ("/boom", "/bp/boom", "/boom", "/bp/boom")] == [
        "app",
        "blueprint",
        "app",
        "blueprint",
    ]


@pytest.mark.slow
def test_common_responses_leave_nothing_for_the_garbage_collector() -> None:
    import gc

    from werkzeug.test import EnvironBuilder

    from resourceful import Resource
    from resourceful.errors import FieldError, RequestValidationError

    app = App(__name__)
    app.add_url_rule("/text", "text", lambda: "hi")
    app.add_url_rule("/users/<int:user_id>", "user", lambda user_id: {"id": user_id})

    @app.route("/invalid")
    def invalid() -> str:
        raise RequestValidationError([FieldError("body", "/name", "is required")])

    @app.route("/gone")
    def gone() -> str:
        abort(404)

    @app.resource("/things/<int:thing_id>")
    class Thing(Resource):
        def get(self, thing_id: int) -> None:
            if thing_id == 0:
                abort(404)

    def start_response(status: str, headers: object, exc_info: object = None) -> None:
        pass

    paths = ["/text", "/users/1", "/users/2", "/invalid", "/gone", "/missing", "/things/1",
             "/things/0"]  # fmt: skip
    environs = [EnvironBuilder(path).get_environ() for path in paths]
    for environ in environs:  # warm up: first requests fill caches
        b"".join(app(dict(environ), start_response))
    gc.collect()
    gc.disable()
    # NOTE: other threads (servers of earlier tests) may make garbage meanwhile,
    # so the check looks only for what a request of ours would leave behind.
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for environ in environs:
            b"".join(app(dict(environ), start_response))
        gc.collect()
        leaked = [
            obj
            for obj in gc.garbage
            if isinstance(obj, (Request, RequestContext, HTTPException))
            or (isinstance(obj, FrameType) and _ours(obj.f_code.co_filename))
        ]
        # Every object of these requests was freed by reference counting alone.
        assert leaked == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _ours(filename: str) -> bool:
    return f"{os.sep}resourceful{os.sep}" in filename or filename == __file__


# -- the direct path: every answer equals the full path's ------------------------------------


def _raw_call(
    app: App, path: str, method: str = "GET", **builder: object
) -> tuple[str, list[tuple[str, str]], bytes, dict[str, object]]:
    return wsgi_call(app, path, method, **builder)


def _views(app: App) -> None:
    from werkzeug.exceptions import BadRequest

    app.add_url_rule("/text", "text", lambda: "Hello, World!")
    app.add_url_rule("/unicode", "unicode", lambda: "héllo ✓")
    app.add_url_rule("/bytes", "bytes", lambda: b"\x00raw")
    app.add_url_rule("/empty", "empty", lambda: "")
    app.add_url_rule("/dict/<int:n>", "dict", lambda n: {"id": n, "b": [1, 2], "a": None})
    app.add_url_rule("/list", "list", lambda: [1, "two", {"three": 3}])
    app.add_url_rule("/created", "created", lambda: ("made", 201))
    app.add_url_rule("/json-status", "json_status", lambda: ({"error": "no"}, 409))
    app.add_url_rule("/unknown-status", "unknown_status", lambda: ("odd", 599))
    app.add_url_rule("/no-content", "no_content", lambda: ("", 204))
    app.add_url_rule("/headers", "headers", lambda: ("h", {"X-Thing": "1"}))
    app.add_url_rule("/status-text", "status_text", lambda: ("t", "202 Fine"))
    app.add_url_rule("/response", "response", lambda: app.response_class("r", status=203))

    def aborts() -> str:
        abort(404)

    def aborts_described() -> str:
        abort(410, "Deleted yesterday.")

    def bad() -> str:
        raise BadRequest()

    app.add_url_rule("/abort", "abort", aborts)
    app.add_url_rule("/gone", "gone", aborts_described)
    app.add_url_rule("/bad", "bad", bad)
    app.add_url_rule("/post-only", "post_only", lambda: "posted", methods=["POST"])
    app.add_url_rule("/folder/", "folder", lambda: "folder")


_DIRECT_CASES = [
    ("/text", "GET"),
    ("/text", "HEAD"),
    ("/text", "OPTIONS"),
    ("/unicode", "GET"),
    ("/bytes", "GET"),
    ("/empty", "GET"),
    ("/dict/7", "GET"),
    ("/dict/8", "HEAD"),
    ("/list", "GET"),
    ("/created", "GET"),
    ("/json-status", "GET"),
    ("/unknown-status", "GET"),
    ("/no-content", "GET"),
    ("/headers", "GET"),
    ("/status-text", "GET"),
    ("/response", "GET"),
    ("/abort", "GET"),
    ("/gone", "GET"),
    ("/bad", "GET"),
    ("/no/such/page", "GET"),
    ("/no/such/page", "HEAD"),
    ("/post-only", "GET"),
    ("/folder", "GET"),
    ("/bad%zzescape", "GET"),
]


class _FullPathApp(App):
    """The same app with the direct path turned off (an overridden step)."""

    def finalize_request(self, rv: object, from_error_handler: bool = False) -> object:  # type: ignore[override]
        return super().finalize_request(rv, from_error_handler)


def _pair(debug: bool = False) -> tuple[App, App]:
    direct, full = App(__name__), _FullPathApp(__name__)
    for app in (direct, full):
        app.debug = debug
        _views(app)
    return direct, full


def test_direct_path_is_taken_only_when_nothing_needs_a_response_object() -> None:
    direct, full = _pair()
    _raw_call(direct, "/text")
    _raw_call(full, "/text")
    assert direct._serving.direct is True
    assert full._serving.direct is False
    hooked = App(__name__)
    hooked.after_request(lambda response: response)
    assert hooked._serving.direct is False


def test_direct_path_answers_every_return_kind_as_the_full_path_does() -> None:
    direct, full = _pair()
    for path, method in _DIRECT_CASES:
        raw_uri = {"environ_overrides": {"RAW_URI": path}} if "%" in path else {}
        expected = _raw_call(full, path, method, **raw_uri)[:3]
        assert _raw_call(direct, path, method, **raw_uri)[:3] == expected, (path, method)


def test_direct_path_answers_as_the_full_path_in_debug_mode() -> None:
    direct, full = _pair(debug=True)
    for path in ("/dict/3", "/list", "/text", "/no/such/page"):
        assert _raw_call(direct, path)[:3] == _raw_call(full, path)[:3], path


def test_a_request_that_never_reads_request_builds_no_request_object() -> None:
    app = App(__name__)
    app.add_url_rule("/users/<int:n>", "user", lambda n: {"id": n})
    for path in ("/users/1", "/no/such/page"):
        environ = _raw_call(app, path)[3]
        assert "werkzeug.request" not in environ, path


def test_request_made_late_knows_its_rule_view_args_and_endpoint() -> None:
    from resourceful import request, url_for

    app = App(__name__)
    seen: dict[str, object] = {}

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> str:
        seen.update(
            rule=request.url_rule.rule if request.url_rule else None,
            args=request.view_args,
            endpoint=request.endpoint,
            url=url_for("user", user_id=user_id + 1),
        )
        return "ok"

    client = app.test_client()
    client.get("/users/5")
    client.get("/users/5")  # the second from the match memo
    assert seen == {"rule": "/users/<int:user_id>", "args": {"user_id": 5},
                    "endpoint": "user", "url": "/users/6"}  # fmt: skip


def test_after_this_request_takes_the_full_path_and_is_applied() -> None:
    from resourceful import after_this_request

    app = App(__name__)

    @app.route("/")
    def index() -> str:
        @after_this_request
        def tag(response):  # type: ignore[no-untyped-def]
            response.headers["X-Tag"] = "yes"
            return response

        return "tagged"

    response = app.test_client().get("/")
    assert (response.text, response.headers["X-Tag"]) == ("tagged", "yes")


def test_a_touched_session_is_saved_on_a_direct_path_app() -> None:
    from resourceful import session

    app = App(__name__)
    app.secret_key = "direct path"

    @app.route("/set")
    def set_value() -> str:
        session["n"] = 1
        return "set"

    @app.route("/get")
    def get_value() -> str:
        return str(session.get("n"))

    client = app.test_client()
    assert "Set-Cookie" in client.get("/set").headers
    assert client.get("/get").text == "1"


def test_a_sent_session_cookie_is_refreshed_on_a_direct_path_app() -> None:
    from resourceful import session

    app = App(__name__)
    app.secret_key = "direct path"

    @app.route("/login")
    def login() -> str:
        session.permanent = True
        session["user"] = "ada"
        return "in"

    app.add_url_rule("/plain", "plain", lambda: "plain")
    client = app.test_client()
    client.get("/login")
    # A permanent session's expiry slides forward even on a request that never reads it.
    assert "Set-Cookie" in client.get("/plain").headers
    assert "Set-Cookie" not in app.test_client().get("/plain").headers


def test_signal_receivers_connected_after_the_first_request_are_honoured() -> None:
    from resourceful import request_finished, request_started

    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "hi")
    client = app.test_client()
    client.get("/")
    events: list[str] = []

    def started(sender: App, **extra: object) -> None:
        events.append("started")

    def finished(sender: App, response: object, **extra: object) -> None:
        events.append("finished")

    with request_started.connected_to(started, app), request_finished.connected_to(finished, app):
        assert client.get("/").text == "hi"
    assert events == ["started", "finished"]


def test_teardown_decisions_follow_a_forgotten_plan() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "hi")
    client = app.test_client()
    client.get("/")
    torn: list[object] = []
    after: list[int] = []
    # Registries changed behind the setup methods' back, then the plan dropped.
    app.teardown_request_funcs[None].append(torn.append)
    app.teardown_appcontext_funcs.append(torn.append)

    def count(response: Response) -> Response:
        after.append(response.status_code)
        return response

    app.after_request_funcs[None].append(count)
    app._forget_serving_plan()
    assert client.get("/").text == "hi"
    assert (torn, after) == ([None, None], [200])


def test_g_is_made_on_first_use_and_kept_for_the_context() -> None:
    from resourceful import g

    app = App(__name__)
    with app.app_context() as ctx:
        assert ctx._g is None
        g.name = "x"
        assert ctx.g.name == "x"


# -- the hooks before the view: run when some scope has one, skipped (decided once) otherwise ----


def test_before_hooks_registered_before_the_first_request_run_on_the_direct_path() -> None:
    from resourceful import Blueprint, g

    app = App(__name__)
    calls: list[str] = []
    shop = Blueprint("shop", __name__, url_prefix="/shop")

    @shop.url_value_preprocessor
    def pull(endpoint: str | None, values: dict[str, object] | None) -> None:
        calls.append(f"pull {endpoint}")

    @shop.before_request
    def shop_before() -> None:
        calls.append("shop")

    @shop.route("/<int:n>")
    def item(n: int) -> str:
        return f"item {n}"

    @app.before_request
    def before() -> str | None:
        calls.append("app")
        g.seen = True
        return "stopped" if calls.count("app") == 3 else None

    @app.route("/")
    def index() -> str:
        return "index"

    app.register_blueprint(shop)
    client = app.test_client()

    assert client.get("/").text == "index"
    assert client.get("/shop/2").text == "item 2"
    assert client.get("/").text == "stopped"  # the third app hook answers instead of the view
    assert app._serving.direct and app._serving.preprocess
    # URL value preprocessors first, then the before hooks, outer scope first.
    assert calls == ["app", "pull shop.item", "app", "shop", "app"]


def test_a_before_hook_appended_after_the_first_request_runs_from_the_next_request() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "view")
    client = app.test_client()
    assert client.get("/").text == "view"
    assert app._serving.preprocess is False
    # As an extension would, behind the setup methods' back.
    app.before_request_funcs[None].append(lambda: "hook")
    assert client.get("/").text == "hook"
    assert app._serving.preprocess is True


def test_an_overridden_preprocess_request_is_called_on_the_direct_path() -> None:
    class Preprocessing(App):
        def preprocess_request(self) -> object:
            return "from preprocess_request"

    app = Preprocessing(__name__)
    app.add_url_rule("/", "index", lambda: "view")
    assert app.test_client().get("/").text == "from preprocess_request"
    assert app._serving.direct and app._serving.preprocess


def test_the_body_size_limit_holds_without_hooks_as_with_them() -> None:
    plain, hooked = App(__name__), App(__name__)
    hooked.before_request(lambda: None)
    for app in (plain, hooked):
        app.config["MAX_CONTENT_LENGTH"] = 10
        app.add_url_rule("/", "index", lambda: "unread body", methods=["POST"])
    for body in (b"x" * 10, b"x" * 11):
        expected = _raw_call(hooked, "/", "POST", data=body)[:3]
        assert _raw_call(plain, "/", "POST", data=body)[:3] == expected
    assert expected[0] == "413 REQUEST ENTITY TOO LARGE"
    assert b"The request body is 11 bytes; this server accepts at most 10" in expected[2]
    assert plain._serving.preprocess is False


def test_view_args_a_hook_changed_on_the_request_object_reach_the_view() -> None:
    from resourceful import request

    app = App(__name__)

    @app.before_request
    def rewrite() -> None:
        assert request.view_args is not None
        request.view_args["n"] = 7

    app.add_url_rule("/<int:n>", "number", lambda n: f"n={n}")
    assert app.test_client().get("/3").text == "n=7"


def test_contexts_keep_their_own_state_over_the_class_defaults() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "hi")
    first, second = app.test_request_context("/"), app.test_request_context("/no/such/page")
    with first:
        first.flashes = [("message", "one")]
        assert first.url_rule is not None and first.routing_exception is None
        with second:
            assert second.flashes is None
            assert second.url_rule is None and isinstance(second.routing_exception, NotFound)
    assert RequestContext.flashes is None and RequestContext._routing_exception is None
