"""Upgrading a database to the newest schema: a backup, then every migration due, in one transaction."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store.backup import make_backup
from quizapp.store.connection import BUSY_TIMEOUT_MS, storage_problem
from quizapp.store.migrations import MIGRATIONS, Migration

VACUUM_FREE_SHARE = 0.25  # a migration leaving more of the file free than this is followed by VACUUM
_SET_VERSION = "UPDATE meta SET value = ? WHERE key = 'schema_version'"


def migrate(
    path: Path,
    version: int,
    now: datetime,
    migrations: Sequence[Migration] = MIGRATIONS,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> int:
    """Upgrade the database at `path` from `version` to the newest schema, after a backup.

    Args:
        busy_timeout_ms: how long to wait for another instance's write lock before giving up.

    Returns:
        The new schema version.

    Raises:
        StorageError: if a migration fails or the lock is not free in time; the database is then
            left as it was, and the message names the cause.
    """
    target = 1 + len(migrations)
    if version >= target:
        return version
    make_backup(path, now, f"before-schema-{target}")
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for step in range(version, target):
            migrations[step - 1](conn)
        conn.execute(_SET_VERSION, (str(target),))
        conn.execute("COMMIT")
    except sqlite3.Error as e:
        if conn.in_transaction:  # BEGIN itself may have failed: then there is nothing to roll back
            with contextlib.suppress(sqlite3.Error):  # the journal undoes it on the next open anyway
                conn.execute("ROLLBACK")
        cause = storage_problem(e, conn) or str(e)
        raise StorageError(f"cannot upgrade {path} to schema {target}: {cause}; it was left unchanged") from e
    else:
        _give_back_free_pages(conn)
    finally:
        conn.close()
    return target


def _give_back_free_pages(conn: sqlite3.Connection) -> None:
    """Shrink the file after a migration that dropped much data (schema 3 dropped a copy of the question
    per card): SQLite keeps freed pages in the file. Best effort: if VACUUM cannot run (another instance
    busy, no room for its copy), later writes reuse the pages instead."""
    (free,) = conn.execute("PRAGMA freelist_count").fetchone()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    if free > pages * VACUUM_FREE_SHARE:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("VACUUM")
