"""The structuring of attrs classes: one generated function per class.

Each field is read by its wire name, checked by its type's collector and,
when the class refuses the values, its validator is run on its own so that
every failing field is reported at its own pointer.
"""

from __future__ import annotations

import itertools
import linecache
import math
import threading
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import cattrs
from cattrs.errors import StructureHandlerNotFoundError

from ..errors import DefinitionError, display_name
from ..fields import wire_name
from .describe import describe
from .hooks import (
    FAILED,
    Collector,
    LazyHook,
    StructureHook,
    collector_of,
    deferred,
    prefix_found,
)
from .typeinfo import attrs_fields, read_only_fields
from .validators import Check, bound_message, bounds_of, compile_validator, max_items
from .violations import CappedList, Found, escape_pointer, room_in

_MISSING: Any = object()

_generating = threading.local()


def _generating_set() -> set[Any]:
    working: set[Any] | None = getattr(_generating, "types", None)
    if working is None:
        working = set()
        _generating.types = working
    return working


@attrs.frozen
class _FieldPlan:
    """How one attrs field is read from a mapping (computed once per class)."""

    attribute: attrs.Attribute[Any]
    wire: str
    init_name: str
    type: Any
    hook: StructureHook
    required: bool
    #: The field's validator, compiled (``None``: no validator).
    check: Check | None
    #: The most items the validator allows a list value (``None``: no bound).
    max_items: int | None

    @property
    def pointer(self) -> str:
        """The field's JSON pointer (``/wire_name``)."""
        return "/" + escape_pointer(self.wire)


def _field_hook(converter: cattrs.Converter, cls: Any, attribute: Any, ftype: Any) -> StructureHook:
    try:
        return converter.get_structure_hook(ftype)
    except StructureHandlerNotFoundError as exc:
        raise DefinitionError(
            f"Cannot structure field {display_name(cls)}.{attribute.name}: "
            f"no rule for the type {ftype!r}. Use a supported type (str, int, float, bool, "
            "Decimal, UUID, date, datetime, time, an Enum, a Literal, a list, tuple, set, "
            "dict or attrs class of those), or register a hook with "
            "app.converter.register_structure_hook(...)."
        ) from exc


def attrs_structure_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    """Build the structure hook of one attrs class (once; cattrs caches it)."""
    working = _generating_set()
    if tp in working:
        return LazyHook(converter, tp)
    working.add(tp)
    try:
        return _build_attrs_hook(tp, converter)
    finally:
        working.discard(tp)


def _build_attrs_hook(tp: Any, converter: cattrs.Converter) -> StructureHook:
    cls = typing.get_origin(tp) or tp
    read_only = _read_only_for_requests(tp, cls, converter)
    # Each field's plan, flat (see _FieldPlan): one tuple stays alive with
    # the hook until its code is generated, not an object per field.
    planned: list[Any] = []
    for attribute, ftype in attrs_fields(tp):
        if not attribute.init or wire_name(attribute) in read_only:
            continue
        planned += (
            attribute,
            wire_name(attribute),
            attribute.alias or attribute.name,
            ftype,
            _field_hook(converter, cls, attribute, ftype),
            attribute.default is attrs.NOTHING,
            (
                compile_validator(
                    attribute.validator, where=f"{display_name(cls)}.{attribute.name}"
                )
                if attribute.validator is not None
                else None
            ),
            max_items(attribute.validator),
        )
    forbid_unknown = bool(getattr(converter, "forbid_extra_keys", False))
    # PERF: the plan above finds every definition mistake; the code is
    # generated (and compiled, most of the cost) when first needed.
    return deferred(
        _generate_planned,
        f"structure_{getattr(cls, '__name__', 'attrs')}",
        (cls, forbid_unknown, _inlining_of(converter), read_only, *planned),
    )


def _generate_planned(
    cls: Any, forbid_unknown: bool, inlining: _Inlining, read_only: frozenset[str], *planned: Any
) -> Collector:
    """Generate the collector of ``cls`` from its flat plan (see :func:`_build_attrs_hook`)."""
    size = len(_FieldPlan.__attrs_attrs__)
    plans = tuple(
        _FieldPlan(*planned[start : start + size]) for start in range(0, len(planned), size)
    )
    return _generate_structure_fn(cls, plans, forbid_unknown, inlining, read_only)


