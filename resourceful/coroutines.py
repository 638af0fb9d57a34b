"""Run coroutines from synchronous code: how ``async def`` works under WSGI.

A WSGI server calls the application in a worker thread and waits for its
answer, so an ``async def`` view still holds that thread for the whole
request. What the coroutine gets is real asyncio: it may await
``asyncio.sleep``, an async database driver or tasks it creates, and
``asyncio.get_running_loop()`` and ``asyncio.current_task()`` answer as they
would under ``asyncio.run``.

Each thread has its own event loop, created the first time the thread runs a
coroutine and reused by every later call in that thread; two requests on two
threads never share a loop. The loop is closed when its thread ends, at
interpreter exit, or by :func:`close_thread_loop`. While it is open, the
thread's async generator hooks (:func:`sys.set_asyncgen_hooks`) are the
loop's, as they are while ``asyncio.run`` runs, so that async generators are
finalized on it.

:func:`run_coroutine` runs one awaitable to completion, like
:func:`asyncio.run` on a loop that already exists: tasks the coroutine leaves
pending are cancelled before it returns, and the context variables it sets
stay set for the caller. :func:`async_to_sync` and :func:`ensure_sync` are
what :meth:`App.async_to_sync` and :meth:`App.ensure_sync` do, and
:func:`iterate_async` turns an async generator into the synchronous iterator a
WSGI server consumes.

PERF: an ``async def`` function whose body has no await point (no
``await``, ``async with`` or ``async for``: :func:`never_suspends`, read once
from its bytecode) cannot suspend, so its coroutine finishes in its first
step. :func:`async_to_sync` runs such a function in place
(:func:`run_in_place`): one ``send()`` with the thread's loop marked running,
and no task. Everything else runs in a task.
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import dis
import functools
import inspect
import sys
import threading
import weakref
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
)
from types import CoroutineType, FunctionType, MethodType
from typing import Any, ParamSpec, TypeVar

__all__ = [
    "async_to_sync",
    "close_thread_loop",
    "ensure_sync",
    "iterate_async",
    "never_suspends",
    "refuse_coroutine_function",
    "run_coroutine",
    "run_in_place",
    "thread_loop",
]

P = ParamSpec("P")
T = TypeVar("T")

_MISSING = object()
# PERF: the functions run_coroutine() calls on every call, looked up once.
_get_running_loop = asyncio._get_running_loop
_set_running_loop = asyncio._set_running_loop
_get_ident = threading.get_ident
_copy_context = contextvars.copy_context
#: Whether ``create_task()`` accepts ``context=`` (Python 3.11 and later).
_TASKS_TAKE_A_CONTEXT = sys.version_info >= (3, 11)

_IN_RUNNING_LOOP = """\
run_coroutine() was called in a thread whose event loop is running: this code
is already inside a coroutine, and blocking here would stop that loop.
Await the coroutine function directly instead of calling its synchronous
wrapper (for example, an async view cannot call a synchronous function that
waits for another coroutine).\
"""


class _ThreadLoop:
    """One thread's event loop; shuts it down when the thread ends.

    An instance lives in a :class:`threading.local`, whose value for a thread
    is released when the thread ends, so ``__del__`` is the thread's exit hook.
    """

    __slots__ = ("loop", "steppable")

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        # Only asyncio's own loops have the ready queue run_ready() uses;
        # others (uvloop...) always go through run_until_complete().
        loop: Any = self.loop
        self.steppable = isinstance(loop, asyncio.BaseEventLoop) and hasattr(loop, "_ready")
        if self.steppable:
            # PERF: the thread's async generator hooks are its loop's while the
            # loop is open (run_forever() sets the same ones, and restores them
            # after), so that run_ready() need not set them on every call.
            if not hasattr(_local, "original_hooks"):
                _local.original_hooks = sys.get_asyncgen_hooks()
            sys.set_asyncgen_hooks(loop._asyncgen_firstiter_hook, loop._asyncgen_finalizer_hook)
        if not _loops:
            # The first loop, or the first since all others were collected:
            # (re-)register, so the hook is there once and only while needed.
            atexit.unregister(_shut_down_all)
            atexit.register(_shut_down_all)
        _loops.add(self.loop)

    def __del__(self) -> None:
        # NOTE: at interpreter exit the atexit hook has closed the loop already,
        # before module globals such as _shut_down are torn down.
        if not self.loop.is_closed():
            _shut_down(self.loop)

    def run_ready(self) -> None:
        """Run the callbacks the loop has ready, once, as one turn of ``run_forever`` would.

        The loop is marked running for the duration (its thread and the
        running loop are set as ``run_forever`` sets them; the async generator
        hooks are already the loop's); it does not poll for I/O, which only
        later turns need.
        """
        loop: Any = self.loop
        loop._thread_id = _get_ident()
        _set_running_loop(loop)
        try:
            ready = loop._ready
            for _ in range(len(ready)):
                handle = ready.popleft()
                if not handle.cancelled():
                    handle._run()
        finally:
            _set_running_loop(None)
            loop._thread_id = None


_local = threading.local()
_loops: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


def _current() -> _ThreadLoop:
    holder: _ThreadLoop | None = getattr(_local, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _local.holder = _ThreadLoop()
    return holder


def thread_loop() -> asyncio.AbstractEventLoop:
    """Return this thread's event loop, creating it on first use.

    It is not running between calls of :func:`run_coroutine`; it is not set
    as the thread's current loop (:func:`asyncio.set_event_loop`).
    """
    return _current().loop


def close_thread_loop() -> None:
    """Shut down this thread's event loop now; the next call creates a new one.

    Threads close theirs when they end, and the interpreter closes the rest
    when it exits; call this where a long-lived thread must release it sooner.
    """
    holder: _ThreadLoop | None = getattr(_local, "holder", None)
    if holder is not None:
        del _local.holder
        _shut_down(holder.loop)
        sys.set_asyncgen_hooks(*_local.original_hooks)


def _shut_down(loop: asyncio.AbstractEventLoop) -> None:
    """Finalize ``loop``'s async generators and default executor, then close it."""
    if loop.is_closed() or loop.is_running():
        return
    try:
        if _get_running_loop() is None:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def _shut_down_all() -> None:
    # Loops of threads that are still alive at exit (daemon threads, the main thread).
    for loop in list(_loops):
        _shut_down(loop)


def run_coroutine(awaitable: Awaitable[T]) -> T:
    """Run ``awaitable`` to completion on this thread's event loop and return its result.

    Its exception, if any, propagates with its traceback. It runs in a task,
    in a copy of the caller's context; context variables it sets are set in
    the caller's context afterwards (object mutations, such as attributes of
    ``g``, are visible anyway). Tasks still pending when it finishes are
    cancelled, as :func:`asyncio.run` does. Raises :class:`RuntimeError` in a
    thread whose loop is running (inside a coroutine: await it instead).
    """
    if _get_running_loop() is not None:
        if inspect.iscoroutine(awaitable):
            awaitable.close()  # it will never run: no "never awaited" warning
        raise RuntimeError(_IN_RUNNING_LOOP)
    holder: _ThreadLoop | None = getattr(_local, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _current()
    loop: Any = holder.loop
    before = _copy_context()
    after: list[contextvars.Context] = []  # the context the task ran in, once it has
    if _TASKS_TAKE_A_CONTEXT:
        after.append(before.copy())
        coroutine = awaitable if isinstance(awaitable, CoroutineType) else _await(awaitable)
        task = loop.create_task(coroutine, context=after[0])
    else:  # Python 3.10: the task runs in a copy of its own; capture it at the end
        task = loop.create_task(_capture_context(awaitable, after))
    try:
        # PERF: a coroutine that never waits for anything finishes in the first
        # turn of the loop. Running that turn in place makes the whole call
        # ~6 µs, where run_until_complete() alone costs ~20 µs. Only when the
        # task's first step is the one thing ready, so nothing runs out of order.
        if holder.steppable and len(loop._ready) == 1 and not loop.get_debug():
            holder.run_ready()
        if not task.done():
            loop.run_until_complete(task)
            _settle(holder)
        elif loop._ready:  # done in place, so the loop is steppable
            _settle(holder)  # it created tasks or scheduled callbacks
        if after:
            _restore_context(after[0], before)
        return task.result()  # type: ignore[no-any-return]
    finally:
        # The exception's traceback holds this frame; the task holds the exception.
        del task


#: The instructions a coroutine can suspend at (``await``, ``async with``, ``async for``),
#: under their names in Python 3.10 to 3.13. A plain ``yield`` (in an async generator)
#: is not one: it hands a value to the consumer, not control to the loop.
_AWAIT_POINTS = frozenset(
    {"GET_AWAITABLE", "GET_AITER", "GET_ANEXT", "BEFORE_ASYNC_WITH", "SETUP_ASYNC_WITH"}
    | {"END_ASYNC_FOR", "SEND", "YIELD_FROM"}
)


_ASYNC_CODE = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


def never_suspends(func: Callable[..., Any]) -> bool:
    """Return whether ``func`` is an ``async def`` function whose body has no await point.

    Such a coroutine finishes (or raises) in its first step, whatever it
    calls; for an async generator function, each step (``__anext__()``,
    ``athrow()``, ``aclose()``) finishes at the next ``yield`` or the end. Read
    from the bytecode, so call it once per function, not per call. ``False``
    for anything else: a partial, a callable object, a function that awaits
    anywhere (even in a branch that never runs).
    """
    if isinstance(func, MethodType):
        func = func.__func__
    # The code's own flags, not inspect.iscoroutinefunction(), which (3.12+) also
    # says yes for a plain function marked with inspect.markcoroutinefunction().
    if not isinstance(func, FunctionType) or not func.__code__.co_flags & _ASYNC_CODE:
        return False
    return not any(ins.opname in _AWAIT_POINTS for ins in dis.get_instructions(func.__code__))


_SUSPENDED = """run_in_place() ran a coroutine that suspended ({name}); it takes only coroutines
that never wait (see never_suspends()). Use run_coroutine() for this one."""


def run_in_place(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that cannot suspend to completion: one step, in place.

    For the coroutines of functions :func:`never_suspends` accepts (and the
    steps of their async generators, such as ``agen.__anext__()``). The
    thread's loop is marked running while the step runs, so
    :func:`asyncio.get_running_loop` and :func:`asyncio.create_task` work (the
    tasks it leaves pending are cancelled before this returns, as with
    :func:`run_coroutine`); it runs in the caller's context, so the context
    variables it sets stay set. It runs outside any task:
    :func:`asyncio.current_task` is ``None`` there. Raises
    :class:`RuntimeError` inside a running loop, as :func:`run_coroutine`
    does, and if the coroutine suspends after all.
    """
    if _get_running_loop() is not None:
        coroutine.close()
        raise RuntimeError(_IN_RUNNING_LOOP)
    holder: _ThreadLoop | None = getattr(_local, "holder", None)
    if holder is None:
        holder = _current()
    loop: Any = holder.loop
    if not holder.steppable or loop._closed or loop._debug:
        # Another loop class, a closed loop (run_coroutine makes a new one), or
        # debug mode (its checks want the loop to run the task): a task.
        return run_coroutine(coroutine)
    loop._thread_id = _get_ident()
    _set_running_loop(loop)
    try:
        coroutine.send(None)
    except StopIteration as stop:
        result: T = stop.value
    else:
        coroutine.close()
        name = getattr(coroutine, "__qualname__", repr(coroutine))
        raise RuntimeError(_SUSPENDED.format(name=name))
    finally:
        _set_running_loop(None)
        loop._thread_id = None
    if loop._ready:  # it created tasks or scheduled callbacks
        _settle(holder)
    return result


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


async def _capture_context(awaitable: Awaitable[T], after: list[contextvars.Context]) -> T:
    try:
        return await awaitable
    finally:
        after.append(contextvars.copy_context())


def _restore_context(changed: contextvars.Context, before: contextvars.Context) -> None:
    """Set in the current context the variables the task changed."""
    # PERF: a copy shares its mapping with the original until a variable is set,
    # so when nothing was set this comparison is one identity check.
    if changed == before:
        return
    for var, value in changed.items():
        if var.get(_MISSING) is not value:
            var.set(value)


def _settle(holder: _ThreadLoop) -> None:
    """Cancel the tasks a call left pending and let them finish, as ``asyncio.run`` does.

    Callbacks already scheduled run too, so that nothing one call left
    behind runs during the next call.
    """
    loop = holder.loop
    pending = asyncio.all_tasks(loop)
    if pending:
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        for task in pending:
            if not task.cancelled() and task.exception() is not None:
                loop.call_exception_handler(
                    {
                        "message": "a task left pending by run_coroutine() failed when cancelled",
                        "exception": task.exception(),
                        "task": task,
                    }
                )
    elif holder.steppable and loop._ready:  # type: ignore[attr-defined]
        holder.run_ready()


def async_to_sync(func: Callable[P, Awaitable[T]]) -> Callable[P, T]:
    """Return a synchronous function that calls ``func`` and runs its coroutine.

    ``async_to_sync(func)(*args, **kwargs)`` is
    ``run_coroutine(func(*args, **kwargs))``, or :func:`run_in_place` for a
    function that :func:`never_suspends`; the wrapper keeps ``func``'s
    name, docstring and signature (``__wrapped__``).
    """
    if not callable(func):
        raise TypeError(f"async_to_sync() needs a coroutine function, not {func!r}.")

    if never_suspends(func):
        in_place: Callable[P, Any] = func

        @functools.wraps(func)
        def run_now(*args: P.args, **kwargs: P.kwargs) -> T:
            return run_in_place(in_place(*args, **kwargs))  # type: ignore[no-any-return]

        return run_now

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_coroutine(func(*args, **kwargs))

    return run


def ensure_sync(func: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``func`` if it is synchronous, else :func:`async_to_sync` of it.

    A coroutine function is what :func:`inspect.iscoroutinefunction` says is
    one (``async def`` functions and methods, and partials of them).
    """
    if inspect.iscoroutinefunction(func):
        return async_to_sync(func)
    return func


def refuse_coroutine_function(func: Callable[..., Any], where: str, why: str) -> None:
    """Raise :class:`TypeError` if ``func`` is ``async def``: ``where`` cannot wait for it.

    For the extension points that are called synchronously from code that
    may itself run inside a coroutine; ``why`` says what calls them.
    """
    if inspect.iscoroutinefunction(func):
        name = getattr(func, "__qualname__", repr(func))
        raise TypeError(
            f"{where} cannot take {name}(): it is an 'async def' function, and {why}."
            " Define it with 'def'."
        )


class _SyncIterator(Iterator[T]):
    """Iterate an async iterator from synchronous code, one :func:`run_coroutine` per item."""

    __slots__ = ("_iterator",)

    def __init__(self, iterator: AsyncIterator[T]) -> None:
        self._iterator: AsyncIterator[T] | None = iterator

    def __iter__(self) -> _SyncIterator[T]:
        return self

    def __next__(self) -> T:
        iterator = self._iterator
        if iterator is None:
            raise StopIteration
        try:
            return run_coroutine(iterator.__anext__())
        except StopAsyncIteration:
            self._iterator = None
            raise StopIteration from None

    def close(self) -> None:
        """Close the async iterator (``aclose()``, on this thread's loop) unless it is done."""
        iterator, self._iterator = self._iterator, None
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            run_coroutine(aclose())


def iterate_async(iterable: AsyncIterable[T]) -> Iterator[T]:
    """Return a synchronous iterator over ``iterable``, for a WSGI response body.

    Each ``next()`` runs the async iterator on the calling thread's loop
    until it yields its next item; ``close()``, which WSGI servers call when
    the response ends or the client goes away, closes an unfinished async
    generator with ``aclose()``, so its ``finally`` blocks run (and may await).
    """
    return _SyncIterator(iterable.__aiter__())
