"""The request path's shortcuts answer exactly as the general path does.

The app matches variable-free rules with a dict, caches default error pages
and computes content types once; each test pins a case where a shortcut
could differ from werkzeug's answer.
"""

from __future__ import annotations

import os
from types import FrameType

from werkzeug.exceptions import HTTPException, NotFound

from resourceful import App, Request, abort, json
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
