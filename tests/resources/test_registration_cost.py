"""Registration does each piece of work once and keeps no per-rule objects it does not need."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any

import attrs
import pytest
from flat_resources import flat_resources
from werkzeug.routing import Map, Rule

from resourceful import App, url_for
from resourceful.convert import converter as converter_module
from resourceful.convert.converter import Converter
from resourceful.cors import CORS
from resourceful.openapi import values as values_module
from resourceful.operation import Operation
from resourceful.resources import Resource
from resourceful.resources.declare import Handler
from resourceful.url_map import LazyBuildRule


@attrs.define
class Item:
    id: int
    title: str


class Items(Resource):
    def list(self) -> list[Item]:
        return []

    def get(self, item_id: int) -> Item:
        return Item(item_id, "")


@attrs.define
class Patch:
    title: str


class Notes(Resource):
    def get(self, item_id: int, flag: bool = True) -> Item:
        return Item(item_id, str(flag))

    def replace(self, item_id: int, body: Patch, flag: int = 1) -> Item:
        return Item(item_id, body.title)

    def update(self, item_id: int, body: Patch) -> Item:
        return Item(item_id, body.title)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[int, Any]]:
    """Count the attrs unstructure hooks made: per (converter, type).

    Each hook made reads its class's members once, whether cattrs or the
    converter writes its function.
    """
    found: Counter[tuple[int, Any]] = Counter()
    real = converter_module._plain_members

    def counting(tp: Any, cls: Any, converter: Any, hidden: Any, **options: Any) -> Any:
        found[id(converter), tp] += 1
        return real(tp, cls, converter, hidden, **options)

    monkeypatch.setattr(converter_module, "_plain_members", counting)
    return found


def test_a_list_of_a_class_asked_for_first_makes_the_class_hook_once(
    made: Counter[tuple[int, Any]],
) -> None:
    converter = Converter()
    as_list = converter.get_unstructure_hook(list[Item])
    single = converter.get_unstructure_hook(Item)
    assert made == {(id(converter), Item): 1}
    assert as_list([Item(1, "a")]) == [single(Item(1, "a"))] == [{"id": 1, "title": "a"}]
    assert converter.get_unstructure_hook(frozenset[int])(frozenset({2})) == [2]


def test_registering_a_resource_makes_each_response_hook_once_per_converter(
    app: App, made: Counter[tuple[int, Any]]
) -> None:
    app.add_resource(Items, "/items/<int:item_id>")
    assert set(made.values()) == {1}
    assert all(tp is Item for _, tp in made)
    client = app.test_client()
    assert client.get("/items/").json == []
    assert client.get("/items/3").json == {"id": 3, "title": ""}
    assert set(made.values()) == {1}


def test_an_unbuilt_rule_keeps_no_builder_of_its_own(app: App) -> None:
    app.add_url_rule("/items/<int:item_id>", endpoint="item", view_func=lambda item_id: "")
    (rule,) = app.url_map.iter_rules("item")
    assert isinstance(rule, LazyBuildRule)
    assert "_build" not in vars(rule)
    assert "_build_unknown" not in vars(rule)
    with app.test_request_context():
        assert url_for("item", item_id=3, sort="new") == "/items/3?sort=new"
    assert "_build_unknown" in vars(rule)
    assert "_build" not in vars(rule)
    rule.compile()  # werkzeug compiles again when a rule is bound anew: lazy again
    assert "_build_unknown" not in vars(rule)
    with app.test_request_context():
        assert url_for("item", item_id=4) == "/items/4"


def test_an_operation_with_nothing_resolved_is_served_by_its_own_record(app: App) -> None:
    app.add_resource(Items, "/items/<int:item_id>")
    view = app.view_functions["items"]
    served = view.operations_on(app)
    assert served["GET"] is view.operations["GET"]


class _ListedViews(dict[str, Any]):
    """A view-function table that counts the entries listed from it."""

    listed = 0

    def __iter__(self) -> Any:
        return iter(_Listing(self, super().keys()))

    def keys(self) -> Any:
        return _Listing(self, super().keys())

    def values(self) -> Any:
        return _Listing(self, super().values())

    def items(self) -> Any:
        return _Listing(self, super().items())


class _Listing:
    def __init__(self, table: _ListedViews, view: Any) -> None:
        self._table = table
        self._view = view

    def __len__(self) -> int:
        return len(self._view)

    def __iter__(self) -> Any:
        for entry in self._view:
            self._table.listed += 1
            yield entry

    def __reversed__(self) -> Any:
        for entry in reversed(self._view):
            self._table.listed += 1
            yield entry


def _views_listed_registering(count: int) -> int:
    """Return how many view-function entries registering ``count`` CORS resources lists."""
    app = App(__name__)
    table = app.view_functions = _ListedViews(app.view_functions)
    for number in range(count):

        class Shared(Resource):
            cors = CORS(origins=["https://partner.example.org"])

            def list(self) -> list[Item]:
                return []

            def get(self, item_id: int) -> Item:
                return Item(item_id, "")

        Shared.__name__ = Shared.__qualname__ = f"Shared{number}"
        app.add_resource(Shared, f"/shared{number}/<int:item_id>")
    assert (
        app.test_client()
        .get("/shared3/1", headers={"Origin": "https://partner.example.org"})
        .headers["Access-Control-Allow-Origin"]
        == "https://partner.example.org"
    )
    return table.listed


def test_registering_resources_with_cors_settings_lists_each_view_a_bounded_number_of_times() -> (
    None
):
    # Listing every view at each registration (to find the class's endpoints)
    # made building an app of CORS resources quadratic: 16 x the work for 4 x
    # the resources. Linear work per resource stays the same.
    few, many = _views_listed_registering(10), _views_listed_registering(40)
    assert many <= 4 * few * 1.25


def test_rules_join_the_state_machine_when_the_map_is_first_matched(app: App) -> None:
    app.add_url_rule("/items/<int:item_id>", endpoint="item", view_func=lambda item_id: "item")
    app.add_url_rule("/items/new", endpoint="new", view_func=lambda: "new")
    machine = app.url_map._matcher
    assert not machine._root.static and not machine._root.dynamic
    client = app.test_client()
    assert client.get("/items/new").text == "new"  # the static rule first, as werkzeug orders
    assert client.get("/items/7").text == "item"
    assert machine._root.static


def _machine_weights(state: Any) -> list[Any]:
    """Return the weights of the variable parts in werkzeug's state machine, from ``state``."""
    found = [part.weight for part, _ in state.dynamic]
    for _, below in state.dynamic:
        found += _machine_weights(below)
    for below in state.static.values():
        found += _machine_weights(below)
    return found


