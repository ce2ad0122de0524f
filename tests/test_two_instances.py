"""Two processes answering on one database at once: no 'database is locked', no answer lost."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import open_database
from quizapp.store.sync import sync_decks
from tests.conftest import MINI_DECKS, check_consistent

ANSWERS = 150


def answer_many(db_path: str, grade: int, start) -> None:  # type: ignore[no-untyped-def]
    db = open_database(Path(db_path))
    scheduler = ReviewScheduler(db, SchedulerSettings(), ReviewSettings(new_per_day=10_000))
    start.wait()
    done = 0
    for _ in range(ANSWERS):
        card = scheduler.next_card() or scheduler.card(1)
        scheduler.answer(card.id, Grade(grade))
        done += 1
    db.close()
    assert done == ANSWERS


def test_two_processes_answer_concurrently_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    db = open_database(path)
    sync_decks(db, [MINI_DECKS], datetime.now(UTC))
    db.close()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=answer_many, args=(str(path), grade, start)) for grade in (3, 1)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM review").fetchone()[0] == 2 * ANSWERS
    check_consistent(path)  # each card's state is the one its last logged answer left, whoever gave it
