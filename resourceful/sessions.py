"""Sessions: per-user data kept between requests.

The application's ``session_interface`` opens the session for a request and
saves it into the response. The default, :class:`SecureCookieSessionInterface`,
keeps the whole session in a cookie signed with ``SECRET_KEY``: users can read
it but not change it. Write a :class:`SessionInterface` subclass to keep the
data elsewhere (docs/sessions.md shows one backed by a dict or SQLite).

The request context opens the session lazily, the first time ``session`` is
used, and saves it only if it was opened; requests that never touch the
session do no session work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.http import dump_cookie

from .json.tag import TaggedJSONSerializer

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

    from .app import App
    from .wrappers import Request, Response

__all__ = [
    "NullSession",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "SessionInterface",
    "SessionMixin",
    "session_json_serializer",
]


class SessionMixin(MutableMapping[str, Any]):
    """A mapping with the state flags a session interface relies on.

    Session classes used with a :class:`SessionInterface` derive from this.
    The flags here are constant and conservative (always modified, always
    accessed); :class:`SecureCookieSession` tracks them for real.
    """

    #: Whether the session was created for this request rather than loaded.
    new: bool = False

    #: Whether the session changed during the request (so it must be saved).
    modified: bool = True

    #: Whether the session was read during the request (so the response
    #: depends on the cookie and gets ``Vary: Cookie``).
    accessed: bool = True

    @property
    def permanent(self) -> bool:
        """Whether the session outlives the browser (``PERMANENT_SESSION_LIFETIME``)."""
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)


class SecureCookieSession(dict[str, Any], SessionMixin):
    """A session that records whether it was read and whether it was changed.

    Every mutating method sets :attr:`modified`; every read, and every
    change, sets :attr:`accessed`. Mutating a mutable value in place
    (``session["cart"].append(item)``) is invisible to the session: set
    ``session.modified = True`` yourself in that case.
    """

    modified = False
    accessed = False

    def __init__(self, initial: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        super().__init__(initial)

    def _changed(self) -> None:
        self.modified = True
        self.accessed = True

    # Reads.
    def __getitem__(self, key: str) -> Any:
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value for ``key``, or ``default`` when it is missing."""
        self.accessed = True
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.accessed = True
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.accessed = True
        return super().__iter__()

    def __len__(self) -> int:
        self.accessed = True
        return super().__len__()

    def keys(self) -> dict_keys[str, Any]:
        """Return a view of the keys."""
        self.accessed = True
        return super().keys()

    def values(self) -> dict_values[str, Any]:
        """Return a view of the values."""
        self.accessed = True
        return super().values()

    def items(self) -> dict_items[str, Any]:
        """Return a view of the items."""
        self.accessed = True
        return super().items()

    # Writes.
    def __setitem__(self, key: str, value: Any) -> None:
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._changed()
        super().__delitem__(key)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return the value for ``key``, storing ``default`` first when it is missing."""
        self._changed()
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove ``key`` and return its value (or ``default`` when it is missing)."""
        self._changed()
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the most recently added item."""
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        """Remove every item."""
        self._changed()
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Add items from a mapping or iterable of pairs and from keyword arguments."""
        self._changed()
        super().update(*args, **kwargs)

    def __ior__(self, other: Any) -> SecureCookieSession:  # type: ignore[override,misc]
        self._changed()
        super().__ior__(other)
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class NullSession(SecureCookieSession):
    """The session used when no secret key is set: empty, readable, not writable."""

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key is set, so it could not be"
            " signed. Set app.secret_key (or the SECRET_KEY config value) to a long random"
            " string, for example the output of"
            " `python -c 'import secrets; print(secrets.token_hex())'`, and keep it secret."
        )

    __setitem__ = __delitem__ = setdefault = pop = popitem = clear = update = _fail
    __ior__ = _fail


