"""The benchmark apps keep answering their scenarios correctly (no timings are checked)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apps import FRAMEWORKS, load  # noqa: E402
from benchmarks.run import Cell, format_table, measure  # noqa: E402
from benchmarks.scenarios import SCENARIOS  # noqa: E402
from resourceful import App  # noqa: E402


def test_every_benchmark_app_answers_every_scenario_it_serves() -> None:
    frameworks = [load(name) for name in FRAMEWORKS]
    # measure() checks each app's status and body before timing it, and raises
    # WrongAnswer naming the framework and scenario; a batch is a single call here.
    results = measure(frameworks, SCENARIOS, rounds=1, batch_time=1e-9)

    expected = {"flask", "resourceful", "falcon", "raw"}
    if importlib.util.find_spec("apiflask") is not None:
        expected.add("apiflask")
    typed_resources = importlib.util.find_spec("resourceful.resources") is not None
    # Under WSGI only Flask (through asgiref) and resourceful run async def handlers.
    async_frameworks = {"flask", "resourceful"} if hasattr(App, "ensure_sync") else {"flask"}
    for scenario in SCENARIOS:
        measured = {name for name, cell in results[scenario.name].items() if isinstance(cell, Cell)}
        want = set(expected)
        if scenario.asynchronous:
            want &= async_frameworks
        elif not scenario.typed:
            want.discard("apiflask")
        elif not typed_resources:
            want.discard("resourceful")
        assert measured == want, (scenario.name, results[scenario.name])
    assert format_table(results, FRAMEWORKS).count("\n") == len(SCENARIOS) + 1


def test_the_cors_preflight_scenario_checks_the_answers_headers() -> None:
    from benchmarks.run import check
    from benchmarks.scenarios import CORS_ORIGIN, SCENARIOS_BY_NAME

    scenario = SCENARIOS_BY_NAME["cors_preflight"]
    assert dict(scenario.headers)["Origin"] == CORS_ORIGIN
    resourceful = load("resourceful").apps["cors"]
    assert check(resourceful, scenario) is None

    def no_cors(environ: dict[str, object], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Allow", "GET, PUT")])
        return [b""]

    assert check(no_cors, scenario) == (
        "the preflight's answer is wrong: Access-Control-Allow-Origin None,"
        " Access-Control-Allow-Methods None"
    )


def test_every_registration_benchmark_builds_an_app_that_serves_its_resources() -> None:
    from benchmarks.registration import BUILDERS, build_resourceful

    for name, builder in BUILDERS.items():
        if importlib.util.find_spec(name) is None:
            continue
        builder(2)
    app = build_resourceful(2)
    client = app.test_client()
    assert client.get("/section1/items/").json == []
    assert client.put("/section1/items/3", json={"title": "t"}).json == {
        "id": 3,
        "title": "t",
        "done": False,
    }


def test_the_coroutine_micro_benchmark_times_every_case_with_every_runner(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import coroutines

    assert coroutines.main(["--quick"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == [
        "coroutine",
        "run_coroutine",
        "asyncio.run",
        "asgiref async_to_sync",
    ]
    assert [line.split("|")[1].strip() for line in lines[2:]] == list(coroutines.CASES)
    assert all(line.count(" µs") == 3 for line in lines[2:])
