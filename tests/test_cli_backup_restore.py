"""`quizapp backup` and `quizapp restore FILE` as a user runs them, on real files: the backup holds every
answer committed so far (even while another quizapp has them only in its WAL), and a restore brings back
exactly the history of the backup, keeping the database it replaces."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.backup import backups
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks
from tests.conftest import MINI_DECKS, Clock, check_consistent


def quizapp(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUIZAPP_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "quizapp", *args], capture_output=True, text=True, env=env, timeout=60)


def history(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT r.id, c.uid, r.rating, r.reviewed_at, r.state_after, r.due_after FROM review r"
            " JOIN card c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()


def answer(db: Database, clock: Clock, grades: list[Grade]) -> None:
    """Answer the next due cards as a review session does, a minute apart."""
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock)
    for grade in grades:
        clock.advance(minutes=1)
        card = scheduler.next_card()
        assert card is not None
        scheduler.answer(card.id, grade)


def test_backup_then_restore_from_the_command_line_brings_back_the_backed_up_history(
    tmp_path: Path, clock: Clock
) -> None:
    home, path = tmp_path / "home", tmp_path / "quizapp.db"
    db = open_database(path)
    sync_decks(db, [MINI_DECKS], clock())
    answer(db, clock, [Grade.Good, Grade.Again, Grade.Easy])
    # `db` stays open, as a running review would: its answers are still in its WAL, not in the file.
    backed_up = quizapp("--db", str(path), "backup", home=home)
    assert (backed_up.returncode, backed_up.stderr) == (0, "")
    backup = Path(backed_up.stdout.strip())
    assert backups(path) == [backup]
    kept = history(backup)
    assert len(kept) == 3 and kept == history(path)
    check_consistent(backup)

    answer(db, clock, [Grade.Hard, Grade.Good])
    db.close()
    later = history(path)
    assert len(later) == 5 and later[:3] == kept

    restored = quizapp("--db", str(path), "restore", str(backup), home=home)
    assert (restored.returncode, restored.stderr) == (0, "")
    (saved,) = [p for p in backups(path) if p.name.endswith("before-restore.db")]
    assert restored.stdout == f"restored {path} from {backup}; the previous database was saved as {saved}\n"
    assert history(path) == kept  # the backup's answers, ids, times and states
    assert history(saved) == later  # and nothing is lost: the replaced database is kept
    assert history(backup) == kept
    check_consistent(path)

    db = open_database(path)  # the restored database is used as any other
    try:
        clock.advance(days=1)
        answer(db, clock, [Grade.Good])
    finally:
        db.close()
    assert history(path)[:3] == kept and len(history(path)) == 4
    check_consistent(path)
    listed = quizapp("--db", str(path), "suspended", home=home)
    assert (listed.returncode, listed.stderr) == (0, "")
