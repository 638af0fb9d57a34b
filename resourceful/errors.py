"""Errors: RFC 9457 problem details, HTTP problems and definition mistakes.

Three kinds of failure live here:

* :class:`Problem` is an HTTP error with a problem-details body
  (``application/problem+json``). Users raise it with their own ``type``,
  ``title``, ``detail`` and ``status``; the binder raises its subclass
  :class:`RequestValidationError` with one :class:`FieldError` per invalid
  input. It subclasses werkzeug's ``HTTPException``, so the app's error
  handling treats it like any other HTTP error.
* :class:`DefinitionError` is raised when a resource or a type is declared
  wrongly. It happens at class creation or registration, never per request,
  and its message names the class, the handler and the fix.
* :class:`ResponseValidationError` is raised when response validation is on
  and a handler returns a value that does not match its declared type.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from .json.provider import compact_encoder

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from typing_extensions import Self
    from werkzeug.wrappers import Request as WSGIRequest

#: The media type of a problem-details body (RFC 9457).
PROBLEM_MIMETYPE = "application/problem+json"

#: Where an invalid input came from, as reported in ``errors[].location``
#: (form fields and uploaded files are part of the body).
LOCATIONS = ("body", "query", "path", "header", "cookie")

# PERF: one encoder for every problem body, not one per json.dumps(..., options) call.
_encode = compact_encoder(ensure_ascii=False, sort_keys=False)
# The encoder's own string quoting, for the members assembled directly (_assemble_json).
_quote: Callable[[str], str] = json.encoder.encode_basestring


#: One invalid input as the binder collects it: ``(location, pointer, detail)``,
#: the fields of a :class:`FieldError` (made only when someone asks for them).
FieldProblem = tuple[str, str, str]


@attrs.frozen
class FieldError:
    """One invalid input: where it is and what is wrong with it.

    ``pointer`` is an RFC 6901 JSON pointer built from wire names
    (``"/items/0/qty"``); ``""`` points at the whole input.
    """

    location: str
    pointer: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form used in a problem's ``errors`` list."""
        return {"location": self.location, "pointer": self.pointer, "detail": self.detail}


