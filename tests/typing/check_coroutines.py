"""Static checks of resourceful.coroutines' types (mypy runs on this file, pytest does not)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from typing_extensions import assert_type

from resourceful import stream_with_context
from resourceful.coroutines import async_to_sync, ensure_sync, iterate_async, run_coroutine


async def fetch(user_id: int, *, full: bool = False) -> dict[str, int]:
    return {"id": user_id}


async def chunks() -> AsyncIterator[bytes]:
    yield b"x"


def typed_wrappers() -> None:
    # async_to_sync keeps the parameters and unwraps the result type.
    sync_fetch = async_to_sync(fetch)
    assert_type(sync_fetch(1, full=True), dict[str, int])
    sync_fetch("1")  # type: ignore[arg-type]  # an error, or mypy reports an unused ignore
    assert_type(run_coroutine(fetch(1)), dict[str, int])
    assert_type(ensure_sync(fetch), Callable[..., Any])
    assert_type(iterate_async(chunks()), Iterator[bytes])
    assert_type(stream_with_context(chunks()), Iterator[bytes])
