"""resourceful.coroutines: coroutines run from synchronous code on a per-thread event loop."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import inspect
import subprocess
import sys
import threading
import time
import traceback
import types
from collections.abc import AsyncIterator
from typing import Any

import pytest

from resourceful import App, g, request, stream_with_context
from resourceful.coroutines import (
    async_to_sync,
    close_thread_loop,
    ensure_sync,
    iterate_async,
    never_suspends,
    run_coroutine,
    run_in_place,
    thread_loop,
)

marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker")


def in_new_thread(func: Any) -> Any:
    """Call ``func`` in a thread of its own, wait for it and return its result."""
    results: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(func())
        except BaseException as exc:  # pragma: no cover - re-raised below
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(10)
    if errors:
        raise errors[0]
    return results[0]


# -- running one coroutine ---------------------------------------------------------------------


def test_a_coroutine_that_never_waits_returns_its_value() -> None:
    async def answer(x: int) -> int:
        return x * 2

    assert run_coroutine(answer(21)) == 42


def test_a_coroutine_that_never_waits_still_runs_in_a_task_on_a_running_loop() -> None:
    seen: dict[str, Any] = {}

    async def look() -> None:
        loop = asyncio.get_running_loop()
        seen["loop"] = loop
        seen["running"] = loop.is_running()
        seen["task"] = asyncio.current_task()
        if sys.version_info >= (3, 11):
            # asyncio.timeout() needs the current task; it must work before any await.
            async with asyncio.timeout(5):
                seen["inside timeout"] = True
        else:  # pragma: no cover
            seen["inside timeout"] = True

    run_coroutine(look())
    assert seen["loop"] is thread_loop()
    assert seen["running"] is True
    assert isinstance(seen["task"], asyncio.Task)
    assert seen["inside timeout"] is True
    assert not thread_loop().is_running()


def test_an_awaited_sleep_suspends_the_coroutine_for_that_long() -> None:
    async def nap() -> str:
        await asyncio.sleep(0.05)
        return "rested"

    began = time.perf_counter()
    assert run_coroutine(nap()) == "rested"
    assert time.perf_counter() - began >= 0.05


def test_a_task_created_inside_runs_alongside_and_can_be_awaited() -> None:
    order: list[str] = []

    async def child() -> str:
        order.append("child starts")
        await asyncio.sleep(0)
        order.append("child ends")
        return "child result"

    async def parent() -> str:
        task = asyncio.create_task(child())
        order.append("parent continues")
        result = await task
        order.append("parent ends")
        return result

    assert run_coroutine(parent()) == "child result"
    assert order == ["parent continues", "child starts", "child ends", "parent ends"]


def test_tasks_left_pending_are_cancelled_before_the_call_returns() -> None:
    events: list[str] = []
    left: list[asyncio.Task[None]] = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            events.append("cleaned up")

    async def fire_and_forget(wait_first: bool) -> None:
        left.append(asyncio.create_task(forever()))
        if wait_first:
            await asyncio.sleep(0)  # the task starts and is suspended in its sleep

    for wait_first in (False, True):
        events.clear()
        run_coroutine(fire_and_forget(wait_first))
        assert left[-1].cancelled()
        assert events == (["cleaned up"] if wait_first else [])
    assert not asyncio.all_tasks(thread_loop())


def test_a_failing_task_left_pending_is_reported_to_the_loop() -> None:
    reported: list[dict[str, Any]] = []
    thread_loop().set_exception_handler(lambda loop, context: reported.append(context))

    async def refuses_to_stop() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            raise LookupError("broken cleanup")

    left: list[asyncio.Task[None]] = []

    async def leaves_it() -> None:
        left.append(asyncio.create_task(refuses_to_stop()))
        await asyncio.sleep(0)

    try:
        run_coroutine(leaves_it())
    finally:
        thread_loop().set_exception_handler(None)
    assert [str(context["exception"]) for context in reported] == ["broken cleanup"]


def test_callbacks_run_in_the_order_they_were_scheduled_and_before_the_call_returns() -> None:
    order: list[str] = []
    loop = thread_loop()
    # As a thread pool finishing an executor job would, between two calls.
    in_new_thread(lambda: loop.call_soon_threadsafe(order.append, "scheduled earlier"))

    async def schedules() -> None:
        order.append("coroutine")
        asyncio.get_running_loop().call_soon(order.append, "scheduled inside")

    run_coroutine(schedules())
    assert order == ["scheduled earlier", "coroutine", "scheduled inside"]


@pytest.mark.usefixtures("context_passing")
@pytest.mark.parametrize("waits", [False, True], ids=["never waits", "waits first"])
def test_an_exception_propagates_with_the_coroutines_frames(waits: bool) -> None:
    async def innermost() -> None:
        if waits:
            await asyncio.sleep(0)
        raise KeyError("missing")

    async def outer() -> None:
        await innermost()

    with pytest.raises(KeyError, match="missing") as info:
        run_coroutine(outer())
    names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert names[-2:] == ["outer", "innermost"]


def test_a_cancelled_task_awaited_inside_raises_cancelled_error_to_the_caller() -> None:
    async def victim() -> None:
        await asyncio.sleep(3600)

    async def cancels() -> None:
        task = asyncio.create_task(victim())
        await asyncio.sleep(0)
        task.cancel()
        await task

    with pytest.raises(asyncio.CancelledError):
        run_coroutine(cancels())


def test_a_coroutine_may_cancel_a_task_and_carry_on() -> None:
    async def victim() -> None:
        await asyncio.sleep(3600)

    async def cancels() -> str:
        task = asyncio.create_task(victim())
        await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled it"
        return "not cancelled"  # pragma: no cover

    assert run_coroutine(cancels()) == "cancelled it"


def test_an_async_database_driver_works(tmp_path: Any) -> None:
    aiosqlite = pytest.importorskip("aiosqlite")

    async def query() -> list[tuple[int, str]]:
        async with aiosqlite.connect(tmp_path / "db.sqlite") as db:
            await db.execute("create table users (id integer, name text)")
            await db.execute("insert into users values (1, 'ann'), (2, 'bob')")
            await db.commit()
            async with db.execute("select id, name from users order by id") as cursor:
                return list(await cursor.fetchall())

    assert run_coroutine(query()) == [(1, "ann"), (2, "bob")]


def test_calling_it_inside_a_running_loop_raises_and_says_to_await() -> None:
    async def inner() -> int:
        return 1  # pragma: no cover - never runs

    async def outer() -> None:
        run_coroutine(inner())

    with pytest.raises(RuntimeError) as info:
        asyncio.run(outer())
    assert str(info.value).startswith(
        "run_coroutine() was called in a thread whose event loop is running"
    )
    assert "Await the coroutine function directly" in str(info.value)


# -- the loop of each thread -------------------------------------------------------------------


def test_a_thread_reuses_its_loop_from_call_to_call() -> None:
    async def current() -> asyncio.AbstractEventLoop:
        await asyncio.sleep(0)
        return asyncio.get_running_loop()

    async def current_without_waiting() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    first = run_coroutine(current())
    assert run_coroutine(current_without_waiting()) is first
    assert run_coroutine(current()) is first
    assert thread_loop() is first


def test_two_threads_run_coroutines_at_the_same_time_on_distinct_loops() -> None:
    # Both coroutines must be inside their loops at once to pass the barrier.
    barrier = threading.Barrier(2, timeout=10)
    loops: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]] = {}

    async def meet(name: str) -> None:
        await asyncio.sleep(0)
        running = asyncio.get_running_loop()
        barrier.wait()
        await asyncio.sleep(0.01)
        loops[name] = (running, thread_loop())

    threads = [threading.Thread(target=run_coroutine, args=(meet(n),)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert set(loops) == {"a", "b"}
    (a_running, a_own), (b_running, b_own) = loops["a"], loops["b"]
    assert a_running is a_own
    assert b_running is b_own
    assert a_running is not b_running


def test_a_threads_loop_is_closed_when_the_thread_ends() -> None:
    async def current() -> asyncio.AbstractEventLoop:
        await asyncio.sleep(0)
        return asyncio.get_running_loop()

    loop = in_new_thread(lambda: run_coroutine(current()))
    gc.collect()
    assert loop.is_closed()


def test_closing_the_threads_loop_finalizes_async_generators_and_a_new_one_comes_next() -> None:
    finalized: list[str] = []

    async def numbers() -> AsyncIterator[int]:
        try:
            yield 1
            yield 2
        finally:
            await asyncio.sleep(0)
            finalized.append("numbers")

    holder: list[AsyncIterator[int]] = []

    async def start_and_keep() -> int:
        gen = numbers()
        holder.append(gen)
        return await gen.__anext__()

    assert run_coroutine(start_and_keep()) == 1
    old = thread_loop()
    close_thread_loop()
    assert old.is_closed()
    assert finalized == ["numbers"]
    assert thread_loop() is not old
    assert run_coroutine(asyncio.sleep(0, "again")) == "again"


def test_a_thread_has_its_loops_async_generator_hooks_until_the_loop_is_closed() -> None:
    def work() -> tuple[Any, Any, Any, asyncio.AbstractEventLoop]:
        before = sys.get_asyncgen_hooks()
        run_coroutine(asyncio.sleep(0))
        during = sys.get_asyncgen_hooks()
        loop = thread_loop()
        close_thread_loop()
        return before, during, sys.get_asyncgen_hooks(), loop

    before, during, after, loop = in_new_thread(work)
    assert during.firstiter.__self__ is loop
    assert during.finalizer.__self__ is loop
    assert after == before


@pytest.mark.slow
def test_loops_still_open_at_interpreter_exit_are_closed() -> None:
    script = """
