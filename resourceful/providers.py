"""Providers: the functions that supply values handlers ask for with ``Provided[...]``.

This module only *records* providers (it is a leaf that apps, blueprints and
resource classes use to store them); :mod:`resourceful.dependencies` plans
and runs them. The one rule for finding a provider:

    A parameter annotated ``Provided[T]`` gets the value of the nearest
    provider for ``T`` (the resource class's, then each enclosing
    blueprint's from the innermost out, then the app's);
    ``Annotated[T, Provide("name")]`` asks for the provider registered under
    that name instead.

A provider is a plain function; its return annotation says what it
provides. A generator function provides what it yields, and its code after
``yield`` runs when the request (or, for ``scope="app"``, the app) is torn
down, receiving the exception if there was one::

    @app.provider()
    def database() -> Iterator[Database]:
        db = Database.connect()
        try:
            yield db
        finally:
            db.close()

A request-scoped provider may be ``async def`` (a coroutine function, or an
async generator function annotated ``-> AsyncIterator[T]``): it runs on the
worker thread's event loop (:mod:`resourceful.dependencies`).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar

import attrs

from .convert.typeinfo import type_name
from .errors import DefinitionError

__all__ = [
    "MISSING",
    "OVERRIDES_ENVIRON_KEY",
    "Overrides",
    "Provide",
    "Provided",
    "Provider",
    "Providers",
    "Scope",
]

T = TypeVar("T")

#: How long a provided value lives: one request, or the app's lifetime.
Scope = Literal["request", "app"]


@attrs.frozen
class Provide:
    """Marks a handler or provider parameter as provided, inside ``typing.Annotated``.

    ``Provide()`` finds the provider by the parameter's type;
    ``Provide("name")`` by the name it was registered under.
    """

    name: str | None = None


#: The parameter's value comes from the nearest provider for its type.
Provided = Annotated[T, Provide()]

_GENERATORS = (Iterator, Generator)
_ASYNC_GENERATORS = (AsyncIterator, AsyncGenerator)


@attrs.frozen(eq=False)
class Provider:
    """One registered provider function and what it provides."""

    function: Callable[..., Any]
    #: The provided type (from the return annotation, or ``provides=``).
    provides: Any
    #: The name it can be asked for by (the function's name unless given).
    name: str
    scope: Scope
    #: Where it was registered, for messages: ``"app 'shop'"``, ``"blueprint 'api'"``...
    owner: str
    #: A generator function: the value is what it yields; it resumes at teardown.
    generator: bool
    #: ``async def``: a coroutine function, or (with ``generator``) an async generator function.
    asynchronous: bool = False

    @property
    def qualname(self) -> str:
        """The function's qualified name, for messages."""
        return getattr(self.function, "__qualname__", repr(self.function))


def _provided_type(function: Callable[..., Any], generator: bool, owner: str) -> Any:
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except NameError as exc:
        raise DefinitionError(
            f"The provider {function.__qualname__} ({owner}) has annotations that cannot be"
            f" resolved ({exc}). Import or define the names it uses at module level."
        ) from exc
    returned = hints.get("return")
    if returned is None:
        raise DefinitionError(
            f"The provider {function.__qualname__} ({owner}) has no return annotation, so"
            " nothing says what it provides. Annotate it (-> Database, or -> Iterator[Database]"
            " for a generator) or pass provides=... ."
        )
    if generator:
        origin = typing.get_origin(returned)
        asynchronous = inspect.isasyncgenfunction(function)
        kinds = _ASYNC_GENERATORS if asynchronous else _GENERATORS
        if origin not in kinds or not typing.get_args(returned):
            kind, annotation = (
                ("an async generator", "AsyncIterator[T]")
                if asynchronous
                else ("a generator", "Iterator[T]")
            )
            raise DefinitionError(
                f"The provider {function.__qualname__} ({owner}) is {kind}, so annotate it"
                f" -> {annotation} (what it yields), not -> {type_name(returned)}."
            )
        return typing.get_args(returned)[0]
    return returned


