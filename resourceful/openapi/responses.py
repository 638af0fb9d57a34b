"""An operation's responses in the document: success, declared and framework errors.

Success bodies are described in the *output* shape (what the renderer
writes). Every error is RFC 9457 problem details: the shared ``Problem``
schema, or a component of its own for a ``Problem`` subclass that declares
its ``type`` URI. Errors the framework itself produces (a body it cannot
parse, a wrong content type, invalid input, an unknown id) refer to shared
responses under ``components/responses``.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from werkzeug.exceptions import HTTPException

from resourceful.conditional import SAFE_METHODS, UNSAFE_METHODS
from resourceful.errors import LOCATIONS, PROBLEM_MIMETYPE, Problem
from resourceful.openapi.names import schema_name
from resourceful.openapi.schema import OUTPUT, JSONSchema, SchemaGenerator
from resourceful.openapi.values import named_examples, response_of
from resourceful.operation import Operation, ResponseSpec

__all__ = ["PROBLEM_SCHEMA_NAME", "Responses", "problem_schema"]

#: The component name of the shared problem-details schema.
PROBLEM_SCHEMA_NAME = "Problem"
_PROBLEM_OWNER = "resourceful's problem details (RFC 9457)"

#: The class attribute a ``Problem`` subclass sets to document its ``type`` URI.
PROBLEM_TYPE_ATTRIBUTE = "problem_type"


class Responses:
    """Describe the responses of every operation of one document."""

    def __init__(self, schemas: SchemaGenerator, validation_status: int) -> None:
        self.schemas = schemas
        self.validation_status = validation_status
        self.used: set[str] = set()

    def of(self, op: Operation, has_variables: bool, takes_input: bool) -> dict[str, Any]:
        """Return the responses object of ``op``."""
        responses: dict[str, Any] = {}
        for spec in op.responses:
            responses[str(spec.status)] = self.response(spec, op.qualname)
        has_body = bool(op.params_in("body", "form", "files"))
        errors: list[tuple[int, str]] = []
        if has_body:
            errors.append((400, "BadRequest"))
        if has_variables:
            errors.append((404, "NotFound"))
        if has_body:
            errors.append((415, "UnsupportedMediaType"))
        if takes_input:
            errors.append((self.validation_status, "ValidationFailed"))
        requirement = op.requirement
        if requirement is not None and requirement.schemes:
            errors.append((401, "Unauthorized"))
            if requirement.requires or any(scheme.may_forbid for scheme in requirement.schemes):
                errors.append((403, "Forbidden"))
        if op.conditional is not None:
            errors = self.conditional(op, responses, errors)
        # With VALIDATION_ERROR_STATUS = 400 one 400 covers both; ValidationFailed says more.
        for status, name in sorted(
            errors, key=lambda item: (item[0], item[1] != "ValidationFailed")
        ):
            key = str(status)
            if key not in responses:
                responses[key] = {"$ref": f"#/components/responses/{name}"}
                self.used.add(name)
        return dict(sorted(responses.items(), key=lambda item: _status_order(item[0])))

    def response(self, spec: ResponseSpec, qualname: str) -> dict[str, Any]:
        """Return the response object of one declared response."""
        response: dict[str, Any] = {"description": spec.description}
        headers = self.headers(spec)
        if headers:
            response["headers"] = headers
        if spec.type is None or spec.media_type is None:
            return response
        if _is_problem(spec.type):
            response["content"] = {PROBLEM_MIMETYPE: {"schema": self.problem(spec.type)}}
            return response
        schema = {} if spec.type is Any else self.schemas.schema(spec.type, OUTPUT)
        media: dict[str, Any] = {"schema": schema}
        if spec.examples:
            media["examples"] = examples(
                self.schemas, spec.examples, spec.type, response_of(spec.status, qualname)
            )
        response["content"] = {spec.media_type: media}
        return response

    def conditional(
        self, op: Operation, responses: dict[str, Any], errors: list[tuple[int, str]]
    ) -> list[tuple[int, str]]:
        """Add what validators add to ``op``'s responses; return its framework errors.

        The 200 carries ``ETag`` (and ``Last-Modified``); a GET can be a 304;
        a failed precondition is a 412, a missing required one a 428, and a
        malformed entity-tag list a 400.
        """
        conditional = op.conditional
        success = responses.get("200")
        if success is not None and op.status == 200 and op.response_type is not None:
            headers = success.setdefault("headers", {})
            headers.update(_validator_headers(conditional))
        if op.method in SAFE_METHODS:
            responses["304"] = {
                "description": "Not modified: the representation you hold (If-None-Match,"
                " If-Modified-Since) is current. No body.",
                "headers": _validator_headers(conditional),
            }
        errors = [error for error in errors if error != (400, "BadRequest")]
        errors.append((400, "BadConditionalRequest"))
        errors.append((412, "PreconditionFailed"))
        if conditional.required and op.method in UNSAFE_METHODS:
            errors.append((428, "PreconditionRequired"))
        return errors

    def headers(self, spec: ResponseSpec) -> dict[str, Any]:
        """Return the header objects of a response: declared ones, Location (201), Allow (405)."""
        headers: dict[str, Any] = {}
        declared = {name.lower() for name in spec.headers}
        if spec.status == 405 and "allow" not in declared:
            headers["Allow"] = {
                "description": "The methods the URL serves (the framework sets it).",
                "schema": {"type": "string"},
            }
        if spec.status == 201 and spec.type is not Any and "location" not in declared:
            # NOTE: created() sets it; a handler that builds its own Response
            # (type Any) says what it sends with response_headers.
            headers["Location"] = {
                "description": "The URL of the created resource, when the handler gives one"
                " (created() does).",
                "schema": {"type": "string", "format": "uri-reference"},
            }
        for name, tp in spec.headers.items():
            headers[name] = {"schema": self.schemas.text_schema(tp)}
        return headers

    def problem(self, cls: type[Any] = Problem) -> JSONSchema:
        """Return a reference to the schema of the problems ``cls`` stands for."""
        shared = self.schemas.add_component(PROBLEM_SCHEMA_NAME, problem_schema(), _PROBLEM_OWNER)
        uri = cls.__dict__.get(PROBLEM_TYPE_ATTRIBUTE) if cls is not Problem else None
        if not isinstance(uri, str):
            return shared
        own: JSONSchema = {
            "allOf": [shared, {"properties": {"type": {"const": uri}}}],
        }
        doc = inspect.getdoc(cls)
        if doc and cls.__doc__ is not Problem.__doc__:
            own["description"] = doc
        return self.schemas.add_component(schema_name(cls), own, _qualified(cls))

    def components(self) -> dict[str, Any]:
        """Return the shared error responses the operations referred to."""
        if not self.used:
            return {}
        problem = self.problem()
        descriptions = {
            "BadRequest": "The request body could not be parsed.",
            "NotFound": "No resource at this URL: the resource has no such item, or the"
            " URL matches no rule (a value the path converter refuses, say).",
            "UnsupportedMediaType": "The request body has the wrong Content-Type.",
            "ValidationFailed": f"The input did not validate ({self.validation_status}); errors"
            " lists every invalid value with its location and pointer.",
            "Unauthorized": "No credentials, malformed ones, or ones that were not accepted;"
            " WWW-Authenticate names the accepted schemes.",
            "Forbidden": "Authenticated, but not allowed: missing_permissions lists the"
            " permissions the operation needs (or a cookie-authenticated change failed the"
            " CSRF check).",
            "BadConditionalRequest": "The request body could not be parsed, or If-Match or"
            " If-None-Match is not * or a list of entity tags (the parameters' pattern).",
            "PreconditionFailed": "A precondition (If-Match, If-None-Match,"
            " If-Unmodified-Since) does not hold for the current representation; nothing"
            " was changed.",
            "PreconditionRequired": "This change must be conditional: send If-Match with the"
            " ETag a GET gave.",
        }
        responses: dict[str, Any] = {
            name: {
                "description": descriptions[name],
                "content": {PROBLEM_MIMETYPE: {"schema": problem}},
            }
            for name in sorted(self.used)
        }
        if "Unauthorized" in responses:
            responses["Unauthorized"]["headers"] = {
                "WWW-Authenticate": {
                    "description": "One challenge per accepted scheme (RFC 9110).",
                    "schema": {"type": "string"},
                }
            }
        # NOTE: a URL that matches no rule is a problem too: every documented path
        # with variables is under the static start of its rule, which the typed
        # layer answers for (resourceful.typed.ProblemScopes).
        return responses


def examples(
    schemas: SchemaGenerator, named: Mapping[str, Any], tp: Any, where: str
) -> dict[str, Any]:
    """Return OpenAPI example objects of ``named`` values of ``tp``, each checked first."""
    found = named_examples(named, tp, where, schemas.unstructure, schemas.structure)
    return {name: {"value": value} for name, value in found.items()}


def _validator_headers(conditional: Any) -> dict[str, Any]:
    """Return the header objects of the validators a ``Conditional`` declares."""
    headers: dict[str, Any] = {}
    if conditional.etag is not False:
        headers["ETag"] = {
            "description": "The representation's entity tag (strong), for If-None-Match and"
            " If-Match.",
            "schema": {"type": "string"},
        }
    if conditional.last_modified is not None:
        headers["Last-Modified"] = {
            "description": "When the representation last changed (an HTTP date), for"
            " If-Modified-Since and If-Unmodified-Since.",
            "schema": {"type": "string"},
        }
    return headers


def _is_problem(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, HTTPException)


def _qualified(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _status_order(status: str) -> tuple[int, str]:
    return (int(status), "") if status.isdigit() else (1000, status)


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
