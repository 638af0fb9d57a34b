"""Flask-WTF through ``resourceful.flask_patch``: a CSRF-protected form."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script


def test_csrf_protected_form_refuses_a_post_without_token_and_accepts_one_with_it(
    tmp_path: Path,
) -> None:
    seen = run_script(
        tmp_path,
        """
        import json, re
        import resourceful.flask_patch
        from flask_wtf import FlaskForm
        from flask_wtf.csrf import CSRFProtect
        from wtforms import StringField
        from wtforms.validators import DataRequired
        from resourceful import App, render_template_string

        app = App(__name__)
        app.config.update(SECRET_KEY="test key")
        CSRFProtect(app)

        class NameForm(FlaskForm):
            name = StringField(validators=[DataRequired()])

        @app.route("/name", methods=["GET", "POST"])
        def name():
            form = NameForm()
            if form.validate_on_submit():
                return f"hello {form.name.data}"
            return render_template_string(
                "<form method=post>{{ form.csrf_token }}{{ form.name }}</form>", form=form
            )

        client = app.test_client()
        without_token = client.post("/name", data={"name": "ada"})
        page = client.get("/name")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        with_token = client.post("/name", data={"name": "ada", "csrf_token": token})
        wrong_token = client.post("/name", data={"name": "ada", "csrf_token": token[:-2] + "xx"})
        print(json.dumps({
            "without token": [without_token.status_code, without_token.text],
            "with token": [with_token.status_code, with_token.text],
            "wrong token": [wrong_token.status_code, wrong_token.text],
        }))
        """,
    )
    assert seen["without token"][0] == 400
    assert "The CSRF token is missing." in seen["without token"][1]
    assert seen["with token"] == [200, "hello ada"]
    assert seen["wrong token"][0] == 400
    assert "The CSRF token is invalid." in seen["wrong token"][1]
