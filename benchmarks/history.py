"""Review histories for benchmarks: a year of reviews produced by really reviewing with
`fsrs.Scheduler` under a simple recall model, so each card's state is the one its logs lead to.

The simulated user introduces cards at random moments of the year and reviews each card
when it is due, until yesterday: today's reviews are left to do. Recall succeeds with
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs

from quizapp.scheduling import LOG_ANSWER, SET_CARD_STATE
from quizapp.store.connection import to_db

Log = tuple[object, ...]  # the review table's columns after its id
SOON = timedelta(days=1)


def card_history(
    scheduler: fsrs.Scheduler, rng: random.Random, card_id: int, start: datetime, end: datetime
) -> list[Log]:
    """Every review of one card introduced at `start`, up to `end`."""
    hardness = rng.lognormvariate(0, 0.5)
    card = fsrs.Card(card_id=card_id, due=start)
    now = start
    logs: list[Log] = []
    while now <= end:
        first = not logs
        p = 0.6 if first else scheduler.get_card_retrievability(card, now) ** hardness
        if rng.random() < p:
            rating = rng.choices((fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy), weights=(15, 75, 10))[0]
        else:
            rating = fsrs.Rating.Again
        before = card
        card, _ = scheduler.review_card(card, rating, now)
        if first:
            previous: tuple[object, ...] = (0, None, None, None, None, None)
        else:
            assert before.last_review is not None
            previous = (int(before.state), before.step, before.stability, before.difficulty)
            previous += (to_db(before.due), to_db(before.last_review))
        after = (int(card.state), card.step, card.stability, card.difficulty, to_db(card.due))
        logs.append((card_id, int(rating), to_db(now), rng.randint(4_000, 90_000), *previous, *after))
        jitter = timedelta(minutes=rng.uniform(0, 5)) if card.due - now < SOON else timedelta(hours=rng.uniform(0, 10))
        now = card.due + jitter
    return logs


def histories(card_ids: list[int], logs: int, days: int, end: datetime, seed: int) -> Iterator[list[Log]]:
    """Cards' histories in random card order, until `logs` reviews were made in all."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    order = card_ids[:]
    rng.shuffle(order)
    made = 0
    for card_id in order:
        start = end - timedelta(days=days * rng.random())
        card_logs = card_history(scheduler, rng, card_id, start, end)[: logs - made]
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
    card_ids = [card_id for (card_id,) in conn.execute("SELECT id FROM card WHERE retired = 0 ORDER BY id")]
    written = 0
    conn.execute("BEGIN")
    for card_logs in histories(card_ids, logs, days, end, seed):
        if not card_logs:
            continue
        conn.executemany(LOG_ANSWER, card_logs)
        last = card_logs[-1]
        conn.execute(SET_CARD_STATE, (*last[10:15], last[2], last[0]))
        written += len(card_logs)
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
