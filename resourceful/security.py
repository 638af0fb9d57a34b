"""Security schemes: credentials read from a request, checked by your function, documented.

A scheme knows where a client puts its credentials and how to describe that
in OpenAPI; *you* say whether the credentials are good, with a ``verify``
function that returns the principal (your user or client object) or
``None``::

    def find_token(token: str) -> User | None: ...
    def find_key(key: str) -> Client | None: ...

    bearer = HTTPBearer(find_token)
    api_key = APIKey(find_key, name="X-API-Key", location="header")

A :class:`Security` requirement lists the schemes that are accepted (any one
of them is enough) and the permissions the principal must have::

    books_admin = Security(bearer, api_key, requires={"books:write"})
    # the same, spelled with |:
    books_admin = (bearer | api_key).requiring("books:write")

The outcomes are fixed: no credentials, malformed ones or ones that
``verify`` rejects are a 401 problem with a ``WWW-Authenticate`` challenge
for every accepted scheme; a principal that lacks a permission is a 403
naming the missing permissions. Nothing here ever turns bad credentials into
a 500.

Where the framework itself compares secrets (:func:`lookup_secret`, the CSRF
token of :class:`SessionAuth`), it compares in constant time, so "no such
key" and "wrong key" take the same time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import attrs

from .errors import DefinitionError, Problem

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

    from .sessions import SessionMixin

__all__ = [
    "PUBLIC",
    "APIKey",
    "HTTPBasic",
    "HTTPBearer",
    "MalformedCredentials",
    "OAuth2",
    "Security",
    "SecurityScheme",
    "SessionAuth",
    "authenticate",
    "csrf_token",
    "lookup_secret",
]

P = TypeVar("P")

#: The OAuth 2 flows a document can describe for tokens this app verifies.
OAuth2Flow = Literal["password", "clientCredentials"]

#: Methods that change state, and so need CSRF protection under cookie authentication.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# RFC 6750 section 2.1: the characters of a bearer token (token68).
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_is_token68 = _TOKEN68.fullmatch


class MalformedCredentials(ValueError):
    """Credentials were sent but cannot be read (say why in the message)."""


def lookup_secret(given: str, table: Mapping[str, P]) -> P | None:
    """Return the value stored under the secret ``given`` in ``table``, or ``None``.

    Every key is compared in constant time and the loop never stops early,
    so the time taken does not tell an attacker whether, or which, key
    matched: "no such key" and "wrong key" look the same.
    """
    given_bytes = given.encode("utf-8", "surrogatepass")
    found: P | None = None
    for key, value in table.items():
        if hmac.compare_digest(given_bytes, key.encode("utf-8", "surrogatepass")):
            found = value
    return found


def _principal_type(verify: Callable[..., Any], owner: str) -> Any:
    """Return what ``verify`` returns, without ``None``: the principal's type."""
    try:
        hints = typing.get_type_hints(verify)
    except (NameError, TypeError) as exc:
        raise DefinitionError(
            f"{owner}: cannot read the return annotation of its verify function"
            f" {getattr(verify, '__qualname__', verify)!r} ({exc})."
        ) from exc
    returned = hints.get("return", Any)
    args = typing.get_args(returned)
    if args and type(None) in args:
        rest = tuple(arg for arg in args if arg is not type(None))
        return rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
    return returned


