r"""Tagged JSON: a compact JSON encoding that round-trips more than JSON's types.

The session cookie stores its data with :class:`TaggedJSONSerializer`. Plain
JSON would turn a tuple into a list, and could not store bytes, ``Markup``,
UUIDs or datetimes at all. Values of those types are written as an object with
one key, the *tag*::

    (1, 2)                  -> {" t": [1, 2]}
    b"\x00"                 -> {" b": "AA=="}
    Markup("<b>")           -> {" m": "<b>"}
    UUID("12345678-...")    -> {" u": "12345678-..."}
    datetime(2024, 5, 1)    -> {" d": "2024-05-01T00:00:00"}

A dict that happens to have a single key equal to a tag is itself wrapped in
the ``" di"`` tag, so ``{" t": [1]}`` comes back as that dict, not as a tuple.
Decoding walks the document from the outside in, so a tag's content is read
by that tag before anything looks inside it.

Register your own tag to store another type::

    class TagFraction(JSONTag):
        key = " frac"

        def check(self, value):
            return isinstance(value, Fraction)

        def to_json(self, value):
            return [value.numerator, value.denominator]

        def to_python(self, value):
            return Fraction(*value)

    app.session_interface.serializer.register(TagFraction)
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import parse_date

__all__ = ["JSONTag", "TaggedJSONSerializer"]


class JSONTag:
    """Describe how one type is written to and read from tagged JSON.

    Subclasses set :attr:`key` and implement :meth:`check`, :meth:`to_json`
    and :meth:`to_python`. ``to_json`` returns plain JSON data for the value
    (call ``self.serializer.tag`` on nested values so they are tagged too);
    ``to_python`` receives that data back, still tagged, and must call
    ``self.serializer.untag`` on any nested value.
    """

    #: The single key of the object that marks a tagged value. It must not be
    #: used by another registered tag. ``None`` marks a tag that rewrites a
    #: value in place (dicts and lists) instead of wrapping it.
    key: ClassVar[str | None] = None

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: Any) -> bool:
        """Return whether this tag handles ``value``."""
        raise NotImplementedError(f"{type(self).__name__} must implement check(value).")

    def to_json(self, value: Any) -> Any:
        """Return the JSON data that represents ``value``, without the tag."""
        raise NotImplementedError(f"{type(self).__name__} must implement to_json(value).")

    def to_python(self, value: Any) -> Any:
        """Rebuild the Python value from the data :meth:`to_json` produced."""
        raise NotImplementedError(f"{type(self).__name__} must implement to_python(value).")

    def tag(self, value: Any) -> Any:
        """Return ``value`` as tagged JSON data."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """Escape a dict whose only key is a tag, so it is not read as a tagged value."""

    key = " di"

    def check(self, value: Any) -> bool:
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: Any) -> Any:
        return {k: self.serializer.tag(v) for k, v in value.items()}

    def to_python(self, value: Any) -> Any:
        # NOTE: the keys are taken literally: this is what makes the escape work.
        # Flask writes the key with "__" appended (" t" as " t__"); read that too,
        # so session cookies written by Flask survive a port. Our own escaped keys
        # are always exactly a tag, so the two forms cannot be confused.
        tags = self.serializer.tags
        return {
            (k[:-2] if k.endswith("__") and k[:-2] in tags else k): self.serializer.untag(v)
            for k, v in value.items()
        }


class PassDict(JSONTag):
    """Tag the values of a dict."""

    def check(self, value: Any) -> bool:
        return isinstance(value, dict)

    def tag(self, value: Any) -> Any:
        return {k: self.serializer.tag(v) for k, v in value.items()}


class TagTuple(JSONTag):
    """Store a tuple, which JSON would otherwise turn into a list."""

    key = " t"

    def check(self, value: Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: Any) -> Any:
        return [self.serializer.tag(item) for item in value]

    def to_python(self, value: Any) -> Any:
        return tuple(self.serializer.untag(item) for item in value)


class PassList(JSONTag):
    """Tag the items of a list."""

    def check(self, value: Any) -> bool:
        return isinstance(value, list)

    def tag(self, value: Any) -> Any:
        return [self.serializer.tag(item) for item in value]


class TagBytes(JSONTag):
    """Store bytes as base64 text."""

    key = " b"

    def check(self, value: Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: Any) -> Any:
        return b64encode(value).decode("ascii")

    def to_python(self, value: Any) -> Any:
        return b64decode(value, validate=True)


class TagMarkup(JSONTag):
    """Store an object with ``__html__`` (such as ``Markup``); it comes back as ``Markup``."""

    key = " m"

    def check(self, value: Any) -> bool:
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: Any) -> Any:
        return str(value.__html__())

    def to_python(self, value: Any) -> Any:
        return Markup(value)


class TagUUID(JSONTag):
    """Store a UUID as its hex string."""

    key = " u"

    def check(self, value: Any) -> bool:
        return isinstance(value, UUID)

    def to_json(self, value: Any) -> Any:
        return value.hex

    def to_python(self, value: Any) -> Any:
        return UUID(value)


class TagDateTime(JSONTag):
    """Store a datetime in ISO 8601, keeping microseconds and the UTC offset (or its absence)."""

    key = " d"

    def check(self, value: Any) -> bool:
        return isinstance(value, datetime)

    def to_json(self, value: Any) -> Any:
        return value.isoformat()

    def to_python(self, value: Any) -> Any:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            # Flask writes HTTP dates ("Wed, 21 Oct 2015 07:28:00 GMT"): read those too.
            parsed = parse_date(value)
            if parsed is None:
                raise
            return parsed


class TagDate(JSONTag):
    """Store a date (that is not a datetime) in ISO 8601."""

    key = " da"

    def check(self, value: Any) -> bool:
        return isinstance(value, date) and not isinstance(value, datetime)

    def to_json(self, value: Any) -> Any:
        return value.isoformat()

    def to_python(self, value: Any) -> Any:
        return date.fromisoformat(value)


def _not_serializable(value: Any) -> Any:
    raise TypeError(
        f"Object of type {type(value).__qualname__} cannot be stored in tagged JSON"
        " (the session cookie's format). Store a str, number, bool, None, dict, list, tuple,"
        " bytes, Markup, UUID, date or datetime, or register a JSONTag for this type with"
        " TaggedJSONSerializer.register()."
    )


class TaggedJSONSerializer:
    """Serialize data to compact tagged JSON and back (see the module docs).

    Each instance has its own registry of tags; :meth:`register` adds one.
    """

    #: The tags every new serializer starts with, in the order they are tried.
    default_tags: ClassVar[list[type[JSONTag]]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
        TagDate,
    ]

    def __init__(self) -> None:
        #: Tags by key, for decoding.
        self.tags: dict[str, JSONTag] = {}
        #: Tags in the order :meth:`tag` tries them.
        self.order: list[JSONTag] = []
        for tag_class in self.default_tags:
            self.register(tag_class)

    def register(
        self, tag_class: type[JSONTag], force: bool = False, index: int | None = None
    ) -> None:
        """Add a tag to this serializer.

        :param tag_class: the :class:`JSONTag` subclass; it is instantiated
            with this serializer.
        :param force: replace a registered tag with the same key instead of
            raising :class:`KeyError`.
        :param index: where to insert the tag in the order tags are tried;
            ``None`` appends it. Insert before a built-in tag to handle a
            subclass of a type that tag already handles.
        """
        tag = tag_class(self)
        key = tag.key
        if key is not None:
            if key in self.tags and not force:
                raise KeyError(
                    f"Tag key {key!r} of {tag_class.__qualname__} is already registered by"
                    f" {type(self.tags[key]).__qualname__}. Choose another key, or pass"
                    " force=True to replace the existing tag."
                )
            previous = self.tags.get(key)
            if previous is not None:
                self.order.remove(previous)
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: Any) -> Any:
        """Return ``value`` as plain JSON data, tagging what JSON cannot represent."""
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: Any) -> Any:
        """Rebuild Python values from tagged JSON data (the inverse of :meth:`tag`)."""
        if isinstance(value, dict):
            if len(value) == 1:
                key = next(iter(value))
                tag = self.tags.get(key)
                if tag is not None:
                    return tag.to_python(value[key])
            return {k: self.untag(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.untag(item) for item in value]
        return value

    def dumps(self, value: Any) -> str:
        """Serialize ``value`` to a compact tagged JSON string."""
        return json.dumps(
            self.tag(value), separators=(",", ":"), ensure_ascii=False, default=_not_serializable
        )

    def loads(self, value: str | bytes) -> Any:
        """Parse a tagged JSON string back into Python values."""
        return self.untag(json.loads(value))
