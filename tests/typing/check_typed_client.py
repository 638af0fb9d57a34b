"""Static checks of TypedClient.call and HTTPClient.call: mypy runs on this file.

Nothing here runs in pytest. Each ``assert_type`` states what a user's type
checker sees; each ``type: ignore[...]`` marks a call the checker must reject
(``mypy --strict`` fails on an ignore that is not needed). With two
overloads (a handler returning ``Reply[T]`` or ``T``), mypy reports a wrong
argument as ``call-overload``.
"""

from __future__ import annotations

import attrs
from typing_extensions import assert_type

from resourceful import App, Reply, Resource
from resourceful.binding import Query
from resourceful.contract import HTTPClient, TypedClient
from resourceful.errors import ProblemDetails


@attrs.define
class Item:
    id: int
    name: str


@attrs.define
class NewItem:
    name: str


@attrs.define
class Page:
    limit: int = 10


class ItemResource(Resource):
    def get(self, item_id: int) -> Item:
        return Item(item_id, "x")

    def create(self, body: NewItem) -> Reply[Item]:
        return Reply(Item(1, body.name), status=201)

    def list(self, page: Query[Page]) -> list[Item]:
        return []

    def delete(self, item_id: int) -> None:
        return None


app = App(__name__)
client = TypedClient(app.test_client())

assert_type(client.call(ItemResource.get, item_id=3), Item | ProblemDetails)
assert_type(client.call(ItemResource.get, 3), Item | ProblemDetails)
assert_type(client.call(ItemResource.create, NewItem("a")), Item | ProblemDetails)
assert_type(client.call(ItemResource.list, page=Page()), list[Item] | ProblemDetails)
assert_type(client.call(ItemResource.delete, item_id=1), ProblemDetails | None)

# A wrong name, a wrong type, a dict for an attrs body, a missing argument.
client.call(ItemResource.get, todo_id=3)  # type: ignore[call-overload]
client.call(ItemResource.get, item_id="3")  # type: ignore[call-overload]
client.call(ItemResource.create, body={"name": "a"})  # type: ignore[call-overload]
client.call(ItemResource.get)  # type: ignore[call-overload]

# The HTTP client's calls are typed the same way.
remote = HTTPClient("http://127.0.0.1:5000", app)
assert_type(remote.call(ItemResource.get, item_id=3), Item | ProblemDetails)
assert_type(remote.call(ItemResource.create, NewItem("a")), Item | ProblemDetails)
remote.call(ItemResource.get, item_id="3")  # type: ignore[call-overload]
