"""Pagination in the document: the page-size bounds of ``limit`` and the ``Link`` header.

An operation that takes a paging group (:class:`~resourceful.pagination.OffsetQuery`,
:class:`~resourceful.pagination.CursorQuery`, or any group with a field
marked :data:`~resourceful.pagination.PAGE_SIZE_METADATA`) and answers with a
:class:`~resourceful.pagination.Page` documents what binding and the page
helpers do: ``limit`` is at most ``PAGE_SIZE_MAX`` and defaults to
``PAGE_SIZE_DEFAULT``, and the page carries a ``Link`` header (RFC 8288;
``window.page()`` always sends one, with at least ``rel="first"``).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import attrs

from resourceful.operation import Operation
from resourceful.pagination import PAGE_SIZE_METADATA, Page

__all__ = ["document_paging"]

_LINK_HEADER = {
    "description": "The neighbouring pages (RFC 8288): rel first always, next when there is"
    " a next page; with offset paging also prev, and last when the total is known. The URLs"
    " are the request's own with the paging parameter replaced.",
    "schema": {"type": "string"},
}


def _page_size_fields(op: Operation) -> set[str]:
    """Return the wire names of the query parameters that are page sizes."""
    names = set()
    for param in op.params_in("query"):
        if param.is_group and attrs.has(param.type):
            for attribute in attrs.fields(param.type):
                if attribute.metadata.get(PAGE_SIZE_METADATA):
                    names.add(attribute.alias or attribute.name)
    return names


def _is_page(tp: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    return isinstance(origin, type) and issubclass(origin, Page)


def document_paging(
    op: Operation,
    operation: dict[str, Any],
    config: Mapping[str, Any],
) -> None:
    """Add the page-size bounds and the ``Link`` header to ``operation`` (the object of ``op``)."""
    sizes = _page_size_fields(op)
    if not sizes:
        return
    for parameter in operation.get("parameters", ()):
        if parameter["in"] == "query" and parameter["name"] in sizes:
            schema = parameter["schema"]
            schema["maximum"] = int(config["PAGE_SIZE_MAX"])
            schema["default"] = int(config["PAGE_SIZE_DEFAULT"])
    for spec in op.responses:
        response = operation["responses"].get(str(spec.status))
        if 200 <= spec.status < 300 and _is_page(spec.type) and "$ref" not in response:
            response.setdefault("headers", {}).setdefault("Link", dict(_LINK_HEADER))
