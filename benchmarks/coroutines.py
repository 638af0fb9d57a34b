"""Time the coroutine runner alone: µs per call from synchronous code.

Usage, from the repository root::

    python -m benchmarks.coroutines            # about 10 seconds
    python -m benchmarks.coroutines --quick
    python -m benchmarks.coroutines --async-to-sync   # with the in-place path
    python -m benchmarks.coroutines --requests        # async def against def, whole requests

Each case runs one coroutine function per call, the way an ``async def``
view runs under WSGI: ``resourceful.coroutines.run_coroutine`` (a task on
the thread's reused loop), ``asyncio.run`` (a new loop per call) and asgiref's
``async_to_sync``, which Flask uses (a new thread and loop per call). With
``--async-to-sync``, a first column times ``resourceful.coroutines.async_to_sync``,
what views and hooks get: in place for a function without await points
(``never waits`` here), else ``run_coroutine``. The reported time is the best
batch of several, since only the machine's noise makes a batch slower.

``--requests`` compares whole requests instead: each ``async def`` benchmark
scenario against its ``def`` twin on resourceful (issue 14 holds the first to
1.5x the second). The batches alternate between the two, and each is timed in
CPU time of the thread (:func:`time.thread_time`), which time spent waiting
for a core on a loaded machine does not inflate.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resourceful.coroutines import async_to_sync as resourceful_async_to_sync
from resourceful.coroutines import run_coroutine

CoroutineFunction = Callable[[], Coroutine[Any, Any, Any]]


async def never_waits() -> int:
    return 1


async def sleeps_once() -> int:
    await asyncio.sleep(0)
    return 1


async def awaits_a_task() -> int:
    return await asyncio.create_task(never_waits())


CASES: dict[str, CoroutineFunction] = {
    "never waits": never_waits,
    "one asyncio.sleep(0)": sleeps_once,
    "awaits a task it creates": awaits_a_task,
}


def _runners() -> dict[str, Callable[[CoroutineFunction], Callable[[], Any]]]:
    runners: dict[str, Callable[[CoroutineFunction], Callable[[], Any]]] = {
        "run_coroutine": lambda func: lambda: run_coroutine(func()),
        "asyncio.run": lambda func: lambda: asyncio.run(func()),
    }
    try:
        from asgiref.sync import async_to_sync
    except ImportError:  # pragma: no cover - asgiref is a dev dependency
        return runners
    runners["asgiref async_to_sync"] = lambda func: async_to_sync(func)
    return runners


def best_per_call(call: Callable[[], Any], batch_time: float, batches: int) -> float:
    """Return the best time per call, in seconds, over ``batches`` batches of ~``batch_time``."""
    number = 1
    while True:  # calibrate (and warm up)
        begin = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - begin
        if elapsed >= batch_time / 4:
            break
        number *= 4
    number = max(1, round(number * batch_time / elapsed))
    best = elapsed / number * 4
    for _ in range(batches):
        begin = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - begin) / number)
    return best


#: Each async scenario and its sync twin.
REQUEST_PAIRS = {"async_text": "text", "async_typed_valid": "typed_valid"}


def _cpu_per_request(app: Any, environ: dict[str, Any], body: bytes | None, number: int) -> float:
    """Return the thread's CPU time per request over ``number`` calls of ``app``."""
    from benchmarks.run import _start_response

    copy = environ.copy
    clock = time.thread_time
    begin = clock()
    for _ in range(number):
        env = copy()
        if body is not None:
            env["wsgi.input"] = io.BytesIO(body)
        iterable = app(env, _start_response)
        for _chunk in iterable:
            pass
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return (clock() - begin) / number


def compare_requests(rounds: int, number: int) -> list[list[str]]:
    """Time each async scenario and its sync twin in alternating batches; return table rows."""
    from benchmarks.apps import load
    from benchmarks.run import check
    from benchmarks.scenarios import SCENARIOS_BY_NAME

    apps = load("resourceful").apps
    subjects = {}
    for name in (n for pair in REQUEST_PAIRS.items() for n in pair):
        scenario = SCENARIOS_BY_NAME[name]
        app = apps[scenario.app]
        problem = check(app, scenario)
        if problem is not None:
            raise RuntimeError(f"resourceful answers {name} wrongly: {problem}")
        subjects[name] = (app, scenario.environs()[0], scenario.body)
    best = dict.fromkeys(subjects, float("inf"))
    for _ in range(rounds):
        for name, (app, environ, body) in subjects.items():
            best[name] = min(best[name], _cpu_per_request(app, environ, body, number))
    rows = [["scenario", "def", "async def", "async / def"]]
    for asynchronous, synchronous in REQUEST_PAIRS.items():
        rows.append(
            [
                asynchronous,
                f"{best[synchronous] * 1e6:.1f} µs",
                f"{best[asynchronous] * 1e6:.1f} µs",
                f"{best[asynchronous] / best[synchronous]:.2f}x",
            ]
        )
    return rows


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("| " + " | ".join(text.ljust(w) for text, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coroutines", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short batches (noisier)")
    parser.add_argument(
        "--async-to-sync",
        action="store_true",
        help="also time resourceful's async_to_sync (in place when there is no await point)",
    )
    parser.add_argument(
        "--requests",
        action="store_true",
        help="compare whole async def requests with their def twins (CPU time)",
    )
    args = parser.parse_args(argv)
    if args.requests:
        _print_table(compare_requests(*((3, 20) if args.quick else (80, 500))))
        return 0
    batch_time, batches = (0.02, 3) if args.quick else (0.1, 7)
    runners = _runners()
    if args.async_to_sync:
        runners = {"async_to_sync": resourceful_async_to_sync, **runners}
    rows = [["coroutine", *runners]]
    for case, func in CASES.items():
        times = [best_per_call(make(func), batch_time, batches) for make in runners.values()]
        rows.append([case, *(f"{seconds * 1e6:.1f} µs" for seconds in times)])
    _print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
