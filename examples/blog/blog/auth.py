"""Registering, logging in and out; ``g.user`` for every request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from werkzeug.security import check_password_hash, generate_password_hash

from resourceful import Blueprint, flash, g, redirect, request, session, url_for
from resourceful.templating import render_template

from .db import get_db

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("auth", __name__, url_prefix="/auth")


def login_required(view: F) -> F:
    """Redirect anonymous visitors to the login page instead of running ``view``."""

    @functools.wraps(view)
    def wrapped_view(**kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(**kwargs)

    return wrapped_view  # type: ignore[return-value]


@bp.before_app_request
def load_logged_in_user() -> None:
    """Put the logged-in user's row (or ``None``) on ``g.user`` for every request."""
    user_id = session.get("user_id")
    g.user = (
        None
        if user_id is None
        else get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
    )


def _read_credentials() -> tuple[str, str, str | None]:
    username = request.form["username"].strip()
    password = request.form["password"]
    error = None
    if not username:
        error = "Username is required."
    elif not password:
        error = "Password is required."
    return username, password, error


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    """Show the registration form; create the user and go to the login page."""
    if request.method == "POST":
        username, password, error = _read_credentials()
        if error is None:
            db = get_db()
            try:
                db.execute(
                    "INSERT INTO user (username, password) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except db.IntegrityError:
                error = f"User {username} is already registered."
            else:
                flash("Registered. Please log in.", "info")
                return redirect(url_for(".login"))
        flash(error, "error")
    return render_template("auth/register.html")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form; on success remember the user in the session."""
    if request.method == "POST":
        username, password, error = _read_credentials()
        user = None
        if error is None:
            user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
            if user is None or not check_password_hash(user["password"], password):
                error = "Incorrect username or password."
        if error is None and user is not None:
            session.clear()
            session["user_id"] = user["id"]
            flash(f"Welcome back, {user['username']}.", "info")
            target = request.args.get("next", "")
            # Only follow local paths, so the form cannot redirect elsewhere.
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("posts.index")
            return redirect(target)
        flash(error or "", "error")
    return render_template("auth/login.html")


@bp.route("/logout")
def logout() -> Any:
    """Forget the user and go to the index."""
    session.clear()
    flash("Logged out.", "info")
    return redirect(url_for("posts.index"))