def _read_only_for_requests(tp: Any, cls: Any, converter: cattrs.Converter) -> frozenset[str]:
    """Return the wire names of the read-only fields a request body does not set.

    Only the converter binding uses (``binds_requests``) leaves them out; the
    app's converter reads them, since a response has them.
    """
    if not getattr(converter, "binds_requests", False):
        return _NONE_READ_ONLY
    read_only = read_only_fields(tp) or _NONE_READ_ONLY
    for attribute, _ in attrs_fields(tp):
        if wire_name(attribute) in read_only and attribute.default is attrs.NOTHING:
            raise DefinitionError(
                f"{display_name(cls)}.{attribute.name} is read-only, so a request body never"
                " sets it, and it has no default, so binding cannot build"
                f" {display_name(cls)}: give it a default (`{attribute.name}: ... | Unset ="
                " field(default=UNSET, read_only=True)`), or bind a class without it."
            )
    return read_only


_generated_count = itertools.count(1)

_NO_INLINE_CHECKS: Mapping[Any, str] = {}
_NO_TABLE: Mapping[Any, Any] = {}

#: What a read-only set of a class without read-only fields is (one, shared).
_NONE_READ_ONLY: frozenset[str] = frozenset()


@attrs.frozen
class _Inlining:
    """What a converter's generated functions check inline, by hook (see ``Converter``)."""

    #: The test a value passes to be kept as it is (``Converter.inline_checks``).
    checks: Mapping[Any, str]
    #: When the hook surely refuses what the test refused, and what it says.
    refusals: Mapping[Any, tuple[str, str]]
    #: The list hooks that keep a list of items of exactly one class (copied),
    #: with that class and the items' hook.
    lists: Mapping[Any, tuple[type, Any]]
    #: The hooks of values parsed from strings: (parse, takes None, refusal).
    parsed: Mapping[Any, tuple[Callable[[str], Any], bool, str]]


_inlinings: list[_Inlining] = []


def _inlining_of(converter: cattrs.Converter) -> _Inlining:
    """Return what ``converter``'s generated functions inline, shared by the classes it plans."""
    # The checks a converter inlines are its own (Converter.inline_checks:
    # the JSON rules'); a converter without the attribute inlines none.
    inline_checks = getattr(converter, "inline_checks", _NO_INLINE_CHECKS)
    # A converter that inlines no check inlines nothing (its other tables
    # say what the hooks of inlined checks answer).
    tables = (
        inline_checks,
        getattr(converter, "inline_refusals", _NO_TABLE) if inline_checks else _NO_TABLE,
        getattr(converter, "inline_lists", _NO_TABLE) if inline_checks else _NO_TABLE,
        getattr(converter, "inline_parsed", _NO_TABLE) if inline_checks else _NO_TABLE,
    )
    # PERF: every converter of a kind has the same tables (class attributes):
    # one _Inlining serves all their classes, not one per class.
    for known in _inlinings:
        if all(
            mine is theirs
            for mine, theirs in zip(
                tables, (known.checks, known.refusals, known.lists, known.parsed), strict=True
            )
        ):
            return known
    inlining = _Inlining(*tables)
    if len(_inlinings) >= 8:  # converters with tables of their own: keep the latest few
        del _inlinings[0]
    _inlinings.append(inlining)
    return inlining


