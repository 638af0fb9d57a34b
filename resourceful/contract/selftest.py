"""The self-test: every operation called with inputs drawn from its own types.

:func:`selftest` (re-exported as ``resourceful.testing.selftest``) reads the
app's operation records and its OpenAPI document, and for each operation
runs three kinds of check, each a Hypothesis test (:func:`selftest_cases`
lists them, the pytest plugin turns each into a test item):

``valid``
    Inputs drawn from the parameter types and validators
    (:mod:`.strategies`). The answer must not be a 5xx (nor an exception out
    of the app), must have a status the document declares for the
    operation, must not reject the input as invalid, and a success body must
    structure into the declared type with the app's converter (validators
    included).
``invalid``
    The same inputs with one mutation: a required field dropped, a value of
    the wrong type, a bound crossed. The answer must be a 400 or the
    ``VALIDATION_ERROR_STATUS`` as problem+json, with an error whose
    location and pointer name the mutated field.
``chain``
    For a resource with a ``POST`` on its collection and a ``GET`` on its
    items: create, follow ``Location``, read it back equal; each ``PUT``/
    ``PATCH`` then read back equal to its answer; ``DELETE`` then read a 404.
``auth``
    For an operation the document says needs credentials: valid input with
    none, or with wrong or malformed ones, must get the declared 401 with a
    ``WWW-Authenticate`` challenge (:mod:`.auth`).

Protected operations are called with the :class:`~.auth.Credentials` given
for their schemes; an operation whose permissions the credentials lack must
refuse valid input with its declared 403.

State: with a factory, each example gets a fresh app from it (so examples
cannot see each other's in-process state, and a shrunk example replays the
same way); the self-test itself writes nothing, so whatever a handler
stores goes where the factory's app puts it. With an app instance, every
example shares it.

A failure names the operation and the check, the minimal input Hypothesis
found (the typed values and the request sent), and the answer (status and
the start of the body).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import PROBLEM_MIMETYPE
from ..operation import Operation, Param, operations_of
from ..rules import parse_variables, templated_path, url_converter
from . import mutations
from .auth import Access, BadCredentials, Credentials, access_of, bad_credentials
from .calls import NO_BODY, RequestParts, declared_type, request_parts

# Hypothesis comes through .strategies, which says how to install it when it is missing.
from .strategies import HealthCheck, Phase, Strategies, hypothesis, st

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from ..app import App
    from ..testing import TestClient, TestResponse

__all__ = [
    "Credentials",
    "SelftestCase",
    "SelftestError",
    "SelftestFailure",
    "SelftestSkipped",
    "selftest",
    "selftest_cases",
]

#: The locations the self-test sends; any other is not request input (``request``,
#: ``provided``) or is sent another way (``form``, ``files``: not generated).
_SENT = frozenset({"path", "query", "header", "cookie", "body"})
_NOT_INPUT = frozenset({"request", "provided"})
_BODY_EXCERPT = 300


class SelftestFailure(AssertionError):
    """One check failed; the message says which, for what input and what came back."""


class SelftestSkipped(Exception):
    """A check had nothing to test (an operation with no input binding can refuse)."""


class SelftestError(AssertionError):
    """:func:`selftest` found failures; ``failures`` lists each one's report."""

    def __init__(self, failures: Sequence[tuple[str, str]]) -> None:
        self.failures = list(failures)
        reports = "\n\n".join(f"{name}\n{report}" for name, report in failures)
        super().__init__(f"The self-test found {len(failures)} failure(s):\n\n{reports}")


@attrs.frozen
class Target:
    """One operation, where it is served, and what the document declares for it."""

    rule: Rule
    operation: Operation
    #: The statuses the document lists for it (``"200"``, ``"4XX"``, ``"default"``...).
    declared: frozenset[str]
    #: What its security requirement lets the self-test do with the credentials given.
    access: Access

    @property
    def label(self) -> str:
        """``GET /todos/{todo_id}``."""
        return f"{self.operation.method} {templated_path(self.rule.rule)}"


@attrs.frozen
class SelftestCase:
    """One check of one operation (or chain), runnable on its own."""

    name: str
    run: Callable[[], None] = attrs.field(repr=False)
    #: Why it cannot run (the operation takes a form, say); ``None`` when it can.
    skip: str | None = None


