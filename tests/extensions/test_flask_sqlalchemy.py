"""Flask-SQLAlchemy through ``resourceful.flask_patch``: a model saved and read."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_model_saved_in_one_request_is_read_in_the_next(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json, pathlib
        import resourceful.flask_patch
        from flask_sqlalchemy import SQLAlchemy
        from resourceful import App, request

        app = App(__name__)
        database = pathlib.Path("notes.db").resolve()
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
        db = SQLAlchemy(app)

        class Note(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            text = db.Column(db.String, nullable=False)

        with app.app_context():
            db.create_all()

        @app.post("/notes")
        def add_note():
            note = Note(text=request.json["text"])
            db.session.add(note)
            db.session.commit()
            return {"id": note.id}, 201

        @app.get("/notes/<int:note_id>")
        def get_note(note_id):
            return {"text": db.get_or_404(Note, note_id).text}

        client = app.test_client()
        created = client.post("/notes", json={"text": "buy milk"})
        read = client.get(f"/notes/{created.json['id']}")
        missing = client.get("/notes/99")
        with app.app_context():
            rows = db.session.execute(db.select(Note.text)).scalars().all()
        print(json.dumps({
            "created": [created.status_code, created.json],
            "read": [read.status_code, read.json],
            "missing": missing.status_code,
            "rows": rows,
            "file": pathlib.Path("notes.db").is_file(),
        }))
        """,
    )
    assert seen == {
        "created": [201, {"id": 1}],
        "read": [200, {"text": "buy milk"}],
        "missing": 404,
        "rows": ["buy milk"],
        "file": True,
    }