def _generate_structure_fn(
    cls: Any,
    plans: tuple[_FieldPlan, ...],
    forbid_unknown: bool,
    inlining: _Inlining,
    read_only: frozenset[str] = frozenset(),
) -> Collector:
    """Generate the collector of one attrs class, like cattrs' ``make_dict_structure_fn``.

    PERF: the generated collector reads each field by its wire name in
    straight-line code, with the type checks of plain JSON scalars inlined
    and the other fields' collectors called directly, and calls the class
    once. Required fields are passed as keywords, fields with defaults only
    when present (so the class's own defaults and factories apply). A value
    the inlined check refuses and the hook surely would (``refusals``) is
    reported at the field's pointer without calling the hook, and a list of
    plain strings (or integers, booleans) is checked in one pass.
    """
    inline_checks = inlining.checks
    known_list = ", ".join(sorted(plan.wire for plan in plans)) or "none"
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_Mapping": Mapping,
        "_MISSING": _MISSING,
        "_FAILED": FAILED,
        "_unknown": _unknown_fields,
        "_not_an_object": _not_an_object,
        "_too_many": _too_many,
        "_isfinite": math.isfinite,
        "_describe": describe,
        "_type": type,
        "_refuse_items": _refuse_items,
        "_prefix": prefix_found,
    }
    # NOTE: failure is told by a flag, not by the length of ``found``: a
    # full CappedList's containers only count what they find.
    lines = [
        "def collect(value, _, found):",
        "    if value.__class__ is not dict and not isinstance(value, _Mapping):",
        "        found.append(('', _not_an_object(value)))",
        "        return _FAILED",
        "    failed = False",
        "    kw = {}",
    ]
    required_args: list[str] = []
    for index, plan in enumerate(plans):
        local = f"f{index}"
        namespace[f"c{index}"] = collector_of(plan.hook)
        namespace[f"t{index}"] = plan.type
        namespace[f"p{index}"] = plan.pointer
        # The problems the field's collector added get the field's pointer.
        prefix = [f"            _prefix(found, n, p{index})"]
        lines.append(f"    raw = value.get({plan.wire!r}, _MISSING)")
        if plan.required:
            required_args.append(f"{plan.init_name}={local}")
            lines += [
                f"    {local} = _MISSING",
                "    if raw is _MISSING:",
                f"        found.append((p{index}, 'is required but missing'))",
                "        failed = True",
            ]
            target = local
            collect = [
                "        n = len(found)",
                f"        {local} = c{index}(raw, t{index}, found)",
                f"        if {local} is _FAILED:",
                *prefix,
                f"            {local} = _MISSING",
                "            failed = True",
            ]
        else:
            lines += ["    if raw is _MISSING:", "        pass"]
            target = f"kw[{plan.init_name!r}]"
            collect = [
                "        n = len(found)",
                f"        raw = c{index}(raw, t{index}, found)",
                "        if raw is _FAILED:",
                *prefix,
                "            failed = True",
                "        else:",
                f"            kw[{plan.init_name!r}] = raw",
            ]
        inline = inline_checks.get(plan.hook)
        if inline is not None:
            lines += [f"    elif {inline}:", f"        {target} = raw"]
        # (A string field refuses a list as not a string, whatever its length.)
        if plan.max_items is not None and plan.type is not str:
            # The list's own bound is checked before its items: a list of a
            # million items over a bound of ten is one problem, found at once.
            lines += [
                f"    elif raw.__class__ is list and len(raw) > {plan.max_items}:",
                f"        found.append((p{index}, _too_many({plan.max_items}, len(raw))))",
                "        failed = True",
            ]
        exact_list = inlining.lists.get(plan.hook) if inline is None else None
        if exact_list is not None:
            exact, item_hook = exact_list
            # PERF: a list whose items are all of exactly the class is kept, copied.
            namespace[f"e{index}"] = frozenset({exact})
            lines += [
                f"    elif raw.__class__ is list and {{*map(_type, raw)}} <= e{index}:",
                f"        {target} = list(raw)",
            ]
            item_refusal = (
                inlining.refusals.get(item_hook) if item_hook in inlining.checks else None
            )
            if item_refusal is not None:
                # ... and one whose other items the item hook surely refuses is reported.
                namespace[f"x{index}"] = exact
                namespace[f"k{index}"] = _predicate(item_refusal[0])
                namespace[f"m{index}"] = item_refusal[1]
                lines += [
                    f"    elif raw.__class__ is list and"
                    f" _refuse_items(raw, x{index}, k{index}, m{index}, p{index}, found):",
                    "        failed = True",
                ]
        parsed = inlining.parsed.get(plan.hook) if inline is None else None
        if parsed is not None:
            parse, nullable, refused = parsed
            namespace[f"q{index}"] = parse
            namespace[f"r{index}"] = refused
            if nullable:
                lines += ["    elif raw is None:", f"        {target} = None"]
            lines += [
                f"    elif isinstance(raw, str) and (parsed := q{index}(raw)) is not None:",
                f"        {target} = parsed",
                "    else:",
                f"        found.append((p{index}, r{index} + _describe(raw)))",
                "        failed = True",
            ]
            continue
        refusal = inlining.refusals.get(plan.hook) if inline is not None else None
        if refusal is None:
            lines += ["    else:", *collect]
            continue
        condition, message = refusal
        namespace[f"r{index}"] = message
        refuse = [
            f"        found.append((p{index}, r{index} + _describe(raw)))",
            "        failed = True",
        ]
        if condition == "True":  # the hook refuses whatever the check refuses
            lines += ["    else:", *refuse]
        else:
            lines += [f"    elif {condition}:", *refuse, "    else:", *collect]
    if forbid_unknown:
        for wire in sorted(read_only):
            lines += [
                f"    if {wire!r} in value:",
                f"        found.append(({'/' + escape_pointer(wire)!r}, {_READ_ONLY!r}))",
                "        failed = True",
            ]
        # A read-only key is refused with its own message, or ignored: never "unknown".
        # (Only a converter refusing unknown keys keeps the set of known ones.)
        namespace["_known"] = frozenset(plan.wire for plan in plans) | read_only
        lines += [
            "    if not _known.issuperset(value):",
            f"        _unknown(value, _known, {known_list!r}, found)",
            "        failed = True",
        ]
    value_of = [
        f"f{index}" if plan.required else f"kw.get({plan.init_name!r}, _MISSING)"
        for index, plan in enumerate(plans)
    ]
    values = f"({', '.join(value_of)},)" if plans else "()"
    call_args = ", ".join([*required_args, "**kw"])
    bounds = _inline_bounds(plans, inline_checks, namespace)
    # Every field's validator on its own value: inlined when each one is a
    # length or bound on a JSON scalar, else _check_fields runs them.
    check = (
        f"_check_fields(_cls, _plans, {values}, found)"
        if bounds is None
        else f"validate({values}, found)"
    )
    if bounds is None:
        # Only then is anything of the plans needed once the code is
        # generated: what _check_fields reads, flat (one tuple, not a plan
        # per field, stays alive with the function).
        namespace["_plans"] = tuple(
            part for plan in plans for part in (plan.attribute, plan.check, plan.pointer)
        )
        namespace["_check_fields"] = _check_fields
    on_failure = [f"        {check}"]
    validate: list[str] = []
    if bounds == []:
        on_failure = []  # no field has a validator
    elif bounds is not None:
        # The bounds are written once, in validate(), called in both places.
        validate = ["def validate(values, found):", "    failures = 0"]
        for index, checks in bounds:
            validate += [f"    v = values[{index}]", "    if v is not _MISSING:"]
            for failing, report in checks:
                validate += [
                    f"        if {failing}:",
                    f"            {report}",
                    "            failures += 1",
                ]
        validate.append("    return failures")
    on_refusal = (
        # No field has a validator: the class itself refused the values.
        ["        found.append(('', str(exc)))"]
        if bounds == []
        else [
            "        # A validator failed (attrs stops at the first one and names no",
            "        # path): run each field's validator on its own to find them all.",
            f"        if not {check}:",
            "            found.append(('', str(exc)))",
        ]
    )
    lines += [
        "    if failed:",
        *on_failure,
        "        return _FAILED",
        "    try:",
        f"        return _cls({call_args})",
        "    except (ValueError, TypeError) as exc:",
        *on_refusal,
        "        return _FAILED",
    ]
    lines += validate
    source = "\n".join(lines) + "\n"
    name = f"structure_{getattr(cls, '__name__', 'attrs')}"
    filename = f"<resourceful generated {name} #{next(_generated_count)}>"
    exec(compile(source, filename, "exec"), namespace)
    # Tracebacks through the generated function show its source.
    remember_source(filename, source)
    collect_fn: Collector = namespace["collect"]
    collect_fn.__name__ = collect_fn.__qualname__ = f"collect_{name[10:]}"
    return collect_fn


