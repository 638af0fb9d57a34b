"""The converters: :class:`Converter` (JSON rules) and :class:`TextConverter` (text rules).

Both start from an empty dispatch, so that only resourceful's rules (and the
hooks users register) apply, never cattrs' lenient defaults.
"""

from __future__ import annotations

import collections.abc as cabc
import datetime as dt
import functools
import itertools
import types
import typing
import uuid
import weakref
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import cattrs
from cattrs.dispatch import MultiStrategyDispatch
from cattrs.fns import identity, raise_error
from cattrs.gen import iterable_unstructure_factory, make_dict_unstructure_fn, override

from ..errors import DefinitionError, display_name
from ..fields import Unset, field_info, wire_name
from .attrs_gen import attrs_structure_factory, remember_source
from .hooks import Collector, StructureHook, collector_of, raising
from .json_rules import (
    INLINE_CHECKS,
    INLINE_LISTS,
    INLINE_PARSED,
    INLINE_REFUSALS,
    install_json_rules,
)
from .parsers import datetime_text
from .text_rules import install_text_rules
from .typeinfo import (
    ANY_TYPES,
    allows_unset,
    holds_attrs_class,
    is_attrs,
    is_exactly,
    is_wrapped,
    resolve_types,
    strip_unset,
    unset_fields,
    unwrap,
)
from .violations import Found

if TYPE_CHECKING:
    from typing_extensions import Self


def _identity(value: Any, _: Any) -> Any:
    return value


def _wrapped_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    inner = unwrap(tp)
    hook = converter.get_structure_hook(inner)

    def structure_wrapped(value: Any, _: Any) -> Any:
        return hook(value, inner)

    return structure_wrapped


def _checked_attrs_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    unset_fields(tp)  # raises for an Unset field without the UNSET default
    return attrs_structure_factory(tp, converter)


def _unset_factory(tp: Any, converter: cattrs.Converter) -> StructureHook:
    """Structure ``X | Unset`` as ``X``: an absent key is what leaves a field ``UNSET``.

    ``"UNSET"`` on the wire is never the sentinel; only classes with such a
    field call through this one extra function.
    """
    inner = strip_unset(tp)
    collect: Collector = collector_of(converter.get_structure_hook(inner))

    def collect_set(value: Any, _: Any, found: list[Found]) -> Any:
        return collect(value, inner, found)

    return raising(collect_set, "structure_set")


def _bare_unset(tp: Any, converter: cattrs.Converter) -> StructureHook:
    raise DefinitionError(
        "Unset alone is not a type a request can send: put it in a union with the field's"
        " type, for example `due: date | Unset | None = UNSET`."
    )


def _install_unset(converter: cattrs.Converter) -> None:
    # Registered after the rules, so asked before their union hook.
    converter.register_structure_hook_factory(allows_unset, _unset_factory)
    converter.register_structure_hook_factory(is_exactly(Unset), _bare_unset)


