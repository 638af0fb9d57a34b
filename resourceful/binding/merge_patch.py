"""JSON merge patches (RFC 7396): a PATCH body applied to the current representation.

A handler parameter annotated ``MergePatch[T]`` is the request body, read
from ``application/merge-patch+json`` (or ``application/json``, read the
same way). Binding checks what it can without the current value: the body
is an object, it names only fields of ``T`` (unknown and read-only members
are refused or ignored, as ``REJECT_UNKNOWN_FIELDS`` says). The handler
fetches the current ``T`` and calls :meth:`MergePatch.apply`, which merges
and validates the result as a whole ``T``; a result that is not a valid
``T`` is the usual 422, with pointers into the request body::

    def update(self, todo_id: int, patch: MergePatch[NewTodo]) -> Todo:
        todo = patch.apply(current_new_todo(todo_id))
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ..convert import (
    FAILED,
    CappedList,
    Check,
    Collector,
    Converter,
    collector_of,
    compile_validator,
    escape_pointer,
)

# NOTE: the one wording of a list over its bound, as generated structuring reports it.
from ..convert.attrs_gen import _too_many as too_many
from ..convert.describe import describe
from ..convert.typeinfo import (
    attrs_fields,
    is_attrs,
    is_optional,
    strip_optional,
    strip_unset,
    unwrap,
)
from ..convert.validators import max_items
from ..errors import (
    DefinitionError,
    FieldError,
    FieldProblem,
    Problem,
    RequestValidationError,
    display_name,
)
from ..fields import field_info, wire_name
from ..globals import current_app
from .body import BodyParser, read_body, too_deep

if TYPE_CHECKING:
    from werkzeug.wrappers import Request as WerkzeugRequest

    from ..app import App
    from ..operation import Operation, Param

__all__ = ["MEDIA_TYPE", "MergePatch", "is_merge_patch", "merge"]

T = TypeVar("T")

#: The media type of a JSON merge patch.
MEDIA_TYPE = "application/merge-patch+json"
_MEDIA_TYPES = frozenset({MEDIA_TYPE, "application/json"})


class MergePatch(Generic[T]):
    """A JSON merge patch for a ``T``: what to change, applied with :meth:`apply`.

    ``document`` is the patch as sent (a JSON object): a member replaces the
    field, ``null`` deletes it (the field gets its default, or ``None``
    when it has none and takes ``None``), a nested object patches a nested
    attrs value, and any other value (an array) replaces the field whole.
    """

    __slots__ = ("_converter", "_limit", "_merged_as", "_status", "_target", "document")

    def __init__(
        self,
        document: Mapping[str, Any],
        *,
        target: Any = None,
        converter: Converter | None = None,
        status: int = 422,
        max_errors: int = 100,
    ) -> None:
        self.document = document
        self._target = target
        self._converter = converter
        self._status = status
        self._limit = max_errors
        # Set by binding, prepared once per operation: how to merge and read back.
        self._merged_as: tuple[_Shape | None, Collector] | None = None

    def __repr__(self) -> str:
        return f"MergePatch({dict(self.document)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MergePatch):
            return NotImplemented
        return dict(self.document) == dict(other.document)

    __hash__ = None  # type: ignore[assignment]

    def apply(self, current: T) -> T:
        """Return ``current`` (a ``T``) with the patch applied, validated as a whole ``T``.

        Raise :class:`~resourceful.errors.RequestValidationError` (422)
        naming every invalid field by its pointer in the request body.
        """
        target = self._target if self._target is not None else type(current)
        converter = self._converter if self._converter is not None else _app_converter()
        prepared = self._merged_as
        if prepared is None:
            prepared = (_shape_of(target), collector_of(converter.get_structure_hook(target)))
        shape, collect = prepared
        merged = merge(converter.unstructure(current), self.document, shape)
        found: CappedList[tuple[str, str]] = CappedList(self._limit)
        result = collect(merged, target, found)
        if result is FAILED:
            found.trim()
            raise RequestValidationError(
                [FieldError("body", pointer, detail) for pointer, detail in found],
                status=self._status,
                omitted=found.omitted,
            )
        return typing.cast(T, result)


def is_merge_patch(tp: Any) -> bool:
    """Return whether ``tp`` is ``MergePatch[T]``."""
    return typing.get_origin(unwrap(tp)) is MergePatch


def patch_target(tp: Any) -> Any:
    """Return ``T`` of ``MergePatch[T]``."""
    (target,) = typing.get_args(unwrap(tp))
    return target


# -- the shape of a target: which members merge, which null may delete -----------------


@attrs.frozen
class _Member:
    #: A required field that takes ``None``: ``null`` sets it to ``None``
    #: (deleting any other member leaves its key out, so its default applies).
    nullable_required: bool
    #: ``null`` may delete it: it has a default or takes ``None``.
    deletable: bool
    read_only: bool
    #: The shape of a nested attrs value (merged member by member), or ``None``.
    nested: _Shape | None
    attribute: attrs.Attribute[Any]
    #: The field's type without ``Unset``, its collector and compiled
    #: validator: what a member's own value is checked with (binding only).
    type: Any = None
    collect: Collector | None = None
    check: Check | None = None
    #: The most items the validator allows a list value (``None``: no bound).
    max_items: int | None = None


@attrs.frozen
class _Shape:
    cls: Any
    members: dict[str, _Member]
    listed: str


def _shape_of(
    tp: Any, converter: Any = None, working: dict[Any, _Shape] | None = None
) -> _Shape | None:
    """Return how patches of ``tp`` merge (and, given a converter, how members are checked)."""
    tp = unwrap(tp)
    if not is_attrs(tp):
        return None
    working = {} if working is None else working
    if tp in working:
        return working[tp]
    cls = typing.get_origin(tp) or tp
    shape = working[tp] = _Shape(cls, {}, "")
    names: list[str] = []
    for attribute, ftype in attrs_fields(tp):
        if not attribute.init:
            continue
        wire = wire_name(attribute)
        inner = strip_unset(ftype)
        read_only = field_info(attribute).read_only
        if not read_only:
            names.append(wire)
        required = attribute.default is attrs.NOTHING
        checked = converter is not None and not read_only
        validator = attribute.validator
        shape.members[wire] = _Member(
            nullable_required=required and is_optional(inner),
            deletable=not required or is_optional(inner),
            read_only=read_only,
            nested=_shape_of(strip_optional(inner), converter, working),
            attribute=attribute,
            type=inner,
            collect=collector_of(converter.get_structure_hook(inner)) if checked else None,
            check=(
                compile_validator(validator, f"{display_name(cls)}.{attribute.name}")
                if checked and validator is not None
                else None
            ),
            max_items=max_items(validator),
        )
    object.__setattr__(shape, "listed", ", ".join(sorted(names)) or "none")
    return shape


def merge(target: Any, patch: Any, shape: _Shape | None = None) -> Any:
    """Return ``target`` with the merge ``patch`` applied (RFC 7396, section 2).

    ``shape`` (a target type's, or ``None``) says where ``null`` sets a
    required field that takes ``None`` rather than deleting the key.
    """
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        member = shape.members.get(key) if shape is not None else None
        if value is None:
            if member is not None and member.nullable_required:
                result[key] = None
            else:
                result.pop(key, None)
        else:
            nested = member.nested if member is not None else None
            result[key] = merge(result.get(key), value, nested)
    return result


def _screen(
    patch: Mapping[str, Any], shape: _Shape, pointer: str, reject: bool, errors: list[FieldError]
) -> dict[str, Any]:
    """Return ``patch`` without what it may not set (reported when ``reject``); check members.

    A member's value is checked on its own, by its field's type and
    validator, so a wrong value is refused before the current value is
    fetched; what depends on the current value is checked by :meth:`MergePatch.apply`.
    """
    kept: dict[str, Any] = {}
    for key, value in patch.items():
        member = shape.members.get(key)
        here = f"{pointer}/{escape_pointer(str(key))}"
        if member is None or member.read_only:
            if reject:
                detail = (
                    "is read-only: the server sets it; leave it out of the request"
                    if member is not None
                    else f"is not a known field; expected only: {shape.listed}"
                )
                _keep(errors, FieldError("body", here, detail))
            continue
        if value is None and not member.deletable:
            _keep(errors, FieldError("body", here, _NOT_DELETABLE))
            continue
        if member.nested is not None and isinstance(value, Mapping):
            value = _screen(value, member.nested, here, reject, errors)
        elif value is not None and member.collect is not None:
            _check_member(shape, member, value, here, errors)
        kept[key] = value
    return kept


def _keep(errors: list[FieldError], error: FieldError) -> None:
    """Append ``error``, or only count it once a capped report is full.

    A patch may have a million unknown keys: the report keeps its limit.
    """
    if isinstance(errors, CappedList) and len(errors) >= errors.limit:
        errors.omit(1)
    else:
        errors.append(error)


def _check_member(
    shape: _Shape, member: _Member, value: Any, here: str, errors: list[FieldError]
) -> None:
    bound = member.max_items
    if bound is not None and isinstance(value, list) and len(value) > bound:
        # One problem for the list, found at once: its items are not checked.
        errors.append(FieldError("body", here, too_many(bound, len(value))))
        return
    found: list[tuple[str, str]] = []
    collect = typing.cast(Collector, member.collect)  # set for every checked member
    result = collect(value, member.type, found)
    if result is not FAILED and member.check is not None:
        # The validator sees a bare instance: the other fields are not known yet.
        member.check(object.__new__(shape.cls), member.attribute, result, found)
    errors.extend(FieldError("body", here + pointer, detail) for pointer, detail in found)


_NOT_DELETABLE = (
    "is required and takes no null; in a merge patch null deletes the field,"
    " so send a value or leave it out"
)


def _app_converter() -> Converter:
    converter: Converter = current_app.converter
    return converter


# -- binding ---------------------------------------------------------------------------

Step = Callable[
    ["WerkzeugRequest", Mapping[str, Any], MutableMapping[str, Any], list[FieldProblem]], None
]


def compile_merge_patch(operation: Operation, param: Param, app: App) -> Step:
    """Return the binder step of a ``MergePatch[T]`` parameter (built once per operation)."""
    name = param.name
    target = patch_target(param.type)
    if _shape_of(target) is None:
        raise DefinitionError(
            f"{operation.qualname}: parameter {name!r} is {param.type!r}; a merge patch"
            " applies to an attrs class, for example MergePatch[NewTodo]."
        )
    config = app.config
    parser = BodyParser()
    required = param.required
    base = app.converter
    # The merged document holds the current value's read-only fields too:
    # it is read with the app's converter, not the one bodies are bound with.
    converters = {
        reject: base.with_unknown_fields(reject=reject) if isinstance(base, Converter) else base
        for reject in (True, False)
    }
    for converter in converters.values():
        converter.get_structure_hook(target)  # definition errors surface at registration
    shapes = {
        reject: typing.cast(_Shape, _shape_of(target, converter))
        for reject, converter in converters.items()
    }
    merged_as = {
        reject: (_shape_of(target), collector_of(converter.get_structure_hook(target)))
        for reject, converter in converters.items()
    }

    def bind_merge_patch(
        request: WerkzeugRequest, view_args: Any, kwargs: Any, errors: list[FieldProblem]
    ) -> None:
        data = read_body(request)
        if request.mimetype not in _MEDIA_TYPES:
            if not data and not required:
                return
            raise Problem(
                415,
                detail=(
                    f"{request.method} {request.path} expects a JSON merge patch: send it with"
                    f" Content-Type: {MEDIA_TYPE} (got {request.mimetype or 'no Content-Type'})."
                ),
            )
        if not data and not required:
            return
        try:
            value = parser.parse(app.json, data)
        except RecursionError:
            raise too_deep() from None
        if not isinstance(value, dict):
            errors.append(
                ("body", "", f"expected an object (a merge patch), got {describe(value)}")
            )
            return
        reject = bool(config["REJECT_UNKNOWN_FIELDS"])
        found: CappedList[FieldError] = CappedList(config["MAX_VALIDATION_ERRORS"])
        shape = shapes[reject]
        document = _screen(value, shape, "", reject, found)
        if found or found.omitted:
            found.trim()
            # The binder collects (location, pointer, detail) tuples.
            errors.extend([(error.location, error.pointer, error.detail) for error in found])
            if isinstance(errors, CappedList):
                errors.omit(found.omitted)
            return
        patch: MergePatch[Any] = MergePatch(
            document,
            target=target,
            converter=converters[reject],
            status=int(config["VALIDATION_ERROR_STATUS"]),
            max_errors=int(config["MAX_VALIDATION_ERRORS"]),
        )
        patch._merged_as = merged_as[reject]
        kwargs[name] = patch

    return bind_merge_patch
