"""docs/http.md: its curl sessions, run with curl against the page's app on a real server.

The page's Python blocks (those that run, in order) make the app; it is
served by ``app.run()`` on 127.0.0.1. Each ```console block holds ``$ curl``
commands, each followed by what it prints: the status line, some of the
headers (every one shown must be sent, with that value; others may be sent
too) and the body, compared as JSON when it is JSON. The docs say
``http://localhost:5000``; the test talks to the real port and writes it back
before comparing.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from test_docs import BLOCKS

pytestmark = pytest.mark.live

PAGE = Path(__file__).resolve().parent.parent / "docs" / "http.md"
DOCS_BASE = "http://localhost:5000"


@attrs.frozen
class Session:
    """One ``$ curl`` command of the page and the output it shows."""

    line: int
    command: str
    output: list[str]


def _sessions() -> list[Session]:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    sessions: list[Session] = []
    inside = False
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            inside = line.strip() == "```console" if not inside else False
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            sessions.append(Session(number, line[2:], []))
        elif sessions:
            sessions[-1].output.append(line)
    return sessions


SESSIONS = _sessions()


def _app_source() -> str:
    blocks = [b for b in BLOCKS if b.page == "http.md" and b.mode in ("run", "continue")]
    return "\n".join(block.code for block in blocks)


def _run(session: Session, base: str) -> str:
    args = shlex.split(session.command)
    assert args[0] == "curl", f"docs/http.md:{session.line}: only curl sessions are run"
    args = [arg.replace(DOCS_BASE, base) for arg in args]
    done = subprocess.run(args, capture_output=True, check=True, timeout=30)
    return done.stdout.decode().replace(base, DOCS_BASE)


def _compare(session: Session, printed: str) -> list[str]:
    where = f"docs/http.md:{session.line}"
    head, _, body = printed.partition("\r\n\r\n")
    status, *header_lines = head.split("\r\n")
    sent = {}
    for header in header_lines:
        name, _, value = header.partition(": ")
        sent.setdefault(name.lower(), []).append(value)
    shown = session.output
    blank = shown.index("") if "" in shown else len(shown)
    problems = []
    if status != shown[0]:
        problems.append(f"{where}: status {status!r}, the page shows {shown[0]!r}")
    for header in shown[1:blank]:
        name, _, value = header.partition(": ")
        if value not in sent.get(name.lower(), []):
            problems.append(
                f"{where}: {name} is {sent.get(name.lower())!r}, the page shows {value!r}"
            )
    expected_body = "\n".join(shown[blank + 1 :]).strip()
    try:
        same = json.loads(body) == json.loads(expected_body)
    except ValueError:
        same = body.strip() == expected_body
    if not same:
        problems.append(f"{where}: the body is {body!r}, the page shows {expected_body!r}")
    return problems


def test_the_page_has_sessions_and_an_app() -> None:
    assert len(SESSIONS) >= 5
    assert all(session.output for session in SESSIONS)
    assert "app = App(__name__)" in _app_source()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_session_prints_what_the_page_shows(
    live_server: Callable[[str], tuple[str, int]],
) -> None:
    host, port = live_server(_app_source())
    base = f"http://{host}:{port}"
    problems: list[str] = []
    for session in SESSIONS:
        problems += _compare(session, _run(session, base))
    assert not problems, "\n".join(problems)