class _HookCache(dict[Any, Any]):
    """The hooks a dispatch made, by type; a missing one is made (once) and kept."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, typ: Any) -> Any:
        hook = self[typ] = self._make(typ)
        return hook


class _Dispatch(MultiStrategyDispatch[Any]):
    """cattrs' dispatch, which asks the class registry only about classes it may hold.

    PERF: cattrs asks ``functools.singledispatch`` first, whose lookup of a
    class it has not seen works out the class's MRO against every registered
    class and ABC in pure Python: most of what dispatching a new attrs class
    cost a registration. A class that is a subclass of no registered class
    (``object`` aside) gets nothing from it, which ``issubclass`` tells for
    far less, so the lookup is left out for such a class (and for a
    ``list[Item]`` whose origin is one), and so is the weak reference
    singledispatch keeps for each type it was asked about.

    The hooks are cached in a dict keyed by the type itself, where cattrs'
    ``functools.lru_cache`` kept a key tuple per type (which, holding a
    class, the garbage collector tracks for as long as the converter
    lives); a hit is a dict lookup, without making a key.
    """

    def __init__(self, fallback_factory: Any, converter: cattrs.BaseConverter) -> None:
        super().__init__(fallback_factory, converter)
        # What the registry answers for a class it holds nothing for.
        self._nothing_registered = self._single_dispatch.registry[object]
        cache = _HookCache(self.dispatch_without_caching)
        dispatch = functools.partial(cache.__getitem__)
        # cattrs empties the cache with dispatch.cache_clear() (lru_cache's name).
        setattr(dispatch, "cache_clear", cache.clear)  # noqa: B010
        self.dispatch = dispatch

    @classmethod
    def adopting(
        cls, dispatch: MultiStrategyDispatch[Any], converter: cattrs.BaseConverter
    ) -> Self:
        """Return a dispatch with the registrations of cattrs' ``dispatch`` (which it replaces)."""
        adopted = cls(dispatch._fallback_factory, converter)
        adopted._direct_dispatch = dispatch._direct_dispatch
        adopted._function_dispatch = dispatch._function_dispatch
        adopted._single_dispatch = dispatch._single_dispatch
        adopted._nothing_registered = adopted._single_dispatch.registry[object]
        return adopted

    def dispatch_without_caching(self, typ: Any) -> Any:
        """Return the hook of ``typ``, as cattrs does."""
        # (``type(...) is type``: a ``list[int]`` passes isinstance(..., type).)
        if (type(typ) is type and not self._registry_may_hold(typ)) or (
            type(typ) is types.GenericAlias
            and type(typ.__origin__) is type
            and typ not in self._single_dispatch.registry
            and not self._registry_may_hold(typ.__origin__)
        ):
            direct = self._direct_dispatch.get(typ)
            if direct is not None:
                return direct
            found = self._function_dispatch.dispatch(typ)
            return found if found is not None else self._fallback_factory(typ)
        return super().dispatch_without_caching(typ)

    def _registry_may_hold(self, typ: type) -> bool:
        """Return whether the class registry may have a hook for ``typ``."""
        registry = self._single_dispatch.registry
        if registry[object] is not self._nothing_registered:
            return True  # a hook for every class
        try:
            return any(
                registered is not object and issubclass(typ, registered) for registered in registry
            )
        except TypeError:  # a registered class issubclass cannot test (a Protocol)
            return True


def _fresh_structure_dispatch(
    converter: cattrs.Converter,
) -> MultiStrategyDispatch[StructureHook]:
    return _Dispatch(lambda tp: raise_error(None, tp), converter)


def _install_common(converter: cattrs.Converter) -> None:
    # Registered first, so checked last: later registrations take precedence.
    converter.register_structure_hook_func(lambda tp: tp in ANY_TYPES, _identity)
    converter.register_structure_hook_factory(is_attrs, _checked_attrs_factory)
    converter.register_structure_hook_factory(is_wrapped, _wrapped_factory)


class TextConverter(cattrs.Converter):
    """Structures strings from the path, query string, headers and cookies.

    Rules: booleans are ``true/false/1/0/yes/no/on/off`` (any case); integers
    are an optional sign and digits; floats and decimals as Python parses
    them (finite only); dates, datetimes and times are RFC 3339 (a datetime
    has an offset, a time may have one); UUIDs in RFC 9562's string form
    (8-4-4-4-12 hexadecimal digits, as ``format: uuid``); enums and
    literals by value; an empty string is ``None`` for an optional non-string
    type. A list, tuple or set takes every value of a repeated key; a single
    value field takes the first. An attrs class structures a group of
    parameters (a mapping of wire name to string or list of strings);
    unknown keys in a group are ignored.
    """

    def __init__(self) -> None:
        super().__init__(forbid_extra_keys=False)
        self._structure_func = _fresh_structure_dispatch(self)
        _install_common(self)
        install_text_rules(self)
        _install_unset(self)
        self._struct_copy_skip = self._structure_func.get_num_fns()

    def copy(self, *args: Any, **kwargs: Any) -> Self:
        """Return a copy with the same hooks."""
        if args or kwargs:
            raise TypeError("TextConverter.copy() takes no arguments.")
        clone = type(self)()
        self._structure_func.copy_to(clone._structure_func, self._struct_copy_skip)
        return clone


