"""Dates, date-times and times in requests: exactly RFC 3339, wherever the value comes from."""

import datetime as dt
from typing import Any

import attrs
import pytest
from problem_json import problem

from resourceful import App
from resourceful.binding import Body, Cookie, Form, Header
from resourceful.resources import Resource

DATE_TIME = "expected an RFC 3339 date-time with an offset, like 2026-12-24T10:00:00Z"
TIME = "expected a time (HH:MM:SS, optional fraction and offset), like 10:00:00"
DATE = "expected an ISO 8601 date (YYYY-MM-DD)"

#: Date-times ISO 8601 or Python's fromisoformat read, which RFC 3339 does not.
REFUSED_DATE_TIMES = [
    "2026-12-24T10:00:00",  # naive: no offset
    "2026-12-24 10:00:00Z",  # a space between date and time
    "2026-12-24T10:00Z",  # no seconds
    "20261224T100000Z",  # basic format
    "2026-W52-4T10:00:00Z",  # a week date
    "2026-12-24T10.5Z",  # a fractional hour
    "2026-12-24T10:00:00+0530",  # an offset without its colon
    "2026-12-31T23:59:60Z",  # a leap second, which Python cannot hold
]


@attrs.define
class Meeting:
    starts: dt.datetime
    day: dt.date | None = None
    at: dt.time | None = None
    reminders: list[dt.datetime] = attrs.Factory(list)


@pytest.fixture
def meetings(app: App) -> App:
    @app.resource("/meetings/")
    class Meetings(Resource):
        def create(self, meeting: Meeting) -> dict[str, Any]:
            return {
                "starts": meeting.starts.isoformat(),
                "offset": str(meeting.starts.utcoffset()),
                "at": meeting.at.isoformat() if meeting.at else None,
            }

    return app


@pytest.mark.parametrize("text", REFUSED_DATE_TIMES)
def test_a_json_body_date_time_other_than_rfc_3339_is_refused_at_its_pointer(
    meetings: App, text: str
) -> None:
    response = meetings.test_client().post("/meetings/", json={"starts": text})
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "/starts",
            "detail": f'{DATE_TIME}, got the string "{text}"',
        }
    ]


def test_every_wrong_date_and_time_of_a_body_is_reported_at_once(meetings: App) -> None:
    response = meetings.test_client().post(
        "/meetings/",
        json={
            "starts": "2026-12-24T10:00:00",
            "day": "20261224",
            "at": "10:00",
            "reminders": ["2026-12-24T09:00:00Z", "2026-12-24 09:30:00+01:00"],
        },
    )
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "/starts",
            "detail": f'{DATE_TIME}, got the string "2026-12-24T10:00:00"',
        },
        {
            "location": "body",
            "pointer": "/day",
            "detail": f'{DATE} or null, got the string "20261224"',
        },
        {
            "location": "body",
            "pointer": "/at",
            "detail": f'{TIME} or null, got the string "10:00"',
        },
        {
            "location": "body",
            "pointer": "/reminders/1",
            "detail": f'{DATE_TIME}, got the string "2026-12-24 09:30:00+01:00"',
        },
    ]


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2026-12-24T10:00:00Z", "0:00:00"),
        ("2026-12-24t10:00:00z", "0:00:00"),
        ("2026-12-24T10:00:00.25+05:30", "5:30:00"),
        ("2026-12-24T10:00:00-00:00", "0:00:00"),
        ("2026-12-24T10:00:00-08:00", "-1 day, 16:00:00"),
    ],
)
def test_a_json_body_date_time_reaches_the_handler_with_its_offset(
    meetings: App, text: str, offset: str
) -> None:
    response = meetings.test_client().post("/meetings/", json={"starts": text, "at": "10:00:00"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["offset"] == offset
    assert response.get_json()["at"] == "10:00:00"


def test_a_body_that_is_one_date_time_is_read_by_the_same_rule(app: App) -> None:
    @app.resource("/clock")
    class Clock(Resource):
        def replace(self, now: Body[dt.datetime]) -> dict[str, str]:
            return {"now": now.isoformat()}

    client = app.test_client()
    assert client.put("/clock", json="2026-12-24T10:00:00Z").get_json() == {
        "now": "2026-12-24T10:00:00+00:00"
    }
    response = client.put("/clock", json="2026-12-24T10:00:00")
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "",
            "detail": f'{DATE_TIME}, got the string "2026-12-24T10:00:00"',
        }
    ]


