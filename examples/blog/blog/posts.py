"""The posts: everyone reads them, their authors write, edit and delete them."""

from __future__ import annotations

import sqlite3
from typing import Any

from resourceful import Blueprint, abort, flash, g, redirect, request, url_for
from resourceful.templating import render_template

from .auth import login_required
from .db import get_db

bp = Blueprint("posts", __name__)


@bp.app_template_filter("excerpt")
def excerpt(text: str, length: int = 200) -> str:
    """Shorten ``text`` to about ``length`` characters for the index."""
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


@bp.route("/")
def index() -> str:
    """List every post, newest first."""
    posts = (
        get_db()
        .execute(
            "SELECT p.id, title, body, created, author_id, username"
            " FROM post p JOIN user u ON p.author_id = u.id"
            " ORDER BY created DESC, p.id DESC"
        )
        .fetchall()
    )
    return render_template("posts/index.html", posts=posts)


def get_post(id: int, check_author: bool = True) -> sqlite3.Row:
    """Return post ``id``: 404 when it does not exist, 403 when it is someone else's."""
    post: sqlite3.Row | None = (
        get_db()
        .execute(
            "SELECT p.id, title, body, created, author_id, username"
            " FROM post p JOIN user u ON p.author_id = u.id WHERE p.id = ?",
            (id,),
        )
        .fetchone()
    )
    if post is None:
        abort(404, f"Post {id} does not exist.")
    if check_author and post["author_id"] != g.user["id"]:
        abort(403, "Only the author may change a post.")
    return post


def _read_post() -> tuple[str, str, str | None]:
    title = request.form["title"].strip()
    body = request.form["body"]
    return title, body, None if title else "Title is required."


@bp.route("/create", methods=["GET", "POST"])
@login_required
def create() -> Any:
    """Write a new post."""
    if request.method == "POST":
        title, body, error = _read_post()
        if error is None:
            db = get_db()
            db.execute(
                "INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)",
                (title, body, g.user["id"]),
            )
            db.commit()
            flash("Post published.", "info")
            return redirect(url_for("posts.index"))
        flash(error, "error")
    return render_template("posts/create.html")


@bp.route("/<int:id>/update", methods=["GET", "POST"])
@login_required
def update(id: int) -> Any:
    """Edit one of your posts."""
    post = get_post(id)
    if request.method == "POST":
        title, body, error = _read_post()
        if error is None:
            db = get_db()
            db.execute("UPDATE post SET title = ?, body = ? WHERE id = ?", (title, body, id))
            db.commit()
            flash("Post updated.", "info")
            return redirect(url_for(".index"))
        flash(error, "error")
    return render_template("posts/update.html", post=post)


@bp.route("/<int:id>/delete", methods=["POST"])
@login_required
def delete(id: int) -> Any:
    """Delete one of your posts."""
    get_post(id)
    db = get_db()
    db.execute("DELETE FROM post WHERE id = ?", (id,))
    db.commit()
    flash("Post deleted.", "info")
    return redirect(url_for(".index"))