class SessionInterface:
    """Open and save sessions; subclass it to store sessions another way.

    Implement :meth:`open_session` and :meth:`save_session`, then set
    ``app.session_interface`` to an instance. The ``get_cookie_*`` methods read
    the ``SESSION_COOKIE_*`` configuration so subclasses set cookies the same
    way the default interface does.
    """

    #: The class :meth:`make_null_session` instantiates.
    null_session_class: ClassVar[type[SessionMixin]] = NullSession

    #: Whether session data is pickled. Kept for extensions that check it;
    #: the interfaces here use JSON.
    pickle_based: ClassVar[bool] = False

    def make_null_session(self, app: App) -> SessionMixin:
        """Return the session used when :meth:`open_session` returns ``None``.

        It must behave like an empty session that cannot be written to, and
        its writes should say why (see :class:`NullSession`).
        """
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Return whether ``obj`` is a null session (which is never saved)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: App) -> str:
        """Return the session cookie's name (``SESSION_COOKIE_NAME``)."""
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: App) -> str | None:
        """Return the cookie's domain (``SESSION_COOKIE_DOMAIN``); ``None``: this host only."""
        return app.config["SESSION_COOKIE_DOMAIN"] or None

    def get_cookie_path(self, app: App) -> str:
        """Return the session cookie's path (``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``)."""
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: App) -> bool:
        """Return whether scripts are denied access to the cookie (``SESSION_COOKIE_HTTPONLY``)."""
        return bool(app.config["SESSION_COOKIE_HTTPONLY"])

    def get_cookie_secure(self, app: App) -> bool:
        """Return whether the cookie is sent over HTTPS only (``SESSION_COOKIE_SECURE``)."""
        return bool(app.config["SESSION_COOKIE_SECURE"])

    def get_cookie_samesite(self, app: App) -> str | None:
        """Return the cookie's ``SameSite`` attribute (``SESSION_COOKIE_SAMESITE``)."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: App) -> bool:
        """Return whether the cookie is partitioned (CHIPS; ``SESSION_COOKIE_PARTITIONED``)."""
        return bool(app.config["SESSION_COOKIE_PARTITIONED"])

    def get_expiration_time(self, app: App, session: SessionMixin) -> datetime | None:
        """Return when the session cookie expires: ``None`` (with the browser) unless permanent."""
        if session.permanent:
            lifetime: timedelta = app.permanent_session_lifetime
            return datetime.now(timezone.utc) + lifetime
        return None

    def should_set_cookie(self, app: App, session: SessionMixin) -> bool:
        """Return whether :meth:`save_session` should (re)send the cookie.

        A modified session is always sent. A permanent one is also sent on
        every request when ``SESSION_REFRESH_EACH_REQUEST`` is true, which
        pushes its expiry forward while the user is active.
        """
        return session.modified or (
            session.permanent and bool(app.config["SESSION_REFRESH_EACH_REQUEST"])
        )

    def open_session(self, app: App, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` means sessions are unavailable.

        On ``None`` the request gets :meth:`make_null_session` instead. Return
        a new empty session (never raise) when the stored data is missing or
        invalid.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement open_session(app, request)."
        )

    def save_session(self, app: App, session: SessionMixin, response: Response) -> None:
        """Store ``session`` and set what the client needs (usually a cookie) on ``response``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement save_session(app, session, response)."
        )


#: The serializer of the session cookie's payload; :meth:`TaggedJSONSerializer.register`
#: on it adds types every :class:`SecureCookieSessionInterface` can store.
session_json_serializer = TaggedJSONSerializer()


