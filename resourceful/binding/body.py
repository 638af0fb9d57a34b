r"""Reading the request body, and the strict reading of JSON.

A body with a ``Content-Length`` is read once and cached on the request.
JSON is read strictly: besides syntax errors, I-JSON (RFC 7493) refuses a
key repeated in one object, ``NaN`` and ``Infinity``, a lone surrogate
escape (a lone ``\uD800`` to ``\uDFFF``), and nesting too deep to parse.
"""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import ClientDisconnected

from ..convert.text_rules import number_too_long
from ..errors import FieldError, RequestValidationError
from ..json.provider import DefaultJSONProvider

if TYPE_CHECKING:
    from werkzeug.wrappers import Request as WerkzeugRequest

    from ..json.provider import JSONProvider

__all__ = [
    "BodyParser",
    "RefusedJSON",
    "read_body",
    "read_json_from_environ",
    "strict_json_loads",
    "too_deep",
]


def read_body(request: WerkzeugRequest) -> bytes:
    """Return the request body, cached on the request as ``request.get_data()`` does.

    PERF: a body with a ``Content-Length`` within ``MAX_CONTENT_LENGTH`` is
    read from ``wsgi.input`` directly, skipping werkzeug's stream wrappers.
    Anything else (a chunked body, a body already read or being streamed, a
    length over the limit, which gives the 413) takes ``get_data()``.
    """
    environ = request.environ
    state = request.__dict__
    length = (
        None
        if "stream" in state or state.get("_cached_data") is not None or request.shallow
        else _plain_length(environ, request.max_content_length)
    )
    if length is None:
        return request.get_data(cache=True)
    data = _read_exactly(environ["wsgi.input"], length) if length else b""
    state["_cached_data"] = data
    # As after get_data(): the body is cached and the stream is used up.
    state["stream"] = io.BytesIO()
    return data


def read_json_from_environ(environ: dict[str, Any], limit: int | None) -> bytes | None:
    """Return a JSON body with a plain ``Content-Length`` read from the environ, or ``None``.

    PERF: for a binder that needs nothing but the body (and the path), so no
    request object is made. ``None`` (read nothing) for anything but
    ``Content-Type: application/json`` with a length within ``limit``: the
    binder then takes the request object, which gives the 413, 415 or the
    chunked reading. ``wsgi.input`` is replaced by a stream of the bytes read,
    so a request object made later reads the same body.
    """
    if environ.get("CONTENT_TYPE") != "application/json":
        return None
    length = _plain_length(environ, limit)
    if length is None:
        return None
    data = _read_exactly(environ["wsgi.input"], length) if length else b""
    environ["wsgi.input"] = io.BytesIO(data)
    return data


def _plain_length(environ: dict[str, Any], limit: int | None) -> int | None:
    """Return the body's length when it can be read from ``wsgi.input`` as it is, else ``None``.

    That is a plain ASCII-digit ``Content-Length`` within ``limit``, not chunked
    and not left for the server to terminate; anything else is werkzeug's to read.
    """
    length_text = environ.get("CONTENT_LENGTH")
    if (
        not length_text
        or not length_text.isdigit()
        or not length_text.isascii()
        or "wsgi.input_terminated" in environ
        or environ.get("HTTP_TRANSFER_ENCODING") == "chunked"
    ):
        return None
    length = int(length_text)
    return None if limit is not None and length > limit else length


def _read_exactly(stream: Any, length: int) -> bytes:
    """Read ``length`` bytes; a client that sends fewer has disconnected (400)."""
    try:
        data: bytes = stream.read(length)
        while len(data) < length:
            more = stream.read(length - len(data))
            if not more:
                raise ClientDisconnected()
            data += more
    except (OSError, ValueError) as exc:
        raise ClientDisconnected() from exc
    return data


