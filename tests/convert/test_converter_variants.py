"""The converter's variants for binding and rendering follow the hooks registered on it."""

import attrs

from resourceful import App, make_converter
from resourceful.resources import Resource


class Money:
    def __init__(self, text: str) -> None:
        self.text = text


@attrs.define
class First:
    x: int


@attrs.define
class Price:
    amount: Money


def test_variants_are_cached_until_a_hook_is_registered() -> None:
    converter = make_converter()
    binding = converter.for_requests(reject_unknown=True)
    writing = converter.for_responses()

    assert converter.for_requests(reject_unknown=True) is binding
    assert converter.for_responses() is writing
    assert binding.binds_requests and not binding.writes_responses
    assert writing.writes_responses and not writing.binds_requests

    converter.register_structure_hook(Money, lambda value, _: Money(value))

    assert converter.for_requests(reject_unknown=True) is not binding
    assert converter.for_responses() is not writing


def test_hook_registered_after_a_resource_reaches_later_resources(app: App) -> None:
    @app.resource("/first/")
    class Firsts(Resource):
        def create(self, body: First) -> None:
            pass

    app.converter.register_structure_hook(Money, lambda value, _: Money(value))
    app.converter.register_unstructure_hook(Money, lambda money: money.text)

    @app.resource("/prices/")
    class Prices(Resource):
        def create(self, body: Price) -> Price:
            return body

    response = app.test_client().post("/prices/", json={"amount": "1.50"})

    assert response.status_code == 201
    assert response.get_json() == {"amount": "1.50"}
