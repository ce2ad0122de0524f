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


_REVIEW_3_COLUMNS = (
    "id, card_id, rating, reviewed_at, duration_ms, state_before, step_before, stability_before, difficulty_before,"
    " due_before, last_review_before, state_after, step_after, stability_after, difficulty_after, due_after"
)


def _what_each_answer_missed(conn: sqlite3.Connection) -> None:
    """Schema 4: a review also keeps what the reports need (the recall FSRS predicted, the study days since the
    last review, the UTC offset of the answer, its kind, the options picked, the cloze number), and
    `review_key_point` which key points were recalled.

    `review` is rebuilt rather than altered: `kind` is NOT NULL without a default, which ADD COLUMN cannot
    add. The old table is renamed out of the way first, so the new one's schema text is the one a new
    database has (a table renamed into place is written `"review"`). Older answers get NULL in the new
    columns but `kind`, which their state before tells (2 was Review).
    """
    conn.execute("ALTER TABLE review RENAME TO review_3")
    conn.execute(
        "CREATE TABLE review (id INTEGER NOT NULL, card_id INTEGER NOT NULL, rating INTEGER NOT NULL,"
        " reviewed_at DATETIME NOT NULL, duration_ms INTEGER, state_before INTEGER NOT NULL, step_before INTEGER,"
        " stability_before FLOAT, difficulty_before FLOAT, due_before DATETIME, last_review_before DATETIME,"
        " state_after INTEGER NOT NULL, step_after INTEGER, stability_after FLOAT, difficulty_after FLOAT,"
        " due_after DATETIME NOT NULL, retrievability FLOAT, elapsed_days INTEGER, utc_offset_minutes INTEGER,"
        " kind VARCHAR NOT NULL, picked VARCHAR, cloze INTEGER, PRIMARY KEY (id),"
        " FOREIGN KEY(card_id) REFERENCES card (id))"
    )
    conn.execute(
        f"INSERT INTO review ({_REVIEW_3_COLUMNS}, kind) SELECT {_REVIEW_3_COLUMNS},"
        " CASE WHEN state_before = 2 THEN 'review' ELSE 'learning' END FROM review_3 ORDER BY id"
    )
    conn.execute("DROP TABLE review_3")  # and its indexes
    conn.execute("CREATE INDEX ix_review_card_id ON review (card_id)")
    conn.execute("CREATE INDEX ix_review_reviewed_at ON review (reviewed_at)")
    conn.execute(
        "CREATE TABLE review_key_point (review_id INTEGER NOT NULL, point INTEGER NOT NULL,"
        " recalled BOOLEAN NOT NULL, PRIMARY KEY (review_id, point),"
        " FOREIGN KEY(review_id) REFERENCES review (id) ON DELETE CASCADE)"
    )


