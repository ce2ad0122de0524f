"""Does FSRS see elapsed time in study days? A simulated user, replayed by py-fsrs.

A user studies the bundled decks every day for `--days` days with the real `ReviewScheduler`
on a real database, under a fake clock: one session a day at a random local hour (or, with
`--hours morning`, between 07:30 and 09:00 UTC), answering until the queue is empty. Recall
succeeds with probability R^k (R: FSRS's forgetting curve over the real time elapsed, k a
per-card hardness), and on some days the user does not study at all.

Every review-state answer is then replayed with py-fsrs, without fuzz, for each possible
elapsed time 0..n days: the one that gives the stored stability is the time the app credited.
Printed: the share of answers given after fewer whole 24-hour periods than study days, the share credited fewer days
than the study days that passed, the median ratio of stability after a recall to what counting
study days gives, and the share of fuzzed intervals outside py-fsrs's documented fuzz range.

Usage: python benchmarks/study_days.py [--decks DIR] [--days 300] [--tz Europe/Berlin]
                                      [--hours random|morning] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import random
import sqlite3
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs

from quizapp.config import ReviewSettings, SchedulerSettings, bundled_decks_dir
from quizapp.days import study_day
from quizapp.memory import fuzz_range
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.connection import from_db
from quizapp.store.database import open_database
from quizapp.store.states import CardState
from quizapp.store.sync import sync_decks

REVIEW = int(CardState.Review)
_REFERENCE = fsrs.Scheduler(enable_fuzzing=False)
DECAY = -_REFERENCE.parameters[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


class FakeClock:
    """The simulation's clock."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def recall_probability(stability: float | None, last_review: datetime | None, now: datetime, hardness: float) -> float:
    """FSRS's forgetting curve over the real time elapsed, sharpened by the card's hardness."""
    if stability is None or last_review is None:
        return 0.6
    days = max(0.0, (now - last_review).total_seconds() / 86400)
    return float(float((1 + FACTOR * days / stability) ** DECAY) ** hardness)


def session_start(day: date, rng: random.Random, hours: str, tz: tzinfo) -> datetime:
    """When the user sits down on `day`: any waking hour, or every morning 07:30-09:00 UTC."""
    if hours == "morning":
        start = datetime.combine(day, time(7, 30), tzinfo=UTC)
        return start + timedelta(minutes=rng.uniform(0, 90))
    local = datetime.combine(day, time(6), tzinfo=tz) + timedelta(minutes=rng.uniform(0, 17 * 60))
    return local.astimezone(UTC)


def simulate(
    db_path: Path, days: int, tz: tzinfo, hours: str, seed: int, start: date, decks: Path | None = None
) -> int:
    """Study every day for `days` days; returns the number of answers."""
    rng = random.Random(seed)
    clock = FakeClock(datetime.combine(start, time(12), tzinfo=UTC))
    db = open_database(db_path)
    try:
        sync_decks(db, [decks or bundled_decks_dir()], clock())
        scheduler = ReviewScheduler(db, SchedulerSettings(), ReviewSettings(), now=clock, tz=tz)
        hardness: dict[int, float] = {}
        answers = 0
        for offset in range(days):
            if rng.random() < 0.1:  # a day off
                continue
            clock.now = session_start(start + timedelta(days=offset), rng, hours, tz)
            end = clock.now + timedelta(hours=2)
            while clock.now < end and (card := scheduler.next_card()) is not None:
                if card.due is not None and card.due > clock.now and card.state != REVIEW:
                    clock.now = card.due  # a learning step not yet due: the user waits for it
                k = hardness.setdefault(card.id, rng.lognormvariate(0, 0.5))
                p = recall_probability(card.stability, card.last_review, clock.now, k)
                if rng.random() < p:
                    grade = rng.choices((Grade.Hard, Grade.Good, Grade.Easy), weights=(15, 75, 10))[0]
                else:
                    grade = Grade.Again
                scheduler.answer(card.id, grade, rng.randint(4_000, 90_000))
                answers += 1
                clock.now += timedelta(seconds=rng.uniform(20, 90))
    finally:
        db.close()
    return answers


@dataclass(frozen=True)
class ReviewFigures:
    """What the replay found over the review-state answers."""

    answers: int
    short_of_24h: int
    credited_short: int
    one_day_same_day: int
    one_day: int
    recall_ratios: list[float]
    short_recall_ratios: list[float]
    same_day_recall_ratios: list[float]
    fuzzed: int
    fuzz_out_of_range: int


