"""Tests of resourceful/errors.py: problem details, HTTP problems, definition errors."""

from __future__ import annotations

import json

import pytest
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, Unauthorized

from resourceful import App
from resourceful.errors import (
    PROBLEM_MIMETYPE,
    DefinitionError,
    FieldError,
    Problem,
    ProblemDetails,
    RequestValidationError,
    ResponseValidationError,
    as_problem,
)
from resourceful.testing import TestClient


def test_problem_renders_rfc9457_members() -> None:
    problem = Problem(
        409,
        type="https://example.com/problems/duplicate-title",
        title="Duplicate title",
        detail="A todo titled 'milk' already exists.",
        instance="/todos/7",
    )

    response = problem.get_response()

    assert response.status_code == 409
    assert response.mimetype == PROBLEM_MIMETYPE == "application/problem+json"
    assert json.loads(response.get_data(as_text=True)) == {
        "type": "https://example.com/problems/duplicate-title",
        "title": "Duplicate title",
        "status": 409,
        "detail": "A todo titled 'milk' already exists.",
        "instance": "/todos/7",
    }


def test_problem_defaults_type_and_title_from_status() -> None:
    problem = Problem(404)

    assert problem.details.type == "about:blank"
    assert problem.details.title == "Not Found"
    assert problem.name == "Not Found"
    assert problem.code == 404
    assert json.loads(problem.get_body()) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
    }


def test_problem_details_to_dict_omits_empty_members() -> None:
    bare = ProblemDetails(status=400, title="Bad Request")
    full = ProblemDetails(
        status=422,
        title="Unprocessable Entity",
        detail="The request has 1 invalid input.",
        instance="/orders",
        errors=(FieldError("body", "/qty", "must be at least 1"),),
    )

    assert bare.to_dict() == {"type": "about:blank", "title": "Bad Request", "status": 400}
    assert full.to_dict() == {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "The request has 1 invalid input.",
        "instance": "/orders",
        "errors": [{"location": "body", "pointer": "/qty", "detail": "must be at least 1"}],
    }


def test_problem_extensions_become_extra_members() -> None:
    problem = Problem(403, detail="Out of credit.", balance=30, accounts=["/account/1"])

    body = json.loads(problem.get_body())

    assert body["balance"] == 30
    assert body["accounts"] == ["/account/1"]
    # An extension never overrides a standard member.
    clash = ProblemDetails(status=403, title="Forbidden", extensions={"status": 200, "x": 1})
    assert clash.to_dict() == {"type": "about:blank", "title": "Forbidden", "status": 403, "x": 1}


def test_problem_headers_are_sent(app: App, client: TestClient) -> None:
    @app.route("/limited")
    def limited() -> str:
        raise Problem(429, detail="Slow down.", headers={"Retry-After": "30"})

    response = client.get("/limited")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Slow down.",
    }


def test_problem_is_an_instance_of_werkzeugs_class_for_its_status(
    app: App, client: TestClient
) -> None:
    assert isinstance(Problem(404), NotFound)
    assert isinstance(Problem(404), Problem)
    assert type(Problem(404)) is type(Problem(404))  # one generated class per status

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> tuple[str, int]:
        return f"handled {type(error).__name__}", 404

    @app.route("/missing")
    def missing() -> str:
        raise Problem(404, detail="No such todo.")

    response = client.get("/missing")
    assert response.get_data(as_text=True) == "handled Problem"


def test_class_for_a_status_is_the_class_of_that_problem() -> None:
    assert Problem.class_for(404) is type(Problem(404))
    assert issubclass(Problem.class_for(404), NotFound)
    assert Problem.class_for(499) is Problem
    assert RequestValidationError.class_for(422) is type(RequestValidationError([]))
    assert issubclass(RequestValidationError.class_for(400), RequestValidationError)


def test_problem_with_unknown_status_is_still_an_http_exception() -> None:
    problem = Problem(499, detail="Client went away.")

    assert isinstance(problem, HTTPException)
    assert type(problem) is Problem
    assert problem.code == 499
    assert problem.details.title == "Unknown Error"
    assert problem.get_response().status_code == 499


@pytest.mark.parametrize("status", [200, 302, 399, 600])
def test_problem_refuses_a_non_error_status(status: int) -> None:
    with pytest.raises(ValueError) as excinfo:
        Problem(status)

    assert str(excinfo.value) == (
        f"Problem status must be an HTTP error status (400-599), got {status}."
    )


def test_problem_str_says_status_title_and_detail() -> None:
    assert str(Problem(409, title="Duplicate title", detail="'milk' exists.")) == (
        "409 Duplicate title: 'milk' exists."
    )
    assert str(Problem(404)) == "404 Not Found"