class Providers:
    """The providers registered on one app, blueprint or resource class."""

    def __init__(self, owner: str) -> None:
        #: Where these providers live, for messages.
        self.owner = owner
        self._by_type: dict[Any, Provider] = {}
        self._by_name: dict[str, Provider] = {}

    def __repr__(self) -> str:
        return f"<Providers of {self.owner}: {sorted(self._by_name)}>"

    def __bool__(self) -> bool:
        return bool(self._by_name)

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._by_name.values())

    def add(
        self,
        function: Callable[..., Any],
        *,
        provides: Any = None,
        name: str | None = None,
        scope: Scope = "request",
    ) -> Provider:
        """Register ``function`` as the provider of ``provides`` (its return type by default)."""
        if scope not in ("request", "app"):
            raise DefinitionError(
                f"The provider {getattr(function, '__qualname__', function)!r} ({self.owner})"
                f" has scope={scope!r}; use 'request' (a value per request) or 'app' (one value"
                " for the app's lifetime)."
            )
        if not callable(function) or inspect.isclass(function):
            raise DefinitionError(
                f"A provider must be a function; {function!r} ({self.owner}) is not. Wrap a"
                " class in a function that returns an instance."
            )
        asynchronous = inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)
        if asynchronous and scope == "app":
            raise DefinitionError(
                f"The provider {function.__qualname__} ({self.owner}) is 'async def' and"
                " scope='app'. Each worker thread runs coroutines on its own event loop, so"
                " an app-wide value made on one thread's loop (a connection pool, a client)"
                " would be used, and closed, on other threads' loops. Make it request-scoped"
                " (the default), or, if the value is not tied to an event loop, make the"
                " provider a plain 'def'."
            )
        generator = inspect.isgeneratorfunction(function) or inspect.isasyncgenfunction(function)
        if provides is None:
            provides = _provided_type(function, generator, self.owner)
        provider = Provider(
            function=function,
            provides=provides,
            name=name or function.__name__,
            scope=scope,
            owner=self.owner,
            generator=generator,
            asynchronous=asynchronous,
        )
        for key, table, what in (
            (provides, self._by_type, f"the type {type_name(provides)}"),
            (provider.name, self._by_name, f"the name {provider.name!r}"),
        ):
            taken = table.get(key)
            if taken is not None and taken.function is not function:
                raise DefinitionError(
                    f"{self.owner} already has a provider for {what}: {taken.qualname}. Remove"
                    f" one, or register {provider.qualname} under another name=... ."
                )
        self._by_type[provides] = provider
        self._by_name[provider.name] = provider
        return provider

    def find(self, marker: Provide, tp: Any) -> Provider | None:
        """Return this registry's provider for ``marker`` and ``tp``, if it has one."""
        if marker.name is not None:
            return self._by_name.get(marker.name)
        return self._by_type.get(tp)


#: Marks "no value" where ``None`` is a value.
MISSING: Any = object()


#: The WSGI environ key under which a test client passes its own :class:`Overrides`.
OVERRIDES_ENVIRON_KEY = "resourceful.overrides"


class Overrides:
    """Replacement values for providers, for tests: by provided type or by name.

    ``then`` is looked up after this one's own (a test client's overrides
    before the app's).
    """

    def __init__(self, then: Overrides | None = None) -> None:
        self._by_key: dict[Any, Any] = {}
        self._then = then

    def __bool__(self) -> bool:
        return bool(self._by_key) or bool(self._then)

    def lookup(self, provider: Provider) -> Any:
        """Return the replacement for ``provider``, or the missing marker."""
        by_key = self._by_key
        value = by_key.get(provider.provides, MISSING)
        if value is MISSING:
            value = by_key.get(provider.name, MISSING)
        if value is MISSING and self._then is not None:
            return self._then.lookup(provider)
        return value

    @contextmanager
    def override(self, key: Any, value: Any) -> Iterator[None]:
        """Provide ``value`` instead of the provider for ``key`` (a type or a name) within."""
        previous = self._by_key.get(key, MISSING)
        self._by_key[key] = value
        try:
            yield
        finally:
            if previous is MISSING:
                del self._by_key[key]
            else:
                self._by_key[key] = previous
