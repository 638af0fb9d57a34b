"""Flask-Login through ``resourceful.flask_patch``: a login-required route."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_login_required_route_refuses_then_serves_the_logged_in_user(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        from flask_login import (
            LoginManager, UserMixin, current_user, login_required, login_user, logout_user
        )
        from resourceful import App

        app = App(__name__)
        app.config.update(SECRET_KEY="test key", TESTING=True)
        login_manager = LoginManager(app)
        login_manager.login_view = "login"

        class User(UserMixin):
            def __init__(self, user_id):
                self.id = user_id

        @login_manager.user_loader
        def load_user(user_id):
            return User(user_id)

        @app.route("/login")
        def login():
            login_user(User("ada"))
            return "logged in"

        @app.route("/logout")
        def logout():
            logout_user()
            return "logged out"

        @app.route("/profile")
        @login_required
        def profile():
            return f"hello {current_user.id}"

        client = app.test_client()
        anonymous = client.get("/profile")
        client.get("/login")
        logged_in = client.get("/profile")
        client.get("/logout")
        after_logout = client.get("/profile")
        print(json.dumps({
            "anonymous": [anonymous.status_code, anonymous.headers.get("Location")],
            "logged in": [logged_in.status_code, logged_in.text],
            "after logout": after_logout.status_code,
        }))
        """,
    )
    assert seen == {
        "anonymous": [302, "/login?next=%2Fprofile"],
        "logged in": [200, "hello ada"],
        "after logout": 302,
    }
