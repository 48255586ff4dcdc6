"""Business hours (CC-AH-1): schedules in time zones, holidays, the most specific scope wins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.reference.domain.errors import InvalidField
from harness.reference.domain.hours import BusinessHours, Channel, Scope, parse_schedule

PARIS_OFFICE = {
    "timezone": "Europe/Paris",
    "weekly": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("instant", "is_open"),
    [
        ("2026-03-02T09:00:00+01:00", True),  # Monday, first minute
        ("2026-03-02T16:59:59+01:00", True),
        ("2026-03-02T17:00:00+01:00", False),  # closing time is closed
        ("2026-03-02T08:59:59+01:00", False),
        ("2026-03-07T12:00:00+01:00", False),  # Saturday
        ("2026-03-02T08:30:00Z", True),  # 09:30 in Paris
        ("2026-06-01T07:30:00Z", True),  # 09:30 in Paris, summer time
        ("2026-06-01T15:30:00Z", False),  # 17:30 in Paris, summer time
    ],
)
def test_a_schedule_is_read_in_its_own_time_zone(instant: str, is_open: bool) -> None:
    assert parse_schedule(PARIS_OFFICE).is_open(at(instant)) is is_open


def test_a_holiday_closes_the_whole_local_day_but_not_a_24_7_schedule() -> None:
    office = parse_schedule({**PARIS_OFFICE, "holidays": ["2026-12-25"]})
    assert not office.is_open(at("2026-12-25T10:00:00+01:00"))
    assert office.is_open(at("2026-12-24T10:00:00+01:00"))
    always = parse_schedule(
        {"timezone": "Europe/Paris", "always_open": True, "holidays": ["2026-12-25"]}
    )
    assert always.is_open(at("2026-12-25T10:00:00+01:00"))


def test_the_most_specific_scope_decides() -> None:
    night = parse_schedule({"timezone": "Europe/Paris", "weekly": {"mon": ["18:00-24:00"]}})
    hours = (
        BusinessHours()
        .with_schedule(Scope.GLOBAL, None, parse_schedule(PARIS_OFFICE))
        .with_schedule(Scope.QUEUE, "q1", night)
        .with_schedule(Scope.LANGUAGE, "de", night)
        .with_schedule(Scope.CHANNEL, "sms", night)
    )
    evening = at("2026-03-02T19:00:00+01:00")
    assert hours.resolve().source == "global" and not hours.is_open(evening)
    assert hours.resolve(queue_id="q1", language="fr").source == "queue:q1"
    assert hours.resolve(queue_id="q2", language="de", channel="sms").source == "language:de"
    assert hours.resolve(channel=Channel.SMS).source == "channel:sms"
    assert hours.is_open(evening, queue_id="q1")
    assert BusinessHours().is_open(evening)  # no hours set anywhere: never closed


def test_a_schedule_reads_back_from_its_json() -> None:
    schedule = parse_schedule({**PARIS_OFFICE, "holidays": ["2026-12-25"]})
    assert parse_schedule(schedule.to_json()) == schedule
    hours = BusinessHours().with_schedule(Scope.QUEUE, "q1", schedule)
    assert BusinessHours.from_json(hours.to_json()) == hours


def test_open_periods_are_clipped_and_skip_holidays() -> None:
    office = parse_schedule({**PARIS_OFFICE, "holidays": ["2026-03-03"]})
    periods = list(
        office.open_periods(at("2026-03-02T12:00:00+01:00"), at("2026-03-04T23:00:00+01:00"))
    )
    assert periods == [
        (at("2026-03-02T11:00:00Z"), at("2026-03-02T16:00:00Z")),
        (at("2026-03-04T08:00:00Z"), at("2026-03-04T16:00:00Z")),
    ]
    assert all(p[0].tzinfo is UTC for p in periods)


@pytest.mark.parametrize(
    ("schedule", "field", "words"),
    [
        ({"timezone": "Mars/Olympus"}, "hours.timezone", "unknown time zone 'Mars/Olympus'"),
        (
            {"timezone": "UTC", "weekly": {"mon": ["17:00-09:00"]}},
            "hours.weekly.mon[0]",
            "closes before it opens",
        ),
        (
            {"timezone": "UTC", "weekly": {"mon": ["09:00-09:00"]}},
            "hours.weekly.mon[0]",
            "closes before it opens",
        ),
        (
            {"timezone": "UTC", "weekly": {"tue": ["13:00-17:00", "09:00-13:30"]}},
            "hours.weekly.tue",
            "09:00-13:30 and 13:00-17:00 overlap",
        ),
        ({"timezone": "UTC", "weekly": {"mon": ["9-17"]}}, "hours.weekly.mon[0]", "not an opening"),
        (
            {"timezone": "UTC", "weekly": {"monday": ["09:00-17:00"]}},
            "hours.weekly.monday",
            "unknown day",
        ),
        ({"timezone": "UTC", "holidays": ["25/12/2026"]}, "hours.holidays[0]", "not a date"),
        ({"timezone": "UTC", "open": True}, "hours.open", "unknown field"),
    ],
)
def test_bad_hours_are_refused_naming_the_field(
    schedule: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_schedule(schedule, "hours")
    assert refused.value.field == field
    assert words in refused.value.message


def test_back_to_back_openings_do_not_overlap() -> None:
    schedule = parse_schedule(
        {"timezone": "UTC", "weekly": {"mon": ["13:00-24:00", "00:00-13:00"]}}
    )
    assert schedule.is_open(at("2026-03-02T23:59:00Z")) and schedule.is_open(
        at("2026-03-02T00:00:00Z")
    )
