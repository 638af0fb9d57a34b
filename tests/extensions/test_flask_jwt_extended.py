"""Flask-JWT-Extended through ``resourceful.flask_patch``: a JWT-protected route."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_protected_route_needs_a_bearer_token(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        from flask_jwt_extended import (
            JWTManager, create_access_token, get_jwt_identity, jwt_required
        )
        from resourceful import App

        app = App(__name__)
        app.config["JWT_SECRET_KEY"] = "a secret key of at least thirty-two bytes"
        JWTManager(app)

        @app.route("/me")
        @jwt_required()
        def me():
            return {"user": get_jwt_identity()}

        with app.app_context():
            token = create_access_token("ada")
        client = app.test_client()
        anonymous = client.get("/me")
        authorized = client.get("/me", headers={"Authorization": f"Bearer {token}"})
        print(json.dumps({
            "anonymous": [anonymous.status_code, anonymous.json],
            "authorized": [authorized.status_code, authorized.json],
        }))
        """,
    )
    assert seen == {
        "anonymous": [401, {"msg": "Missing Authorization Header"}],
        "authorized": [200, {"user": "ada"}],
    }