@attrs.frozen
class ProblemDetails:
    """The body of an ``application/problem+json`` response (RFC 9457)."""

    status: int
    title: str
    type: str = "about:blank"
    detail: str | None = None
    instance: str | None = None
    errors: tuple[FieldError, ...] = ()
    #: Extra members, serialised next to the standard ones.
    extensions: Mapping[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of this problem."""
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail is not None:
            body["detail"] = self.detail
        if self.instance is not None:
            body["instance"] = self.instance
        if self.errors:
            body["errors"] = [error.to_dict() for error in self.errors]
        for key, value in self.extensions.items():
            body.setdefault(key, value)
        return body

    def to_json(self) -> str:
        """Return the compact JSON text of :meth:`to_dict` (UTF-8, not ASCII-escaped)."""
        if self.extensions:
            return _encode(self.to_dict())
        try:
            return self._assemble_json()
        except TypeError:  # a member that is not a string: let the encoder say so
            return _encode(self.to_dict())

    def _assemble_json(self) -> str:
        # PERF: the members are known, so the text is assembled directly and
        # only the strings go through the (C) string encoder.
        quote = _quote
        parts = [
            '{"type":',
            quote(self.type),
            ',"title":',
            quote(self.title),
            ',"status":',
            int.__repr__(self.status),
        ]
        if self.detail is not None:
            parts += [',"detail":', quote(self.detail)]
        if self.instance is not None:
            parts += [',"instance":', quote(self.instance)]
        if self.errors:
            parts.append(_errors_json([(e.location, e.pointer, e.detail) for e in self.errors]))
        parts.append("}")
        return "".join(parts)


def _errors_json(errors: Iterable[FieldProblem]) -> str:
    """Return the ``,"errors":[...]`` member of a problem body (string members only)."""
    quote = _quote
    return (
        ',"errors":['
        + ",".join(
            [
                f'{{"location":{quote(location)},"pointer":{quote(pointer)},'
                f'"detail":{quote(detail)}}}'
                for location, pointer, detail in errors
            ]
        )
        + "]"
    )


def _status_title(status: int) -> str:
    return HTTP_STATUS_CODES.get(status, "Unknown Error")


class Problem(HTTPException):
    """An HTTP error whose response is an RFC 9457 problem-details document.

    Raise it anywhere a request is handled::

        raise Problem(
            409,
            type="https://example.com/problems/duplicate-title",
            title="Duplicate title",
            detail="A todo titled 'milk' already exists.",
        )

    ``title`` defaults to the status phrase and ``type`` to ``about:blank``.
    Extra keyword arguments become extension members of the body.
    """

    def __new__(cls, status: int = 500, *args: Any, **kwargs: Any) -> Self:
        """Return an instance of :meth:`class_for` ``status``."""
        return super().__new__(cls.class_for(status))

    @classmethod
    def class_for(cls, status: int) -> type[Self]:
        """Return the class of ``cls(status)``: ``cls``, and werkzeug's class for ``status``.

        ``Problem(404)`` is a ``NotFound`` too, so error handlers registered
        for ``NotFound`` (or 404) apply to it. The class is made once per
        class and status; a status werkzeug has no class for gives ``cls``.
        """
        # PERF: every 422 asks; the answer is one dictionary lookup after the first.
        found = _CLASS_FOR.get((cls, status))
        if found is None:
            base = default_exceptions.get(status)
            found = cls if base is None or issubclass(cls, base) else _with_base(cls, base)
            _CLASS_FOR[(cls, status)] = found
        return cast("type[Self]", found)

    def __init__(
        self,
        status: int = 500,
        *,
        title: str | None = None,
        detail: str | None = None,
        type: str = "about:blank",
        instance: str | None = None,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        if not 400 <= status <= 599:
            raise ValueError(
                f"Problem status must be an HTTP error status (400-599), got {status!r}."
            )
        super().__init__(description=detail)
        self.code = status
        self.details = ProblemDetails(
            status=status,
            title=title if title is not None else _status_title(status),
            type=type,
            detail=detail,
            instance=instance,
            errors=tuple(errors),
            extensions=dict(extensions),
        )
        self.headers = dict(headers or {})

    @property
    def name(self) -> str:
        """The problem's title (werkzeug's name for the status phrase)."""
        return self.details.title

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Return the response headers: the problem media type and any extras."""
        return [("Content-Type", PROBLEM_MIMETYPE), *self.headers.items()]

    def get_body(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, Any] | None = None,
    ) -> str:
        """Return the problem document as JSON text."""
        return self.details.to_json()

    def get_response(
        self,
        environ: WSGIEnvironment | WSGIRequest | None = None,
        scope: dict[str, Any] | None = None,
    ) -> Response:
        """Return a problem+json response for this error."""
        status = self.code or 500
        if self.headers:
            return Response(self.get_body(), status, self.get_headers())
        return Response(self.get_body(), status, content_type=PROBLEM_MIMETYPE)

    def __str__(self) -> str:
        text = f"{self.details.status} {self.details.title}"
        return f"{text}: {self.details.detail}" if self.details.detail else text


_P = TypeVar("_P", bound=Problem)