def test_the_state_machine_orders_by_weights_the_collector_does_not_track(app: App) -> None:
    app.url_rule_class = Rule  # werkzeug's own rules get them too
    app.add_url_rule("/a/<name>", endpoint="name", view_func=lambda name: "name")
    app.add_url_rule("/a/<int:number>", endpoint="number", view_func=lambda number: "number")
    (rule,) = [r for r in app.url_map.iter_rules() if r.rule == "/a/<name>"]
    rule.refresh()  # werkzeug parses it anew, with lists, before the map is matched
    client = app.test_client()
    assert client.get("/a/3").text == "number"  # an int outweighs a string variable
    assert client.get("/a/x").text == "name"
    weights = _machine_weights(app.url_map._matcher._root)
    assert len(weights) == 3  # name, number and the static route's filename
    # The collector stops tracking a tuple whose items it does not track when it
    # meets it: the weights nest three deep, so three passes at most.
    for _ in range(3):
        gc.collect()
    assert not any(gc.is_tracked(weight) for weight in weights)


# -- what registration leaves for the collector to walk -------------------------------------------


def _survivors_per_resource(count: int) -> float:
    """Return the tracked objects that registering ``count`` flat resources leaves, per resource."""
    app = App(__name__)
    for number, warm in enumerate(flat_resources(3, first=1000)):
        app.add_resource(warm, f"/warm{number}/items/<int:item_id>")
    resources = flat_resources(count)
    gc.collect()
    before = {id(obj) for obj in gc.get_objects()}
    for number, resource in enumerate(resources):
        app.add_resource(resource, f"/section{number}/items/<int:item_id>")
    gc.collect()
    survivors = [obj for obj in gc.get_objects() if id(obj) not in before]
    assert app.test_client().put("/section3/items/2", json={"title": "a"}).json == {
        "id": 2,
        "title": "a",
        "done": False,
    }
    return len(survivors) / count


