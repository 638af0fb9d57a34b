"""flask-smorest through ``resourceful.flask_patch``: a blueprint of method views."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_arguments_are_validated_and_the_spec_is_served(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        import marshmallow as ma
        from flask.views import MethodView
        from flask_smorest import Api, Blueprint
        from resourceful import App

        app = App(__name__)
        app.config.update(
            API_TITLE="Pets", API_VERSION="1", OPENAPI_VERSION="3.0.2", OPENAPI_URL_PREFIX="/"
        )
        api = Api(app)
        pets = Blueprint("pets", __name__, url_prefix="/pets")

        class Pet(ma.Schema):
            name = ma.fields.String(required=True)

        @pets.route("/<int:pet_id>")
        class PetView(MethodView):
            @pets.arguments(Pet)
            @pets.response(200, Pet)
            def put(self, data, pet_id):
                return data

        api.register_blueprint(pets)
        client = app.test_client()
        valid = client.put("/pets/1", json={"name": "Rex"})
        invalid = client.put("/pets/1", json={})
        spec = client.get("/openapi.json")
        print(json.dumps({
            "valid": [valid.status_code, valid.json],
            "invalid": invalid.status_code,
            "spec": [spec.status_code, sorted(spec.json["paths"])],
        }))
        """,
    )
    assert seen == {
        "valid": [200, {"name": "Rex"}],
        "invalid": 422,
        "spec": [200, ["/pets/{pet_id}"]],
    }
