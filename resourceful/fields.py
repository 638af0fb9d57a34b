"""Field metadata shared by binding, rendering and the OpenAPI generator.

A resource's request and response types are plain attrs classes. Where a field
needs more than attrs says (a wire name that differs from the attribute name,
a description, examples, a deprecation flag), :func:`field` stores it under one
metadata key as a frozen :class:`FieldInfo`. Everything that reads or writes
the wire format reads it through :func:`field_info` and :func:`wire_name`, so
the converter, the binder and the schema generator cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

#: The key under which :class:`FieldInfo` is stored in ``attrs.field(metadata=...)``.
METADATA_KEY = "resourceful"


@attrs.frozen
class FieldInfo:
    """What resourceful knows about one attrs field beyond its type."""

    #: The name used on the wire (JSON key, query key, header name); ``None``
    #: means the attribute name.
    name: str | None = None
    description: str | None = None
    examples: tuple[Any, ...] = ()
    deprecated: bool = False
    #: Documented ``readOnly``: clients should not send it (an id the server assigns).
    read_only: bool = False
    #: Documented ``writeOnly``: clients should not expect it back (a password).
    write_only: bool = False


_EMPTY = FieldInfo()


def field(
    *,
    default: Any = attrs.NOTHING,
    factory: Callable[[], Any] | None = None,
    validator: Any = None,
    name: str | None = None,
    description: str | None = None,
    examples: Sequence[Any] = (),
    deprecated: bool = False,
    read_only: bool = False,
    write_only: bool = False,
    metadata: Mapping[Any, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Declare an attrs field with a wire name, documentation or both.

    It accepts every keyword ``attrs.field`` does, plus ``name`` (the key on
    the wire when it differs from the attribute), ``description``,
    ``examples`` and ``deprecated`` (all three shown in the OpenAPI schema),
    ``read_only`` and ``write_only`` (``readOnly``/``writeOnly`` in the
    schema: what clients should not send, and not expect back)::

        @attrs.define
        class Item:
            quantity: int = field(name="qty", description="How many.")
    """
    info = FieldInfo(
        name=name,
        description=description,
        examples=tuple(examples),
        deprecated=deprecated,
        read_only=read_only,
        write_only=write_only,
    )
    if read_only and write_only:
        # NOTE: a ValueError, not a DefinitionError: this leaf imports nothing of the package.
        raise ValueError(
            "field(read_only=True, write_only=True) describes a value that is neither read"
            " nor written; keep one of the two."
        )
    merged = dict(metadata or {})
    merged[METADATA_KEY] = info
    return attrs.field(
        default=default,
        factory=factory,
        validator=validator,
        metadata=merged,
        **kwargs,
    )


def field_info(attribute: attrs.Attribute[Any]) -> FieldInfo:
    """Return the :class:`FieldInfo` of ``attribute`` (an empty one if none)."""
    info = attribute.metadata.get(METADATA_KEY)
    return info if isinstance(info, FieldInfo) else _EMPTY


def wire_name(attribute: attrs.Attribute[Any]) -> str:
    """Return the name ``attribute`` has on the wire."""
    return field_info(attribute).name or attribute.name
