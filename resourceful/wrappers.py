"""The request and response objects: werkzeug's, plus what routing and the app add."""

from __future__ import annotations

import io
import json as _stdlib_json
import re
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, unquote_plus, unquote_to_bytes

from werkzeug.datastructures import Headers, MultiDict
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser as _WerkzeugFormDataParser
from werkzeug.utils import cached_property, get_content_type
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse
from werkzeug.wsgi import LimitedStream, get_content_length, get_input_stream

from .globals import _cv_app

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Rule

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Headers werkzeug removes from (or rewrites on) a 304: one with none of them is sent as is.
_NOT_IN_A_304 = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-location",
        "content-md5",
        "content-range",
        "content-type",
        "expires",
        "last-modified",
        "location",
    }
)

_content_types: dict[str, str] = {}


def content_type(mimetype: str) -> str:
    """Return the Content-Type header for ``mimetype`` (``; charset=utf-8`` for text).

    PERF: werkzeug derives it for every response made from a mimetype; the
    request path computes it once per mimetype here (the one cache of it).
    """
    try:
        return _content_types[mimetype]
    except KeyError:
        value = _content_types[mimetype] = get_content_type(mimetype, "utf-8")
        return value


class _AppJSON:
    """Route JSON through the active application's provider.

    werkzeug's request and response call ``json_module.loads`` and
    ``json_module.dumps``. Outside an application context the standard
    library does the work.
    """

    @staticmethod
    def loads(data: str | bytes, **kwargs: Any) -> Any:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.json.loads(data, **kwargs)
        return _stdlib_json.loads(data, **kwargs)

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.json.dumps(obj, **kwargs)
        return _stdlib_json.dumps(obj, **kwargs)


def declared_length(environ: WSGIEnvironment) -> int | None:
    """Return the body length ``Content-Length`` declares, as ``get_content_length`` does.

    An empty header gives ``None`` where werkzeug gives 0: both mean no body.

    PERF: asked on every request with a body limit; a plain length of digits
    is read without werkzeug's parsing, anything else is left to it.
    """
    text = environ.get("CONTENT_LENGTH")
    if not text:
        return None
    if text.isdigit() and text.isascii() and "HTTP_TRANSFER_ENCODING" not in environ:
        return int(text)
    return get_content_length(environ)


def _config_value(key: str, fallback: Any) -> Any:
    ctx = _cv_app.get(None)
    if ctx is None:
        return fallback
    return ctx.app.config[key]


class _CappedStream(LimitedStream):
    """A body of unknown length (chunked) that raises a 413 once it passes ``max_size``.

    werkzeug's own limit stops reading at the limit without an error, so a
    longer body would be silently cut short; reading one byte past the limit
    tells the two apart.
    """

    def __init__(self, stream: IO[bytes], max_size: int) -> None:
        super().__init__(stream, max_size + 1, is_max=True)
        self.max_size = max_size

    def readinto(self, b: Any) -> int | None:
        size = super().readinto(b)
        if self.tell() > self.max_size:
            raise RequestEntityTooLarge(
                f"The request body is longer than {self.max_size} bytes, the most this"
                " server accepts (MAX_CONTENT_LENGTH)."
            )
        return size


class FormDataParser(_WerkzeugFormDataParser):
    """werkzeug's form parser, with ``MAX_FORM_MEMORY_SIZE`` applied to urlencoded fields too.

    werkzeug limits the fields of a multipart form only, since it reads an
    urlencoded body whole; this parser refuses an urlencoded field larger
    than the limit with the same 413.
    """

    def parse(
        self,
        stream: IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str] | None = None,
    ) -> Any:
        """Parse the form, refusing an urlencoded field over ``max_form_memory_size``."""
        limit = self.max_form_memory_size
        if mimetype != "application/x-www-form-urlencoded" or limit is None:
            return super().parse(stream, mimetype, content_length, options)
        data = stream.read()
        # PERF: a body within the limit cannot hold a field over it.
        if len(data) > limit:
            for piece in data.split(b"&"):
                name, _, value = piece.partition(b"=")
                # A field decodes to at most its encoded length.
                if len(value) > limit and (size := len(unquote_to_bytes(value))) > limit:
                    shown = unquote_plus(name[:40].decode("utf-8", "replace"))
                    raise RequestEntityTooLarge(
                        f"The form field {shown!r} is {size} bytes; this server accepts at"
                        f" most {limit} bytes in one field (MAX_FORM_MEMORY_SIZE)."
                    )
        return super().parse(io.BytesIO(data), mimetype, len(data), options)