import asyncio, atexit
loops = []
# atexit runs hooks last-registered first: this one runs after resourceful's.
atexit.register(lambda: print("closed" if loops[0].is_closed() else "open"))
from resourceful.coroutines import run_coroutine, thread_loop
run_coroutine(asyncio.sleep(0))
loops.append(thread_loop())
"""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "closed", "")


# -- context variables -------------------------------------------------------------------------


@pytest.fixture(params=["task context", "captured context"])
def context_passing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test with create_task(context=...) and with the Python 3.10 way."""
    from resourceful import coroutines

    monkeypatch.setattr(coroutines, "_TASKS_TAKE_A_CONTEXT", request.param == "task context")


@pytest.mark.parametrize("waits", [False, True], ids=["never waits", "waits first"])
@pytest.mark.usefixtures("context_passing")
def test_context_variables_cross_into_the_coroutine_and_back(waits: bool) -> None:
    async def change() -> str:
        if waits:
            await asyncio.sleep(0)
        seen = marker.get()
        marker.set("set inside")
        return seen

    def in_a_fresh_context() -> tuple[str, str]:
        marker.set("set outside")
        return run_coroutine(change()), marker.get()

    assert contextvars.Context().run(in_a_fresh_context) == ("set outside", "set inside")


@pytest.mark.usefixtures("context_passing")
def test_a_coroutine_that_sets_nothing_leaves_the_callers_context_as_it_was() -> None:
    async def nothing() -> None:
        await asyncio.sleep(0)

    def check() -> contextvars.Context:
        marker.set("before")
        run_coroutine(nothing())
        assert marker.get() == "before"
        return contextvars.copy_context()

    assert dict(contextvars.Context().run(check)) == {marker: "before"}