def _isoformat(value: dt.date | dt.time) -> str:
    return value.isoformat()


class Converter(cattrs.Converter):
    """The app's converter between JSON-ready data and typed objects.

    ``structure`` applies the strict JSON rules, ``unstructure`` produces
    JSON-ready data (wire names as keys; dates, times, UUIDs and decimals as
    strings, a naive datetime with the offset ``+00:00``; sets and tuples as
    lists) and :attr:`text` parses strings from
    the path, query string, headers and cookies.

    ``forbid_extra_keys`` rejects JSON object members that are not fields.
    Customise it like any cattrs converter; hooks you register win::

        app.converter.register_structure_hook(Money, structure_money)
    """

    #: The JSON scalar checks that generated attrs structuring functions
    #: inline, by the hook they stand for (see :mod:`.attrs_gen`).
    inline_checks: Mapping[StructureHook, str] = INLINE_CHECKS
    #: What those functions report, without calling the hook, for a value the
    #: inlined check refuses and the hook surely would (see :mod:`.attrs_gen`).
    inline_refusals: Mapping[StructureHook, tuple[str, str]] = INLINE_REFUSALS
    #: The list hooks whose lists of exact items those functions check inline.
    inline_lists: Mapping[StructureHook, tuple[type, StructureHook]] = INLINE_LISTS
    #: The hooks of values sent as strings, which those functions parse inline.
    inline_parsed: Mapping[StructureHook, tuple[Callable[[str], Any], bool, str]] = INLINE_PARSED

    def __init__(self, *, forbid_extra_keys: bool = True, text: TextConverter | None = None):
        super().__init__(
            forbid_extra_keys=forbid_extra_keys,
            unstruct_collection_overrides={
                cabc.Set: list,
                cabc.MutableSet: list,
                frozenset: list,
                tuple: list,
            },
        )
        #: The rules for strings from the path, query string, headers and cookies.
        self.text = text if text is not None else TextConverter()
        self._variants: dict[tuple[bool, str], Converter] = {}
        #: Whether this converter binds request bodies (read-only fields not taken).
        self.binds_requests = False
        #: Whether this converter writes response bodies (write-only fields left out).
        self.writes_responses = False
        self._structure_func = _fresh_structure_dispatch(self)
        _install_common(self)
        install_json_rules(self)
        _install_unset(self)
        self._struct_copy_skip = self._structure_func.get_num_fns()

        self.register_unstructure_hook(Decimal, str)
        self.register_unstructure_hook(uuid.UUID, str)
        self.register_unstructure_hook(dt.datetime, datetime_text)
        self.register_unstructure_hook(dt.date, _isoformat)
        self.register_unstructure_hook(dt.time, _isoformat)
        self.register_unstructure_hook_factory(is_attrs, _attrs_unstructure_factory)
        self._unstructure_func = _Dispatch.adopting(self._unstructure_func, self)
        self._unstruct_copy_skip = self._unstructure_func.get_num_fns()

    def gen_unstructure_iterable(self, cl: Any, unstructure_to: Any = None) -> Any:
        """Return (and register) the unstructure hook of the iterable type ``cl``.

        PERF: cattrs fetches the item type's hook without caching it, and
        registers the new hook, which empties the dispatch cache: an attrs
        class's generated (and compiled) function was made again for every
        ``list[Item]`` and ``Item`` asked for. Here the item's hook is the
        cached one and the new hook is only cached (as the dispatch caches
        every hook a factory makes), so each is made once. A bare ``list``
        or a type variable's items get cattrs' own hook, likewise only cached.
        """
        to = self._unstruct_collection_overrides.get(
            typing.get_origin(cl) or cl, unstructure_to or list
        )
        args = getattr(cl, "__args__", None)
        if not args or isinstance(args[0], typing.TypeVar):
            return iterable_unstructure_factory(cl, self, unstructure_to=to)
        handler = self.get_unstructure_hook(args[0])
        hook: Any
        if handler == identity:
            hook = to or cl  # as cattrs does: the items need no work

        else:

            def hook(iterable: Any, _seq_cl: Any = to or cl, _hook: Any = handler) -> Any:
                return _seq_cl(_hook(item) for item in iterable)

        return hook

    def with_unknown_fields(self, *, reject: bool) -> Converter:
        """Return this converter, or a copy that rejects or ignores unknown fields.

        The copy keeps every hook registered on this converter and is cached,
        so asking twice returns the same object.
        """
        if reject == self.forbid_extra_keys and not (self.binds_requests or self.writes_responses):
            return self
        return self._variant(reject, "")

    # A hook registered here must reach the variants made before it: they
    # are copies, so they are dropped and made again when next asked for.
    def register_structure_hook(self, *args: Any, **kwargs: Any) -> Any:
        """Register a structure hook, as cattrs does (the variants are made anew)."""
        self._forget_variants()
        return super().register_structure_hook(*args, **kwargs)

    def register_structure_hook_func(self, *args: Any, **kwargs: Any) -> Any:
        """Register a structure hook for a predicate, as cattrs does."""
        self._forget_variants()
        return super().register_structure_hook_func(*args, **kwargs)

    def register_structure_hook_factory(self, *args: Any, **kwargs: Any) -> Any:
        """Register a structure hook factory, as cattrs does."""
        self._forget_variants()
        return super().register_structure_hook_factory(*args, **kwargs)

    def register_unstructure_hook(self, *args: Any, **kwargs: Any) -> Any:
        """Register an unstructure hook, as cattrs does (the variants are made anew)."""
        self._forget_variants()
        return super().register_unstructure_hook(*args, **kwargs)

    def register_unstructure_hook_func(self, *args: Any, **kwargs: Any) -> Any:
        """Register an unstructure hook for a predicate, as cattrs does."""
        self._forget_variants()
        return super().register_unstructure_hook_func(*args, **kwargs)

    def register_unstructure_hook_factory(self, *args: Any, **kwargs: Any) -> Any:
        """Register an unstructure hook factory, as cattrs does."""
        self._forget_variants()
        return super().register_unstructure_hook_factory(*args, **kwargs)

    def _forget_variants(self) -> None:
        variants = self.__dict__.get("_variants")
        if variants:
            variants.clear()

    def for_requests(self, *, reject_unknown: bool) -> Converter:
        """Return the copy binding reads request bodies with.

        Unknown fields are refused or ignored as ``reject_unknown`` says, and
        so are fields marked ``field(read_only=True)``, which a response has
        but a request does not send. The copy keeps every hook registered on
        this converter and is cached.
        """
        return self._variant(reject_unknown, "requests")

    def for_responses(self) -> Converter:
        """Return the copy the renderer writes response bodies with.

        Fields marked ``field(write_only=True)`` (a password) are left out of
        what it writes; ``unstructure`` on this converter, which response
        validation uses, still writes them. The copy keeps every hook
        registered on this converter and is cached.
        """
        return self._variant(self.forbid_extra_keys, "responses")

    def _variant(self, reject: bool, role: str) -> Converter:
        variant = self._variants.get((reject, role))
        if variant is None:
            variant = self.copy(forbid_extra_keys=reject)
            variant.binds_requests = role == "requests"
            variant.writes_responses = role == "responses"
            self._variants[(reject, role)] = variant
        return variant

    def copy(self, *args: Any, **kwargs: Any) -> Self:
        """Return a copy with the same hooks (``forbid_extra_keys`` may change)."""
        if args or set(kwargs) - {"forbid_extra_keys"}:
            raise TypeError("Converter.copy() only accepts forbid_extra_keys=.")
        forbid = kwargs.get("forbid_extra_keys")
        clone = type(self)(
            forbid_extra_keys=self.forbid_extra_keys if forbid is None else bool(forbid),
            text=self.text,
        )
        self._structure_func.copy_to(clone._structure_func, self._struct_copy_skip)
        self._unstructure_func.copy_to(clone._unstructure_func, self._unstruct_copy_skip)
        return clone


