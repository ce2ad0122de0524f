"""FSRS sees elapsed time in study days, at any hour, in any zone, across DST; fuzz stays in range and repeats."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest

from benchmarks.study_days import analyse, replayed_stability, simulate
from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import start_of_study_day, study_day
from quizapp.memory import StudyDayFsrs, fuzz_range
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.connection import to_db
from quizapp.store.database import Database
from quizapp.store.states import CardState
from quizapp.store.sync import sync_decks
from tests.conftest import Clock, fetch

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
REFERENCE = fsrs.Scheduler(enable_fuzzing=False)


def local(text: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


def reference_stability(stability: float, difficulty: float, grade: Grade, now: datetime, elapsed_days: int) -> float:
    """py-fsrs's stability for a review-state answer `elapsed_days` whole days after the last review."""
    return replayed_stability((stability, difficulty), int(grade), now, elapsed_days)


def scheduler_at(db: Database, deck_dir: Path, clock: Clock, tz: ZoneInfo, *, fuzz: bool = False) -> ReviewScheduler:
    sync_decks(db, [deck_dir], clock())
    return ReviewScheduler(db, SchedulerSettings(fuzz=fuzz), ReviewSettings(), now=clock, tz=tz)


# (zone, last review, answer on the due study day, stability): answers earlier in the day than the last
# review, right after the 4 am day start, across both DST changes, and 1-day cards.
CASES = [
    (BERLIN, "2026-03-27 23:30", "2026-03-30 04:05", 2.0),  # spring forward in between (23-hour day)
    (BERLIN, "2026-10-24 21:00", "2026-10-26 06:30", 2.0),  # fall back in between (25-hour day)
    (BERLIN, "2026-10-24 23:50", "2026-10-25 04:10", 1.0),  # a 1-day card, 4 h 20 min later (DST night)
    (BERLIN, "2026-06-10 22:00", "2026-06-11 07:30", 1.0),  # a 1-day card answered the next morning
    (SHANGHAI, "2026-05-01 20:15", "2026-05-09 08:00", 8.0),
    (NEW_YORK, "2026-03-07 03:30", "2026-03-08 05:00", 1.0),  # 03:30 belongs to the study day of 6 March
    (NEW_YORK, "2026-11-01 12:00", "2026-11-04 04:00", 3.0),
]


@pytest.mark.parametrize(("tz", "last", "answered", "stability"), CASES)
def test_review_on_its_due_study_day_uses_the_study_days_elapsed(
    db: Database, deck_dir: Path, tz: ZoneInfo, last: str, answered: str, stability: float
) -> None:
    last_review, now = local(last, tz), local(answered, tz)
    clock = Clock(now)
    scheduler = scheduler_at(db, deck_dir, clock, tz)
    days = (study_day(now, 4, tz) - study_day(last_review, 4, tz)).days
    due = start_of_study_day(study_day(last_review, 4, tz) + timedelta(days=days), 4, tz)
    with db.write() as conn:
        conn.execute("UPDATE card SET suspended = 1")
        conn.execute(
            "UPDATE card SET state = 2, step = NULL, stability = ?, difficulty = 5.0, due = ?, last_review = ?,"
            " suspended = 0 WHERE id = 1",
            (stability, to_db(due), to_db(last_review)),
        )
    offered = scheduler.next_card()
    assert offered is not None and offered.id == 1  # it is on its due study day
    assert (now - last_review).days < days  # fewer whole 24-hour periods than study days passed
    scheduler.answer(1, Grade.Good)
    (log,) = fetch(db, "SELECT * FROM review")
    multi_day = reference_stability(stability, 5.0, Grade.Good, now, days)
    assert math.isclose(log.stability_after, multi_day, rel_tol=1e-12)
    assert not math.isclose(log.stability_after, reference_stability(stability, 5.0, Grade.Good, now, days - 1))


def test_two_answers_on_one_study_day_use_the_same_day_formula(db: Database, deck_dir: Path) -> None:
    clock = Clock(local("2026-06-10 23:00", BERLIN))
    scheduler = scheduler_at(db, deck_dir, clock, BERLIN)
    with db.write() as conn:
        conn.execute(
            "UPDATE card SET state = 3, step = 0, stability = 2.0, difficulty = 5.0, due = ?, last_review = ?"
            " WHERE id = 1",
            (to_db(clock.now), to_db(clock.now - timedelta(minutes=10))),
        )
    clock.advance(hours=4, minutes=30)  # 03:30 the next calendar day: still the same study day
    scheduler.answer(1, Grade.Good)
    (log,) = fetch(db, "SELECT * FROM review")
    short_term = REFERENCE._short_term_stability(stability=2.0, rating=fsrs.Rating.Good)
    assert math.isclose(log.stability_after, short_term, rel_tol=1e-12)


