"""Shared fixtures for the test suite.

- ``app``: a fresh :class:`resourceful.App` named after the test module, with
  ``TESTING`` on and a ``SECRET_KEY`` set; no routes. Add routes in the test.
- ``client``: ``app.test_client()`` for that app.
- ``app_ctx``: an application context of ``app``, pushed for the whole test.
- ``req_ctx``: a request context for ``GET /`` of ``app``, pushed for the whole test.
- ``live_server``: start a module's ``app`` with ``app.run()`` in a subprocess (real HTTP).

Every test also fails if it leaves a context pushed.

Tests that need other settings change ``app.config`` before the first request.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from resourceful import App
from resourceful.ctx import AppContext, RequestContext
from resourceful.testing import TestClient

# Property tests (ours and schemathesis's) run on a shared 2-core machine: a slow
# example under load is not a failure, so no per-example deadline and no
# too-slow health check. Counts of examples stay bounded by each test.
settings.register_profile(
    "resourceful", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("resourceful")


#: Fixtures that start a real server or browser: the tests that use them are ``live``.
LIVE_FIXTURES = frozenset({"live_server", "chromium", "todo_server"})


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that use a live fixture as ``live``; give every test its own id."""
    for item in items:
        if LIVE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live)
    _unique_node_ids(items)


def _unique_node_ids(items: list[pytest.Item]) -> None:
    """Give the tests that share a node id the id their name says.

    schemathesis names its test of each operation ``test_x[GET /todos/]``, but
    under pytest 9 all of them get the node id ``...::test_x``. pytest-xdist
    (``just pytest``) keys a file's tests by node id, so it would run one of
    them and drop the rest without a word; so would ``--lf`` and junit reports.
    """
    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and item.parent is not None:
            # NOTE: pytest has no public way to set a node id: pytest 9 keeps it
            # in ``_id`` (a NodeId), pytest 8 in ``_nodeid`` (a str).
            if hasattr(item, "_id"):
                item._id = item.parent._id.child(item.name)
            else:
                item._nodeid = f"{item.parent.nodeid}::{item.name}"
    shared = sorted(
        nodeid for nodeid, count in Counter(i.nodeid for i in items).items() if count > 1
    )
    if shared:
        raise pytest.UsageError(f"Tests share a node id, so some would not run: {shared}")


@pytest.fixture(autouse=True)
def _cli_marker_restored() -> Iterator[None]:
    """Put back RESOURCEFUL_RUN_FROM_CLI as it was: the CLI group sets it in os.environ.

    A test that runs a command in process (``app.test_cli_runner().invoke``)
    would otherwise leave it set, and every server a later test starts with
    ``app.run()`` in a subprocess would inherit it and return at once.
    """
    before = os.environ.get("RESOURCEFUL_RUN_FROM_CLI")
    yield
    if before is None:
        os.environ.pop("RESOURCEFUL_RUN_FROM_CLI", None)
    else:
        os.environ["RESOURCEFUL_RUN_FROM_CLI"] = before


@pytest.fixture(autouse=True)
def _no_leaked_contexts() -> Iterator[None]:
    """Fail a test that leaves an application or request context pushed."""
    yield
    from resourceful.globals import _cv_app, _cv_request

    leaked = [ctx for ctx in (_cv_request.get(None), _cv_app.get(None)) if ctx is not None]
    if leaked:
        _cv_request.set(None)  # type: ignore[arg-type]
        _cv_app.set(None)  # type: ignore[arg-type]
        pytest.fail(f"The test left contexts pushed: {leaked!r}")


@pytest.fixture
def app() -> App:
    """Return a new testing app with a secret key and no routes."""
    app = App("test_app", root_path="/nonexistent/test_app")
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


@pytest.fixture
def client(app: App) -> TestClient:
    """Return a test client of ``app``."""
    return app.test_client()


@pytest.fixture
def app_ctx(app: App) -> Iterator[AppContext]:
    """Push an application context of ``app`` for the test."""
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def req_ctx(app: App) -> Iterator[RequestContext]:
    """Push a request context for ``GET /`` of ``app`` for the test."""
    with app.test_request_context("/") as ctx:
        yield ctx


@pytest.fixture
def generated_structuring(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the attrs classes whose structuring code is generated, in order."""
    from resourceful.convert import attrs_gen

    names: list[str] = []
    real = attrs_gen._generate_structure_fn

    def counting(cls: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(cls.__name__)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(attrs_gen, "_generate_structure_fn", counting)
    return names


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[[str], tuple[str, int]]]:
    """Return ``start(source)``: serve a module's ``app`` with ``app.run()`` in a subprocess.

    ``source`` is the text of a module that defines ``app``. The server listens
    on 127.0.0.1 on a free port; ``start`` returns ``(host, port)`` once it
    accepts connections. Every server started is stopped when the test ends.
    """
    processes: list[subprocess.Popen[bytes]] = []

    def start(source: str) -> tuple[str, int]:
        name = f"live_app_{len(processes)}"
        (tmp_path / f"{name}.py").write_text(source)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        code = f"import {name}; {name}.app.run(port={port}, load_dotenv=False)"
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        for _ in range(200):
            if process.poll() is not None:
                stderr = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"The server exited early:\n{stderr}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                time.sleep(0.05)
            else:
                return "127.0.0.1", port
        raise RuntimeError(f"The server did not start listening on port {port}.")

    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr is not None:
                process.stderr.close()
