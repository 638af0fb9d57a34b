"""Message flashing: one-time messages carried to the next request.

:func:`flash` stores a message in the session; the next request that calls
:func:`get_flashed_messages` (usually a template, through the function of the
same name) receives it and removes it from the session. Within one request
every call returns the same messages.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .globals import current_app, request_ctx, session
from .signals import message_flashed

__all__ = ["flash", "get_flashed_messages"]

#: The session key under which pending messages are stored, as a list of
#: ``(category, message)`` tuples.
SESSION_KEY = "_flashes"


def flash(message: str, category: str = "message") -> None:
    """Store ``message`` for the next request that reads flashed messages.

    :param message: the text to show. A ``Markup`` message stays ``Markup``.
    :param category: any string; ``"message"``, ``"info"``, ``"warning"`` and
        ``"error"`` are the customary ones. Templates can filter on it.

    Sends :data:`~resourceful.signals.message_flashed` with the application as
    the sender and ``message`` and ``category`` as arguments.
    """
    # NOTE: reassigned rather than appended in place, so the session sees the
    # change and saves it.
    flashes = session.get(SESSION_KEY, [])
    session[SESSION_KEY] = [*flashes, (category, message)]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if message_flashed.receivers:
        message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: Collection[str] = ()
) -> list[Any]:
    """Return the flashed messages, removing them from the session.

    The messages are taken from the session on the first call in a request
    and kept on the request context, so later calls in the same request
    return them too, while the next request no longer sees them.

    :param with_categories: return ``(category, message)`` tuples instead of
        messages.
    :param category_filter: only return messages in these categories
        (all messages are still consumed).
    """
    flashes = request_ctx.flashes
    if flashes is None:
        flashes = list(session.pop(SESSION_KEY)) if SESSION_KEY in session else []
        request_ctx.flashes = flashes
    if category_filter:
        flashes = [item for item in flashes if item[0] in category_filter]
    if with_categories:
        return [tuple(item) for item in flashes]
    return [message for _, message in flashes]