class Request(_WerkzeugRequest):
    """The incoming request, as :data:`resourceful.request` returns it.

    Besides everything werkzeug's request offers, it knows what the router
    matched (:attr:`url_rule`, :attr:`view_args`, :attr:`endpoint`, the
    blueprints it belongs to) and takes its body limits from the app's config.
    """

    json_module: Any = _AppJSON
    form_data_parser_class = FormDataParser

    #: The rule that matched, or ``None`` before matching or when nothing did.
    url_rule: Rule | None = None
    #: The values of the matched rule's variables.
    view_args: dict[str, Any] | None = None
    #: The routing error (404, 405, a redirect) when matching failed.
    routing_exception: HTTPException | None = None

    # Per-request overrides of the config limits; ``None`` means "use the config".
    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted, from ``MAX_CONTENT_LENGTH`` (``None``: no limit).

        Set it on one request (in a before-request hook, before anything reads
        the body) to give that request another limit than the app's.
        """
        if self._max_content_length is not None:
            return self._max_content_length
        return _config_value("MAX_CONTENT_LENGTH", None)  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field, from ``MAX_FORM_MEMORY_SIZE``; settable per request."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        return _config_value("MAX_FORM_MEMORY_SIZE", 500_000)  # type: ignore[no-any-return]

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """The most multipart form parts, from ``MAX_FORM_PARTS``; settable per request."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        return _config_value("MAX_FORM_PARTS", 1_000)  # type: ignore[no-any-return]

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body as a stream, limited to ``MAX_CONTENT_LENGTH`` (a 413 past it)."""
        if self.shallow:
            raise RuntimeError(
                "This request was created with shallow=True, so reading its body is not allowed."
            )
        limit = self.max_content_length
        environ = self.environ
        if (
            limit is not None
            and self.content_length is None
            and environ.get("wsgi.input_terminated")
        ):
            return cast("IO[bytes]", _CappedStream(environ["wsgi.input"], limit))
        return get_input_stream(environ, max_content_length=limit)

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule."""
        return self.url_rule.endpoint if self.url_rule is not None else None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint that owns the matched endpoint."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The matched blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query string arguments; a malformed query string is a 400."""
        raw = self.query_string
        if not raw:
            return self.parameter_storage_class()
        try:
            # Browsers percent-encode, but raw UTF-8 from other clients is still readable.
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                f"The query string is not valid UTF-8 ({exc.reason} at byte {exc.start})."
            ) from None
        bad = _BAD_ESCAPE.search(text)
        if bad is not None:
            raise BadRequest(
                f"The query string has a malformed percent-escape at position {bad.start()}:"
                f" {text[bad.start() : bad.start() + 3]!r} (expected '%' and two hex digits)."
            )
        try:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                f"The query string is not valid UTF-8 once decoded ({exc.reason})."
            ) from None
        return self.parameter_storage_class(pairs)

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        """Turn a body that is not JSON into a 400 that says what was wrong."""
        if e is None:
            return super().on_json_loading_failed(e)
        raise BadRequest(f"The request body is not valid JSON: {e}") from e


class Response(_WerkzeugResponse):
    """The outgoing response. Plain text bodies default to ``text/html``."""

    default_mimetype: str | None = "text/html"
    json_module: Any = _AppJSON
    autocorrect_location_header = False

    def get_wsgi_response(
        self, environ: WSGIEnvironment
    ) -> tuple[Iterable[bytes], str, list[tuple[str, str]]]:
        """Return ``(app_iter, status, headers)`` for the WSGI server.

        PERF: werkzeug copies the headers to fix up ``Location``,
        ``Content-Location`` and ``Content-Length`` for special statuses. Most
        responses need none of that, so their headers are sent as they are;
        the others take werkzeug's path.
        """
        status = self.status_code
        if status == 304:
            # PERF: a 304 made without entity headers (as conditional GETs make
            # them), with nothing to close, goes out as it is.
            headers = self.headers.to_wsgi_list()
            if (
                type(self.response) is list
                and not getattr(self, "_on_close", True)
                and not any(key.lower() in _NOT_IN_A_304 for key, _ in headers)
            ):
                return [], self.status, headers
            return super().get_wsgi_response(environ)
        if status < 200 or status == 204:
            return super().get_wsgi_response(environ)
        headers = self.headers.to_wsgi_list()
        has_length = False
        for key, _ in headers:
            lowered = key.lower()
            if lowered == "content-length":
                has_length = True
            elif lowered == "location" or lowered == "content-location":
                return super().get_wsgi_response(environ)
        if not has_length and self.automatically_set_content_length and self.is_sequence:
            return super().get_wsgi_response(environ)
        body = self.response
        if (
            type(body) is list
            and len(body) == 1
            and type(body[0]) is bytes
            and not self.direct_passthrough
            and not getattr(self, "_on_close", True)
            and environ["REQUEST_METHOD"] != "HEAD"
        ):
            # A body already encoded in one piece, with nothing to close: the
            # server can take the list as it is.
            return body, self.status, headers
        return self.get_app_iter(environ), self.status, headers

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """Return the headers to send; a 1xx or 204 has no body, so no ``Content-Type``."""
        headers = super().get_wsgi_headers(environ)
        if self.status_code < 200 or self.status_code == 204:
            headers.remove("Content-Type")
        return headers

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """The largest cookie browsers accept, from ``MAX_COOKIE_SIZE``."""
        return _config_value("MAX_COOKIE_SIZE", 4093)  # type: ignore[no-any-return]
