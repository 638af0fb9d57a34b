"""Small attrs models (and one resource) that several test modules share.

Import them (``from models import Cat, Dog``); a test that needs a model of
its own shape defines it next to the test.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs
from attrs import validators as v

from resourceful.fields import field
from resourceful.helpers import abort, url_for
from resourceful.render import Reply, created
from resourceful.resources import Resource, operation


@attrs.define
class Item:
    """A line of an order; ``qty`` travels as ``quantity``."""

    name: str = attrs.field(validator=v.min_len(1))
    qty: int = field(name="quantity", validator=v.ge(1))


@attrs.define
class Order:
    items: list[Item]
    note: str | None = None


@attrs.define
class Cat:
    """One member of the tagged union ``Cat | Dog`` (tag: ``kind``)."""

    kind: Literal["cat"]
    lives: int


@attrs.define
class Dog:
    kind: Literal["dog"]
    good: bool


@attrs.define
class Node:
    """A recursive model: a node and its children."""

    name: str
    children: list[Node] = attrs.field(factory=list)


@attrs.define
class Todo:
    id: int
    title: str


@attrs.define
class NewTodo:
    title: str


class TodoResource(Resource):
    """Todos: things to do."""

    tags = ("todos",)

    def __init__(self) -> None:
        self.items: dict[int, Todo] = {1: Todo(1, "milk")}

    def list(self) -> list[Todo]:
        """List every todo.

        Ordered by id.
        """
        return list(self.items.values())

    def create(self, body: NewTodo) -> Reply[Todo]:
        todo = Todo(max(self.items, default=0) + 1, body.title)
        self.items[todo.id] = todo
        return created(todo, url_for("todo", todo_id=todo.id))

    def get(self, todo_id: int) -> Todo:
        if todo_id not in self.items:
            abort(404, f"No todo with id {todo_id}.")
        return self.items[todo_id]

    @operation(deprecated=True, summary="Rename a todo.")
    def update(self, todo_id: int, body: NewTodo) -> Todo:
        todo = self.get(todo_id)
        todo.title = body.title
        return todo

    def delete(self, todo_id: int) -> None:
        self.items.pop(todo_id, None)


@attrs.define
class Branch:
    """A recursive model with nothing but children."""

    children: list[Branch] = attrs.field(factory=list)


# -- conditional requests (test_conditional, test_conditional_fast_paths) -------------------

#: When the books of the conditional-request tests last changed.
CHANGED = dt.datetime(2030, 1, 31, 12, 0, 0, tzinfo=dt.timezone.utc)


@attrs.frozen
class Book:
    id: int
    title: str
    version: int = 1
