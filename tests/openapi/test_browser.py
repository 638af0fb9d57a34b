"""A real browser renders the docs page of the example todo API, served by the main command.

The README's main command (``resourceful --app examples/todo/app.py run``) runs
in a subprocess on 127.0.0.1, on a free port. Debian's headless Chromium loads
the docs page (the app's ``DOCS_URL``) with every host name but 127.0.0.1
unresolvable, so the page must work with no network (no CDN), lets Swagger UI
fetch the document and render it, and dumps the DOM. The test then reads the
rendered operation blocks (method, path, operationId, summary) out of the DOM
and compares them with the operations of the document the server serves:
seeing the paths in the raw JSON is not enough, they must be drawn as operations.

A second test drives Chromium over the DevTools protocol (``cdp.py``): it
clicks Swagger UI's "Authorize", types a bearer token, runs a protected
operation with "Try it out" and reads the 200 that the page shows.

Needs Chromium (``apt-get install -y chromium``, which ``.ci/install-chromium``
runs). Without it the test is skipped, except when ``CI`` is ``true``: there a
missing browser fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import attrs
import pytest
from cdp import Browser
from example_modules import import_example
from werkzeug.serving import make_server

from resourceful import App, Resource
from resourceful.providers import Provided
from resourceful.security import HTTPBearer, Security

ROOT = Path(__file__).resolve().parents[2]
TODO_APP = ROOT / "examples" / "todo" / "app.py"

#: Where Debian's package puts the browser, if it is not on PATH.
DEBIAN_CHROMIUM = "/usr/bin/chromium"

#: Headless, no sandbox (containers run as root), no background traffic, and a
#: network where only 127.0.0.1 resolves: a page that needs a CDN cannot render.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # Run the page's scripts and requests until idle, up to 10 s of page time.
    "--virtual-time-budget=10000",
)


class RenderedOperation(NamedTuple):
    """One operation block as Swagger UI drew it."""

    element_id: str
    method: str
    path: str
    summary: str


class OperationBlocks(HTMLParser):
    """Collect the operation blocks (``div.opblock``) of a rendered Swagger UI page."""

    def __init__(self) -> None:
        super().__init__()
        self.operations: list[RenderedOperation] = []
        self.title = ""
        self._current: dict[str, str] | None = None
        self._capture: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        # Only an element's own first text counts: "Todo API", not its version badge.
        self._capture = None
        classes = attributes.get("class", "").split()
        if tag == "div" and "opblock" in classes:
            self._finish()
            self._current = {"element_id": attributes.get("id", "")}
        elif self._current is not None and "opblock-summary-path" in classes:
            self._current["path"] = attributes.get("data-path", "")
        elif self._current is not None and "opblock-summary-method" in classes:
            self._capture = "method"
        elif self._current is not None and "opblock-summary-description" in classes:
            self._capture = "summary"
        elif tag == "h2" and "title" in classes:
            self._capture = "title"

    def handle_endtag(self, tag: str) -> None:
        self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture == "title":
            self.title += data
        elif self._capture is not None and self._current is not None:
            self._current[self._capture] = self._current.get(self._capture, "") + data

    def close(self) -> None:
        super().close()
        self._finish()

    def _finish(self) -> None:
        if self._current is not None:
            self.operations.append(
                RenderedOperation(
                    element_id=self._current["element_id"],
                    method=self._current.get("method", "").strip(),
                    path=self._current.get("path", ""),
                    summary=self._current.get("summary", "").strip(),
                )
            )
            self._current = None


def find_chromium() -> str:
    """Return Chromium's path; skip the test without it, or fail it in CI."""
    path = shutil.which("chromium")
    if path is None and os.access(DEBIAN_CHROMIUM, os.X_OK):
        path = DEBIAN_CHROMIUM
    if path is None:
        message = (
            "Chromium is not installed (apt-get install -y chromium, or .ci/install-chromium)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI must run the browser test.")
        pytest.skip(message)
    return path


def load_todo_app(database: Path) -> Any:
    """Create the todo example app in this process, to read its config."""
    module = import_example(TODO_APP, "todo_browser_app")
    return module.create_app({"DATABASE": str(database)})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def http_status(url: str) -> int:
    """Return the status of ``GET url``; raise ``OSError`` if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def todo_server(tmp_path: Path) -> Iterator[str]:
    """Serve the todo example with the main command on 127.0.0.1; return its base URL."""
    port = free_port()
    database = tmp_path / "todo.sqlite3"
    command = [
        sys.executable,
        "-m",
        "resourceful",
        "--app",
        f"{TODO_APP}:create_app({{'DATABASE': {str(database)!r}}})",
        "run",
        "--port",
        str(port),
        "--no-reload",
    ]
    # The developer's RESOURCEFUL_* variables (debug, app, port) stay out of it.
    env = {name: value for name, value in os.environ.items() if not name.startswith("RESOURCEFUL_")}
    log_path = tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            for _ in range(300):
                if process.poll() is not None:
                    pytest.fail(
                        f"The server exited with {process.returncode}:\n{log_path.read_text()}"
                    )
                try:
                    http_status(base + "/")
                except OSError:
                    time.sleep(0.05)
                else:
                    break
            else:
                pytest.fail(f"The server did not answer on {base}:\n{log_path.read_text()}")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def rendered_dom(browser: str, url: str, profile: Path) -> str:
    """Load ``url`` in headless Chromium, let its scripts run, and return the DOM."""
    result = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, f"Chromium failed ({result.returncode}):\n{result.stderr}"
    return result.stdout


def test_operation_blocks_are_read_from_a_swagger_ui_dom() -> None:
    parser = OperationBlocks()
    parser.feed(
        '<h2 class="title">Todo API<span><small>0.1.0</small></span></h2>'
        '<div class="opblock opblock-get" id="operations-todos-listTodos">'
        '<div class="opblock-summary"><button><span class="opblock-summary-method">GET</span>'
        '<span class="opblock-summary-path" data-path="/todos/"><a><span>/todos<wbr>/</span></a>'
        '</span><div class="opblock-summary-description">List todos.</div></button></div></div>'
        '<div class="opblock opblock-delete" id="operations-todos-deleteTodo">'
        '<span class="opblock-summary-method">DELETE</span>'
        '<span class="opblock-summary-path" data-path="/todos/{todo_id}"></span></div>'
    )
    parser.close()
    assert parser.title == "Todo API"
    assert parser.operations == [
        RenderedOperation("operations-todos-listTodos", "GET", "/todos/", "List todos."),
        RenderedOperation("operations-todos-deleteTodo", "DELETE", "/todos/{todo_id}", ""),
    ]


def test_missing_chromium_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(globals(), "DEBIAN_CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        find_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser test"):
        find_chromium()


@pytest.fixture
def chromium() -> str:
    """Return Chromium's path (requested before the server, so a skip starts nothing)."""
    return find_chromium()