class RefusedJSON(ValueError):
    """A body that parses as JSON but that the strict reading refuses (I-JSON, RFC 7493)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise RefusedJSON(
                    f"has the key {json.dumps(key)} twice in one object; send each key once"
                )
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise RefusedJSON(f"contains {name}, which is not a JSON number; send finite numbers only")


_TOO_DEEP = "nests arrays or objects too deeply to be read; send a flatter document"
_STRICT_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_refuse_constant)
#: A ``\\uD800``-``\\uDFFF`` escape: it may be half of a surrogate pair, or alone.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


_JSON_SPACE = " \t\n\r"
#: The strict decoder's C scanner, called without the decoder's Python wrappers.
_STRICT_SCAN: Any = _STRICT_DECODER.scan_once  # type: ignore[attr-defined]


def _text_of(data: bytes) -> str:
    """Decode a JSON body: UTF-8, or the UTF-16/32 that :func:`json.detect_encoding` finds."""
    # PERF: a body that starts with two non-zero bytes, the first ASCII, has
    # no byte order mark and is not UTF-16 or UTF-32: detect_encoding says UTF-8.
    if data and 0 < data[0] < 0x80 and (len(data) < 2 or data[1]):
        return data.decode("utf-8")
    return data.decode(json.detect_encoding(data))


def strict_json_loads(data: bytes) -> Any:
    """Parse ``data`` as JSON the way a request body is read.

    The text is UTF-8 (UTF-16 and UTF-32 are detected, as :func:`json.loads`
    does). Besides syntax errors (:class:`json.JSONDecodeError`) and bytes
    that are not text (:class:`UnicodeDecodeError`), this raises
    :class:`RefusedJSON` for what I-JSON forbids and Python would accept: a
    repeated key (which copy wins differs between parsers), ``NaN`` and
    ``Infinity``, and a lone surrogate escape (not a character, so it cannot
    be stored or encoded). Nesting deeper than Python can parse is refused
    too, instead of failing with :class:`RecursionError`, and so is an
    integer with more digits than Python reads (4,300 by default).
    """
    text = _text_of(data)
    # PERF: the strict decoder's C scanner is called directly, skipping
    # JSONDecoder.decode's wrappers; on any error the decoder itself answers,
    # so the error and its message are the decoder's.
    start = 0
    if text[:1] in _JSON_SPACE:  # NOTE: also for "", which the scanner then refuses
        start = len(text) - len(text.lstrip(_JSON_SPACE))
    try:
        value, end = _STRICT_SCAN(text, start)
    except (StopIteration, ValueError, RecursionError):
        return _strict_loads(text)
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        return _strict_loads(text)
    if _SURROGATE_ESCAPE.search(text) is not None:
        _refuse_lone_surrogates(value)
    return value


def _strict_loads(text: str) -> Any:
    """Parse ``text`` with the strict decoder (a hook checks each object's keys)."""
    try:
        value = _STRICT_DECODER.decode(text)
    except RecursionError:
        raise RefusedJSON(_TOO_DEEP) from None
    except (json.JSONDecodeError, RefusedJSON):
        raise
    except ValueError:  # int() refused an integer's digits (sys.get_int_max_str_digits)
        raise RefusedJSON(number_too_long()) from None
    if _SURROGATE_ESCAPE.search(text) is not None:
        _refuse_lone_surrogates(value)
    return value


def _refuse_lone_surrogates(value: Any) -> None:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise RefusedJSON(
            "contains a lone surrogate escape (\\ud800 to \\udfff without its pair),"
            " which is not a character; send valid Unicode text"
        ) from None


def too_deep() -> RequestValidationError:
    """Return the 400 for a body nested too deeply to read."""
    return RequestValidationError(
        [FieldError("body", "", _TOO_DEEP)],
        status=400,
        detail="The request body is JSON that cannot be accepted.",
    )


class BodyParser:
    """Parses JSON bodies with the app's provider: strictly when it is the default one.

    A replaced provider that overrides ``loads`` parses its own way. The
    choice is remembered for the provider last seen, since ``app.json`` may
    be replaced after the binder is built.
    """

    __slots__ = ("_loads", "_provider")

    def __init__(self) -> None:
        self._provider: JSONProvider | None = None
        self._loads: Any = strict_json_loads

    def parse(self, provider: JSONProvider, data: bytes) -> Any:
        """Return the JSON value of ``data``; raise the 400 for a body that cannot be read."""
        if provider is not self._provider:
            strict = type(provider).loads is DefaultJSONProvider.loads
            self._loads = strict_json_loads if strict else provider.loads
            self._provider = provider
        try:
            return self._loads(data)
        except RefusedJSON as exc:
            raise RequestValidationError(
                [FieldError("body", "", str(exc))],
                status=400,
                detail="The request body is JSON that cannot be accepted.",
            ) from None
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise RequestValidationError(
                [FieldError("body", "", f"is not valid JSON: {exc}")],
                status=400,
                detail="The request body is not valid JSON.",
            ) from None