def test_review_intervals_end_at_the_start_of_a_study_day_across_dst(db: Database, deck_dir: Path) -> None:
    clock = Clock(local("2026-10-24 04:30", BERLIN))  # the 25-hour day follows
    scheduler = scheduler_at(db, deck_dir, clock, BERLIN)
    card = scheduler.next_card()
    assert card is not None
    result = scheduler.answer(card.id, Grade.Easy)
    assert result.state == CardState.Review
    local_due = result.due.astimezone(BERLIN)
    assert (local_due.hour, local_due.minute) == (4, 0)
    days = (study_day(result.due, 4, BERLIN) - study_day(clock.now, 4, BERLIN)).days
    assert days == REFERENCE._next_interval(stability=REFERENCE._initial_stability(rating=fsrs.Rating.Easy))


def test_simulated_history_at_random_hours_credits_every_study_day(tmp_path: Path) -> None:
    db_path = tmp_path / "simulated.db"
    answers = simulate(db_path, days=60, tz=BERLIN, hours="random", seed=3, start=date(2026, 2, 16))
    figures = analyse(db_path, 4, BERLIN)
    assert answers > 1000 and figures.answers > 200
    assert figures.short_of_24h > 0.2 * figures.answers  # the case that used to be credited short
    assert figures.one_day > 20  # 1-day cards, answered at another hour than the day before
    assert figures.credited_short == 0
    assert figures.one_day_same_day == 0
    assert figures.fuzzed > 50 and figures.fuzz_out_of_range == 0


def test_fuzz_stays_inside_the_documented_range_and_reaches_both_ends() -> None:
    memory = StudyDayFsrs(SchedulerSettings(), 4, UTC)
    rng = random.Random(5)
    for interval in [3, 4, 7, 12, 20, 45, 100, 365, 3000]:
        low, high = fuzz_range(interval, 36500)
        assert low <= interval <= high
        drawn = {memory.fuzzed(interval, str(rng.random())) for _ in range(400)}
        assert low <= min(drawn) and max(drawn) <= high, interval
        if high - low < 20:
            assert min(drawn) == low and max(drawn) == high, interval
    assert memory.fuzzed(2, "any") == 2  # short intervals are not fuzzed
    assert fuzz_range(36500, 36500)[1] == 36500


def test_undo_then_the_same_grade_gives_the_same_due_date(db: Database, deck_dir: Path) -> None:
    clock = Clock(local("2026-04-01 09:00", SHANGHAI))
    scheduler = scheduler_at(db, deck_dir, clock, SHANGHAI, fuzz=True)
    card = scheduler.next_card()
    assert card is not None
    scheduler.answer(card.id, Grade.Easy)
    dues = set()
    for day in range(3):
        clock.advance(days=40 + day)
        first = scheduler.answer(card.id, Grade.Good)
        scheduler.undo(first.review_id)
        again = scheduler.answer(card.id, Grade.Good)
        assert again.due == first.due
        dues.add(again.due)
    assert len(dues) == 3


def test_the_interval_on_a_grade_button_is_the_interval_the_card_gets(db: Database, deck_dir: Path) -> None:
    clock = Clock(local("2026-04-01 21:00", BERLIN))
    scheduler = scheduler_at(db, deck_dir, clock, BERLIN, fuzz=True)
    card = scheduler.next_card()
    assert card is not None
    scheduler.answer(card.id, Grade.Easy)
    fuzzed = 0
    for step in range(12):
        clock.advance(days=9 + 7 * step, hours=-step % 11)
        current = scheduler.card(card.id)
        shown = scheduler.intervals(current)
        for grade in Grade:
            result = scheduler.answer(card.id, grade)
            if result.state == CardState.Review:
                given = (study_day(result.due, 4, BERLIN) - study_day(clock.now, 4, BERLIN)).days
                assert shown[grade] == timedelta(days=given)
                unfuzzed = REFERENCE._next_interval(
                    stability=fetch(db, "SELECT stability FROM card WHERE id = ?", card.id)[0].stability
                )
                fuzzed += given != unfuzzed
            else:
                assert shown[grade] == result.due - clock.now
            scheduler.undo(result.review_id)
        scheduler.answer(card.id, Grade.Good)
    assert fuzzed > 0  # fuzz was on and moved some intervals
