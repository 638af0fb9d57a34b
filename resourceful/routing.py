"""URL matching: a faster walk over werkzeug's own state machine.

werkzeug compiles an app's rules into a state machine (static transitions by
path segment, dynamic ones by converter regex) and walks it for every
request. Its walk compiles (through the ``re`` cache) each converter regex on
each visit, sorts the captured groups and slices the segment list at every
step, which makes a rule with a variable cost about four times a static one.

:class:`FastMatcher` walks the same machine in the same order, with each
regex compiled once and its groups named in advance. It answers only when
the answer is plainly werkzeug's: a match found the way werkzeug finds it,
for a rule that cannot redirect, or a 404 for a path that no rule reaches the
end of. Anything else (a 405, a trailing-slash redirect, converter
validation, defaults, aliases, websockets) makes it step aside, and
werkzeug's matcher decides.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.routing.converters import ValidationError

try:  # pragma: no cover - werkzeug's matcher is not public API; without it, werkzeug matches
    from werkzeug.routing.matcher import StateMachineMatcher
except ImportError:  # pragma: no cover
    StateMachineMatcher = None  # type: ignore[assignment,misc]


class _StepAside(Exception):
    """Raised inside the walk when werkzeug must decide."""


_GROUP_PREFIX = "__werkzeug_"


class FastMatcher:
    """Match paths against a werkzeug :class:`~werkzeug.routing.Map`'s rules.

    Use :meth:`match`; ``None`` means "ask werkzeug", never "no match".
    """

    def __init__(self, url_map: Map) -> None:
        #: The map whose rules are matched.
        self.url_map = url_map
        matcher = getattr(url_map, "_matcher", None)
        # werkzeug's state machine, or None when this werkzeug has another matcher.
        self._machine: Any = (
            matcher
            if StateMachineMatcher is not None and isinstance(matcher, StateMachineMatcher)
            else None
        )
        self._patterns: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {}

    def match(self, adapter: MapAdapter) -> tuple[Rule, dict[str, Any]] | None:
        """Return the rule and converted values werkzeug would return for ``adapter``.

        ``adapter`` carries the path and method (as built per request). Raises
        :class:`~werkzeug.exceptions.NotFound` when werkzeug would, for a path
        no rule can match. ``None`` means this matcher cannot answer; call
        ``adapter.match()``.
        """
        machine = self._machine
        if machine is None or adapter.websocket:
            return None
        url_map = self.url_map
        url_map.update()
        if url_map.host_matching:
            domain = adapter.server_name
        else:
            domain = adapter.subdomain if adapter.subdomain is not None else adapter.server_name
        path_info = adapter.path_info
        path = f"/{path_info.lstrip('/')}" if path_info else ""
        parts = [domain, *path.split("/")]
        method = adapter.default_method.upper()
        try:
            found = self._walk(machine._root, parts, 0, [], method)
        except _StepAside:
            return None
        if found is None:
            # No branch reached the end of the path (reaching it returns a rule
            # or steps aside), so werkzeug's walk fails the same way and, with no
            # method or slash to report, ends in a plain 404, unless merging
            # double slashes could still find a rule.
            if url_map.merge_slashes and "//" in path:
                return None
            raise NotFound()
        rule, raw = found
        if not self._cannot_redirect(rule):
            return None
        values: dict[str, Any] = {}
        try:
            for (name, converter), raw_value in zip(rule._converters.items(), raw, strict=False):
                values[str(name)] = converter.to_python(raw_value)
        except ValidationError:
            return None
        return rule, values

    def _walk(
        self, state: Any, parts: list[str], index: int, values: list[str], method: str
    ) -> tuple[Rule, list[str]] | None:
        # NOTE: the order is werkzeug's: static transition first, then the
        # dynamic ones in their (weight-sorted) order, backtracking on failure.
        count = len(parts)
        if index == count:
            for rule in state.rules:
                if rule.methods is not None and method not in rule.methods:
                    continue
                if rule.websocket:
                    raise _StepAside
                return rule, values
            # werkzeug would now look for a trailing-slash redirect: its call.
            raise _StepAside
        part = parts[index]
        static = state.static.get(part)
        if static is not None:
            found = self._walk(static, parts, index + 1, values, method)
            if found is not None:
                return found
        for test_part, next_state in state.dynamic:
            if test_part.suffixed:
                raise _StepAside
            if test_part.final:
                target = "/".join(parts[index:])
                next_index = count
            else:
                target = part
                next_index = index + 1
            pattern, groups = self._compiled(test_part.content)
            captured = pattern.match(target)
            if captured is not None:
                found = self._walk(
                    next_state,
                    parts,
                    next_index,
                    values + [captured.group(group) for group in groups],
                    method,
                )
                if found is not None:
                    return found
        if index == count - 1 and part == "":
            # werkzeug's rule for non-strict trailing slashes applies here.
            raise _StepAside
        return None

    def _compiled(self, content: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
        compiled = self._patterns.get(content)
        if compiled is None:
            pattern = re.compile(content)
            groups = tuple(
                sorted(
                    (name for name in pattern.groupindex if name.startswith(_GROUP_PREFIX)),
                    key=lambda name: int(name[len(_GROUP_PREFIX) :]),
                )
            )
            compiled = self._patterns[content] = (pattern, groups)
        return compiled

    def _cannot_redirect(self, rule: Rule) -> bool:
        """Return whether werkzeug would hand ``rule``'s match back as it is."""
        if rule.defaults or rule.alias or rule.redirect_to is not None or rule.websocket:
            return False
        if self.url_map.redirect_defaults:
            # Another rule of the same endpoint may provide defaults to redirect to.
            siblings = self.url_map._rules_by_endpoint.get(rule.endpoint, ())
            if len(siblings) > 1:
                return False
        return True
