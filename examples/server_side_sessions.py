"""Keep session data on the server, in SQLite; the cookie holds only a random id.

Use it when the session outgrows a cookie, or when the data must not leave the
server. The whole integration is one SessionInterface subclass::

    app.session_interface = SQLiteSessionInterface("sessions.db")
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from datetime import datetime, timezone
from typing import Any

from resourceful import App
from resourceful.globals import session
from resourceful.json.tag import TaggedJSONSerializer
from resourceful.sessions import SecureCookieSession, SessionInterface, SessionMixin
from resourceful.wrappers import Request, Response


class ServerSideSession(SecureCookieSession):
    """A session that knows the id it is stored under.

    Deriving from SecureCookieSession reuses its tracking of ``modified`` and
    ``accessed``, which ``save_session`` relies on.
    """

    def __init__(self, data: dict[str, Any], sid: str, new: bool = False) -> None:
        super().__init__(data)
        self.sid = sid
        self.new = new


class SQLiteSessionInterface(SessionInterface):
    """Store sessions in an SQLite table, keyed by an unguessable id."""

    #: Session data is stored as tagged JSON, like the cookie sessions, so
    #: tuples, bytes, datetimes, ... survive.
    serializer = TaggedJSONSerializer()

    def __init__(self, database: str = ":memory:") -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(database, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sessions"
                " (sid TEXT PRIMARY KEY, data TEXT NOT NULL, expires REAL NOT NULL)"
            )

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def open_session(self, app: App, request: Request) -> ServerSideSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid:
            with self._lock:
                row = self._db.execute(
                    "SELECT data FROM sessions WHERE sid = ? AND expires > ?",
                    (sid, datetime.now(timezone.utc).timestamp()),
                ).fetchone()
            if row is not None:
                return ServerSideSession(self.serializer.loads(row[0]), sid)
        # No cookie, an unknown id or an expired session: start afresh under a
        # new id, so a client can never choose its own session id.
        return ServerSideSession({}, secrets.token_urlsafe(32), new=True)

    def save_session(self, app: App, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, ServerSideSession):
            raise TypeError(f"Expected a ServerSideSession, got {type(session).__name__}.")
        name = self.get_cookie_name(app)
        cookie_options: dict[str, Any] = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
            "partitioned": self.get_cookie_partitioned(app),
        }
        if session.accessed:
            response.vary.add("Cookie")

        if not session:
            if session.modified:
                with self._lock, self._db:
                    self._db.execute("DELETE FROM sessions WHERE sid = ?", (session.sid,))
                response.delete_cookie(name, **cookie_options)
            return

        if not self.should_set_cookie(app, session):
            return

        # The browser forgets a non-permanent cookie when it closes; the server
        # still forgets the data after PERMANENT_SESSION_LIFETIME.
        expires = self.get_expiration_time(app, session)
        stored_until = expires or datetime.now(timezone.utc) + app.permanent_session_lifetime
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO sessions (sid, data, expires) VALUES (?, ?, ?)"
                " ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires = excluded.expires",
                (session.sid, self.serializer.dumps(dict(session)), stored_until.timestamp()),
            )
        response.set_cookie(name, session.sid, expires=expires, **cookie_options)

    def delete_expired(self) -> int:
        """Remove expired sessions; run it now and then. Return how many were removed."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "DELETE FROM sessions WHERE expires <= ?",
                (datetime.now(timezone.utc).timestamp(),),
            )
        return cursor.rowcount


def create_app(database: str = ":memory:") -> App:
    """Build a small app whose sessions live in SQLite."""
    app = App(__name__)
    app.session_interface = SQLiteSessionInterface(database)

    @app.route("/visit", methods=["POST"])
    def visit() -> dict[str, Any]:
        session["visits"] = session.get("visits", 0) + 1
        return {"visits": session["visits"]}

    @app.route("/logout", methods=["POST"])
    def logout() -> dict[str, Any]:
        session.clear()
        return {}

    return app
