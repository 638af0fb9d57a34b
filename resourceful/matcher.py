"""A URL matcher compiled once from a rule table, giving werkzeug's answers.

werkzeug matches a path by a depth-first walk over its state machine: at each
step the static transition for the next segment first, then the variable ones
in weight order, backtracking on failure; the first rule reached at the end of
the path that serves the method wins. That order is fixed by the table, so
:class:`CompiledMatcher` walks the machine once, when it is built, and numbers
what the walk can meet in the order it meets it:

- a rule, met when the path ends at its state (an *entry*);
- the places where the walk would redirect to an added slash, or fall back to
  a ``strict_slashes=False`` rule, or enter a slash-suffixed ``path``
  variable (*step-aside* entries: werkzeug decides what happens there).

Each entry keeps the checks of its shape (static text to compare, variable
patterns compiled once with their groups named in advance, the converters'
``to_python`` bound, or skipped where it returns its argument unchanged).
Matching a path is then one dictionary lookup for a fully static rule, or a
walk down the short list of entries that can have the path's shape (same
host part, same first segment, same number of segments, or fewer for a
``path`` variable), in werkzeug's order: the first entry whose shape fits
decides, as the first state werkzeug reaches would.

The matcher answers only what it can answer exactly as werkzeug would: a match
for a rule that cannot redirect (no alias or ``redirect_to``, no rule of its
endpoint that provides defaults for it), or a 404 when no rule of any method
has the path's shape. It steps aside (returns ``None``) for 405s, redirects,
websockets, a path with doubled slashes that werkzeug's merging might still
match, and a map it cannot compile (a werkzeug without its state machine, a
host rule with slashes or a ``path`` variable). tests/test_matcher.py holds
it to werkzeug's answers.
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.routing.converters import (
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    NumberConverter,
    UUIDConverter,
    ValidationError,
)

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing.rules import RulePart

try:  # pragma: no cover - werkzeug's matcher is not public API; without it, werkzeug matches
    from werkzeug.routing.matcher import StateMachineMatcher
except ImportError:  # pragma: no cover
    StateMachineMatcher = None  # type: ignore[assignment,misc]

__all__ = ["CompiledMatcher"]

_GROUP_PREFIX = "__werkzeug_"
_WEBSOCKET_SCHEMES = frozenset({"ws", "wss"})

#: The answer of a match: the rule and its converted values.
Match = tuple[Rule, dict[str, Any]]
#: How one variable's text becomes its value (``None``: the text itself).
Convert = Callable[[str], Any] | None


# What an entry does once its shape fits (see CompiledMatcher._search).
_ANSWER, _ASIDE_IF_SERVED, _ASIDE, _WEBSOCKET = 0, 1, 2, 3
#: Read a shape's variables from (host part, segments): their texts, or None.
_Read = Callable[[str, list[str]], "tuple[str, ...] | None"]
#: Turn a rule's variable texts into its values (may raise ValidationError).
_Convert = Callable[["tuple[str, ...]"], dict[str, Any]]
#: An entry as the matching loop reads it: (read, rule, methods, action, convert).
_Test = tuple[_Read, "Rule | None", "frozenset[str] | None", int, "_Convert | None", bool]
#: A path's answer as remembered: (rule, values or None, convert, texts, other):
#: with values, a copy of them; without, convert the texts again.
_Found = tuple[Rule, "dict[str, Any] | None", "_Convert | None", "tuple[str, ...]", bool]

#: What a converter may bind that gives the same immutable value for a text.
_PURE: tuple[Any, ...] = (None, int, float, uuid.UUID)

_RECENT_SIZE = 1024
_RECENT_EVERY = 8
_RECENT_PATH = 256


class _Entry(NamedTuple):
    """What werkzeug's walk can meet, in its order (see the module docs)."""

    order: int
    rule: Rule | None  # None: a step-aside entry
    domain: str | None  # the static host part, None when it is a variable
    first: str | None  # the static first segment, None when it is a variable
    size: int  # the number of segments (the least number, with a ``path`` variable)
    final: bool
    statics: tuple[tuple[int, str], ...]  # (segment, text) beyond the first segment
    variables: tuple[tuple[int, RulePart], ...]  # (segment or -1 for the host part, part)
    methods: frozenset[str] | None  # None: every method
    action: int
    defaults: dict[str, Any] | None


