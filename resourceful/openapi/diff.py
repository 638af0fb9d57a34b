"""Compare two OpenAPI documents and classify every change as breaking or not.

:func:`diff_documents` takes two documents as dicts (OpenAPI 3.0 or 3.1, as
``json.load`` or ``yaml.safe_load`` return them, or as
:meth:`App.openapi <resourceful.App.openapi>` builds them) and returns the
list of :class:`Change` records. It reads nothing else: no app, no files.

Operations are matched by path and method; a path matches whatever its
variables are named (``/todos/{id}`` and ``/todos/{todo_id}`` are one path,
and the renamed variable is a change). Parameters are matched by where they
are and their name, header names without regard to case. Schemas are
compared by :mod:`resourceful.openapi.diff_schema`.

Whether a change breaks clients follows from one rule (:func:`is_breaking`):
a request may accept more and a response may promise less, never the other
way round; and what clients rely on (an operation, a parameter, a property,
a status code, a media type, a schema name) may not go away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from resourceful.openapi.diff_normal import (
    DocumentError,
    Resolver,
    as_object,
    canonical,
    escape,
    pointer,
)
from resourceful.openapi.diff_operation import VARIABLE, OperationComparer
from resourceful.openapi.diff_schema import Effect

__all__ = [
    "Change",
    "DocumentError",
    "Effect",
    "allow",
    "check_document",
    "diff_documents",
    "escape",
    "is_breaking",
    "pointer",
    "unused_allows",
]

#: Where a change is: what a client sends, what it gets back, the operation as a whole,
#: or the document outside any operation.
Side = Literal["request", "response", "operation", "document"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@attrs.frozen
class Change:
    """One difference between two documents."""

    #: A stable name for the kind of change: ``"parameter-removed"``, ``"enum-changed"``...
    kind: str
    #: Whether clients written against the old document may fail against the new one.
    breaking: bool
    side: Side
    #: ``"GET /todos/{todo_id}"``, or ``None`` outside any operation.
    operation: str | None
    message: str
    #: JSON pointers to where the change is in each document (``None``: not there).
    old: str | None
    new: str | None
    #: Whether an ``--allow`` pointer accepts this breaking change.
    allowed: bool = False


def is_breaking(effect: Effect, side: Side) -> bool:
    """Return whether a change with this effect breaks clients, on this side.

    A request's schema may only accept more (clients keep sending what they
    sent); a response's may only promise less (clients keep handling what
    they got).
    """
    if effect is Effect.BREAKS:
        return True
    if effect is Effect.NARROWS:
        return side == "request"
    if effect is Effect.WIDENS:
        return side == "response"
    return False


def check_document(document: Any, name: str) -> None:
    """Raise :class:`DocumentError` unless ``document`` looks like an OpenAPI 3 document."""
    if not isinstance(document, Mapping):
        raise DocumentError(
            f"The {name} document is {type(document).__name__}, not an object; an OpenAPI"
            " document is a JSON or YAML object with an 'openapi' field."
        )
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = "no 'openapi' field" if version is None else f"'openapi': {version!r}"
        raise DocumentError(
            f"The {name} document is not an OpenAPI 3 document: it has {found}"
            " (expected '3.0.x' or '3.1.x')."
        )
    for key in ("paths", "components"):
        if key in document and not isinstance(document[key], Mapping):
            raise DocumentError(f"The {name} document's '{key}' is not an object.")
    # Every reference must lead somewhere, also in the parts the comparison skips.
    resolver = Resolver(document, name)
    for ref, where in _refs_with_pointers(document):
        resolver.lookup(ref, where)


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Return every change from ``old`` to ``new``: breaking ones first, then in document order.

    Raise :class:`DocumentError` when either is not an OpenAPI 3 document or
    cannot be read (a malformed part, a ``$ref`` to nothing).
    """
    check_document(old, "old")
    check_document(new, "new")
    differ = _Differ(Resolver(old, "old"), Resolver(new, "new"))
    differ.compare_paths()
    differ.compare_security_schemes()
    differ.compare_schema_names()
    differ.compare_info()
    return sorted(differ.changes, key=lambda change: not change.breaking)


def allow(changes: Iterable[Change], pointers: Sequence[str]) -> list[Change]:
    """Mark the breaking changes at (or under) one of ``pointers`` as allowed.

    A pointer matches a change whose old or new pointer is it or starts with
    it and ``/``: ``/paths/~1todos~1`` allows every change to that path.
    """
    marked = []
    for change in changes:
        if change.breaking and any(_under(change, p.rstrip("/")) for p in pointers):
            change = attrs.evolve(change, allowed=True)
        marked.append(change)
    return marked


