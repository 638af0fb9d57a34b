"""Registration does each piece of work once and keeps no per-rule objects it does not need."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs
import pytest

from resourceful import App, url_for
from resourceful.convert import converter as converter_module
from resourceful.convert.converter import Converter
from resourceful.resources import Resource
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
