"""Conditional requests (RFC 9110 §13): validators declared on a resource, checked by the framework.

A resource says how its representations are validated with a
:class:`Conditional`, on the class (every handler of the one
representation: ``get``, ``replace``, ``update``, ``delete``) or on one
operation (``@operation(conditional=...)``, which also gives ``list`` one)::

    class Books(Resource):
        conditional = Conditional()  # ETag: a hash of the JSON body GET sends

        def current(self, book_id: int) -> Book | None:
            return store.find(book_id)

* ``GET``/``HEAD`` answer 200 with ``ETag`` (and ``Last-Modified`` when
  declared); ``If-None-Match`` (weak comparison) or ``If-Modified-Since``
  that matches gives 304 with no body.
* ``PUT``/``PATCH``/``DELETE`` check ``If-Match`` (strong comparison),
  ``If-None-Match`` and ``If-Unmodified-Since`` against the representation
  the class's ``current(...)`` method returns, *before* the handler runs: a
  precondition that fails is a 412 problem; ``required=True`` makes a
  request without ``If-Match`` a 428 problem.

The default ETag is a SHA-1 of the encoded body, as werkzeug's
``Response.add_etag`` computes it (so ETags survive a port from Flask); the
body is hashed as encoded for sending, never encoded twice, and the 304 of a
plain returned value is made from that hash alone (no 200 is made first; a
value returned with headers gets its 200 made and cut down). Such a 304 still
unstructures and encodes, so it costs nearly what its 200 does. ``etag=`` a
function computes the tag from the returned value instead (a version column),
and a 304 then does no rendering at all.

Everything is decided when the app compiles the operation: an operation
without validators runs none of this.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import re
from collections.abc import Callable, Mapping
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Literal

import attrs
from werkzeug.http import http_date, parse_date
from werkzeug.sansio.response import Response as SansIOResponse

from .errors import DefinitionError, Problem, display_name
from .globals import _cv_request
from .render import Reply, prepared_json
from .render import _plain_headers as plain_headers
from .responses import PreparedResponse, split_return

if TYPE_CHECKING:
    from .app import App
    from .operation import Operation
    from .render import Renderer

__all__ = ["SAFE_METHODS", "UNSAFE_METHODS", "Conditional", "entity_tags", "prepare"]

#: The methods whose answer can be 304; the others change state, and fail with 412.
SAFE_METHODS = frozenset({"GET", "HEAD"})
#: The methods checked against ``current(...)`` before the handler runs.
UNSAFE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})

#: The hook a resource class defines to give the current representation.
CURRENT_HOOK = "current"


@attrs.frozen
class Conditional:
    """How a resource's representations are validated (ETag, Last-Modified).

    ``etag``: ``True`` (the default) for a hash of the encoded JSON body; a
    function of the handler's returned value giving the tag's text
    (``lambda book: book.version``: a ``str`` or an ``int``, sent quoted as a
    strong ETag); ``False`` for none. ``last_modified``: a function of the
    value giving a ``datetime`` (naive means UTC), sent as ``Last-Modified``.
    ``required``: ``PUT``, ``PATCH`` and ``DELETE`` without ``If-Match`` are
    refused with 428 (without ETags, ``If-Unmodified-Since`` is what they need).
    """

    etag: bool | Callable[[Any], str | int] = True
    last_modified: Callable[[Any], dt.datetime] | None = None
    required: bool = False

    def __attrs_post_init__(self) -> None:
        if not (isinstance(self.etag, bool) or callable(self.etag)):
            raise DefinitionError(
                f"Conditional(etag={self.etag!r}): etag is True (a hash of the body), a"
                " function of the returned value, or False."
            )
        if self.last_modified is not None and not callable(self.last_modified):
            raise DefinitionError(
                f"Conditional(last_modified={self.last_modified!r}): last_modified is a"
                " function of the returned value giving a datetime, or None."
            )
        if self.etag is False and self.last_modified is None:
            raise DefinitionError(
                "Conditional(etag=False) without last_modified validates nothing. Give"
                " last_modified=..., keep the ETag, or leave conditional out."
            )

    @property
    def hashed(self) -> bool:
        """Whether the ETag is a hash of the encoded body (so it needs rendering)."""
        return self.etag is True


# -- the declaration, checked at class creation ---------------------------------------------


def declared_conditional(
    cls: type[Any], name: str, method: str, member: bool, option: Any
) -> Conditional | None:
    """Return the conditional of handler ``name``: its own (``option``), else its class's.

    The class's applies to the handlers of one representation (member
    handlers, and the handlers named after methods), not to ``list`` or
    ``create``. Raise a definition error for a wrong value or a method
    preconditions do not apply to.
    """
    where = f"{display_name(cls)}.{name}"
    if option is False:
        return None
    if option is not None:
        if not isinstance(option, Conditional):
            raise DefinitionError(
                f"{where}: @operation(conditional={option!r}) takes a"
                " resourceful.conditional.Conditional, or False for none."
            )
        if method not in SAFE_METHODS | UNSAFE_METHODS:
            raise DefinitionError(
                f"{where}: conditional requests apply to GET, PUT, PATCH and DELETE, not"
                f" {method}; remove @operation(conditional=...)."
            )
        return option
    declared = getattr(cls, "conditional", None)
    if declared is None:
        return None
    if not isinstance(declared, Conditional):
        raise DefinitionError(
            f"{display_name(cls)}.conditional = {declared!r}: it takes a"
            " resourceful.conditional.Conditional, e.g. conditional = Conditional()."
        )
    if not member or method not in SAFE_METHODS | UNSAFE_METHODS:
        return None
    return declared


def check_current(cls: type[Any], handlers: Mapping[str, Any]) -> None:
    """Refuse a class whose changing handlers have validators it cannot check.

    ``handlers`` maps names to records with ``method``, ``function`` and
    ``options.conditional`` resolved (:class:`resourceful.resources.Handler`).
    """
    unsafe = [h for h in handlers.values() if h.method in UNSAFE_METHODS and h.conditional]
    if not unsafe:
        return
    current = getattr(cls, CURRENT_HOOK, None)
    names = ", ".join(h.name for h in unsafe)
    if not callable(current):
        raise DefinitionError(
            f"{display_name(cls)} has validators on {names}, so If-Match must be checked"
            f" before the change, against the current representation: define"
            f" `def current(self, ...) -> T | None` returning it (None when there is none),"
            f" taking any of the handlers' parameters by name; or give those handlers"
            f" @operation(conditional=False)."
        )
    takes = _parameters(current)
    for handler in unsafe:
        given = set(_parameters(handler.function))
        missing = [name for name in takes if name not in given]
        if missing:
            raise DefinitionError(
                f"{display_name(cls)}.current takes {', '.join(map(repr, missing))}, which"
                f" {display_name(cls)}.{handler.name} does not: current receives, by name,"
                " values the handler receives (path values, provided values). Remove them"
                " from current, or add them to the handler."
            )
        if handler.conditional.hashed and "get" not in handlers:
            raise DefinitionError(
                f"{display_name(cls)}.{handler.name}: a hashed ETag is the hash of what GET"
                f" sends, and {display_name(cls)} has no get handler. Add one, or give"
                " Conditional(etag=...) a function of the value."
            )


def _parameters(function: Callable[..., Any]) -> tuple[str, ...]:
    parameters = list(inspect.signature(function).parameters.values())
    return tuple(
        p.name
        for p in parameters[1:]  # self
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    )


# -- reading the request's conditions --------------------------------------------------------

_ETAGC = r"[\x21\x23-\x7e\x80-\xff]"
_ENTITY_TAG = rf'(?:W/)?"{_ETAGC}*"'
#: ``*`` or a list of entity tags (RFC 9110 §8.8.3, §5.6.1: empty items allowed).
#: NOTE: each run of spaces belongs to one quantifier only (after a comma or
#: after a tag), so a match never backtracks more than linearly. The same text
#: is the document's ``pattern`` for the two headers, so they say the same set.
ENTITY_TAGS_PATTERN = (
    rf"[ \t]*(?:\*[ \t]*|(?:{_ENTITY_TAG}[ \t]*)?(?:,[ \t]*(?:{_ENTITY_TAG}[ \t]*)?)*)"
)
_ENTITY_TAGS = re.compile(ENTITY_TAGS_PATTERN)
_TAG = re.compile(rf'(W/)?"({_ETAGC}*)"')
_OPAQUE = re.compile(rf"{_ETAGC}*\Z")

#: ``*``: any current representation.
ANY: Literal["*"] = "*"


def entity_tags(value: str, header: str) -> tuple[tuple[bool, str], ...] | Literal["*"]:
    """Return the ``(weak, opaque)`` tags of an ``If-Match``/``If-None-Match`` value, or ``*``.

    A value that is not ``*`` or a list of entity tags is a 400 problem
    naming the header: ignoring it could let a change through that the
    client meant to prevent.
    """
    if _ENTITY_TAGS.fullmatch(value) is None:
        raise Problem(
            400,
            detail=f"The {header} header must be * or a list of entity tags such as"
            f' "a1b2" or W/"a1b2" (quoted), got {value[:80]!r}.',
        )
    if value.strip(" \t") == ANY:
        return ANY
    return tuple((bool(weak), opaque) for weak, opaque in _TAG.findall(value))


def _date(value: str | None) -> dt.datetime | None:
    """Return an HTTP date, or ``None``: an invalid one is ignored (RFC 9110 §13.1.3-4)."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except (ValueError, TypeError, OverflowError):  # pragma: no cover - parse_date catches these
        return None