class SecureCookieSessionInterface(SessionInterface):
    """Keep the session in a cookie signed with the app's secret key.

    The payload is tagged JSON (:mod:`resourceful.json.tag`), signed and
    timestamped by :class:`itsdangerous.URLSafeTimedSerializer`. Keys listed in
    ``SECRET_KEY_FALLBACKS`` still verify old cookies; new cookies are always
    signed with ``SECRET_KEY``. A cookie that fails verification for any
    reason (other key, tampered, truncated, expired, garbage) gives a new
    empty session. With ``SESSION_COOKIE_ACCEPT_SHA1`` on, cookies signed the
    way Flask signs them (SHA-1) are read too, and re-signed with SHA-256 in
    the same response.
    """

    #: Salt mixed into the signing key, so a value signed elsewhere with the
    #: same secret key is not a valid session.
    salt: ClassVar[str] = "cookie-session"

    #: The hash of the HMAC signature.
    #: NOTE: SHA-256 rather than Flask's SHA-1; HMAC-SHA1 is not broken, but a
    #: modern default spares users the question. Cookies are not interchangeable
    #: with Flask's.
    digest_method: ClassVar[Callable[..., Any]] = staticmethod(hashlib.sha256)

    #: How the signing key is derived from the secret key (see itsdangerous).
    key_derivation: ClassVar[str] = "hmac"

    #: Turns the session's data into the cookie payload and back.
    serializer: ClassVar[TaggedJSONSerializer] = session_json_serializer

    #: The class of loaded sessions.
    session_class: ClassVar[type[SecureCookieSession]] = SecureCookieSession

    #: The hash that ``SESSION_COOKIE_ACCEPT_SHA1`` accepts for reading: the
    #: one Flask signs with, so that sessions survive a port from Flask.
    legacy_digest_method: ClassVar[Callable[..., Any]] = staticmethod(hashlib.sha1)

    # PERF: building a signing serializer per request is avoidable; each
    # instance keeps its last one per digest, keyed by everything it depends on.
    _signer_cache: dict[Any, tuple[tuple[Any, ...], URLSafeTimedSerializer]] | None = None

    def get_signing_serializer(self, app: App) -> URLSafeTimedSerializer | None:
        """Return the serializer that signs cookies for ``app``; ``None`` without a secret key."""
        return self._serializer(app, self.digest_method)

    def get_legacy_serializer(self, app: App) -> URLSafeTimedSerializer | None:
        """Return the serializer that reads Flask's SHA-1 cookies, if the app accepts them.

        ``None`` unless ``SESSION_COOKIE_ACCEPT_SHA1`` is true and a secret key is set.
        """
        if not app.config.get("SESSION_COOKIE_ACCEPT_SHA1"):
            return None
        return self._serializer(app, self.legacy_digest_method)

    def _serializer(
        self, app: App, digest_method: Callable[..., Any]
    ) -> URLSafeTimedSerializer | None:
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"] or ()
        if isinstance(fallbacks, str | bytes):
            # NOTE: the message must not repeat the value: it is a secret.
            raise TypeError(
                f"SECRET_KEY_FALLBACKS must be a list of old keys, not a single"
                f" {type(fallbacks).__name__} (which would be read character by character)."
                " Write SECRET_KEY_FALLBACKS = ['the old key']."
            )
        keys: list[str | bytes] = [*fallbacks, secret_key]
        cache_key = (tuple(keys), self.salt, self.serializer, self.key_derivation)
        if self._signer_cache is None:
            self._signer_cache = {}
        cached = self._signer_cache.get(digest_method)
        if cached is not None and cached[0] == cache_key:
            return cached[1]
        # NOTE: itsdangerous signs with the last key and verifies with all of them.
        signer = URLSafeTimedSerializer(
            keys,  # type: ignore[arg-type]
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": digest_method},
        )
        self._signer_cache[digest_method] = (cache_key, signer)
        return signer

    def open_session(self, app: App, request: Request) -> SecureCookieSession | None:
        """Load the session from the request's cookie, or start an empty one."""
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self._new_session()
        lifetime: timedelta = app.permanent_session_lifetime
        max_age = int(lifetime.total_seconds())
        migrated = False
        try:
            data = signer.loads(cookie, max_age=max_age)
        except BadData:
            # Bad signatures, expired timestamps and undecodable payloads
            # alike: the client gets a fresh session, never an error.
            legacy = self.get_legacy_serializer(app)
            if legacy is None:
                return self._new_session()
            try:
                data = legacy.loads(cookie, max_age=max_age)
            except BadData:
                return self._new_session()
            migrated = True
        if not isinstance(data, dict):
            return self._new_session()
        session = self.session_class(data)
        if migrated:
            # Saved at the end of the request, so the client's cookie is
            # re-signed with the current digest and SHA-1 is needed no more.
            session.modified = True
        return session

    def _new_session(self) -> SecureCookieSession:
        session = self.session_class()
        session.new = True
        return session

    def save_session(self, app: App, session: SessionMixin, response: Response) -> None:
        """Set, refresh or delete the session cookie on ``response`` as needed."""
        name = self.get_cookie_name(app)
        # The same attributes set the cookie and delete it: a browser removes
        # a cookie only when the deleting one names its path and domain.
        attributes: dict[str, Any] = {
            "path": self.get_cookie_path(app),
            "domain": self.get_cookie_domain(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
            "partitioned": self.get_cookie_partitioned(app),
        }

        if session.accessed:
            response.vary.add("Cookie")

        if not session:
            # An emptied session deletes the cookie; one that was always empty
            # never had a cookie to delete.
            if session.modified:
                response.delete_cookie(name, **attributes)
                response.vary.add("Cookie")
            return

        if not self.should_set_cookie(app, session):
            return

        signer = self.get_signing_serializer(app)
        if signer is None:
            # The key was removed after the session was opened.
            return
        header = dump_cookie(
            name,
            signer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            **attributes,
            # NOTE: werkzeug's own size check warns through `warnings`, which
            # a user never sees in production; the check below logs instead.
            max_size=0,
        )
        limit = app.config.get("MAX_COOKIE_SIZE", 4093)
        if limit and len(header) > limit:
            app.logger.warning(
                "The session cookie %r is %d bytes, more than the %d bytes browsers accept"
                " (MAX_COOKIE_SIZE). Browsers may silently drop it, and the user then"
                " loses the session. Store less in the session (keep ids, not objects),"
                " or keep session data on the server with a custom SessionInterface.",
                name,
                len(header),
                limit,
            )
        response.headers.add("Set-Cookie", header)
        response.vary.add("Cookie")
