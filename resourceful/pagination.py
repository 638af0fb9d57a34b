"""Pagination: one page of a collection, its ``Link`` header and signed cursors.

A list handler takes the paging query parameters as a group and returns a
:class:`Page` in a :class:`~resourceful.render.Reply` that carries the
``Link`` header (RFC 8288)::

    def list(self, paging: Query[OffsetQuery]) -> Reply[Page[Todo]]:
        window = paging.window()
        rows, total = store.find(offset=window.offset, limit=window.limit)
        return window.page([Todo(**row) for row in rows], total=total)

Two kinds of paging:

* **offset** (:class:`OffsetQuery`: ``?offset=40&limit=20``): links to the
  first, previous and next pages, and to the last one when the total is
  given;
* **cursor** (:class:`CursorQuery`: ``?cursor=...&limit=20``): the cursor is
  opaque and signed with the app's ``SECRET_KEY`` (itsdangerous, salted with
  the endpoint), so a client cannot forge a position or carry a cursor to
  another collection; a forged or tampered cursor is a validation error at
  the query parameter ``cursor``. Links to the first and next pages.

The page size is ``limit``, ``PAGE_SIZE_DEFAULT`` (20) when the client sends
none, and at most ``PAGE_SIZE_MAX`` (100): a larger one is a validation
error at ``limit``, reported by binding with the request's other problems.
Link URLs are the request's URL with the paging parameter replaced; every
other parameter is kept as the client sent it.

NOTE: for the OpenAPI document, the ``limit`` fields carry
:data:`PAGE_SIZE_METADATA` in their attrs metadata (the document's
``maximum`` and ``default`` come from the two settings), and an operation
that takes one of the two query groups sends the ``Link`` header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import attrs
from itsdangerous import BadData, URLSafeSerializer

from .errors import FieldError, RequestValidationError
from .fields import field
from .globals import _cv_app, _cv_request
from .render import Reply

__all__ = [
    "CursorQuery",
    "CursorWindow",
    "OffsetQuery",
    "OffsetWindow",
    "Page",
    "link_header",
]

T = TypeVar("T")

#: The attrs metadata key set on the ``limit`` fields of the paging groups.
PAGE_SIZE_METADATA = "resourceful.page_size"

#: The settings' defaults, used outside an application context.
_DEFAULTS = {"PAGE_SIZE_DEFAULT": 20, "PAGE_SIZE_MAX": 100}

#: What a cursor is signed with besides the secret key and the endpoint.
CURSOR_SALT = "resourceful.pagination.cursor"


@attrs.frozen
class Page(Generic[T]):
    """One page of a collection: its items and, where known, the total and the neighbours.

    ``next`` and ``prev`` are the URLs of the neighbouring pages (``None`` at
    either end, and ``prev`` with cursors); ``total`` is the size of the whole
    collection when the handler gave it. The same links are in the ``Link``
    header.
    """

    items: list[T]
    total: int | None = None
    next: str | None = None
    prev: str | None = None


def _setting(key: str) -> int:
    ctx = _cv_app.get(None)
    config = ctx.app.config if ctx is not None else _DEFAULTS
    return int(config.get(key, _DEFAULTS[key]))


def _check_page_max(instance: Any, attribute: Any, value: int | None) -> None:
    # NOTE: read per request: the bound is a setting, not part of the class.
    if value is None:
        return
    most = _setting("PAGE_SIZE_MAX")
    if value > most:
        raise ValueError(f"must be at most {most} (PAGE_SIZE_MAX), got the number {value}")


_check_page_size = [attrs.validators.optional(attrs.validators.ge(1)), _check_page_max]


def _page_size(limit: int | None) -> int:
    return _setting("PAGE_SIZE_DEFAULT") if limit is None else limit


def _request() -> Any:
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "Building a page needs the request (its URL goes into the links): call it while"
            " handling a request."
        )
    return ctx.request


def url_with(**params: str | None) -> str:
    """Return the current request's URL with query parameters replaced (``None``: removed)."""
    request = _request()
    args = request.args.copy()
    for name, value in params.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    query = urlencode(list(args.items(multi=True)))
    base: str = request.base_url
    return f"{base}?{query}" if query else base