@pytest.mark.usefixtures("context_passing")
def test_the_request_and_g_are_there_inside_and_changes_to_g_are_seen_after(app: App) -> None:
    async def handler() -> str:
        await asyncio.sleep(0)
        g.user = "ann"
        return f"{request.method} {request.path}"

    with app.test_request_context("/inside?x=1", method="POST"):
        assert run_coroutine(handler()) == "POST /inside"
        assert g.user == "ann"


# -- coroutines that cannot suspend: run in place ----------------------------------------------


async def no_await_point() -> int:
    return 1


async def awaits(x: Any) -> None:
    await x


async def enters(x: Any) -> None:
    async with x:
        pass  # pragma: no cover - never run


async def iterates(x: Any) -> None:
    async for _ in x:
        pass  # pragma: no cover - never run


async def comprehends(x: Any) -> list[Any]:
    return [item async for item in x]


async def awaits_in_a_branch_never_taken(x: Any) -> int:
    if x is None:
        return 1
    await x  # pragma: no cover - never run
    return 2  # pragma: no cover


async def yields_only() -> AsyncIterator[int]:
    yield 1


async def yields_and_awaits(x: Any) -> AsyncIterator[int]:
    yield 1
    await x  # pragma: no cover - never run


class Holder:
    async def method(self) -> int:
        return 2


def plain_function() -> int:
    return 3  # pragma: no cover - only inspected


@types.coroutine
def generator_based() -> Any:
    yield  # pragma: no cover - only inspected


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (no_await_point, True),
        (Holder().method, True),
        (yields_only, True),
        (yields_and_awaits, False),
        (awaits, False),
        (enters, False),
        (iterates, False),
        (comprehends, False),
        (awaits_in_a_branch_never_taken, False),
        (functools.partial(no_await_point), False),
        (plain_function, False),
        (generator_based, False),
    ],
    ids=lambda value: getattr(value, "__name__", None) or type(value).__name__,
)
def test_never_suspends_says_whether_the_body_has_an_await_point(func: Any, expected: bool) -> None:
    assert never_suspends(func) is expected