AppSource = Callable[[], "App"]

#: Every kind of check, in the order they run.
CHECKS = ("valid", "invalid", "chain", "auth")


def selftest(
    app_or_factory: App | AppSource,
    *,
    max_examples: int = 20,
    checks: Sequence[str] = CHECKS,
    operations: Sequence[str] | None = None,
    credentials: Sequence[Credentials] = (),
) -> list[tuple[str, str]]:
    """Run every check on every operation; raise :class:`SelftestError` listing the failures.

    ``app_or_factory`` is an app or a callable that returns a new app
    (called once per example). ``max_examples`` bounds each check (the run
    is deterministic: Hypothesis's randomness is derived from the check);
    ``checks`` picks the kinds and ``operations`` the operations
    (``"GET /todos/{todo_id}"`` or ``"TodoResource.get"``).
    ``credentials`` authenticate the calls of protected operations (see
    :class:`~resourceful.contract.auth.Credentials`).

    Return the checks that could not run, each with the reason.
    """
    failures: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for case in selftest_cases(
        app_or_factory,
        max_examples=max_examples,
        checks=checks,
        operations=operations,
        credentials=credentials,
    ):
        if case.skip is not None:
            skipped.append((case.name, case.skip))
            continue
        try:
            case.run()
        except SelftestSkipped as exc:
            skipped.append((case.name, str(exc)))
        except SelftestFailure as exc:
            failures.append((case.name, str(exc)))
    if failures:
        raise SelftestError(failures)
    return skipped


def selftest_cases(
    app_or_factory: App | AppSource,
    *,
    max_examples: int = 20,
    checks: Sequence[str] = CHECKS,
    operations: Sequence[str] | None = None,
    credentials: Sequence[Credentials] = (),
) -> list[SelftestCase]:
    """Return the self-test's checks as cases, one per operation and kind (and chain)."""
    unknown = sorted(set(checks) - set(CHECKS))
    if unknown:
        raise ValueError(f"Unknown self-test checks {unknown}; the checks are {list(CHECKS)}.")
    runner = _Runner(app_or_factory, max_examples, credentials)
    cases: list[SelftestCase] = []
    for target in runner.targets:
        wanted = operations is None or {target.label, target.operation.qualname} & set(operations)
        if not wanted:
            continue
        unsupported = runner.unsupported(target)
        access = target.access
        skips = {
            "valid": unsupported or access.unreachable,
            "invalid": unsupported
            or access.unreachable
            or (
                f"the credentials lack {_names(access.lacking)}, so every request is refused"
                " with 403 before its input is read ([valid] checks the 403)"
                if access.lacking
                else None
            ),
            "auth": unsupported,
        }
        for kind, check in (
            ("valid", runner.check_valid),
            ("invalid", runner.check_invalid),
            ("auth", runner.check_auth),
        ):
            if kind in checks and (kind != "auth" or access.protected):
                cases.append(
                    SelftestCase(f"{target.label} [{kind}]", _bind(check, target), skips[kind])
                )
    if "chain" in checks:
        for create, read, others in runner.chains():
            if operations is not None and not {create.label, read.label} & set(operations):
                continue
            skip = next(
                (reason for t in (create, read, *others) if (reason := runner.unchainable(t))), None
            )
            name = f"{create.operation.resource.__name__} [chain]"
            cases.append(SelftestCase(name, _bind_chain(runner, create, read, others), skip))
    return cases


def _names(permissions: frozenset[str]) -> str:
    return ", ".join(repr(name) for name in sorted(permissions))


def _bind(check: Callable[[Target], None], target: Target) -> Callable[[], None]:
    return lambda: check(target)


def _bind_chain(
    runner: _Runner, create: Target, read: Target, others: tuple[Target, ...]
) -> Callable[[], None]:
    return lambda: runner.check_chain(create, read, others)


