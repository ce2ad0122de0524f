"""The study day: it starts at a configurable local hour (4 am by default, as in Anki),
so a session past midnight still counts for the evening it belongs to."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


def _local_at(day: date, hour: int, tz: tzinfo | None) -> datetime:
    """`hour` o'clock local time on `day`, as an aware UTC datetime (DST-correct)."""
    naive = datetime.combine(day, time(hour))
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return local.astimezone(UTC)


def study_day(now: datetime, day_start_hour: int, tz: tzinfo | None = None) -> date:
    """The calendar date of the study day containing `now`."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    return (local - timedelta(hours=day_start_hour)).date()


def study_days_between(earlier: datetime, later: datetime, day_start_hour: int, tz: tzinfo | None = None) -> int:
    """Day boundaries crossed from `earlier` to `later` (never negative, even if the clock went back)."""
    passed = study_day(later, day_start_hour, tz) - study_day(earlier, day_start_hour, tz)
    return max(0, passed.days)


def start_of_study_day(day: date, day_start_hour: int, tz: tzinfo | None = None) -> datetime:
    """The moment (UTC) study day `day` begins."""
    return _local_at(day, day_start_hour, tz)


def day_bounds(now: datetime, day_start_hour: int, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the study day containing `now`; `tz` None means the system's zone."""
    day = study_day(now, day_start_hour, tz)
    return _local_at(day, day_start_hour, tz), _local_at(day + timedelta(days=1), day_start_hour, tz)
