"""The self-test finds seeded bugs, reports them readably, and passes clean APIs."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import attrs
import pytest
import seeded_bugs
from attrs import validators as v
from example_modules import EXAMPLES, import_example

from resourceful import App, Header, Query, Resource, testing
from resourceful.contract.selftest import (
    SelftestError,
    SelftestFailure,
    SelftestSkipped,
    selftest,
    selftest_cases,
)


def _failures(factory: object, **options: object) -> dict[str, str]:
    try:
        selftest(factory, **options)  # type: ignore[arg-type]
    except SelftestError as exc:
        return dict(exc.failures)
    return {}


@pytest.fixture(scope="module")
def seeded_failures() -> dict[str, str]:
    return _failures(lambda: seeded_bugs.create_app(fixed=False))


@pytest.mark.slow
def test_a_handler_that_fails_on_one_enum_value_is_reported(
    seeded_failures: dict[str, str],
) -> None:
    report = seeded_failures["POST /paint [valid]"]
    assert report.startswith(
        "POST /paint (PaintResource.create): valid input got a server error.\n"
    )
    # Shrunk to the one value that fails, with the handler's exception.
    assert "body = Paint(color=<Color.MAUVE: 'mauve'>, coats=1)" in report
    assert "the handler raised KeyError: <Color.MAUVE: 'mauve'>" in report


@pytest.mark.slow
def test_a_body_that_does_not_match_its_annotation_is_reported(
    seeded_failures: dict[str, str],
) -> None:
    report = seeded_failures["GET /items/ [valid]"]
    assert report.splitlines()[0] == (
        "GET /items/ (ItemResource.list): the body does not structure into the declared"
        " Shelf: /items: expected an array, got null."
    )
    assert '{"items":null,"total":0}' in report


@pytest.mark.slow
def test_a_handler_that_crashes_past_an_undeclared_bound_is_reported(
    seeded_failures: dict[str, str],
) -> None:
    report = seeded_failures["GET /chapter [valid]"]
    assert "    page = 3\n" in report
    assert "    GET /chapter?page=3\n" in report
    assert "the handler raised IndexError: tuple index out of range" in report


@pytest.mark.slow
def test_out_of_range_data_stored_through_an_update_is_reported_by_the_chain(
    seeded_failures: dict[str, str],
) -> None:
    report = seeded_failures["ItemResource [chain]"]
    assert report.splitlines()[0] == (
        "PATCH /items/{item_id} (ItemResource.update): the body does not structure into the"
        " declared Item: /qty: must be at least 0, got the number -1."
    )
    assert "    PATCH /items/1\n" in report


@pytest.mark.slow
def test_the_seeded_bugs_are_the_only_failures(seeded_failures: dict[str, str]) -> None:
    assert sorted(seeded_failures) == [
        "GET /chapter [valid]",
        "GET /items/ [valid]",
        "ItemResource [chain]",
        "POST /paint [valid]",
    ]


@pytest.mark.slow
def test_the_same_api_with_the_bugs_fixed_passes() -> None:
    assert _failures(lambda: seeded_bugs.create_app(fixed=True)) == {}


@pytest.mark.slow
def test_the_todo_example_passes(tmp_path: Path) -> None:
    todo: ModuleType = import_example(EXAMPLES / "todo" / "app.py", "todo_app_for_selftest")
    database = str(tmp_path / "todo.sqlite3")
    testing.selftest(lambda: todo.create_app({"TESTING": True, "DATABASE": database}))


# -- invalid input: the binder must blame the mutated field ------------------------------


@attrs.define
class Order:
    sku: str = attrs.field(validator=v.matches_re(r"[A-Z]{3}-[0-9]{2}"))
    qty: int = attrs.field(validator=[v.ge(1), v.le(9)])


class OrderResource(Resource):
    def create(self, body: Order, trace: Header[str], dry: Query[bool] = False) -> Order:
        return body


def _order_app(lenient: bool) -> App:
    app = App(__name__)
    if lenient:
        # A structure hook that accepts anything: binding no longer refuses bad orders.
        app.converter.register_structure_hook(Order, lambda value, _: Order("ABC-12", 1))
    app.add_resource(OrderResource, "/orders")
    return app


@pytest.mark.slow
def test_valid_and_mutated_inputs_pass_when_binding_refuses_them() -> None:
    cases = {case.name: case for case in selftest_cases(lambda: _order_app(False))}
    assert sorted(cases) == ["POST /orders [invalid]", "POST /orders [valid]"]
    cases["POST /orders [valid]"].run()
    cases["POST /orders [invalid]"].run()


def test_an_error_outside_the_checks_that_does_not_replay_is_not_reported_as_a_finding() -> None:
    import hypothesis

    made: list[App] = []

    def factory() -> App:
        # Breaks once, as a test timeout or an interrupt would, then works again.
        if len(made) == 2:
            made.append(App(__name__))
            raise RuntimeError("the factory broke once")
        made.append(_order_app(False))
        return made[-1]

    (case,) = selftest_cases(factory, checks=("valid",), max_examples=5)
    with pytest.raises(hypothesis.errors.Flaky) as caught:
        case.run()

    assert "the factory broke once" in repr(getattr(caught.value, "exceptions", ()))


@pytest.mark.slow
def test_mutated_input_that_is_accepted_is_reported() -> None:
    (case,) = selftest_cases(lambda: _order_app(True), checks=("invalid",))
    with pytest.raises(SelftestFailure) as caught:
        case.run()
    first = str(caught.value).splitlines()[0]
    assert first.startswith("POST /orders (OrderResource.create): invalid input (")
    assert first.endswith(
        " at body '/sku') was not refused with a 400 or 422 problem naming body '/sku'."
    )


class PlainResource(Resource):
    def get(self, item_id: int) -> str:
        return "x"


@pytest.mark.slow
def test_an_operation_with_nothing_binding_can_refuse_is_skipped() -> None:
    app = App(__name__)
    app.add_resource(PlainResource, "/plain/<int:item_id>")
    (case,) = selftest_cases(app, checks=("invalid",))
    with pytest.raises(SelftestSkipped):
        case.run()


def test_selftest_takes_only_apps_and_factories() -> None:
    with pytest.raises(TypeError) as caught:
        selftest(42)  # type: ignore[arg-type]
    assert str(caught.value) == "selftest() takes an App or a function that returns one, not 42."