def test_a_coroutine_without_await_points_runs_in_place_on_the_loop_outside_a_task() -> None:
    seen: dict[str, Any] = {}

    async def look() -> str:
        loop = asyncio.get_running_loop()
        seen["loop"], seen["running"] = loop, loop.is_running()
        seen["task"] = asyncio.current_task()
        marker.set("set inside")
        return "looked"

    def call() -> str:
        assert never_suspends(look)
        return async_to_sync(look)()

    context = contextvars.Context()
    assert context.run(call) == "looked"
    assert seen["loop"] is thread_loop()
    assert seen["running"] is True
    assert seen["task"] is None
    assert context[marker] == "set inside"  # it ran in the caller's context
    assert not thread_loop().is_running()
    assert asyncio._get_running_loop() is None


def test_the_first_coroutine_of_a_new_thread_runs_in_place_too() -> None:
    async def look() -> Any:
        return asyncio.current_task(), asyncio.get_running_loop()

    task, loop = in_new_thread(async_to_sync(look))
    assert task is None
    assert loop is not thread_loop()
    assert loop.is_closed()  # the thread ended


def test_a_coroutine_with_an_await_point_runs_in_a_task_even_if_it_never_waits() -> None:
    tasks: list[Any] = []

    async def maybe(wait: bool) -> None:
        tasks.append(asyncio.current_task())
        if wait:
            await asyncio.sleep(0)  # pragma: no cover - not taken

    async_to_sync(maybe)(False)
    assert isinstance(tasks[0], asyncio.Task)


def test_tasks_created_by_a_coroutine_run_in_place_are_cancelled_when_it_returns() -> None:
    started: list[str] = []

    async def background() -> None:  # pragma: no cover - cancelled before it starts
        started.append("yes")

    async def fire_and_forget() -> Any:
        return asyncio.get_running_loop().create_task(background())

    task = async_to_sync(fire_and_forget)()
    assert task.cancelled()
    assert started == []
    assert not asyncio.all_tasks(thread_loop())


def test_an_exception_from_a_coroutine_run_in_place_propagates_and_the_loop_stops() -> None:
    async def fail() -> None:
        raise LookupError("nothing here")

    with pytest.raises(LookupError, match="nothing here"):
        async_to_sync(fail)()
    assert not thread_loop().is_running()
    assert run_coroutine(no_await_point()) == 1


def test_run_in_place_refuses_a_coroutine_that_suspends() -> None:
    closed: list[bool] = []

    async def sleeps() -> None:
        try:
            await asyncio.sleep(0)
        finally:
            closed.append(True)

    with pytest.raises(RuntimeError) as info:
        run_in_place(sleeps())
    assert str(info.value).startswith(
        "run_in_place() ran a coroutine that suspended (test_run_in_place_refuses_a_coroutine"
    )
    assert closed == [True]
    assert not thread_loop().is_running()


def test_run_in_place_inside_a_running_loop_raises_and_says_to_await() -> None:
    async def outer() -> None:
        run_in_place(no_await_point())

    with pytest.raises(RuntimeError, match="Await the coroutine function directly"):
        run_coroutine(outer())


def test_run_in_place_uses_a_task_in_debug_mode() -> None:
    tasks: list[Any] = []

    async def look() -> None:
        tasks.append(asyncio.current_task())

    loop = thread_loop()
    loop.set_debug(True)
    try:
        run_in_place(look())
    finally:
        loop.set_debug(False)
    assert isinstance(tasks[0], asyncio.Task)


# -- sync wrappers -----------------------------------------------------------------------------


def test_async_to_sync_returns_a_sync_function_with_the_same_name_and_signature() -> None:
    async def greet(name: str, *, punctuation: str = "!") -> str:
        """Greet someone."""
        await asyncio.sleep(0)
        return f"Hello, {name}{punctuation}"

    wrapped = async_to_sync(greet)
    assert wrapped("ann", punctuation="?") == "Hello, ann?"
    assert not inspect.iscoroutinefunction(wrapped)
    assert (wrapped.__name__, wrapped.__doc__) == ("greet", "Greet someone.")
    assert inspect.signature(wrapped) == inspect.signature(greet)


def test_async_to_sync_refuses_what_cannot_be_called() -> None:
    with pytest.raises(TypeError) as info:
        async_to_sync(42)  # type: ignore[arg-type]
    assert str(info.value) == "async_to_sync() needs a coroutine function, not 42."


def test_ensure_sync_returns_sync_functions_unchanged() -> None:
    def plain() -> int:
        return 1

    assert ensure_sync(plain) is plain
    assert ensure_sync(ensure_sync(plain)) is plain


