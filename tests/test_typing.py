"""``resourceful.typing`` offers Flask's ``flask.typing`` names with our definitions."""

from __future__ import annotations

import typing

import flask.typing

import resourceful.typing
from resourceful import App
from resourceful.typing import ResponseReturnValue


def test_every_public_name_of_flask_typing_exists() -> None:
    flask_names = {
        name
        for name, value in vars(flask.typing).items()
        if not name.startswith("_")
        and (typing.get_origin(value) or isinstance(value, typing.TypeVar))
    }
    # Flask keeps a before_first_request alias although the hook is gone.
    flask_names.discard("BeforeFirstRequestCallable")
    assert sorted(flask_names - set(resourceful.typing.__all__)) == []


def test_response_return_value_covers_what_make_response_accepts(app: App) -> None:
    members = set(typing.get_args(ResponseReturnValue))
    assert {str, bytes} <= {typing.get_origin(m) or m for m in members}

    @app.route("/")
    def index() -> ResponseReturnValue:
        return "made", 201, {"X-Kind": "tuple"}

    response = app.test_client().get("/")
    assert (response.status_code, response.text, response.headers["X-Kind"]) == (
        201,
        "made",
        "tuple",
    )
