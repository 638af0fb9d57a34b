"""flask-marshmallow through ``resourceful.flask_patch``: schemas with URL fields."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_schema_dumps_with_url_for_and_hyperlinks(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json, warnings
        import resourceful.flask_patch
        # flask-marshmallow warns at import that its SQLAlchemy integration
        # needs marshmallow-sqlalchemy, because Flask-SQLAlchemy is installed.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Flask-SQLAlchemy integration", UserWarning)
            from flask_marshmallow import Marshmallow
        from resourceful import App

        app = App(__name__)
        ma = Marshmallow(app)

        class BookSchema(ma.Schema):
            title = ma.String()
            url = ma.URLFor("get_book", values={"book_id": "<id>"})
            links = ma.Hyperlinks(
                {"self": ma.AbsoluteURLFor("get_book", values={"book_id": "<id>"})}
            )

        @app.route("/books/<int:book_id>")
        def get_book(book_id):
            return BookSchema().dump({"id": book_id, "title": "Dune"})

        print(json.dumps(app.test_client().get("/books/7").json))
        """,
    )
    assert seen == {
        "title": "Dune",
        "url": "/books/7",
        "links": {"self": "http://localhost/books/7"},
    }
