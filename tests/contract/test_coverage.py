"""ResponseCoverage: declared pairs from the document, answers from typed calls."""

from __future__ import annotations

import attrs

from resourceful import App, Problem, Resource
from resourceful.contract import TypedClient, coverage


@attrs.define
class Thing:
    name: str


class ThingResource(Resource):
    def get(self, thing_id: int) -> Thing:
        if thing_id == 7:
            raise Problem(409, detail="Busy.")
        if thing_id != 1:
            raise Problem(404, detail="No such thing.")
        return Thing("one")


def test_answers_are_counted_against_the_declared_pairs(app: App) -> None:
    app.add_resource(ThingResource, "/things/<int:thing_id>")
    recorded = coverage.start()
    try:
        client = TypedClient(app.test_client())
        client.call(ThingResource.get, thing_id=1)
        client.call(ThingResource.get, thing_id=1)
        client.call(ThingResource.get, thing_id=7)
    finally:
        assert coverage.stop() is recorded
    assert recorded.report().splitlines() == [
        "operation               status  calls",
        "GET /things/{thing_id}  200         2",
        "GET /things/{thing_id}  404         0",
        "GET /things/{thing_id}  409         1  (not declared)",
        "",
        "1 of 2 declared responses exercised.",
        "Never exercised:",
        "  GET /things/{thing_id} -> 404",
    ]


def test_nothing_is_recorded_unless_started(app: App) -> None:
    app.add_resource(ThingResource, "/things/<int:thing_id>")
    TypedClient(app.test_client()).call(ThingResource.get, thing_id=1)
    assert coverage.stop() is None