def test_ensure_sync_wraps_coroutine_functions_methods_and_partials() -> None:
    async def add(a: int, b: int) -> int:
        return a + b

    class Adder:
        async def add(self, a: int, b: int) -> int:
            await asyncio.sleep(0)
            return a + b

    assert ensure_sync(add)(1, 2) == 3
    assert ensure_sync(Adder().add)(2, 3) == 5
    assert ensure_sync(functools.partial(add, 10))(5) == 15
    wrapped = ensure_sync(add)
    assert ensure_sync(wrapped) is wrapped


# -- async generators as synchronous iterators -------------------------------------------------


def test_iterate_async_yields_what_the_generator_yields_across_awaits() -> None:
    async def chunks() -> AsyncIterator[str]:
        for part in ("a", "b", "c"):
            await asyncio.sleep(0)
            yield part

    assert list(iterate_async(chunks())) == ["a", "b", "c"]


def test_closing_the_iterator_early_runs_the_generators_finally_on_the_loop() -> None:
    events: list[str] = []

    async def chunks() -> AsyncIterator[str]:
        try:
            yield "first"
            yield "second"  # pragma: no cover - closed before
        finally:
            await asyncio.sleep(0)  # only possible on a loop
            events.append("closed")

    stream = iterate_async(chunks())
    assert next(stream) == "first"
    stream.close()  # type: ignore[attr-defined]
    assert events == ["closed"]
    assert list(stream) == []
    stream.close()  # type: ignore[attr-defined]
    assert events == ["closed"]


def test_an_error_inside_the_generator_reaches_the_consumer() -> None:
    async def chunks() -> AsyncIterator[str]:
        yield "ok"
        raise ValueError("stream broke")

    stream = iterate_async(chunks())
    assert next(stream) == "ok"
    with pytest.raises(ValueError, match="stream broke"):
        next(stream)


def test_stream_with_context_streams_an_async_generator_with_the_request_available(
    app: App,
) -> None:
    @app.route("/")
    def index() -> Any:
        async def generate() -> AsyncIterator[str]:
            yield "q="
            await asyncio.sleep(0)
            yield request.args["q"]

        return stream_with_context(generate())

    assert app.test_client().get("/?q=hi").data == b"q=hi"


def test_stream_with_context_decorates_an_async_generator_function(app: App) -> None:
    @app.route("/")
    def index() -> Any:
        @stream_with_context
        async def generate() -> AsyncIterator[str]:
            await asyncio.sleep(0)
            yield request.method

        return generate()

    assert app.test_client().get("/").data == b"GET"


def test_a_response_closed_early_closes_the_async_generator_then_tears_down(app: App) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> Any:
        async def generate() -> AsyncIterator[str]:
            try:
                yield "first"
                yield "second"  # pragma: no cover - closed before
            finally:
                await asyncio.sleep(0)
                events.append(f"generator closed, path still {request.path}")

        return stream_with_context(generate())

    response = app.test_client().get("/", buffered=False)
    assert next(response.response) == b"first"  # type: ignore[call-overload]
    response.close()
    assert events == ["generator closed, path still /", "teardown"]


# -- under a real threaded WSGI server -----------------------------------------------------------


@pytest.fixture
def served_app() -> Any:
    """Serve an app with a slow async view on werkzeug's threaded server, on 127.0.0.1."""
    from werkzeug.serving import make_server

    from resourceful.views import MethodView

    app = App("served_async")

    class Slow(MethodView):
        async def get(self) -> dict[str, Any]:
            await asyncio.sleep(0.5)
            return {"thread": threading.get_ident(), "loop": id(asyncio.get_running_loop())}

    class Stream(MethodView):
        def get(self) -> Any:
            async def chunks() -> AsyncIterator[str]:
                for part in ("one ", "two ", "three"):
                    await asyncio.sleep(0.01)
                    yield part

            return iterate_async(chunks())

    app.add_url_rule("/slow", view_func=Slow.as_view("slow"))
    app.add_url_rule("/stream", view_func=Stream.as_view("stream"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _get(url: str) -> tuple[int, bytes]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_two_slow_async_requests_are_served_at_once_on_two_threads(served_app: str) -> None:
    import json

    answers: list[dict[str, int]] = []
    began = time.perf_counter()
    clients = [
        threading.Thread(target=lambda: answers.append(json.loads(_get(served_app + "/slow")[1])))
        for _ in range(2)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join(10)
    elapsed = time.perf_counter() - began
    assert len(answers) == 2
    # One request sleeps 0.5 s: two one after the other would take 1 s or more.
    assert 0.5 <= elapsed < 0.9
    assert answers[0]["thread"] != answers[1]["thread"]
    assert answers[0]["loop"] != answers[1]["loop"]


def test_an_async_generator_streams_through_the_server(served_app: str) -> None:
    assert _get(served_app + "/stream") == (200, b"one two three")
