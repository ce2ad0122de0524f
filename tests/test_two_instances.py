"""Two processes answering on one database at once: no 'database is locked', no answer lost, and each
answer applied to the card as the other process left it (in commit order)."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime
from multiprocessing.synchronize import Event
from pathlib import Path

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.connection import to_db
from quizapp.store.database import open_database
from quizapp.store.sync import sync_decks
from tests.conftest import MINI_DECKS, check_consistent

ANSWERS = 150
STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due")


def answer_many(db_path: str, grade: int, start: Event, receipts: str) -> None:
    """Answer ANSWERS times, then write down what each answer was acknowledged with."""
    db = open_database(Path(db_path))
    scheduler = ReviewScheduler(db, SchedulerSettings(), ReviewSettings(new_per_day=10_000))
    start.wait()
    acknowledged: list[tuple[int, int, int, str]] = []
    for _ in range(ANSWERS):
        card = scheduler.next_card() or scheduler.card(1)
        result = scheduler.answer(card.id, Grade(grade))
        acknowledged.append((result.review_id, result.card_id, int(result.state), to_db(result.due)))
    db.close()
    Path(receipts).write_text(json.dumps(acknowledged))


def test_two_processes_answer_concurrently_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    db = open_database(path)
    sync_decks(db, [MINI_DECKS], datetime.now(UTC))
    db.close()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    receipts = {grade: tmp_path / f"grade-{grade}.json" for grade in (3, 1)}
    workers = [
        ctx.Process(target=answer_many, args=(str(path), grade, start, str(receipts[grade]))) for grade in receipts
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]

    with sqlite3.connect(path) as conn:
        logged = {
            review_id: (card_id, rating, state, due)
            for review_id, card_id, rating, state, due in conn.execute(
                "SELECT id, card_id, rating, state_after, due_after FROM review"
            )
        }
        chains = conn.execute(
            f"SELECT card_id, {', '.join(c + '_before' for c in STATE_COLUMNS)},"
            f" {', '.join(c + '_after' for c in STATE_COLUMNS)} FROM review ORDER BY card_id, id"
        ).fetchall()
    # Every answer each process was told was saved is in the log, as it was acknowledged, and nothing else is.
    stored: dict[int, tuple[int, int, int, str]] = {}
    for grade, receipt in receipts.items():
        for review_id, card_id, state, due in json.loads(receipt.read_text()):
            stored[review_id] = (card_id, grade, state, due)
    assert len(stored) == 2 * ANSWERS
    assert logged == stored
    # Each answer started from the state the card's previous answer left, whichever process gave it:
    # an answer computed from a card read before the other process's commit would break the chain.
    for previous, answer in zip(chains, chains[1:], strict=False):
        if previous[0] == answer[0]:
            assert answer[1:6] == previous[6:], f"card {answer[0]}: an answer was applied to a stale state"
    graders: dict[int, set[int]] = {}
    for card_id, grade, _, _ in stored.values():
        graders.setdefault(card_id, set()).add(grade)
    assert {3, 1} in graders.values()  # both processes answered some card, so the chains cross between them
    check_consistent(path)  # each card's state is the one its last logged answer left, whoever gave it