def test_docs_page_renders_every_operation_in_chromium(
    chromium: str, todo_server: str, tmp_path: Path
) -> None:
    app = load_todo_app(tmp_path / "unused.sqlite3")
    docs_url, openapi_url = app.config["DOCS_URL"], app.config["OPENAPI_URL"]
    for url in (docs_url, openapi_url):
        status = http_status(todo_server + url)
        assert status == 200, (
            f"GET {url} answered {status}: the main command does not serve it"
            " (DOCS_URL and OPENAPI_URL of the todo example)."
        )
    with urllib.request.urlopen(todo_server + openapi_url, timeout=5) as response:
        document = json.load(response)

    parser = OperationBlocks()
    parser.feed(rendered_dom(chromium, todo_server + docs_url, tmp_path / "profile"))
    parser.close()

    # Swagger UI names each block "operations-<first tag>-<operationId>".
    expected = {
        RenderedOperation(
            element_id="-".join(
                ("operations", operation.get("tags", ["default"])[0], operation["operationId"])
            ),
            method=method.upper(),
            path=path,
            summary=operation.get("summary", ""),
        )
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    }
    assert sorted(parser.operations) == sorted(expected)
    assert {operation.element_id.rsplit("-", 1)[1] for operation in parser.operations} == {
        "listTodos",
        "createTodo",
        "getTodo",
        "replaceTodo",
        "updateTodo",
        "deleteTodo",
    }
    assert parser.title.strip() == document["info"]["title"] == "Todo API"


# -- Authorize: Swagger UI sends the token, the protected operation answers -----------------


@attrs.frozen
class Principal:
    name: str


def secured_app(seen: list[str]) -> App:
    """Return an app whose one operation needs a bearer token; ``seen`` collects tokens."""

    def find(token: str) -> Principal | None:
        seen.append(token)
        return Principal("ann") if token == "s3cret" else None

    app = App("secured_docs")
    app.config["OPENAPI_TITLE"] = "Secured"
    app.require(Security(HTTPBearer(find)))

    class Me(Resource):
        def get(self, user: Provided[Principal]) -> Principal:
            """Say who the token belongs to."""
            return user

    app.add_resource(Me, "/me")
    return app


@pytest.fixture
def secured_server() -> Iterator[tuple[str, list[str]]]:
    """Serve :func:`secured_app` on 127.0.0.1 with a real WSGI server, in a thread."""
    seen: list[str] = []
    server = make_server("127.0.0.1", 0, secured_app(seen), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# Set an input's value the way React notices (its own setter, then an input event).
_TYPE_TOKEN = """(() => {
  const input = document.querySelector('.modal-ux input');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(input, 's3cret');
  input.dispatchEvent(new Event('input', {bubbles: true}));
  document.querySelector('.modal-ux .auth-btn-wrapper .authorize').click();
})()"""
_STATUS = "document.querySelector('.live-responses-table .response .response-col_status')"


def test_authorize_then_call_a_protected_operation_in_chromium(
    chromium: str, secured_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, seen = secured_server
    browser = Browser(chromium, CHROMIUM_FLAGS, tmp_path / "profile")
    try:
        browser.goto(base + "/docs")
        browser.wait_for("!!document.querySelector('.btn.authorize')")
        browser.evaluate("document.querySelector('.btn.authorize').click()")
        modal = browser.wait_for(
            "document.querySelector('.modal-ux input') &&"
            " document.querySelector('.modal-ux').innerText"
        )
        assert "bearerAuth" in modal
        browser.evaluate(_TYPE_TOKEN)
        browser.wait_for("document.querySelector('.modal-ux').innerText.includes('Logout')")
        browser.evaluate("document.querySelector('.modal-ux .btn-done').click()")
        browser.evaluate(
            "(document.querySelector('.opblock .opblock-summary-control')"
            " || document.querySelector('.opblock .opblock-summary')).click()"
        )
        browser.wait_for("!!document.querySelector('.try-out__btn')")
        browser.evaluate("document.querySelector('.try-out__btn').click()")
        browser.wait_for("!!document.querySelector('.btn.execute')")
        browser.evaluate("document.querySelector('.btn.execute').click()")
        status = browser.wait_for(f"{_STATUS} && {_STATUS}.innerText.trim()")
        body = browser.evaluate(
            "document.querySelector('.live-responses-table .response .microlight').innerText"
        )
    finally:
        browser.close()
    assert status == "200"
    assert json.loads(body) == {"name": "ann"}
    assert seen == ["s3cret"]