def test_validation_error_lists_every_field_error() -> None:
    errors = [
        FieldError("body", "/title", "must be at least 1 character long"),
        FieldError("query", "/page", "must be an integer, got 'x'"),
    ]

    error = RequestValidationError(errors)

    assert error.code == 422
    assert error.errors == tuple(errors)
    assert json.loads(error.get_body()) == {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "The request has 2 invalid inputs.",
        "errors": [
            {
                "location": "body",
                "pointer": "/title",
                "detail": "must be at least 1 character long",
            },
            {"location": "query", "pointer": "/page", "detail": "must be an integer, got 'x'"},
        ],
    }
    one = RequestValidationError([errors[0]])
    assert one.details.detail == "The request has 1 invalid input."


def test_validation_error_status_is_configurable() -> None:
    error = RequestValidationError([FieldError("body", "", "is not valid JSON")], status=400)

    assert error.code == 400
    assert isinstance(error, RequestValidationError)
    assert error.details.title == "Bad Request"
    assert error.get_response().status_code == 400
    assert not isinstance(RequestValidationError([]), type(error))


def test_as_problem_returns_a_problem_unchanged() -> None:
    problem = Problem(409, detail="Conflict.")

    assert as_problem(problem) is problem


def test_as_problem_uses_the_description_as_detail() -> None:
    problem = as_problem(NotFound("No todo with id 7."))

    assert json.loads(problem.get_body()) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No todo with id 7.",
    }


def test_as_problem_keeps_status_class_and_headers() -> None:
    not_allowed = as_problem(MethodNotAllowed(valid_methods=["GET", "POST"]))
    unauthorized = as_problem(Unauthorized(www_authenticate=None))

    assert isinstance(not_allowed, MethodNotAllowed)
    assert isinstance(unauthorized, Unauthorized)
    assert not_allowed.code == 405
    response = not_allowed.get_response()
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert response.mimetype == "application/problem+json"
    assert [key for key, _ in not_allowed.get_headers()].count("Content-Type") == 1


def test_definition_and_response_errors_are_type_errors() -> None:
    assert issubclass(DefinitionError, TypeError)
    assert issubclass(ResponseValidationError, TypeError)
    assert not issubclass(DefinitionError, HTTPException)
    assert not issubclass(ResponseValidationError, HTTPException)


def test_problem_body_is_the_json_of_its_members() -> None:
    problem = RequestValidationError(
        [
            FieldError("body", "/na~1me", 'must not contain "quotes" or \\ or ü or \n'),
            FieldError("query", "", "is required but missing"),
        ],
        detail="Zwei Fehler: ä",
    )
    with_extension = Problem(409, detail="Taken.", owner={"id": 7})

    compact = {"ensure_ascii": False, "separators": (",", ":")}
    assert problem.get_body() == json.dumps(problem.details.to_dict(), **compact)
    assert with_extension.get_body() == json.dumps(with_extension.details.to_dict(), **compact)


# -- the binder's error, made from tuples ----------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(max_size=12)


@given(
    found=st.lists(st.tuples(st.sampled_from(["body", "query", "path"]), _TEXT, _TEXT), max_size=5),
    status=st.sampled_from([400, 409, 422, 499]),
    omitted=st.sampled_from([0, 0, 3]),
)
def test_validation_error_collected_from_tuples_equals_the_one_made_of_records(
    found: list[tuple[str, str, str]], status: int, omitted: int
) -> None:
    collected = RequestValidationError.collected(found, status=status, omitted=omitted)
    made = RequestValidationError(
        [FieldError(*item) for item in found], status=status, omitted=omitted
    )

    assert type(collected) is type(made)
    assert collected.get_body() == made.get_body()
    assert collected.code == made.code
    assert collected.description == made.description
    assert collected.errors == made.errors
    assert collected.details == made.details
    assert str(collected) == str(made)
    assert collected.get_response().get_data() == made.get_response().get_data()


def test_validation_error_collected_writes_its_body_once_its_details_are_read() -> None:
    error = RequestValidationError.collected([("body", "/a", 'is "wrong"')])
    first = error.get_body()

    assert error.details.errors == (FieldError("body", "/a", 'is "wrong"'),)
    assert error.get_body() == first
    assert json.loads(first)["errors"] == [
        {"location": "body", "pointer": "/a", "detail": 'is "wrong"'}
    ]


def test_validation_error_collected_refuses_a_status_that_is_not_an_error() -> None:
    with pytest.raises(ValueError, match="got 200"):
        RequestValidationError.collected([], status=200)
