"""Static files, send_file, send_from_directory and safe_join (traversal included)."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from werkzeug.exceptions import NotFound

from resourceful import (
    App,
    Blueprint,
    request,
    safe_join,
    send_file,
    send_from_directory,
    url_for,
)
from resourceful.testing import TestClient
from resourceful.wrappers import Response

CSS = b"body { color: red; }\n"


class BufferedClient(TestClient):
    """A test client that reads and closes each response, so no file stays open."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def _client(app: App) -> TestClient:
    return BufferedClient(app, app.response_class)


def _closed(response: Response) -> Response:
    """Read the body of a response made outside the test client, and close its file."""
    response.direct_passthrough = False
    response.get_data()
    response.close()
    return response


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "static" / "sub").mkdir(parents=True)
    (tmp_path / "static" / "style.css").write_bytes(CSS)
    (tmp_path / "static" / "sub" / "a.txt").write_text("in a subfolder")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "b.txt").write_text("outside")
    (tmp_path / "static" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "static" / "linkdir").symlink_to(tmp_path / "outside")
    (tmp_path / "static" / "inner.txt").symlink_to(tmp_path / "static" / "sub" / "a.txt")
    # On POSIX a backslash is an ordinary character, so without the refusal of
    # backslashes this file would be served; on Windows the name would climb out.
    (tmp_path / "static" / "..\\secret.txt").write_text("TOP SECRET")
    return tmp_path


@pytest.fixture
def app(root: Path) -> App:
    app = App("static_app", root_path=str(root))
    app.testing = True

    @app.route("/files")
    def files() -> object:
        return send_from_directory("static", request.args["name"])

    return app


@pytest.fixture
def client(app: App) -> TestClient:
    return _client(app)


# -- the static endpoint -------------------------------------------------------------------


def test_static_files_are_served_from_the_static_folder(client: TestClient) -> None:
    response = client.get("/static/style.css")

    assert response.status_code == 200
    assert response.data == CSS
    assert response.mimetype == "text/css"


def test_static_files_in_subfolders_are_served(client: TestClient) -> None:
    assert client.get("/static/sub/a.txt").text == "in a subfolder"


def test_url_for_static_builds_the_file_url(app: App) -> None:
    with app.test_request_context():
        assert url_for("static", filename="sub/a.txt") == "/static/sub/a.txt"


def test_missing_static_file_is_404(client: TestClient) -> None:
    assert client.get("/static/nope.css").status_code == 404


def test_static_directory_itself_is_404(client: TestClient) -> None:
    assert client.get("/static/sub").status_code == 404


def test_static_url_path_changes_the_url(root: Path) -> None:
    app = App("static_app", root_path=str(root), static_url_path="/assets")

    client = _client(app)
    assert client.get("/assets/style.css").data == CSS
    assert client.get("/static/style.css").status_code == 404


def test_static_url_path_defaults_to_the_folder_name(root: Path) -> None:
    (root / "public").mkdir()
    (root / "public" / "x.txt").write_text("x")
    app = App("static_app", root_path=str(root), static_folder="public")

    assert app.static_url_path == "/public"
    assert _client(app).get("/public/x.txt").text == "x"


def test_no_static_folder_means_no_static_rule(root: Path) -> None:
    app = App("static_app", root_path=str(root), static_folder=None)

    assert not app.has_static_folder
    assert "static" not in app.view_functions


def test_send_static_file_without_a_static_folder_explains(root: Path) -> None:
    app = App("static_app", root_path=str(root), static_folder=None)

    with app.test_request_context(), pytest.raises(RuntimeError, match="has no static folder"):
        app.send_static_file("style.css")


def test_static_host_serves_static_files_on_that_host(root: Path) -> None:
    app = App("static_app", root_path=str(root), static_host="cdn.test", host_matching=True)
    client = _client(app)

    assert client.get("/static/style.css", "http://cdn.test/").data == CSS
    assert client.get("/static/style.css", "http://other.test/").status_code == 404