@pytest.fixture
def texts(app: App) -> App:
    @app.resource("/slots/<starts>")
    class Slot(Resource):
        def get(
            self,
            starts: dt.datetime,
            after: dt.datetime | None = None,
            x_at: Header[dt.time | None] = None,
            day: Cookie[dt.date | None] = None,
        ) -> dict[str, Any]:
            return {
                "starts": starts.isoformat(),
                "after": after.isoformat() if after else None,
                "at": x_at.isoformat() if x_at else None,
                "day": day.isoformat() if day else None,
            }

    return app


@pytest.mark.parametrize("text", REFUSED_DATE_TIMES)
def test_a_path_date_time_other_than_rfc_3339_is_refused(texts: App, text: str) -> None:
    response = texts.test_client().get(f"/slots/{text}")
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {"location": "path", "pointer": "/starts", "detail": f'{DATE_TIME}, got "{text}"'}
    ]


@pytest.mark.parametrize("text", REFUSED_DATE_TIMES)
def test_a_query_date_time_other_than_rfc_3339_is_refused(texts: App, text: str) -> None:
    response = texts.test_client().get("/slots/2026-12-24T10:00:00Z", query_string={"after": text})
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {"location": "query", "pointer": "/after", "detail": f'{DATE_TIME} or "", got "{text}"'}
    ]


@pytest.mark.parametrize("text", ["10:00", "1000", "10:00:60", "10.5", "10:00:00+0530"])
def test_a_header_time_other_than_rfc_3339_is_refused(texts: App, text: str) -> None:
    response = texts.test_client().get("/slots/2026-12-24T10:00:00Z", headers={"X-At": text})
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {"location": "header", "pointer": "/x-at", "detail": f'{TIME} or "", got "{text}"'}
    ]


def test_a_cookie_date_other_than_a_full_date_is_refused(texts: App) -> None:
    client = texts.test_client()
    client.set_cookie("day", "2026-W52-4")
    response = client.get("/slots/2026-12-24T10:00:00Z")
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {"location": "cookie", "pointer": "/day", "detail": f'{DATE} or "", got "2026-W52-4"'}
    ]


def test_text_values_in_rfc_3339_reach_the_handler(texts: App) -> None:
    client = texts.test_client()
    client.set_cookie("day", "2026-12-24")
    response = client.get(
        "/slots/2026-12-24t10:00:00z",
        query_string={"after": "2026-12-24T09:00:00.5+05:30"},
        headers={"X-At": "10:00:00-00:00"},
    )
    assert response.get_json() == {
        "starts": "2026-12-24T10:00:00+00:00",
        "after": "2026-12-24T09:00:00.500000+05:30",
        "at": "10:00:00+00:00",
        "day": "2026-12-24",
    }


def test_a_query_date_time_with_spaces_around_it_is_refused(texts: App) -> None:
    # The published format admits no spaces, so none are stripped.
    response = texts.test_client().get(
        "/slots/2026-12-24T10:00:00Z", query_string={"after": " 2026-12-24T10:00:00Z"}
    )
    assert response.status_code == 422


@attrs.define
class Booking:
    when: dt.datetime


def test_a_form_date_time_without_an_offset_is_refused(app: App) -> None:
    @app.resource("/bookings/")
    class Bookings(Resource):
        def create(self, booking: Form[Booking]) -> dict[str, str]:
            return {"when": booking.when.isoformat()}

    client = app.test_client()
    response = client.post("/bookings/", data={"when": "2026-12-24T10:00:00"})
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "location": "body",
            "pointer": "/when",
            "detail": f'{DATE_TIME}, got "2026-12-24T10:00:00"',
        }
    ]
    accepted = client.post("/bookings/", data={"when": "2026-12-24T10:00:00+01:00"})
    assert accepted.get_json() == {"when": "2026-12-24T10:00:00+01:00"}
