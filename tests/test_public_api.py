"""The public names of the package, and that it never needs Flask."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import resourceful

# Every name issue 2 lists as importable from the package.
PUBLIC_NAMES = [
    "App",
    "Config",
    "Request",
    "Response",
    "Blueprint",
    "Namespace",
    "abort",
    "after_this_request",
    "copy_current_request_context",
    "current_app",
    "g",
    "has_app_context",
    "has_request_context",
    "make_response",
    "redirect",
    "request",
    "session",
    "stream_with_context",
    "url_for",
    "signals_available",
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "got_request_exception",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
    "_app_ctx_stack",
    "_request_ctx_stack",
]

APP_METHODS = [
    "route",
    "add_url_rule",
    "endpoint",
    "wsgi_app",
    "full_dispatch_request",
    "preprocess_request",
    "dispatch_request",
    "make_response",
    "process_response",
    "finalize_request",
    "make_default_options_response",
    "create_url_adapter",
    "inject_url_defaults",
    "before_request",
    "after_request",
    "teardown_request",
    "teardown_appcontext",
    "url_value_preprocessor",
    "url_defaults",
    "errorhandler",
    "register_error_handler",
    "handle_http_exception",
    "handle_user_exception",
    "handle_exception",
    "trap_http_exception",
    "log_exception",
    "should_ignore_error",
    "handle_url_build_error",
    "app_context",
    "request_context",
    "test_request_context",
    "test_client",
    "run",
]


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_name_is_importable_from_package(name: str) -> None:
    assert hasattr(resourceful, name)


@pytest.mark.parametrize("name", APP_METHODS)
def test_app_has_documented_method(name: str) -> None:
    assert callable(getattr(resourceful.App, name))


@pytest.mark.parametrize("name", ["register_module", "before_first_request"])
def test_retired_app_apis_are_not_built(name: str) -> None:
    assert not hasattr(resourceful.App, name)


def test_retired_request_attributes_are_not_built() -> None:
    assert not hasattr(resourceful.Request, "is_xhr")
    assert not hasattr(resourceful.Request, "module")


_IMPORT_EVERYTHING = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import resourceful

    failed = []
    for info in pkgutil.walk_packages(resourceful.__path__, "resourceful."):
        if info.name == "resourceful.__main__":
            continue  # running it starts the CLI
        if info.name == "resourceful.flask_patch":
            continue  # importing it makes `flask` an alias (tests/test_flask_patch.py)
        try:
            importlib.import_module(info.name)
        except ImportError as exc:
            # A module whose optional dependency is missing says so; anything else fails.
            failed.append(f"{info.name}: {exc}")
    flask = sorted(name for name in sys.modules if name == "flask" or name.startswith("flask."))
    print(flask)
    print(failed)
    """
)


@pytest.mark.slow
def test_importing_every_module_never_imports_flask() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    flask_modules, _, failed = result.stdout.partition("\n")
    assert flask_modules == "[]"
    assert failed.strip() == "[]"


def test_dependency_and_security_markers_are_importable_from_the_package() -> None:
    from resourceful import providers, security

    assert resourceful.Provided is providers.Provided
    assert resourceful.Provide is providers.Provide
    assert resourceful.Security is security.Security
    assert resourceful.PUBLIC is security.PUBLIC
