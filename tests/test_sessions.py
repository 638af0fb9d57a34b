from __future__ import annotations

import hashlib
import logging
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from types import ModuleType
from typing import Any
from uuid import UUID

import itsdangerous
import pytest
from example_modules import EXAMPLES, import_example
from markupsafe import Markup
from werkzeug.http import parse_date

from resourceful import App
from resourceful.globals import session
from resourceful.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
)

SECRET = "test-secret-key"


@pytest.fixture
def app(app: App) -> App:
    """The shared testing app (see conftest), with routes that use the session."""
    app.secret_key = SECRET

    @app.route("/set/<key>/<value>")
    def set_value(key: str, value: str) -> str:
        session[key] = value
        return "set"

    @app.route("/get")
    def get_all() -> dict[str, Any]:
        return dict(session)

    @app.route("/read/<key>")
    def read(key: str) -> str:
        return repr(session.get(key))

    @app.route("/noop")
    def noop() -> str:
        return "nothing"

    @app.route("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.route("/permanent")
    def permanent() -> str:
        session.permanent = True
        session["user"] = "ada"
        return "permanent"

    return app


def set_cookies(response: Any) -> list[str]:
    return list(response.headers.getlist("Set-Cookie"))


def sign(app: App, data: Any, key: str | None = None) -> str:
    """Sign ``data`` like the default interface does, optionally with another key."""
    interface = SecureCookieSessionInterface()
    signer = itsdangerous.URLSafeTimedSerializer(
        key or app.secret_key,
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs={
            "key_derivation": interface.key_derivation,
            "digest_method": interface.digest_method,
        },
    )
    return signer.dumps(data)


# The session object


def test_new_secure_cookie_session_is_neither_modified_nor_accessed() -> None:
    s = SecureCookieSession({"a": 1})
    assert (s.modified, s.accessed) == (False, False)


def test_reading_marks_accessed_but_not_modified() -> None:
    for read in (
        lambda s: s["a"],
        lambda s: s.get("a"),
        lambda s: "a" in s,
        lambda s: list(s),
        lambda s: len(s),
        lambda s: s.keys(),
        lambda s: s.values(),
        lambda s: s.items(),
    ):
        s = SecureCookieSession({"a": 1})
        read(s)
        assert (s.modified, s.accessed) == (False, True)


def test_every_mutating_method_marks_modified_and_accessed() -> None:
    def ior(s: SecureCookieSession) -> None:
        s |= {"b": 2}

    for write in (
        lambda s: s.__setitem__("b", 2),
        lambda s: s.__delitem__("a"),
        lambda s: s.setdefault("b", 2),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.clear(),
        lambda s: s.update(b=2),
        ior,
    ):
        s = SecureCookieSession({"a": 1})
        write(s)
        assert (s.modified, s.accessed) == (True, True)


def test_in_place_change_of_a_value_is_not_detected() -> None:
    s = SecureCookieSession({"items": [1]})
    s["items"].append(2)
    assert s.modified is False


def test_ior_keeps_the_session_object() -> None:
    s = SecureCookieSession({"a": 1})
    same = s
    s |= {"b": 2}
    assert s is same
    assert s == {"a": 1, "b": 2}


def test_permanent_is_stored_in_the_session() -> None:
    s = SecureCookieSession()
    assert s.permanent is False
    s.permanent = True
    assert s == {"_permanent": True}
    assert s.permanent is True
    assert s.modified is True


def test_dict_with_session_mixin_is_a_valid_session() -> None:
    class Session(dict[str, Any], SessionMixin):
        pass

    s = Session(a=1)
    assert (s.new, s.modified, s.accessed, s.permanent) == (False, True, True, False)


def test_null_session_reads_as_empty() -> None:
    s = NullSession()
    assert s.get("a") is None
    assert "a" not in s
    assert len(s) == 0


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.__setitem__("a", 1),
        lambda s: s.__delitem__("a"),
        lambda s: s.setdefault("a", 1),
        lambda s: s.pop("a", None),
        lambda s: s.popitem(),
        lambda s: s.clear(),
        lambda s: s.update(a=1),
    ],
)
def test_null_session_write_explains_how_to_set_the_secret_key(write: Any) -> None:
    with pytest.raises(RuntimeError) as info:
        write(NullSession())
    message = str(info.value)
    assert "no secret key is set" in message
    assert "Set app.secret_key (or the SECRET_KEY config value)" in message
    assert "secrets.token_hex()" in message


