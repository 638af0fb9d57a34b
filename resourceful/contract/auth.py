"""Credentials for the self-test, and what an operation's security means for its checks.

The self-test reads each operation's security requirements from the app's
OpenAPI document (the contract clients see: enforced requirements and
documented-only ones alike) and matches them with the :class:`Credentials`
the caller gives:

- an operation whose requirement some credentials meet is called with them;
- one whose requirement names a scheme the credentials are for, but a
  permission they lack, must refuse every valid input with its declared 403;
- one that no credentials can reach is not called with valid input (the
  check says why), and its ``auth`` check still runs.

The ``auth`` check of a protected operation sends valid input with no
credentials, or with wrong or malformed ones for each scheme it accepts
(:func:`bad_credentials`): the answer must be its declared 401 with a
``WWW-Authenticate`` challenge, never a success and never a 5xx.
"""

from __future__ import annotations

import base64
import string
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from ..testing import TestClient

__all__ = ["Access", "BadCredentials", "Credentials", "access_of", "bad_credentials"]

#: RFC 6750's token68 characters: what a well-formed bearer token is made of.
_TOKEN68 = string.ascii_letters + string.digits + "-._~+/"
#: Printable ASCII without separators: header and cookie text that travels unchanged.
_TEXT = string.ascii_letters + string.digits + "-_.~!*'()"
#: Text that is no base64 and no token68 (malformed credentials).
_JUNK = "!#$%&@^`|{}[]<>?"


def _headers(value: Any) -> Any:
    return value if callable(value) else dict(value)


@attrs.frozen(eq=False)
class Credentials:
    """What the self-test sends to authenticate with one security scheme.

    ``scheme`` is the scheme's name in the document
    (``components.securitySchemes``: ``bearerAuth``, ``apiKeyAuth``... or the
    ``name=`` it was given). ``headers`` are the request headers that carry
    the credentials, or a function that gets them with the test client of
    the app under test (to log in first: it is called once per app, so with
    a factory once per example). ``permissions`` are what the credentials
    allow, compared with the permissions (scopes) the document lists for
    each operation. Credentials compare by identity (their headers may be a
    function).
    """

    scheme: str
    headers: Mapping[str, str] | Callable[[TestClient], Mapping[str, str]] = attrs.field(
        converter=_headers
    )
    permissions: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)

    def headers_for(self, client: TestClient) -> tuple[tuple[str, str], ...]:
        """Return the headers to send, logging in through ``client`` if need be."""
        found = self.headers(client) if callable(self.headers) else self.headers
        return tuple((str(name), str(value)) for name, value in found.items())


@attrs.frozen
class Access:
    """What the self-test may do with one operation, given the credentials."""

    #: The security schemes the operation accepts, by name (empty: public).
    schemes: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    #: The credentials to send (one per scheme of the chosen requirement).
    use: tuple[Credentials, ...] = ()
    #: The permissions the chosen credentials lack: the operation must answer 403.
    lacking: frozenset[str] = frozenset()
    #: Why valid input cannot be sent (no credentials for any accepted scheme).
    unreachable: str | None = None

    @property
    def protected(self) -> bool:
        """Whether the operation needs credentials (a 401 without them)."""
        return bool(self.schemes)

    def headers_for(self, client: TestClient) -> tuple[tuple[str, str], ...]:
        """Return the headers of the credentials to send."""
        return tuple(pair for credentials in self.use for pair in credentials.headers_for(client))


PUBLIC = Access()


