"""A real `quizapp` process, answered through a terminal and killed with SIGKILL, loses nothing."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import MINI_DECKS, check_consistent
from tests.pty_terminal import Terminal

pytestmark = pytest.mark.slow


def on_terminal(db: Path, home: Path, decks: Path = MINI_DECKS) -> Terminal:
    """quizapp reviewing `decks` into `db` on an 80x24 terminal."""
    return Terminal(["--db", str(db), "--decks", str(decks)], home)


def review_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM review").fetchone()[0]


def wait_until(predicate, timeout: float = 10) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_sigkill_mid_session_keeps_every_committed_answer(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    answered = 0
    for _round in range(2):
        term = on_terminal(db, tmp_path / "home")
        term.wait_for("new cards left")
        term.press("r")
        term.wait_for("show answer")
        for _ in range(2):
            term.press(" ")
            time.sleep(0.3)
            term.press("3" if answered % 2 else "1")
            answered += 1
            wait_until(lambda expected=answered: review_count(db) == expected)
        term.press(" ")  # killed with an answer revealed but not graded
        time.sleep(0.2)
        term.kill()
        assert review_count(db) == answered

    check_consistent(db)


TRIALS = 50


def test_sigkill_at_random_points_never_loses_or_corrupts(tmp_path: Path) -> None:
    """50 sessions, each killed at a random moment: while starting, on a question, on an answer,
    or a few milliseconds after a grade key (before or after its commit)."""
    import random

    rng = random.Random(20261123)
    db = tmp_path / "crash.db"
    decks = tmp_path / "decks"
    decks.mkdir()
    questions = "".join(f"  - id: q{i}\n    prompt: Question {i}?\n    answer: Answer {i}.\n" for i in range(300))
    (decks / "many.yaml").write_text(f"format: 1\ndeck: many\nquestions:\n{questions}")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "config.toml").write_text("[review]\nnew_per_day = 1000\n")
    acknowledged = 0
    outcomes = {"before-commit": 0, "after-commit": 0}
    for _trial in range(TRIALS):
        term = on_terminal(db, tmp_path / "home", decks)
        if rng.random() < 0.1:
            time.sleep(rng.uniform(0.0, 0.8))  # killed while starting or syncing
            term.kill()
            check_consistent(db)
            assert review_count(db) == acknowledged
            continue
        term.wait_for("new cards left")
        term.press("r")
        term.wait_for("show answer")
        for _ in range(rng.randint(0, 3)):
            term.press(" ")
            time.sleep(rng.uniform(0.05, 0.2))
            term.press(rng.choice("1234"))
            wait_until(lambda expected=acknowledged + 1: review_count(db) == expected)
            acknowledged += 1
        term.press(" ")
        time.sleep(rng.uniform(0.05, 0.2))
        term.press(rng.choice("1234"))
        time.sleep(rng.uniform(0.0, 0.03))  # kill right around the commit of this answer
        term.kill()
        count = review_count(db)
        assert count in (acknowledged, acknowledged + 1)
        outcomes["after-commit" if count > acknowledged else "before-commit"] += 1
        acknowledged = count
        check_consistent(db)
    assert acknowledged > TRIALS
    print(f"{TRIALS} kills, {acknowledged} answers kept, last answer at kill time: {outcomes}")


CREATION_KILLS = 20


def _schema_state(db: Path) -> str:
    """What a killed first run left: no file, an SQLite file without a table, a partial schema, or a whole one."""
    if not db.exists():
        return "no file"
    try:
        with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if tables else None
    except sqlite3.DatabaseError:
        return "a journal to roll back"  # killed while the file became a WAL database: only a writer reads it
    if not tables:
        return "no table"
    return "whole" if version else "partial"


def test_sigkill_while_creating_the_database_never_leaves_a_file_later_runs_refuse(tmp_path: Path) -> None:
    """First runs killed at seeded moments just after their database file appears (creation under way or
    just done): the next run opens the file or creates it afresh, and the database is then whole."""
    import random

    rng = random.Random(20261201)
    states: dict[str, int] = {}
    for trial in range(CREATION_KILLS):
        db = tmp_path / f"first-run-{trial}.db"
        term = on_terminal(db, tmp_path / "home")
        deadline = time.monotonic() + 30
        while not db.exists():  # polled tightly: creating takes a few milliseconds
            assert term.process.poll() is None and time.monotonic() < deadline, bytes(term.output[-2000:])
            time.sleep(0.001)
        time.sleep(rng.random() * rng.choice((0.005, 0.02, 0.06)))
        term.kill()
        state = _schema_state(db)
        states[state] = states.get(state, 0) + 1
        again = on_terminal(db, tmp_path / "home")
        again.wait_for("new cards left")
        again.kill()
        assert _schema_state(db) == "whole"
        check_consistent(db)
    assert sum(n for state, n in states.items() if state not in ("whole", "no file")) >= 2, states  # mid-creation
    assert "partial" not in states, states
    print(f"{CREATION_KILLS} first runs killed; what each left: {states}")