# Basic behaviour through requests


def test_session_persists_between_requests(app: App) -> None:
    client = app.test_client()
    client.get("/set/name/ada")
    assert client.get("/get").json == {"name": "ada"}


class _Spy(SecureCookieSessionInterface):
    """Record when the session is opened and saved."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def open_session(self, app: App, request: Any) -> Any:
        self.calls.append("open")
        return super().open_session(app, request)

    def save_session(self, app: App, session: SessionMixin, response: Any) -> None:
        self.calls.append("save")
        super().save_session(app, session, response)


def test_request_without_a_session_cookie_does_no_session_work(app: App) -> None:
    spy = app.session_interface = _Spy()
    response = app.test_client().get("/noop")
    assert spy.calls == []
    assert set_cookies(response) == []
    assert "Cookie" not in response.vary


def test_untouched_session_is_not_opened_when_refresh_is_off(app: App) -> None:
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    spy = app.session_interface = _Spy()
    client = app.test_client()
    client.get("/permanent")
    spy.calls.clear()
    response = client.get("/noop")
    assert spy.calls == []
    assert set_cookies(response) == []


def test_untouched_temporary_session_sends_no_cookie(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    response = client.get("/noop")
    assert set_cookies(response) == []


def test_untouched_permanent_session_is_refreshed_on_every_request(app: App) -> None:
    client = app.test_client()
    client.get("/permanent")
    response = client.get("/noop")
    [cookie] = set_cookies(response)
    assert cookie.startswith("session=")
    assert "Expires=" in cookie


def test_reading_the_session_adds_vary_cookie_without_setting_a_cookie(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    response = client.get("/read/a")
    assert response.text == "'1'"
    assert "Cookie" in response.vary
    assert set_cookies(response) == []


def test_modified_session_sets_an_http_only_cookie_for_the_root_path(app: App) -> None:
    response = app.test_client().get("/set/a/1")
    [cookie] = set_cookies(response)
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "Path=/" in cookie
    assert "Expires" not in cookie
    assert "Cookie" in response.vary


def test_empty_session_that_was_only_read_sends_no_cookie(app: App) -> None:
    response = app.test_client().get("/get")
    assert set_cookies(response) == []
    assert "Cookie" in response.vary


def test_emptying_the_session_deletes_the_cookie(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    response = client.get("/clear")
    [cookie] = set_cookies(response)
    assert cookie.startswith("session=;")
    assert "Expires=Thu, 01 Jan 1970" in cookie
    assert client.get_cookie("session") is None


def test_in_place_change_is_saved_when_marked_modified(app: App) -> None:
    @app.route("/append")
    def append() -> str:
        session.setdefault("items", [])
        session["items"].append(len(session["items"]))
        session.modified = True
        return "ok"

    client = app.test_client()
    client.get("/append")
    client.get("/append")
    assert client.get("/get").json == {"items": [0, 1]}


def test_session_round_trips_tagged_types_through_the_cookie(app: App) -> None:
    value = {
        "tuple": (1, (2, 3)),
        "bytes": b"\x00\x01",
        "markup": Markup("<b>x</b>"),
        "uuid": UUID(int=5),
        "when": datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
        "day": date(2024, 1, 2),
        " t": "plain",
    }
    seen: dict[str, Any] = {}

    @app.route("/store")
    def store() -> str:
        session.update(value)
        return "ok"

    @app.route("/load")
    def load() -> str:
        seen.update(session)
        return "ok"

    client = app.test_client()
    client.get("/store")
    client.get("/load")
    assert seen == value


def test_new_is_true_only_for_a_session_without_a_valid_cookie(app: App) -> None:
    @app.route("/new")
    def is_new() -> str:
        return str(session.new)

    client = app.test_client()
    assert client.get("/new").text == "True"
    client.get("/set/a/1")
    assert client.get("/new").text == "False"


# Null session


def test_without_secret_key_reading_works_and_nothing_is_saved(app: App) -> None:
    app.secret_key = None
    client = app.test_client()
    response = client.get("/get")
    assert response.json == {}
    assert set_cookies(response) == []


def test_without_secret_key_writing_fails_with_an_explanation(app: App) -> None:
    app.secret_key = None
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="no secret key"):
        session["a"] = 1


def test_null_session_is_not_saved(app: App) -> None:
    saved: list[SessionMixin] = []

    class Spy(SecureCookieSessionInterface):
        def save_session(self, app: App, session: SessionMixin, response: Any) -> None:
            saved.append(session)

    app.secret_key = None
    app.session_interface = Spy()
    app.test_client().get("/get")
    assert saved == []


# Invalid cookies: always a fresh empty session, never an error


def get_with_cookie(app: App, path: str, cookie: str) -> Any:
    """Send ``cookie`` as the session cookie, as a raw header.

    The client's cookie jar is bypassed (``use_cookies=False``): it would
    refuse a huge value and replace the header with its own contents.
    """
    client = app.test_client(use_cookies=False)
    return client.get(path, headers={"Cookie": f"session={cookie}"})


def new_session_cookie(response: Any) -> str:
    [header] = set_cookies(response)
    name, _, rest = header.partition("=")
    assert name == "session"
    return rest.split(";")[0]


def assert_fresh_session(app: App, cookie: str) -> None:
    response = get_with_cookie(app, "/get", cookie)
    assert response.status_code == 200
    assert response.json == {}
    # The bad cookie is replaced as soon as the session is written again.
    response = get_with_cookie(app, "/set/a/1", cookie)
    assert response.status_code == 200
    assert get_with_cookie(app, "/get", new_session_cookie(response)).json == {"a": "1"}


def test_valid_cookie_sent_as_a_header_is_read(app: App) -> None:
    # The control for the tests below: the same path with a good cookie.
    assert get_with_cookie(app, "/get", sign(app, {"user": "ada"})).json == {"user": "ada"}


def test_cookie_signed_with_another_key_gives_an_empty_session(app: App) -> None:
    assert_fresh_session(app, sign(app, {"user": "admin"}, key="some-other-key"))


def test_modified_payload_gives_an_empty_session(app: App) -> None:
    cookie = sign(app, {"user": "guest"})
    payload, rest = cookie.split(".", 1)
    forged_payload = itsdangerous.encoding.base64_encode(b'{"user":"admin"}').decode()
    assert forged_payload != payload
    assert_fresh_session(app, f"{forged_payload}.{rest}")


def test_expired_permanent_session_gives_an_empty_session(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_ago = int(datetime.now(timezone.utc).timestamp()) - 32 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: long_ago)
        cookie = sign(app, {"_permanent": True, "user": "ada"})
    assert_fresh_session(app, cookie)


def test_cookie_within_the_lifetime_is_accepted(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    recent = int(datetime.now(timezone.utc).timestamp()) - 30 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: recent)
        cookie = sign(app, {"_permanent": True, "user": "ada"})
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/get").json == {"_permanent": True, "user": "ada"}


def test_shorter_lifetime_in_seconds_expires_older_cookies(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 3600
    two_hours_ago = int(datetime.now(timezone.utc).timestamp()) - 7200
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: two_hours_ago)
        cookie = sign(app, {"user": "ada"})
    assert_fresh_session(app, cookie)


def test_ten_kilobytes_of_garbage_gives_an_empty_session(app: App) -> None:
    assert_fresh_session(app, "x" * 10_240)


@pytest.mark.parametrize(
    "garbage",
    ["", ".", "...", "a.b.c", "é" * 20, "e30.AAAA.BBBB", "%00%ff", '"quoted"'],
)
def test_malformed_cookie_gives_an_empty_session(app: App, garbage: str) -> None:
    response = get_with_cookie(app, "/get", garbage)
    assert response.status_code == 200
    assert response.json == {}


def test_truncated_cookie_gives_an_empty_session(app: App) -> None:
    cookie = sign(app, {"user": "ada"})
    for cut in (1, 5, len(cookie) // 2, len(cookie) - 1):
        assert_fresh_session(app, cookie[:cut])


def test_validly_signed_non_object_payload_gives_an_empty_session(app: App) -> None:
    assert_fresh_session(app, sign(app, ["not", "a", "dict"]))


def test_validly_signed_but_undecodable_payload_gives_an_empty_session(app: App) -> None:
    signer = itsdangerous.URLSafeTimedSerializer(
        SECRET,
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
    )
    assert_fresh_session(app, signer.dumps({"data": {" b": "!not base64!"}}))


# Key rotation and signing configuration


def test_cookie_signed_with_a_fallback_key_is_read(app: App) -> None:
    old_cookie = sign(app, {"user": "ada"}, key="old-key")
    app.config["SECRET_KEY_FALLBACKS"] = ["older-key", "old-key"]
    client = app.test_client()
    client.set_cookie("session", old_cookie)
    assert client.get("/get").json == {"user": "ada"}


def test_fallbacks_given_as_one_string_explain_the_fix_without_the_key(app: App) -> None:
    app.config["SECRET_KEY_FALLBACKS"] = "old-key"
    with pytest.raises(TypeError) as info:
        SecureCookieSessionInterface().get_signing_serializer(app)
    message = str(info.value)
    assert "SECRET_KEY_FALLBACKS must be a list of old keys, not a single str" in message
    assert "SECRET_KEY_FALLBACKS = ['the old key']" in message
    assert "old-key" not in message


def test_new_cookies_are_signed_with_the_current_key_not_a_fallback(app: App) -> None:
    app.config["SECRET_KEY_FALLBACKS"] = ["old-key"]
    client = app.test_client()
    client.get("/set/a/1")
    cookie = client.get_cookie("session")
    assert cookie is not None

    current_only = App(__name__)
    current_only.secret_key = SECRET
    interface = SecureCookieSessionInterface()
    signer = interface.get_signing_serializer(current_only)
    assert signer is not None
    assert signer.loads(cookie.value) == {"a": "1"}

    old_only = App(__name__)
    old_only.secret_key = "old-key"
    old_signer = interface.get_signing_serializer(old_only)
    assert old_signer is not None
    with pytest.raises(itsdangerous.BadSignature):
        old_signer.loads(cookie.value)


def test_changing_the_secret_key_invalidates_existing_cookies(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    assert client.get("/get").json == {"a": "1"}
    app.secret_key = "a-new-key"
    assert client.get("/get").json == {}


def test_digest_method_is_configurable(app: App) -> None:
    class Sha512Sessions(SecureCookieSessionInterface):
        digest_method = staticmethod(hashlib.sha512)

    client = app.test_client()
    client.get("/set/a/1")
    app.session_interface = Sha512Sessions()
    # A SHA-256 signature does not verify as SHA-512.
    assert client.get("/get").json == {}
    client.get("/set/b/2")
    assert client.get("/get").json == {"b": "2"}


def test_salt_separates_sessions_from_other_signed_values(app: App) -> None:
    class OtherSalt(SecureCookieSessionInterface):
        salt = "something-else"

    client = app.test_client()
    client.get("/set/a/1")
    app.session_interface = OtherSalt()
    assert client.get("/get").json == {}


# Cookie attributes and expiry


def test_cookie_attributes_follow_the_configuration(app: App) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.test",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )
    response = app.test_client().get("/set/a/1")
    [cookie] = set_cookies(response)
    assert cookie.startswith("sid=")
    assert "Domain=example.test" in cookie
    assert "Path=/app" in cookie
    assert "HttpOnly" not in cookie
    assert "Secure" in cookie
    assert "SameSite=Lax" in cookie
    assert "Partitioned" in cookie


def test_cookie_path_defaults_to_the_application_root(app: App) -> None:
    app.config["APPLICATION_ROOT"] = "/prefix"
    [cookie] = set_cookies(app.test_client().get("/set/a/1"))
    assert "Path=/prefix" in cookie


def test_deleting_the_cookie_uses_the_same_attributes(app: App) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="sid", SESSION_COOKIE_PATH="/", SESSION_COOKIE_SECURE=True
    )
    client = app.test_client()
    client.get("/set/a/1")
    [cookie] = set_cookies(client.get("/clear"))
    assert cookie.startswith("sid=;")
    assert "Secure" in cookie


def test_cookie_name_of_the_configuration_is_read(app: App) -> None:
    app.config["SESSION_COOKIE_NAME"] = "sid"
    client = app.test_client()
    client.set_cookie("sid", sign(app, {"a": "from-sid"}))
    client.set_cookie("session", sign(app, {"a": "from-session"}))
    assert client.get("/get").json == {"a": "from-sid"}


def test_permanent_session_cookie_expires_after_the_lifetime(app: App) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=2)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    [cookie] = set_cookies(app.test_client().get("/permanent"))
    after = datetime.now(timezone.utc)
    expires_text = cookie.split("Expires=")[1].split(";")[0]
    expires = parse_date(expires_text)
    assert expires is not None
    assert before + timedelta(days=2) <= expires <= after + timedelta(days=2)


def test_lifetime_can_be_configured_in_seconds(app: App) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 3600
    before = datetime.now(timezone.utc).replace(microsecond=0)
    [cookie] = set_cookies(app.test_client().get("/permanent"))
    expires = parse_date(cookie.split("Expires=")[1].split(";")[0])
    assert expires is not None
    assert before + timedelta(hours=1) <= expires <= before + timedelta(hours=1, minutes=1)


def test_permanent_session_is_refreshed_on_each_request_by_default(app: App) -> None:
    client = app.test_client()
    client.get("/permanent")
    response = client.get("/read/user")
    assert response.text == "'ada'"
    assert len(set_cookies(response)) == 1


def test_should_set_cookie_and_get_expiration_time_can_be_overridden(app: App) -> None:
    expires = datetime(2040, 1, 2, tzinfo=timezone.utc)

    class Custom(SecureCookieSessionInterface):
        def should_set_cookie(self, app: App, session: SessionMixin) -> bool:
            return bool(session.get("send"))

        def get_expiration_time(self, app: App, session: SessionMixin) -> datetime | None:
            return expires

    app.session_interface = Custom()
    client = app.test_client()
    assert set_cookies(client.get("/set/a/1")) == []
    [cookie] = set_cookies(client.get("/set/send/yes"))
    assert "Expires=Mon, 02 Jan 2040 00:00:00 GMT" in cookie


def test_permanent_session_is_not_refreshed_when_disabled(app: App) -> None:
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client = app.test_client()
    client.get("/permanent")
    response = client.get("/read/user")
    assert response.text == "'ada'"
    assert set_cookies(response) == []


def test_non_permanent_unmodified_session_is_not_refreshed(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    assert set_cookies(client.get("/read/a")) == []


# Size warning


def test_session_too_large_for_a_cookie_logs_a_warning(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    @app.route("/big")
    def big() -> str:
        # Random text, so the signer's compression cannot shrink it.
        session["blob"] = secrets.token_urlsafe(4000)
        return "ok"

    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/big")
    assert response.status_code == 200
    [record] = [r for r in caplog.records if "session cookie" in r.getMessage()]
    message = record.getMessage()
    assert record.levelno == logging.WARNING
    assert "The session cookie 'session' is " in message
    assert "more than the 4093 bytes browsers accept (MAX_COOKIE_SIZE)" in message
    assert "Store less in the session" in message
    assert "custom SessionInterface" in message
    # The cookie is still sent: some browsers accept it.
    assert len(set_cookies(response)) == 1


def test_session_within_the_cookie_limit_logs_nothing(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        app.test_client().get("/set/a/1")
    assert [r for r in caplog.records if "session cookie" in r.getMessage()] == []


def test_size_check_follows_max_cookie_size(app: App, caplog: pytest.LogCaptureFixture) -> None:
    app.config["MAX_COOKIE_SIZE"] = 50
    with caplog.at_level(logging.WARNING):
        app.test_client().get("/set/a/1")
    [record] = [r for r in caplog.records if "session cookie" in r.getMessage()]
    assert "more than the 50 bytes" in record.getMessage()


# Test client integration


def test_session_transaction_sets_values_the_app_sees(app: App) -> None:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["user"] = "ada"
    assert client.get("/get").json == {"user": "ada"}


def test_session_transaction_sees_values_the_app_set(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    with client.session_transaction() as sess:
        assert sess["a"] == "1"


# Custom interfaces


def test_base_interface_says_which_methods_to_implement(app: App) -> None:
    interface = SessionInterface()
    with app.test_request_context("/"):
        from resourceful.globals import request

        with pytest.raises(NotImplementedError, match=r"must implement open_session\(app"):
            interface.open_session(app, request)
        with pytest.raises(NotImplementedError, match=r"must implement save_session\(app"):
            interface.save_session(app, SecureCookieSession(), app.response_class())


def test_open_session_returning_none_gives_the_null_session(app: App) -> None:
    class Unavailable(SessionInterface):
        def open_session(self, app: App, request: Any) -> None:
            return None

    app.session_interface = Unavailable()
    with app.test_request_context("/"):
        assert isinstance(session._get_current_object(), NullSession)  # type: ignore[attr-defined]


def test_null_session_class_is_replaceable() -> None:
    class Quiet(NullSession):
        pass

    class Interface(SecureCookieSessionInterface):
        null_session_class = Quiet

    interface = Interface()
    null = interface.make_null_session(App(__name__))
    assert type(null) is Quiet
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())


def test_pickle_based_is_false() -> None:
    assert SecureCookieSessionInterface.pickle_based is False


def load_example() -> ModuleType:
    return import_example(EXAMPLES / "server_side_sessions.py", "server_side_sessions")


@pytest.fixture
def example() -> Iterator[Any]:
    module = load_example()
    app = module.create_app()
    yield app
    app.session_interface.close()
    del sys.modules["server_side_sessions"]


def test_server_side_sessions_keep_data_on_the_server(example: App) -> None:
    client = example.test_client()
    assert client.post("/visit").json == {"visits": 1}
    assert client.post("/visit").json == {"visits": 2}
    cookie = client.get_cookie("session")
    assert cookie is not None
    # Only an opaque id travels; the data does not.
    assert "visits" not in cookie.value
    assert len(cookie.value) >= 40


def test_server_side_sessions_are_separate_per_client(example: App) -> None:
    first, second = example.test_client(), example.test_client()
    first.post("/visit")
    first.post("/visit")
    assert second.post("/visit").json == {"visits": 1}


def test_server_side_unknown_id_gets_a_new_id(example: App) -> None:
    client = example.test_client()
    client.set_cookie("session", "chosen-by-the-client")
    assert client.post("/visit").json == {"visits": 1}
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.value != "chosen-by-the-client"


def test_server_side_clear_deletes_the_row_and_the_cookie(example: App) -> None:
    client = example.test_client()
    client.post("/visit")
    cookie = client.get_cookie("session")
    assert cookie is not None
    sid = cookie.value
    client.post("/logout")
    assert client.get_cookie("session") is None
    # Replaying the old id does not bring the data back.
    client.set_cookie("session", sid)
    assert client.post("/visit").json == {"visits": 1}


def test_server_side_sessions_expire_on_the_server(example: App) -> None:
    example.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    client = example.test_client()
    client.post("/visit")
    assert client.post("/visit").json == {"visits": 1}
    assert example.session_interface.delete_expired() >= 1  # type: ignore[attr-defined]


def test_server_side_session_transaction_works(example: App) -> None:
    client = example.test_client()
    with client.session_transaction() as sess:
        sess["visits"] = 41
    assert client.post("/visit").json == {"visits": 42}


def test_session_repr_names_the_class_and_shows_the_data() -> None:
    assert repr(SecureCookieSession({"a": 1})) == "<SecureCookieSession {'a': 1}>"


def test_secret_key_removed_during_the_request_saves_nothing(app: App) -> None:
    @app.route("/drop-key")
    def drop_key() -> str:
        session["a"] = 1
        app.secret_key = None
        return "ok"

    response = app.test_client().get("/drop-key")
    assert response.status_code == 200
    assert set_cookies(response) == []


def test_server_side_session_only_read_sets_no_cookie(example: App) -> None:
    @example.route("/peek")
    def peek() -> dict[str, Any]:
        return dict(session)

    client = example.test_client()
    client.post("/visit")
    response = client.get("/peek")
    assert response.json == {"visits": 1}
    assert set_cookies(response) == []
    assert "Cookie" in response.vary


def test_other_cookies_alone_do_no_session_work(app: App) -> None:
    spy = app.session_interface = _Spy()
    client = app.test_client(use_cookies=False)
    response = client.get("/noop", headers={"Cookie": "analytics=abc; theme=dark"})
    assert response.status_code == 200
    assert spy.calls == []


# Sessions signed by Flask (SHA-1)


FLASK_SETS = (
    "session['user'] = 'ada'\n"
    "session['cart'] = (1, 2)\n"
    "session['note'] = markupsafe.Markup('<b>hi</b>')\n"
    "session['id'] = uuid.UUID(int=7)\n"
)


def flask_session_cookie(tmp_path: Any, secret_key: str, sets: str = FLASK_SETS) -> str:
    """Return a session cookie that the real Flask set, in a separate interpreter."""
    script = tmp_path / "flask_app.py"
    body = "".join(f"    {line}\n" for line in sets.splitlines())
    script.write_text(
        "import datetime, uuid, markupsafe\n"
        "from flask import Flask, session\n"
        "app = Flask(__name__)\n"
        f"app.secret_key = {secret_key!r}\n"
        "@app.route('/login')\n"
        "def login():\n"
        f"{body}"
        "    return 'ok'\n"
        "client = app.test_client()\n"
        "client.get('/login')\n"
        "print(client.get_cookie('session').value)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


# As the /get route returns them through JSON.
FLASK_DATA = {
    "user": "ada",
    "cart": [1, 2],
    "note": "<b>hi</b>",
    "id": "00000000-0000-0000-0000-000000000007",
}


def test_cookie_signed_by_flask_is_refused_by_default(app: App, tmp_path: Any) -> None:
    client = app.test_client()
    client.set_cookie("session", flask_session_cookie(tmp_path, SECRET))
    assert client.get("/get").json == {}


def test_cookie_signed_by_flask_is_read_with_the_sha1_migration_setting(
    app: App, tmp_path: Any
) -> None:
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    client = app.test_client()
    client.set_cookie("session", flask_session_cookie(tmp_path, SECRET))
    assert client.get("/get").json == FLASK_DATA


def test_cookie_signed_by_flask_is_rewritten_with_sha256_on_first_use(
    app: App, tmp_path: Any
) -> None:
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    client = app.test_client()
    client.set_cookie("session", flask_session_cookie(tmp_path, SECRET))
    response = client.get("/read/user")
    assert response.text == "'ada'"
    assert len(set_cookies(response)) == 1
    rewritten = client.get_cookie("session")
    assert rewritten is not None
    sha256 = SecureCookieSessionInterface().get_signing_serializer(app)
    assert sha256 is not None
    assert sha256.loads(rewritten.value)["user"] == "ada"
    # Once rewritten, the setting is no longer needed for this user.
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = False
    assert client.get("/get").json == FLASK_DATA
    # And a SHA-256 cookie is not rewritten again.
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    assert set_cookies(client.get("/read/user")) == []


def test_sha1_setting_accepts_flask_cookies_signed_with_a_fallback_key(
    app: App, tmp_path: Any
) -> None:
    old = flask_session_cookie(tmp_path, "the-old-flask-key")
    app.config.update(SESSION_COOKIE_ACCEPT_SHA1=True, SECRET_KEY_FALLBACKS=["the-old-flask-key"])
    client = app.test_client()
    client.set_cookie("session", old)
    assert client.get("/get").json == FLASK_DATA


def test_sha1_setting_still_refuses_a_tampered_flask_cookie(app: App, tmp_path: Any) -> None:
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    cookie = flask_session_cookie(tmp_path, SECRET)
    client = app.test_client()
    client.set_cookie("session", cookie[:-3] + ("AAA" if cookie[-3:] != "AAA" else "BBB"))
    assert client.get("/get").json == {}


def test_flask_cookie_values_keep_their_types(app: App, tmp_path: Any) -> None:
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    seen: dict[str, Any] = {}

    @app.route("/types")
    def types() -> str:
        seen.update(session)
        return "ok"

    client = app.test_client()
    sets = FLASK_SETS + "session['token'] = b'raw'\n"
    client.set_cookie("session", flask_session_cookie(tmp_path, SECRET, sets))
    client.get("/types")
    assert seen == {
        "user": "ada",
        "cart": (1, 2),
        "token": b"raw",
        "note": Markup("<b>hi</b>"),
        "id": UUID(int=7),
    }


def test_flask_cookie_with_a_datetime_and_a_tag_like_key_is_read(app: App, tmp_path: Any) -> None:
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    seen: dict[str, Any] = {}

    @app.route("/types")
    def types() -> str:
        seen.update(session)
        return "ok"

    sets = (
        "session['since'] = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)\n"
        "session['raw'] = {' t': 1}\n"
    )
    client = app.test_client()
    client.set_cookie("session", flask_session_cookie(tmp_path, SECRET, sets))
    client.get("/types")
    assert seen == {"since": datetime(2024, 5, 1, tzinfo=timezone.utc), "raw": {" t": 1}}


def test_sha1_cookie_made_with_flasks_parameters_is_accepted(app: App) -> None:
    # The same parameters as Flask's SecureCookieSessionInterface, by itsdangerous.
    signer = itsdangerous.URLSafeTimedSerializer(
        SECRET,
        salt="cookie-session",
        serializer=SecureCookieSessionInterface.serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    app.config["SESSION_COOKIE_ACCEPT_SHA1"] = True
    client = app.test_client()
    client.set_cookie("session", signer.dumps({"user": "ada"}))
    assert client.get("/get").json == {"user": "ada"}


# The accessed flag through requests


def test_membership_test_alone_marks_the_response_as_varying_on_cookie(app: App) -> None:
    @app.route("/has/<key>")
    def has(key: str) -> str:
        return str(key in session)

    client = app.test_client()
    client.get("/set/a/1")
    response = client.get("/has/a")
    assert response.text == "True"
    assert "Cookie" in response.vary
    assert set_cookies(response) == []


def test_len_alone_marks_the_response_as_varying_on_cookie(app: App) -> None:
    @app.route("/count")
    def count() -> str:
        return str(len(session))

    client = app.test_client()
    client.get("/set/a/1")
    response = client.get("/count")
    assert response.text == "1"
    assert "Cookie" in response.vary


def test_session_proxy_reports_accessed_after_in_and_len(app: App) -> None:
    with app.test_request_context("/"):
        assert session.accessed is False
        assert "a" not in session
        assert session.accessed is True
    with app.test_request_context("/"):
        len(session)
        assert session.accessed is True


def test_session_transaction_yields_a_session_that_tracks_access(app: App) -> None:
    client = app.test_client()
    client.get("/set/a/1")
    with client.session_transaction() as sess:
        assert isinstance(sess, SecureCookieSession)
        assert sess.accessed is False
        assert "a" in sess
        assert sess.accessed is True
        assert sess.modified is False
    with client.session_transaction() as sess:
        assert len(sess) == 1
        assert sess.accessed is True
