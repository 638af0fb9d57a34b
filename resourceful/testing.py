"""Testing helpers: a test client, an environ builder and a CLI runner bound to an app."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from copy import copy
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import werkzeug.test
from click.testing import CliRunner, Result
from werkzeug.test import TestResponse as _WerkzeugTestResponse
from werkzeug.wrappers import Request as BaseRequest

from . import __version__
from .providers import OVERRIDES_ENVIRON_KEY, Overrides
from .sessions import SessionMixin

if TYPE_CHECKING:  # pragma: no cover
    import click

    from .app import App
    from .ctx import RequestContext

T = TypeVar("T")


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """werkzeug's ``EnvironBuilder`` with defaults from the app's configuration.

    The base URL comes from ``SERVER_NAME``, ``APPLICATION_ROOT`` and
    ``PREFERRED_URL_SCHEME``; ``json=`` goes through the app's JSON provider
    and accepts attrs instances, unstructured by the app's converter.
    """

    def __init__(
        self,
        app: App,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise ValueError("Pass base_url, or subdomain and url_scheme, not both.")
        if base_url is None:
            http_host = app.config.get("SERVER_NAME") or "localhost"
            app_root = app.config["APPLICATION_ROOT"]
            if subdomain:
                http_host = f"{subdomain}.{http_host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            parts = urlsplit(path)
            base_url = (
                f"{parts.scheme or url_scheme}://{parts.netloc or http_host}/{app_root.lstrip('/')}"
            )
            path = parts.path
            if parts.query:
                path = f"{path}?{parts.query}"
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``json=`` data with the app's provider.

        The provider unstructures attrs instances, at any depth, through the
        app's converter, so wire names are what the app expects.
        """
        return self.app.json.dumps(obj, **kwargs)


class TestResponse(_WerkzeugTestResponse):
    """The response the test client returns; can structure its JSON body into a type."""

    __test__ = False
    #: The app that produced the response (set by the client).
    app: App | None = None

    def structure(self, cls: type[T]) -> T:
        """Return the JSON body structured into ``cls`` with the app's converter.

        ``client.get("/todos/1").structure(Todo)`` turns the body back into
        the attrs class the handler returned, so tests compare typed values.
        """
        if self.app is None:  # pragma: no cover - always set by TestClient
            raise RuntimeError("This response did not come from a resourceful test client.")
        return self.app.converter.structure(self.get_json(), cls)


