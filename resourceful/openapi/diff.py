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

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from resourceful.openapi.diff_schema import (
    DocumentError,
    Effect,
    Resolver,
    SchemaComparer,
    canonical,
    escape,
    pointer,
)

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
_VARIABLE = re.compile(r"\{[^}/]*\}")


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

    def emitter(self, side: Side, operation: str | None) -> Callable[..., None]:
        def emit(kind: str, effect: Effect, message: str, old: str | None, new: str | None) -> None:
            self.add(kind, effect, side, operation, message, old, new)

        return emit

    # -- paths and operations ------------------------------------------------------------------

    def compare_paths(self) -> None:
        old_paths = _mapping(self.old, self.old.document.get("paths", {}), "/paths")
        new_paths = _mapping(self.new, self.new.document.get("paths", {}), "/paths")
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
                _Operation(self, label, (old_path, new_path)).compare(
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
            a_wire = {k: v for k, v in _mapping(self.old, a, old_where).items() if k in wire}
            b_wire = {k: v for k, v in _mapping(self.new, b, new_where).items() if k in wire}
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


class _Operation:
    """Compare one operation of the two documents."""

    def __init__(self, differ: _Differ, label: str, paths: tuple[str, str]) -> None:
        self.differ = differ
        self.old = differ.old
        self.new = differ.new
        self.label = label
        self.paths = paths

    def add(
        self, kind: str, effect: Effect, side: Side, message: str, old: str | None, new: str | None
    ) -> None:
        self.differ.add(kind, effect, side, self.label, message, old, new)

    def schemas(self, side: Side, subject: str) -> SchemaComparer:
        return SchemaComparer(
            self.old,
            self.new,
            side,
            subject,
            self.differ.emitter(side, self.label),
            self.differ.same,
        )

    def compare(
        self,
        old: tuple[Mapping[str, Any], str, Mapping[str, Any]],
        new: tuple[Mapping[str, Any], str, Mapping[str, Any]],
        method: str,
    ) -> None:
        old_item, old_item_where, old_op = old
        new_item, new_item_where, new_op = new
        old_where = pointer(old_item_where, method)
        new_where = pointer(new_item_where, method)
        for key in ("summary", "description", "tags", "externalDocs"):
            if canonical(old_op.get(key)) != canonical(new_op.get(key)):
                self.add(
                    "doc-changed",
                    Effect.NONE,
                    "operation",
                    f"{key} changed (documentation only)",
                    pointer(old_where, key) if key in old_op else old_where,
                    pointer(new_where, key) if key in new_op else new_where,
                )
        if old_op.get("operationId") != new_op.get("operationId"):
            self.add(
                "operation-id-changed",
                Effect.NONE,
                "operation",
                f"operationId changed from {old_op.get('operationId')!r} to"
                f" {new_op.get('operationId')!r}",
                pointer(old_where, "operationId") if "operationId" in old_op else old_where,
                pointer(new_where, "operationId") if "operationId" in new_op else new_where,
            )
        if bool(old_op.get("deprecated")) != bool(new_op.get("deprecated")):
            now = "deprecated" if new_op.get("deprecated") else "no longer deprecated"
            self.add("deprecated", Effect.NONE, "operation", now, old_where, new_where)

        old_params = self.parameters(self.old, old_item, old_item_where, old_op, old_where)
        new_params = self.parameters(self.new, new_item, new_item_where, new_op, new_where)
        self.compare_parameters(old_params, new_params)
        self.compare_body(old_op, old_where, new_op, new_where)
        self.compare_responses(old_op, old_where, new_op, new_where)
        self.compare_security(old_op, old_where, new_op, new_where)

    # -- parameters ----------------------------------------------------------------------------

    def parameters(
        self,
        resolver: Resolver,
        item: Mapping[str, Any],
        item_where: str,
        op: Mapping[str, Any],
        op_where: str,
    ) -> dict[tuple[str, str], tuple[Mapping[str, Any], str]]:
        """Return the operation's parameters (the path item's, overridden by its own)."""
        found: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
        for owner, where in ((item, item_where), (op, op_where)):
            params = owner.get("parameters", [])
            if not isinstance(params, list):
                raise DocumentError(
                    f"The {resolver.name} document's 'parameters' at {where} is not a list."
                )
            for index, param in enumerate(params):
                param_where = pointer(where, "parameters", index)
                param, param_where = resolver.follow(param, param_where)
                param = _mapping(resolver, param, param_where)
                name, location = param.get("name"), param.get("in")
                if not isinstance(name, str) or not isinstance(location, str):
                    raise DocumentError(
                        f"The {resolver.name} document's parameter at {param_where} needs"
                        " 'name' and 'in'."
                    )
                found[(location, name.lower() if location == "header" else name)] = (
                    param,
                    param_where,
                )
        return found

    def compare_parameters(
        self,
        old: dict[tuple[str, str], tuple[Mapping[str, Any], str]],
        new: dict[tuple[str, str], tuple[Mapping[str, Any], str]],
    ) -> None:
        renamed = self.renamed_path_variables()
        for key, (param, where) in old.items():
            location, name = key
            new_key = (location, renamed.get(name, name)) if location == "path" else key
            if new_key not in new:
                self.add(
                    "parameter-removed",
                    Effect.BREAKS,
                    "request",
                    f"{location} parameter '{param['name']}' removed",
                    where,
                    None,
                )
                continue
            new_param, new_where = new[new_key]
            if new_key != key:
                self.add(
                    "parameter-renamed",
                    Effect.BREAKS,
                    "request",
                    f"path parameter '{param['name']}' renamed to '{new_param['name']}'",
                    pointer(where, "name"),
                    pointer(new_where, "name"),
                )
            self.compare_parameter(param, where, new_param, new_where)
        renamed_to = set(renamed.values())
        for key, (param, where) in new.items():
            location, name = key
            if key in old or (location == "path" and name in renamed_to):
                continue
            required = param.get("required") is True
            self.add(
                "parameter-added",
                Effect.NARROWS if required else Effect.WIDENS,
                "request",
                f"{'required' if required else 'optional'} {location} parameter"
                f" '{param['name']}' added",
                None,
                where,
            )

    def renamed_path_variables(self) -> dict[str, str]:
        old_names = [v[1:-1] for v in _VARIABLE.findall(self.paths[0])]
        new_names = [v[1:-1] for v in _VARIABLE.findall(self.paths[1])]
        return {a: b for a, b in zip(old_names, new_names, strict=False) if a != b}

    def compare_parameter(
        self, old: Mapping[str, Any], old_where: str, new: Mapping[str, Any], new_where: str
    ) -> None:
        subject = f"{old['in']} parameter '{old['name']}'"
        if bool(old.get("required")) != bool(new.get("required")):
            if new.get("required"):
                self.add(
                    "parameter-required",
                    Effect.NARROWS,
                    "request",
                    f"{subject} now required",
                    old_where,
                    pointer(new_where, "required"),
                )
            else:
                self.add(
                    "parameter-optional",
                    Effect.WIDENS,
                    "request",
                    f"{subject} no longer required",
                    pointer(old_where, "required"),
                    new_where,
                )
        old_style, new_style = _serialisation(old), _serialisation(new)
        if old_style != new_style:
            self.add(
                "parameter-style-changed",
                Effect.BREAKS,
                "request",
                f"{subject}: serialisation changed from {_style(old_style)} to {_style(new_style)}",
                old_where,
                new_where,
            )
        if old.get("allowEmptyValue") is True and new.get("allowEmptyValue") is not True:
            self.add(
                "parameter-empty-value",
                Effect.NARROWS,
                "request",
                f"{subject}: no longer allows an empty value",
                pointer(old_where, "allowEmptyValue"),
                new_where,
            )
        for key in ("description", "example", "examples", "deprecated"):
            if canonical(old.get(key)) != canonical(new.get(key)):
                self.add(
                    "doc-changed",
                    Effect.NONE,
                    "request",
                    f"{subject}: {key} changed (documentation only)",
                    pointer(old_where, key) if key in old else old_where,
                    pointer(new_where, key) if key in new else new_where,
                )
        if "content" in old or "content" in new:
            self.compare_content(old, old_where, new, new_where, "request", subject)
        else:
            self.schemas("request", subject).compare(
                old.get("schema", True),
                new.get("schema", True),
                pointer(old_where, "schema"),
                pointer(new_where, "schema"),
            )

    # -- bodies and responses ------------------------------------------------------------------

    def compare_body(
        self, old_op: Mapping[str, Any], old_where: str, new_op: Mapping[str, Any], new_where: str
    ) -> None:
        old_where, new_where = pointer(old_where, "requestBody"), pointer(new_where, "requestBody")
        old, new = old_op.get("requestBody"), new_op.get("requestBody")
        if old is None and new is None:
            return
        if new is None:
            self.add(
                "body-removed",
                Effect.BREAKS,
                "request",
                "request body removed",
                old_where,
                None,
            )
            return
        new, new_where = self.new.follow(new, new_where)
        new = _mapping(self.new, new, new_where)
        if old is None:
            required = new.get("required") is True
            self.add(
                "body-added",
                Effect.NARROWS if required else Effect.WIDENS,
                "request",
                f"{'required' if required else 'optional'} request body added",
                None,
                new_where,
            )
            return
        old, old_where = self.old.follow(old, old_where)
        old = _mapping(self.old, old, old_where)
        if bool(old.get("required")) != bool(new.get("required")):
            required = new.get("required") is True
            self.add(
                "body-required" if required else "body-optional",
                Effect.NARROWS if required else Effect.WIDENS,
                "request",
                "request body now required" if required else "request body no longer required",
                pointer(old_where, "required") if "required" in old else old_where,
                pointer(new_where, "required") if "required" in new else new_where,
            )
        self.compare_content(old, old_where, new, new_where, "request", "request body")

    def compare_responses(
        self, old_op: Mapping[str, Any], old_where: str, new_op: Mapping[str, Any], new_where: str
    ) -> None:
        old_where, new_where = pointer(old_where, "responses"), pointer(new_where, "responses")
        old = _mapping(self.old, old_op.get("responses", {}), old_where)
        new = _mapping(self.new, new_op.get("responses", {}), new_where)
        new_by_status = {str(status).upper(): status for status in new}
        for status, response in old.items():
            where = pointer(old_where, status)
            match = new_by_status.pop(str(status).upper(), None)
            if match is None:
                self.add(
                    "status-removed",
                    Effect.BREAKS,
                    "response",
                    f"response {status} removed",
                    where,
                    None,
                )
                continue
            a, a_where = self.old.follow(response, where)
            b, b_where = self.new.follow(new[match], pointer(new_where, match))
            self.compare_response(
                str(status),
                _mapping(self.old, a, a_where),
                a_where,
                _mapping(self.new, b, b_where),
                b_where,
            )
        for status in new_by_status.values():
            self.add(
                "status-added",
                Effect.NONE,
                "response",
                f"response {status} added",
                None,
                pointer(new_where, status),
            )

    def compare_response(
        self,
        status: str,
        old: Mapping[str, Any],
        old_where: str,
        new: Mapping[str, Any],
        new_where: str,
    ) -> None:
        subject = f"response {status}"
        if canonical(old.get("description")) != canonical(new.get("description")):
            self.add(
                "doc-changed",
                Effect.NONE,
                "response",
                f"{subject}: description changed (documentation only)",
                pointer(old_where, "description"),
                pointer(new_where, "description"),
            )
        self.compare_headers(old, old_where, new, new_where, subject)
        self.compare_content(old, old_where, new, new_where, "response", subject)

    def compare_headers(
        self,
        old: Mapping[str, Any],
        old_where: str,
        new: Mapping[str, Any],
        new_where: str,
        subject: str,
    ) -> None:
        old_headers = _mapping(self.old, old.get("headers", {}), pointer(old_where, "headers"))
        new_headers = _mapping(self.new, new.get("headers", {}), pointer(new_where, "headers"))
        new_by_name = {name.lower(): name for name in new_headers}
        for name, header in old_headers.items():
            a_where = pointer(old_where, "headers", name)
            match = new_by_name.pop(name.lower(), None)
            if match is None:
                self.add(
                    "header-removed",
                    Effect.BREAKS,
                    "response",
                    f"{subject}: header '{name}' removed",
                    a_where,
                    None,
                )
                continue
            a, a_where = self.old.follow(header, a_where)
            b, b_where = self.new.follow(new_headers[match], pointer(new_where, "headers", match))
            a, b = _mapping(self.old, a, a_where), _mapping(self.new, b, b_where)
            header_subject = f"{subject}: header '{name}'"
            if bool(a.get("required")) and not bool(b.get("required")):
                self.add(
                    "header-optional",
                    Effect.WIDENS,
                    "response",
                    f"{header_subject} no longer always sent",
                    pointer(a_where, "required"),
                    b_where,
                )
            elif bool(b.get("required")) and not bool(a.get("required")):
                self.add(
                    "header-required",
                    Effect.NARROWS,
                    "response",
                    f"{header_subject} now always sent",
                    a_where,
                    pointer(b_where, "required"),
                )
            if "content" in a or "content" in b:
                self.compare_content(a, a_where, b, b_where, "response", header_subject)
            else:
                self.schemas("response", header_subject).compare(
                    a.get("schema", True),
                    b.get("schema", True),
                    pointer(a_where, "schema"),
                    pointer(b_where, "schema"),
                )
        for name in new_by_name.values():
            self.add(
                "header-added",
                Effect.NONE,
                "response",
                f"{subject}: header '{name}' added",
                None,
                pointer(new_where, "headers", name),
            )

    def compare_content(
        self,
        old: Mapping[str, Any],
        old_where: str,
        new: Mapping[str, Any],
        new_where: str,
        side: Side,
        subject: str,
    ) -> None:
        old_where, new_where = pointer(old_where, "content"), pointer(new_where, "content")
        old_content = _mapping(self.old, old.get("content", {}), old_where)
        new_content = _mapping(self.new, new.get("content", {}), new_where)
        new_by_type = {_media_type(name): name for name in new_content}
        for name, media in old_content.items():
            a_where = pointer(old_where, name)
            match = new_by_type.pop(_media_type(name), None)
            if match is None:
                self.add(
                    "media-type-removed",
                    Effect.BREAKS,
                    side,
                    f"{subject}: media type {name} removed",
                    a_where,
                    None,
                )
                continue
            b_where = pointer(new_where, match)
            a = _mapping(self.old, media, a_where)
            b = _mapping(self.new, new_content[match], b_where)
            self.schemas(side, f"{subject} ({name})").compare(
                a.get("schema", True),
                b.get("schema", True),
                pointer(a_where, "schema"),
                pointer(b_where, "schema"),
            )
        for name in new_by_type.values():
            self.add(
                "media-type-added",
                # A request accepting one more media type accepts more; a response that
                # may come in another media type is negotiated by the client's Accept.
                Effect.WIDENS if side == "request" else Effect.NONE,
                side,
                f"{subject}: media type {name} added",
                None,
                pointer(new_where, name),
            )

    # -- security ------------------------------------------------------------------------------

    def compare_security(
        self, old_op: Mapping[str, Any], old_where: str, new_op: Mapping[str, Any], new_where: str
    ) -> None:
        old, old_at = _security(self.old, old_op, old_where)
        new, new_at = _security(self.new, new_op, new_where)
        if old == new:
            return
        # A client satisfies one alternative of the old requirement; each must still
        # be enough, that is: contain some alternative of the new one.
        uncovered = [a for a in old if not any(_covers(a, b) for b in new)]
        if uncovered:
            self.add(
                "security-added",
                Effect.BREAKS,
                "request",
                f"security requirement changed from {_show_security(old)} to {_show_security(new)}",
                old_at,
                new_at,
            )
        else:
            self.add(
                "security-removed",
                Effect.WIDENS,
                "request",
                f"security requirement relaxed from {_show_security(old)} to {_show_security(new)}",
                old_at,
                new_at,
            )


# -- helpers -----------------------------------------------------------------------------------


def _mapping(resolver: Resolver, value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DocumentError(
            f"The {resolver.name} document has {type(value).__name__} {value!r} at"
            f" {where or '/'} where an object must be."
        )
    return value


def _operations(resolver: Resolver, item: Any, where: str) -> list[tuple[str, Mapping[str, Any]]]:
    item = _mapping(resolver, item, where)
    return [
        (method, _mapping(resolver, item[method], pointer(where, method)))
        for method in METHODS
        if method in item
    ]


def _methods(operations: Mapping[str, Any]) -> str:
    return ", ".join(m.upper() for m in operations) or "no operations"


def _shape(path: str) -> str:
    return _VARIABLE.sub("{}", path)


def _components(resolver: Resolver, kind: str) -> Mapping[str, Any]:
    components = resolver.document.get("components", {})
    return _mapping(resolver, components.get(kind, {}), f"/components/{kind}")


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


def _refs_with_pointers(document: Any) -> list[tuple[str, str]]:
    found = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.append((ref, where))
            stack.extend((v, pointer(where, str(k))) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, pointer(where, i)) for i, v in enumerate(item))
    return found


def _media_type(name: str) -> str:
    return name.split(";")[0].strip().lower()


def _serialisation(param: Mapping[str, Any]) -> tuple[str, bool]:
    default = "form" if param.get("in") in ("query", "cookie") else "simple"
    style = param.get("style", default)
    return str(style), bool(param.get("explode", style == "form"))


def _style(style: tuple[str, bool]) -> str:
    return f"style {style[0]!r}{' exploded' if style[1] else ''}"


_Requirement = frozenset[tuple[str, frozenset[str]]]


def _security(
    resolver: Resolver, op: Mapping[str, Any], where: str
) -> tuple[list[_Requirement], str]:
    if "security" in op:
        requirements, at = op["security"], pointer(where, "security")
    else:
        requirements, at = resolver.document.get("security", []), "/security"
    if not isinstance(requirements, list):
        raise DocumentError(f"The {resolver.name} document's 'security' at {at} is not a list.")
    found = []
    for index, requirement in enumerate(requirements):
        requirement = _mapping(resolver, requirement, pointer(at, index))
        found.append(
            frozenset((name, frozenset(scopes or ())) for name, scopes in requirement.items())
        )
    # No requirement at all lets anyone in, as an empty alternative does.
    return sorted(found or [frozenset()], key=sorted), at


def _covers(held: _Requirement, required: _Requirement) -> bool:
    """Return whether credentials meeting ``held`` also meet ``required``."""
    scopes = dict(held)
    return all(name in scopes and need <= scopes[name] for name, need in required)


def _show_security(requirements: list[_Requirement]) -> str:
    def one(requirement: _Requirement) -> str:
        if not requirement:
            return "none"
        return " and ".join(
            name + (f" ({', '.join(sorted(scopes))})" if scopes else "")
            for name, scopes in sorted(requirement, key=lambda item: item[0])
        )

    return " or ".join(one(r) for r in requirements)