#: One member an attrs unstructure hook writes: (attribute name, key, declared
#: type, the hook that unstructures its value).
Member = tuple[str, str, Any, Callable[[Any], Any]]

#: The members of the hooks cattrs generated for plain classes, flat (see _flat).
_members_of: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()


# PERF: members are kept flat, (name, key, type, hook, name, ...): one tuple
# stays alive with each class's hook, not one more per member.
def _flat(members: tuple[Member, ...]) -> tuple[Any, ...]:
    return tuple(part for member in members for part in member)


def _unflat(flat: tuple[Any, ...]) -> tuple[Member, ...]:
    return tuple(flat[start : start + 4] for start in range(0, len(flat), 4))


def _attrs_unstructure_factory(tp: Any, converter: cattrs.Converter) -> Callable[[Any], Any]:
    cls = typing.get_origin(tp) or tp
    resolve_types(cls)
    may_be_unset = unset_fields(tp)
    hidden = _write_only(cls) if getattr(converter, "writes_responses", False) else frozenset()
    # An UNSET field is left out of the JSON (it equals its default, UNSET).
    overrides: dict[str, Any] = {
        attribute.name: override(
            rename=wire_name(attribute) if wire_name(attribute) != attribute.name else None,
            omit_if_default=True if attribute.name in may_be_unset else None,
            omit=True if attribute.name in hidden else None,
        )
        for attribute in attrs.fields(cls)
        if wire_name(attribute) != attribute.name
        or attribute.name in may_be_unset
        or attribute.name in hidden
    }
    if not may_be_unset and _is_leaf(cls):
        # PERF: a plain class of plain values (the usual leaf of a document)
        # gets its function written here from its members, without cattrs'
        # generator (most of a registration's unstructuring cost).
        members = _plain_members(tp, cls, converter, hidden, cached=True)
        if members is not None:
            return _generate_unstructure_fn(cls, members)
    hook = make_dict_unstructure_fn(tp, converter, **overrides)
    members = _plain_members(tp, cls, converter, hidden) if not may_be_unset else None
    if members is not None:
        _members_of[hook] = _flat(members)
    return hook


