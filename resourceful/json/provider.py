"""JSON providers: how an application turns Python values into JSON and back.

Every JSON operation of an application goes through ``app.json``, an instance
of ``app.json_provider_class``: returning a dict or a list from a view,
:func:`~resourceful.json.jsonify`, ``Response.json`` and ``Request.get_json``.
Replace the provider class (or assign another instance to ``app.json``) to use
another JSON library or other encoding rules.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import IO, TYPE_CHECKING, Any, Literal

import attrs
import cattrs
from werkzeug.http import http_date

from ..globals import _cv_app
from ..wrappers import content_type

if TYPE_CHECKING:
    from ..app import App
    from ..wrappers import Response


class JSONProvider:
    """Define the JSON operations of one application.

    Subclasses implement at least :meth:`dumps` and :meth:`loads`; the file
    variants and :meth:`response` are written in terms of those two.
    """

    def __init__(self, app: App) -> None:
        self._app = app

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement dumps(obj, **kwargs) -> str."
        )

    def dump(self, obj: Any, fp: IO[str], **kwargs: Any) -> None:
        """Serialize ``obj`` as JSON into the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse the JSON document ``s``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement loads(s, **kwargs) -> Any."
        )

    def load(self, fp: IO[str] | IO[bytes], **kwargs: Any) -> Any:
        """Parse the JSON document read from the file ``fp``."""
        return self.loads(fp.read(), **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Build a JSON response from positional or keyword arguments.

        No argument gives ``null``, one positional argument is used as is,
        several become a list, keyword arguments become an object. Mixing
        positional and keyword arguments is an error.
        """
        obj = response_payload(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")

    def response_with_status(self, obj: Any, status: int | str) -> Response:
        """Return the JSON response of the single value ``obj`` with ``status``.

        The typed renderer calls it for every handler value, so a provider
        that changes :meth:`response` changes typed responses too.
        """
        response = self.response(obj)
        if isinstance(status, str):
            response.status = status
        else:
            response.status_code = status
        return response


def response_payload(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Choose what a ``jsonify``-style call serializes."""
    if args and kwargs:
        raise TypeError(
            "A JSON response takes either positional or keyword arguments, not both;"
            f" got {len(args)} positional and keyword(s) {sorted(kwargs)}."
            " Pass one dict instead, e.g. jsonify({'items': items, 'total': total})."
        )
    if kwargs:
        return kwargs
    if not args:
        return None
    if len(args) == 1:
        return args[0]
    return list(args)


#: Used to unstructure attrs instances when there is no application (for
#: example :func:`resourceful.json.dumps` outside an app context).
_fallback_converter = cattrs.Converter()


#: How the JSON provider writes a date or datetime: ``"http"``, an HTTP date
#: (RFC 9110, as Flask does), or ``"iso"``, ISO 8601 (``date.isoformat()``).
DatetimeFormat = Literal["http", "iso"]


def compact_encoder(
    *, ensure_ascii: bool, sort_keys: bool, default: Callable[[Any], Any] | None = None
) -> Callable[[Any], str]:
    """Return the ``encode`` of a JSON encoder that writes no whitespace.

    JSON responses, typed handler values and problem details are all encoded
    by encoders made here (a problem with only string members is assembled
    around the same string quoting, see :mod:`resourceful.errors`).

    PERF: ``json.dumps(obj, **options)`` builds a new encoder per call; callers
    build one per settings with this and reuse it.
    """
    encoder = json.JSONEncoder(
        separators=(",", ":"), default=default, ensure_ascii=ensure_ascii, sort_keys=sort_keys
    )
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython without its _json accelerator
        return encoder.encode
    # PERF: JSONEncoder.encode builds its C encoder (and a closure) on every
    # call; this is the same C encoder, made with the same arguments, with
    # fresh circular-reference markers per call as iterencode gives it.
    quote = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    fallback = encoder.default

    def encode(obj: Any) -> str:
        if isinstance(obj, str):
            return quote(obj)
        chunks = make({}, fallback, quote, None, ":", ",", sort_keys, False, True)(obj, 0)
        return "".join(chunks)

    return encode


def default_encoding(
    obj: Any, converter: cattrs.Converter | None = None, datetime_format: DatetimeFormat = "http"
) -> Any:
    """Return a JSON-serializable form of ``obj``, or raise :class:`TypeError`.

    This is the ``default`` hook of :class:`DefaultJSONProvider`: it is called
    by :mod:`json` for every value it cannot encode natively.
    """
    if isinstance(obj, date):
        # NOTE: a datetime is a date; both follow the one setting,
        # DefaultJSONProvider.datetime_format.
        if datetime_format == "iso":
            return obj.isoformat()
        return http_date(obj)
    if isinstance(obj, decimal.Decimal | uuid.UUID):
        return str(obj)
    if attrs.has(type(obj)):
        return (converter or _fallback_converter).unstructure(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    html = getattr(obj, "__html__", None)
    if callable(html):
        return str(html())
    raise TypeError(
        f"Object of type {type(obj).__qualname__} is not JSON serializable."
        " Convert it to a dict, list, str, number, bool or None first, make it an attrs"
        " class or a dataclass, or subclass DefaultJSONProvider and extend default()."
    )


class DefaultJSONProvider(JSONProvider):
    """Encode with the standard library :mod:`json`, extended for common types.

    Beyond what :mod:`json` handles, values are encoded as follows:

    - :class:`datetime.datetime` and :class:`datetime.date`: an HTTP date
      string (``"Wed, 21 Oct 2015 07:28:00 GMT"``), or ISO 8601 with
      :attr:`datetime_format` ``"iso"``;
    - :class:`decimal.Decimal` and :class:`uuid.UUID`: their string form;
    - attrs instances: unstructured through the application's cattrs
      converter (``app.converter``), so field renames and hooks apply;
    - dataclasses: :func:`dataclasses.asdict`;
    - objects with an ``__html__`` method (such as ``Markup``): its result.

    Anything else raises :class:`TypeError` naming the type.
    """

    #: Sort the keys of every object, so equal data gives equal output (and
    #: cacheable responses).
    sort_keys: bool = True

    #: Escape non-ASCII characters as ``\\uXXXX``.
    ensure_ascii: bool = True

    #: ``True``: no whitespace in :meth:`response` output. ``False``: indented.
    #: ``None``: indented when the application is in debug mode.
    compact: bool | None = None

    #: The mimetype of :meth:`response`.
    mimetype: str = "application/json"

    #: How dates and datetimes are written: ``"http"`` (the default, as in
    #: Flask) or ``"iso"``. It applies to the values this provider encodes
    #: itself (plain views, :func:`~resourceful.json.jsonify`); attrs instances
    #: and typed handler values are unstructured by the app's converter, which
    #: writes ISO 8601 as their OpenAPI schema says.
    datetime_format: DatetimeFormat = "http"

    _compact_encoder: tuple[tuple[bool, bool, str], Callable[[Any], str]] | None = None

    @staticmethod
    def default(obj: Any) -> Any:
        """Encode a value :mod:`json` does not handle (see the class docs).

        A static method, as in Flask, so a custom encoder can fall back on
        ``DefaultJSONProvider.default(obj)``. Called that way it uses the
        current app's converter and date format, if an app context is pushed.
        """
        app = _cv_app.get(None)
        if app is None:
            return default_encoding(obj)
        provider = app.app.json
        datetime_format: DatetimeFormat = getattr(provider, "datetime_format", "http")
        return default_encoding(obj, app.app.converter, datetime_format)

    def _encode_default(self, obj: Any) -> Any:
        return default_encoding(obj, self._app.converter, self.datetime_format)

    def _default_hook(self) -> Callable[[Any], Any]:
        """Return the ``default`` hook :mod:`json` calls: an override of ``default`` wins."""
        if type(self).default is DefaultJSONProvider.default:
            return self._encode_default
        return self.default

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``obj`` with this provider's settings; ``kwargs`` override them."""
        kwargs.setdefault("default", self._default_hook())
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse the JSON document ``s`` (text, or UTF-8/16/32 bytes)."""
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Build a JSON response, indented in debug mode unless :attr:`compact` says otherwise.

        Arguments are interpreted as by :meth:`JSONProvider.response`.
        """
        body = self._response_body(response_payload(args, kwargs))
        # PERF: a content type given as such skips werkzeug's mimetype-to-content-type step.
        return self._app.response_class(body, content_type=content_type(self.mimetype))

    def response_with_status(self, obj: Any, status: int | str) -> Response:
        """Return the JSON response of the single value ``obj`` with ``status``."""
        if type(self).response is not DefaultJSONProvider.response:
            return super().response_with_status(obj, status)
        return self._app.response_class(
            self._response_body(obj), status=status, content_type=content_type(self.mimetype)
        )

    def _plain_responses(self) -> bool:
        cls = type(self)
        return (
            cls.response is DefaultJSONProvider.response
            and cls.response_with_status is DefaultJSONProvider.response_with_status
        )

    def response_encoder(self) -> Callable[[Any], str] | None:
        """Return the encoder whose text (and a newline) :meth:`response_with_status` sends.

        ``None`` when a subclass changes how responses are made, or bodies
        are not compact (see :meth:`compact_encode`). The typed renderer
        builds its per-class encoders around it.
        """
        return self.compact_encode() if self._plain_responses() else None

    def encoded_response(self, obj: Any) -> tuple[str, bytes] | None:
        """Return the content type and body :meth:`response_with_status` would send for ``obj``.

        ``None`` when a subclass changes how responses are made (it overrides
        :meth:`response` or :meth:`response_with_status`): only a response
        object then says what is sent. The typed renderer uses it to answer
        without making one (:class:`~resourceful.responses.PreparedResponse`).
        """
        if not self._plain_responses():
            return None
        return content_type(self.mimetype), self._response_body(obj).encode()

    def compact_encode(self) -> Callable[[Any], str] | None:
        """Return the encoder of this provider's compact response bodies, or ``None``.

        ``None`` when bodies are indented (debug, or :attr:`compact` false)
        or :meth:`dumps` is overridden. The encoder writes no trailing newline
        (a response body is its text and a newline) and is kept while the
        settings it was made for (:attr:`ensure_ascii`, :attr:`sort_keys`,
        :attr:`datetime_format`) stay the same.
        """
        pretty = not self.compact if self.compact is not None else self._app.debug
        if pretty or type(self).dumps is not DefaultJSONProvider.dumps:
            return None
        settings = (self.ensure_ascii, self.sort_keys, self.datetime_format)
        cached = self._compact_encoder
        if cached is None or cached[0] != settings:
            encode = compact_encoder(
                ensure_ascii=self.ensure_ascii,
                sort_keys=self.sort_keys,
                default=self._default_hook(),
            )
            cached = self._compact_encoder = (settings, encode)
        return cached[1]

    def _response_body(self, obj: Any) -> str:
        encode = self.compact_encode()
        if encode is not None:
            return encode(obj) + "\n"
        pretty = not self.compact if self.compact is not None else self._app.debug
        if pretty:
            return self.dumps(obj, indent=2) + "\n"
        return self.dumps(obj, separators=(",", ":")) + "\n"
