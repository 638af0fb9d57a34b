"""Resources of the registration benchmark's flat shape, each with its own attrs classes.

No ``from __future__ import annotations`` here: the classes are made in a
function, and their handlers' annotations must be the types themselves
(resourceful resolves string annotations in the module's globals only).
"""

import attrs

from resourceful.resources import Resource


def flat_resources(count: int, first: int = 0) -> list[type[Resource]]:
    """Return ``count`` resource classes: list, create, get and replace over two attrs classes."""
    made: list[type[Resource]] = []
    for number in range(first, first + count):

        @attrs.define
        class Body:
            title: str
            done: bool = False

        @attrs.define
        class Thing:
            id: int
            title: str
            done: bool

        class Things(Resource):
            def list(self) -> list[Thing]:
                return []

            def create(self, body: Body) -> Thing:
                return Thing(1, body.title, body.done)

            def get(self, item_id: int) -> Thing:
                return Thing(item_id, "", False)

            def replace(self, item_id: int, body: Body) -> Thing:
                return Thing(item_id, body.title, body.done)

        Things.__name__ = Things.__qualname__ = f"Things{number}"
        made.append(Things)
    return made
