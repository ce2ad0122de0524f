"""Schema migrations: a small ordered list keyed by the schema version.

Alembic would bring a second migration language and a start-up cost for a handful of
SQLite table changes; an ordered list of functions, each run in the same transaction
as the version bump, is enough and is tested against a database made by schema 1.
Every migration is preceded by a backup.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store.backup import make_backup
from quizapp.store.connection import BUSY_TIMEOUT_MS, storage_problem

Migration = Callable[[sqlite3.Connection], None]
VACUUM_FREE_SHARE = 0.25  # a migration leaving more of the file free than this is followed by VACUUM


def _stat_column_and_indexes_for_100k_cards(conn: sqlite3.Connection) -> None:
    """Schema 2: deck files are skipped by size and mtime before hashing; new cards are indexed in
    the order they are introduced (position, then deck), so the next new card needs no sort; and
    a deck's card count is read from an index, not from 100k rows."""
    conn.execute("ALTER TABLE deck ADD COLUMN file_stat VARCHAR NOT NULL DEFAULT ''")
    conn.execute("DROP INDEX ix_card_new")
    conn.execute("CREATE INDEX ix_card_new_order ON card (retired, suspended, state, position, deck_id)")
    conn.execute("DROP INDEX ix_card_deck_id")
    conn.execute("CREATE INDEX ix_card_deck ON card (deck_id, retired, suspended, state)")


def _questions_stored_once(conn: sqlite3.Connection) -> None:
    """Schema 3: a question is stored once, in `question`, instead of once per card: a cloze question
    with thousands of deletions made the database grow with deletions × length. Each question keeps
    the copy of an active card if it has one (they are all the same), else that of its newest card.

    `deck.file_stat` is added again with its DEFAULT before NOT NULL, as a new database declares it
    (the order SQLAlchemy writes), so new and upgraded databases have the same schema text.
    """
    conn.execute(
        "CREATE TABLE question (deck_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL, content VARCHAR NOT NULL,"
        " content_hash VARCHAR NOT NULL, PRIMARY KEY (deck_id, question_id),"
        " FOREIGN KEY(deck_id) REFERENCES deck (id))"
    )
    copy = (
        "INSERT INTO question (deck_id, question_id, content, content_hash)"
        " SELECT deck_id, question_id, content, content_hash FROM card"
        " WHERE id IN (SELECT max(id) FROM card {} GROUP BY deck_id, question_id)"
        " ON CONFLICT (deck_id, question_id) DO NOTHING"
    )
    conn.execute(copy.format("WHERE retired = 0"))
    conn.execute(copy.format(""))
    conn.execute("ALTER TABLE card DROP COLUMN content")  # no index uses either column
    conn.execute("ALTER TABLE card DROP COLUMN content_hash")
    stats = conn.execute("SELECT file_stat, id FROM deck").fetchall()
    conn.execute("ALTER TABLE deck DROP COLUMN file_stat")
    conn.execute("ALTER TABLE deck ADD COLUMN file_stat VARCHAR DEFAULT '' NOT NULL")
    conn.executemany("UPDATE deck SET file_stat = ? WHERE id = ?", stats)


# MIGRATIONS[i] upgrades a database from schema i + 1 to schema i + 2.
MIGRATIONS: list[Migration] = [_stat_column_and_indexes_for_100k_cards, _questions_stored_once]
SCHEMA_VERSION = 1 + len(MIGRATIONS)


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
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(target),))
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