_TALLY_TABLES = (
    "CREATE TABLE card_tally (card_id INTEGER NOT NULL, answers INTEGER NOT NULL, lapses INTEGER NOT NULL,"
    " young_passed INTEGER NOT NULL, young_failed INTEGER NOT NULL, mature_passed INTEGER NOT NULL,"
    " mature_failed INTEGER NOT NULL, expected FLOAT NOT NULL, duration_ms INTEGER NOT NULL,"
    " last_rating INTEGER NOT NULL, last_reviewed_at DATETIME NOT NULL, last_study_day VARCHAR, topic VARCHAR NOT NULL,"
    " deck_id VARCHAR NOT NULL, PRIMARY KEY (card_id),"
    " FOREIGN KEY(card_id) REFERENCES card (id))",
    *(  # the same sums of a study day, for every answer and per topic and per deck
        f"CREATE TABLE {table} (study_day VARCHAR NOT NULL, answers INTEGER NOT NULL, again INTEGER NOT NULL,"
        " new_cards INTEGER NOT NULL, young_passed INTEGER NOT NULL, young_failed INTEGER NOT NULL,"
        " mature_passed INTEGER NOT NULL, mature_failed INTEGER NOT NULL, expected FLOAT NOT NULL,"
        f" duration_ms INTEGER NOT NULL, late INTEGER NOT NULL,{key} PRIMARY KEY (study_day{keys}))"
        for table, key, keys in (
            ("day_tally", "", ""),
            ("topic_day_tally", " topic VARCHAR NOT NULL,", ", topic"),
            ("deck_day_tally", " deck_id VARCHAR NOT NULL,", ", deck_id"),
        )
    ),
    "CREATE TABLE calibration_tally (scope VARCHAR NOT NULL, elapsed_bin FLOAT NOT NULL, review_bin INTEGER NOT NULL,"
    " lapse_bin INTEGER NOT NULL, answers INTEGER NOT NULL, passed INTEGER NOT NULL, expected FLOAT NOT NULL,"
    " log_loss FLOAT NOT NULL, PRIMARY KEY (scope, elapsed_bin, review_bin, lapse_bin))",
    "CREATE TABLE recall_tally (scope VARCHAR NOT NULL, permille INTEGER NOT NULL, answers INTEGER NOT NULL,"
    " passed INTEGER NOT NULL, expected FLOAT NOT NULL, PRIMARY KEY (scope, permille))",
)
# Each review's place in its card's history, as the srs-benchmark counts it (`tallies.next_counts`), and
# its study day: from the answer's UTC offset where schema 4 kept it, else the zone of this machine, and
# the default day start (4 am), since a migration does not read the settings.
_COUNT_REVIEWS = """
WITH counted AS (SELECT id,
  sum(elapsed_days IS NULL OR elapsed_days >= 1) OVER card AS number,
  coalesce(sum(elapsed_days >= 1 AND rating = 1) OVER (card ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
    AS lapses
  FROM review WINDOW card AS (PARTITION BY card_id ORDER BY id))
UPDATE review SET review_number = counted.number, lapses_before = counted.lapses,
  study_day = CASE WHEN utc_offset_minutes IS NULL THEN date(reviewed_at, 'localtime', '-4 hours')
    ELSE date(reviewed_at, (utc_offset_minutes - 240) || ' minutes') END
FROM counted WHERE counted.id = review.id"""


def _running_sums_for_reports(conn: sqlite3.Connection) -> None:
    """Schema 5: a review keeps its study day, its review number and the lapses before it, and the tallies of
    `store.tallies` keep the sums the reports read, so a report over a million answers stays under a second."""
    from quizapp.store import tallies

    for column in ("study_day VARCHAR", "review_number INTEGER", "lapses_before INTEGER"):
        conn.execute(f"ALTER TABLE review ADD COLUMN {column}")
    conn.execute(_COUNT_REVIEWS)
    conn.execute("DROP INDEX ix_review_reviewed_at")
    conn.execute(
        "CREATE INDEX ix_review_recent ON review"
        " (reviewed_at, card_id, rating, state_before, elapsed_days, duration_ms, study_day)"
    )
    for statement in _TALLY_TABLES:
        conn.execute(statement)
    tallies.rebuild(conn)


def _fits_of_the_scheduler(conn: sqlite3.Connection) -> None:
    """Schema 6: `parameter_fit` keeps every fit of FSRS's parameters to the user's answers and its judgement."""
    conn.execute(
        "CREATE TABLE parameter_fit (id INTEGER NOT NULL, fitted_at DATETIME NOT NULL, parameters VARCHAR NOT NULL,"
        " train_reviews INTEGER NOT NULL, test_reviews INTEGER NOT NULL, log_loss_before FLOAT NOT NULL,"
        " log_loss_after FLOAT NOT NULL, rmse_bins_before FLOAT, rmse_bins_after FLOAT, auc_before FLOAT,"
        " auc_after FLOAT, kept BOOLEAN NOT NULL, rescheduled INTEGER NOT NULL, PRIMARY KEY (id))"
    )