def test_static_host_without_host_matching_is_refused(root: Path) -> None:
    with pytest.raises(ValueError, match="static_host and host_matching go together"):
        App("static_app", root_path=str(root), static_host="cdn.test")


def test_blueprint_static_folder_is_served_under_its_prefix(app: App, root: Path) -> None:
    bp = Blueprint("admin", "admin", root_path=str(root), static_folder="outside")
    app.register_blueprint(bp, url_prefix="/admin")

    assert _client(app).get("/admin/outside/b.txt").text == "outside"
    with app.test_request_context():
        assert url_for("admin.static", filename="b.txt") == "/admin/outside/b.txt"


def test_blueprint_static_url_path(app: App, root: Path) -> None:
    bp = Blueprint(
        "admin", "admin", root_path=str(root), static_folder="outside", static_url_path="/files"
    )
    app.register_blueprint(bp, url_prefix="/admin")

    assert _client(app).get("/admin/files/b.txt").text == "outside"


# -- caching and conditional requests ------------------------------------------------------


def test_by_default_static_files_are_revalidated_not_cached(client: TestClient) -> None:
    response = client.get("/static/style.css")

    assert response.cache_control.no_cache
    assert response.cache_control.max_age is None
    assert response.headers["ETag"]
    assert response.last_modified is not None


def test_matching_etag_answers_304(client: TestClient) -> None:
    etag = client.get("/static/style.css").headers["ETag"]

    response = client.get("/static/style.css", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""


def test_unchanged_since_answers_304(client: TestClient) -> None:
    last_modified = client.get("/static/style.css").headers["Last-Modified"]

    response = client.get("/static/style.css", headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304


def test_range_request_answers_206_with_the_part(client: TestClient) -> None:
    response = client.get("/static/style.css", headers={"Range": "bytes=0-3"})

    assert response.status_code == 206
    assert response.data == CSS[:4]
    assert response.headers["Content-Range"] == f"bytes 0-3/{len(CSS)}"


def test_unsatisfiable_range_answers_416(client: TestClient) -> None:
    response = client.get("/static/style.css", headers={"Range": "bytes=1000-2000"})

    assert response.status_code == 416


@pytest.mark.parametrize("value", [60, timedelta(minutes=1)])
def test_send_file_max_age_default_sets_cache_control(
    app: App, client: TestClient, value: int | timedelta
) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = value

    response = client.get("/static/style.css")

    assert response.cache_control.max_age == 60
    assert response.cache_control.public
    assert not response.cache_control.no_cache


def test_get_send_file_max_age_can_depend_on_the_file(root: Path) -> None:
    class CachingApp(App):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            if filename is not None and filename.endswith(".css"):
                return 3600
            return super().get_send_file_max_age(filename)

    client = _client(CachingApp("static_app", root_path=str(root)))

    assert client.get("/static/style.css").cache_control.max_age == 3600
    assert client.get("/static/sub/a.txt").cache_control.max_age is None


# -- traversal is refused ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E%2Fsecret.txt",
        "/static/sub/../../secret.txt",
        "/static/..%5csecret.txt",
        "/static/style.css%00.txt",
        "/static/link.txt",
        "/static/linkdir/b.txt",
    ],
)
def test_static_route_refuses_paths_outside_the_folder(client: TestClient, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 404
    assert b"SECRET" not in response.data
    assert b"outside" not in response.data


@pytest.mark.parametrize(
    "name",
    [
        "../secret.txt",
        "sub/../../secret.txt",
        "..\\secret.txt",
        "sub\\..\\..\\secret.txt",
        "style.css\x00",
        "link.txt",
        "linkdir/b.txt",
    ],
)
def test_send_from_directory_over_the_client_refuses_escapes(client: TestClient, name: str) -> None:
    response = client.get("/files", query_string={"name": name})

    assert response.status_code == 404


def test_send_from_directory_refuses_an_absolute_path(client: TestClient, root: Path) -> None:
    response = client.get("/files", query_string={"name": str(root / "secret.txt")})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["../secret.txt", "/etc/passwd", "..\\secret.txt", "a\x00b", "link.txt", "linkdir/b.txt"],
)
def test_send_from_directory_called_directly_raises_not_found(
    app: App, root: Path, name: str
) -> None:
    with app.test_request_context(), pytest.raises(NotFound):
        send_from_directory(root / "static", name)