class _Unsupported(Exception):
    """The map has a shape the compiled matcher does not handle: werkzeug matches it."""


def _converter(converter: BaseConverter) -> Convert:
    """Return what turns a variable's text into its value, bound once."""
    method = type(converter).to_python
    if method is BaseConverter.to_python:
        return None  # it returns the text
    if (
        type(converter) in (IntegerConverter, FloatConverter)
        and method is NumberConverter.to_python
        and not converter.fixed_digits  # type: ignore[attr-defined]
        and converter.min is None  # type: ignore[attr-defined]
        and converter.max is None  # type: ignore[attr-defined]
    ):
        return converter.num_convert  # type: ignore[attr-defined,no-any-return]
    if type(converter) is UUIDConverter and method is UUIDConverter.to_python:
        return uuid.UUID
    return converter.to_python


def _cannot_redirect(url_map: Map, rule: Rule) -> bool:
    """Return whether werkzeug hands a match of ``rule`` back as it is, whatever the values."""
    if rule.alias and url_map.redirect_defaults:
        return False
    if rule.redirect_to is not None:
        return False
    if url_map.redirect_defaults:
        # werkzeug redirects to an earlier rule of the endpoint that provides
        # defaults for this one, when the values suit it (known only per request).
        for other in url_map._rules_by_endpoint.get(rule.endpoint, ()):
            if other is rule:
                break
            if other.provides_defaults_for(rule):
                return False
    return True


