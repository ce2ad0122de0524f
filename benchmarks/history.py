"""Review histories for benchmarks: a year of reviews produced by really reviewing with
`fsrs.Scheduler` under a simple recall model, so each card's state is the one its logs lead to.

The simulated user introduces cards at random moments of the year and reviews each card
on its due study day, in that day's session (at a random waking hour, the same for every
card that day; sometimes a day or more late), until yesterday: today's reviews are left to
do. Answers go through `quizapp.memory`, so elapsed time is counted in study days, as in the app. Recall succeeds with
probability R^k, where R is FSRS's retrievability at that moment and k a per-card hardness
(lognormal around 1), so some cards lapse often.
Cards are simulated one after another until the number of logs is reached; the rest stay new.

Usage: python benchmarks/history.py DB --logs 1000000 [--days 365] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import start_of_study_day
from quizapp.memory import NEW, StudyDayFsrs
from quizapp.scheduling import stored_state, utc_offset_minutes
from quizapp.store import tallies
from quizapp.store.connection import to_db
from quizapp.store.queue import LOG_ANSWER, LOGGED_AFTER, SET_CARD_STATE, answer_kind, answer_log
from quizapp.store.states import CardState

Log = dict[str, object]  # LOG_ANSWER's parameters: a review row, by column name
ACTIVE_CARDS = "SELECT id, cloze FROM card WHERE retired = 0 ORDER BY id"


def session_start(memory: StudyDayFsrs, day: date, seed: int) -> datetime:
    """When the user sits down on study day `day`: between 2 and 19 hours after the day starts."""
    hours = random.Random(f"{seed}/{day}").uniform(2, 19)
    return start_of_study_day(day, memory.day_start_hour, memory.tz) + timedelta(hours=hours)


def card_history(
    memory: StudyDayFsrs,
    rng: random.Random,
    card_id: int,
    start: datetime,
    end: datetime,
    seed: int,
    cloze: int | None = None,
) -> list[Log]:
    """Every review of one card introduced at `start`, up to `end`, logged as the app logs an answer
    without marks (no key points, nothing picked)."""
    hardness = rng.lognormvariate(0, 0.5)
    card = NEW
    now = start
    logs: list[Log] = []
    previous: Log | None = None
    while now <= end:
        first = not logs
        recall = memory.retrievability(card_id, card, now)
        p = 0.6 if first else (recall or 0.0) ** hardness
        grade = rng.choices((2, 3, 4), weights=(15, 75, 10))[0] if rng.random() < p else 1
        before = card
        card = memory.answer(card_id, before, grade, now)
        assert card.due is not None
        duration_ms = rng.randint(4_000, 90_000)
        elapsed = memory.elapsed_days(before, now)
        log = answer_log(
            card_id,
            grade,
            to_db(now),
            duration_ms,
            stored_state(before),
            stored_state(card),
            kind=answer_kind(before.state),
            utc_offset_minutes=utc_offset_minutes(now, memory.tz),
            retrievability=recall,
            elapsed_days=elapsed,
            cloze=cloze,
            study_day=memory.study_day(now).isoformat(),
            counts=tallies.next_counts(previous, elapsed),
        )
        logs.append(log)
        previous = log
        if card.state != CardState.Review:  # a (re)learning step, minutes later in the same session
            now = max(now, card.due) + timedelta(minutes=rng.uniform(0, 5))
        else:
            late = rng.choice((1, 2, 3)) if rng.random() < 0.1 else 0
            day = memory.study_day(card.due) + timedelta(days=late)
            now = max(now, session_start(memory, day, seed) + timedelta(minutes=rng.uniform(0, 60)))
    return logs


def histories(cards: dict[int, int | None], logs: int, days: int, end: datetime, seed: int) -> Iterator[list[Log]]:
    """Cards' histories (`cards`: id → cloze number) in random card order, until `logs` reviews were made in all."""
    rng = random.Random(seed)
    memory = StudyDayFsrs(SchedulerSettings(), ReviewSettings().day_start_hour)
    order = list(cards)
    rng.shuffle(order)
    made = 0
    for card_id in order:
        start = end - timedelta(days=days * rng.random())
        card_logs = card_history(memory, rng, card_id, start, end, seed, cards[card_id])[: logs - made]
        made += len(card_logs)
        yield card_logs
        if made >= logs:
            return


def fill(db: Path, logs: int, days: int = 365, seed: int = 7, end: datetime | None = None) -> int:
    """Give the cards of `db` a history of `logs` reviews ending at `end`; returns the logs written.

    By default the history ends a day ago, so today's reviews are waiting, as on a user's morning.
    """
    end = end or datetime.now(UTC) - timedelta(days=1)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # generating data: durability does not matter here
    cards = dict(conn.execute(ACTIVE_CARDS).fetchall())
    written = 0
    conn.execute("BEGIN")
    for card_logs in histories(cards, logs, days, end, seed):
        if not card_logs:
            continue
        conn.executemany(LOG_ANSWER, card_logs)
        last = card_logs[-1]  # the card is left as its last answer left it
        after = {name: last[f"{name}_after"] for name in LOGGED_AFTER}
        conn.execute(SET_CARD_STATE, {**after, "last_review": last["reviewed_at"], "id": last["card_id"]})
        written += len(card_logs)
    tallies.rebuild(conn)
    conn.execute("COMMIT")
    conn.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    started = time.perf_counter()
    written = fill(options.db, options.logs, options.days, options.seed)
    print(f"{written:,} reviews written in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
