"""Build the OpenAPI 3.1 document of an app from its operation records.

:func:`build_document` walks the app's URL map: each rule whose view serves
typed operations (every resource's view does) becomes a path item, each
record an operation. The records are the ones the router, the binder and
the renderer use, so the document describes exactly what the server does.
Plain function views carry no records and are left out.

The document is built once and cached on the app, as compact JSON (what
the docs routes serve) and as one read-only tree per version (what
``app.openapi()`` hands out, without copying); it is rebuilt only if rules
of typed operations are added or the ``OPENAPI_*`` settings change
afterwards. Everything here runs at definition time, never per request.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from resourceful.errors import DefinitionError
from resourceful.openapi.downgrade import to_openapi_30
from resourceful.openapi.paging import document_paging
from resourceful.openapi.parameters import parameters, request_body, takes_input
from resourceful.openapi.readonly import freeze
from resourceful.openapi.responses import Responses
from resourceful.openapi.schema import SchemaGenerator, SchemaHook
from resourceful.operation import Operation, operations_of
from resourceful.rules import camel_case, templated_path
from resourceful.url_map import rule_count as count_rules

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from resourceful.app import App

__all__ = [
    "OPENAPI_VERSION",
    "build_document",
    "document_json",
    "register_schema_hook",
    "shared_document",
    "templated_path",
]

#: The OpenAPI version of every generated document.
OPENAPI_VERSION = "3.1.0"

#: The config keys the document reads (a change rebuilds the cached document).
CONFIG_KEYS = (
    "OPENAPI_TITLE",
    "OPENAPI_VERSION",
    "OPENAPI_DESCRIPTION",
    "OPENAPI_SERVERS",
    "OPENAPI_SECURITY_SCHEMES",
    "OPENAPI_SECURITY",
    "OPENAPI_TYPE_SCHEMAS",
    "OPENAPI_TAGS",
    "OPENAPI_CONTACT",
    "OPENAPI_LICENSE",
    "OPENAPI_TERMS_OF_SERVICE",
    "OPENAPI_EXTERNAL_DOCS",
    "REJECT_UNKNOWN_FIELDS",
    "VALIDATION_ERROR_STATUS",
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
)

_CACHE_KEY = "resourceful.openapi.document"
_HOOKS_KEY = "resourceful.openapi.schema_hooks"


#: The OpenAPI versions a document can be written in.
VERSIONS = ("3.1", "3.0")


def shared_document(app: App, version: str = "3.1") -> dict[str, Any]:
    """Return the OpenAPI document of ``app`` in ``version`` ("3.1" or "3.0"): shared, read-only.

    This is what ``app.openapi()`` returns. Every call gets the same object
    (until the document is rebuilt): a tree of
    :class:`~resourceful.openapi.readonly.ReadOnlyDict` and ``ReadOnlyList``,
    which read, compare and serialise like plain dicts and lists and refuse
    every change with a message saying how to get a copy
    (``copy.deepcopy``).

    PERF: handing it out costs a check that the app has not changed since
    the build (no copy): FastAPI-style code calls ``app.openapi()`` freely.
    """
    cache = _cached(app)
    document = cache.documents.get(version)
    if document is None:
        document = cache.documents[version] = freeze(json.loads(document_json(app, version)))
    return document


def build_document(app: App, version: str = "3.1") -> dict[str, Any]:
    """Return the OpenAPI document of ``app`` in ``version`` as a fresh copy, free to change.

    PERF: parsed from the cached JSON text, several times cheaper than a deep
    copy of the dicts, but still proportional to the document.
    """
    return json.loads(document_json(app, version))  # type: ignore[no-any-return]


def document_json(app: App, version: str = "3.1") -> bytes:
    """Return the OpenAPI document of ``app`` in ``version`` as compact UTF-8 JSON (cached)."""
    if version not in VERSIONS:
        raise ValueError(
            f"OpenAPI version {version!r} is not one resourceful writes; use '3.1' or '3.0'."
        )
    texts = _cached(app).texts
    text = texts.get(version)
    if text is None:
        # The 3.0 document is derived from the 3.1 one, so the two cannot disagree.
        text = texts[version] = _encode(to_openapi_30(json.loads(texts["3.1"])))
    return text


def register_schema_hook(app: App, match: Any, hook: SchemaHook) -> None:
    """Describe the types ``match`` selects with ``hook(tp, generator)`` in ``app``'s document.

    ``match`` is a type (that type exactly) or a predicate on types, as for
    the converter's ``register_structure_hook`` and
    ``register_structure_hook_func``; register the schema next to the
    converter hooks of the same type. Hooks registered later win, over
    earlier ones and over the built-in ones.
    """
    hooks: list[tuple[Any, SchemaHook]] = app.extensions.setdefault(_HOOKS_KEY, [])
    hooks.append((match, hook))


class _Cache:
    """The document of one state of an app: JSON text and read-only trees, per version."""

    __slots__ = ("documents", "key", "rule_count", "settings", "texts")

    def __init__(self, key: tuple[Any, ...], rule_count: int, settings: tuple[Any, ...]) -> None:
        self.key = key
        self.rule_count = rule_count
        self.settings = settings
        self.texts: dict[str, bytes] = {}
        self.documents: dict[str, dict[str, Any]] = {}


def _cached(app: App) -> _Cache:
    """Return the document of the app's current state, built once per state."""
    cache: _Cache | None = app.extensions.get(_CACHE_KEY)
    rule_count = count_rules(app.url_map)
    settings = _settings(app)
    if cache is not None and cache.settings == settings:
        # PERF: rules are only ever added, so an unchanged count is an unchanged
        # table and the check costs no walk over the rules.
        if cache.rule_count == rule_count:
            return cache
        # NOTE: only the rules of typed operations count: the docs routes that
        # the first request adds must not make the first GET build it again.
        if cache.key == _typed_rules(app):
            cache.rule_count = rule_count
            return cache
    cache = _Cache(_typed_rules(app), rule_count, settings)
    cache.texts["3.1"] = _encode(_Builder(app).build())
    app.extensions[_CACHE_KEY] = cache
    return cache


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _settings(app: App) -> tuple[Any, ...]:
    """Return what the document depends on besides the rules and the (immutable) records."""
    # The repr, not the values: a setting changed in place (a list appended to) counts.
    config = app.config
    hooks = tuple(app.extensions.get(_HOOKS_KEY, ()))
    return repr([config.get(key) for key in CONFIG_KEYS]), hooks, app.converter


