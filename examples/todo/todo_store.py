"""SQLite storage for the todo example (standard library only).

The database file is created, with its table, the first time a request needs
it. The store is a provider (:func:`open_store`): each request that asks for
it with ``Provided[TodoStore]`` gets one connection, closed when the request
ends; tests can replace it with ``app.override(TodoStore, fake)``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from resourceful import App, current_app

SCHEMA = """
CREATE TABLE IF NOT EXISTS todo (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    due TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
)
"""


class TodoStore:
    """Rows of the ``todo`` table as plain dicts."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def add(self, title: str, done: bool, due: dt.date | None, tags: Sequence[str]) -> int:
        cursor = self.connection.execute(
            "INSERT INTO todo (title, done, due, tags, created_at) VALUES (?, ?, ?, ?, ?)",
            (title, done, _date(due), json.dumps(list(tags)), _now()),
        )
        self.connection.commit()
        return int(cursor.lastrowid or 0)

    def get(self, todo_id: int) -> dict[str, Any] | None:
        if not _storable(todo_id):
            return None
        row = self.connection.execute("SELECT * FROM todo WHERE id = ?", (todo_id,)).fetchone()
        return _row(row) if row is not None else None

    def update(self, todo_id: int, **values: Any) -> bool:
        if not _storable(todo_id):
            return False
        if "due" in values:
            values["due"] = _date(values["due"])
        if "tags" in values:
            values["tags"] = json.dumps(list(values["tags"]))
        columns = ", ".join(f"{name} = ?" for name in values)
        cursor = self.connection.execute(
            # The column names come from our own code, never from the request.
            f"UPDATE todo SET {columns} WHERE id = ?",
            (*values.values(), todo_id),
        )
        self.connection.commit()
        return cursor.rowcount > 0

    def delete(self, todo_id: int) -> None:
        if not _storable(todo_id):
            return
        self.connection.execute("DELETE FROM todo WHERE id = ?", (todo_id,))
        self.connection.commit()

    def find(
        self,
        *,
        done: bool | None,
        tag: str | None,
        search: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        where: list[str] = []
        args: list[Any] = []
        if done is not None:
            where.append("done = ?")
            args.append(done)
        if tag is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(todo.tags) WHERE value = ?)")
            args.append(tag)
        if search:
            # The text is searched for as typed: % and _ are LIKE's wildcards,
            # so they (and the escape character itself) are escaped.
            where.append("title LIKE ? ESCAPE '\\'")
            args.append(f"%{_like_literal(search)}%")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        total = self.connection.execute(f"SELECT COUNT(*) FROM todo{clause}", args).fetchone()[0]
        rows = self.connection.execute(
            f"SELECT * FROM todo{clause} ORDER BY id LIMIT ? OFFSET ?", [*args, limit, offset]
        ).fetchall()
        return [_row(row) for row in rows], int(total)


def _like_literal(text: str) -> str:
    """Return ``text`` as a LIKE pattern that matches it literally (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _storable(todo_id: int) -> bool:
    """Return whether ``todo_id`` fits an SQLite integer (larger ids exist nowhere)."""
    return -(2**63) <= todo_id < 2**63


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _row(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    data["done"] = bool(data["done"])
    data["tags"] = json.loads(data["tags"])
    data["due"] = dt.date.fromisoformat(data["due"]) if data["due"] else None
    data["created_at"] = dt.datetime.fromisoformat(data["created_at"])
    return data


def open_store() -> Iterator[TodoStore]:
    """Provide a store on a new connection (creating the database), closed after the request."""
    path = current_app.config["DATABASE"]
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.row_factory = sqlite3.Row
        connection.execute(SCHEMA)
        yield TodoStore(connection)
    finally:
        connection.close()


def init_app(app: App) -> None:
    """Register the store's provider: one connection per request that asks for it."""
    app.add_provider(open_store)