def unused_allows(changes: Iterable[Change], pointers: Sequence[str]) -> list[str]:
    """Return the ``--allow`` pointers that match no breaking change."""
    breaking = [change for change in changes if change.breaking]
    return [p for p in pointers if not any(_under(c, p.rstrip("/")) for c in breaking)]


def _under(change: Change, prefix: str) -> bool:
    return any(
        where is not None and (where == prefix or where.startswith(prefix + "/"))
        for where in (change.old, change.new)
    )


# -- the walk ----------------------------------------------------------------------------------


class _Differ:
    """Walk two documents side by side and collect their changes."""

    def __init__(self, old: Resolver, new: Resolver) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self._seen: set[Change] = set()
        #: Shared by the schema comparers: which referenced schemas are written alike.
        self.same: dict[tuple[str, str], bool] = {}
        self._seen_doc: set[tuple[str | None, str | None, str]] = set()

    def add(
        self,
        kind: str,
        effect: Effect,
        side: Side,
        operation: str | None,
        message: str,
        old: str | None,
        new: str | None,
    ) -> None:
        if kind == "doc-changed" and _in_components(old, new):
            # A documentation change in a shared schema is reported once, not per user.
            key = (old, new, kind)
            if key in self._seen_doc:
                return
            self._seen_doc.add(key)
            side, operation = "document", None
        change = Change(kind, is_breaking(effect, side), side, operation, message, old, new)
        if change not in self._seen:
            self._seen.add(change)
            self.changes.append(change)

    # -- paths and operations ------------------------------------------------------------------

    def compare_paths(self) -> None:
        old_paths = as_object(self.old, self.old.document.get("paths", {}), "/paths")
        new_paths = as_object(self.new, self.new.document.get("paths", {}), "/paths")
        new_by_shape = {_shape(path): path for path in new_paths}
        old_shapes = {_shape(path) for path in old_paths}
        for old_path, old_item in old_paths.items():
            old_where = pointer("/paths", old_path)
            old_item, old_where = self.old.follow(old_item, old_where)
            new_path = new_by_shape.get(_shape(old_path))
            if new_path is None:
                for method, _ in _operations(self.old, old_item, old_where):
                    self.add(
                        "operation-removed",
                        Effect.BREAKS,
                        "operation",
                        f"{method.upper()} {old_path}",
                        f"removed (the path {old_path} is gone)",
                        pointer(old_where, method),
                        None,
                    )
                continue
            new_where = pointer("/paths", new_path)
            new_item, new_where = self.new.follow(new_paths[new_path], new_where)
            self.compare_path_item(old_path, old_item, old_where, new_path, new_item, new_where)
        for new_path, new_item in new_paths.items():
            if _shape(new_path) in old_shapes:
                continue
            new_where = pointer("/paths", new_path)
            new_item, new_where = self.new.follow(new_item, new_where)
            for method, _ in _operations(self.new, new_item, new_where):
                self.add(
                    "operation-added",
                    Effect.NONE,
                    "operation",
                    f"{method.upper()} {new_path}",
                    "added",
                    None,
                    pointer(new_where, method),
                )

    def compare_path_item(
        self,
        old_path: str,
        old_item: Mapping[str, Any],
        old_where: str,
        new_path: str,
        new_item: Mapping[str, Any],
        new_where: str,
    ) -> None:
        old_ops = dict(_operations(self.old, old_item, old_where))
        new_ops = dict(_operations(self.new, new_item, new_where))
        for method in METHODS:
            label = f"{method.upper()} {new_path if method in new_ops else old_path}"
            if method in old_ops and method not in new_ops:
                self.add(
                    "operation-removed",
                    Effect.BREAKS,
                    "operation",
                    label,
                    f"removed (the path still has {_methods(new_ops)})",
                    pointer(old_where, method),
                    None,
                )
            elif method in new_ops and method not in old_ops:
                self.add(
                    "operation-added",
                    Effect.NONE,
                    "operation",
                    label,
                    "added",
                    None,
                    pointer(new_where, method),
                )
            elif method in old_ops:
                OperationComparer(
                    self.old, self.new, label, (old_path, new_path), self.add, self.same
                ).compare(
                    (old_item, old_where, old_ops[method]),
                    (new_item, new_where, new_ops[method]),
                    method,
                )

    # -- document-wide parts -------------------------------------------------------------------

    def compare_security_schemes(self) -> None:
        old = _components(self.old, "securitySchemes")
        new = _components(self.new, "securitySchemes")
        for name in old.keys() & new.keys():
            old_where = pointer("/components/securitySchemes", name)
            new_where = pointer("/components/securitySchemes", name)
            a, old_where = self.old.follow(old[name], old_where)
            b, new_where = self.new.follow(new[name], new_where)
            wire = ("type", "in", "name", "scheme", "bearerFormat", "flows", "openIdConnectUrl")
            a_wire = {k: v for k, v in as_object(self.old, a, old_where).items() if k in wire}
            b_wire = {k: v for k, v in as_object(self.new, b, new_where).items() if k in wire}
            if canonical(a_wire) != canonical(b_wire):
                self.add(
                    "security-scheme-changed",
                    Effect.BREAKS,
                    "document",
                    None,
                    f"security scheme '{name}' changed how clients send their credentials",
                    old_where,
                    new_where,
                )

    def compare_schema_names(self) -> None:
        """Report referenced schemas whose names are gone: generated clients use the names."""
        old = _components(self.old, "schemas")
        new = _components(self.new, "schemas")
        used = _refs(self.old.document)
        added = [name for name in new if name not in old]
        for name in old:
            if name in new:
                continue
            where = pointer("/components/schemas", name)
            if "#" + where not in used:
                self.add(
                    "schema-removed",
                    Effect.NONE,
                    "document",
                    None,
                    f"unused schema '{name}' removed",
                    where,
                    None,
                )
                continue
            renamed = _renamed(name, old[name], {n: new[n] for n in added})
            if renamed is not None:
                message = f"schema '{name}' renamed to '{renamed}'"
                new_where: str | None = pointer("/components/schemas", renamed)
            else:
                message = f"schema '{name}' removed"
                new_where = None
            self.add(
                "schema-renamed" if new_where else "schema-removed",
                Effect.BREAKS,
                "document",
                None,
                message + " (generated clients name their types after schemas)",
                where,
                new_where,
            )

    def compare_info(self) -> None:
        for key in ("info", "servers", "tags", "externalDocs"):
            a = self.old.document.get(key)
            b = self.new.document.get(key)
            if canonical(a) != canonical(b):
                self.add(
                    "doc-changed",
                    Effect.NONE,
                    "document",
                    None,
                    f"{key} changed (documentation only)",
                    "/" + key if a is not None else None,
                    "/" + key if b is not None else None,
                )