def _is_leaf(cls: Any) -> bool:
    """Return whether no field of the attrs class ``cls`` holds an attrs class.

    Its annotations are resolved (the factory resolved them); an unannotated
    field or a type variable makes :func:`_plain_members` refuse the class.
    """
    return not any(holds_attrs_class(attribute.type) for attribute in attrs.fields(cls))


_unstructure_count = itertools.count(1)


def _generate_unstructure_fn(cls: Any, members: tuple[Member, ...]) -> Callable[[Any], Any]:
    """Return the function writing an instance of ``cls`` as the dict of its ``members``.

    The same dict, in the same order, as cattrs' generated function for a
    plain class (see :func:`_plain_members`): each member under its key,
    unstructured by its hook (read straight from the instance when the hook
    keeps the value as it is).
    """
    namespace: dict[str, Any] = {}
    entries = []
    for index, (name, key, _, handler) in enumerate(members):
        if handler is identity:
            entries.append(f"{key!r}: instance.{name}")
        else:
            namespace[f"h{index}"] = handler
            entries.append(f"{key!r}: h{index}(instance.{name})")
    source = f"def unstructure(instance):\n    return {{{', '.join(entries)}}}\n"
    name = f"unstructure_{getattr(cls, '__name__', 'attrs')}"
    filename = f"<resourceful generated {name} #{next(_unstructure_count)}>"
    exec(compile(source, filename, "exec"), namespace)
    # Tracebacks through the generated function show its source.
    remember_source(filename, source)
    function: Callable[[Any], Any] = namespace["unstructure"]
    function.__name__ = function.__qualname__ = name
    # What unstructured_members answers, kept where the function keeps its
    # names (no registry entry of its own).
    namespace["_members"] = _flat(members)
    namespace["_made_by"] = _generate_unstructure_fn
    return function