class RequestValidationError(Problem):
    """The request's input did not parse or did not validate.

    Every invalid input is one :class:`FieldError` in :attr:`errors`, so a
    client sees all its mistakes in one response. The binder raises it with
    status 400 for input that cannot be parsed and 422 (the
    ``VALIDATION_ERROR_STATUS`` setting) for input that parses but is invalid.
    ``omitted`` counts the invalid inputs left out of :attr:`errors` (the
    ``MAX_VALIDATION_ERRORS`` setting bounds the list); the detail says how
    many, and so does the member ``omitted_errors``.
    """

    def __new__(
        cls, errors: Iterable[FieldError] = (), *, status: int = 422, **kwargs: Any
    ) -> Self:
        """Return an instance of :meth:`~Problem.class_for` ``status``."""
        return super().__new__(cls, status)

    # PERF: the binder collects invalid inputs as plain tuples (FieldProblem);
    # an error made by :meth:`collected` keeps them, writes its body straight
    # from them and makes the FieldError and ProblemDetails records only when
    # someone reads ``details`` or ``errors``.
    _found: tuple[FieldProblem, ...] | None = None
    _omitted = 0
    _details: ProblemDetails | None = None

    def __init__(
        self,
        errors: Iterable[FieldError],
        *,
        status: int = 422,
        detail: str | None = None,
        title: str | None = None,
        omitted: int = 0,
    ) -> None:
        errors = tuple(errors)
        if detail is None:
            detail = _count_detail(len(errors), omitted)
        # ``omitted_errors``: how many invalid inputs the list leaves out
        # (MAX_VALIDATION_ERRORS bounds the list).
        extensions: dict[str, Any] = {"omitted_errors": omitted} if omitted else {}
        super().__init__(
            status,
            title=title if title is not None else _status_title(status),
            type="about:blank",
            detail=detail,
            errors=errors,
            **extensions,
        )

    @classmethod
    def collected(
        cls, found: Iterable[FieldProblem], *, status: int = 422, omitted: int = 0
    ) -> RequestValidationError:
        """Return the error for the invalid inputs ``found``, as ``(location, pointer, detail)``.

        The same error as ``RequestValidationError([FieldError(*f) for f in
        found], status=status, omitted=omitted)``, made without the records.
        """
        if not 400 <= status <= 599:
            raise ValueError(
                f"Problem status must be an HTTP error status (400-599), got {status!r}."
            )
        found = tuple(found)
        detail = _count_detail(len(found), omitted)
        # PERF: what __new__ and HTTPException.__init__ would do, without
        # their calls: the class for the status, the description, no response.
        exc = Exception.__new__(cls.class_for(status))
        exc.description = detail
        exc.response = None
        exc.code = status
        exc.headers = {}
        exc._found = found
        exc._omitted = omitted
        return exc

    @property
    def details(self) -> ProblemDetails:
        """The problem document (made on first use for an error made by :meth:`collected`)."""
        details = self._details
        if details is None:
            found = self._found or ()
            omitted = self._omitted
            status = self.code or 422
            details = self._details = ProblemDetails(
                status=status,
                title=_status_title(status),
                detail=self.description,
                errors=tuple(FieldError(*item) for item in found),
                extensions={"omitted_errors": omitted} if omitted else {},
            )
        return details

    @details.setter
    def details(self, value: ProblemDetails) -> None:
        self._details = value

    @property
    def errors(self) -> tuple[FieldError, ...]:
        """Every invalid input, in the order found."""
        return self.details.errors

    def get_body(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, Any] | None = None,
    ) -> str:
        """Return the problem document as JSON text."""
        found = self._found
        if self._details is not None or found is None or self._omitted:
            return self.details.to_json()
        status = self.code or 422
        head = _HEADS.get(status)
        if head is None:
            head = _HEADS[status] = _problem_head(status)
        # The members of ProblemDetails._assemble_json, written from the tuples
        # in one join (PERF: the fixed parts are made once per status and location).
        quote = _quote
        parts = [head, quote(self.description or "")]
        if found:
            parts.append(',"errors":[')
            heads = _ERROR_HEADS
            for location, pointer, detail in found:
                error_head = heads.get(location)
                if error_head is None:
                    error_head = '{"location":' + quote(location) + ',"pointer":'
                parts += (error_head, quote(pointer), ',"detail":', quote(detail), "},")
            parts[-1] = "}]}"
        else:
            parts.append("}")
        return "".join(parts)


