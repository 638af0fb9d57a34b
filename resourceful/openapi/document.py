"""Build the OpenAPI 3.1 document of an app from its operation records.

:func:`build_document` walks the app's URL map: each rule whose view carries
typed operation records (every resource's view does) becomes a path item,
each record an operation. The records are the ones the router, the binder
and the renderer use, so the document describes exactly what the server
does. Plain function views carry no records and are left out.

The document is built once and cached on the app; it is rebuilt only if
rules are added or the ``OPENAPI_*`` settings change afterwards.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
import typing
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Rule, parse_converter_args
from werkzeug.routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
)

from resourceful.errors import LOCATIONS, PROBLEM_MIMETYPE, DefinitionError
from resourceful.openapi.schema import JSONSchema, SchemaGenerator
from resourceful.operation import PARAMETER_LOCATIONS, Operation, Param

if TYPE_CHECKING:
    from resourceful.app import App

__all__ = ["OPENAPI_VERSION", "build_document", "document_json"]

#: The OpenAPI version of every generated document.
OPENAPI_VERSION = "3.1.0"

#: The config keys the document reads (a change rebuilds the cached document).
CONFIG_KEYS = (
    "OPENAPI_TITLE",
    "OPENAPI_VERSION",
    "OPENAPI_DESCRIPTION",
    "OPENAPI_SERVERS",
    "OPENAPI_SECURITY_SCHEMES",
    "OPENAPI_TYPE_SCHEMAS",
    "REJECT_UNKNOWN_FIELDS",
    "VALIDATION_ERROR_STATUS",
)

_CACHE_KEY = "resourceful.openapi.document"

# The same grammar werkzeug uses for a rule's variable parts.
_VARIABLE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>.*?)\))?:)?"
    r"(?P<variable>[a-zA-Z_][a-zA-Z0-9_]*)>"
)


def build_document(app: App) -> dict[str, Any]:
    """Return the OpenAPI document of ``app`` (a copy of the cached one)."""
    return copy.deepcopy(_cached(app)[0])


def document_json(app: App) -> bytes:
    """Return the OpenAPI document of ``app`` as compact UTF-8 JSON (cached)."""
    return _cached(app)[1]


def _cached(app: App) -> tuple[dict[str, Any], bytes]:
    key = _fingerprint(app)
    cached = app.extensions.get(_CACHE_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    document = _Builder(app).build()
    encoded = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    app.extensions[_CACHE_KEY] = (key, (document, encoded))
    return document, encoded


def _fingerprint(app: App) -> tuple[Any, ...]:
    """Return what the document depends on besides the (immutable) records."""
    rules = tuple((rule.rule, rule.endpoint) for rule in app.url_map.iter_rules())
    settings = repr([app.config.get(key) for key in CONFIG_KEYS])
    return rules, settings


class _Builder:
    """Build one document: paths first, then the components they refer to."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.config = app.config
        self.schemas = SchemaGenerator(
            forbid_unknown_fields=bool(self.config["REJECT_UNKNOWN_FIELDS"]),
            unstructure=_stable_unstructure(app),
            type_schemas=self.config.get("OPENAPI_TYPE_SCHEMAS"),
        )
        #: Tags named after a resource class, with the class docstring's first line.
        self.tags: dict[str, str | None] = {}
        self.operation_ids: dict[str, str] = {}
        self.used_responses: set[str] = set()

    def build(self) -> dict[str, Any]:
        paths = self.paths()
        document: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": self.info()}
        servers = self.servers()
        if servers:
            document["servers"] = servers
        document["paths"] = paths
        tags = [
            {"name": name, "description": description} if description else {"name": name}
            for name, description in self.tags.items()
        ]
        if tags:
            document["tags"] = tags
        components = self.components()
        if components:
            document["components"] = components
        return document

    # -- top level -------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "title": self.config["OPENAPI_TITLE"] or self.app.name,
            "version": str(self.config["OPENAPI_VERSION"]),
        }
        if self.config["OPENAPI_DESCRIPTION"]:
            info["description"] = self.config["OPENAPI_DESCRIPTION"]
        return info

    def servers(self) -> list[dict[str, Any]]:
        servers = self.config["OPENAPI_SERVERS"] or []
        if isinstance(servers, str | Mapping):
            servers = [servers]
        return [{"url": server} if isinstance(server, str) else dict(server) for server in servers]

    def components(self) -> dict[str, Any]:
        components: dict[str, Any] = {}
        if self.used_responses:
            problem = self.schemas.add_component(
                "Problem", problem_schema(), "resourceful's problem details (RFC 9457)"
            )
            status = self.config["VALIDATION_ERROR_STATUS"]
            descriptions = {
                "BadRequest": "The request body could not be parsed.",
                "NotFound": "No resource at this URL: problem details from the resource, or"
                " the app's HTML page when the URL matches no rule.",
                "UnsupportedMediaType": "The request body has the wrong Content-Type.",
                "ValidationFailed": f"The input did not validate ({status}); errors lists"
                " every invalid value with its location and pointer.",
            }
            components["responses"] = {
                name: {
                    "description": descriptions[name],
                    "content": {PROBLEM_MIMETYPE: {"schema": problem}},
                }
                for name in sorted(self.used_responses)
            }
            if "NotFound" in components["responses"]:
                # A URL that matches no rule never reaches a resource: the app
                # answers with its plain (HTML) 404 page, as for any route.
                components["responses"]["NotFound"]["content"]["text/html"] = {
                    "schema": {"type": "string"}
                }
        schemas = self.schemas.components
        if schemas:
            components["schemas"] = schemas
        schemes = self.config["OPENAPI_SECURITY_SCHEMES"]
        if schemes:
            components["securitySchemes"] = {name: dict(schemes[name]) for name in schemes}
        order = ("schemas", "responses", "securitySchemes")
        return {key: components[key] for key in order if key in components}

    # -- paths -------------------------------------------------------------------

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for rule in self.app.url_map.iter_rules():
            view = self.app.view_functions.get(rule.endpoint)
            operations = getattr(view, "operations", None)
            if not operations:
                continue
            path = templated_path(rule.rule)
            item = paths.setdefault(path, {})
            for method, op in sorted(operations.items(), key=_method_order):
                item[method.lower()] = self.operation(rule, op)
        return paths

    def operation(self, rule: Rule, op: Operation) -> dict[str, Any]:
        """Return the OpenAPI operation object of one record on one rule."""
        document: dict[str, Any] = {"tags": list(op.tags) or [self.default_tag(rule, op)]}
        if op.summary:
            document["summary"] = op.summary
        if op.description:
            document["description"] = op.description
        document["operationId"] = self.operation_id(rule, op)
        parameters = self.parameters(rule, op)
        if parameters:
            document["parameters"] = parameters
        body = self.request_body(op)
        if body is not None:
            document["requestBody"] = body
        document["responses"] = self.responses(rule, op)
        if op.deprecated:
            document["deprecated"] = True
        if op.security is not None:
            document["security"] = [
                {name: list(scopes) for name, scopes in requirement.items()}
                for requirement in op.security
            ]
        return document

    def default_tag(self, rule: Rule, op: Operation) -> str:
        """Return the tag of an operation that declares none: its blueprint, or its class."""
        blueprint, dot, _ = str(rule.endpoint).rpartition(".")
        if dot:
            return blueprint
        name = re.sub(r"Resource$", "", op.resource.__name__) or op.resource.__name__
        if name not in self.tags:
            doc = inspect.getdoc(op.resource)
            self.tags[name] = doc.partition("\n")[0] if doc else None
        return name

    def operation_id(self, rule: Rule, op: Operation) -> str:
        """Return the operation's id, made unique in the document.

        The same resource registered twice (a blueprint under two prefixes)
        would repeat ids, so a repeat is prefixed with its blueprint's name.
        """
        operation_id = op.operation_id or f"{op.handler_name}{op.resource.__name__}"
        if operation_id in self.operation_ids:
            blueprint = str(rule.endpoint).rpartition(".")[0]
            if blueprint:
                operation_id = _camel(blueprint) + operation_id[:1].upper() + operation_id[1:]
        owner = self.operation_ids.get(operation_id)
        if owner is not None:
            raise DefinitionError(
                f"{op.qualname} on {rule.rule!r} and {owner} have the same operationId"
                f" {operation_id!r}; operationIds must be unique. Give one its own with"
                f" @operation(operation_id=...)."
            )
        self.operation_ids[operation_id] = f"{op.qualname} on {rule.rule!r}"
        return operation_id

    # -- parameters ----------------------------------------------------------------

    def parameters(self, rule: Rule, op: Operation) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = []
        for param in op.params_in(*PARAMETER_LOCATIONS):
            if param.location == "path":
                parameters.append(
                    {
                        "name": param.wire_name,
                        "in": "path",
                        "required": True,
                        "schema": self.path_schema(rule, param),
                    }
                )
            elif param.is_group:
                for field in self.schemas.fields(param.type, text=True):
                    name = field.wire_name
                    if param.location == "header":
                        name = name.replace("_", "-")
                    parameters.append(
                        _parameter(name, param.location, field.required, dict(field.schema))
                    )
            else:
                schema = self.schemas.text_schema(param.type)
                if not param.required and param.default is not None:
                    schema["default"] = self.schemas.unstructure(param.default)
                parameters.append(
                    _parameter(param.wire_name, param.location, param.required, schema)
                )
        return parameters

    def path_schema(self, rule: Rule, param: Param) -> JSONSchema:
        """Return a path parameter's schema: the annotation's if binding parses the text."""
        if _parses_path(param):
            return self.schemas.text_schema(param.type)
        return converter_schema(self.app, rule, param.wire_name)

    # -- request bodies ----------------------------------------------------------------

    def request_body(self, op: Operation) -> dict[str, Any] | None:
        body = op.params_in("body")
        if body:
            (param,) = body
            content = {"application/json": {"schema": self.schemas.schema(param.type)}}
            return {"required": param.required, "content": content}
        form = op.params_in("form", "files")
        if not form:
            return None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for param in form:
            if param.is_group:
                for field in self.schemas.fields(param.type, text=True):
                    properties[field.wire_name] = field.schema
                    if field.required:
                        required.append(field.wire_name)
                continue
            if param.location == "files":
                schema = _file_schema(param.type)
            else:
                schema = self.schemas.text_schema(param.type)
            properties[param.wire_name] = schema
            if param.required:
                required.append(param.wire_name)
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        media_types = (
            ["multipart/form-data"]
            if any(param.location == "files" for param in form)
            else ["application/x-www-form-urlencoded", "multipart/form-data"]
        )
        return {
            "required": bool(required),
            "content": {media_type: {"schema": schema} for media_type in media_types},
        }

    # -- responses ------------------------------------------------------------------------

    def responses(self, rule: Rule, op: Operation) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for spec in op.responses:
            response: dict[str, Any] = {"description": spec.description}
            if spec.type is not None and spec.media_type is not None:
                schema = {} if spec.type is Any else self.schemas.schema(spec.type)
                response["content"] = {spec.media_type: {"schema": schema}}
            responses[str(spec.status)] = response
        has_body = bool(op.params_in("body", "form", "files"))
        has_input = bool(op.params_in("query", "header", "cookie", "body", "form", "files")) or any(
            _parses_path(param) for param in op.params_in("path")
        )
        errors: list[tuple[int, str]] = []
        if has_body:
            errors.append((400, "BadRequest"))
        if rule.arguments:
            errors.append((404, "NotFound"))
        if has_body:
            errors.append((415, "UnsupportedMediaType"))
        if has_input:
            errors.append((int(self.config["VALIDATION_ERROR_STATUS"]), "ValidationFailed"))
        # With VALIDATION_ERROR_STATUS = 400 one 400 covers both; ValidationFailed says more.
        for status, name in sorted(
            errors, key=lambda item: (item[0], item[1] != "ValidationFailed")
        ):
            key = str(status)
            if key not in responses:
                responses[key] = {"$ref": f"#/components/responses/{name}"}
                self.used_responses.add(name)
        return responses