def test_registering_a_flat_resource_leaves_a_bounded_number_of_tracked_objects() -> None:
    # A full collection walks every tracked object, so what each resource
    # leaves alive makes registering N resources cost about N^2 in collections.
    # Four typed operations used to leave about 197.
    assert _survivors_per_resource(20) <= 80


def _tracked_after_collections(obj: Any) -> bool:
    # The collector stops tracking a tuple of untracked items when it meets it:
    # nested tuples need one pass per level at most.
    for _ in range(3):
        gc.collect()
    return gc.is_tracked(obj)


def test_a_rule_not_yet_matched_keeps_its_parts_and_trace_in_untracked_tuples(app: App) -> None:
    app.add_url_rule("/items/<int:item_id>/notes", endpoint="notes", view_func=lambda item_id: "")
    (rule,) = app.url_map.iter_rules("notes")
    assert type(rule._parts) is tuple and type(rule._trace) is tuple
    assert not _tracked_after_collections(rule._parts)
    assert not _tracked_after_collections(rule._trace)
    assert app.test_client().get("/items/3/notes").status_code == 200
    assert type(rule._parts) is tuple  # joining the state machine keeps no lists either
    with app.test_request_context():
        assert url_for("notes", item_id=4) == "/items/4/notes"


def test_rules_share_one_frozen_set_of_methods_and_of_arguments(app: App) -> None:
    app.add_url_rule("/a/<int:item_id>", endpoint="a", view_func=lambda item_id: "a")
    app.add_url_rule("/b/<int:item_id>", endpoint="b", view_func=lambda item_id: "b")
    app.add_url_rule("/c", endpoint="c", view_func=lambda: "c", methods=["POST"])
    (a,), (b,), (c,) = (app.url_map.iter_rules(name) for name in "abc")
    assert a.methods is b.methods and a.methods == {"GET", "HEAD", "OPTIONS"}
    assert c.methods == {"POST", "OPTIONS"}
    assert a.arguments is b.arguments and a.arguments == {"item_id"}
    assert c.arguments == set()
    a.refresh()  # werkzeug parses it anew, adding to its arguments
    assert a.arguments == {"item_id"}
    assert app.test_client().get("/a/1").text == "a"


def test_rules_share_werkzeug_converters_and_their_tables_but_not_custom_ones(app: App) -> None:
    from werkzeug.routing import BaseConverter

    class Upper(BaseConverter):
        def to_python(self, value: str) -> str:
            return value.upper()

    app.url_map.converters["upper"] = Upper
    for name, rule in [
        ("one", "/one/<int:item_id>"),
        ("two", "/two/<int:item_id>"),
        ("wide", "/wide/<int(max=9):item_id>"),
        ("up", "/up/<upper:word>"),
        ("down", "/down/<upper:word>"),
    ]:
        app.add_url_rule(rule, endpoint=name, view_func=lambda **values: repr(values))
    one, two, wide, up, down = (
        next(iter(app.url_map.iter_rules(name)))._converters
        for name in ("one", "two", "wide", "up", "down")
    )
    assert one["item_id"] is two["item_id"]
    assert one is two  # and one table of them
    assert wide["item_id"] is not one["item_id"]
    assert up["word"] is not down["word"]
    assert up is not down
    client = app.test_client()
    assert client.get("/wide/12").status_code == 404
    assert client.get("/one/12").text == "{'item_id': 12}"
    assert client.get("/up/ab").text == "{'word': 'AB'}"


