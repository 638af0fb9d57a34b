"""ResponseCoverage: declared pairs from the document, answers from every in-process call."""

from __future__ import annotations

import attrs

from resourceful import App, Problem, Resource, request_finished
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


def test_calls_through_the_plain_test_client_are_counted_by_their_routed_operation(
    app: App,
) -> None:
    app.add_resource(ThingResource, "/things/<int:thing_id>")
    app.add_url_rule("/plain", "plain", lambda: "not an operation")
    recorded = coverage.start()
    try:
        client = app.test_client()
        client.get("/things/1")
        client.get("/things/2")
        client.head("/things/1")  # no HEAD operation: not counted
        client.get("/plain")  # a plain view: not counted
        client.get("/nowhere")  # routed to no rule: not counted
    finally:
        coverage.stop()
    assert recorded.report().splitlines()[1:3] == [
        "GET /things/{thing_id}  200         1",
        "GET /things/{thing_id}  404         1",
    ]
    assert recorded.missing() == []


def test_a_blueprint_s_operation_is_counted_under_its_full_path(app: App) -> None:
    from resourceful import Blueprint

    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.add_resource(ThingResource, "/things/<int:thing_id>")
    app.register_blueprint(api)
    recorded = coverage.start()
    try:
        TypedClient(app.test_client()).call(ThingResource.get, thing_id=1)
    finally:
        coverage.stop()
    assert recorded.seen == {coverage.Pair("GET /api/v1/things/{thing_id}", "200"): 1}


def test_the_app_has_no_receiver_once_coverage_stops(app: App) -> None:
    coverage.start()
    assert request_finished.has_receivers_for(app)
    coverage.stop()
    # The app's direct path (no response object) is taken again.
    assert not request_finished.has_receivers_for(app)
