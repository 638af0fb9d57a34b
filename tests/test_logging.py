"""The application's logger."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from resourceful import App
from resourceful.logging import create_logger, default_handler, has_level_handler


@pytest.fixture
def clean_logger() -> Iterator[str]:
    name = "resourceful_logging_test_app"
    logger = logging.getLogger(name)
    yield name
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)


def test_logger_is_named_after_app(app: App) -> None:
    assert isinstance(app.logger, logging.Logger)
    assert app.logger.name == app.name


def test_debug_app_logger_level_is_debug(clean_logger: str) -> None:
    app = App(clean_logger, root_path="/x")
    app.debug = True
    assert app.logger.level == logging.DEBUG


def test_explicit_level_is_kept_in_debug(clean_logger: str) -> None:
    logging.getLogger(clean_logger).setLevel(logging.WARNING)
    app = App(clean_logger, root_path="/x")
    app.debug = True
    assert app.logger.level == logging.WARNING


def test_default_handler_added_only_when_nothing_handles_the_level(clean_logger: str) -> None:
    logger = logging.getLogger(clean_logger)
    logger.propagate = False
    try:
        assert not has_level_handler(logger)
        app = App(clean_logger, root_path="/x")
        assert default_handler in app.logger.handlers
    finally:
        logger.propagate = True


def test_configured_handler_takes_over(clean_logger: str) -> None:
    logger = logging.getLogger(clean_logger)
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    app = App(clean_logger, root_path="/x")
    assert app.logger.handlers == [handler]


def test_has_level_handler_ignores_handlers_above_the_level(clean_logger: str) -> None:
    logger = logging.getLogger(clean_logger)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(logging.ERROR)
    logger.addHandler(handler)
    try:
        assert not has_level_handler(logger)
        assert default_handler in create_logger(App(clean_logger, root_path="/x")).handlers
    finally:
        logger.propagate = True


_SCRIPT = textwrap.dedent(
    """
    import io
    from resourceful import App

    app = App("wsgi_errors_app", root_path="/x")

    @app.route("/")
    def index():
        app.logger.warning("told %s", "wsgi.errors")
        raise RuntimeError("kaboom")

    errors = io.StringIO()
    response = app.test_client().get("/", errors_stream=errors)
    print(response.status_code)
    print(errors.getvalue())
    """
)


@pytest.mark.slow
def test_default_handler_writes_to_wsgi_errors() -> None:
    # A fresh interpreter: pytest configures the root logger, which would take over.
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    status, _, logged = result.stdout.partition("\n")
    assert status == "500"
    assert "WARNING in <string>: told wsgi.errors" in logged
    assert "ERROR in app: Exception on / [GET]" in logged
    assert "RuntimeError: kaboom" in logged
    assert result.stderr == ""
