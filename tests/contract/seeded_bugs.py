"""An API with one seeded bug per kind the self-test must find (and a clean twin).

``create_app(fixed=False)`` has the bugs; ``create_app(fixed=True)`` the same
API with each bug fixed, which the self-test must pass. Items live in the
app (one dict per app), so each app from the factory starts empty.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
from attrs import validators as v

from resourceful import App, Query, url_for
from resourceful.errors import Problem
from resourceful.render import Reply, created
from resourceful.resources import Resource


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    MAUVE = "mauve"


@attrs.define
class Paint:
    color: Color
    coats: int = attrs.field(default=1, validator=[v.ge(1), v.le(5)])


@attrs.define
class Painted:
    color: Color
    coats: int


class PaintResource(Resource):
    def create(self, body: Paint) -> Painted:
        # Bug 1: one enum value is not in the price list: a KeyError, a 500.
        prices = {Color.RED: 3, Color.GREEN: 4}
        if fixed() or body.color is not Color.MAUVE:
            prices.setdefault(body.color, 5)
        return Painted(body.color, body.coats * prices[body.color] // prices[body.color])


@attrs.define
class NewItem:
    name: str = attrs.field(validator=[v.min_len(1), v.max_len(20)])
    qty: int = attrs.field(default=1, validator=[v.ge(0), v.le(10)])


@attrs.define
class ItemPatch:
    name: str | None = attrs.field(default=None, validator=v.optional(v.min_len(1)))
    # Bug 3 (stores out-of-range data): the patch forgot the bound items have.
    qty: int | None = None


@attrs.define
class Item:
    id: int
    name: str
    qty: int = attrs.field(validator=[v.ge(0), v.le(10)])


@attrs.define
class Shelf:
    items: list[Item]
    total: int


PAGES = ("first", "second", "third")


@attrs.define
class Chapter:
    title: str


class ChapterResource(Resource):
    def get(self, page: Query[int] = 0) -> Chapter:
        if fixed() and not 0 <= page < len(PAGES):
            raise Problem(422, detail=f"There is no page {page}.")
        # Bug 3 (crashes on out-of-range data): the page is not bounded (an IndexError).
        return Chapter(PAGES[page])


class ItemResource(Resource):
    def list(self) -> Shelf:
        items = list(_store().values())
        if not items and not fixed():
            # Bug 2: an empty shelf comes out as null, not as the declared list.
            return {"items": None, "total": 0}  # type: ignore[return-value]
        return Shelf(items=items, total=len(items))

    def create(self, body: NewItem) -> Reply[Item]:
        store = _store()
        item = Item(len(store) + 1, body.name, body.qty)
        store[item.id] = item
        return created(item, url_for("item", item_id=item.id))

    def get(self, item_id: int) -> Item:
        item = _store().get(item_id)
        if item is None:
            raise Problem(404, detail=f"No item {item_id}.")
        return item

    def update(self, item_id: int, body: ItemPatch) -> Item:
        item = self.get(item_id)
        if body.name is not None:
            item.name = body.name
        if body.qty is not None:
            if fixed() and not 0 <= body.qty <= 10:
                raise Problem(422, detail="qty must be between 0 and 10.")
            # attrs.define validates on setattr: bypass it as careless code does.
            object.__setattr__(item, "qty", body.qty)
        return item


def _store() -> dict[int, Item]:
    from resourceful import current_app

    store: dict[int, Item] = current_app.extensions["items"]
    return store


def fixed() -> bool:
    from resourceful import current_app

    return bool(current_app.config["FIXED"])


def create_app(fixed: bool = False, **config: Any) -> App:
    app = App(__name__)
    # Responses go out as the handlers return them, as in production.
    app.config.update(FIXED=fixed, VALIDATE_RESPONSES=False, **config)
    app.extensions["items"] = {}
    app.add_resource(PaintResource, "/paint")
    app.add_resource(ChapterResource, "/chapter")
    app.add_resource(ItemResource, "/items/<int(max=1000):item_id>")
    return app
