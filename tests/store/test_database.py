"""The connection: WAL with FULL sync, and checkpoints kept out of the commits."""

from __future__ import annotations

import time
from pathlib import Path

from quizapp.store.database import CHECKPOINT_EVERY, open_database


def test_wal_is_checkpointed_off_the_committing_thread(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = open_database(path)
    assert db.conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # never inside a commit
    assert db.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    with db.write() as conn:
        conn.execute("CREATE TABLE blob (data BLOB)")
    before = path.stat().st_size
    for _ in range(CHECKPOINT_EVERY):
        with db.write() as conn:
            conn.execute("INSERT INTO blob VALUES (zeroblob(4000))")  # about one page each, into the WAL
    deadline = time.monotonic() + 10
    while path.stat().st_size < before + CHECKPOINT_EVERY * 4000 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path.stat().st_size >= before + CHECKPOINT_EVERY * 4000  # copied into the file by the checkpointer
    db.close()