def remember_source(filename: str, source: str) -> None:
    """Keep the ``source`` of code compiled as ``filename`` where tracebacks find it."""
    # PERF: the lines are a tuple of strings (linecache's readers only index
    # and slice them), so the entry, which stays alive with every generated
    # function, is one the garbage collector stops tracking, where a list
    # of lines is tracked for good.
    linecache.cache[filename] = (len(source), None, tuple(source.splitlines(True)), filename)  # type: ignore[assignment]


def _inline_bounds(
    plans: tuple[_FieldPlan, ...], inline_checks: Mapping[Any, str], namespace: dict[str, Any]
) -> list[tuple[int, list[tuple[str, str]]]] | None:
    """Return the source of each field's bounds, or ``None`` to use :func:`_check_fields`.

    Each entry is a field's index and, per bound, the test its value ``v``
    fails and the statement that reports it. PERF: inlined only when every
    field validator is made of bounds (:func:`~.validators.bounds_of`: a
    length on a string, a number bound on an int or float) on a field whose
    value the converter's inlined check gives (so its type is known) and
    with no converter. The checks run in the same order and say the same
    as the compiled validators.
    """
    fields: list[tuple[int, list[tuple[str, str]]]] = []
    for index, plan in enumerate(plans):
        validator = plan.attribute.validator
        if plan.check is None or validator is None:
            continue
        bounds = bounds_of(validator)
        if bounds is None or plan.attribute.converter is not None:
            return None
        if plan.hook not in inline_checks or plan.type not in (str, int, float):
            return None
        checks: list[tuple[str, str]] = []
        for number, bound in enumerate(bounds):
            is_length, op, limit = bound
            if is_length != (plan.type is str):
                return None
            message, name = f"m{index}_{number}", f"b{index}_{number}"
            namespace[message] = bound_message(bound, "" if is_length else 0)
            namespace[name] = limit
            got = "str(len(v))" if is_length else "_describe(v)"
            checks.append(
                (
                    f"not {'len(v)' if is_length else 'v'} {op} {name}",
                    f"found.append((p{index}, {message} + {got}))",
                )
            )
        fields.append((index, checks))
    namespace["_describe"] = describe
    return fields


