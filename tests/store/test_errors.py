"""SQLite failures: what a user can act on becomes a StorageError naming it; a bug in a statement stays a bug."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizapp.errors import StorageError
from quizapp.store import connection
from quizapp.store.database import open_database
from quizapp.store.migrations import SCHEMA_VERSION
from quizapp.store.upgrade import migrate
from tests.conftest import DATA

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "quizapp.db"
    open_database(path).close()
    return path


@pytest.fixture
def writer(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection as quizapp opens one, with a short busy timeout so a lock fails fast."""
    conn = connection.connect(db_path)
    conn.execute("PRAGMA busy_timeout = 50")
    yield conn
    conn.close()


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_write_while_another_instance_holds_the_lock_says_locked(db_path: Path, writer: sqlite3.Connection) -> None:
    holder = _hold_write_lock(db_path)
    try:
        with pytest.raises(StorageError) as caught, connection.write(writer, db_path) as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    finally:
        holder.close()
    assert caught.value.message == (
        f"cannot write the database {db_path}: it is locked by another quizapp (waited 0.05 s); "
        "close the other one and try again"
    )
    assert not writer.in_transaction


def test_a_wrong_column_is_a_bug_not_a_storage_condition(db_path: Path, writer: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such column: nope"), connection.write(writer, db_path):
        writer.execute("UPDATE meta SET nope = 1")
    assert not writer.in_transaction


def test_write_on_a_read_only_database_says_read_only(db_path: Path) -> None:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        with pytest.raises(StorageError) as caught, connection.write(conn, db_path):
            conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    finally:
        conn.close()
    assert caught.value.message == f"cannot write the database {db_path}: the file or its folder is read-only"


def test_write_on_a_full_disk_says_disk_full(db_path: Path, writer: sqlite3.Connection) -> None:
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageError) as caught, connection.write(writer, db_path):
        writer.execute("INSERT INTO meta (key, value) VALUES ('k', ?)", ("x" * 1_000_000,))
    assert caught.value.message == f"cannot write the database {db_path}: the disk is full"


def test_migration_blocked_by_a_lock_reports_the_lock(tmp_path: Path) -> None:
    old = tmp_path / "quizapp.db"
    shutil.copy(DATA / "schema-1.db", old)
    holder = _hold_write_lock(old)
    try:
        with pytest.raises(StorageError) as caught:
            migrate(old, 1, NOW, busy_timeout_ms=50)
    finally:
        holder.close()
    assert caught.value.message == (
        f"cannot upgrade {old} to schema {SCHEMA_VERSION}: it is locked by another quizapp (waited 0.05 s); "
        "close the other one and try again; it was left unchanged"
    )
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