class CompiledMatcher:
    """Match paths against a :class:`~werkzeug.routing.Map` as it is now (see the module docs).

    Build it when the map's rules are final; it does not see rules added
    later. :meth:`match` returns ``None`` when werkzeug must decide.
    """

    def __init__(self, url_map: Map) -> None:
        #: The map whose rules are matched.
        self.url_map = url_map
        #: ``url_map.rule_count`` when compiled (``URLMap`` counts its rules).
        self.rule_count: int | None = getattr(url_map, "rule_count", None)
        url_map.update()  # werkzeug sorts the variable transitions here
        self._host_matching = url_map.host_matching
        self._static: dict[str, dict[str, dict[str, Match | None]]] = {}
        self._places: dict[tuple[str | None, str | None], list[_Entry]] = {}
        self._groups: dict[tuple[str | None, str | None, int], tuple[_Test, ...]] = {}
        self._patterns: dict[str, tuple[re.Pattern[str], tuple[int, ...]]] = {}
        self._tests: dict[int, _Test] = {}
        #: PERF: recent dynamic matches, before conversion (see match_path).
        self._recent: OrderedDict[tuple[str, str, str], _Found] = OrderedDict()
        self._misses = 0
        self._domains: frozenset[str] = frozenset()
        self._firsts: frozenset[str] = frozenset()
        self._longest = 0
        self._merge_slashes = False
        matcher = getattr(url_map, "_matcher", None)
        #: Whether it answers at all (werkzeug's state machine, in a shape it knows).
        self.usable = StateMachineMatcher is not None and isinstance(matcher, StateMachineMatcher)
        if self.usable:
            try:
                self._compile(matcher)
            except _Unsupported:
                self.usable = False

    # -- compiling ----------------------------------------------------------------------------

    def _compile(self, machine: Any) -> None:
        self._merge_slashes = bool(machine.merge_slashes)
        entries: list[_Entry] = []
        root = machine._root
        if root.rules:
            raise _Unsupported
        hosts = [(content, None, state) for content, state in root.static.items()]
        hosts += [(None, part, state) for part, state in root.dynamic]
        for content, part, state in hosts:
            if part is not None and (part.final or part.suffixed):
                raise _Unsupported  # a host part taking slashes
            if state.rules or state.dynamic or set(state.static) - {""}:
                raise _Unsupported  # a host rule with a slash in it
            top = state.static.get("")
            if top is not None:
                # The path always starts with a slash: segment 0 is "".
                self._visit(top, [(content, part), ("", None)], entries)
        for entry in entries:
            self._places.setdefault((entry.domain, entry.first), []).append(entry)
            self._longest = max(self._longest, entry.size)
        self._domains = frozenset(e.domain for e in entries if e.domain is not None)
        self._firsts = frozenset(e.first for e in entries if e.first is not None)
        self._compile_static(entries)

    def _visit(
        self,
        state: Any,
        shape: list[tuple[str | None, RulePart | None]],
        entries: list[_Entry],
    ) -> None:
        # NOTE: the order is werkzeug's walk (werkzeug/routing/matcher.py): a
        # state's rules when the path ends there, then the slash redirect or
        # fallback, then the static transitions, then the variable ones in
        # their sorted order, then (when one segment "" is left) the rules
        # that do not insist on slashes.
        for rule in state.rules:
            entries.append(self._entry(len(entries), shape, rule))
        slashed = state.static.get("")
        if slashed is not None and slashed.rules:
            entries.append(self._entry(len(entries), shape, None))
        for content, child in state.static.items():
            self._visit(child, [*shape, (content, None)], entries)
        for part, child in state.dynamic:
            # NOTE: a slash-suffixed path variable's state has only the slash after
            # it, so the step-aside entry above covers every path it matches.
            self._visit(child, [*shape, (None, part)], entries)
        if any(not rule.strict_slashes for rule in state.rules) and not _is_final(shape):
            entries.append(self._entry(len(entries), [*shape, ("", None)], None))

    def _entry(
        self, order: int, shape: list[tuple[str | None, RulePart | None]], rule: Rule | None
    ) -> _Entry:
        (domain, domain_part), *segments = shape
        statics: list[tuple[int, str]] = []
        variables: list[tuple[int, RulePart]] = []
        if domain_part is not None:
            variables.append((-1, domain_part))
        for index, (content, part) in enumerate(segments):
            if part is not None:
                variables.append((index, part))
            elif index > 1:
                # Segment 0 is always "" and a static segment 1 is the group's key.
                statics.append((index, content or ""))
        first_content, first_part = segments[1] if len(segments) > 1 else (None, None)
        if rule is None:
            action = _ASIDE
        elif rule.websocket:
            action = _WEBSOCKET
        elif _cannot_redirect(self.url_map, rule):
            action = _ANSWER
        else:
            action = _ASIDE_IF_SERVED
        return _Entry(
            order=order,
            rule=rule,
            domain=domain,
            first=first_content if first_part is None else None,
            size=len(segments),
            final=_is_final(shape),
            statics=tuple(statics),
            variables=tuple(variables),
            methods=None if rule is None or rule.methods is None else frozenset(rule.methods),
            action=action,
            defaults=dict(rule.defaults) if rule is not None and rule.defaults else None,
        )

    def _test(self, entry: _Entry) -> _Test:
        """Generate the code that reads (and converts) one entry's shape, once."""
        test = self._tests.get(entry.order)
        if test is not None:
            return test
        names: dict[str, Any] = {}
        lines = ["def read(domain, segments):"]
        lines += [f"    if segments[{i}] != {text!r}: return None" for i, text in entry.statics]
        texts: list[str] = []
        for number, (index, part) in enumerate(entry.variables):
            pattern, groups = self._pattern(part.content)
            names[f"match{number}"] = pattern.match
            if index < 0:
                target = "domain"
            elif part.final:
                target = f'"/".join(segments[{index}:])'
            else:
                target = f"segments[{index}]"
            lines += [
                f"    found{number} = match{number}({target})",
                f"    if found{number} is None: return None",
            ]
            texts += [f"found{number}.group({group})" for group in groups]
        lines.append(f"    return ({''.join(text + ', ' for text in texts)})")
        convert: _Convert | None = None
        pure = True
        rule = entry.rule
        if rule is not None:
            # The values in werkzeug's order: the converters' (host part first), then defaults.
            items = []
            for number, (name, converter) in enumerate(rule._converters.items()):
                to_python = _converter(converter)
                pure = pure and to_python in _PURE
                if to_python is None:
                    items.append(f"{str(name)!r}: raw[{number}]")
                else:
                    names[f"convert{number}"] = to_python
                    items.append(f"{str(name)!r}: convert{number}(raw[{number}])")
            lines += ["def convert(raw):", f"    values = {{{', '.join(items)}}}"]
            if entry.defaults:
                names["defaults"] = entry.defaults
                lines.append("    values.update(defaults)")
            lines.append("    return values")
        source = "\n".join(lines) + "\n"
        exec(compile(source, f"<resourceful.matcher rule {entry.order}>", "exec"), names)
        if rule is not None:
            convert = names["convert"]
        test = self._tests[entry.order] = (
            names["read"],
            rule,
            entry.methods,
            entry.action,
            convert,
            pure,
        )
        return test

    def _pattern(self, content: str) -> tuple[re.Pattern[str], tuple[int, ...]]:
        compiled = self._patterns.get(content)
        if compiled is None:
            pattern = re.compile(content)
            names = sorted(
                (name for name in pattern.groupindex if name.startswith(_GROUP_PREFIX)),
                key=lambda name: int(name[len(_GROUP_PREFIX) :]),
            )
            compiled = (pattern, tuple(pattern.groupindex[name] for name in names))
            self._patterns[content] = compiled
        return compiled

    def _compile_static(self, entries: list[_Entry]) -> None:
        """Answer fully static paths with one lookup: the first rule of the path's state."""
        by_path: dict[tuple[str, str], list[_Entry]] = {}
        for entry in entries:
            if entry.domain is None or entry.variables or entry.first is None:
                continue
            segments = ["", entry.first] + [""] * (entry.size - 2)
            for index, text in entry.statics:
                segments[index] = text
            by_path.setdefault((entry.domain, "/".join(segments)), []).append(entry)
        for (domain, path), found in by_path.items():
            rules = [entry for entry in found if entry.rule is not None]
            if not rules or any(entry.methods is None for entry in rules):
                continue  # a rule for every method, or none: left to the general walk
            answers: dict[str, Match | None] = {}
            for entry in rules:
                rule = entry.rule
                if rule is None or entry.action == _WEBSOCKET:
                    continue
                for method in entry.methods or ():
                    if method not in answers:
                        answers[method] = (
                            (rule, entry.defaults or {}) if entry.action == _ANSWER else None
                        )
            # Methods with no rule here continue the walk (see _search).
            self._static.setdefault(domain, {})[path] = answers

    def _group_for(self, domain: str, first: str, size: int) -> tuple[_Test, ...]:
        """Return the entries that can have a path's shape, in werkzeug's order."""
        key = (
            domain if domain in self._domains else None,
            first if first in self._firsts else None,
            size if size <= self._longest else self._longest + 1,
        )
        group = self._groups.get(key)
        if group is None:
            place_keys = {key[:2], (key[0], None), (None, key[1]), (None, None)}
            found = [
                entry
                for place in place_keys
                for entry in self._places.get(place, ())
                if entry.size == key[2] or (entry.final and entry.size <= key[2])
            ]
            found.sort(key=lambda entry: entry.order)
            group = self._groups[key] = tuple(self._test(entry) for entry in found)
        if key == (domain, first, size):
            # PERF: the next path of this shape finds it at once. Only keys made of
            # the table's own texts are kept, so the table stays bounded.
            self._groups[(domain, first, size)] = group
        return group

    # -- matching -----------------------------------------------------------------------------

    def match(self, adapter: MapAdapter) -> Match | None:
        """Return the rule and converted values werkzeug would return for ``adapter``.

        ``adapter`` carries the path and method. Raises
        :class:`~werkzeug.exceptions.NotFound` when werkzeug would, for a path
        no rule has the shape of. ``None`` means this matcher cannot answer;
        call ``adapter.match()``.
        """
        return self.match_path(
            adapter.server_name,
            adapter.subdomain,
            adapter.url_scheme,
            adapter.path_info,
            adapter.default_method.upper(),
        )

    def match_path(
        self,
        server_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        method: str,
    ) -> Match | None:
        """Do what :meth:`match` does, from an adapter's fields rather than an adapter.

        ``method`` is in upper case, as werkzeug compares it.
        """
        domain = server_name if self._host_matching or subdomain is None else subdomain
        key = (domain, path_info, method)
        found = self._recent.get(key)
        if found is None or url_scheme in _WEBSOCKET_SCHEMES:
            if not self.usable or url_scheme in _WEBSOCKET_SCHEMES or not path_info:
                return None
            found = self._find(domain, path_info, method)
            if found is None:
                return None
            # PERF: one answer in _RECENT_EVERY is kept. A path asked for again and
            # again is soon among them, while a stream of new paths pays for an
            # eighth of the stores and pushes the kept ones out eight times slower.
            self._misses = misses = self._misses + 1
            if not misses % _RECENT_EVERY and len(path_info) <= _RECENT_PATH:
                recent = self._recent
                if len(recent) >= _RECENT_SIZE:
                    recent.popitem(last=False)  # the oldest: no cliff when it is full
                recent[key] = found
        rule, values, convert, raw, other = found
        if values is not None:
            return rule, dict(values)
        try:
            # NOTE: converted for every request, as werkzeug does: this rule has
            # a converter that may look something up (or refuse the value).
            return rule, convert(raw)  # type: ignore[misc]
        except ValidationError:
            # werkzeug does not try further rules: no match, a 404 or 405.
            if other:
                return None
            raise NotFound() from None

    def _find(self, domain: str, path: str, method: str) -> _Found | None:
        """Match a path not among the recent ones; ``None``: werkzeug decides."""
        # werkzeug's path: one leading slash.
        if path[0] != "/" or path[1:2] == "/":
            path = "/" + path.lstrip("/")
        static = self._static.get(domain)
        if static is not None:
            answers = static.get(path)
            if answers is not None and method in answers:
                answer = answers[method]
                return None if answer is None else (answer[0], answer[1], None, (), False)
        segments = path.split("/")
        group = self._groups.get((domain, segments[1], len(segments)))
        if group is None:
            group = self._group_for(domain, segments[1], len(segments))
        # Whether a rule of another method (or a websocket rule) had the shape:
        # werkzeug would then answer 405 (or 400), not 404.
        other = False
        for read, rule, methods, action, convert, pure in group:
            raw = read(domain, segments)
            if raw is None:
                continue
            if action:
                if action == _ASIDE:
                    return None  # a redirect or a fallback: werkzeug's call
                if action == _WEBSOCKET:
                    other = True
                    continue
            if methods is not None and method not in methods:
                other = True
                continue
            if action:
                return None  # a redirect, for some values: werkzeug's call
            if pure:
                # PERF: converters known to give the same immutable value for a
                # text (int, float, UUID, the text itself) run once per path.
                try:
                    return (rule, convert(raw), None, raw, other)  # type: ignore[misc,return-value]
                except ValidationError:
                    pass  # refused again at each request, as werkzeug would
            return (rule, None, convert, raw, other)  # type: ignore[return-value]
        if other or (self._merge_slashes and "//" in path):
            return None  # a 405, or werkzeug's second try with slashes merged
        raise NotFound()


def _is_final(shape: list[tuple[str | None, RulePart | None]]) -> bool:
    return any(part is not None and part.final for _content, part in shape)