def _seconds(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` aware, in UTC, to the second (HTTP dates have no fractions)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0)


def _matches(
    tags: tuple[tuple[bool, str], ...] | Literal["*"], etag: str | None, exists: bool, weak: bool
) -> bool:
    if isinstance(tags, str):  # *
        return exists
    if etag is None:
        return False
    if weak:
        return any(opaque == etag for _, opaque in tags)
    return any(not is_weak and opaque == etag for is_weak, opaque in tags)


#: One entity tag and nothing around it: what a client sends back (the tag it was given).
_ONE_TAG = re.compile(rf'(W/)?"{_ETAGC}*"')


def _header_matches(value: str, header: str, etag: str | None, exists: bool, weak: bool) -> bool:
    """Return whether ``If-Match``/``If-None-Match`` ``value`` matches the current ``etag``.

    PERF: a single tag (the one a client was given, sent back) is compared as
    text; anything else is parsed (:func:`entity_tags`). tests/test_conditional.py
    holds the two ways to the same answers.
    """
    if etag is not None:
        quoted = f'"{etag}"'
        if value == quoted or (weak and value == "W/" + quoted):
            return True
        if _ONE_TAG.fullmatch(value) is not None:  # another tag, or this one weak for If-Match
            return False
    return _matches(entity_tags(value, header), etag, exists, weak)


def evaluate(
    environ: Mapping[str, Any],
    safe: bool,
    etag: str | None,
    modified: dt.datetime | None,
    exists: bool,
) -> tuple[int, str] | None:
    """Return ``(304 or 412, the header that decided)``, or ``None`` to go on (RFC 9110 §13.2.2).

    ``etag`` is the opaque text of the current (strong) tag, ``modified`` the
    current modification time to the second; ``exists``: whether there is a
    current representation at all.
    """
    if_match = environ.get("HTTP_IF_MATCH")
    if if_match is not None:
        if not _header_matches(if_match, "If-Match", etag, exists, weak=False):
            return 412, "If-Match"
    elif modified is not None:
        unmodified_since = _date(environ.get("HTTP_IF_UNMODIFIED_SINCE"))
        if unmodified_since is not None and modified > unmodified_since:
            return 412, "If-Unmodified-Since"
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if _header_matches(if_none_match, "If-None-Match", etag, exists, weak=True):
            return (304 if safe else 412), "If-None-Match"
    elif safe and modified is not None:
        modified_since = _date(environ.get("HTTP_IF_MODIFIED_SINCE"))
        if modified_since is not None and modified <= modified_since:
            return 304, "If-Modified-Since"
    return None


_FAILED = {
    "If-Match": "If-Match does not match the current ETag: the resource changed since you"
    " read it, or it does not exist. GET it again and retry with its ETag.",
    "If-Unmodified-Since": "The resource was modified after the If-Unmodified-Since date."
    " GET it again and retry with its Last-Modified date.",
    "If-None-Match": "If-None-Match matches the current representation (with *: the"
    " resource exists).",
}


def _precondition_failed(method: str, header: str) -> Problem:
    return Problem(412, detail=f"The precondition of this {method} failed. {_FAILED[header]}")


# -- validators of one operation, compiled per app ---------------------------------------------


class _Validators:
    """Compute the validators of a value (or of its encoded body) for one operation."""

    __slots__ = ("_etag", "_modified", "_qualname", "hashed")

    def __init__(self, conditional: Conditional, qualname: str) -> None:
        self.hashed = conditional.hashed
        self._etag = conditional.etag if callable(conditional.etag) else None
        self._modified = conditional.last_modified
        self._qualname = qualname

    def tag_of_value(self, value: Any) -> str | None:
        """Return the opaque text of the ETag the user's function gives ``value``."""
        function = self._etag
        if function is None:
            return None
        tag = function(value)
        if isinstance(tag, int) and not isinstance(tag, bool):
            tag = str(tag)
        if not isinstance(tag, str) or _OPAQUE.match(tag) is None:
            raise TypeError(
                f"The etag function of {self._qualname} returned {tag!r}; it must return a"
                " str (or int) of visible ASCII characters other than '\"', such as a version"
                " number. The framework adds the quotes."
            )
        return tag

    def modified_of(self, value: Any) -> dt.datetime | None:
        """Return the Last-Modified time of ``value``, to the second, or ``None``."""
        function = self._modified
        if function is None:
            return None
        moment = function(value)
        if not isinstance(moment, dt.datetime):
            raise TypeError(
                f"The last_modified function of {self._qualname} returned {moment!r}; it must"
                " return a datetime (naive ones are read as UTC)."
            )
        return _seconds(moment)


def body_tag(body: bytes) -> str:
    """Return the opaque text of the ETag of an encoded body (werkzeug's ``generate_etag``)."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def _set_validators(response: Any, etag: str | None, modified: dt.datetime | None) -> None:
    if isinstance(response, PreparedResponse):
        # Written out without a response object: its header list is its own.
        if etag is not None:
            _set_header(response.headers, "ETag", f'"{etag}"')
        if modified is not None:
            _set_header(response.headers, "Last-Modified", http_date(modified))
        return
    if etag is not None:
        response.headers["ETag"] = f'"{etag}"'
    if modified is not None:
        response.headers["Last-Modified"] = http_date(modified)


def _set_header(headers: list[tuple[str, str]], name: str, value: str) -> None:
    """Set ``name`` as ``Headers.__setitem__`` does: in place of the first, the others dropped.

    A validator replaces one the handler set itself, as on a response object.
    """
    lowered = name.lower()
    for index, (key, _) in enumerate(headers):
        if key.lower() == lowered:
            headers[index] = (name, value)
            headers[index + 1 :] = [
                item for item in headers[index + 1 :] if item[0].lower() != lowered
            ]
            return
    headers.append((name, value))


def _not_modified(response: Any) -> Any:
    """Turn a 200 response into its 304: no body, no representation headers.

    PERF: the headers werkzeug would strip from a 304 are removed here, so
    the response goes out without werkzeug copying and filtering them.
    """
    response.status_code = 304
    response.response = []
    headers = response.headers
    kept = [item for item in headers.items() if item[0].lower() not in _NOT_SENT_ON_304]
    headers.clear()
    if kept:
        headers.extend(kept)
    return response


def _prepared_not_modified(headers: list[tuple[str, str]]) -> PreparedResponse:
    """Return the 304 of a written-out 200 with ``headers``, as :func:`_not_modified` makes it."""
    kept = [item for item in headers if item[0].lower() not in _NOT_SENT_ON_304]
    return PreparedResponse(304, kept, b"")


def _bare_not_modified(etag: str | None) -> PreparedResponse:
    """Return the 304 of a written-out 200 whose only header besides the body's is ``ETag``.

    RFC 9110 §15.4.5: of what the 200 sends, a 304 repeats the validator (and
    ``Cache-Control``, ``Vary``..., which such a 200 does not have).
    """
    return PreparedResponse(304, [("ETag", f'"{etag}"')] if etag is not None else [], b"")


#: What a 304 does not carry (werkzeug removes them too; RFC 9110 §15.4.5).
_NOT_SENT_ON_304 = frozenset({"content-type", "content-length", "last-modified"})


class ConditionalRenderer:
    """A renderer that adds validators to 200 responses and answers preconditions.

    For a safe method (GET, HEAD) it evaluates the request's preconditions
    against the value the handler returned: 304, 412 or the 200 with
    ``ETag``/``Last-Modified``. For a changing one it adds the validators of
    the new representation to a 200 (its preconditions were checked before
    the handler, by :class:`Guard`).
    """

    __slots__ = ("_app", "_inner", "_safe", "_status", "_validators")

    def __init__(self, inner: Renderer, validators: _Validators, safe: bool, app: App) -> None:
        self._inner = inner
        self._validators = validators
        self._safe = safe
        self._status = inner.operation.status
        self._app = app

    @property
    def operation(self) -> Operation:
        """The operation rendered."""
        return self._inner.operation

    def render(self, rv: Any, *, prepared: bool = False) -> Any:
        """Return the response for ``rv``, answering the request's preconditions.

        ``prepared`` is the renderer's: the 200 may be written out without a
        response object (:class:`~resourceful.responses.PreparedResponse`).
        """
        if isinstance(rv, SansIOResponse):
            return rv  # the handler built its own: it owns its headers
        status: Any
        headers: Any = None
        if isinstance(rv, Reply):
            value, status, headers = rv.value, rv.status, rv.headers
        elif isinstance(rv, tuple):
            value, status, headers = split_return(rv, lambda: self.operation.qualname)
        else:
            value, status = rv, None
        if value is None or (status if status is not None else self._status) != 200:
            # Validators describe a 200's representation.
            return self._inner.render(rv, prepared=prepared)
        validators = self._validators
        modified = validators.modified_of(value)
        if validators.hashed:
            if not headers and not isinstance(value, SansIOResponse):
                # NOTE: with a provider that makes its own responses this is None
                # after checking the value, which the general path checks again.
                made = self._inner.encoded_body(value)
                if made is not None:
                    return self._answer_encoded(made[0], made[1], modified, prepared)
            response: Any = self._inner.render(rv, prepared=prepared)
            # PERF: the body as encoded for sending; the response keeps the same bytes.
            if isinstance(response, PreparedResponse):
                etag: str | None = body_tag(response.body)
            elif response.status_code != 200:  # pragma: no cover - status checked above
                return response
            else:
                etag = body_tag(response.get_data())
            outcome = self._outcome(etag, modified)
        else:
            etag = validators.tag_of_value(value)
            outcome = self._outcome(etag, modified)
            if outcome is not None and outcome[0] == 304:
                # PERF: the value's own tag matched: no unstructuring, no encoding.
                return self._not_modified_reply(headers, etag, prepared)
            response = self._inner.render(rv, prepared=prepared)
        if outcome is None:
            _set_validators(response, etag, modified)
            return response
        if outcome[0] == 412:
            raise _precondition_failed(self.operation.method, outcome[1])
        if isinstance(response, PreparedResponse):
            # PERF: still no response object: the 304 keeps the 200's headers
            # minus the representation ones, and sends no body.
            _set_validators(response, etag, None)
            return _prepared_not_modified(response.headers)
        _set_validators(response, etag, None)
        return _not_modified(response)

    def _answer_encoded(
        self, mimetype: str, body: bytes, modified: dt.datetime | None, prepared: bool
    ) -> Any:
        """Return the 200 of ``body`` with its validators, or its 304 (a hashed ETag).

        PERF: the general path's answers, made from the encoded body alone:
        one hash, and a 304 is its status line and ``ETag``, nothing else (no
        200 made first and then stripped). With ``prepared`` no response object.
        """
        etag = body_tag(body)
        outcome = self._outcome(etag, modified)
        if outcome is None:
            if prepared:
                validators = [("ETag", f'"{etag}"')]
                if modified is not None:
                    validators.append(("Last-Modified", http_date(modified)))
                return prepared_json(200, mimetype, body, validators)
            # What the renderer makes of the value (encoded_body checked the provider's is).
            response = self._app.response_class(body, status=200, content_type=mimetype)
            _set_validators(response, etag, modified)
            return response
        if outcome[0] == 412:
            raise _precondition_failed(self.operation.method, outcome[1])
        if prepared:
            return _bare_not_modified(etag)
        return self._not_modified_reply(None, etag, prepared=False)

    def _not_modified_reply(self, headers: Any, etag: str | None, prepared: bool) -> Any:
        """Return the 304 of a 200 with the handler's ``headers``, rendering nothing.

        The same headers as the 200 made in full and then stripped: the
        handler's (``Cache-Control``... a cache needs them, RFC 9110 §15.4.5)
        with the validator set among them.
        """
        if prepared:
            if not headers:
                return _bare_not_modified(etag)
            plain = plain_headers(headers)
            if plain is not None:
                if etag is not None:
                    _set_header(plain, "ETag", f'"{etag}"')
                return _prepared_not_modified(plain)
        response = self._app.response_class(status=304)
        if headers:
            response.headers.update(headers)
        _set_validators(response, etag, None)
        return _not_modified(response)

    def _outcome(self, etag: str | None, modified: dt.datetime | None) -> tuple[int, str] | None:
        if not self._safe:  # checked before the handler ran (Guard)
            return None
        environ = _cv_request.get().environ
        return evaluate(environ, True, etag, modified, exists=True)


class Guard:
    """Check a changing request's preconditions against ``current(...)`` before its handler."""

    __slots__ = ("_method", "_names", "_render", "_required", "_required_header", "_validators")

    def __init__(
        self,
        conditional: Conditional,
        validators: _Validators,
        names: tuple[str, ...],
        get_renderer: Renderer | None,
        method: str,
    ) -> None:
        self._validators = validators
        self._names = names
        self._render = get_renderer
        self._required = conditional.required
        self._method = method
        if conditional.required and conditional.etag is False:
            self._required_header = "HTTP_IF_UNMODIFIED_SINCE"
        else:
            self._required_header = "HTTP_IF_MATCH"

    def bound(self, instance: Any, handler: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``handler`` that first checks the request's preconditions."""

        def guarded(**kwargs: Any) -> Any:
            environ = _cv_request.get().environ
            if self._required and self._required_header not in environ:
                raise self._required_problem()
            if (
                "HTTP_IF_MATCH" not in environ
                and "HTTP_IF_NONE_MATCH" not in environ
                and "HTTP_IF_UNMODIFIED_SINCE" not in environ
            ):
                return handler(**kwargs)
            # A value that binding leaves to the handler's default is left to current's.
            given = {name: kwargs[name] for name in self._names if name in kwargs}
            current = getattr(instance, CURRENT_HOOK)(**given)
            if isinstance(current, CoroutineType):  # an async def current
                return self._checked_later(current, environ, handler, kwargs)
            self._check(current, environ)
            return handler(**kwargs)

        return guarded

    async def _checked_later(
        self, current: Any, environ: Mapping[str, Any], handler: Any, kwargs: dict[str, Any]
    ) -> Any:
        self._check(await current, environ)
        result = handler(**kwargs)
        if isinstance(result, CoroutineType):
            result = await result
        return result

    def _check(self, current: Any, environ: Mapping[str, Any]) -> None:
        etag: str | None = None
        modified: dt.datetime | None = None
        if current is not None:
            validators = self._validators
            if validators.hashed:
                assert self._render is not None  # checked at class creation
                made = self._render.encoded_body(current)
                if made is not None:
                    etag = body_tag(made[1])
                else:  # a provider that makes its own responses: only the response says
                    rendered: Any = self._render.render(current)
                    etag = body_tag(rendered.get_data())
            else:
                etag = validators.tag_of_value(current)
            modified = validators.modified_of(current)
        outcome = evaluate(environ, False, etag, modified, exists=current is not None)
        if outcome is not None:
            raise _precondition_failed(self._method, outcome[1])

    def _required_problem(self) -> Problem:
        if self._required_header == "HTTP_IF_MATCH":
            return Problem(
                428,
                detail=f"This {self._method} must be conditional: send If-Match with the ETag"
                " a GET of the resource gave, so that a change made meanwhile is not lost.",
            )
        return Problem(
            428,
            detail=f"This {self._method} must be conditional: send If-Unmodified-Since with"
            " the Last-Modified date a GET of the resource gave.",
        )


def prepare(
    op: Operation, renderer: Renderer, get_renderer: Renderer | None, app: App
) -> tuple[ConditionalRenderer, Guard | None]:
    """Return the renderer (and for a changing method, the guard) of a conditional operation."""
    conditional: Conditional = op.conditional
    validators = _Validators(conditional, op.qualname)
    safe = op.method in SAFE_METHODS
    wrapped = ConditionalRenderer(renderer, validators, safe, app)
    if safe:
        return wrapped, None
    names = _parameters(getattr(op.resource, CURRENT_HOOK))
    return wrapped, Guard(conditional, validators, names, get_renderer, op.method)
