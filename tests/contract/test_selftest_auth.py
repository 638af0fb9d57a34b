"""The self-test authenticates with the credentials given, checks 401s and 403s, finds auth bugs."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import seeded_auth_bugs
from example_modules import EXAMPLES, import_example

from resourceful.contract import Credentials
from resourceful.contract.auth import access_of
from resourceful.contract.selftest import SelftestError, selftest, selftest_cases
from resourceful.testing import TestClient


def _failures(factory: object, **options: Any) -> dict[str, str]:
    try:
        selftest(factory, max_examples=10, **options)  # type: ignore[arg-type]
    except SelftestError as exc:
        return dict(exc.failures)
    return {}


# -- seeded bugs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def admin_failures() -> dict[str, str]:
    return _failures(lambda: seeded_auth_bugs.create_app(), credentials=seeded_auth_bugs.ADMIN)


@pytest.mark.slow
def test_a_bad_token_that_gets_a_server_error_is_reported(admin_failures: dict[str, str]) -> None:
    report = admin_failures["POST /notes [auth]"]
    assert report.startswith(
        "POST /notes (Notes.create): bearerAuth: the unknown token '0' got a server error.\n"
    )
    assert "    credentials: bearerAuth: the unknown token '0'\n" in report
    assert "the handler raised KeyError: '0'" in report


@pytest.mark.slow
def test_an_operation_that_forgets_its_security_check_is_reported(
    admin_failures: dict[str, str],
) -> None:
    report = admin_failures["GET /report [auth]"]
    assert report.splitlines()[0] == (
        "GET /report (Reports.get): no credentials got the success 200."
    )


@pytest.mark.slow
def test_the_admin_credentials_pass_the_other_checks(admin_failures: dict[str, str]) -> None:
    assert sorted(admin_failures) == ["GET /report [auth]", "POST /notes [auth]"]


@pytest.mark.slow
def test_credentials_that_lack_a_permission_must_get_the_declared_403() -> None:
    failures = _failures(lambda: seeded_auth_bugs.create_app(), credentials=seeded_auth_bugs.READER)
    report = failures["POST /notes [valid]"]
    assert report.splitlines()[0] == (
        "POST /notes (Notes.create): the credentials lack 'admin', but the answer is 201, not 403."
    )
    # The report names the credentials, never their secret.
    assert "    credentials: the credentials for apiKeyAuth (lacking 'admin')\n" in report
    assert "reader-key" not in report


@pytest.mark.slow
def test_the_same_api_with_the_auth_bugs_fixed_passes() -> None:
    def factory() -> Any:
        return seeded_auth_bugs.create_app(fixed=True)

    assert _failures(factory, credentials=seeded_auth_bugs.ADMIN) == {}
    assert _failures(factory, credentials=seeded_auth_bugs.READER) == {}


# -- which checks run, with which credentials --------------------------------------------


def _skips(credentials: list[Credentials]) -> dict[str, str | None]:
    cases = selftest_cases(lambda: seeded_auth_bugs.create_app(fixed=True), credentials=credentials)
    return {case.name: case.skip for case in cases}


def test_without_credentials_protected_operations_say_why_they_are_not_called() -> None:
    skips = _skips([])
    assert skips["POST /notes [valid]"] == (
        "no credentials for bearerAuth or apiKeyAuth were given"
        " (selftest(..., credentials=[Credentials(...)]))"
    )
    assert skips["POST /notes [invalid]"] == skips["POST /notes [valid]"]
    # Missing and wrong credentials are still checked.
    assert skips["POST /notes [auth]"] is None
    assert skips["GET /report [auth]"] is None


def test_credentials_that_lack_a_permission_skip_only_the_invalid_check() -> None:
    skips = _skips(seeded_auth_bugs.READER)
    assert skips["POST /notes [valid]"] is None
    assert skips["POST /notes [invalid]"] == (
        "the credentials lack 'admin', so every request is refused with 403 before its input"
        " is read ([valid] checks the 403)"
    )


def test_public_operations_have_no_auth_check() -> None:
    assert "GET /report [auth]" in _skips([])
    app = seeded_auth_bugs.create_app()
    app.add_url_rule("/plain", "plain", lambda: "x")
    names = [case.name for case in selftest_cases(app, checks=("auth",))]
    assert names == ["POST /notes [auth]", "GET /report [auth]"]


def test_unknown_check_kinds_are_refused() -> None:
    with pytest.raises(ValueError) as caught:
        selftest_cases(seeded_auth_bugs.create_app(), checks=("valid", "authz"))
    assert str(caught.value) == (
        "Unknown self-test checks ['authz']; the checks are ['valid', 'invalid', 'chain', 'auth']."
    )


DOCUMENT: dict[str, Any] = {"components": {"securitySchemes": {"a": {}, "b": {}}}}


def test_the_credentials_that_have_every_permission_are_chosen() -> None:
    reader = Credentials("a", {"X": "r"})
    writer = Credentials("b", {"Y": "w"}, permissions={"write"})
    item = {"security": [{"a": ["write"]}, {"b": ["write"]}]}
    access = access_of(DOCUMENT, item, [reader, writer])
    assert access.use == (writer,) and not access.lacking
    access = access_of(DOCUMENT, item, [reader])
    assert access.use == (reader,) and access.lacking == {"write"}


def test_a_requirement_that_allows_anonymous_calls_is_public() -> None:
    access = access_of(DOCUMENT, {"security": [{"a": []}, {}]}, [])
    assert not access.protected and access.unreachable is None


def test_the_document_default_security_applies_to_operations_without_their_own() -> None:
    document = {**DOCUMENT, "security": [{"a": []}]}
    assert access_of(document, {}, []).protected
    assert not access_of(document, {"security": []}, []).protected


@pytest.mark.slow
def test_a_login_function_is_called_once_per_app() -> None:
    calls: list[TestClient] = []

    def login(client: TestClient) -> dict[str, str]:
        calls.append(client)
        return {"X-API-Key": "admin-key"}

    credentials = [
        Credentials("apiKeyAuth", login, permissions={"admin"}),
        Credentials("gateway", {"X-Gateway-Key": seeded_auth_bugs.GATEWAY_KEY}),
    ]
    apps = []

    def factory() -> Any:
        apps.append(seeded_auth_bugs.create_app(fixed=True))
        return apps[-1]

    selftest(factory, max_examples=5, checks=("valid",), credentials=credentials)
    # One login per example of POST /notes, each with the client of that example's app.
    assert len(calls) == 5
    assert len({id(client.application) for client in calls}) == 5
    assert all(any(client.application is app for app in apps) for client in calls)


# -- the bookshop example ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bookshop() -> Iterator[ModuleType]:
    try:
        yield import_example(EXAMPLES / "bookshop" / "app.py", "bookshop_for_selftest")
    finally:
        sys.modules.pop("bookshop_for_selftest", None)


def _basic(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{user}".encode()).decode()}


def _token(user: str) -> Any:
    def login(client: TestClient) -> dict[str, str]:
        response = client.post("/api/v1/tokens", headers=_basic(user))
        return {"Authorization": f"Bearer {response.json['access_token']}"}  # type: ignore[index]

    return login


def _bookshop_factory(bookshop: ModuleType, tmp_path: Path) -> Any:
    database = str(tmp_path / "shop.sqlite3")
    return lambda: bookshop.create_app({"TESTING": True, "DATABASE": database, "SECRET_KEY": "t"})


@pytest.mark.slow
def test_the_bookshop_example_passes_with_an_admin_s_credentials(
    bookshop: ModuleType, tmp_path: Path
) -> None:
    skipped = selftest(
        _bookshop_factory(bookshop, tmp_path),
        max_examples=10,
        credentials=[
            Credentials("basicAuth", _basic("admin")),
            Credentials("bearerAuth", _token("admin"), permissions={"admin"}),
        ],
    )
    # Every check runs but the invalid checks of operations with no input to break.
    assert sorted(skipped) == [
        (f"{label} [invalid]", f"{label}: no input to draw or to break")
        for label in (
            "DELETE /api/v1/books/{book_id}",
            "GET /api/v1/authors/",
            "GET /api/v1/authors/{author_id}",
            "GET /api/v1/books/{book_id}",
            "GET /api/v1/me",
            "POST /api/v1/tokens",
        )
    ]


@pytest.mark.slow
def test_the_bookshop_example_refuses_a_reader_with_its_403s(
    bookshop: ModuleType, tmp_path: Path
) -> None:
    skipped = dict(
        selftest(
            _bookshop_factory(bookshop, tmp_path),
            max_examples=10,
            checks=("valid", "invalid", "chain"),
            credentials=[Credentials("bearerAuth", _token("reader"))],
        )
    )
    assert skipped["Books [chain]"] == "POST /api/v1/books/: the credentials lack 'admin'"
    assert "POST /api/v1/books/ [valid]" not in skipped  # checked for its 403