def _practice_modes(conn: sqlite3.Connection) -> None:
    """Schema 7: drills and mock interviews. A review keeps the confidence said before its reveal, the mode it
    was given in and the version of the question it answered (`question_version` keeps every version);
    `practice_answer` keeps the answers that did not reschedule their card, and `mock` and `mock_question` each
    mock interview with its questions in order; `card_reset` the cards made new again from the browser."""
    conn.execute("ALTER TABLE review ADD COLUMN confidence INTEGER")
    conn.execute("ALTER TABLE review ADD COLUMN mode VARCHAR")
    conn.execute("ALTER TABLE review ADD COLUMN content_hash VARCHAR")
    conn.execute(
        "CREATE TABLE question_version (deck_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL,"
        " content_hash VARCHAR NOT NULL, content VARCHAR NOT NULL, PRIMARY KEY (deck_id, question_id, content_hash))"
    )
    conn.execute(
        "INSERT INTO question_version (deck_id, question_id, content_hash, content)"
        " SELECT deck_id, question_id, content_hash, content FROM question"
    )
    conn.execute(
        "CREATE TABLE practice_answer (id INTEGER NOT NULL, card_id INTEGER NOT NULL, mode VARCHAR NOT NULL,"
        " answered_at DATETIME NOT NULL, study_day VARCHAR NOT NULL, rating INTEGER NOT NULL, duration_ms INTEGER,"
        " confidence INTEGER, retrievability FLOAT, PRIMARY KEY (id), FOREIGN KEY(card_id) REFERENCES card (id))"
    )
    conn.execute("CREATE INDEX ix_practice_answer_card_id ON practice_answer (card_id)")
    conn.execute(
        "CREATE TABLE practice_key_point (practice_id INTEGER NOT NULL, point INTEGER NOT NULL,"
        " recalled BOOLEAN NOT NULL, PRIMARY KEY (practice_id, point),"
        " FOREIGN KEY(practice_id) REFERENCES practice_answer (id) ON DELETE CASCADE)"
    )
    conn.execute(
        "CREATE TABLE mock (id INTEGER NOT NULL, started_at DATETIME NOT NULL, ended_at DATETIME,"
        " minutes INTEGER NOT NULL, seconds_per_question INTEGER NOT NULL, topic VARCHAR, seed INTEGER NOT NULL,"
        " counts_as_review BOOLEAN NOT NULL, PRIMARY KEY (id))"
    )
    conn.execute(
        "CREATE TABLE mock_question (id INTEGER NOT NULL, mock_id INTEGER NOT NULL, position INTEGER NOT NULL,"
        " card_id INTEGER NOT NULL, parent INTEGER, follow_up VARCHAR, seconds FLOAT NOT NULL,"
        " notes VARCHAR NOT NULL, key_points INTEGER NOT NULL, recalled INTEGER NOT NULL, rating INTEGER NOT NULL,"
        " review_id INTEGER, practice_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(mock_id) REFERENCES mock (id),"
        " FOREIGN KEY(card_id) REFERENCES card (id))"
    )
    conn.execute("CREATE INDEX ix_mock_question_mock_id ON mock_question (mock_id)")
    conn.execute(
        "CREATE TABLE card_reset (id INTEGER NOT NULL, card_id INTEGER NOT NULL, reset_at DATETIME NOT NULL,"
        " PRIMARY KEY (id), FOREIGN KEY(card_id) REFERENCES card (id))"
    )
    conn.execute("CREATE INDEX ix_card_reset_card_id ON card_reset (card_id)")


def _no_topic_index(conn: sqlite3.Connection) -> None:
    """Schema 8: `ix_card_topic` goes. No query looks a card up by its topic alone (a topic filter rides on the
    state and due indexes), and every import and sync paid for writing it."""
    conn.execute("DROP INDEX IF EXISTS ix_card_topic")


def _tallied_when_read(conn: sqlite3.Connection) -> None:
    """Schema 9: an answer no longer adds itself to the tallies; their readers add the reviews after
    `meta.tallied_through` first (`tallies.catch_up`). Every review of an older schema was tallied when given."""
    conn.execute(
        "INSERT INTO meta (key, value) SELECT 'tallied_through', CAST(coalesce(max(id), 0) AS TEXT) FROM review"
        " WHERE true ON CONFLICT (key) DO NOTHING"  # schema 5's rebuild, run by this upgrade, may have set it
    )


# MIGRATIONS[i] upgrades a database from schema i + 1 to schema i + 2.
MIGRATIONS: list[Migration] = [
    _stat_column_and_indexes_for_100k_cards,
    _questions_stored_once,
    _what_each_answer_missed,
    _running_sums_for_reports,
    _fits_of_the_scheduler,
    _practice_modes,
    _no_topic_index,
    _tallied_when_read,
]
SCHEMA_VERSION = 1 + len(MIGRATIONS)