# -- helpers -----------------------------------------------------------------------------------


def _operations(resolver: Resolver, item: Any, where: str) -> list[tuple[str, Mapping[str, Any]]]:
    item = as_object(resolver, item, where)
    return [
        (method, as_object(resolver, item[method], pointer(where, method)))
        for method in METHODS
        if method in item
    ]


def _methods(operations: Mapping[str, Any]) -> str:
    return ", ".join(m.upper() for m in operations) or "no operations"


def _shape(path: str) -> str:
    return VARIABLE.sub("{}", path)


def _components(resolver: Resolver, kind: str) -> Mapping[str, Any]:
    components = resolver.document.get("components", {})
    return as_object(resolver, components.get(kind, {}), f"/components/{kind}")


def _in_components(*pointers: str | None) -> bool:
    return all(p is None or p.startswith("/components/") for p in pointers)


def _refs(value: Any) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _renamed(name: str, schema: Any, candidates: Mapping[str, Any]) -> str | None:
    """Return the new name of a schema that is the same but for its name, if one is."""
    ref = canonical("#" + pointer("/components/schemas", name))
    text = canonical(schema)
    for candidate, other in candidates.items():
        new_ref = canonical("#" + pointer("/components/schemas", candidate))
        if text.replace(ref, new_ref) == canonical(other):
            return candidate
    return None


# Keywords whose values are data, not document: a "$ref" key in them is not a reference.
_DATA_KEYWORDS = frozenset({"example", "default", "enum", "const"})


def _refs_with_pointers(document: Any) -> list[tuple[str, str]]:
    found = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.append((ref, where))
            stack.extend(
                (v, pointer(where, str(k))) for k, v in item.items() if not _is_data(str(k), v)
            )
        elif isinstance(item, list):
            stack.extend((v, pointer(where, i)) for i, v in enumerate(item))
    return found


def _is_data(key: str, value: Any) -> bool:
    # A schema's "examples" is a list of values; a media type's is a map of Example Objects.
    return (
        key in _DATA_KEYWORDS
        or key.startswith("x-")
        or (key == "examples" and isinstance(value, list))
    )
