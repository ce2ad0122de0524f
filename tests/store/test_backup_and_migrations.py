"""Backups (daily, manual, before migrations), restore, and the migration path from schema 1."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.errors import StorageError
from quizapp.store.backup import backup_if_due, backups, make_backup, restore
from quizapp.store.database import open_database
from quizapp.store.migrations import SCHEMA_VERSION
from quizapp.store.upgrade import migrate
from tests.conftest import DATA

SCHEMA_1 = DATA / "schema-1.db"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def history(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT c.uid, r.rating, r.reviewed_at, r.duration_ms, r.state_after FROM review r "
            "JOIN card c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    target = tmp_path / "quizapp.db"
    shutil.copy(SCHEMA_1, target)
    return target


def test_schema_1_database_opens_with_all_its_history(old_db: Path) -> None:
    before = history(old_db)
    assert len(before) == 8
    open_database(old_db).close()
    assert history(old_db) == before


def _shape(path: Path) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """Columns of every table, and (index, table) pairs."""
    with sqlite3.connect(path) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        indexes = set(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"))
    return columns, indexes


def test_schema_1_is_migrated_to_the_schema_a_new_database_gets(old_db: Path, tmp_path: Path) -> None:
    open_database(old_db).close()
    open_database(tmp_path / "new.db").close()
    assert _shape(old_db) == _shape(tmp_path / "new.db")
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert [p.name.endswith(f"before-schema-{SCHEMA_VERSION}.db") for p in backups(old_db)] == [True]


def test_migration_runs_in_order_after_a_backup_and_keeps_history(old_db: Path) -> None:
    before = history(old_db)
    steps = [
        lambda conn: conn.execute("ALTER TABLE card ADD COLUMN note TEXT"),
        lambda conn: conn.execute("UPDATE card SET note = 'v3'"),
    ]
    assert migrate(old_db, 1, NOW, steps) == 3
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
        assert {n for (n,) in conn.execute("SELECT note FROM card")} == {"v3"}
    assert history(old_db) == before
    (saved,) = backups(old_db)
    assert saved.name.endswith("before-schema-3.db") and history(saved) == before


def test_failed_migration_leaves_the_database_unchanged(old_db: Path) -> None:
    steps = [
        lambda conn: conn.execute("ALTER TABLE card ADD COLUMN note TEXT"),
        lambda conn: conn.execute("SELECT nope"),
    ]
    original = old_db.read_bytes()
    with pytest.raises(StorageError, match="left unchanged"):
        migrate(old_db, 1, NOW, steps)
    with sqlite3.connect(old_db) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(card)")}
        assert "note" not in columns
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    assert len(old_db.read_bytes()) == len(original)


def test_daily_backup_at_most_once_a_day_keeping_the_last_seven(old_db: Path) -> None:
    assert backup_if_due(old_db, NOW) is not None
    assert backup_if_due(old_db, NOW + timedelta(hours=23)) is None
    for day in range(1, 10):
        assert backup_if_due(old_db, NOW + timedelta(days=day)) is not None
    kept = backups(old_db)
    assert [p.name for p in kept][-1] == "quizapp.db.000010.20260610-080000.daily.db" and len(kept) == 7
    assert history(kept[-1]) == history(old_db)


def test_restore_refuses_a_foreign_file_and_restores_a_backup(old_db: Path, tmp_path: Path) -> None:
    saved = make_backup(old_db, NOW)
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE x (y)")
    with pytest.raises(StorageError, match="not a quizapp one"):
        restore(old_db, foreign, NOW)
    with sqlite3.connect(old_db) as conn:
        conn.execute("DELETE FROM review")
    assert history(old_db) == []
    restore(old_db, saved, NOW + timedelta(seconds=1))
    assert len(history(old_db)) == 8
    assert any(p.name.endswith("before-restore.db") for p in backups(old_db))


def test_a_new_database_has_the_schema_the_migrations_reach_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    from quizapp.store.database_file import schema_version_of
    from quizapp.store.migrations import MIGRATIONS

    new = tmp_path / "new.db"
    open_database(new).close()
    assert schema_version_of(new) == SCHEMA_VERSION == 1 + len(MIGRATIONS)  # what schema 1 migrated ends at
    open_database(new).close()
    assert backups(new) == []  # a current database is opened as it is: no migration, so no backup before one
    newer = tmp_path / "newer.db"
    shutil.copy(new, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    before = newer.read_bytes()
    known = f"schema {SCHEMA_VERSION + 1}, this one knows {SCHEMA_VERSION}"
    with pytest.raises(StorageError, match=rf"was written by a newer quizapp \({known}\); upgrade quizapp$"):
        open_database(newer)
    assert newer.read_bytes() == before and backups(newer) == []


def test_restore_into_a_missing_database_says_there_was_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.cli import main

    db = tmp_path / "new.db"
    assert main(["--db", str(db), "restore", str(SCHEMA_1)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"restored {db} from {SCHEMA_1} (there was no database before)\n", "")
    assert len(history(db)) == 8 and backups(db) == []


def test_first_restore_on_a_new_machine_creates_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.cli import main

    db = tmp_path / "home" / "quizapp.db"  # the default database of QUIZAPP_HOME, whose folder does not exist yet
    assert main(["restore", str(SCHEMA_1)]) == 0
    assert capsys.readouterr().out == f"restored {db} from {SCHEMA_1} (there was no database before)\n"
    assert len(history(db)) == 8


def test_restore_over_a_database_names_the_backup_of_it(old_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from quizapp.cli import main

    source = make_backup(old_db, NOW)
    assert main(["--db", str(old_db), "restore", str(source)]) == 0
    (saved,) = [p for p in backups(old_db) if p.name.endswith("before-restore.db")]
    out = capsys.readouterr().out
    assert out == f"restored {old_db} from {source}; the previous database was saved as {saved}\n"


REVIEW_3_COLUMNS = (
    "id, card_id, rating, reviewed_at, duration_ms, state_before, step_before, stability_before, difficulty_before,"
    " due_before, last_review_before, state_after, step_after, stability_after, difficulty_after, due_after"
)


@pytest.mark.parametrize("schema", [1, 3])
def test_schema_1_and_3_upgrade_keeping_every_review_and_telling_its_kind(old_db: Path, schema: int) -> None:
    from quizapp.store.migrations import MIGRATIONS

    if schema == 3:
        assert migrate(old_db, 1, NOW, MIGRATIONS[:2]) == 3
    with sqlite3.connect(old_db) as conn:  # schema 1's reviews are all of new or learning cards: make one a review
        conn.execute("UPDATE review SET state_before = 2 WHERE id = (SELECT max(id) FROM review)")
        before = conn.execute(f"SELECT {REVIEW_3_COLUMNS} FROM review ORDER BY id").fetchall()
    made = {p.name for p in backups(old_db)}
    open_database(old_db).close()
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert conn.execute(f"SELECT {REVIEW_3_COLUMNS} FROM review ORDER BY id").fetchall() == before
        added = conn.execute(
            "SELECT kind, retrievability, elapsed_days, utc_offset_minutes, picked, cloze FROM review ORDER BY id"
        ).fetchall()
        assert conn.execute("SELECT count(*) FROM review_key_point").fetchone() == (0,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert len(before) == 8
    assert added == [("learning", None, None, None, None, None)] * 7 + [("review", None, None, None, None, None)]
    (backup,) = [p for p in backups(old_db) if p.name not in made]
    assert backup.name.endswith(f"before-schema-{SCHEMA_VERSION}.db") and history(backup) == history(old_db)


def test_schema_5_counts_each_answer_and_sums_the_history_into_the_tallies(old_db: Path) -> None:
    from quizapp.store import tallies

    with sqlite3.connect(old_db) as conn:  # make the last answer a review after two days, failed
        conn.execute(
            "UPDATE review SET state_before = 2, rating = 1, reviewed_at = datetime(reviewed_at, '+2 days')"
            " WHERE id = (SELECT max(id) FROM review)"
        )
    open_database(old_db).close()
    with sqlite3.connect(old_db) as conn:
        rows = conn.execute(
            "SELECT card_id, study_day, review_number, lapses_before FROM review ORDER BY card_id, id"
        ).fetchall()
        assert all(day is not None and number >= 1 and lapses >= 0 for _, day, number, lapses in rows)
        per_card = conn.execute("SELECT card_id, count(*) FROM review GROUP BY card_id").fetchall()
        assert conn.execute("SELECT card_id, answers FROM card_tally ORDER BY card_id").fetchall() == per_card
        assert conn.execute("SELECT sum(answers) FROM day_tally").fetchone() == (8,)
        kept = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("card_tally", "day_tally")}
        conn.execute("BEGIN")
        tallies.rebuild(conn)
        for table, before in kept.items():
            assert conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == before
        conn.execute("ROLLBACK")
