"""The markers that say where a handler parameter comes from.

``Query[...]``, ``Header[...]``, ``Cookie[...]``, ``Form[...]``, ``File[...]``,
``Body[...]`` and ``Path[...]`` are ``typing.Annotated`` aliases carrying a
:class:`Source`; :mod:`resourceful.binding.signature` reads them.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

import attrs

from ..operation import Location

__all__ = ["Body", "Cookie", "File", "Form", "Header", "Path", "Query", "Source"]

T = TypeVar("T")


@attrs.frozen
class Source:
    """Marks where a parameter comes from, inside ``typing.Annotated``.

    The aliases below are the usual spelling; use ``Source`` directly to give
    a single parameter a wire name that differs from its Python name::

        request_id: Annotated[str, Source("header", name="X-Request-ID")]
    """

    location: Location
    name: str | None = None


#: The parameter is a path variable (the default for names in the rule).
Path = Annotated[T, Source("path")]
#: The parameter (or attrs group) comes from the query string.
Query = Annotated[T, Source("query")]
#: The parameter (or attrs group) comes from headers; ``_`` in names becomes ``-``.
Header = Annotated[T, Source("header")]
#: The parameter (or attrs group) comes from cookies.
Cookie = Annotated[T, Source("cookie")]
#: The parameter is the JSON body (the default for attrs classes).
Body = Annotated[T, Source("body")]
#: The parameter (or attrs group) comes from an urlencoded or multipart form.
Form = Annotated[T, Source("form")]
#: The parameter is an uploaded file (``FileStorage`` or a list of them).
File = Annotated[T, Source("files")]
