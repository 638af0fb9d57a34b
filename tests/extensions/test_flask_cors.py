"""Flask-Cors through ``resourceful.flask_patch``: a CORS preflight."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_preflight_is_answered_for_an_allowed_origin_only(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        from flask_cors import CORS
        from resourceful import App

        app = App(__name__)
        CORS(app, origins=["https://app.example"], methods=["PUT"])

        @app.put("/items/<int:item_id>")
        def replace_item(item_id):
            return {"id": item_id}

        client = app.test_client()
        def preflight(origin):
            response = client.options(
                "/items/1",
                headers={"Origin": origin, "Access-Control-Request-Method": "PUT"},
            )
            return [
                response.status_code,
                response.headers.get("Access-Control-Allow-Origin"),
                response.headers.get("Access-Control-Allow-Methods"),
            ]
        actual = client.put("/items/1", headers={"Origin": "https://app.example"})
        print(json.dumps({
            "allowed": preflight("https://app.example"),
            "other": preflight("https://evil.example"),
            "actual": [actual.json, actual.headers.get("Access-Control-Allow-Origin")],
        }))
        """,
    )
    assert seen == {
        "allowed": [200, "https://app.example", "PUT"],
        "other": [200, None, None],
        "actual": [{"id": 1}, "https://app.example"],
    }