def access_of(
    document: Mapping[str, Any], item: Mapping[str, Any], credentials: Sequence[Credentials]
) -> Access:
    """Return the :class:`Access` of the operation ``item`` of ``document``."""
    requirements = item.get("security", document.get("security", []))
    if not requirements or any(not requirement for requirement in requirements):
        return PUBLIC  # No requirement, or ``{}``: anonymous calls are allowed.
    defined = document.get("components", {}).get("securitySchemes", {})
    schemes = {name: defined.get(name, {}) for requirement in requirements for name in requirement}
    by_scheme: dict[str, list[Credentials]] = {}
    for given in credentials:
        by_scheme.setdefault(given.scheme, []).append(given)
    best: tuple[tuple[Credentials, ...], frozenset[str]] | None = None
    for requirement in requirements:
        if not all(name in by_scheme for name in requirement):
            continue
        use: list[Credentials] = []
        lacking: set[str] = set()
        for name, scopes in requirement.items():
            # The first credentials of the scheme that have every permission, else the first.
            options = by_scheme[name]
            chosen = next((c for c in options if set(scopes) <= c.permissions), options[0])
            use.append(chosen)
            lacking |= set(scopes) - chosen.permissions
        if best is None or (best[1] and not lacking):
            best = (tuple(use), frozenset(lacking))
    if best is None:
        alternatives = " or ".join(" and ".join(requirement) for requirement in requirements)
        return Access(
            schemes,
            unreachable=(
                f"no credentials for {alternatives} were given"
                " (selftest(..., credentials=[Credentials(...)]))"
            ),
        )
    return Access(schemes, best[0], best[1])


@attrs.frozen
class BadCredentials:
    """Credentials that must be refused with a 401, and how to say what they were."""

    description: str
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    cookies: tuple[tuple[str, str], ...] = ()


def bad_credentials(schemes: Mapping[str, Mapping[str, Any]]) -> st.SearchStrategy[BadCredentials]:
    """Return a strategy of missing, wrong and malformed credentials for ``schemes``."""
    # Imported here: Credentials are usable without Hypothesis, the self-test is not.
    from hypothesis import strategies as st

    options: list[st.SearchStrategy[BadCredentials]] = [st.just(BadCredentials("no credentials"))]
    for name, scheme in sorted(schemes.items()):
        options += _wrong(name, scheme)
    return st.one_of(options)


def _text(alphabet: str = _TEXT) -> st.SearchStrategy[str]:
    from hypothesis import strategies as st

    return st.text(alphabet, min_size=1, max_size=40)


def _wrong(name: str, scheme: Mapping[str, Any]) -> list[st.SearchStrategy[BadCredentials]]:
    from hypothesis import strategies as st

    kind = scheme.get("type")
    if kind == "apiKey":
        where = scheme.get("in", "header")
        key = str(scheme.get("name", "X-API-Key"))

        def key_of(text: str) -> BadCredentials:
            pair = ((key, text),)
            description = f"{name}: the unknown key {text!r} in the {where} {key!r}"
            return BadCredentials(
                description,
                headers=pair if where == "header" else (),
                query=pair if where == "query" else (),
                cookies=pair if where == "cookie" else (),
            )

        return [_text().map(key_of)]
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":

        def basic(pair: tuple[str, str]) -> BadCredentials:
            encoded = base64.b64encode(f"{pair[0]}:{pair[1]}".encode()).decode("ascii")
            return BadCredentials(
                f"{name}: the unknown user {pair[0]!r} with password {pair[1]!r}",
                headers=(("Authorization", f"Basic {encoded}"),),
            )

        def junk(text: str) -> BadCredentials:
            return BadCredentials(
                f"{name}: malformed Basic credentials {text!r}",
                headers=(("Authorization", f"Basic {text}"),),
            )

        return [st.tuples(_text(), _text()).map(basic), _text(_JUNK).map(junk)]
    if kind in ("http", "oauth2", "openIdConnect"):
        scheme_name = "Bearer" if kind != "http" else str(scheme.get("scheme", "Bearer"))
        scheme_name = "Bearer" if scheme_name.lower() == "bearer" else scheme_name

        def token(text: str, what: str) -> BadCredentials:
            return BadCredentials(
                f"{name}: {what} {text!r}",
                headers=(("Authorization", f"{scheme_name} {text}"),),
            )

        return [
            st.text(_TOKEN68, min_size=1, max_size=60).map(lambda t: token(t, "the unknown token")),
            _text(_JUNK).map(lambda t: token(t, "the malformed token")),
        ]
    return []  # A scheme the self-test cannot forge (mutualTLS): no credentials covers it.
