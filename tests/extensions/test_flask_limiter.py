"""Flask-Limiter through ``resourceful.flask_patch``: a rate-limited route."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_third_request_in_a_minute_is_refused_with_429(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address
        from resourceful import App

        app = App(__name__)
        limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")

        @app.route("/search")
        @limiter.limit("2/minute")
        def search():
            return "results"

        client = app.test_client()
        print(json.dumps([client.get("/search").status_code for _ in range(3)]))
        """,
    )
    assert seen == [200, 200, 429]
