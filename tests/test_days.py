"""The study day: starts at a local hour, correct across midnight and DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from quizapp.days import day_bounds, study_day

BERLIN = ZoneInfo("Europe/Berlin")
UTC = UTC


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_past_midnight_before_the_day_start_is_still_yesterday() -> None:
    assert str(study_day(at("2026-03-10T02:30:00+01:00"), 4, BERLIN)) == "2026-03-09"
    assert str(study_day(at("2026-03-10T04:00:00+01:00"), 4, BERLIN)) == "2026-03-10"


def test_spring_forward_day_is_23_hours() -> None:
    # Clocks go from 02:00 CET to 03:00 CEST on 2026-03-29: the study day that spans it is an hour short.
    start, end = day_bounds(at("2026-03-28T12:00:00+01:00"), 4, BERLIN)
    assert start == at("2026-03-28T04:00:00+01:00") and end == at("2026-03-29T04:00:00+02:00")
    assert end - start == timedelta(hours=23)
    after = day_bounds(at("2026-03-29T12:00:00+02:00"), 4, BERLIN)
    assert after[0] == end and after[1] - after[0] == timedelta(hours=24)


def test_fall_back_day_is_25_hours() -> None:
    start, end = day_bounds(at("2026-10-25T12:00:00+01:00"), 0, BERLIN)
    assert end - start == timedelta(hours=25)


def test_utc_day_start() -> None:
    assert day_bounds(at("2026-05-01T03:00:00+00:00"), 4, UTC) == (
        at("2026-04-30T04:00:00+00:00"),
        at("2026-05-01T04:00:00+00:00"),
    )