def test_send_from_directory_follows_symlinks_that_stay_inside(client: TestClient) -> None:
    assert client.get("/static/inner.txt").text == "in a subfolder"


def test_send_from_directory_relative_directory_starts_at_root_path(
    client: TestClient,
) -> None:
    assert client.get("/files", query_string={"name": "style.css"}).data == CSS


def test_send_from_directory_passes_options_to_send_file(app: App, root: Path) -> None:
    with app.test_request_context():
        response = _closed(send_from_directory(root / "static", "style.css", as_attachment=True))

    assert response.headers["Content-Disposition"] == "attachment; filename=style.css"


# -- safe_join -----------------------------------------------------------------------------


def test_safe_join_joins_inside_the_directory() -> None:
    assert safe_join("/base", "a", "b.txt") == os.path.join("/base", "a", "b.txt")


@pytest.mark.parametrize(
    "name", ["..", "../x", "a/../../x", "/etc/passwd", "..\\x", "a\\b", "x\x00"]
)
def test_safe_join_refuses_escapes_with_not_found(name: str) -> None:
    with pytest.raises(NotFound):
        safe_join("/base", name)


# -- send_file -----------------------------------------------------------------------------


def test_send_file_relative_path_starts_at_root_path(app: App) -> None:
    with app.test_request_context():
        response = _closed(send_file("static/style.css"))

    assert response.data == CSS
    assert response.mimetype == "text/css"


def test_send_file_with_a_file_object_and_mimetype(app: App) -> None:
    with app.test_request_context():
        response = _closed(send_file(io.BytesIO(b"data"), mimetype="application/x-thing"))

    assert response.data == b"data"
    assert response.mimetype == "application/x-thing"
    assert "ETag" not in response.headers


def test_send_file_guesses_mimetype_from_download_name(app: App) -> None:
    with app.test_request_context():
        response = _closed(send_file(io.BytesIO(b"{}"), download_name="data.json"))

    assert response.mimetype == "application/json"


def test_send_file_object_without_name_or_mimetype_explains(app: App) -> None:
    with app.test_request_context(), pytest.raises(TypeError) as info:
        send_file(io.BytesIO(b"data"))

    assert "Unable to detect the MIME type because a file name is not available" in str(info.value)
    assert "set 'mimetype'" in str(info.value)


def test_send_file_as_attachment_with_download_name(app: App) -> None:
    with app.test_request_context():
        response = _closed(send_file("static/style.css", as_attachment=True, download_name="ü.css"))

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%C3%BC.css" in disposition


def test_send_file_etag_can_be_given_or_turned_off(app: App) -> None:
    with app.test_request_context():
        given = _closed(send_file("static/style.css", etag="v1"))
        none = _closed(send_file("static/style.css", etag=False))

    assert given.headers["ETag"] == '"v1"'
    assert "ETag" not in none.headers


def test_send_file_last_modified_and_max_age(app: App) -> None:
    moment = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    with app.test_request_context():
        response = _closed(send_file("static/style.css", last_modified=moment, max_age=10))

    assert response.last_modified == moment
    assert response.cache_control.max_age == 10


def test_send_file_without_conditional_ignores_range(app: App) -> None:
    with app.test_request_context(headers={"Range": "bytes=0-3"}):
        response = _closed(send_file("static/style.css", conditional=False))

    assert response.status_code == 200
    assert response.data == CSS