class TestClient(werkzeug.test.Client):
    """A client that sends requests straight to the app, without a server.

    Cookies persist between requests. In a ``with client:`` block the
    context of the last request stays active until the next one or the end
    of the block, so ``request``, ``session`` and ``g`` can be inspected.
    """

    __test__ = False
    application: App

    def __init__(
        self,
        application: App,
        response_wrapper: type[Any] | None = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
    ) -> None:
        wrapper: type[Any] = TestResponse
        if response_wrapper is not None and not issubclass(response_wrapper, TestResponse):
            wrapper = type(f"Test{response_wrapper.__name__}", (TestResponse, response_wrapper), {})
        super().__init__(application, wrapper, use_cookies, allow_subdomain_redirects)
        self.preserve_context = False
        self._new_contexts: list[RequestContext] = []
        self._context_stack = ExitStack()
        #: Replacement values for providers in this client's requests only (see :meth:`override`).
        self.overrides = Overrides(then=application.overrides)
        self.environ_base: dict[str, Any] = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Resourceful/{__version__}",
            # The typed layer reads it when it runs providers; the app's own
            # overrides apply after these.
            OVERRIDES_ENVIRON_KEY: self.overrides,
        }

    def override(self, provided: Any, value: Any) -> AbstractContextManager[None]:
        """Within the block, this client's requests get ``value`` for ``provided``.

        ``provided`` is a provided type or a provider's name; other clients
        of the app are not affected (see :meth:`App.override <resourceful.App.override>`).
        """
        return self.overrides.override(provided, value)

    if TYPE_CHECKING:  # pragma: no cover - the shortcuts return what open() returns
        # NOTE: werkzeug types its shortcuts as returning its own TestResponse;
        # these declarations let type checkers see ours (and .structure()).
        def get(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def post(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def put(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def patch(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def delete(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def options(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def head(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102
        def trace(self, *args: Any, **kwargs: Any) -> TestResponse: ...  # noqa: D102

    @contextmanager
    def session_transaction(self, *args: Any, **kwargs: Any) -> Iterator[SessionMixin]:
        """Open the session the next request would see, for reading or changing it.

        Changes made inside the ``with`` block are saved into the client's
        cookies when it ends. Arguments are those of ``test_request_context``.
        """
        if self._cookies is None:
            raise TypeError(
                "session_transaction() needs cookies; create the client with use_cookies=True."
            )
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)
        with ctx:
            session = app.session_interface.open_session(app, ctx.request)
        if session is None:
            raise RuntimeError(
                f"{type(app.session_interface).__name__} could not open a session for"
                f" session_transaction(); with the default interface this means SECRET_KEY"
                " is not set. Set app.secret_key (or SECRET_KEY in the config) first."
            )
        yield session
        response = app.response_class()
        if not app.session_interface.is_null_session(session):
            with ctx:
                app.session_interface.save_session(app, session, response)
        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            response.headers.getlist("Set-Cookie"),
        )

    def _copy_environ(self, other: Mapping[str, Any]) -> dict[str, Any]:
        out = {**self.environ_base, **other}
        if self.preserve_context:
            out["resourceful._preserve_context"] = self._new_contexts.append
        return out

    def _request_from_builder_args(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> BaseRequest:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base", {}))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: Any,
    ) -> TestResponse:
        """Send a request (see werkzeug's ``Client.open``) and return the response."""
        first = args[0] if args else None
        if isinstance(first, werkzeug.test.EnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._copy_environ(builder.environ_base or {})
            request = builder.get_request()
        elif isinstance(first, dict):
            request = EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._copy_environ({})
            ).get_request()
        elif isinstance(first, BaseRequest):
            request = copy(first)
            request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)

        # The previous request's preserved context ends when a new request starts. With
        # follow_redirects, that includes the redirect just answered, whose context is
        # still waiting to be preserved: pop it now, or the contexts would pop out of order.
        self._context_stack.close()
        while self._new_contexts:
            self._new_contexts.pop().pop(None)
        try:
            response: Any = super().open(
                request, buffered=buffered, follow_redirects=follow_redirects
            )
        finally:
            # NOTE: also when the view raised (PROPAGATE_EXCEPTIONS): the context the
            # app handed over must still be popped, by the block's end or the next request.
            while self._new_contexts:
                ctx = self._new_contexts.pop()
                self._context_stack.callback(ctx.pop, None)
        response.app = self.application
        response.json_module = self.application.json
        return response  # type: ignore[no-any-return]

    def __enter__(self) -> TestClient:
        if self.preserve_context:
            raise RuntimeError("This client is already in a 'with' block; blocks cannot nest.")
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._context_stack.close()


class ResourcefulCliRunner(CliRunner):
    """A click ``CliRunner`` whose ``invoke`` runs the app's commands by default."""

    def __init__(self, app: App, **kwargs: Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: click.Command | None = None, args: Any = None, **kwargs: Any
    ) -> Result:
        """Invoke ``cli`` (default: ``app.cli``) with ``args``, finding this app."""
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            from .cli import ScriptInfo

            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)


def selftest(app_or_factory: Any, **options: Any) -> list[tuple[str, str]]:
    """Run the self-test of every operation (see :func:`resourceful.contract.selftest.selftest`).

    Return the checks that could not run, with the reasons. Needs
    Hypothesis (``pip install 'resourceful[contract]'``).
    """
    from .contract.selftest import selftest as run_selftest

    return run_selftest(app_or_factory, **options)