def _problem_head(status: int) -> str:
    """Return a validation problem's text up to its detail (``{"type":...,"detail":``)."""
    return (
        f'{{"type":"about:blank","title":{_quote(_status_title(status))},'
        f'"status":{int.__repr__(status)},"detail":'
    )


#: The start of a problem body by status (see RequestValidationError.get_body).
_HEADS: dict[int, str] = {}
#: The start of one member of ``errors`` by location, up to its pointer.
_ERROR_HEADS = {
    location: '{"location":' + _quote(location) + ',"pointer":' for location in LOCATIONS
}
#: The detail of a request with 1 to 100 invalid inputs, all listed (PERF: made once).
_COUNT_DETAILS: dict[int, str] = {}


def _count_detail(listed: int, omitted: int) -> str:
    """Say how many invalid inputs a request has, and how many are not listed."""
    if not omitted:
        detail = _COUNT_DETAILS.get(listed)
        if detail is None:
            detail = _count_detail_text(listed, 0)
            if listed <= 100:
                _COUNT_DETAILS[listed] = detail
        return detail
    return _count_detail_text(listed, omitted)


def _count_detail_text(listed: int, omitted: int) -> str:
    count = listed + omitted
    detail = (
        "The request has 1 invalid input."
        if count == 1
        else f"The request has {count} invalid inputs."
    )
    if omitted:
        detail += f" The first {listed} are listed; {omitted} more are not."
    return detail


_CLASS_FOR: dict[tuple[type[Problem], int], type[Problem]] = {}
_WITH_BASE: dict[tuple[type[Problem], type[HTTPException]], type[Problem]] = {}


def _with_base(cls: type[_P], base: type[HTTPException]) -> type[_P]:
    """Return the subclass of ``cls`` and ``base`` named like ``cls`` (made once per pair)."""
    joined = _WITH_BASE.get((cls, base))
    if joined is None:
        joined = _WITH_BASE[(cls, base)] = type(
            cls.__name__, (cls, base), {"__module__": cls.__module__}
        )
    return cast("type[_P]", joined)


def as_problem(exc: HTTPException) -> Problem:
    """Return ``exc`` as a :class:`Problem` that renders as problem+json.

    A :class:`Problem` is returned unchanged. Any other HTTP error becomes a
    problem with the same status, the status phrase as title and the
    exception's description as detail; the result is still an instance of
    ``type(exc)``, so handlers for that class or status still apply. Headers
    the exception carries (``Allow`` on a 405, ``WWW-Authenticate`` on a 401)
    are kept.
    """
    if isinstance(exc, Problem):
        return exc
    status = exc.code if exc.code is not None else 500
    headers = {
        key: value
        for key, value in exc.get_headers()
        if key.lower() not in {"content-type", "content-length"}
    }
    problem_cls = _with_base(Problem, type(exc))
    return problem_cls(status, title=_status_title(status), detail=exc.description, headers=headers)


def display_name(cls: Any) -> str:
    """Return a class's qualified name without ``<locals>`` parts, for messages."""
    name = getattr(cls, "__qualname__", None) or repr(cls)
    return str(name).rsplit("<locals>.", 1)[-1]


class DefinitionError(TypeError):
    """A resource, handler or type is declared in a way resourceful cannot use.

    Raised at class creation or registration, never while serving a request.
    The message names the class, the handler and how to fix the declaration.
    """


class DefinitionWarning(UserWarning):
    """A declaration that works but probably does not do what was meant (a misspelled handler)."""


class RouteConflictError(DefinitionError, ValueError):
    """A registration takes an endpoint, or a rule and method, that another view has.

    One kind for both conflicts, raised by :mod:`resourceful.routing`. It is a
    :class:`DefinitionError` and, as Flask's endpoint clash is, a :class:`ValueError`.
    """


class ResponseValidationError(TypeError):
    """A handler returned a value that does not match its declared response type.

    Raised only when response validation is on (debug or testing by default,
    see ``VALIDATE_RESPONSES``). The message names the handler and every field
    that is wrong.
    """
