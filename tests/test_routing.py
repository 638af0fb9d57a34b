"""Routing: rules, converters, methods, automatic HEAD/OPTIONS, redirects and hosts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from werkzeug.routing import BaseConverter

from resourceful import App, request
from resourceful.testing import TestClient


def test_route_registers_view_under_function_name(app: App, client: TestClient) -> None:
    @app.route("/hello")
    def hello() -> str:
        return "hi"

    assert app.view_functions["hello"] is hello
    assert client.get("/hello").data == b"hi"


def test_add_url_rule_with_explicit_endpoint(app: App, client: TestClient) -> None:
    def view() -> str:
        return request.endpoint or ""

    app.add_url_rule("/x", "named", view)
    assert client.get("/x").data == b"named"


def test_endpoint_decorator_attaches_view_to_rule_without_one(app: App, client: TestClient) -> None:
    app.add_url_rule("/later", endpoint="later")

    @app.endpoint("later")
    def later_view() -> str:
        return "late"

    assert client.get("/later").data == b"late"


def test_add_url_rule_without_endpoint_or_view_raises(app: App) -> None:
    with pytest.raises(TypeError, match="needs an endpoint name"):
        app.add_url_rule("/nothing")


def test_unknown_url_is_404(app: App, client: TestClient) -> None:
    assert client.get("/missing").status_code == 404


@pytest.mark.parametrize(
    ("rule", "path", "expected"),
    [
        ("/s/<name>", "/s/abc", "str:abc"),
        ("/s/<string(length=3):name>", "/s/abc", "str:abc"),
        ("/i/<int:name>", "/i/42", "int:42"),
        ("/f/<float:name>", "/f/1.5", "float:1.5"),
        ("/p/<path:name>", "/p/a/b/c", "str:a/b/c"),
        ("/a/<any(red, blue):name>", "/a/blue", "str:blue"),
        (
            "/u/<uuid:name>",
            "/u/12345678-1234-5678-1234-567812345678",
            "UUID:12345678-1234-5678-1234-567812345678",
        ),
    ],
)
def test_builtin_converters_convert_values(
    app: App, client: TestClient, rule: str, path: str, expected: str
) -> None:
    @app.route(rule)
    def view(name: Any) -> str:
        return f"{type(name).__name__}:{name}"

    assert client.get(path).get_data(as_text=True) == expected


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/i/<int:v>", "/i/abc"),
        ("/f/<float:v>", "/f/1"),
        ("/a/<any(red, blue):v>", "/a/green"),
        ("/u/<uuid:v>", "/u/not-a-uuid"),
        ("/s/<v>", "/s/a/b"),
    ],
)
def test_value_the_converter_rejects_is_404(
    app: App, client: TestClient, rule: str, path: str
) -> None:
    app.add_url_rule(rule, "view", lambda v: "never")
    assert client.get(path).status_code == 404


def test_custom_converter_via_url_map_converters(app: App, client: TestClient) -> None:
    class ListConverter(BaseConverter):
        def to_python(self, value: str) -> list[str]:
            return value.split(",")

        def to_url(self, value: list[str]) -> str:
            base = super().to_url
            return ",".join(base(v) for v in value)

    app.url_map.converters["list"] = ListConverter

    @app.route("/tags/<list:tags>")
    def tags(tags: list[str]) -> dict[str, Any]:
        return {"tags": tags}

    assert client.get("/tags/a,b,c").get_json() == {"tags": ["a", "b", "c"]}
    with app.test_request_context():
        from resourceful import url_for

        assert url_for("tags", tags=["x", "y"]) == "/tags/x,y"


def test_unknown_converter_raises_at_registration_naming_rule(app: App) -> None:
    with pytest.raises(ValueError, match=r"Invalid URL rule '/x/<nope:v>' for endpoint 'view'"):
        app.add_url_rule("/x/<nope:v>", "view", lambda v: "x")


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_method_shortcut_decorators_register_one_method(app: App, method: str) -> None:
    @getattr(app, method)("/thing")
    def thing() -> str:
        return request.method

    client = app.test_client()
    assert getattr(client, method)("/thing").text == method.upper()
    other = "post" if method != "post" else "put"
    assert getattr(client, other)("/thing").status_code == 405


def test_method_shortcut_refuses_a_methods_argument(app: App) -> None:
    with pytest.raises(
        TypeError, match=r"post\(\) sets the method; use route\(\) to pass methods="
    ):
        app.post("/x", methods=["PUT"])


def test_get_rule_also_answers_head_without_body(app: App, client: TestClient) -> None:
    @app.route("/")
    def index() -> str:
        return "body"

    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.content_length == 4


def test_wrong_method_is_405_with_allow_header(app: App, client: TestClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return "posted"

    response = client.get("/")
    assert response.status_code == 405
    assert set(response.allow) == {"POST", "OPTIONS"}


def test_methods_from_several_rules_on_one_url_are_merged_in_allow(
    app: App, client: TestClient
) -> None:
    app.add_url_rule("/", "read", lambda: "r", methods=["GET"])
    app.add_url_rule("/", "write", lambda: "w", methods=["PUT"])

    assert client.put("/").data == b"w"
    assert set(client.delete("/").allow) == {"GET", "HEAD", "PUT", "OPTIONS"}
    assert set(client.options("/").allow) == {"GET", "HEAD", "PUT", "OPTIONS"}


def test_options_answered_automatically_with_allow(app: App, client: TestClient) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        raise AssertionError("the view must not run for OPTIONS")

    response = client.options("/")
    assert response.status_code == 200
    assert set(response.allow) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert response.data == b""


def test_methods_are_case_insensitive(app: App, client: TestClient) -> None:
    @app.route("/", methods=["post"])
    def index() -> str:
        return "ok"

    assert client.post("/").data == b"ok"


def test_methods_given_as_string_raises(app: App) -> None:
    with pytest.raises(
        TypeError, match=r"must be a list of method names, such as methods=\['POST'\]"
    ):
        app.add_url_rule("/", "index", lambda: "", methods="POST")


def test_view_function_methods_attribute_is_used(app: App, client: TestClient) -> None:
    def view() -> str:
        return request.method

    view.methods = ["DELETE"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view)
    assert client.delete("/").data == b"DELETE"
    assert client.get("/").status_code == 405


def test_required_methods_are_always_added(app: App, client: TestClient) -> None:
    def view() -> str:
        return request.method

    view.required_methods = ["PATCH"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view, methods=["GET"])
    assert client.patch("/").data == b"PATCH"
    assert client.get("/").data == b"GET"


def test_provide_automatic_options_false_on_view_lets_view_answer_options(
    app: App, client: TestClient
) -> None:
    def view() -> str:
        return "mine"

    view.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view, methods=["GET", "OPTIONS"])
    assert client.options("/").data == b"mine"


def test_provide_automatic_options_argument_false_gives_405_for_options(
    app: App, client: TestClient
) -> None:
    app.add_url_rule("/", "index", lambda: "x", provide_automatic_options=False)
    assert client.options("/").status_code == 405


def test_options_in_methods_disables_automatic_options(app: App, client: TestClient) -> None:
    @app.route("/", methods=["GET", "OPTIONS"])
    def index() -> str:
        return f"view saw {request.method}"

    assert client.options("/").data == b"view saw OPTIONS"


def test_config_provide_automatic_options_false_disables_it(app: App, client: TestClient) -> None:
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.add_url_rule("/", "index", lambda: "x")
    assert client.options("/").status_code == 405


def test_missing_trailing_slash_redirects_with_308(app: App, client: TestClient) -> None:
    @app.route("/projects/")
    def projects() -> str:
        return "projects"

    response = client.get("/projects")
    assert response.status_code == 308
    assert response.location == "http://localhost/projects/"
    assert client.get("/projects", follow_redirects=True).data == b"projects"


def test_extra_trailing_slash_is_404(app: App, client: TestClient) -> None:
    @app.route("/about")
    def about() -> str:
        return "about"

    assert client.get("/about/").status_code == 404


def test_strict_slashes_false_matches_both_forms(app: App, client: TestClient) -> None:
    @app.route("/loose/", strict_slashes=False)
    def loose() -> str:
        return "loose"

    assert client.get("/loose").data == b"loose"
    assert client.get("/loose/").data == b"loose"


def test_url_map_strict_slashes_false_applies_to_all_rules(app: App, client: TestClient) -> None:
    app.url_map.strict_slashes = False

    @app.route("/docs/")
    def docs() -> str:
        return "docs"

    assert client.get("/docs").data == b"docs"


def test_url_with_default_value_redirects_to_rule_with_defaults(
    app: App, client: TestClient
) -> None:
    @app.route("/users/", defaults={"page": 1})
    @app.route("/users/page/<int:page>")
    def users(page: int) -> str:
        return f"page {page}"

    assert client.get("/users/").data == b"page 1"
    assert client.get("/users/page/2").data == b"page 2"
    response = client.get("/users/page/1")
    assert response.status_code == 308
    assert response.location == "http://localhost/users/"


def test_redirect_to_string_redirects_with_values(app: App, client: TestClient) -> None:
    app.add_url_rule("/old/<int:id>", redirect_to="/new/<id>")

    @app.route("/new/<int:id>")
    def new(id: int) -> str:
        return f"new {id}"

    response = client.get("/old/7")
    assert response.status_code == 308
    assert response.location == "http://localhost/new/7"


def test_redirect_to_callable_gets_adapter_and_values(app: App, client: TestClient) -> None:
    def target(adapter: Any, id: int) -> str:
        return f"/item/{id * 2}"

    app.add_url_rule("/legacy/<int:id>", redirect_to=target)
    assert client.get("/legacy/4").location == "http://localhost/item/8"


def test_post_to_url_missing_slash_is_redirected_keeping_method_and_body(
    app: App, client: TestClient
) -> None:
    app.debug = True

    @app.route("/form/", methods=["POST"])
    def form() -> str:
        return f"{request.method} {request.form['name']}"

    response = client.post("/form", data={"name": "ann"})
    assert response.status_code == 308
    followed = client.post("/form", data={"name": "ann"}, follow_redirects=True)
    assert followed.data == b"POST ann"


def test_endpoint_clash_names_both_views(app: App) -> None:
    def first() -> str:
        return "1"

    def second() -> str:
        return "2"

    app.add_url_rule("/a", "same", first)
    with pytest.raises(ValueError) as info:
        app.add_url_rule("/b", "same", second)
    message = str(info.value)
    assert "Endpoint 'same' is already mapped to" in message
    assert "first" in message
    assert "second" in message
    assert "endpoint=" in message


def test_same_view_may_be_registered_on_several_rules(app: App, client: TestClient) -> None:
    @app.route("/one")
    @app.route("/two")
    def both() -> str:
        return request.path

    assert client.get("/one").data == b"/one"
    assert client.get("/two").data == b"/two"


def test_subdomain_routing_with_server_name(app: App) -> None:
    app = App("subdomains", root_path=app.root_path, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", subdomain="<user>")
    def user_home(user: str) -> str:
        return f"home of {user}"

    @app.route("/")
    def index() -> str:
        return "main"

    client = app.test_client()
    assert client.get("/", base_url="http://alice.example.test").data == b"home of alice"
    assert client.get("/", base_url="http://example.test").data == b"main"
    with app.app_context():
        from resourceful import url_for

        assert url_for("user_home", user="bob") == "http://bob.example.test/"


def test_without_subdomain_matching_any_host_reaches_default_rules(app: App) -> None:
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index() -> str:
        return "main"

    client = app.test_client()
    assert client.get("/", base_url="http://other.test").data == b"main"


def test_host_matching_routes_by_host(app: App) -> None:
    app = App("hosts", root_path=app.root_path, host_matching=True, static_host="static.test")

    @app.route("/", host="a.test")
    def a() -> str:
        return "a"

    @app.route("/", host="<name>.b.test")
    def b(name: str) -> str:
        return f"b:{name}"

    client = app.test_client()
    assert client.get("/", base_url="http://a.test").data == b"a"
    assert client.get("/", base_url="http://x.b.test").data == b"b:x"
    assert client.get("/", base_url="http://c.test").status_code == 404


def test_host_matching_needs_static_host_for_static_folder(app: App) -> None:
    with pytest.raises(ValueError, match="static_host and host_matching go together"):
        App("hosts", root_path=app.root_path, host_matching=True)


def test_url_rule_and_view_args_on_request(app: App, client: TestClient) -> None:
    @app.route("/items/<int:id>")
    def item(id: int) -> dict[str, Any]:
        assert request.url_rule is not None
        return {"rule": request.url_rule.rule, "args": request.view_args}

    assert client.get("/items/3").get_json() == {"rule": "/items/<int:id>", "args": {"id": 3}}


def test_url_map_class_and_url_rule_class_are_replaceable() -> None:
    from werkzeug.routing import Map, Rule

    class TaggedRule(Rule):
        tagged = True

    class LooseMap(Map):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["strict_slashes"] = False
            super().__init__(*args, **kwargs)

    class CustomApp(App):
        url_rule_class = TaggedRule
        url_map_class = LooseMap

    app = CustomApp("custom", root_path="/x")
    app.add_url_rule("/page/", "page", lambda: "page")
    assert isinstance(app.url_map, LooseMap)
    assert all(isinstance(rule, TaggedRule) for rule in app.url_map.iter_rules())
    assert app.test_client().get("/page").text == "page"


def test_uuid_converter_gives_uuid_object(app: App, client: TestClient) -> None:
    seen: list[Any] = []

    @app.route("/<uuid:key>")
    def view(key: uuid.UUID) -> str:
        seen.append(key)
        return "ok"

    value = uuid.uuid4()
    client.get(f"/{value}")
    assert seen == [value]


# -- the router gives werkzeug's answers (the compiled matcher: tests/test_matcher.py) ---------


def test_router_match_gives_the_same_answer_from_each_layer(app: App) -> None:
    from resourceful.routing import Router

    @app.route("/items/<int:item_id>")
    def item(item_id: int) -> str:
        return str(item_id)

    router = app._router
    assert isinstance(router, Router)
    with app.test_request_context("/items/7"):
        adapter = app.create_url_adapter(request._get_current_object())
        assert adapter is not None
        werkzeug_rule, werkzeug_args = adapter.match(return_rule=True)
        first = router.match(adapter)  # setup still open: werkzeug
        app._got_first_request = True
        second = router.match(adapter)  # the compiled matcher now
        third = router.match(adapter)  # from its recent matches
    assert first == second == third == (werkzeug_rule, werkzeug_args)
    # Each answer is a fresh dict: a URL value preprocessor may pop from it.
    third[1].pop("item_id")
    assert router.match(adapter)[1] == {"item_id": 7}


def _environ_answer(app: App, environ: dict[str, Any]) -> object:
    from werkzeug.exceptions import HTTPException

    try:
        adapter = app.create_url_adapter(app.request_class(environ, populate_request=False))
        assert adapter is not None
        rule, args = adapter.match(return_rule=True)
    except HTTPException as exc:
        # werkzeug lists a 405's methods in set order; the router sorts them.
        methods = getattr(exc, "valid_methods", None)
        return type(exc), getattr(exc, "new_url", None), methods and sorted(methods)
    return rule, args


def test_router_match_environ_answers_as_werkzeug_for_each_kind_of_path(app: App) -> None:
    from werkzeug.exceptions import HTTPException
    from werkzeug.test import EnvironBuilder

    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/items/<int:item_id>", "item", lambda item_id: "")
    app.add_url_rule("/items/<int:item_id>", "put_item", lambda item_id: "", methods=["PUT"])
    app.add_url_rule("/folder/", "folder", lambda: "")
    app.add_url_rule("/files/<path:name>", "file", lambda name: "")

    def page(number: int) -> str:
        return ""

    app.add_url_rule("/page/", "page", page, defaults={"number": 1})
    app.add_url_rule("/page/<int:number>", "page", page)
    cases = [
        ("/", "GET"), ("/items/7", "GET"), ("/items/7", "PUT"), ("/items/7", "DELETE"),
        ("/items/x", "GET"), ("/folder", "GET"), ("/folder/", "POST"), ("/files/a/b.txt", "GET"),
        ("/page/1", "GET"), ("/page/", "GET"), ("/nope", "GET"), ("/items//7", "GET"),
        ("/caf\u00e9", "GET"),
    ]  # fmt: skip
    for setup_closed in (False, True, True):
        app._got_first_request = setup_closed
        for path, method in cases:
            environ = EnvironBuilder(path, method=method, query_string="q=1").get_environ()
            expected = _environ_answer(app, environ)
            try:
                got: object = app._router.match_environ(environ)
            except HTTPException as exc:
                got = type(exc), getattr(exc, "new_url", None), getattr(exc, "valid_methods", None)
            assert got == expected, (path, method)


def test_url_map_lists_rules_in_werkzeug_order_while_rules_are_added(app: App) -> None:
    from werkzeug.routing import Map

    def page(number: int) -> str:
        return ""

    for index in range(3):
        app.add_url_rule(f"/a{index}/<int:n>", f"a{index}", lambda n: "")
        app.add_url_rule(f"/page{index}/<int:number>", "page", page)
        app.add_url_rule(f"/page{index}/", "page", page, defaults={"number": 1})
        listed = [(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()]
        # Listing did not rebuild the matcher (the cost that grew with every rule)...
        assert app.url_map._remap is True
        # ...and gives werkzeug's own listing, made after bringing the matcher up to date.
        assert listed == [(rule.rule, rule.endpoint) for rule in Map.iter_rules(app.url_map)]


def test_check_views_free_finds_the_conflict_with_werkzeugs_own_map_too() -> None:
    from werkzeug.routing import Map

    from resourceful.errors import RouteConflictError
    from resourceful.url_map import URLMap, check_views_free

    for url_map_class in (URLMap, Map):

        class Custom(App):
            pass

        Custom.url_map_class = url_map_class
        app = Custom(__name__)

        def first() -> str:
            return ""

        def second() -> str:
            return ""

        app.add_url_rule("/things", "first", first, methods=["GET", "POST"])
        app.add_url_rule("/things", "second", second, methods=["POST"])
        app.add_url_rule("/other", "second_other", second, methods=["PUT"])
        with pytest.raises(RouteConflictError) as info:
            check_views_free(app, [(second, "Second")])
        assert str(info.value) == (
            "Second registers POST /things (endpoint 'second'), which endpoint 'first' already"
            " serves. Two operations cannot share a rule and method: change one of the rules."
        ), url_map_class
        # Rules of the same views never conflict with each other.
        check_views_free(app, [(first, "First"), (second, "Second")])


# -- Allow: sorted, the same on every run ------------------------------------------------------


def _many_methods_app() -> App:
    app = App(__name__)

    @app.route("/thing", methods=["PUT", "GET", "PATCH"])
    def thing() -> str:
        return "thing"

    @app.route("/thing", methods=["DELETE", "POST"], endpoint="change_thing")
    def change_thing() -> str:
        return "changed"

    return app


def test_a_405_lists_the_allowed_methods_sorted() -> None:
    response = _many_methods_app().test_client().open("/thing", method="TRACE")
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


def test_an_options_answer_lists_the_methods_sorted_and_has_no_content_type() -> None:
    response = _many_methods_app().test_client().options("/thing")
    assert response.status_code == 200
    assert response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    assert "Content-Type" not in response.headers
    assert response.data == b""


def test_a_rule_compiles_its_url_builders_on_first_use_and_keeps_them(app: App) -> None:
    from resourceful import url_for
    from resourceful.url_map import LazyBuildRule

    app.add_url_rule("/items/<int:item_id>", endpoint="item", view_func=lambda item_id: "")
    (rule,) = app.url_map.iter_rules("item")
    assert isinstance(rule, LazyBuildRule)

    def stubs() -> list[bool]:
        return [
            "LazyBuildRule" in builder.__func__.__qualname__
            for builder in (rule._build, rule._build_unknown)
        ]

    assert stubs() == [True, True]
    with app.test_request_context():
        assert url_for("item", item_id=3) == "/items/3"
        assert url_for("item", item_id=4, sort="new") == "/items/4?sort=new"
    assert stubs() == [True, False]
    assert rule.build({"item_id": 5}, append_unknown=False) == ("", "/items/5")
    assert stubs() == [False, False]
    compiled = (rule._build, rule._build_unknown)
    with app.test_request_context():
        assert url_for("item", item_id=6, sort="old") == "/items/6?sort=old"
    assert (rule._build, rule._build_unknown) == compiled


def test_a_rule_with_defaults_builds_as_werkzeug_does(app: App) -> None:
    from resourceful import url_for

    view = lambda page: str(page)  # noqa: E731
    app.add_url_rule("/pages/", endpoint="pages", view_func=view, defaults={"page": 1})
    app.add_url_rule("/pages/<int:page>", endpoint="pages", view_func=view)
    with app.test_request_context():
        assert url_for("pages") == "/pages/"
        assert url_for("pages", page=1) == "/pages/"
        assert url_for("pages", page=2) == "/pages/2"
