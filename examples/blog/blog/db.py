"""The SQLite connection: one per application context, closed when it ends."""

from __future__ import annotations

import os
import sqlite3

import click

from resourceful import App, current_app, g
from resourceful.cli import with_appcontext


def get_db() -> sqlite3.Connection:
    """Return this context's connection, opening it on first use."""
    if "db" not in g:
        # NOTE: timestamps stay ISO strings; sqlite3's datetime adapters are deprecated.
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    db: sqlite3.Connection = g.db
    return db


def close_db(exc: BaseException | None = None) -> None:
    """Close the connection if this context opened one."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    """Create the tables, dropping existing ones (and the database's folder if needed)."""
    os.makedirs(os.path.dirname(current_app.config["DATABASE"]), exist_ok=True)
    db = get_db()
    with current_app.open_resource("schema.sql", "r", encoding="utf-8") as f:
        db.executescript(f.read())


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app: App) -> None:
    """Close the connection after each request and add the ``init-db`` command."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
