"""Fixtures of the binding tests."""

import pytest
from models import Order

from resourceful import App
from resourceful.resources import Resource


@pytest.fixture
def orders(app: App) -> App:
    @app.resource("/orders/")
    class Orders(Resource):
        def create(self, order: Order) -> Order:
            return order

    return app