def test_a_rule_compares_equal_to_a_rule_of_the_same_trace(app: App) -> None:
    app.add_url_rule("/a/<int:item_id>", endpoint="a", view_func=lambda item_id: "a")
    (rule,) = app.url_map.iter_rules("a")
    other = LazyBuildRule("/a/<int:item_id>")
    other.bind(Map())
    assert rule == other and other == rule
    plain = Rule("/a/<int:item_id>")
    plain.bind(Map())
    assert rule == plain and plain == rule
    different = LazyBuildRule("/a/<int:other_id>")
    different.bind(Map())
    assert rule != different and different != rule


def test_converters_are_shared_only_for_arguments_of_the_same_type(app: App) -> None:
    # 4 == 4.0: keyed by value alone, the second rule would get the first's converter.
    app.add_url_rule("/y/<int(fixed_digits=4.0):n>", endpoint="y", view_func=lambda n: "y")
    app.add_url_rule("/x/<int(fixed_digits=4):n>", endpoint="x", view_func=lambda n: "x")
    with app.test_request_context():
        assert url_for("x", n=5) == "/x/0005"


def test_a_view_without_class_decorators_keeps_no_bound_method_to_dispatch(app: App) -> None:
    class Decorated(Items):
        decorators = (lambda view: view,)

    app.add_resource(Items, "/items/<int:item_id>")
    app.add_resource(Decorated, "/decorated/<int:item_id>")
    assert "_dispatch_decorated" not in vars(app.view_functions["items"])
    assert "_dispatch_decorated" in vars(app.view_functions["decorated"])
    client = app.test_client()
    assert client.get("/items/3").json == client.get("/decorated/3").json == {"id": 3, "title": ""}


def test_a_views_compiled_steps_are_one_tuple_and_its_scopes_the_apps_own(app: App) -> None:
    app.add_resource(Items, "/items/<int:item_id>")
    member, collection = app.view_functions["items"], app.view_functions["items_list"]
    for view in (member, collection):
        steps = view.compiled(app).steps
        assert type(steps) is tuple and len(steps) == 3 * len(view.operations)
    assert member.compiled(app).scopes is collection.compiled(app).scopes == (app,)


def test_a_class_operations_share_equal_parameters_and_success_responses(app: App) -> None:
    app.add_resource(Notes, "/notes/<int:item_id>")
    ops = app.view_functions["notes"].operations
    get, put, patch = ops["GET"], ops["PUT"], ops["PATCH"]
    assert get.params[0] is put.params[0] is patch.params[0]  # item_id
    assert put.params[1] is patch.params[1]  # the body
    assert get.params[1].default is True and put.params[2].default == 1
    assert type(put.params[2].default) is int  # 1 == True shares nothing
    assert get.responses is put.responses is patch.responses
    client = app.test_client()
    assert client.get("/notes/2").json == {"id": 2, "title": "True"}


def test_handlers_without_operation_options_share_one_record() -> None:
    assert Items.handlers["list"].options is Items.handlers["get"].options


def test_the_values_check_remembers_each_type_once_without_a_tuple_per_type(app: App) -> None:
    app.add_resource(Items, "/items/<int:item_id>")
    checked = values_module._checked_by(app.converter)
    assert Item in checked
    assert not any(isinstance(key, tuple) for key in checked)


def test_a_class_handlers_and_a_rule_operations_are_one_read_only_table_each(app: App) -> None:
    app.add_resource(Items, "/items/<int:item_id>")
    operations = app.view_functions["items"].operations
    # One object each for the collector, holding the records themselves.
    for table, kind in [(operations, Operation), (Items.handlers, Handler)]:
        held = [obj for obj in gc.get_referents(table) if obj is not type(table)]
        assert held and all(isinstance(obj, kind) for obj in held)
    with pytest.raises(TypeError, match=r"read-only: it was built when the class was defined"):
        operations["POST"] = operations["GET"]  # type: ignore[index]
    with pytest.raises(TypeError, match=r"Copy it with dict\(\.\.\.\) to change the copy"):
        Items.handlers.pop("get")  # type: ignore[attr-defined]
    assert dict(operations) == {"GET": operations["GET"]}
