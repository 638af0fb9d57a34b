"""Fixtures of the resource tests."""

import pytest
from models import TodoResource

from resourceful import App


@pytest.fixture
def todos(app: App) -> App:
    app.add_resource(TodoResource, "/todos/<int:todo_id>")
    return app