class SecurityScheme:
    """One way for a client to prove who it is (subclasses say where credentials go).

    ``verify`` turns the credentials into a principal or returns ``None``
    when they are not good. ``permissions`` returns what the principal may
    do; it is needed when a requirement ``requires`` permissions. ``name`` is
    the scheme's name in the OpenAPI document.
    """

    #: The default name in ``components.securitySchemes``.
    default_name: ClassVar[str] = "scheme"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        permissions: Callable[[Any], Iterable[str]] | None = None,
        realm: str = "api",
    ) -> None:
        if not callable(verify):
            raise DefinitionError(
                f"{type(self).__name__}(...) needs a verify function that turns credentials"
                f" into a principal or returns None; got {verify!r}."
            )
        self.verify = verify
        self.name = name or self.default_name
        self.description = description
        self.permissions = permissions
        self.realm = realm
        #: The type of principal ``verify`` returns (its return annotation, without None).
        self.principal_type = _principal_type(verify, f"{type(self).__name__} {self.name!r}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def __or__(self, other: SecurityScheme | Security) -> Security:
        """Accept this scheme or ``other``: ``bearer | api_key``."""
        return Security(self) | other

    def requiring(self, *permissions: str) -> Security:
        """Return a requirement for this scheme with ``permissions``."""
        return Security(self, requires=permissions)

    # -- what subclasses provide ----------------------------------------------------------

    def credentials(self, request: Request) -> Any:
        """Return the credentials ``request`` carries, ``None`` when it sends none.

        Raise :class:`MalformedCredentials` when they are there but unreadable.
        """
        raise NotImplementedError

    #: How many leading parameters of ``verify`` receive the credentials.
    credential_count: ClassVar[int] = 1
    #: Whether the scheme itself may refuse an authenticated request (403).
    may_forbid: bool = False

    def check(self, credentials: Any, **provided: Any) -> Any:
        """Return the principal for ``credentials`` (``verify``'s answer).

        ``provided`` holds the values ``verify`` asks for with ``Provided[...]``.
        """
        return self.verify(credentials, **provided)

    def challenge(self, error: str | None = None) -> str:
        """Return this scheme's ``WWW-Authenticate`` challenge."""
        return f'{self.challenge_scheme} realm="{self.realm}"'

    #: The auth-scheme token of the challenge.
    challenge_scheme: ClassVar[str] = "Custom"

    def openapi(self, app: Any) -> dict[str, Any]:
        """Return this scheme's OpenAPI security scheme object."""
        raise NotImplementedError

    def _described(self, scheme: dict[str, Any]) -> dict[str, Any]:
        if self.description:
            scheme["description"] = self.description
        return scheme


def _authorization(request: Request, scheme: str) -> str | None:
    """Return the credentials after ``scheme`` (lower case) in the Authorization header, if any."""
    # PERF: straight from the environ, which is what request.headers reads
    # (without building the headers object and normalising the name).
    header: str | None = request.environ.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    kind, _, rest = header.strip().partition(" ")
    if kind.lower() != scheme:
        return None
    return rest.strip()


def _environ_key(header: str) -> str:
    """Return the WSGI environ key of a request header (as werkzeug's headers read it)."""
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


class HTTPBearer(SecurityScheme):
    """``Authorization: Bearer <token>`` (RFC 6750); ``verify(token: str)``."""

    default_name = "bearerAuth"
    challenge_scheme = "Bearer"

    def __init__(
        self,
        verify: Callable[[str], Any],
        *,
        bearer_format: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(verify, **options)
        self.bearer_format = bearer_format

    def credentials(self, request: Request) -> str | None:
        """Return the bearer token, or ``None`` when the request sends none."""
        token = _authorization(request, "bearer")
        if token is None:
            return None
        if not _is_token68(token):
            raise MalformedCredentials(
                "the Authorization header says Bearer but carries no valid token"
                " (expected 'Authorization: Bearer <token>')"
            )
        return token

    def challenge(self, error: str | None = None) -> str:
        """Return ``Bearer realm=...``, with RFC 6750's ``error`` when credentials failed."""
        text = f'Bearer realm="{self.realm}"'
        return f'{text}, error="{error}"' if error else text

    def openapi(self, app: Any) -> dict[str, Any]:
        """Return ``{"type": "http", "scheme": "bearer"}`` (and its format)."""
        scheme: dict[str, Any] = {"type": "http", "scheme": "bearer"}
        if self.bearer_format:
            scheme["bearerFormat"] = self.bearer_format
        return self._described(scheme)


class HTTPBasic(SecurityScheme):
    """``Authorization: Basic <base64 user:password>`` (RFC 7617); ``verify(user, password)``."""

    default_name = "basicAuth"
    challenge_scheme = "Basic"

    def credentials(self, request: Request) -> tuple[str, str] | None:
        """Return ``(username, password)``, or ``None`` when the request sends none."""
        encoded = _authorization(request, "basic")
        if encoded is None:
            return None
        try:
            decoded = base64.b64decode(encoded.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise MalformedCredentials(
                "the Authorization header says Basic but its value is not base64 of UTF-8"
                " 'username:password'"
            ) from None
        username, colon, password = decoded.partition(":")
        if not colon:
            raise MalformedCredentials(
                "the Basic credentials have no ':' between the username and the password"
            )
        return username, password

    credential_count = 2

    def check(self, credentials: tuple[str, str], **provided: Any) -> Any:
        """Return ``verify(username, password)``."""
        return self.verify(*credentials, **provided)

    def challenge(self, error: str | None = None) -> str:
        """Return ``Basic realm=..., charset="UTF-8"``."""
        return f'Basic realm="{self.realm}", charset="UTF-8"'

    def openapi(self, app: Any) -> dict[str, Any]:
        """Return ``{"type": "http", "scheme": "basic"}``."""
        return self._described({"type": "http", "scheme": "basic"})


class APIKey(SecurityScheme):
    """An API key in a header, a query parameter or a cookie; ``verify(key: str)``."""

    default_name = "apiKeyAuth"
    challenge_scheme = "APIKey"

    def __init__(
        self,
        verify: Callable[[str], Any],
        *,
        name: str | None = None,
        parameter: str = "X-API-Key",
        location: Literal["header", "query", "cookie"] = "header",
        **options: Any,
    ) -> None:
        if location not in ("header", "query", "cookie"):
            raise DefinitionError(
                f"APIKey location must be 'header', 'query' or 'cookie', got {location!r}."
            )
        if location == "header" and parameter.lower() == "authorization":
            raise DefinitionError(
                "APIKey(parameter='Authorization') would hide the key from tools that treat"
                " Authorization specially; use HTTPBearer for 'Authorization: Bearer ...', or"
                " another header such as 'X-API-Key'."
            )
        super().__init__(verify, name=name, **options)
        self.parameter = parameter
        self.location = location
        self._environ_key = _environ_key(parameter)

    def credentials(self, request: Request) -> str | None:
        """Return the key, or ``None`` when the request does not send it."""
        value: str | None
        if self.location == "header":
            value = request.environ.get(self._environ_key)
        elif self.location == "query":
            value = request.args.get(self.parameter)
        else:
            value = request.cookies.get(self.parameter)
        if value is None:
            return None
        if not value.strip():
            raise MalformedCredentials(f"the API key {self._where()} is empty")
        return value

    def _where(self) -> str:
        return {"header": "header", "query": "query parameter", "cookie": "cookie"}[
            self.location
        ] + f" {self.parameter!r}"

    def challenge(self, error: str | None = None) -> str:
        """Return ``APIKey realm=..., in=..., name=...`` (there is no standard challenge)."""
        return f'APIKey realm="{self.realm}", in="{self.location}", name="{self.parameter}"'

    def openapi(self, app: Any) -> dict[str, Any]:
        """Return ``{"type": "apiKey", "in": ..., "name": ...}``."""
        return self._described({"type": "apiKey", "in": self.location, "name": self.parameter})


class OAuth2(HTTPBearer):
    """OAuth 2 bearer tokens, with the password and client-credentials flows documented.

    Tokens arrive as ``Authorization: Bearer``; ``verify(token)`` checks them
    (issuing tokens is the job of your token endpoint). ``scopes`` maps each
    scope to its description for the document; by default a principal's
    permissions are the scopes ``permissions`` returns.
    """

    default_name = "oauth2"

    def __init__(
        self,
        verify: Callable[[str], Any],
        *,
        token_url: str,
        flows: Sequence[OAuth2Flow] = ("password",),
        scopes: Mapping[str, str] | None = None,
        refresh_url: str | None = None,
        **options: Any,
    ) -> None:
        unknown = set(flows) - {"password", "clientCredentials"}
        if unknown or not flows:
            raise DefinitionError(
                f"OAuth2 flows must be 'password' and/or 'clientCredentials'; got {list(flows)!r}."
            )
        super().__init__(verify, **options)
        self.token_url = token_url
        self.flows = tuple(flows)
        self.scopes = dict(scopes or {})
        self.refresh_url = refresh_url

    def openapi(self, app: Any) -> dict[str, Any]:
        """Return the ``oauth2`` scheme object with one entry per flow."""
        flow: dict[str, Any] = {"tokenUrl": self.token_url, "scopes": dict(self.scopes)}
        if self.refresh_url:
            flow["refreshUrl"] = self.refresh_url
        return self._described(
            {"type": "oauth2", "flows": {name: dict(flow) for name in self.flows}}
        )


_CSRF_KEY = "_csrf_token"


def csrf_token() -> str:
    """Return the current session's CSRF token, creating it on first use.

    Send it back in the ``X-CSRF-Token`` header of unsafe requests that the
    session cookie authenticates (see :class:`SessionAuth`).
    """
    from .globals import session

    token = session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


class SessionAuth(SecurityScheme):
    """The signed session cookie as a scheme; ``verify(session)`` returns the principal.

    Cookies are sent by browsers on their own, so an unsafe request (POST,
    PUT, PATCH, DELETE) authenticated by the session must also prove that it
    comes from the app's own pages: either an ``Origin`` header equal to the
    request's own origin (or one in ``trusted_origins``), or an
    ``X-CSRF-Token`` header equal to :func:`csrf_token`. Otherwise it is a 403.
    Turn the check off with ``csrf=False`` only for APIs no browser reaches.
    """

    default_name = "sessionAuth"
    challenge_scheme = "Cookie"

    def __init__(
        self,
        verify: Callable[[SessionMixin], Any],
        *,
        csrf: bool = True,
        trusted_origins: Collection[str] = (),
        csrf_header: str = "X-CSRF-Token",
        **options: Any,
    ) -> None:
        super().__init__(verify, **options)
        self.csrf = csrf
        self.may_forbid = csrf  # the CSRF check refuses with a 403
        self.trusted_origins = frozenset(origin.rstrip("/") for origin in trusted_origins)
        self.csrf_header = csrf_header

    def credentials(self, request: Request) -> SessionMixin | None:
        """Return the session when the request sends the session cookie."""
        from .globals import _cv_request

        ctx = _cv_request.get()
        if ctx.app.session_interface.get_cookie_name(ctx.app) not in request.cookies:
            return None
        return ctx.session

    def check(self, credentials: SessionMixin, **provided: Any) -> Any:
        """Return ``verify(session)``, after the CSRF check for unsafe methods."""
        principal = self.verify(credentials, **provided)
        if principal is not None and self.csrf:
            from .globals import _cv_request

            self._check_csrf(_cv_request.get().request, credentials)
        return principal

    def _check_csrf(self, request: Request, session: SessionMixin) -> None:
        if request.method not in UNSAFE_METHODS:
            return
        origin = request.headers.get("Origin")
        if origin is not None:
            own = request.host_url.rstrip("/")
            if origin.rstrip("/") == own or origin.rstrip("/") in self.trusted_origins:
                return
            raise Problem(
                403,
                title="Cross-site request refused",
                detail=(
                    f"This {request.method} request is authenticated by the session cookie but"
                    f" comes from {origin!r}, not from {own!r}. Send it from the app's own"
                    " pages, or list the origin in trusted_origins."
                ),
            )
        sent = request.headers.get(self.csrf_header)
        expected = session.get(_CSRF_KEY)
        if (
            sent is None
            or not isinstance(expected, str)
            or not hmac.compare_digest(sent.encode("utf-8", "surrogatepass"), expected.encode())
        ):
            raise Problem(
                403,
                title="CSRF check failed",
                detail=(
                    f"This {request.method} request is authenticated by the session cookie, so"
                    f" it needs an Origin header from this site or the {self.csrf_header} header"
                    " with the session's CSRF token (resourceful.security.csrf_token())."
                ),
            )

    def openapi(self, app: Any) -> dict[str, Any]:
        """Return ``{"type": "apiKey", "in": "cookie", "name": <session cookie>}``."""
        name = app.session_interface.get_cookie_name(app)
        return self._described({"type": "apiKey", "in": "cookie", "name": name})


@attrs.frozen(init=False)
class Security:
    """A security requirement: any one of ``schemes``, and every permission in ``requires``.

    ``Security()`` with no scheme is :data:`PUBLIC`: no credentials needed.
    """

    schemes: tuple[SecurityScheme, ...]
    requires: frozenset[str]

    def __init__(self, *schemes: SecurityScheme, requires: Iterable[str] = ()) -> None:
        for scheme in schemes:
            if not isinstance(scheme, SecurityScheme):
                raise DefinitionError(
                    f"Security(...) takes security schemes such as HTTPBearer(verify); got"
                    f" {scheme!r}."
                )
        if isinstance(requires, str):
            requires = (requires,)
        required = frozenset(requires)
        if required and not schemes:
            raise DefinitionError(
                f"Security(requires={sorted(required)!r}) names permissions but no scheme to"
                " authenticate with; pass the schemes first: Security(bearer, requires=...)."
            )
        for scheme in schemes:
            if required and scheme.permissions is None:
                raise DefinitionError(
                    f"Security(requires={sorted(required)!r}) accepts {scheme!r}, which has no"
                    " permissions function to check them with. Pass permissions=... to the"
                    f" scheme, e.g. {type(scheme).__name__}(verify, permissions=lambda user:"
                    " user.permissions)."
                )
        names: dict[str, SecurityScheme] = {}
        for scheme in schemes:
            other = names.setdefault(scheme.name, scheme)
            if other is not scheme:
                raise DefinitionError(
                    f"Two different schemes are both named {scheme.name!r}: {other!r} and"
                    f" {scheme!r}. Give one of them another name=... ."
                )
        self.__attrs_init__(tuple(schemes), required)

    def __or__(self, other: SecurityScheme | Security) -> Security:
        """Accept the schemes of both requirements (their permissions combined)."""
        if isinstance(other, SecurityScheme):
            other = Security(other)
        schemes = self.schemes + tuple(s for s in other.schemes if s not in self.schemes)
        return Security(*schemes, requires=self.requires | other.requires)

    def requiring(self, *permissions: str) -> Security:
        """Return this requirement with ``permissions`` added."""
        return Security(*self.schemes, requires=self.requires | frozenset(permissions))

    @property
    def is_public(self) -> bool:
        """Whether no credentials are needed."""
        return not self.schemes

    def openapi(self) -> list[dict[str, list[str]]]:
        """Return the operation's OpenAPI ``security`` list (``[]`` when public).

        Each scheme is one alternative; an OAuth 2 scheme lists the required
        permissions as its scopes, other schemes list them too (OpenAPI 3.1
        allows roles for every scheme type).
        """
        scopes = sorted(self.requires)
        return [{scheme.name: list(scopes)} for scheme in self.schemes]


#: The requirement of an operation that anyone may call.
PUBLIC = Security()


def _unauthorized(requirement: Security, detail: str, error: str | None) -> Problem:
    challenges = ", ".join(scheme.challenge(error) for scheme in requirement.schemes)
    return Problem(401, detail=detail, headers={"WWW-Authenticate": challenges})


def authenticate(
    requirement: Security,
    request: Request,
    provide: Callable[[SecurityScheme], Mapping[str, Any]] | None = None,
) -> Any:
    """Return the principal that satisfies ``requirement`` for ``request``, or raise a problem.

    ``provide(scheme)`` returns the provided values the scheme's ``verify``
    asks for (called only when the request carries that scheme's credentials).

    The schemes are tried in order; the first whose credentials ``verify``
    accepts wins. Raises a 401 :class:`Problem` (with ``WWW-Authenticate``)
    when no credentials were sent, when they were malformed, or when none was
    accepted, and a 403 when the principal lacks a required permission.
    Returns ``None`` for a public requirement.
    """
    schemes = requirement.schemes
    if not schemes:
        return None
    malformed: list[str] = []
    rejected: list[str] = []
    for scheme in schemes:
        try:
            credentials = scheme.credentials(request)
        except MalformedCredentials as exc:
            malformed.append(f"{scheme.name}: {exc}")
            continue
        if credentials is None:
            continue
        if provide is None:
            principal = scheme.check(credentials)
        else:
            principal = scheme.check(credentials, **provide(scheme))
        if principal is None:
            rejected.append(scheme.name)
            continue
        if requirement.requires:
            _check_permissions(requirement, scheme, principal)
        return principal
    if malformed:
        raise _unauthorized(
            requirement,
            "The credentials are malformed: " + "; ".join(malformed) + ".",
            "invalid_request",
        )
    if rejected:
        raise _unauthorized(
            requirement,
            f"The credentials were not accepted ({', '.join(rejected)}).",
            "invalid_token",
        )
    accepted = " or ".join(_how(scheme) for scheme in requirement.schemes)
    raise _unauthorized(requirement, f"This operation needs credentials: {accepted}.", None)


def _how(scheme: SecurityScheme) -> str:
    if isinstance(scheme, APIKey):
        return f"an API key in the {scheme._where()}"
    if isinstance(scheme, HTTPBasic):
        return "HTTP Basic credentials"
    if isinstance(scheme, SessionAuth):
        return "a session cookie (log in first)"
    return "a bearer token in the Authorization header"


def _check_permissions(requirement: Security, scheme: SecurityScheme, principal: Any) -> None:
    if not requirement.requires:
        return
    assert scheme.permissions is not None  # Security() refuses schemes without one
    missing = sorted(requirement.requires - frozenset(scheme.permissions(principal)))
    if not missing:
        return
    headers = {}
    if isinstance(scheme, HTTPBearer):
        # RFC 6750 section 3.1: say which scope the token lacks.
        headers["WWW-Authenticate"] = (
            f'Bearer realm="{scheme.realm}", error="insufficient_scope",'
            f' scope="{" ".join(sorted(requirement.requires))}"'
        )
    raise Problem(
        403,
        detail=f"Authenticated, but this operation needs the permission(s): {', '.join(missing)}.",
        headers=headers,
        missing_permissions=missing,
    )
