"""Flask-Caching through ``resourceful.flask_patch``: cached views."""

from __future__ import annotations

from pathlib import Path

from alias_scripts import run_script

APP = """
import json
import resourceful.flask_patch
from flask_caching import Cache
from resourceful import App

app = App(__name__)
cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})
calls = []

@app.route("/slow")
@cache.cached(timeout=60, response_hit_indication=True)
def slow():
    calls.append(1)
    return f"computed {len(calls)} time(s)"

client = app.test_client()
first = client.get("/slow")
second = client.get("/slow")
"""


def test_cached_view_runs_once(tmp_path: Path) -> None:
    seen = run_script(
        tmp_path,
        APP + "print(json.dumps([first.text, second.text]))",
    )
    assert seen == ["computed 1 time(s)", "computed 1 time(s)"]


def test_cache_hit_is_indicated_by_an_after_request_function_added_during_the_request(
    tmp_path: Path,
) -> None:
    seen = run_script(
        tmp_path,
        APP + 'print(json.dumps([r.headers.get("hit_cache") for r in (first, second)]))',
    )
    assert seen == [None, "True"]
