"""A binder keeps few objects of its own: an app keeps one per operation for its lifetime.

Each object it keeps is walked by every full collection of the garbage
collector while an app of many operations is set up (issue 17), so the
common parameters (typed path variables, a JSON body) take no closures.
"""

from __future__ import annotations

import gc
from typing import Any

import attrs

from resourceful import App
from resourceful.binding import Binder
from resourceful.operation import Operation, operations_of
from resourceful.resources import Resource


@attrs.define
class Body:
    title: str
    done: bool = False


@attrs.define
class Item:
    id: int
    title: str


class Items(Resource):
    def get(self, item_id: int) -> Item:
        return Item(item_id, "")

    def replace(self, item_id: int, body: Body) -> Item:
        return Item(item_id, body.title)


class Search(Resource):
    def get(self, item_id: int, q: str = "") -> Item:
        return Item(item_id, q)


def operation(app: App, handler: str) -> Operation:
    for view in app.view_functions.values():
        for op in operations_of(view, app).values():
            if op.handler_name == handler:
                return op
    raise LookupError(handler)


def kept_by_a_new_binder(app: App, op: Operation) -> list[Any]:
    """Return the tracked objects a second binder of ``op`` keeps (the first made the hooks)."""
    Binder(op, app)
    gc.collect()
    before = set(map(id, gc.get_objects()))
    binder = Binder(op, app)
    gc.collect()
    kept: list[Any] = []
    for obj in gc.get_objects():
        if id(obj) not in before and obj is not before and obj is not kept:
            kept.append(obj)
    assert any(obj is binder for obj in kept)
    return kept


def make_app() -> App:
    app = App(__name__)
    app.add_resource(Items, "/items/<int:item_id>")
    app.add_resource(Search, "/search/<int:item_id>")
    return app


def test_a_typed_path_variable_and_a_json_body_keep_no_closures() -> None:
    app = make_app()
    kept = kept_by_a_new_binder(app, operation(app, "replace"))
    assert [obj for obj in kept if type(obj).__name__ in ("cell", "function")] == []
    # The binder, its body parser, its two tuples of steps and the two bound methods in them.
    assert len(kept) <= 6, sorted(type(obj).__name__ for obj in kept)


def test_an_operation_reading_only_typed_path_variables_keeps_the_binder_alone() -> None:
    app = make_app()
    kept = kept_by_a_new_binder(app, operation(app, "get"))
    assert [type(obj).__name__ for obj in kept] == ["Binder"]


def test_a_typed_path_variable_is_still_bound_beside_a_query_parameter() -> None:
    app = make_app()
    client = app.test_client()
    response = client.get("/search/3?q=x")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"id": 3, "title": "x"}
