"""Property tests: generated bodies bind to equal objects; broken ones are pinpointed."""

import datetime as dt
import enum
import json
from typing import Any

import attrs
import pytest
from attrs import validators as v
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resourceful import App
from resourceful.fields import field
from resourceful.resources import Resource

# Hypothesis generates and sends hundreds of requests: not for the everyday run.
pytestmark = pytest.mark.slow


class Size(enum.Enum):
    SMALL = "s"
    LARGE = "l"


@attrs.define
class Line:
    sku: str = attrs.field(validator=v.min_len(1))
    qty: int = field(name="quantity", validator=[v.ge(1), v.le(99)])


@attrs.define
class Order:
    title: str = attrs.field(validator=[v.min_len(1), v.max_len(20)])
    urgent: bool = False
    tags: list[str] = attrs.field(factory=list)
    due: dt.date | None = None
    size: Size = Size.SMALL
    lines: list[Line] = attrs.field(factory=list)
    ratio: float = 0.0


received: list[Order] = []
app = App(__name__)
app.config["TESTING"] = True


@app.resource("/orders/")
class Orders(Resource):
    def create(self, order: Order) -> None:
        received.append(order)


client = app.test_client()

text = st.text(min_size=1, max_size=20)
lines = st.builds(Line, sku=st.text(min_size=1, max_size=5), qty=st.integers(1, 99))
orders = st.builds(
    Order,
    title=text,
    urgent=st.booleans(),
    tags=st.lists(st.text(max_size=5), max_size=3),
    due=st.none() | st.dates(),
    size=st.sampled_from(Size),
    lines=st.lists(lines, max_size=3),
    ratio=st.floats(allow_nan=False, allow_infinity=False),
)

PROPERTIES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(orders)
def test_valid_bodies_reach_the_handler_as_equal_objects(order: Order) -> None:
    received.clear()
    response = client.post("/orders/", json=app.converter.unstructure(order))
    assert response.status_code == 204, response.get_json()
    assert received == [order]


#: For each top-level wire name, values that are the wrong type or out of bounds.
BROKEN: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(["", "x" * 21, 5, None, True, ["a"]]),
    "urgent": st.sampled_from(["true", 1, 0, None, "no"]),
    "tags": st.sampled_from(["a", {"a": 1}, 3]),
    "due": st.sampled_from(["2024-13-40", "tomorrow", 20240101]),
    "size": st.sampled_from(["m", "S", 1, None]),
    "ratio": st.sampled_from(["1.5", True, None]),
}


@PROPERTIES
@given(orders, st.data())
def test_broken_field_gives_422_pointing_at_it(order: Order, data: st.DataObject) -> None:
    body = app.converter.unstructure(order)
    name = data.draw(st.sampled_from(sorted(BROKEN)))
    body[name] = data.draw(BROKEN[name])
    response = client.post("/orders/", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["location"], e["pointer"]) for e in errors] == [("body", f"/{name}")]


@PROPERTIES
@given(
    st.lists(lines, min_size=1, max_size=4),
    st.data(),
)
def test_broken_nested_field_is_pointed_at_by_index_and_wire_name(
    order_lines: list[Line], data: st.DataObject
) -> None:
    body = app.converter.unstructure(Order(title="t", lines=order_lines))
    index = data.draw(st.integers(0, len(order_lines) - 1))
    body["lines"][index]["quantity"] = data.draw(st.sampled_from([0, 100, "2", 1.5, None]))
    response = client.post("/orders/", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["pointer"] for e in errors] == [f"/lines/{index}/quantity"]


@PROPERTIES
@given(orders, st.integers(1, 10))
def test_truncated_json_gives_400(order: Order, cut: int) -> None:
    raw = json.dumps(app.converter.unstructure(order))
    response = client.post("/orders/", data=raw[:-cut], content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["errors"][0]
    assert (error["location"], error["pointer"]) == ("body", "")
    assert error["detail"].startswith("is not valid JSON: ")
