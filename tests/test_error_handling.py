"""The app's error handling: handlers by code and class, 500s, trapping, propagation, abort."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
)

from resourceful import App, Response, abort, redirect, request
from resourceful.testing import TestClient


class AppError(Exception):
    pass


class SpecificError(AppError):
    pass


def test_errorhandler_by_code(app: App, client: TestClient) -> None:
    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return f"custom {e.code}", 404

    response = client.get("/nothing")
    assert response.status_code == 404
    assert response.data == b"custom 404"


def test_errorhandler_by_http_exception_class_catches_abort(app: App, client: TestClient) -> None:
    @app.errorhandler(Forbidden)
    def forbidden(e: Forbidden) -> tuple[str, int]:
        return f"no: {e.description}", 403

    @app.route("/")
    def index() -> str:
        abort(403, "members only")

    assert client.get("/").data == b"no: members only"


def test_handler_for_base_class_catches_subclass_along_mro(app: App, client: TestClient) -> None:
    @app.errorhandler(AppError)
    def app_error(e: AppError) -> tuple[str, int]:
        return f"base caught {type(e).__name__}", 500

    @app.route("/")
    def index() -> str:
        raise SpecificError

    assert client.get("/").data == b"base caught SpecificError"


def test_most_specific_handler_wins(app: App, client: TestClient) -> None:
    app.register_error_handler(AppError, lambda e: ("base", 500))
    app.register_error_handler(SpecificError, lambda e: ("specific", 500))

    @app.route("/")
    def index() -> str:
        raise SpecificError

    assert client.get("/").data == b"specific"


def test_http_exception_handler_catches_all_http_errors(app: App, client: TestClient) -> None:
    @app.errorhandler(HTTPException)
    def any_http(e: HTTPException) -> tuple[str, int]:
        return f"http {e.code}", e.code or 500

    app.add_url_rule("/", "index", lambda: "x", methods=["POST"])
    assert client.get("/missing").data == b"http 404"
    assert client.get("/").data == b"http 405"


def test_code_handler_wins_over_generic_http_handler(app: App, client: TestClient) -> None:
    app.register_error_handler(HTTPException, lambda e: ("generic", 500))
    app.register_error_handler(404, lambda e: ("for 404", 404))
    assert client.get("/missing").data == b"for 404"


def test_handler_may_return_any_view_value(app: App, client: TestClient) -> None:
    app.register_error_handler(404, lambda e: {"error": e.name})
    response = client.get("/missing")
    assert response.status_code == 200
    assert response.get_json() == {"error": "Not Found"}


def test_routing_redirect_never_goes_to_handlers(app: App, client: TestClient) -> None:
    app.register_error_handler(HTTPException, lambda e: ("handled", 500))
    app.add_url_rule("/dir/", "d", lambda: "dir")
    assert client.get("/dir").status_code == 308


def test_unknown_status_code_raises_at_registration(app: App) -> None:
    with pytest.raises(ValueError, match="999 is not an HTTP error code werkzeug knows"):
        app.register_error_handler(999, lambda e: "x")


def test_exception_instance_raises_at_registration(app: App) -> None:
    with pytest.raises(TypeError, match="is an exception instance; register the class ValueError"):
        app.register_error_handler(ValueError("x"), lambda e: "x")  # type: ignore[arg-type]


def test_non_exception_raises_at_registration(app: App) -> None:
    with pytest.raises(ValueError, match="is neither an HTTP status code nor an exception class"):
        app.register_error_handler(str, lambda e: "x")  # type: ignore[arg-type]


def test_unhandled_exception_gives_500_with_original_exception(app: App) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[InternalServerError] = []

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        seen.append(e)
        return "sorry", 500

    error = KeyError("lost")

    @app.route("/")
    def index() -> str:
        raise error

    app.logger.disabled = True
    try:
        response = app.test_client().get("/")
    finally:
        app.logger.disabled = False
    assert response.status_code == 500
    assert response.data == b"sorry"
    assert isinstance(seen[0], InternalServerError)
    assert seen[0].original_exception is error


def test_unhandled_exception_without_handler_is_plain_500(app: App) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/", "index", lambda: 1 / 0)
    app.logger.disabled = True
    try:
        response = app.test_client().get("/")
    finally:
        app.logger.disabled = False
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data


def test_handler_for_exception_class_catches_500_as_well(app: App) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_error_handler(InternalServerError, lambda e: ("500 handler", 500))
    app.add_url_rule("/", "index", lambda: 1 / 0)
    app.logger.disabled = True
    try:
        assert app.test_client().get("/").data == b"500 handler"
    finally:
        app.logger.disabled = False


def test_propagate_exceptions_defaults_to_testing(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_propagate_exceptions_defaults_to_debug() -> None:
    app = App("debug_app", root_path="/nonexistent")
    app.debug = True
    app.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        app.test_client().get("/")


def test_exceptions_not_propagated_outside_testing_and_debug() -> None:
    app = App("prod_app", root_path="/nonexistent")
    app.debug = False
    app.add_url_rule("/", "index", lambda: 1 / 0)
    app.logger.disabled = True
    try:
        assert app.test_client().get("/").status_code == 500
    finally:
        app.logger.disabled = False


def test_propagate_exceptions_true_overrides(app: App, client: TestClient) -> None:
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=True)
    app.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_trap_http_exceptions_raises_http_errors(app: App, client: TestClient) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    with pytest.raises(NotFound):
        client.get("/missing")


def test_trap_bad_request_errors_raises_bad_requests_only(app: App, client: TestClient) -> None:
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True

    @app.route("/bad")
    def bad() -> str:
        abort(400)

    with pytest.raises(BadRequest):
        client.get("/bad")
    assert client.get("/missing").status_code == 404


def test_trap_http_exception_method(app: App) -> None:
    assert not app.trap_http_exception(NotFound())
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    assert app.trap_http_exception(NotFound())


def test_missing_form_key_is_400(app: App, client: TestClient) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.form["name"]

    response = client.post("/", data={"other": "x"})
    assert response.status_code == 400
    assert b"name" not in response.data


def test_missing_form_key_names_key_in_debug(app: App, client: TestClient) -> None:
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)

    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.form["name"]

    response = client.post("/", data={"other": "x"})
    assert response.status_code == 400
    assert b"KeyError: &#39;name&#39;" in response.data


def test_missing_form_key_is_trapped_in_debug_by_default(app: App, client: TestClient) -> None:
    app.debug = True

    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.form["name"]

    with pytest.raises(KeyError, match="name"):
        client.post("/", data={})


def test_unhandled_exception_is_logged_to_app_logger(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/crash")
    def crash() -> str:
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.test_client().get("/crash")
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    assert record.getMessage() == "Exception on /crash [GET]"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


def test_log_exception_can_be_overridden(app: App) -> None:
    logged: list[Any] = []

    class QuietApp(App):
        def log_exception(self, exc_info: Any) -> None:
            logged.append(exc_info[0])

    quiet = QuietApp("quiet", root_path="/nonexistent")
    quiet.config["PROPAGATE_EXCEPTIONS"] = False
    quiet.add_url_rule("/", "index", lambda: 1 / 0)
    assert quiet.test_client().get("/").status_code == 500
    assert logged == [ZeroDivisionError]


def test_should_ignore_error_hides_error_from_teardown(app: App, client: TestClient) -> None:
    seen: list[Any] = []

    class Ignoring(App):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return True

    ignoring = Ignoring("ignoring", root_path="/nonexistent")
    ignoring.config["TESTING"] = True
    ignoring.teardown_request(seen.append)
    ignoring.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ignoring.test_client().get("/")
    assert seen == [None]
    assert not app.should_ignore_error(ValueError())


def test_abort_with_code_and_description(app: App, client: TestClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(404, "No such thing.")

    response = client.get("/")
    assert response.status_code == 404
    assert b"No such thing." in response.data


def test_abort_with_response(app: App, client: TestClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(Response("custom body", status=418))

    response = client.get("/")
    assert response.status_code == 418
    assert response.data == b"custom body"


def test_abort_outside_context_raises_http_error() -> None:
    with pytest.raises(Forbidden):
        abort(403)


def test_abort_unknown_code_is_lookup_error(app_ctx: Any) -> None:
    with pytest.raises(LookupError, match="no exception for 299"):
        abort(299)


def test_abort_uses_the_apps_aborter_class() -> None:
    from werkzeug.exceptions import Aborter, HTTPException

    class Teapot(HTTPException):
        code = 418
        description = "Short and stout."

    class TeapotAborter(Aborter):
        def __init__(self) -> None:
            super().__init__(extra={418: Teapot})

    class TeapotApp(App):
        aborter_class = TeapotAborter

    app = TeapotApp("teapot", root_path="/x")
    app.add_url_rule("/", "index", lambda: abort(418))
    response = app.test_client().get("/")
    assert response.status_code == 418
    assert b"Short and stout." in response.data


def test_redirect_default_302(app: App, client: TestClient) -> None:
    app.add_url_rule("/", "index", lambda: redirect("/target"))
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/target"


def test_redirect_with_code_uses_app_response_class(app: App) -> None:
    class MyResponse(Response):
        pass

    app.response_class = MyResponse
    with app.app_context():
        response = redirect("https://example.test/", code=301)
    assert isinstance(response, MyResponse)
    assert response.status_code == 301


def test_handle_user_exception_reraises_unhandled(app: App) -> None:
    with app.test_request_context("/"), pytest.raises(ValueError, match="raw"):
        app.handle_user_exception(ValueError("raw"))


def test_handle_http_exception_returns_error_without_handler(app: App) -> None:
    error = NotFound()
    with app.test_request_context("/"):
        assert app.handle_http_exception(error) is error


def test_wrong_method_on_a_resource_url_is_a_problem_with_allow() -> None:
    from resourceful import App, Resource

    app = App(__name__)

    @app.resource("/things/<int:thing_id>")
    class Thing(Resource):
        def get(self, thing_id: int) -> None:
            return None

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    client = app.test_client()
    response = client.post("/things/1")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # A plain function view keeps Flask's HTML page.
    plain_response = client.post("/plain")
    assert plain_response.status_code == 405
    assert plain_response.mimetype == "text/html"