def replayed_stability(state: tuple[float, float], rating: int, reviewed_at: datetime, elapsed: int) -> float:
    """py-fsrs's stability after a review-state answer made `elapsed` whole days after the last one."""
    stability, difficulty = state
    card = fsrs.Card(
        card_id=1,
        state=fsrs.State.Review,
        stability=stability,
        difficulty=difficulty,
        due=reviewed_at,
        last_review=reviewed_at - timedelta(days=elapsed),
    )
    after, _ = _REFERENCE.review_card(card, fsrs.Rating(rating), reviewed_at)
    assert after.stability is not None
    return after.stability


def analyse(db_path: Path, day_start_hour: int, tz: tzinfo, maximum_interval: int = 36500) -> ReviewFigures:
    """Replay every review-state answer of the database with py-fsrs."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT rating, reviewed_at, stability_before, difficulty_before, due_before, last_review_before,"
        " state_after, stability_after, due_after FROM review WHERE state_before = ?",
        (REVIEW,),
    ).fetchall()
    conn.close()
    before_due = short = one_day = one_day_same = fuzzed = out = 0
    ratios: list[float] = []
    short_ratios: list[float] = []
    same_day_ratios: list[float] = []
    for rating, at, s_before, d_before, due_before, last_before, state_after, s_after, due_after in rows:
        reviewed_at, due, last = from_db(at), from_db(due_before), from_db(last_before)
        assert reviewed_at and due and last
        passed = (study_day(reviewed_at, day_start_hour, tz) - study_day(last, day_start_hour, tz)).days
        before_due += (reviewed_at - last).days < passed
        # Where several elapsed times give the same stability (a saturated lapse), the study days win.
        matches = [
            e
            for e in range(passed + 2)
            if math.isclose(replayed_stability((s_before, d_before), rating, reviewed_at, e), s_after, rel_tol=1e-9)
        ]
        credited = passed if passed in matches else next(iter(matches), None)
        is_short = credited is not None and credited < passed
        short += is_short
        if passed == 1:
            one_day += 1
            one_day_same += credited == 0
        if rating > 1:
            ratio = s_after / replayed_stability((s_before, d_before), rating, reviewed_at, passed)
            ratios.append(ratio)
            if is_short:
                short_ratios.append(ratio)
            if passed == 1 and credited == 0:
                same_day_ratios.append(ratio)
        if state_after == REVIEW:
            interval = round(_REFERENCE._next_interval(stability=s_after))
            if interval >= 3:
                after = from_db(due_after)
                assert after
                given = (study_day(after, day_start_hour, tz) - study_day(reviewed_at, day_start_hour, tz)).days
                low, high = fuzz_range(interval, maximum_interval)
                fuzzed += 1
                out += not low <= given <= high
    return ReviewFigures(
        len(rows), before_due, short, one_day_same, one_day, ratios, short_ratios, same_day_ratios, fuzzed, out
    )


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part})" if whole else "-"


def median(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--tz", default="Europe/Berlin")
    parser.add_argument("--hours", choices=("random", "morning"), default="random")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 5))
    parser.add_argument("--db", type=Path, help="keep the simulated database here")
    parser.add_argument("--decks", type=Path, help="deck folder (default: the bundled decks)")
    options = parser.parse_args()
    tz = ZoneInfo(options.tz)
    with tempfile.TemporaryDirectory() as folder:
        db_path = options.db or Path(folder) / "simulated.db"
        answers = simulate(db_path, options.days, tz, options.hours, options.seed, options.start, options.decks)
        f = analyse(db_path, ReviewSettings().day_start_hour, tz)
    print(
        f"{options.days} days at {options.hours} hours ({options.tz}): {answers} answers, {f.answers} on review cards"
    )
    rows = [
        ("fewer whole 24 h periods than study days passed", share(f.short_of_24h, f.answers)),
        ("credited fewer days than the study days passed", share(f.credited_short, f.answers)),
        ("1-day cards through the same-day formula", share(f.one_day_same_day, f.one_day) + " of 1-day cards"),
        ("stability after a recall / study-day value, median", median(f.recall_ratios)),
        ("  the same, answers credited short", median(f.short_recall_ratios)),
        ("  the same, 1-day cards through the same-day formula", median(f.same_day_recall_ratios)),
        ("fuzzed intervals outside the fuzz range", share(f.fuzz_out_of_range, f.fuzzed) + f" of {f.fuzzed}"),
    ]
    for label, value in rows:
        print(f"  {label:<54} {value}")


if __name__ == "__main__":
    main()