class _Runner:
    """What the checks share: the app source, the targets and the strategies."""

    def __init__(
        self,
        app_or_factory: App | AppSource,
        max_examples: int,
        credentials: Sequence[Credentials] = (),
    ) -> None:
        from ..app import App

        if isinstance(app_or_factory, App):
            app = app_or_factory
            self.new_app: AppSource = lambda: app
        elif callable(app_or_factory):
            self.new_app = app_or_factory
        else:
            raise TypeError(
                f"selftest() takes an App or a function that returns one, not {app_or_factory!r}."
            )
        self.max_examples = max_examples
        self.strategies = Strategies()
        first = self.new_app()
        self.targets = _targets(first, credentials)
        self._url_map = first.url_map
        self._status = int(first.config["VALIDATION_ERROR_STATUS"])
        self._inputs: dict[int, st.SearchStrategy[dict[str, Any]]] = {}

    # -- what can run ----------------------------------------------------------------

    def unsupported(self, target: Target) -> str | None:
        for param in target.operation.params:
            if param.location in _SENT or param.location in _NOT_INPUT:
                continue
            return (
                f"{target.operation.qualname} takes {param.location} input, which is not generated"
            )
        return None

    def unchainable(self, target: Target) -> str | None:
        """Say why ``target`` cannot be a step of a chain (``None``: it can)."""
        access = target.access
        if access.lacking:
            return f"{target.label}: the credentials lack {_names(access.lacking)}"
        return self.unsupported(target) or access.unreachable

    def chains(self) -> Iterator[tuple[Target, Target, tuple[Target, ...]]]:
        by_resource: dict[Any, list[Target]] = {}
        for target in self.targets:
            by_resource.setdefault(target.operation.resource, []).append(target)
        for targets in by_resource.values():
            member = [t for t in targets if t.rule.arguments]
            collection = [t for t in targets if not t.rule.arguments]
            creates = [t for t in collection if t.operation.method == "POST"]
            reads = [t for t in member if t.operation.method == "GET"]
            if creates and reads:
                others = tuple(
                    t for t in member if t.operation.method in ("PUT", "PATCH", "DELETE")
                )
                yield creates[0], reads[0], others

    # -- strategies ------------------------------------------------------------------

    def inputs(
        self, target: Target, *, skip_path: bool = False
    ) -> st.SearchStrategy[dict[str, Any]]:
        key = id(target) * 2 + skip_path
        found = self._inputs.get(key)
        if found is not None:
            return found
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        variables = {v.name: v for v in parse_variables(target.rule.rule)}
        for param in target.operation.params:
            if param.location not in _SENT or (skip_path and param.location == "path"):
                continue
            strategy = self._param_strategy(param, variables)
            # A group is always read (its class has the defaults), so it is always sent.
            (required if param.required or param.is_group else optional)[param.name] = strategy
        found = self._inputs[key] = st.fixed_dictionaries(required, optional=optional)
        return found

    def _param_strategy(self, param: Param, variables: dict[str, Any]) -> st.SearchStrategy[Any]:
        if param.location == "path":
            converter = url_converter(self._url_map, variables[param.wire_name])
            return self.strategies.path_value(converter, param.type)
        place: Any = "json" if param.location == "body" else param.location
        return self.strategies.for_type(param.type, place)

    def _settings(self, name: str) -> Callable[[Any], Any]:
        return hypothesis.settings(
            max_examples=self.max_examples,
            deadline=None,
            derandomize=True,
            database=None,
            report_multiple_bugs=False,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )

    def _run(
        self, name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None]
    ) -> None:
        last: list[str] = []

        @self._settings(name)
        @hypothesis.given(strategy)
        def run(drawn: Any) -> None:
            try:
                check(drawn)
            except SelftestFailure as exc:
                last[:] = [str(exc)]
                raise

        try:
            run()
        except SelftestFailure:
            raise
        except hypothesis.errors.Unsatisfiable:
            raise SelftestSkipped(f"{name}: no input to draw or to break") from None
        except hypothesis.errors.Flaky:
            if not last:
                # What failed was not a check (a timeout, an interrupt, the app
                # factory): not a finding about the API, so it goes up as it is.
                raise
            # The check failed once and not on replay (state shared between
            # examples): a finding all the same.
            raise SelftestFailure(last[0]) from None

    # -- the checks ------------------------------------------------------------------

    def check_valid(self, target: Target) -> None:
        def check(values: dict[str, Any]) -> None:
            example = _Example(self.new_app())
            parts = self._parts(example.app, target, values)
            response = self._send(example, target, parts, values)
            if target.access.lacking:
                self._expect_forbidden(target, parts, values, response)
            else:
                self._expect_valid_answer(example.app, target, parts, values, response)

        self._run(target.label, self.inputs(target), check)

    def check_invalid(self, target: Target) -> None:
        status = self._status
        app0 = self.new_app()
        probe = self.inputs(target)

        def draw(data: st.DataObject) -> tuple[dict[str, Any], mutations.Mutation]:
            values = data.draw(probe, label="valid input")
            parts = self._parts(app0, target, values)
            sites = list(mutations.sites(target.operation, parts, app0))
            hypothesis.assume(sites)
            site = data.draw(st.sampled_from(sites), label="mutation")
            return values, site

        def check(data: st.DataObject) -> None:
            values, site = draw(data)
            example = _Example(self.new_app())
            parts = site.apply(self._parts(example.app, target, values))
            response = self._send(example, target, parts, values, mutation=site)
            body = _json_of(response)
            errors = body.get("errors") if isinstance(body, dict) else None
            ok = (
                response.status_code in (400, status)
                and response.mimetype == PROBLEM_MIMETYPE
                and isinstance(errors, list)
                and any(site.blames(error) for error in errors if isinstance(error, dict))
            )
            if not ok:
                raise SelftestFailure(
                    _report(
                        target,
                        f"invalid input ({site.describe()}) was not refused with a 400 or"
                        f" {status} problem naming {site.location} {site.pointer!r}",
                        values,
                        parts,
                        response,
                        site,
                    )
                )

        self._run(target.label, st.data(), check)

    def check_auth(self, target: Target) -> None:
        strategy = st.tuples(self.inputs(target), bad_credentials(target.access.schemes))

        def check(drawn: tuple[dict[str, Any], BadCredentials]) -> None:
            values, bad = drawn
            example = _Example(self.new_app())
            parts = self._parts(example.app, target, values)
            response = self._send(example, target, parts, values, bad=bad)
            problem: str | None = None
            if response.status_code >= 500:
                problem = f"{bad.description} got a server error"
            elif response.status_code < 400:
                problem = f"{bad.description} got the success {response.status_code}"
            elif response.status_code != 401:
                problem = f"{bad.description} got {response.status_code}, not 401"
            elif not _declares(target.declared, 401):
                problem = "the 401 is not one the document declares"
            elif not response.headers.get("WWW-Authenticate"):
                problem = f"the 401 for {bad.description} has no WWW-Authenticate challenge"
            if problem is not None:
                raise SelftestFailure(_report(target, problem, values, parts, response))

        self._run(f"{target.label} auth", strategy, check)

    def check_chain(self, create: Target, read: Target, others: tuple[Target, ...]) -> None:
        strategy = st.tuples(
            self.inputs(create), st.tuples(*(self.inputs(o, skip_path=True) for o in others))
        )

        def check(drawn: tuple[dict[str, Any], tuple[dict[str, Any], ...]]) -> None:
            create_values, other_values = drawn
            example = _Example(self.new_app())
            app = example.app
            parts = self._parts(app, create, create_values)
            response = self._send(example, create, parts, create_values)
            self._expect_valid_answer(app, create, parts, create_values, response)
            if response.status_code >= 300:
                return  # Refused for a reason of its own (a conflict...): nothing to follow.
            location = response.headers.get("Location")
            if not location:
                raise SelftestFailure(
                    _report(
                        create,
                        "a successful create sent no Location header",
                        create_values,
                        parts,
                        response,
                    )
                )
            created = _json_of(response)
            self._read_back(example, read, location, created, f"the created {create.label}")
            for target, values in zip(others, other_values, strict=True):
                parts = self._parts(app, target, values, skip_path=True)
                answer = self._send(example, target, parts, values, url=location)
                self._expect_valid_answer(app, target, parts, values, answer)
                if answer.status_code >= 300:
                    continue
                if target.operation.method == "DELETE":
                    gone = example.get(read, location)
                    if gone.status_code != 404:
                        raise SelftestFailure(
                            _report(
                                read,
                                f"GET {location} after DELETE answered {gone.status}, not 404",
                                values,
                                parts,
                                gone,
                            )
                        )
                    return
                if answer.status_code != 204 and target.operation.response_type is not None:
                    self._read_back(
                        example, read, location, _json_of(answer), f"the answer of {target.label}"
                    )

        self._run(f"{create.label} chain", strategy, check)

    # -- sending and judging --------------------------------------------------------

    def _parts(
        self, app: App, target: Target, values: dict[str, Any], *, skip_path: bool = False
    ) -> RequestParts:
        return request_parts(app, target.rule.endpoint, target.operation, values)

    def _send(
        self,
        example: _Example,
        target: Target,
        parts: RequestParts,
        values: dict[str, Any],
        *,
        url: str | None = None,
        mutation: mutations.Mutation | None = None,
        bad: BadCredentials | None = None,
    ) -> TestResponse:
        from ..signals import got_request_exception
        from .client import TypedClient

        raised: list[BaseException] = []

        def remember(sender: Any, exception: BaseException, **extra: Any) -> None:
            raised.append(exception)

        try:
            # The credentials go with the request, not into ``parts``: reports show
            # which credentials were sent, never their secrets.
            if bad is None:
                sent = attrs.evolve(parts, headers=parts.headers + example.auth(target.access))
            else:
                sent = attrs.evolve(
                    parts,
                    headers=parts.headers + bad.headers,
                    query=parts.query + bad.query,
                    cookies=parts.cookies + bad.cookies,
                )
            with got_request_exception.connected_to(remember, example.app):
                response = TypedClient(example.client).send(sent, url=url)
            if raised:
                # The answer is a bare 500 page: say what the handler raised instead.
                response.raised = raised[0]  # type: ignore[attr-defined]
            response.credentials = (  # type: ignore[attr-defined]
                bad.description if bad is not None else _credentials_note(target.access)
            )
            return response
        except Exception as exc:
            raise SelftestFailure(
                _report(
                    target,
                    f"the app raised {type(exc).__name__}: {exc}",
                    values,
                    parts,
                    None,
                    mutation,
                )
            ) from exc

    def _expect_forbidden(
        self, target: Target, parts: RequestParts, values: dict[str, Any], response: TestResponse
    ) -> None:
        status = response.status_code
        lacking = _names(target.access.lacking)
        problem: str | None = None
        if status >= 500:
            problem = "valid input got a server error"
        elif status != 403:
            problem = f"the credentials lack {lacking}, but the answer is {status}, not 403"
        elif not _declares(target.declared, 403):
            problem = "the 403 is not one the document declares"
        elif response.mimetype != PROBLEM_MIMETYPE:
            problem = f"the 403 is not a problem ({response.mimetype or 'no body'})"
        if problem is not None:
            raise SelftestFailure(_report(target, problem, values, parts, response))

    def _expect_valid_answer(
        self,
        app: App,
        target: Target,
        parts: RequestParts,
        values: dict[str, Any],
        response: TestResponse,
    ) -> None:
        status = response.status_code
        problem: str | None = None
        body = _json_of(response)
        if status >= 500:
            problem = "valid input got a server error"
        elif not _declares(target.declared, status):
            listed = ", ".join(sorted(target.declared))
            problem = f"the status {status} is not one the document declares ({listed})"
        elif (
            response.mimetype == PROBLEM_MIMETYPE
            and isinstance(body, dict)
            and body.get("errors")
            and status in (400, 415, self._status)
        ):
            problem = "valid input was refused as invalid"
        elif status in (401, 403) and target.access.use:
            problem = f"the credentials were refused with {status}"
        elif status < 300 and status != 204:
            problem = self._structure_problem(app, target, status, response, body)
        if problem is not None:
            raise SelftestFailure(_report(target, problem, values, parts, response))

    def _structure_problem(
        self, app: App, target: Target, status: int, response: TestResponse, body: Any
    ) -> str | None:
        declared = declared_type(target.operation, status)
        if declared is None or declared is typing.Any:
            return None
        if body is _NOT_JSON:
            return f"the body is not JSON ({response.mimetype or 'no Content-Type'})"
        try:
            app.converter.structure(body, declared)
        except Exception as exc:
            return f"the body does not structure into the declared {_type_name(declared)}: {exc}"
        return None

    def _read_back(
        self, example: _Example, read: Target, location: str, expected: Any, what: str
    ) -> None:
        response = example.get(read, location)
        if response.status_code != 200 or _json_of(response) != expected:
            raise SelftestFailure(
                f"{read.label} [chain]: GET {location} does not return {what}.\n"
                f"  expected: {_excerpt(json.dumps(expected))}\n"
                f"  answer:   {response.status}: {_excerpt(response.get_data(as_text=True))}"
            )


