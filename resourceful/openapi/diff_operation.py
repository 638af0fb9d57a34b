"""Compare one operation of two OpenAPI documents: parameters, bodies, responses, security.

Part of :mod:`resourceful.openapi.diff`, which walks the paths and hands each
pair of operations to :class:`OperationComparer`. Schemas are compared by
:class:`~resourceful.openapi.diff_schema.SchemaComparer`, for the request or
the response side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from resourceful.openapi.diff_normal import (
    DocumentError,
    Resolver,
    as_object,
    canonical,
    pointer,
)
from resourceful.openapi.diff_schema import Effect, SchemaComparer

if TYPE_CHECKING:
    from resourceful.openapi.diff import Side

__all__ = ["VARIABLE", "OperationComparer"]

#: A path template's variable: ``{todo_id}``.
VARIABLE = re.compile(r"\{[^}/]*\}")

Report = Callable[[str, Effect, "Side", "str | None", str, "str | None", "str | None"], None]


class OperationComparer:
    """Compare one operation of two documents; report each change through ``report``.

    ``report(kind, effect, side, operation, message, old_pointer, new_pointer)``
    is :class:`~resourceful.openapi.diff` 's collector; ``same`` is the cache of
    referenced schemas written alike, shared by all operations.
    """

    def __init__(
        self,
        old: Resolver,
        new: Resolver,
        label: str,
        paths: tuple[str, str],
        report: Report,
        same: dict[tuple[str, str], bool],
    ) -> None:
        self.old = old
        self.new = new
        #: ``"GET /todos/{todo_id}"``.
        self.label = label
        #: The path templates in the old and the new document.
        self.paths = paths
        self.report = report
        self.same = same

    def _add(
        self, kind: str, effect: Effect, side: Side, message: str, old: str | None, new: str | None
    ) -> None:
        self.report(kind, effect, side, self.label, message, old, new)

    def _documentation(
        self,
        side: Side,
        prefix: str,
        keys: tuple[str, ...],
        old: tuple[Mapping[str, Any], str],
        new: tuple[Mapping[str, Any], str],
    ) -> None:
        """Report each of ``keys`` that differs between two objects as documentation only.

        ``old`` and ``new`` are (object, pointer); a key one object lacks is
        reported at that object's pointer.
        """
        (old_object, old_where), (new_object, new_where) = old, new
        for key in keys:
            if canonical(old_object.get(key)) != canonical(new_object.get(key)):
                self._add(
                    "doc-changed",
                    Effect.NONE,
                    side,
                    f"{prefix}{key} changed (documentation only)",
                    pointer(old_where, key) if key in old_object else old_where,
                    pointer(new_where, key) if key in new_object else new_where,
                )

    def _schemas(self, side: Side, subject: str) -> SchemaComparer:
        return SchemaComparer(
            self.old,
            self.new,
            side,
            subject,
            lambda kind, effect, message, old, new: self._add(
                kind, effect, side, message, old, new
            ),
            self.same,
        )

    def compare(
        self,
        old: tuple[Mapping[str, Any], str, Mapping[str, Any]],
        new: tuple[Mapping[str, Any], str, Mapping[str, Any]],
        method: str,
    ) -> None:
        """Compare the operation ``method`` of two path items, each (item, pointer, operation)."""
        old_item, old_item_where, old_op = old
        new_item, new_item_where, new_op = new
        old_where = pointer(old_item_where, method)
        new_where = pointer(new_item_where, method)
        self._documentation(
            "operation",
            "",
            ("summary", "description", "tags", "externalDocs"),
            (old_op, old_where),
            (new_op, new_where),
        )
        if old_op.get("operationId") != new_op.get("operationId"):
            self._add(
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
            self._add("deprecated", Effect.NONE, "operation", now, old_where, new_where)

        old_params = self._parameters(self.old, old_item, old_item_where, old_op, old_where)
        new_params = self._parameters(self.new, new_item, new_item_where, new_op, new_where)
        self._compare_parameters(old_params, new_params)
        self._compare_body(old_op, old_where, new_op, new_where)
        self._compare_responses(old_op, old_where, new_op, new_where)
        self._compare_security(old_op, old_where, new_op, new_where)

    # -- parameters ----------------------------------------------------------------------------

    def _parameters(
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
                param = as_object(resolver, param, param_where)
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

    def _compare_parameters(
        self,
        old: dict[tuple[str, str], tuple[Mapping[str, Any], str]],
        new: dict[tuple[str, str], tuple[Mapping[str, Any], str]],
    ) -> None:
        renamed = self._renamed_path_variables()
        for key, (param, where) in old.items():
            location, name = key
            new_key = (location, renamed.get(name, name)) if location == "path" else key
            if new_key not in new:
                self._add(
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
                self._add(
                    "parameter-renamed",
                    Effect.BREAKS,
                    "request",
                    f"path parameter '{param['name']}' renamed to '{new_param['name']}'",
                    pointer(where, "name"),
                    pointer(new_where, "name"),
                )
            self._compare_parameter(param, where, new_param, new_where)
        renamed_to = set(renamed.values())
        for key, (param, where) in new.items():
            location, name = key
            if key in old or (location == "path" and name in renamed_to):
                continue
            required = param.get("required") is True
            self._add(
                "parameter-added",
                Effect.NARROWS if required else Effect.WIDENS,
                "request",
                f"{'required' if required else 'optional'} {location} parameter"
                f" '{param['name']}' added",
                None,
                where,
            )

    def _renamed_path_variables(self) -> dict[str, str]:
        old_names = [v[1:-1] for v in VARIABLE.findall(self.paths[0])]
        new_names = [v[1:-1] for v in VARIABLE.findall(self.paths[1])]
        return {a: b for a, b in zip(old_names, new_names, strict=False) if a != b}

    def _compare_parameter(
        self, old: Mapping[str, Any], old_where: str, new: Mapping[str, Any], new_where: str
    ) -> None:
        subject = f"{old['in']} parameter '{old['name']}'"
        if bool(old.get("required")) != bool(new.get("required")):
            if new.get("required"):
                self._add(
                    "parameter-required",
                    Effect.NARROWS,
                    "request",
                    f"{subject} now required",
                    old_where,
                    pointer(new_where, "required"),
                )
            else:
                self._add(
                    "parameter-optional",
                    Effect.WIDENS,
                    "request",
                    f"{subject} no longer required",
                    pointer(old_where, "required"),
                    new_where,
                )
        old_style, new_style = _serialisation(old), _serialisation(new)
        if old_style != new_style:
            self._add(
                "parameter-style-changed",
                Effect.BREAKS,
                "request",
                f"{subject}: serialisation changed from {_style(old_style)} to {_style(new_style)}",
                old_where,
                new_where,
            )
        if old.get("allowEmptyValue") is True and new.get("allowEmptyValue") is not True:
            self._add(
                "parameter-empty-value",
                Effect.NARROWS,
                "request",
                f"{subject}: no longer allows an empty value",
                pointer(old_where, "allowEmptyValue"),
                new_where,
            )
        self._documentation(
            "request",
            f"{subject}: ",
            ("description", "example", "examples", "deprecated"),
            (old, old_where),
            (new, new_where),
        )
        self._compare_value("request", subject, (old, old_where), (new, new_where))

    def _compare_value(
        self,
        side: Side,
        subject: str,
        old: tuple[Mapping[str, Any], str],
        new: tuple[Mapping[str, Any], str],
    ) -> None:
        """Compare the values a parameter or a header describes: by ``content``, else ``schema``."""
        (old_object, old_where), (new_object, new_where) = old, new
        if "content" in old_object or "content" in new_object:
            self._compare_content(old_object, old_where, new_object, new_where, side, subject)
        else:
            self._schemas(side, subject).compare(
                old_object.get("schema", True),
                new_object.get("schema", True),
                pointer(old_where, "schema"),
                pointer(new_where, "schema"),
            )

    # -- bodies and responses ------------------------------------------------------------------

    def _compare_body(
        self, old_op: Mapping[str, Any], old_where: str, new_op: Mapping[str, Any], new_where: str
    ) -> None:
        old_where, new_where = pointer(old_where, "requestBody"), pointer(new_where, "requestBody")
        old, new = old_op.get("requestBody"), new_op.get("requestBody")
        if old is None and new is None:
            return
        if new is None:
            self._add(
                "body-removed",
                Effect.BREAKS,
                "request",
                "request body removed",
                old_where,
                None,
            )
            return
        new, new_where = self.new.follow(new, new_where)
        new = as_object(self.new, new, new_where)
        if old is None:
            required = new.get("required") is True
            self._add(
                "body-added",
                Effect.NARROWS if required else Effect.WIDENS,
                "request",
                f"{'required' if required else 'optional'} request body added",
                None,
                new_where,
            )
            return
        old, old_where = self.old.follow(old, old_where)
        old = as_object(self.old, old, old_where)
        if bool(old.get("required")) != bool(new.get("required")):
            required = new.get("required") is True
            self._add(
                "body-required" if required else "body-optional",
                Effect.NARROWS if required else Effect.WIDENS,
                "request",
                "request body now required" if required else "request body no longer required",
                pointer(old_where, "required") if "required" in old else old_where,
                pointer(new_where, "required") if "required" in new else new_where,
            )
        self._compare_content(old, old_where, new, new_where, "request", "request body")

    def _compare_responses(
        self, old_op: Mapping[str, Any], old_where: str, new_op: Mapping[str, Any], new_where: str
    ) -> None:
        old_where, new_where = pointer(old_where, "responses"), pointer(new_where, "responses")
        old = as_object(self.old, old_op.get("responses", {}), old_where)
        new = as_object(self.new, new_op.get("responses", {}), new_where)
        new_by_status = {str(status).upper(): status for status in new}
        for status, response in old.items():
            where = pointer(old_where, status)
            match = new_by_status.pop(str(status).upper(), None)
            if match is None:
                self._add(
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
            self._compare_response(
                str(status),
                as_object(self.old, a, a_where),
                a_where,
                as_object(self.new, b, b_where),
                b_where,
            )
        for status in new_by_status.values():
            self._add(
                "status-added",
                Effect.NONE,
                "response",
                f"response {status} added",
                None,
                pointer(new_where, status),
            )

    def _compare_response(
        self,
        status: str,
        old: Mapping[str, Any],
        old_where: str,
        new: Mapping[str, Any],
        new_where: str,
    ) -> None:
        subject = f"response {status}"
        self._documentation(
            "response", f"{subject}: ", ("description",), (old, old_where), (new, new_where)
        )
        self._compare_headers(old, old_where, new, new_where, subject)
        self._compare_content(old, old_where, new, new_where, "response", subject)

    def _compare_headers(
        self,
        old: Mapping[str, Any],
        old_where: str,
        new: Mapping[str, Any],
        new_where: str,
        subject: str,
    ) -> None:
        old_headers = as_object(self.old, old.get("headers", {}), pointer(old_where, "headers"))
        new_headers = as_object(self.new, new.get("headers", {}), pointer(new_where, "headers"))
        new_by_name = {name.lower(): name for name in new_headers}
        for name, header in old_headers.items():
            a_where = pointer(old_where, "headers", name)
            match = new_by_name.pop(name.lower(), None)
            if match is None:
                self._add(
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
            a, b = as_object(self.old, a, a_where), as_object(self.new, b, b_where)
            header_subject = f"{subject}: header '{name}'"
            if bool(a.get("required")) and not bool(b.get("required")):
                self._add(
                    "header-optional",
                    Effect.WIDENS,
                    "response",
                    f"{header_subject} no longer always sent",
                    pointer(a_where, "required"),
                    b_where,
                )
            elif bool(b.get("required")) and not bool(a.get("required")):
                self._add(
                    "header-required",
                    Effect.NARROWS,
                    "response",
                    f"{header_subject} now always sent",
                    a_where,
                    pointer(b_where, "required"),
                )
            self._compare_value("response", header_subject, (a, a_where), (b, b_where))
        for name in new_by_name.values():
            self._add(
                "header-added",
                Effect.NONE,
                "response",
                f"{subject}: header '{name}' added",
                None,
                pointer(new_where, "headers", name),
            )

    def _compare_content(
        self,
        old: Mapping[str, Any],
        old_where: str,
        new: Mapping[str, Any],
        new_where: str,
        side: Side,
        subject: str,
    ) -> None:
        old_where, new_where = pointer(old_where, "content"), pointer(new_where, "content")
        old_content = as_object(self.old, old.get("content", {}), old_where)
        new_content = as_object(self.new, new.get("content", {}), new_where)
        new_by_type = {_media_type(name): name for name in new_content}
        for name, media in old_content.items():
            a_where = pointer(old_where, name)
            match = new_by_type.pop(_media_type(name), None)
            if match is None:
                self._add(
                    "media-type-removed",
                    Effect.BREAKS,
                    side,
                    f"{subject}: media type {name} removed",
                    a_where,
                    None,
                )
                continue
            b_where = pointer(new_where, match)
            a = as_object(self.old, media, a_where)
            b = as_object(self.new, new_content[match], b_where)
            self._schemas(side, f"{subject} ({name})").compare(
                a.get("schema", True),
                b.get("schema", True),
                pointer(a_where, "schema"),
                pointer(b_where, "schema"),
            )
        for name in new_by_type.values():
            self._add(
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

    def _compare_security(
        self, old_op: Mapping[str, Any], old_where: str, new_op: Mapping[str, Any], new_where: str
    ) -> None:
        old, old_at = _security(self.old, old_op, old_where)
        new, new_at = _security(self.new, new_op, new_where)
        if set(old) == set(new):
            return  # The same alternatives, maybe in another order.
        # A client satisfies one alternative of the old requirement; each must still
        # be enough, that is: contain some alternative of the new one.
        uncovered = [a for a in old if not any(_covers(a, b) for b in new)]
        if uncovered:
            self._add(
                "security-added",
                Effect.BREAKS,
                "request",
                f"security requirement changed from {_show_security(old)} to {_show_security(new)}",
                old_at,
                new_at,
            )
        else:
            self._add(
                "security-removed",
                Effect.WIDENS,
                "request",
                f"security requirement relaxed from {_show_security(old)} to {_show_security(new)}",
                old_at,
                new_at,
            )


# -- helpers ---------------------------------------------------------------------------------------


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
        requirement = as_object(resolver, requirement, pointer(at, index))
        found.append(
            frozenset((name, frozenset(scopes or ())) for name, scopes in requirement.items())
        )
    # No requirement at all lets anyone in, as an empty alternative does.
    return sorted(found or [frozenset()], key=lambda r: sorted((n, sorted(s)) for n, s in r)), at


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
