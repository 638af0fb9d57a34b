"""The quickstart application: docs/quickstart.md's snippets put together in one file."""

from __future__ import annotations

from markupsafe import escape

from resourceful import App, abort, redirect, request, url_for

app = App(__name__)


@app.route("/")
def index() -> str:
    return "Hello, World!"


@app.route("/user/<username>")
def show_user_profile(username: str) -> str:
    return f"User {escape(username)}"


@app.route("/post/<int:post_id>")
def show_post(post_id: int) -> str:
    return f"Post {post_id}"


@app.route("/path/<path:subpath>")
def show_subpath(subpath: str) -> str:
    return f"Subpath {escape(subpath)}"


@app.route("/projects/")
def projects() -> str:
    return "The project page"


@app.route("/about")
def about() -> str:
    return "The about page"


@app.route("/login", methods=["GET", "POST"])
def login() -> str:
    if request.method == "POST":
        return f"Logging in {escape(request.form['username'])}"
    return '<form method="post"><input name="username"></form>'


@app.route("/me")
def me() -> dict[str, object]:
    links = [url_for("show_user_profile", username="ada")]
    return {"username": "ada", "theme": "dark", "links": links}


@app.route("/secret")
def secret() -> str:
    abort(401)


@app.route("/old-about")
def old_about() -> object:
    return redirect(url_for("about"))


@app.errorhandler(404)
def page_not_found(error: Exception) -> tuple[str, int]:
    return "This page does not exist.", 404
