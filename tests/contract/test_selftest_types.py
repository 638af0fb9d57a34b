"""The self-test draws what binding accepts, for every kind of type and validator.

Each handler echoes its input; a value the strategies drew that binding then
refused would fail the ``valid`` check ("valid input was refused as
invalid"), and each mutation must be refused at its own pointer.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Literal

import attrs
import pytest
from attrs import validators as v
from hypothesis import given, settings
from hypothesis import strategies as st

from resourceful import App, Cookie, Header, Query, Resource
from resourceful.contract.selftest import selftest
from resourceful.contract.strategies import Strategies, constraints_of


class Size(enum.Enum):
    S = "s"
    M = "m"


@attrs.define
class Cat:
    kind: Literal["cat"]
    lives: int = attrs.field(validator=[v.ge(1), v.le(9)])


@attrs.define
class Dog:
    kind: Literal["dog"]
    good: bool = True


@attrs.define
class Node:
    name: str = attrs.field(validator=v.min_len(1))
    children: list[Node] = attrs.field(factory=list, validator=v.max_len(2))


@attrs.define
class Everything:
    count: int = attrs.field(validator=[v.gt(0), v.lt(10)])
    ratio: float = attrs.field(validator=[v.ge(0.5), v.le(1.5)])
    price: Decimal = attrs.field(validator=[v.ge(Decimal("0.01")), v.le(100)])
    code: str = attrs.field(validator=v.matches_re(r"[A-Z]{2}[0-9]{1,3}"))
    word: str = attrs.field(validator=[v.min_len(2), v.max_len(5)])
    colour: str = attrs.field(validator=v.in_(["red", "blue"]))
    size: Size
    mode: Literal["a", "b", 3]
    day: dt.date
    at: dt.datetime
    clock: dt.time
    ref: uuid.UUID
    pet: Cat | Dog
    tree: Node
    either: int | str
    tags: list[str] = attrs.field(
        factory=list, validator=v.deep_iterable(v.max_len(3), iterable_validator=v.max_len(2))
    )
    numbers: set[int] = attrs.field(factory=set)
    scores: dict[str, int] = attrs.field(
        factory=dict, validator=v.deep_mapping(v.min_len(1), v.ge(0))
    )
    pair: tuple[int, str] = (0, "")
    note: str | None = attrs.field(default=None, validator=v.optional(v.max_len(4)))


@attrs.define
class Echo:
    seen: str


@attrs.define
class Filters:
    page: int = attrs.field(default=1, validator=[v.ge(1), v.le(20)])
    ids: list[int] = attrs.field(factory=list)
    since: dt.date | None = None
    size: Size | None = None


@attrs.define
class Trace:
    request_id: str = attrs.field(validator=v.min_len(4))
    hops: int = attrs.field(default=0, validator=v.ge(0))


class EverythingResource(Resource):
    def create(self, body: Everything) -> Everything:
        return body


class PathResource(Resource):
    def get(self, n: int, x: float, ref: uuid.UUID, pick: str, code: str, size: Size) -> Echo:
        return Echo(f"{n} {x} {ref} {pick} {code} {size.value}")


class FileResource(Resource):
    def get(self, rest: str) -> Echo:
        return Echo(rest)


class SearchResource(Resource):
    def list(
        self,
        filters: Query[Filters],
        trace: Header[Trace],
        session: Cookie[str],
        verbose: Query[bool] = False,
    ) -> Echo:
        return Echo(f"{filters} {trace} {session} {verbose}")


def create_app() -> App:
    app = App(__name__)
    app.add_resource(EverythingResource, "/everything")
    app.add_resource(
        PathResource,
        "/at/<int(min=1, max=50):n>/<float:x>/<uuid:ref>/<any(left, right):pick>"
        "/<string(length=3):code>/<size>",
    )
    app.add_resource(FileResource, "/files/<path:rest>")
    app.add_resource(SearchResource, "/search")
    return app


@pytest.mark.slow
def test_every_kind_of_input_is_drawn_as_binding_accepts_it() -> None:
    # One app for every example, not a factory: the handlers only echo, so a fresh app
    # per example proves nothing more here (the factory is the todo tests' business),
    # and building this app (Everything's recursive Node) costs about 0.2 s of CPU, which
    # made 90% of the test's time (about 45 s) over its 215 examples.
    selftest(create_app(), max_examples=30, checks=("valid", "invalid"))


def test_strategies_are_built_once_per_type_and_place() -> None:
    strategies = Strategies()
    assert strategies.for_type(Everything) is strategies.for_type(Everything)
    assert strategies.for_type(Filters, "query") is not strategies.for_type(Filters, "json")


@settings(max_examples=50)
@given(st.data())
@pytest.mark.slow
def test_drawn_values_keep_the_bounds_their_validators_set(data: st.DataObject) -> None:
    value = data.draw(Strategies().for_type(Everything))
    assert 0 < value.count < 10
    assert 0.5 <= value.ratio <= 1.5
    assert 2 <= len(value.word) <= 5
    assert value.colour in ("red", "blue")
    assert len(value.tags) <= 2
    assert all(len(tag) <= 3 for tag in value.tags)
    assert all(len(key) >= 1 and score >= 0 for key, score in value.scores.items())


def test_constraints_are_read_through_optional_and_and_deep_validators() -> None:
    fields = attrs.fields_dict(Everything)
    assert constraints_of(fields["count"].validator).minimum == 0
    assert constraints_of(fields["count"].validator).exclusive_minimum
    note = constraints_of(fields["note"].validator)
    assert note.max_len == 4
    tags = constraints_of(fields["tags"].validator)
    assert (tags.max_len, tags.items.max_len if tags.items else None) == (2, 3)


@attrs.define
class Window:
    opens: dt.datetime = attrs.field(
        validator=[
            v.ge(dt.datetime(2026, 12, 24, 10, tzinfo=dt.timezone(dt.timedelta(hours=5)))),
            v.le(dt.datetime(2026, 12, 24, 6, tzinfo=dt.timezone.utc)),
        ]
    )


@settings(max_examples=30)
@given(st.data())
def test_drawn_date_times_are_aware_and_within_aware_bounds(data: st.DataObject) -> None:
    # As binding hands them over: with an offset, never naive.
    value = data.draw(Strategies().for_type(Window))
    assert value.opens.tzinfo is dt.timezone.utc
    assert dt.datetime(2026, 12, 24, 5, tzinfo=dt.timezone.utc) <= value.opens
    assert value.opens <= dt.datetime(2026, 12, 24, 6, tzinfo=dt.timezone.utc)