def templated_path(rule: str) -> str:
    """Turn a werkzeug rule into an OpenAPI path: ``/todos/<int:id>`` -> ``/todos/{id}``."""
    return _VARIABLE.sub(lambda match: "{" + match["variable"] + "}", rule)


def rule_variables(rule: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``(variable, converter name, converter arguments)`` for each rule variable."""
    for match in _VARIABLE.finditer(rule):
        yield match["variable"], match["converter"] or "default", match["arguments"] or ""


def converter_schema(app: App, rule: Rule, variable: str) -> JSONSchema:
    """Return the schema of the values the converter of ``variable`` matches."""
    for name, converter_name, arguments in rule_variables(rule.rule):
        if name == variable:
            args, kwargs = parse_converter_args(arguments)
            converter = app.url_map.converters[converter_name](app.url_map, *args, **kwargs)
            return _schema_of_converter(converter)
    raise KeyError(variable)


def _schema_of_converter(converter: BaseConverter) -> JSONSchema:
    if isinstance(converter, IntegerConverter | FloatConverter):
        schema: JSONSchema = {
            "type": "integer" if isinstance(converter, IntegerConverter) else "number"
        }
        minimum = converter.min
        if minimum is None and not converter.signed:
            minimum = 0
        if minimum is not None:
            schema["minimum"] = minimum
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    if isinstance(converter, PathConverter):
        return {"type": "string", "pattern": "^[^/].*$"}
    # The default (string) converter and custom ones: describe what the regex matches.
    return {"type": "string", "pattern": f"^(?:{converter.regex})$"}


# The converters whose string binding parses with the text rules (others give
# the handler the converter's value as is).
_TEXT_CONVERTERS = frozenset({"default", "string", "any"})


def _parses_path(param: Param) -> bool:
    """Return whether binding parses this path value (and can report it invalid)."""
    return param.converter in _TEXT_CONVERTERS and param.type is not str


def _parameter(name: str, location: str, required: bool, schema: JSONSchema) -> dict[str, Any]:
    """Return a parameter object; the field's description and deprecation move onto it."""
    parameter: dict[str, Any] = {"name": name, "in": location}
    description = schema.pop("description", None)
    if description is not None:
        parameter["description"] = description
    parameter["required"] = required
    if schema.pop("deprecated", False):
        parameter["deprecated"] = True
    parameter["schema"] = schema
    return parameter


def _file_schema(tp: Any) -> JSONSchema:
    """Return the schema of an uploaded file, or of a list of them."""
    binary: JSONSchema = {"type": "string", "format": "binary"}
    args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
    if typing.get_origin(tp) is list or any(typing.get_origin(arg) is list for arg in args):
        return {"type": "array", "items": binary}
    return binary


def _camel(name: str) -> str:
    """Return ``api.v2_admin`` as ``apiV2Admin``."""
    head, *rest = re.split(r"[^A-Za-z0-9]+", name)
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def problem_schema() -> JSONSchema:
    """Return the schema of an RFC 9457 problem-details body, as binding writes it."""
    return {
        "type": "object",
        "description": "An error, as RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string", "format": "uri-reference", "default": "about:blank"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
            "errors": {
                "type": "array",
                "description": "Every invalid input, when the request did not validate.",
                "items": {
                    "type": "object",
                    "properties": {
                        "location": {"type": "string", "enum": list(LOCATIONS)},
                        "pointer": {
                            "type": "string",
                            "description": "An RFC 6901 JSON pointer into the input.",
                        },
                        "detail": {"type": "string"},
                    },
                    "required": ["location", "pointer", "detail"],
                },
            },
        },
        "required": ["type", "title", "status"],
    }


_METHOD_ORDER = {
    method: index
    for index, method in enumerate(
        ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]
    )
}


def _method_order(item: tuple[str, Any]) -> tuple[int, str]:
    return _METHOD_ORDER.get(item[0].upper(), len(_METHOD_ORDER)), item[0]


def _stable_unstructure(app: App) -> Any:
    """Return the app converter's ``unstructure`` with set values sorted."""
    unstructure = app.converter.unstructure

    def stable(value: Any) -> Any:
        result = unstructure(value)
        if isinstance(value, set | frozenset) and isinstance(result, list):
            return sorted(result, key=lambda item: json.dumps(item, sort_keys=True))
        return result

    return stable
