"""``resourceful run --debug`` keeps serving when a code change breaks the app.

A real server on 127.0.0.1 runs with the reloader; the test edits the app's
file and watches what the server answers. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.live, pytest.mark.slow]

VERSION = """\
from resourceful import App

app = App("reloading")

@app.route("/")
def index():
    return "version {n}"
"""

SYNTAX_ERROR = """\
from resourceful import App

app = App("reloading")

@app.route("/")
def index(:
    return "broken"
"""

NAME_ERROR = VERSION.format(n=0) + "\nnot_defined_anywhere\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str] | None:
    """GET ``url``; ``None`` while nothing answers (or a restart cuts the answer short)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        try:
            return error.code, error.read().decode()
        except http.client.HTTPException:
            return None
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
        return None


def _wait_for(url: str, accept: Callable[[tuple[int, str]], bool], seconds: float = 30) -> str:
    """Poll ``url`` until ``accept`` takes the answer; return its body."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = _get(url)
        if last is not None and accept(last):
            return last[1]
        time.sleep(0.2)
    raise TimeoutError(f"{url} never gave the expected answer; the last was {last!r}")


def _edit(path: Path, source: str) -> None:
    """Replace the file in one step, with a modification time later than the last one."""
    # NOTE: the stat reloader restarts when the modification time grows. Writing
    # in place is two changes (content, then time) that could restart it twice,
    # the second time in the middle of an answer; a rename is one change.
    previous = path.stat().st_mtime if path.exists() else 0.0
    draft = path.with_suffix(".draft")
    draft.write_text(source, encoding="utf-8")
    stamp = max(time.time(), previous + 1)
    os.utime(draft, (stamp, stamp))
    os.replace(draft, path)


class Server:
    """``resourceful run --debug`` serving an app file, in its own process group."""

    def __init__(self, directory: Path) -> None:
        self.app_file = directory / "app.py"
        _edit(self.app_file, VERSION.format(n=1))
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RESOURCEFUL_", "FLASK_"))}
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "resourceful", "--app", "app.py", "run", "--debug"),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            cwd=directory,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # The reloader serves from a child process: stop the whole group.
            start_new_session=True,
        )
        self.output: str | None = None

    def stop(self) -> str:
        """Stop the server and its reloader child; return everything they printed."""
        if self.output is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.output, _ = self.process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.output, _ = self.process.communicate(timeout=20)
        return self.output


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_broken_app_during_reload_is_shown_and_fixing_the_file_serves_again(
    server: Server,
) -> None:
    # One server through both kinds of breakage: each start costs seconds.
    assert _wait_for(server.url, lambda answer: answer == (200, "version 1")) == "version 1"

    _edit(server.app_file, SYNTAX_ERROR)
    page = _wait_for(server.url, lambda answer: answer[0] == 500)
    assert "SyntaxError: invalid syntax" in page
    assert "Werkzeug Debugger" in page

    _edit(server.app_file, VERSION.format(n=2))
    assert _wait_for(server.url, lambda answer: answer == (200, "version 2")) == "version 2"

    _edit(server.app_file, NAME_ERROR)
    page = _wait_for(server.url, lambda answer: answer[0] == 500)
    assert "NameError: name &#39;not_defined_anywhere&#39; is not defined" in page

    _edit(server.app_file, VERSION.format(n=3))
    assert _wait_for(server.url, lambda answer: answer == (200, "version 3")) == "version 3"

    output = server.stop()
    assert "SyntaxError: invalid syntax" in output
    assert "NameError: name 'not_defined_anywhere' is not defined" in output
    assert output.count(" * Serving resourceful app 'reloading'") == 1
