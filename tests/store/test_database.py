"""The connection: WAL with FULL sync, a new database's first write without it, and checkpoints kept out of
the commits."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from quizapp.store.connection import companion
from quizapp.store.database import (
    CHECKPOINT_AT_MOST,
    CHECKPOINT_EVERY,
    CHECKPOINT_PAUSE,
    checkpoint_delay,
    open_database,
)

PAGES = 200  # of about 4 KB each: more than the page cache holds, so some reach the file before the commit


def test_a_new_database_takes_its_first_write_into_the_file_and_is_wal_after_it(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = open_database(path)
    with db.write() as conn:
        conn.execute("PRAGMA cache_size = 20")
        conn.execute("CREATE TABLE blob (data BLOB)")
        conn.executemany("INSERT INTO blob VALUES (zeroblob(4000))", [()] * PAGES)
        assert not companion(path, "-wal").exists()
    assert path.stat().st_size >= PAGES * 4000  # written once, where a WAL would have to be copied back
    assert db.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with db.write() as conn:
        conn.execute("INSERT INTO blob VALUES (zeroblob(4000))")
    assert companion(path, "-wal").stat().st_size > 4000  # every later write goes to the WAL
    db.close()
    with closing(sqlite3.connect(path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # kept in the file
        assert other.execute("SELECT count(*) FROM blob").fetchone() == (PAGES + 1,)


def test_a_second_opening_during_the_first_write_waits_for_it_then_turns_the_wal_on(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    first = open_database(path)
    opened: list[str] = []

    def open_second() -> None:
        second = open_database(path)
        opened.append(second.conn.execute("PRAGMA journal_mode").fetchone()[0])
        with second.read() as conn:
            opened.append(str(conn.execute("SELECT count(*) FROM blob").fetchone()[0]))
        second.close()

    with first.write() as conn:
        conn.execute("CREATE TABLE blob (data BLOB)")
        conn.executemany("INSERT INTO blob VALUES (zeroblob(4000))", [()] * PAGES)
        other = threading.Thread(target=open_second)
        other.start()
        time.sleep(0.5)
        assert opened == []  # still waiting: the file cannot become a WAL one under an open write
    other.join(timeout=10)
    assert opened == ["wal", str(PAGES)]
    assert first.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    first.close()


def test_wal_is_checkpointed_off_the_committing_thread(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = open_database(path)
    assert db.conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # never inside a commit
    assert db.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    with db.write() as conn:
        conn.execute("CREATE TABLE blob (data BLOB)")
    assert db.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    before = path.stat().st_size
    for _ in range(CHECKPOINT_EVERY):
        with db.write() as conn:
            conn.execute("INSERT INTO blob VALUES (zeroblob(4000))")  # about one page each, into the WAL
    deadline = time.monotonic() + 10
    while (frames := _backfilled(path))[0] < frames[1] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert frames[0] == frames[1] >= CHECKPOINT_EVERY  # every frame copied back, once the commits paused
    assert path.stat().st_size >= before + CHECKPOINT_EVERY * 4000  # into the file
    wal = companion(path, "-wal").stat().st_size
    for _ in range(CHECKPOINT_EVERY // 2):
        with db.write() as conn:
            conn.execute("INSERT INTO blob VALUES (zeroblob(4000))")
    assert companion(path, "-wal").stat().st_size == wal  # the checkpoint was whole: the WAL started over
    db.close()


def _backfilled(path: Path) -> tuple[int, int]:
    """How many of the WAL's frames are copied into the database file, and how many it holds: nBackfill and
    mxFrame, read from the WAL-index (`-shm`) as SQLite lays it out (two 48-byte headers, then nBackfill)."""
    index = companion(path, "-shm").read_bytes()[:100]
    return int.from_bytes(index[96:100], sys.byteorder), int.from_bytes(index[16:20], sys.byteorder)


@pytest.mark.parametrize(
    ("pending", "quiet", "delay"),
    [
        (0, 60.0, None),  # nothing to copy
        (CHECKPOINT_EVERY - 1, 3600.0, None),  # not yet worth a checkpoint, however long the pause
        (CHECKPOINT_EVERY, 0.0, CHECKPOINT_PAUSE),  # just answered: wait for the pause
        (CHECKPOINT_EVERY, CHECKPOINT_PAUSE / 5, CHECKPOINT_PAUSE * 4 / 5),
        (CHECKPOINT_EVERY, CHECKPOINT_PAUSE, 0.0),  # the user is reading the next card
        (CHECKPOINT_AT_MOST - 1, 0.001, CHECKPOINT_PAUSE - 0.001),
        (CHECKPOINT_AT_MOST, 0.0, 0.0),  # answers that never pause still get their WAL copied
        (CHECKPOINT_AT_MOST * 3, 0.0, 0.0),
    ],
)
def test_a_checkpoint_waits_for_a_pause_in_the_answers(pending: int, quiet: float, delay: float | None) -> None:
    got = checkpoint_delay(pending, quiet)
    assert got == delay if delay is None else got == pytest.approx(delay)