class _Example:
    """One example's app and test client, with each credentials' headers fetched once."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.client: TestClient = app.test_client()
        self._headers: dict[Credentials, tuple[tuple[str, str], ...]] = {}

    def auth(self, access: Access) -> tuple[tuple[str, str], ...]:
        """Return the headers of the credentials ``access`` uses."""
        headers: tuple[tuple[str, str], ...] = ()
        for credentials in access.use:
            found = self._headers.get(credentials)
            if found is None:
                found = self._headers[credentials] = credentials.headers_for(self.client)
            headers += found
        return headers

    def get(self, read: Target, location: str) -> TestResponse:
        """Read ``location`` with the credentials ``read`` uses."""
        response: TestResponse = self.client.get(location, headers=list(self.auth(read.access)))
        return response


def _credentials_note(access: Access) -> str | None:
    if not access.use:
        return None
    schemes = ", ".join(credentials.scheme for credentials in access.use)
    lacking = f" (lacking {_names(access.lacking)})" if access.lacking else ""
    return f"the credentials for {schemes}{lacking}"


# -- the targets -----------------------------------------------------------------------


def _targets(app: App, credentials: Sequence[Credentials]) -> list[Target]:
    document = app.openapi()
    paths = document.get("paths", {})
    targets: list[Target] = []
    seen: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        for method, operation in operations_of(view).items():
            if (rule.endpoint, method) in seen:
                continue  # One rule of an endpoint is enough.
            seen.add((rule.endpoint, method))
            item = paths.get(templated_path(rule.rule), {}).get(method.lower(), {})
            declared = frozenset(item.get("responses", {})) or frozenset({str(operation.status)})
            access = access_of(document, item, credentials)
            targets.append(Target(rule, operation, declared, access))
    return targets


def _declares(declared: frozenset[str], status: int) -> bool:
    text = str(status)
    return text in declared or f"{text[0]}XX" in declared or "default" in declared


# -- reports ---------------------------------------------------------------------------

_NOT_JSON: Any = object()


def _json_of(response: TestResponse) -> Any:
    try:
        return json.loads(response.get_data())
    except ValueError:
        return _NOT_JSON


def _excerpt(text: str) -> str:
    return text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "..."


def _type_name(tp: Any) -> str:
    from ..convert.typeinfo import type_name

    return type_name(tp)


def _report(
    target: Target,
    problem: str,
    values: dict[str, Any],
    parts: RequestParts,
    response: TestResponse | None,
    mutation: mutations.Mutation | None = None,
) -> str:
    lines = [f"{target.label} ({target.operation.qualname}): {problem}."]
    lines.append("  input:")
    lines += [f"    {name} = {value!r}" for name, value in values.items()] or ["    (none)"]
    if mutation is not None:
        lines.append(f"  mutation: {mutation.describe()}")
    lines.append("  request:")
    if response is not None:
        lines.append(f"    {response.request.method} {response.request.full_path.rstrip('?')}")
    else:
        lines.append(f"    {target.operation.method} {target.rule.rule} {dict(parts.path)!r}")
    if parts.headers:
        lines.append(f"    headers: {list(parts.headers)!r}")
    if parts.cookies:
        lines.append(f"    cookies: {list(parts.cookies)!r}")
    if parts.json is not NO_BODY:
        lines.append(f"    body: {_excerpt(json.dumps(parts.json, default=str))}")
    note = getattr(response, "credentials", None)
    if note is not None:
        lines.append(f"    credentials: {note}")
    if response is not None:
        lines.append(f"  response: {response.status} ({response.mimetype or 'no body'})")
        raised = getattr(response, "raised", None)
        if raised is not None:
            lines.append(f"    the handler raised {type(raised).__name__}: {raised}")
        else:
            lines.append(f"    {_excerpt(response.get_data(as_text=True))}")
    return "\n".join(lines)