def _typed_rules(app: App) -> tuple[tuple[str, Any], ...]:
    """Return the (rule, endpoint) of every rule that serves typed operations."""
    views = app.view_functions
    return tuple(
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if operations_of(views.get(rule.endpoint))
    )


class _Builder:
    """Build one document: paths first, then the components they refer to."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.config = app.config
        self.schemas = SchemaGenerator(
            forbid_unknown_fields=bool(self.config["REJECT_UNKNOWN_FIELDS"]),
            unstructure=_stable_unstructure(app),
            structure=app.converter.structure,
            type_schemas=self.config.get("OPENAPI_TYPE_SCHEMAS"),
            hooks=app.extensions.get(_HOOKS_KEY, ()),
        )
        self.responses = Responses(self.schemas, int(self.config["VALIDATION_ERROR_STATUS"]))
        #: Every tag used, with the description of the first class that uses it.
        self.tags: dict[str, str | None] = {}
        self.operation_ids: dict[str, str] = {}
        #: The security schemes the requirements use, by name.
        self.security_schemes: dict[str, Any] = {}

    def build(self) -> dict[str, Any]:
        paths = self.paths()
        app_requirement = self.app.security_requirement
        default_security = self.config.get("OPENAPI_SECURITY")
        if app_requirement is not None:
            if default_security is not None:
                raise DefinitionError(
                    f"{self.app!r} has both OPENAPI_SECURITY (documentation only) and"
                    " app.require(...) (enforced); the document's default security follows"
                    " from app.require(). Remove OPENAPI_SECURITY."
                )
            default_security = self.requirement(app_requirement, f"{self.app!r}.require()")
        # The shared error responses add the Problem schema: before the schemas are read.
        responses = self.responses.components()
        document: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": self.info()}
        servers = self.servers()
        if servers:
            document["servers"] = servers
        document["paths"] = self.schemas.resolve(paths)
        tags = self.tag_objects()
        if tags:
            document["tags"] = tags
        components: dict[str, Any] = {}
        schemas = self.schemas.components
        if schemas:
            components["schemas"] = schemas
        if responses:
            components["responses"] = responses
        schemes = self.security_scheme_objects()
        if schemes:
            components["securitySchemes"] = schemes
        if components:
            document["components"] = components
        if app_requirement is not None:
            document["security"] = default_security
        elif default_security is not None:
            document["security"] = _security(default_security)
        external = self.config.get("OPENAPI_EXTERNAL_DOCS")
        if external:
            document["externalDocs"] = _link(external)
        return document

    # -- top level -------------------------------------------------------------

    def security_scheme_objects(self) -> dict[str, Any]:
        """Return ``securitySchemes``: the configured ones, then those the requirements use."""
        configured = self.config["OPENAPI_SECURITY_SCHEMES"] or {}
        found = {name: dict(configured[name]) for name in configured}
        for name, scheme in sorted(self.security_schemes.items()):
            if name in found:
                raise DefinitionError(
                    f"OPENAPI_SECURITY_SCHEMES describes {name!r}, which is also the name of"
                    f" the enforced scheme {scheme!r}. Remove it from OPENAPI_SECURITY_SCHEMES"
                    " (the scheme describes itself), or give the scheme another name=... ."
                )
            found[name] = scheme.openapi(self.app)
        return found

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"title": self.config["OPENAPI_TITLE"] or self.app.name}
        if self.config["OPENAPI_DESCRIPTION"]:
            info["description"] = self.config["OPENAPI_DESCRIPTION"]
        terms = self.config.get("OPENAPI_TERMS_OF_SERVICE")
        if terms:
            info["termsOfService"] = str(terms)
        contact = self.config.get("OPENAPI_CONTACT")
        if contact:
            info["contact"] = dict(contact)
        license_ = self.config.get("OPENAPI_LICENSE")
        if license_:
            # A string is an SPDX identifier ("MIT", "Apache-2.0").
            info["license"] = (
                {"name": license_, "identifier": license_}
                if isinstance(license_, str)
                else dict(license_)
            )
        info["version"] = str(self.config["OPENAPI_VERSION"])
        return info

    def servers(self) -> list[dict[str, Any]]:
        servers = self.config["OPENAPI_SERVERS"] or []
        if isinstance(servers, str | Mapping):
            servers = [servers]
        return [{"url": server} if isinstance(server, str) else dict(server) for server in servers]

    def tag_objects(self) -> list[dict[str, Any]]:
        """Return the top-level tags: the configured ones first, then every other tag used."""
        listed: list[dict[str, Any]] = [dict(tag) for tag in self.config.get("OPENAPI_TAGS") or ()]
        known = {tag["name"] for tag in listed}
        for name, description in self.tags.items():
            if name not in known:
                tag = {"name": name, "description": description} if description else {"name": name}
                listed.append(tag)
        return listed

    # -- paths -------------------------------------------------------------------

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for rule in self.app.url_map.iter_rules():
            # The records as this app serves them: providers' parameters, resolved security.
            operations = operations_of(self.app.view_functions.get(rule.endpoint), self.app)
            if not operations:
                continue
            item = paths.setdefault(templated_path(rule.rule), {})
            for method, op in sorted(operations.items(), key=_method_order):
                item[method.lower()] = self.operation(rule, op)
        return paths

    def operation(self, rule: Rule, op: Operation) -> dict[str, Any]:
        """Return the OpenAPI operation object of one record on one rule."""
        document: dict[str, Any] = {"tags": self.operation_tags(op)}
        if op.summary:
            document["summary"] = op.summary
        if op.description:
            document["description"] = op.description
        document["operationId"] = self.operation_id(rule, op)
        found = parameters(self.schemas, self.app.url_map, rule, op)
        if found:
            document["parameters"] = found
        body = request_body(self.schemas, op)
        if body is not None:
            document["requestBody"] = body
        document["responses"] = self.responses.of(op, bool(rule.arguments), takes_input(op))
        document_paging(op, document, self.config)
        if op.deprecated:
            document["deprecated"] = True
        if op.requirement is not None:
            document["security"] = self.requirement(op.requirement, op.qualname)
        elif op.security is not None:
            document["security"] = _security(op.security)
        return document

    def requirement(self, requirement: Any, where: str) -> list[dict[str, list[str]]]:
        """Return a ``Security`` requirement's ``security`` list; note the schemes it uses."""
        for scheme in requirement.schemes:
            known = self.security_schemes.setdefault(scheme.name, scheme)
            if known is not scheme:
                raise DefinitionError(
                    f"{where}: two different security schemes are named {scheme.name!r}"
                    f" ({known!r} and {scheme!r}); the document names each once. Give one"
                    " another name=..., or use the same scheme object."
                )
        return list(requirement.openapi())

    def operation_tags(self, op: Operation) -> list[str]:
        """Return the tags of ``op``: its own, else its class's name; each one is listed."""
        name = re.sub(r"Resource$", "", op.resource.__name__) or op.resource.__name__
        tags = list(op.tags) or [name]
        # The class's own docstring: inspect.getdoc would hand a class without
        # one the docstring of Resource (or another base).
        own = op.resource.__dict__.get("__doc__")
        doc = inspect.cleandoc(own) if isinstance(own, str) else None
        description = doc.partition("\n")[0] if doc else None
        for tag in tags:
            if self.tags.get(tag) is None:
                self.tags[tag] = description
        return tags

    def operation_id(self, rule: Rule, op: Operation) -> str:
        """Return the operation's id, made unique in the document.

        The same resource registered twice (a blueprint under two prefixes)
        would repeat ids, so a repeat is prefixed with its blueprint's name.
        """
        operation_id = op.operation_id or f"{op.handler_name}{op.resource.__name__}"
        if operation_id in self.operation_ids:
            blueprint = str(rule.endpoint).rpartition(".")[0]
            if blueprint:
                operation_id = camel_case(blueprint) + operation_id[:1].upper() + operation_id[1:]
        owner = self.operation_ids.get(operation_id)
        if owner is not None:
            raise DefinitionError(
                f"{op.qualname} on {rule.rule!r} and {owner} have the same operationId"
                f" {operation_id!r}; operationIds must be unique. Give one its own with"
                f" @operation(operation_id=...)."
            )
        self.operation_ids[operation_id] = f"{op.qualname} on {rule.rule!r}"
        return operation_id


def _security(requirements: Sequence[Mapping[str, Sequence[str]]]) -> list[dict[str, list[str]]]:
    return [
        {name: list(scopes) for name, scopes in requirement.items()} for requirement in requirements
    ]


def _link(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """Return an external documentation object from a URL or a mapping."""
    return {"url": value} if isinstance(value, str) else dict(value)


_METHOD_ORDER = {
    method: index
    for index, method in enumerate(
        ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]
    )
}


def _method_order(item: tuple[str, Any]) -> tuple[int, str]:
    return _METHOD_ORDER.get(item[0].upper(), len(_METHOD_ORDER)), item[0]


def _stable_unstructure(app: App) -> Callable[[Any], Any]:
    """Return the app converter's ``unstructure`` with set values sorted."""
    unstructure = app.converter.unstructure

    def stable(value: Any) -> Any:
        result = unstructure(value)
        if isinstance(value, set | frozenset) and isinstance(result, list):
            return sorted(result, key=lambda item: json.dumps(item, sort_keys=True))
        return result

    return stable
