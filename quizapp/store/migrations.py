"""Schema migrations: a small ordered list keyed by the schema version (run by `upgrade.py`).

Alembic would bring a second migration language and a start-up cost for a handful of
SQLite table changes; an ordered list of functions, each run in the same transaction
as the version bump, is enough and is tested against a database made by schema 1.

A step's statements are written for the schema before it, so they stay inside the step rather than with
the statements of the current schema (which tests/store/test_statements.py compiles against a new
database): an upgraded database is checked to have the schema of a new one instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


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