_READ_ONLY = "is read-only: the server sets it; leave it out of the request"

_predicates: dict[str, Callable[[Any], bool]] = {}


def _predicate(condition: str) -> Callable[[Any], bool]:
    """Return ``lambda raw: condition`` (an inline refusal's condition), made once."""
    predicate = _predicates.get(condition)
    if predicate is None:
        predicate = _predicates[condition] = eval(f"lambda raw: {condition}", {})
    return predicate


def _refuse_items(
    items: list[Any],
    exact: type,
    refuses: Callable[[Any], bool],
    message: str,
    pointer: str,
    found: list[Found],
) -> bool:
    """Report the items not of exactly the class ``exact``, if ``refuses`` says each is refused.

    PERF: what the list's collector reports for them (``message`` and the
    item, at ``pointer/index``) without a call per item. ``False``, with
    nothing reported, when an item may be valid after all (a ``str``
    subclass) or the report would overflow: the collector then answers
    (and only counts what a full report leaves out).
    """
    start = len(found)
    limit = found.limit if isinstance(found, CappedList) else None
    for index, item in enumerate(items):
        if item.__class__ is not exact:
            if not refuses(item) or (limit is not None and len(found) >= limit):
                del found[start:]
                return False
            found.append((f"{pointer}/{index}", message + describe(item)))
    return True


def _not_an_object(value: Any) -> str:
    return f"expected an object, got {describe(value)}"


def _too_many(bound: int, count: int) -> str:
    return f"must have at most {bound} item{'' if bound == 1 else 's'}, got {count}"


def _unknown_fields(
    value: Mapping[Any, Any], known: frozenset[str], listed: str, found: list[Found]
) -> None:
    """Append one problem per unknown key (only counting those past the room in ``found``)."""
    room = room_in(found)
    unknown = (key for key in value if key not in known)
    if room is not None:
        # PERF: 60,000 unknown keys are counted, not each described.
        kept = list(itertools.islice(unknown, room))
        found.extend(
            ("/" + escape_pointer(str(key)), f"is not a known field; expected only: {listed}")
            for key in kept
        )
        if len(kept) == room:
            total = len(value) - len(known.intersection(value))
            omit = total - room
            if omit > 0 and isinstance(found, CappedList):
                found.omit(omit)
        return
    found.extend(
        ("/" + escape_pointer(str(key)), f"is not a known field; expected only: {listed}")
        for key in unknown
    )


def _check_fields(
    cls: Any, checks: Sequence[Any], values: Sequence[Any], found: list[Found]
) -> int:
    """Run every field validator on its own value; append the failures and count them.

    ``checks`` holds each field's attribute, compiled validator (or ``None``)
    and pointer, flat; ``values`` each field's structured value, or ``_MISSING``.
    """
    instance = object.__new__(cls)
    for attribute, value in zip(checks[::3], values, strict=True):
        if value is not _MISSING:
            # PERF: try/except, not contextlib.suppress (a context manager per field).
            try:  # noqa: SIM105
                object.__setattr__(instance, attribute.name, value)
            except AttributeError:  # a slot the class does not have
                pass
    failures = 0
    for index, value in enumerate(values):
        attribute, check, pointer = checks[3 * index : 3 * index + 3]
        if check is None or value is _MISSING:
            continue
        converter = attribute.converter
        if converter is not None and callable(converter):
            try:
                value = converter(value)
            except (ValueError, TypeError) as exc:
                found.append((pointer, str(exc)))
                failures += 1
                continue
        start = len(found)
        failed = check(instance, attribute, value, found)
        if failed:
            failures += failed
            prefix_found(found, start, pointer)
    return failures