def link_header(links: Sequence[tuple[str, str]]) -> str:
    """Return a ``Link`` header value (RFC 8288) for ``(rel, url)`` pairs."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)


def _reply(page: Page[T], links: list[tuple[str, str]]) -> Reply[Page[T]]:
    return Reply(page, headers={"Link": link_header(links)} if links else {})


# -- offset and limit ----------------------------------------------------------------------


@attrs.frozen
class OffsetQuery:
    """The query parameters of offset paging: ``?offset=40&limit=20``."""

    offset: int = field(
        default=0, validator=attrs.validators.ge(0), description="How many items to skip."
    )
    limit: int | None = field(
        default=None,
        validator=_check_page_size,
        description="How many items a page holds (PAGE_SIZE_DEFAULT when absent).",
        metadata={PAGE_SIZE_METADATA: True},
    )

    def window(self) -> OffsetWindow:
        """Return the page to fetch, with the default page size applied."""
        return OffsetWindow(self.offset, _page_size(self.limit))


@attrs.frozen
class OffsetWindow:
    """The items to fetch for one offset page: ``limit`` items from ``offset`` on."""

    offset: int
    limit: int

    def page(
        self, items: Sequence[T], *, total: int | None = None, more: bool | None = None
    ) -> Reply[Page[T]]:
        """Return ``items`` as the page, with its links.

        Whether there is a next page comes from ``total`` when given, else
        from ``more``, else from ``items`` itself: fetch ``limit + 1`` rows and
        the extra one says there is more (it is not sent).
        """
        offset, limit = self.offset, self.limit
        rows = list(items[:limit])
        if total is not None:
            has_next = offset + limit < total
        elif more is not None:
            has_next = more
        else:
            has_next = len(items) > limit
        links = [("first", url_with(offset="0"))]
        prev = url_with(offset=str(max(offset - limit, 0))) if offset > 0 else None
        following = url_with(offset=str(offset + limit)) if has_next else None
        if prev is not None:
            links.append(("prev", prev))
        if following is not None:
            links.append(("next", following))
        if total is not None:
            last = (max(total - 1, 0) // limit) * limit
            links.append(("last", url_with(offset=str(last))))
        return _reply(Page(rows, total, following, prev), links)


# -- cursors -------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    request = _request()
    config = _cv_app.get().app.config
    secret = config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError(
            "Cursor pagination signs its cursors with SECRET_KEY, which is not set. Set"
            " app.config['SECRET_KEY'] (or app.secret_key) to a long random value."
        )
    # itsdangerous signs with the last key and accepts any: old keys keep old cursors valid.
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or ()), secret]
    return URLSafeSerializer(keys, salt=f"{CURSOR_SALT}:{request.endpoint}")


def _check_cursor(instance: Any, attribute: Any, value: str | None) -> None:
    if value is None:
        return
    try:
        _serializer().loads(value)
    except BadData:
        raise ValueError(
            "is not a cursor this collection gave out; use the links of a page, or leave"
            " the cursor out for the first page"
        ) from None


@attrs.frozen
class CursorQuery:
    """The query parameters of cursor paging: ``?cursor=...&limit=20``."""

    cursor: str | None = field(
        default=None,
        validator=_check_cursor,
        description="Where the page starts: the cursor of a `next` link (absent: the first page).",
    )
    limit: int | None = field(
        default=None,
        validator=_check_page_size,
        description="How many items a page holds (PAGE_SIZE_DEFAULT when absent).",
        metadata={PAGE_SIZE_METADATA: True},
    )

    def window(self) -> CursorWindow:
        """Return the page to fetch: the position after which it starts, and its size."""
        after = None
        if self.cursor is not None:
            try:
                after = _serializer().loads(self.cursor)
            except BadData:  # binding checked it; a hand-made CursorQuery may not be
                raise RequestValidationError(
                    [FieldError("query", "/cursor", "is not a cursor this collection gave out")]
                ) from None
        return CursorWindow(after, _page_size(self.limit))


@attrs.frozen
class CursorWindow:
    """The items to fetch for one cursor page: ``limit`` items after ``after``.

    ``after`` is the key the previous page's last item had (``None`` on the
    first page), as the handler gave it to :meth:`page`.
    """

    after: Any
    limit: int

    def page(
        self,
        items: Sequence[T],
        *,
        key: Callable[[T], Any],
        total: int | None = None,
        more: bool | None = None,
    ) -> Reply[Page[T]]:
        """Return ``items`` as the page, with a signed cursor to the next one.

        ``key(item)`` is the item's position in the collection's order (an id,
        or a list such as ``[created_at, id]``), a JSON value that the next
        page's query starts after. Fetch ``limit + 1`` rows: the extra one
        says there is a next page (it is not sent); or say so with ``more``.
        """
        rows = list(items[: self.limit])
        has_next = more if more is not None else len(items) > self.limit
        links = [("first", url_with(cursor=None))]
        following = None
        if has_next and rows:
            following = url_with(cursor=_serializer().dumps(key(rows[-1])))
            links.append(("next", following))
        return _reply(Page(rows, total, following, None), links)
