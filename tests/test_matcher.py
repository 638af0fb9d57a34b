"""The compiled matcher (resourceful/matcher.py) gives werkzeug's answers, or steps aside."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.routing.converters import ValidationError

from resourceful import App
from resourceful.matcher import _RECENT_EVERY, _RECENT_SIZE, CompiledMatcher

# -- differential: hypothesis rule tables against werkzeug's own matcher ------------------------

_STATIC = ["a", "b", "users", "x", ""]
_CONVERTERS = ["", "int:", "float:", "uuid:", "any(a, b):", "int(min=5):", "path:",
               "string(length=2):", "int(signed=True):", "string(minlength=0):",
               "float(signed=True):"]  # fmt: skip
_SEGMENTS = ["a", "b", "users", "x", "1", "42", "-3", "1.5", "ab", "7", "", "a.txt",
             "12345678-1234-5678-1234-567812345678"]  # fmt: skip
_METHODS = ["GET", "POST", "DELETE", "HEAD", "PUT"]


@st.composite
def _rules(draw: st.DrawFn, hosts: list[str | None]) -> list[dict[str, Any]]:
    specs = []
    for number in range(draw(st.integers(1, 10))):
        parts = []
        for index in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                parts.append(draw(st.sampled_from(_STATIC)))
            else:
                variable = f"<{draw(st.sampled_from(_CONVERTERS))}v{index}>"
                parts.append(variable + (".txt" if draw(st.integers(0, 4)) == 0 else ""))
        rule = "/" + "/".join(parts) + ("/" if draw(st.booleans()) else "")
        methods = draw(st.sets(st.sampled_from(["GET", "POST", "DELETE"]), min_size=1))
        websocket = draw(st.integers(0, 15)) == 0
        specs.append(
            {
                "string": rule,
                # A few endpoints are shared, so werkzeug's defaults redirects come into play.
                "endpoint": f"e{draw(st.integers(0, 2)) if draw(st.booleans()) else number + 10}",
                "methods": {"GET"}
                if websocket
                else (methods if draw(st.integers(0, 15)) else None),
                "strict_slashes": draw(st.integers(0, 3)) > 0,
                "defaults": {"page": 1} if draw(st.integers(0, 8)) == 0 else None,
                "websocket": websocket,
                "host_or_subdomain": draw(st.sampled_from(hosts)),
            }
        )
    return specs


def _map(specs: list[dict[str, Any]], host_matching: bool, **options: Any) -> Map:
    url_map = Map(host_matching=host_matching, **options)
    for spec in specs:
        spec = dict(spec)
        place = spec.pop("host_or_subdomain")
        spec["host" if host_matching else "subdomain"] = place
        try:
            url_map.add(Rule(spec.pop("string"), **spec))
        except (ValueError, LookupError):
            continue  # a combination werkzeug refuses (for example a duplicate variable)
    return url_map


def _werkzeug(url_map: Map, server: str, subdomain: str | None, path: str, method: str) -> object:
    adapter = url_map.bind(server, subdomain=subdomain, path_info=path, default_method=method)
    try:
        rule, values = adapter.match(return_rule=True)
    except HTTPException as exc:
        return ("error", type(exc).__name__)
    return ("match", id(rule), dict(values))


def _compiled(
    matcher: CompiledMatcher, server: str, subdomain: str | None, path: str, method: str
) -> object:
    try:
        found = matcher.match_path(server, subdomain, "http", path, method)
    except NotFound:
        return ("error", "NotFound")
    return None if found is None else ("match", id(found[0]), found[1])


_PATHS = st.lists(st.sampled_from(_SEGMENTS), max_size=4).map(lambda s: "/" + "/".join(s))
_REQUESTS = st.lists(
    st.tuples(
        _PATHS.map(lambda path: path.replace("/", "//", 1)) | _PATHS,
        st.sampled_from(_METHODS),
        st.sampled_from(["", "api", "zz"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=400)
@given(
    specs=_rules([None, None, "api", "<sub>"]),
    requests=_REQUESTS,
    merge_slashes=st.booleans(),
    redirect_defaults=st.booleans(),
)
@pytest.mark.slow
def test_compiled_matcher_answers_only_as_werkzeug_would(
    specs: list[dict[str, Any]],
    requests: list[tuple[str, str, str]],
    merge_slashes: bool,
    redirect_defaults: bool,
) -> None:
    url_map = _map(specs, False, merge_slashes=merge_slashes, redirect_defaults=redirect_defaults)
    matcher = CompiledMatcher(url_map)
    assert matcher.usable
    for path, method, subdomain in requests:
        expected = _werkzeug(url_map, "localhost", subdomain, path, method)
        # Until a dynamic path's answer comes from the recent matches too.
        for _ in range(_RECENT_EVERY + 1):
            got = _compiled(matcher, "localhost", subdomain, path, method)
            assert got is None or got == expected, (path, method, subdomain)


@settings(max_examples=200)
@given(specs=_rules(["a.test", "b.test", "<name>.test", None]), requests=_REQUESTS)
@pytest.mark.slow
def test_compiled_matcher_matches_hosts_as_werkzeug_does(
    specs: list[dict[str, Any]], requests: list[tuple[str, str, str]]
) -> None:
    url_map = _map(specs, True)
    matcher = CompiledMatcher(url_map)
    for path, method, host in requests:
        server = f"{host or 'a'}.test"
        expected = _werkzeug(url_map, server, None, path, method)
        got = _compiled(matcher, server, None, path, method)
        assert got is None or got == expected, (server, path, method)


# -- what it answers itself ------------------------------------------------------------------


def _answer(matcher: CompiledMatcher, path: str, method: str = "GET") -> object:
    found = matcher.match_path("localhost", "", "http", path, method)
    return None if found is None else (found[0].endpoint, found[1])


def test_compiled_matcher_answers_the_common_cases_itself() -> None:
    matcher = CompiledMatcher(
        Map(
            [
                Rule("/", endpoint="index"),
                Rule("/users/<int:user_id>", endpoint="user"),
                Rule("/users/<int:user_id>/posts/<slug>", endpoint="post"),
                Rule("/files/<path:name>", endpoint="file"),
                Rule("/users/me", endpoint="me"),
                Rule("/users/<name>", endpoint="by_name"),
                Rule("/price/<float:amount>", endpoint="price"),
                Rule("/things/<uuid:key>", endpoint="thing"),
                Rule("/docs/<name>.txt", endpoint="doc"),
                Rule("/colour/<any(red, blue):colour>", endpoint="colour"),
            ]
        )
    )
    key = "12345678-1234-5678-1234-567812345678"
    assert _answer(matcher, "/") == ("index", {})
    assert _answer(matcher, "/users/42") == ("user", {"user_id": 42})
    assert _answer(matcher, "/users/42/posts/hello") == ("post", {"user_id": 42, "slug": "hello"})
    assert _answer(matcher, "/files/a/b.txt") == ("file", {"name": "a/b.txt"})
    # A static segment wins over a variable, and an int converter over a string one.
    assert _answer(matcher, "/users/me") == ("me", {})
    assert _answer(matcher, "/users/ada") == ("by_name", {"name": "ada"})
    assert _answer(matcher, "/price/1.5") == ("price", {"amount": 1.5})
    assert _answer(matcher, f"/things/{key}") == ("thing", {"key": uuid.UUID(key)})
    assert _answer(matcher, "/docs/readme.txt") == ("doc", {"name": "readme"})
    assert _answer(matcher, "/colour/blue") == ("colour", {"colour": "blue"})
    # Paths no rule has the shape of are werkzeug's plain 404, extra slash included.
    for path in ("/nope", "/users/42/comments", "/users/42/posts/hello/", "/colour/green"):
        with pytest.raises(NotFound):
            _answer(matcher, path)


def test_each_answer_gets_its_own_values() -> None:
    matcher = CompiledMatcher(Map([Rule("/items/<int:n>", endpoint="item")]))
    first = matcher.match_path("localhost", "", "http", "/items/7", "GET")
    assert first is not None
    first[1].pop("n")  # a URL value preprocessor may pop from it
    again = matcher.match_path("localhost", "", "http", "/items/7", "GET")
    assert again is not None
    assert again[1] == {"n": 7}


def test_a_static_path_with_no_rule_for_the_method_continues_to_the_variable_rules() -> None:
    matcher = CompiledMatcher(
        Map(
            [
                Rule("/users/me", endpoint="me", methods=["POST"]),
                Rule("/users/<name>", endpoint="u"),
            ]
        )
    )
    assert _answer(matcher, "/users/me", "POST") == ("me", {})
    # werkzeug walks on past the static rule, which does not serve GET.
    assert _answer(matcher, "/users/me", "GET") == ("u", {"name": "me"})


def test_a_rule_with_defaults_gets_them_when_no_rule_redirects_to_it() -> None:
    matcher = CompiledMatcher(
        Map(
            [
                Rule("/feed/", endpoint="feed", defaults={"page": 1}),
                Rule("/archive/<int:year>", endpoint="archive", defaults={"month": 1}),
            ]
        )
    )
    assert _answer(matcher, "/feed/") == ("feed", {"page": 1})
    assert _answer(matcher, "/archive/2020") == ("archive", {"year": 2020, "month": 1})


# -- where it steps aside (werkzeug decides) ------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "path", "method", "werkzeug_says"),
    [
        # A missing trailing slash: a redirect, static or after a variable.
        ([Rule("/users/", endpoint="users")], "/users", "GET", "RequestRedirect"),
        ([Rule("/users/<int:n>/", endpoint="user")], "/users/5", "GET", "RequestRedirect"),
        # A rule that does not insist on its slash matches with one added.
        ([Rule("/a/<x>", endpoint="a", strict_slashes=False)], "/a/b/", "GET", "match"),
        # A path variable followed by a slash.
        ([Rule("/files/<path:p>/", endpoint="files")], "/files/a/b", "GET", "RequestRedirect"),
        # Another method: a 405 with the methods werkzeug lists.
        ([Rule("/x", endpoint="x", methods=["POST"])], "/x", "GET", "MethodNotAllowed"),
        ([Rule("/x/<int:n>", endpoint="x", methods=["POST"])], "/x/1", "GET", "MethodNotAllowed"),
        # A websocket rule asked over HTTP.
        ([Rule("/ws/<int:n>", endpoint="ws", websocket=True)], "/ws/1", "GET", "WebsocketMismatch"),
        # Doubled slashes, which werkzeug merges and redirects.
        ([Rule("/a/b", endpoint="ab")], "/a//b", "GET", "RequestRedirect"),
        # redirect_to and aliases.
        ([Rule("/old/<int:n>", endpoint="o", redirect_to="/new/<n>")], "/old/1", "GET",
         "RequestRedirect"),
        ([Rule("/one", endpoint="e"), Rule("/two", endpoint="e", alias=True)], "/two", "GET",
         "RequestRedirect"),
        # An endpoint whose other rule provides defaults for this one: /page/1 redirects.
        ([Rule("/page/", endpoint="p", defaults={"n": 1}), Rule("/page/<int:n>", endpoint="p")],
         "/page/1", "GET", "RequestRedirect"),
        ([Rule("/page/", endpoint="p", defaults={"n": 1}), Rule("/page/<int:n>", endpoint="p")],
         "/page/2", "GET", "match"),
    ],
)  # fmt: skip
def test_compiled_matcher_steps_aside_where_werkzeug_does_more_than_match(
    rules: list[Rule], path: str, method: str, werkzeug_says: str
) -> None:
    url_map = Map(rules)
    matcher = CompiledMatcher(url_map)
    assert matcher.match_path("localhost", "", "http", path, method) is None
    answer = _werkzeug(url_map, "localhost", "", path, method)
    assert answer[0] == werkzeug_says or answer[1] == werkzeug_says


def test_without_redirect_defaults_a_rule_of_a_defaults_endpoint_is_answered() -> None:
    rules = [Rule("/page/", endpoint="p", defaults={"n": 1}), Rule("/page/<int:n>", endpoint="p")]
    matcher = CompiledMatcher(Map(rules, redirect_defaults=False))
    assert _answer(matcher, "/page/1") == ("p", {"n": 1})


def test_websocket_requests_are_left_to_werkzeug() -> None:
    matcher = CompiledMatcher(Map([Rule("/ws", endpoint="ws", websocket=True)]))
    assert matcher.match_path("localhost", "", "ws", "/ws", "GET") is None


def test_a_value_the_converter_refuses_is_a_404_unless_another_method_had_the_shape() -> None:
    matcher = CompiledMatcher(Map([Rule("/n/<int(min=5):n>", endpoint="n")]))
    for _ in range(_RECENT_EVERY + 1):  # the last ones from the recent matches
        with pytest.raises(NotFound):
            _answer(matcher, "/n/3")
    assert _answer(matcher, "/n/7") == ("n", {"n": 7})
    # A rule of another method met first: werkzeug's answer is a 405.
    url_map = Map(
        [
            Rule("/n/<int:n>", endpoint="write", methods=["POST"]),
            Rule("/n/<int(max=2):n>", endpoint="read"),
        ]
    )
    matcher = CompiledMatcher(url_map)
    assert _answer(matcher, "/n/3") is None
    assert _werkzeug(url_map, "localhost", "", "/n/3", "GET") == ("error", "MethodNotAllowed")


class _Counting(BaseConverter):
    """A converter that looks its value up (counting the look-ups), as a model converter might."""

    calls: list[str]

    def to_python(self, value: str) -> Any:
        self.calls.append(value)
        if value == "gone":
            raise ValidationError
        return {"name": value}


def test_a_custom_converter_runs_once_per_match_remembered_or_not() -> None:
    calls: list[str] = []
    converter = type("Counting", (_Counting,), {"calls": calls})
    url_map = Map([Rule("/m/<thing:t>", endpoint="m")], converters={"thing": converter})
    matcher = CompiledMatcher(url_map)
    # The last ones from the recent matches.
    answers = [_answer(matcher, "/m/ada") for _ in range(_RECENT_EVERY + 1)]
    assert answers == [("m", {"t": {"name": "ada"}})] * (_RECENT_EVERY + 1)
    assert ("", "/m/ada", "GET") in matcher._recent
    assert calls == ["ada"] * (_RECENT_EVERY + 1)
    # Each request gets the converter's own new value, not a shared one.
    found = matcher.match_path("localhost", "", "http", "/m/ada", "GET")
    assert found is not None
    assert found[1]["t"] is not matcher.match_path("localhost", "", "http", "/m/ada", "GET")[1]["t"]  # type: ignore[index]
    with pytest.raises(NotFound):
        _answer(matcher, "/m/gone")


def test_a_map_with_a_host_rule_it_cannot_compile_is_left_to_werkzeug() -> None:
    url_map = Map([Rule("/", endpoint="i", host="<path:h>")], host_matching=True)
    matcher = CompiledMatcher(url_map)
    assert not matcher.usable
    assert matcher.match_path("a.test", None, "http", "/", "GET") is None


def _flood(matcher: CompiledMatcher, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        matcher.match_path("localhost", "", "http", f"/n/{number}", "GET")


def test_recent_matches_keep_the_newest_paths_when_full() -> None:
    matcher = CompiledMatcher(Map([Rule("/n/<int:n>", endpoint="n")]))
    _flood(matcher, (_RECENT_SIZE + 2) * _RECENT_EVERY)
    kept = [int(path.rpartition("/")[2]) for _domain, path, _method in matcher._recent]
    # The oldest left one by one: no cliff where the whole table is dropped.
    assert len(kept) == _RECENT_SIZE
    assert kept == sorted(kept)
    assert kept[-1] == (_RECENT_SIZE + 2) * _RECENT_EVERY - 1


def test_a_stream_of_new_paths_pushes_a_repeated_one_out_slowly() -> None:
    matcher = CompiledMatcher(Map([Rule("/n/<int:n>", endpoint="n")]))
    _flood(matcher, _RECENT_SIZE * _RECENT_EVERY)  # the table is full
    hot = ("", "/n/999999999", "GET")
    for _ in range(_RECENT_EVERY):
        matcher.match_path("localhost", "", "http", hot[1], "GET")
    assert hot in matcher._recent
    # As many new paths as the table holds: only one in eight of them is kept.
    _flood(matcher, _RECENT_SIZE, start=10**6)
    assert hot in matcher._recent


def test_paths_the_rules_do_not_name_do_not_grow_the_group_table() -> None:
    matcher = CompiledMatcher(Map([Rule("/users/<int:n>", endpoint="u")]))
    for number in range(50):
        with pytest.raises(NotFound):
            _answer(matcher, f"/page{number}/x")
    _answer(matcher, "/users/1")
    # One group for each shape made of the rules' own texts (and the unknown ones).
    assert len(matcher._groups) <= 4


# -- in the app: compiled when setup closes, and again when the rules change --------------------


def test_the_router_compiles_the_rules_at_the_first_request_and_sees_rules_added_later() -> None:
    app = App(__name__)
    app.add_url_rule("/users/<int:n>", "user", lambda n: f"user {n}")
    client = app.test_client()
    assert app._router._compiled is None
    assert client.get("/users/1").text == "user 1"
    assert client.get("/users/2").text == "user 2"
    compiled = app._router._compiled
    assert compiled is not None
    assert compiled.usable
    # Straight on the map, past add_url_rule's check: the matcher is compiled again.
    app.url_map.add(app.url_rule_class("/teams/<int:n>", endpoint="user"))
    assert client.get("/teams/3").text == "user 3"
    assert app._router._compiled is not compiled


def test_an_app_with_a_plain_werkzeug_map_is_matched_by_werkzeug() -> None:
    class PlainMap(Map):
        pass

    class PlainApp(App):
        url_map_class = PlainMap

    app = PlainApp(__name__)
    app.add_url_rule("/users/<int:n>", "user", lambda n: f"user {n}")
    client = app.test_client()
    assert [client.get(f"/users/{n}").text for n in (1, 2, 1)] == ["user 1", "user 2", "user 1"]
    assert app._router._compiled is None
