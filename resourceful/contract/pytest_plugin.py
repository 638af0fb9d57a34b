"""The pytest plugin: ``--resourceful-selftest`` and ``--resourceful-coverage``.

Installed with resourceful (a ``pytest11`` entry point), it does nothing
unless one of its options is given:

``--resourceful-selftest=APP``
    Adds one test item per self-test check (``GET /todos/ [valid]``,
    ``TodoResource [chain]``...). ``APP`` names the app as ``--app`` does:
    ``examples/todo/app.py:create_app``, ``myapp:create_app("testing")``,
    ``myapp:app``. A factory is called once per example; an app instance is
    shared. Repeat the option for several apps;
    ``--resourceful-selftest-examples=N`` sets the examples per check.
``--resourceful-selftest-credentials=OBJECT``
    The :class:`~resourceful.contract.Credentials` the self-test
    authenticates with: ``OBJECT`` names a list of them, or a function that
    returns one, as ``module:name`` or ``path/file.py:name``.
``--resourceful-coverage``
    Records the answer to every request sent to an operation in the
    process (a :class:`~resourceful.contract.TypedClient`'s or the plain
    test client's) and prints, after the run, the table of declared
    (operation, status) pairs with how often each was exercised, and the
    pairs never exercised.

The module imports nothing heavy: pytest loads it in every session.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from types import ModuleType

    from _pytest.terminal import TerminalReporter

    from ..app import App
    from .auth import Credentials
    from .selftest import SelftestCase


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the plugin's options."""
    group = parser.getgroup("resourceful", "resourceful contract checks")
    group.addoption(
        "--resourceful-selftest",
        action="append",
        default=[],
        metavar="APP",
        help="Self-test every operation of APP (a factory or app, as --app names it).",
    )
    group.addoption(
        "--resourceful-selftest-examples",
        type=int,
        default=20,
        metavar="N",
        help="Examples per self-test check (default 20).",
    )
    group.addoption(
        "--resourceful-selftest-credentials",
        default=None,
        metavar="OBJECT",
        help="Credentials for the self-test: a list of Credentials, or a function that"
        " returns one (module:name or path/file.py:name).",
    )
    group.addoption(
        "--resourceful-coverage",
        action="store_true",
        default=False,
        help="Report which declared (operation, status) pairs the tests' requests exercised.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Start recording answers when coverage is asked for."""
    if config.getoption("resourceful_coverage"):
        from . import coverage

        coverage.start()


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add one item per self-test check of each ``--resourceful-selftest`` app."""
    specs: list[str] = config.getoption("resourceful_selftest")
    if not specs:
        return
    from .selftest import selftest_cases

    examples = config.getoption("resourceful_selftest_examples")
    credentials_spec = config.getoption("resourceful_selftest_credentials")
    credentials = () if credentials_spec is None else load_credentials(credentials_spec)
    for index, spec in enumerate(specs):
        # Item names become node ids, in which "::" and "." have meanings: no spec in them.
        prefix = "selftest" if len(specs) == 1 else f"selftest{index + 1}"
        cases = selftest_cases(
            load_app_source(spec), max_examples=examples, credentials=credentials
        )
        for case in cases:
            name = f"{prefix} {case.name}"
            items.append(SelftestItem.from_parent(session, name=name, case=case))


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """Print the response coverage table."""
    if not terminalreporter.config.getoption("resourceful_coverage"):
        return
    from . import coverage

    recorded = coverage.stop()
    terminalreporter.section("resourceful response coverage")
    terminalreporter.write_line(
        recorded.report() if recorded is not None else "No calls to operations were recorded."
    )


class SelftestItem(pytest.Item):
    """One self-test check run as a test."""

    def __init__(self, *, case: SelftestCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Run the check; a check with nothing to test is skipped."""
        from .selftest import SelftestSkipped

        if self.case.skip is not None:
            pytest.skip(self.case.skip)
        try:
            self.case.run()
        except SelftestSkipped as exc:
            pytest.skip(str(exc))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        """Show the self-test's report, not a traceback through Hypothesis."""
        from .selftest import SelftestFailure

        if isinstance(excinfo.value, SelftestFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        """Name the check in reports."""
        return "resourceful-selftest", None, self.name


def _import(spec: str) -> tuple[ModuleType, str | None]:
    """Import the module ``spec`` names; return it and the name after ``:``, if any."""
    from ..cli.discovery import prepare_import, split_app_path

    path, name = split_app_path(spec)
    module_name = prepare_import(path)
    importlib.invalidate_caches()  # The file may be newer than the import system's listing.
    return importlib.import_module(module_name), name


def load_credentials(spec: str) -> list[Credentials]:
    """Return the credentials ``spec`` names (``path/file.py:NAME`` or ``module:NAME``)."""
    from .auth import Credentials

    module, name = _import(spec)
    found = getattr(module, name, None) if name is not None else None
    if callable(found):
        found = found()
    if not isinstance(found, list | tuple) or not all(
        isinstance(item, Credentials) for item in found
    ):
        raise pytest.UsageError(
            f"--resourceful-selftest-credentials={spec}: name a list of"
            " resourceful.contract.Credentials, or a function that returns one"
            f" (module:name or path/file.py:name); got {found!r}."
        )
    return list(found)


def load_app_source(spec: str) -> App | Callable[[], App]:
    """Return the app or factory ``spec`` names (``path/app.py:create_app``, ``pkg:app``...)."""
    from ..app import App
    from ..cli.discovery import find_best_app, parse_app_expression

    module, name = _import(spec)
    if name is None:
        return find_best_app(module)
    attribute, args, kwargs, is_call = parse_app_expression(name)
    found = getattr(module, attribute, None)
    if isinstance(found, App):
        return found
    if not callable(found):
        raise pytest.UsageError(
            f"--resourceful-selftest={spec}: {module.__name__} has no app or factory"
            f" named {attribute!r}."
        )
    factory: Callable[..., App] = found
    if is_call:
        return lambda: factory(*args, **kwargs)
    return factory