def _plain_members(
    tp: Any, cls: Any, converter: cattrs.Converter, hidden: frozenset[str], *, cached: bool = False
) -> tuple[Member, ...] | None:
    """Return the members the hook writes when the class is plain, else ``None``.

    Plain: not generic, no field that may be UNSET (left out when it is), no
    field typed with a type variable, ``Final`` or left untyped, keys
    unique. cattrs then writes every ``init`` field but the ``hidden``
    (write-only) ones, in order, under its wire name, unstructured by the
    hook of its declared type.
    """
    if tp is not cls or getattr(converter, "use_alias", False):
        return None
    members: list[Member] = []
    for attribute in attrs.fields(cls):
        if not attribute.init or attribute.name in hidden:
            continue
        declared = attribute.type
        if (
            declared is None
            or isinstance(declared, typing.TypeVar | str)
            or typing.get_origin(declared) is typing.Final
            or declared is typing.Final
            or any(isinstance(arg, typing.TypeVar) for arg in typing.get_args(declared))
        ):
            return None
        try:
            # The hook cattrs' generated function called for the member, fetched likewise.
            # (A leaf's members hold no class, so the cached hooks are the same.)
            handler = converter.get_unstructure_hook(declared, cache_result=cached)
        except RecursionError:
            return None
        members.append((attribute.name, wire_name(attribute), declared, handler))
    if len({member[1] for member in members}) != len(members):
        return None
    return tuple(members)


def unstructured_members(hook: Callable[[Any], Any]) -> tuple[Member, ...] | None:
    """Return what an attrs class's unstructure ``hook`` writes, or ``None`` if not known.

    Known for hooks this module's factory made for plain classes: each
    member as ``(attribute name, key, declared type, hook)``, in the order
    of the dict the hook returns, each value unstructured by that hook (the
    converter's hook for the declared type). The typed renderer's per-class
    encoders are built from it (:mod:`resourceful.render`).
    """
    names = getattr(hook, "__globals__", None)
    if type(names) is dict and names.get("_made_by") is _generate_unstructure_fn:
        return _unflat(names["_members"])
    try:
        flat = _members_of.get(hook)
    except TypeError:  # not weak-referenceable: a user's callable object
        return None
    return _unflat(flat) if flat is not None else None


def _write_only(cls: type[Any]) -> frozenset[str]:
    """Return the write-only fields of ``cls``, which responses leave out.

    Raise :class:`DefinitionError` for one without a default: a client could
    not build the class from what the server sends.
    """
    names: set[str] = set()
    for attribute in attrs.fields(cls):
        if not field_info(attribute).write_only:
            continue
        if attribute.default is attrs.NOTHING:
            raise DefinitionError(
                f"{display_name(cls)}.{attribute.name} is write-only, so responses leave it"
                f" out, and it has no default, so {display_name(cls)} cannot be read back from"
                f" a response: give it a default (`field(default=UNSET, write_only=True)` with"
                " the type `... | Unset`), or return a class without it."
            )
        names.add(attribute.name)
    return frozenset(names)


def make_converter(*, forbid_extra_keys: bool = True) -> Converter:
    """Return a new converter with resourceful's JSON and text rules."""
    return Converter(forbid_extra_keys=forbid_extra_keys)
