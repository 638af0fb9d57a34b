"""The benchmark apps keep answering their scenarios correctly (no timings are checked)."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apps import FRAMEWORKS, Framework, load  # noqa: E402
from benchmarks.run import Cell, format_table, measure  # noqa: E402
from benchmarks.scenarios import SCENARIOS, SCENARIOS_BY_NAME  # noqa: E402
from resourceful import App  # noqa: E402

#: The scenarios FastAPI has apps for (through the ASGI harness).
FASTAPI_SCENARIOS = {
    "text",
    "json",
    "json_distinct",
    "not_found",
    "many_rules",
    "typed_valid",
    "typed_invalid",
    "secured",
}


@pytest.fixture(scope="module")
def frameworks() -> dict[str, Framework]:
    """Return every framework's benchmark apps, built once for the module.

    PERF: building them all takes seconds (each framework makes an app per
    scenario). The benchmark calls each app thousands of times and checks the
    answer first, so an app answers the same however often it was called
    before: the tests that only call them can share one build.
    """
    return {name: load(name) for name in FRAMEWORKS}


@pytest.mark.slow
def test_every_benchmark_app_answers_every_scenario_it_serves(
    frameworks: dict[str, Framework],
) -> None:
    # measure() checks each app's status and body before timing it, and raises
    # WrongAnswer naming the framework and scenario; a batch is a single call here.
    results = measure(list(frameworks.values()), SCENARIOS, rounds=1, batch_time=1e-9)

    expected = {"flask", "resourceful", "falcon", "raw"}
    if importlib.util.find_spec("apiflask") is not None:
        expected.add("apiflask")
    fastapi = importlib.util.find_spec("fastapi") is not None
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
        if fastapi and scenario.name in FASTAPI_SCENARIOS:
            want.add("fastapi")
        assert measured == want, (scenario.name, results[scenario.name])
    assert format_table(results, FRAMEWORKS).count("\n") == len(SCENARIOS) + 1


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_the_nested_registration_shape_builds_apps_that_bind_the_nested_class() -> None:
    from benchmarks.registration import NESTED_BUILDERS, SHAPES, build_resourceful_nested

    assert SHAPES["nested"] is NESTED_BUILDERS
    for name, builder in NESTED_BUILDERS.items():
        if importlib.util.find_spec(name) is None:
            continue
        builder(2)
    client = build_resourceful_nested(2).test_client()
    created = client.post("/section1/items/", json={"title": "t", "tags": [{"name": "a"}]})
    assert created.json == {"id": 1, "title": "t", "tags": [{"name": "a"}], "done": False}
    refused = client.post("/section1/items/", json={"title": "", "tags": [{"name": "x" * 21}]})
    assert refused.status_code == 422
    pointers = sorted(error["pointer"] for error in refused.json["errors"])
    assert pointers == ["/tags/0/name", "/title"]


@pytest.mark.slow
def test_the_registration_benchmark_times_every_framework_at_every_size_against_fastapi() -> None:
    from benchmarks.registration import format_table, measure

    if importlib.util.find_spec("fastapi") is None:
        pytest.skip("FastAPI is not installed")
    results = measure(["resourceful", "fastapi"], [1, 3], repeat=2)
    assert set(results) == {"resourceful", "fastapi"}
    for cells in results.values():
        assert isinstance(cells, dict)
        assert set(cells) == {1, 3}
        assert all(elapsed > 0 and cpu > 0 for elapsed, cpu in cells.values())
    lines = format_table(results, [1, 3]).splitlines()
    assert lines[0] == "| framework | 1 resources | 3 resources | growth |"
    ours = next(line for line in lines if line.startswith("| resourceful |"))
    assert ours.count("x FastAPI") == 2
    assert not next(line for line in lines if line.startswith("| fastapi |")).count("x FastAPI")


def test_each_registration_sample_is_about_the_same_work_at_every_size() -> None:
    from benchmarks.registration import measure

    built: list[int] = []

    def builder(count: int) -> object:
        built.append(count)
        return object()

    results = measure(["counting"], [2, 8], repeat=3, builders={"counting": builder})
    assert set(results["counting"]) == {2, 8}  # type: ignore[arg-type]
    # One probe build, then per round: four builds of 2 (one sample), one of 8.
    assert built == [1] + [2] * 4 * 3 + [8] * 3


@pytest.mark.slow
def test_the_document_benchmark_times_the_first_and_the_later_openapi_calls_against_fastapi() -> (
    None
):
    from benchmarks.registration import format_document_table, measure_document

    if importlib.util.find_spec("fastapi") is None:
        pytest.skip("FastAPI is not installed")
    results = measure_document(["resourceful", "fastapi"], 2, calls=3, repeat=2)
    assert set(results) == {"resourceful", "fastapi"}
    for cell in results.values():
        assert isinstance(cell, tuple)
        assert all(seconds >= 0 for seconds in cell)
    lines = format_document_table(results, 2).splitlines()
    assert lines[0] == "| framework (8 operations) | first call (builds) | every later call |"
    assert next(line for line in lines if line.startswith("| resourceful |")).endswith(
        "x FastAPI) |"
    )


@pytest.mark.slow
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


@pytest.mark.parametrize(
    ("header", "why"),
    [(None, "no credentials"), ("Bearer wrong-token", "a token nobody has")],
)
@pytest.mark.slow
def test_every_secured_benchmark_app_refuses_a_request_without_good_credentials(
    frameworks: dict[str, Framework], header: str | None, why: str
) -> None:
    # The secured scenario only sends a good token: this holds every peer to
    # the same check, so none is fast because it skips it.
    from benchmarks.run import call

    secured = SCENARIOS_BY_NAME["secured"]
    headers = () if header is None else (("Authorization", header),)
    scenario = dataclasses.replace(secured, headers=headers)
    refusing = set()
    for name in FRAMEWORKS:
        app = frameworks[name].apps.get("secured")
        if app is None:
            continue
        answer = call(app, scenario)
        assert answer.status in (401, 403), (name, why, answer)
        if answer.status == 401:
            assert "Bearer" in dict((k.lower(), v) for k, v in answer.headers)["www-authenticate"]
        refusing.add(name)
    assert {"flask", "resourceful", "falcon", "raw"} <= refusing
    if importlib.util.find_spec("fastapi") is not None:
        assert "fastapi" in refusing


def test_the_asgi_harness_sends_the_request_and_collects_the_answer() -> None:
    from benchmarks.asgi import ASGIBench

    seen: list[tuple[dict[str, object], list[dict[str, object]]]] = []

    async def echo(scope: dict[str, object], receive: object, send: object) -> None:
        messages = [await receive(), await receive()]  # type: ignore[operator]
        seen.append((scope, messages))
        body = messages[0]["body"]
        await send(  # type: ignore[operator]
            {"type": "http.response.start", "status": 201, "headers": [(b"x-seen", b"yes")]}
        )
        await send({"type": "http.response.body", "body": body, "more_body": True})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"!"})  # type: ignore[operator]

    harness = ASGIBench(echo)
    typed = SCENARIOS_BY_NAME["typed_valid"]
    status, headers, body = harness.answer(typed.environ(), typed.body)
    assert (status, headers) == (201, [("x-seen", "yes")])
    assert body == (typed.body or b"") + b"!"
    scope, messages = seen[0]
    assert (scope["method"], scope["path"], scope["query_string"]) == ("POST", "/todos", b"")
    assert (b"content-type", b"application/json") in scope["headers"]  # type: ignore[operator]
    # The body is handed over once; after it the client is gone.
    assert [m["type"] for m in messages] == ["http.request", "http.disconnect"]
    assert messages[0]["more_body"] is False

    # A timed batch sends each request with its own copy of the scope and its own body.
    assert harness.time_batch([typed.environ()], typed.body, 3) > 0
    assert len(seen) == 4
    assert len({id(scope) for scope, _ in seen}) == 4
    assert all(messages[0]["body"] == typed.body for _, messages in seen)


@pytest.mark.slow
def test_the_coroutine_micro_benchmark_can_time_async_to_sync_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import coroutines

    assert coroutines.main(["--quick", "--async-to-sync"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]][:3] == [
        "coroutine",
        "async_to_sync",
        "run_coroutine",
    ]
    assert all(line.count(" µs") == 4 for line in lines[2:])


@pytest.mark.slow
def test_the_coroutine_benchmark_compares_async_requests_with_their_sync_twins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import coroutines

    assert coroutines.main(["--quick", "--requests"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == [
        "scenario",
        "def",
        "async def",
        "async / def",
    ]
    assert [line.split("|")[1].strip() for line in lines[2:]] == list(coroutines.REQUEST_PAIRS)
    assert all(line.count(" µs") == 2 and line.rstrip(" |").endswith("x") for line in lines[2:])


@pytest.mark.slow
def test_every_framework_sends_the_same_etag_in_the_etag_scenarios(
    frameworks: dict[str, Framework],
) -> None:
    from werkzeug.test import Client

    from benchmarks.scenarios import ETAG, SCENARIOS_BY_NAME

    expected = {"etag_200": ETAG, "etag_304": ETAG, "etag_version_304": '"3"'}
    for name in FRAMEWORKS:
        framework = frameworks[name]
        if "etag" not in framework.apps:
            continue
        client = Client(framework.apps["etag"])
        for scenario_name, etag in expected.items():
            scenario = SCENARIOS_BY_NAME[scenario_name]
            response = client.get(scenario.path, headers=list(scenario.headers))
            assert response.status_code == scenario.status, (name, scenario_name)
            assert response.headers["ETag"] == etag, (name, scenario_name)
        # Without If-None-Match the versioned book is sent whole, with its tag.
        full = client.get("/versioned/42")
        assert full.status_code == 200, name
        assert full.headers["ETag"] == '"3"', name


@pytest.mark.slow
def test_the_large_etag_scenarios_send_a_20_kb_shelf_and_its_hash_on_every_framework() -> None:
    from werkzeug.test import Client

    from benchmarks.scenarios import ETAG_SHELF_BODY, ETAG_SHELF_TAG

    # Large enough that the encoding, the hash and the body's bytes show.
    assert 19_000 <= len(ETAG_SHELF_BODY) <= 22_000
    served = []
    for name in FRAMEWORKS:
        framework = load(name)
        if "etag_large" not in framework.apps:
            continue
        served.append(name)
        client = Client(framework.apps["etag_large"])
        full = client.get("/shelves/7")
        assert (full.status_code, full.headers["ETag"]) == (200, ETAG_SHELF_TAG), name
        assert full.data == ETAG_SHELF_BODY, name
        for scenario_name, etag in (
            ("etag_large_304", ETAG_SHELF_TAG),
            ("etag_large_version_304", '"3"'),
        ):
            scenario = SCENARIOS_BY_NAME[scenario_name]
            response = client.get(scenario.path, headers=list(scenario.headers))
            got = (response.status_code, response.headers["ETag"], response.data)
            assert got == (304, etag, b""), (name, scenario_name)
        versioned = client.get("/versioned-shelves/7")
        assert (versioned.status_code, versioned.headers["ETag"]) == (200, '"3"'), name
        assert versioned.data == ETAG_SHELF_BODY, name
    assert {"flask", "resourceful"} <= set(served)


def test_a_ratio_pairs_each_rounds_batches_so_a_slow_spell_cancels() -> None:
    from benchmarks.run import ratio

    # Rounds 2 and 3 ran while the machine was twice as slow, for both halves of
    # the pair; in round 5 only Flask's batch was slowed. Each pair says 0.25
    # but the last, so the paired ratio is 0.25; dividing the two medians
    # (200 us and 25 us) would say 0.125.
    results: Any = {
        "text": {
            "flask": Cell([100e-6, 200e-6, 200e-6, 100e-6, 200e-6], 1),
            "resourceful": Cell([25e-6, 50e-6, 50e-6, 25e-6, 25e-6], 1),
        }
    }
    assert ratio(results, "text", "resourceful") == pytest.approx(0.25)
    # A framework measured in some rounds only cannot be paired.
    results["text"]["resourceful"] = Cell([25e-6], 1)
    with pytest.raises(ValueError):
        ratio(results, "text", "resourceful")


@pytest.mark.slow
@pytest.mark.live
def test_the_wire_benchmark_checks_each_answer_over_http_and_times_every_cell() -> None:
    import hashlib
    import json

    from benchmarks import wire

    results = wire.measure(size=2000, rounds=1, number=2, progress=lambda message: None)

    bodies = {results.answers[f, "200"].body for f in wire.FRAMEWORKS}
    assert len(bodies) == 1  # both frameworks send the same JSON
    (body,) = bodies
    book = json.loads(body)
    assert (book["id"], book["title"], book["version"]) == (42, "Dune", 3)
    assert len(book["reviews"]) == len(wire.make_book(2000).reviews) > 1
    hashed = f'"{hashlib.sha1(body).hexdigest()}"'
    for framework in wire.FRAMEWORKS:
        answers = {name: results.answers[framework, name] for name, _path, _tag in wire.REQUESTS}
        got = {name: (a.status, a.etag, a.body) for name, a in answers.items()}
        assert got == {
            "200": (200, hashed, body),
            "304 hash": (304, hashed, b""),
            "304 version": (304, '"3"', b""),
        }, framework
        # All three on one kept-alive connection.
        assert len({id(answer.sock) for answer in answers.values()}) == 1, framework
        for name in answers:
            samples = results.samples[framework, name]
            assert len(samples) == 1, (framework, name)
            assert samples[0] > 0, (framework, name)
    table = wire.format_table(results)
    assert "| GET 304 version |" in table
    assert "| 304 hash / 200 |" in table


def test_the_wire_benchmark_refuses_a_wrong_etag_or_a_new_connection() -> None:
    from benchmarks import wire
    from benchmarks.run import WrongAnswer

    sock = object()
    good = wire.Answer(304, '"abc"', b"", sock)
    wire.check("304 hash", good, b"{}", '"abc"', sock)
    with pytest.raises(WrongAnswer, match=r"304 hash: expected \(304, '\"abc\"', b''\)"):
        wire.check("304 hash", wire.Answer(304, '"abd"', b"", sock), b"{}", '"abc"', sock)
    with pytest.raises(WrongAnswer, match="200: expected"):
        wire.check("200", wire.Answer(200, '"abc"', b"{", sock), b"{}", '"abc"', sock)
    with pytest.raises(WrongAnswer, match="the connection was not kept alive"):
        wire.check("304 hash", good, b"{}", '"abc"', object())


@pytest.mark.slow
@pytest.mark.live
def test_the_wire_benchmark_times_processor_time_with_cpu(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import wire

    used: list[float] = []

    def clock() -> float:
        used.append(time.process_time())
        return used[-1]

    results = wire.measure(size=2000, rounds=1, number=2, progress=lambda m: None, clock=clock)
    # Two readings per cell: three requests on two frameworks.
    assert len(used) == 2 * len(wire.REQUESTS) * len(wire.FRAMEWORKS)
    assert all(len(samples) == 1 for samples in results.samples.values())

    assert wire.main(["--quick", "--cpu", "--size", "2000"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Processor time (client and server) per request over 127.0.0.1")
    assert "| 304 hash / 200 |" in out
