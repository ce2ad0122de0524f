"""Backups and restore never lose data: the file being restored, the safety backup, another database's
backups, a foreign file and an interrupted backup are all kept (or cleaned up) as promised."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.errors import StorageError
from quizapp.store.backup import backup_dir, backup_if_due, backups, make_backup, restore
from quizapp.store.database import open_database
from quizapp.store.database_file import check_intact
from quizapp.store.migrations import SCHEMA_VERSION
from tests.conftest import DATA

SCHEMA_1 = DATA / "schema-1.db"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def history(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, card_id, rating, reviewed_at FROM review ORDER BY id").fetchall()


def add_review(path: Path) -> None:
    """One more answer, as a review session would log it."""
    with sqlite3.connect(path) as conn:
        columns = ", ".join(row[1] for row in conn.execute("PRAGMA table_info(review)") if row[1] != "id")
        conn.execute(f"INSERT INTO review ({columns}) SELECT {columns} FROM review ORDER BY id DESC LIMIT 1")
    assert check_intact(path)


def leftovers(db: Path) -> list[str]:
    """Unfinished files in the backup folder: partials and their journals."""
    return sorted(p.name for p in backup_dir(db).iterdir() if ".partial" in p.name)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    target = tmp_path / "quizapp.db"
    shutil.copy(SCHEMA_1, target)
    open_database(target).close()  # upgraded to the current schema, as a user's database is
    for old in backups(target):  # the backup made before that upgrade
        old.unlink()
    return target


# --- issue 14.1: the backup being restored is never pruned -------------------------------------------


def test_restoring_the_oldest_of_seven_backups_keeps_it(db: Path) -> None:
    saved = []
    for second in range(7):
        saved.append(make_backup(db, NOW + timedelta(seconds=second)))
        add_review(db)
    oldest = saved[0]
    restore(db, oldest, NOW + timedelta(hours=1))
    assert oldest.exists() and history(db) == history(oldest)
    assert len(history(db)) == 8


# --- issue 14.2: order by writing, not by the clock --------------------------------------------------


def test_restore_with_the_clock_behind_keeps_its_backup_of_the_current_database(db: Path) -> None:
    for day in range(1, 8):  # written while the clock was a week ahead
        make_backup(db, NOW + timedelta(days=day))
    newest = backups(db)[-1]
    add_review(db)
    add_review(db)
    before = history(db)
    saved = restore(db, newest, NOW)  # the clock is right again, so behind every backup
    assert saved is not None and saved.exists()
    assert history(saved) == before and len(before) == len(history(db)) + 2
    assert backups(db)[-1] == saved


def test_backup_command_with_the_clock_behind_prints_a_backup_that_exists(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for day in range(1, 8):
        make_backup(db, datetime.now(UTC) + timedelta(days=day))
    assert main(["--db", str(db), "backup"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.exists() and backups(db)[-1] == printed and len(backups(db)) == 7


def test_two_backups_in_the_same_second_for_the_same_reason_are_both_kept(db: Path) -> None:
    first = make_backup(db, NOW)
    add_review(db)
    second = make_backup(db, NOW)
    assert first != second and backups(db) == [first, second]
    assert len(history(second)) == len(history(first)) + 1


def test_concurrent_backups_in_the_same_second_never_share_a_name(db: Path) -> None:
    made: list[Path] = []
    start = threading.Barrier(8)

    def back_up() -> None:
        start.wait()
        made.append(make_backup(db, NOW, keep=0))

    threads = [threading.Thread(target=back_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 8 and sorted(backups(db)) == sorted(made)
    assert all(check_intact(path) for path in made)


def test_daily_backup_is_taken_when_the_clock_is_behind_the_newest(db: Path) -> None:
    make_backup(db, NOW + timedelta(days=3))
    made = backup_if_due(db, NOW)
    assert made is not None and backups(db)[-1] == made
    assert backup_if_due(db, NOW + timedelta(hours=1)) is None


# --- issue 14.3: each database counts only its own backups ------------------------------------------


def test_backups_of_another_database_in_the_folder_are_not_counted_nor_pruned(tmp_path: Path) -> None:
    quiz, work = tmp_path / "quiz.db", tmp_path / "quiz-work.db"
    for path in (quiz, work):
        shutil.copy(SCHEMA_1, path)
    folder = backup_dir(quiz)
    folder.mkdir()
    legacy = {  # names written by earlier versions still count, for their own database only
        "quiz-20260530-080000-daily.db": quiz,
        "quiz-work-20260530-090000-daily.db": work,
        "quiz-work-20260531-080000-manual.db": work,
    }
    for name, path in legacy.items():
        shutil.copy(path, folder / name)
    mine = [folder / "quiz-20260530-080000-daily.db"]
    mine += [make_backup(quiz, NOW + timedelta(seconds=s)) for s in range(2)]
    theirs = [make_backup(work, NOW + timedelta(minutes=1, seconds=s)) for s in range(7)]
    assert backups(quiz) == mine
    assert backup_if_due(quiz, NOW + timedelta(hours=2)) is None  # quiz.db's own newest is 2 hours old
    assert backups(work) == theirs  # pruned to 7: its two old-named backups went first
    mine.append(make_backup(quiz, NOW + timedelta(hours=3)))
    assert backups(quiz) == mine and backups(work) == theirs


# --- issue 14.4: restore checks what it replaces and what it restores --------------------------------


def test_restore_refuses_to_replace_a_foreign_database(tmp_path: Path, db: Path) -> None:
    good = make_backup(db, NOW)
    notes = tmp_path / "notes.db"
    with sqlite3.connect(notes) as conn:
        conn.execute("CREATE TABLE note (body TEXT)")
        conn.execute("INSERT INTO note VALUES ('my notes')")
    before = notes.read_bytes()
    with pytest.raises(StorageError, match="not a quizapp one"):
        restore(notes, good, NOW + timedelta(seconds=1))
    assert notes.read_bytes() == before and backups(notes) == []


def test_restore_command_over_a_foreign_file_exits_with_one_line(tmp_path: Path, db: Path) -> None:
    good = make_backup(db, NOW)
    notes = tmp_path / "notes.db"
    with sqlite3.connect(notes) as conn:
        conn.execute("CREATE TABLE note (body TEXT)")
    before = notes.read_bytes()
    env = {**os.environ, "QUIZAPP_HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(notes), "restore", str(good)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "not a quizapp one" in run.stderr and "Traceback" not in run.stderr
    assert notes.read_bytes() == before


def _without_column(source: Path, target: Path, table: str, column: str) -> Path:
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    return target


@pytest.mark.parametrize(
    ("schema", "column", "refusal"),
    [
        ("current", "difficulty_after", r"lacks review\.difficulty_after; not restored"),
        # schema 4 copies every review into a new table, which names the column it cannot find
        (
            "schema-1",
            "duration_ms",
            rf"\(schema 1\) cannot be upgraded to schema {SCHEMA_VERSION}: no such column: duration_ms;",
        ),
    ],
)
def test_restore_refuses_a_source_that_lacks_a_column(
    tmp_path: Path, db: Path, schema: str, column: str, refusal: str
) -> None:
    source = _without_column(db if schema == "current" else SCHEMA_1, tmp_path / "source.db", "review", column)
    assert check_intact(source)  # the right tables and an integrity check that passes
    before = history(db)
    with pytest.raises(StorageError, match=refusal):
        restore(db, source, NOW)
    assert history(db) == before and backups(db) == []
    assert leftovers(db) == []


def test_restore_refuses_a_source_with_the_right_tables_but_other_columns(tmp_path: Path, db: Path) -> None:
    source = tmp_path / "wrong.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        for table in ("deck", "card", "review"):
            conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    with pytest.raises(
        StorageError, match=r"not a complete quizapp database: it lacks table \w+, .*deck\.title, .* and \d+ more; not"
    ):
        restore(db, source, NOW)
    open_database(db).close()  # still usable


def test_restore_from_an_older_schema_is_still_accepted(db: Path) -> None:
    restore(db, SCHEMA_1, NOW)
    assert len(history(db)) == 8
    open_database(db).close()


def test_restore_over_an_unreadable_database_says_how_to_proceed(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_backup(db, NOW)
    with db.open("r+b") as f:
        f.write(b"\0" * 100)  # the header is gone
    damaged = db.read_bytes()
    assert main(["--db", str(db), "restore", str(good)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"(mv {db} {db}.old)" in err
    assert db.read_bytes() == damaged
    db.rename(f"{db}.old")  # as the message says
    assert main(["--db", str(db), "restore", str(good)]) == 0
    assert history(db) == history(good)


# --- issue 11: partials of killed backups are removed, those of live ones kept -----------------------


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    """A 50 MB quizapp database: long enough to back up that a process can be stopped mid-copy."""
    path = tmp_path / "big.db"
    open_database(path).close()
    with sqlite3.connect(path) as conn:  # a table of its own, so the filler does not depend on the schema
        conn.execute("CREATE TABLE filler (data BLOB)")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
            "INSERT INTO filler SELECT randomblob(10000) FROM n"
        )
    assert path.stat().st_size > 50_000_000
    return path


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes started by a test, killed if it fails half-way."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _quizapp_backup(db: Path) -> list[str]:
    return [sys.executable, "-m", "quizapp", "--db", str(db), "backup"]


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "QUIZAPP_HOME": str(db.parent / "home")}


def _backup_caught_mid_copy(db: Path, processes: list[subprocess.Popen[bytes]], sig: signal.Signals) -> Path:
    """Run `quizapp backup` in a real process and send it `sig` while its partial is being written."""
    process = subprocess.Popen(_quizapp_backup(db), env=_env(db), stdout=subprocess.PIPE)
    processes.append(process)
    folder = backup_dir(db)
    deadline = time.monotonic() + 60
    while True:
        partials = list(folder.glob("*.partial")) if folder.is_dir() else []
        grown = [p for p in partials if p.exists() and p.stat().st_size > 1_000_000]
        if grown:
            process.send_signal(sig)
            return grown[0]
        assert process.poll() is None, "the backup finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.001)


def _next_backup(db: Path) -> Path:
    """Another `quizapp backup`, as a user would run it; a time limit turns a wait on the other into a failure."""
    run = subprocess.run(_quizapp_backup(db), env=_env(db), capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stderr) == (0, "")
    return Path(run.stdout.strip())


@pytest.mark.slow
def test_partial_of_a_killed_backup_is_removed_by_the_next_backup(
    big_db: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    partial = _backup_caught_mid_copy(big_db, processes, signal.SIGKILL)
    processes[0].wait()
    assert partial.exists() and backups(big_db) == []
    made = _next_backup(big_db)
    assert leftovers(big_db) == [] and backups(big_db) == [made]
    assert check_intact(made)


@pytest.mark.slow
def test_partial_of_a_live_backup_is_kept_and_the_backup_completes(
    big_db: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    partial = _backup_caught_mid_copy(big_db, processes, signal.SIGSTOP)
    try:
        made = _next_backup(big_db)
        assert partial.exists()
    finally:
        processes[0].send_signal(signal.SIGCONT)
    out, _ = processes[0].communicate(timeout=60)
    theirs = Path(out.decode().strip())
    assert processes[0].returncode == 0 and check_intact(theirs)
    assert leftovers(big_db) == [] and sorted(backups(big_db)) == sorted([made, theirs])
