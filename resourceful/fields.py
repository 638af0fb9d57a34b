"""Field metadata shared by binding, rendering and the OpenAPI generator.

A resource's request and response types are plain attrs classes. Where a field
needs more than attrs says (a wire name that differs from the attribute name,
a description, examples, a deprecation flag), :func:`field` stores it under one
metadata key as a frozen :class:`FieldInfo`. Everything that reads or writes
the wire format reads it through :func:`field_info` and :func:`wire_name`, so
the converter, the binder and the schema generator cannot disagree.

:data:`UNSET` tells a field left out of a request from one sent as ``null``:
a field typed ``date | Unset | None = UNSET`` is ``UNSET`` when the key is
absent and ``None`` when it is ``null``; :func:`set_fields` returns the
fields that were sent.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs


class Unset(enum.Enum):
    """The type of :data:`UNSET`, the value of a field the request left out.

    Put it in a field's union and make :data:`UNSET` the default::

        @attrs.define
        class TodoPatch:
            due: dt.date | Unset | None = UNSET

    Binding leaves an absent key ``UNSET`` and structures ``null`` as
    ``None``; the schema shows the rest of the union, not required; the
    renderer leaves an ``UNSET`` field out of the JSON it writes.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


#: The value of a field that was not sent (see :class:`Unset`).
UNSET: Final = Unset.UNSET


@attrs.frozen(repr=False)
class UnlessUnset:
    """Runs ``validator`` on every value but :data:`UNSET` (see :func:`unless_unset`)."""

    validator: Any

    def __call__(self, instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        """Validate ``value`` unless it is ``UNSET``."""
        if value is not UNSET:
            self.validator(instance, attribute, value)

    def __repr__(self) -> str:
        return f"<unless_unset validator for {self.validator!r}>"


def unless_unset(validator: Any) -> UnlessUnset:
    """Return ``validator`` (one, or a list of them) skipped for :data:`UNSET`.

    attrs runs validators on defaults too, so a field whose default is
    ``UNSET`` needs it; :func:`field` adds it by itself when ``default=UNSET``.
    Binding, the schema and the self-test read through it as through ``optional``.
    """
    if isinstance(validator, list | tuple):
        validator = attrs.validators.and_(*validator)
    return UnlessUnset(validator)


def set_fields(instance: Any) -> dict[str, Any]:
    """Return the fields of the attrs ``instance`` that are not :data:`UNSET`, by attribute name.

    What a patch changes, ready for ``attrs.evolve(row, **set_fields(patch))``
    or an ``UPDATE``; nested attrs values are returned as they are.
    """
    values: dict[str, Any] = {}
    for attribute in attrs.fields(type(instance)):
        value = getattr(instance, attribute.name)
        if value is not UNSET:
            values[attribute.name] = value
    return values


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
    #: ``readOnly``: clients do not send it (an id the server assigns); binding
    #: refuses or ignores it in a request body, as it does unknown fields.
    read_only: bool = False
    #: ``writeOnly``: clients do not get it back (a password); responses leave it out.
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
    schema: what request bodies may not set, and what responses leave out). With
    ``default=UNSET`` the validator is wrapped in :func:`unless_unset`::

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
    if default is UNSET and validator is not None and not isinstance(validator, UnlessUnset):
        validator = unless_unset(validator)
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
