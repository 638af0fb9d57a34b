"""``import resourceful.flask_patch`` makes ``flask`` an alias of resourceful.

Each test runs in a fresh interpreter (:mod:`alias_scripts`): the alias
changes ``sys.modules`` for the whole process. Flask itself is installed in
the dev environment, which is the case the alias has to handle.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from alias_scripts import run_script

from resourceful.flask_alias import ALIASES, FLASK_VERSION

# Each test runs a script in a fresh interpreter (the alias must shadow a real flask there).
pytestmark = pytest.mark.slow


def test_real_flask_is_installed_so_the_alias_has_to_shadow_it() -> None:
    spec = importlib.util.find_spec("flask")
    assert spec is not None and spec.origin is not None
    assert "site-packages" in spec.origin


def test_flask_names_resourceful_objects(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        import flask
        import resourceful
        from flask import Flask, request, session, current_app, g, Blueprint, jsonify
        from flask.views import MethodView, http_method_funcs
        from flask.testing import FlaskClient
        from flask.globals import request_ctx
        from flask.json.provider import DefaultJSONProvider
        from flask.sansio.app import App as SansioApp
        from flask.typing import ResponseReturnValue
        import resourceful.globals, resourceful.testing, resourceful.views

        print(json.dumps({
            "Flask": Flask is resourceful.App,
            "request": request is resourceful.request,
            "session": session is resourceful.session,
            "current_app": current_app is resourceful.current_app,
            "g": g is resourceful.g,
            "Blueprint": Blueprint is resourceful.Blueprint,
            "jsonify": jsonify is resourceful.jsonify,
            "MethodView": MethodView is resourceful.views.MethodView,
            "http_method_funcs": sorted(http_method_funcs),
            "FlaskClient": FlaskClient is resourceful.testing.TestClient,
            "request_ctx": request_ctx is resourceful.globals.request_ctx,
            "sansio App": SansioApp is resourceful.App,
            "flask.views attribute": flask.views.MethodView is MethodView,
            "version": flask.__version__,
        }))
        """,
    )
    assert seen == {
        "Flask": True,
        "request": True,
        "session": True,
        "current_app": True,
        "g": True,
        "Blueprint": True,
        "jsonify": True,
        "MethodView": True,
        "http_method_funcs": ["delete", "get", "head", "options", "patch", "post", "put", "trace"],
        "FlaskClient": True,
        "request_ctx": True,
        "sansio App": True,
        "flask.views attribute": True,
        "version": FLASK_VERSION,
    }


def test_every_aliased_module_imports(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        f"""
        import importlib, json
        import resourceful.flask_patch
        names = {sorted(ALIASES)!r}
        print(json.dumps([importlib.import_module(name).__name__ for name in names]))
        """,
    )
    assert seen == sorted(ALIASES)


def test_importlib_metadata_reports_the_compatible_version_not_the_installed_flask(
    tmp_path: Path,
) -> None:
    seen = run_script(
        tmp_path,
        """
        import importlib.metadata, json
        before = importlib.metadata.version("flask")
        import resourceful.flask_patch
        print(json.dumps({
            "before": before,
            "after": importlib.metadata.version("flask"),
            "other spelling": importlib.metadata.version("Flask"),
            "name": importlib.metadata.metadata("flask")["Name"],
            "werkzeug untouched": importlib.metadata.version("werkzeug")
            == importlib.metadata.version("Werkzeug"),
        }))
        """,
    )
    assert seen["before"] == importlib.metadata.version("flask")
    assert seen["after"] == FLASK_VERSION
    assert seen["other spelling"] == FLASK_VERSION
    assert seen["name"] == "Flask"
    assert seen["werkzeug untouched"] is True


def test_alias_refuses_when_flask_is_already_imported(tmp_path: Path) -> None:
    stderr = run_script(
        tmp_path,
        """
        import flask
        import resourceful.flask_patch
        """,
        expect_failure=True,
    )
    assert "resourceful.flask_alias.FlaskAlreadyImported" in stderr
    assert "resourceful.flask_patch was imported after the real Flask" in stderr
    assert "flask/__init__.py" in stderr
    assert "Import resourceful.flask_patch before\nanything that imports flask" in stderr


def test_alias_refuses_when_only_a_flask_submodule_was_imported(tmp_path: Path) -> None:
    stderr = run_script(
        tmp_path,
        """
        import flask.json.tag
        import resourceful.flask_patch
        """,
        expect_failure=True,
    )
    assert "FlaskAlreadyImported" in stderr


def test_real_flask_cannot_be_imported_once_the_alias_is_active(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        try:
            import flask.debughelpers
        except ModuleNotFoundError as error:
            message = str(error)
        import flask
        print(json.dumps({"message": message, "file": getattr(flask, "__file__", None)}))
        """,
    )
    assert seen["file"] is None
    assert seen["message"].startswith(
        "No module named 'flask.debughelpers': resourceful.flask_patch makes `flask` an alias"
        " of\nresourceful, which has no equivalent of 'flask.debughelpers'."
    )
    assert "flask.views" in seen["message"]


def test_a_missing_name_says_which_module_the_alias_shows(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json
        import resourceful.flask_patch
        try:
            from flask import no_such_name
        except ImportError as error:
            print(json.dumps(str(error)))
        """,
    )
    assert "cannot import name 'no_such_name' from 'flask'" in seen


def test_importing_the_alias_twice_is_harmless(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import importlib, json, sys
        import resourceful.flask_patch
        import flask
        first = flask
        sys.modules.pop("resourceful.flask_patch")
        importlib.import_module("resourceful.flask_patch")
        pass
        finders = sum(type(f).__name__ == "_AliasFinder" for f in sys.meta_path)
        print(json.dumps({"same": sys.modules["flask"] is first, "finders": finders}))
        """,
    )
    assert seen == {"same": True, "finders": 1}


def test_the_package_itself_never_imports_flask(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        """
        import json, sys
        import resourceful, resourceful.cli, resourceful.testing, resourceful.typing
        print(json.dumps(sorted(n for n in sys.modules if n.split(".")[0] == "flask")))
        """,
    )
    assert seen == []
