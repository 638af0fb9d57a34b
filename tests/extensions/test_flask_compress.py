"""Flask-Compress through ``resourceful.flask_patch``: responses compressed on request."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_large_response_is_gzipped_when_the_client_accepts_it(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import gzip, json
        import resourceful.flask_patch
        from flask_compress import Compress
        from resourceful import App

        app = App(__name__)
        Compress(app)

        @app.route("/report")
        def report():
            return "line\\n" * 1000

        client = app.test_client()
        gzipped = client.get("/report", headers={"Accept-Encoding": "gzip"})
        plain = client.get("/report")
        print(json.dumps({
            "gzipped": [
                gzipped.headers.get("Content-Encoding"),
                gzip.decompress(gzipped.data).decode() == "line\\n" * 1000,
            ],
            "vary": gzipped.headers.get("Vary"),
            "plain": [plain.headers.get("Content-Encoding"), len(plain.data)],
        }))
        """,
    )
    assert seen == {
        "gzipped": ["gzip", True],
        "vary": "Accept-Encoding",
        "plain": [None, 5000],
    }
