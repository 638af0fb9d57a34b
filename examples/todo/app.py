"""A typed todo API: one resource class for the collection and its items.

Serve it with::

    resourceful --app examples/todo/app.py run

Then ``POST /todos/`` with ``{"title": "milk"}``, ``GET /todos/?done=false&limit=10``,
``GET /todos/1``, ``PUT``/``PATCH``/``DELETE /todos/1`` (``PATCH`` takes a JSON
merge patch, RFC 7396: ``{"due": null}`` clears the due date). The SQLite database is
created in the instance folder on the first request (set ``DATABASE`` to
put it elsewhere).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import attrs
import todo_store
from attrs import validators as v
from todo_store import TodoStore

from resourceful import App, field, url_for
from resourceful.binding import MergePatch, Query
from resourceful.errors import Problem
from resourceful.providers import Provided
from resourceful.render import Reply, created
from resourceful.resources import Resource

_tags = v.deep_iterable(v.and_(v.min_len(1), v.max_len(20)), iterable_validator=v.max_len(10))


@attrs.define
class NewTodo:
    """What a client sends to create or replace a todo."""

    title: str = attrs.field(validator=[v.min_len(1), v.max_len(200)])
    done: bool = False
    due: dt.date | None = None
    tags: list[str] = attrs.field(factory=list, validator=_tags)


@attrs.define
class Todo:
    """A todo as the API returns it."""

    id: int = field(read_only=True)
    title: str
    done: bool
    due: dt.date | None
    tags: list[str]
    created_at: dt.datetime = field(name="createdAt", read_only=True)


@attrs.define
class TodoFilter:
    """Query parameters of the list: filters and paging."""

    done: bool | None = None
    tag: str | None = None
    q: str | None = field(default=None, description="Text to look for in titles.")
    limit: int = attrs.field(default=20, validator=[v.ge(1), v.le(100)])
    # SQLite integers are 64-bit: larger offsets are refused as invalid input, not a 500.
    offset: int = attrs.field(default=0, validator=[v.ge(0), v.le(2**63 - 1)])


@attrs.define
class TodoPage:
    """One page of todos."""

    items: list[Todo]
    total: int
    limit: int
    offset: int


def _not_found(todo_id: int) -> Problem:
    return Problem(404, title="Todo not found", detail=f"There is no todo with id {todo_id}.")


class TodoResource(Resource):
    """Things to do."""

    tags = ("todos",)

    def list(self, filters: Query[TodoFilter], store: Provided[TodoStore]) -> TodoPage:
        """List todos, filtered and paged."""
        rows, total = store.find(
            done=filters.done,
            tag=filters.tag,
            search=filters.q,
            limit=filters.limit,
            offset=filters.offset,
        )
        items = [Todo(**row) for row in rows]
        return TodoPage(items=items, total=total, limit=filters.limit, offset=filters.offset)

    def create(self, body: NewTodo, store: Provided[TodoStore]) -> Reply[Todo]:
        """Create a todo."""
        todo_id = store.add(body.title, body.done, body.due, body.tags)
        return created(self.get(todo_id, store), url_for("todo", todo_id=todo_id))

    def get(self, todo_id: int, store: Provided[TodoStore]) -> Todo:
        """Read one todo."""
        row = store.get(todo_id)
        if row is None:
            raise _not_found(todo_id)
        return Todo(**row)

    def replace(self, todo_id: int, body: NewTodo, store: Provided[TodoStore]) -> Todo:
        """Replace a todo."""
        changed = store.update(todo_id, **attrs.asdict(body))
        if not changed:
            raise _not_found(todo_id)
        return self.get(todo_id, store)

    def update(self, todo_id: int, patch: MergePatch[NewTodo], store: Provided[TodoStore]) -> Todo:
        """Change some fields of a todo.

        The body is a JSON merge patch (RFC 7396): a member sets a field,
        ``null`` clears it (resets it to its default).
        """
        current = self.get(todo_id, store)
        changed = patch.apply(
            NewTodo(title=current.title, done=current.done, due=current.due, tags=current.tags)
        )
        store.update(todo_id, **attrs.asdict(changed))
        return self.get(todo_id, store)

    def delete(self, todo_id: int, store: Provided[TodoStore]) -> None:
        """Delete a todo (deleting a missing one is not an error)."""
        store.delete(todo_id)


def create_app(test_config: dict[str, Any] | None = None) -> App:
    """Create the todo API."""
    app = App(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "todo.sqlite3"),
        OPENAPI_TITLE="Todo API",
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    todo_store.init_app(app)
    app.add_resource(TodoResource, "/todos/<int:todo_id>")
    return app
