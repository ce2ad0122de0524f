"""Shared fixtures: a fixed clock, a temporary database, the fixture decks."""

from __future__ import annotations

import gc
import sqlite3
from collections import namedtuple
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quizapp import collector
from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import ReviewScheduler
from quizapp.store.database import Database, open_database
from quizapp.store.queue import LOGGED_AFTER, MEMORY_COLUMNS
from quizapp.store.states import CardState
from quizapp.store.sync import sync_decks
from tests.pty_terminal import close_all

DATA = Path(__file__).parent / "data"
MINI_DECKS = DATA / "decks"
BROKEN_DECKS = DATA / "broken"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def fetch(db: Database, sql: str, *params: object) -> list[Any]:
    """Rows of a query, with their columns as attributes."""
    with db.read() as conn:
        cursor = conn.execute(sql, params)
        row = namedtuple("row", [column[0] for column in cursor.description])  # type: ignore[misc]
        return [row(*values) for values in cursor]


def check_consistent(db_path: Path) -> None:
    """The file passes SQLite's integrity check, every card has its question (no foreign key says so), every
    card's state is the one its last log left, column by column, and a card never answered is new."""
    left_by_log = [f"c.{name} IS r.{name}_after" for name in LOGGED_AFTER] + ["c.last_review IS r.reviewed_at"]
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        questionless = conn.execute(
            "SELECT count(*) FROM card c WHERE NOT EXISTS"
            " (SELECT 1 FROM question q WHERE q.deck_id = c.deck_id AND q.question_id = c.question_id)"
        ).fetchone()[0]
        assert questionless == 0
        mismatched = conn.execute(
            "SELECT count(*) FROM card c JOIN review r ON r.id = (SELECT max(id) FROM review WHERE card_id = c.id)"
            f" WHERE NOT ({' AND '.join(left_by_log)})"
        ).fetchone()[0]
        assert mismatched == 0
        new = " AND ".join(
            [f"c.state = {CardState.New:d}", *(f"c.{name} IS NULL" for name in MEMORY_COLUMNS if name != "state")]
        )
        unanswered = conn.execute(
            f"SELECT count(*) FROM card c WHERE NOT EXISTS (SELECT 1 FROM review WHERE card_id = c.id) AND NOT ({new})"
        ).fetchone()[0]
        assert unanswered == 0


@dataclass
class Clock:
    """A settable clock, so scheduling tests are exact."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _no_quizapp_left_running() -> Iterator[None]:
    """A failing test must not leave a quizapp it started on a terminal running."""
    yield
    close_all()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user data folder."""
    monkeypatch.setenv("QUIZAPP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QUIZAPP_DB", raising=False)
    monkeypatch.delenv("QUIZAPP_DECKS", raising=False)
    monkeypatch.delenv("QUIZAPP_CONFIG", raising=False)


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """A test that pauses or freezes the garbage collector leaves it on and unfrozen for the next."""
    yield
    collector.resume_after_start()
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    """A writable copy of the mini deck folder."""
    target = tmp_path / "decks"
    target.mkdir()
    for path in MINI_DECKS.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


@pytest.fixture
def scheduler(db: Database, deck_dir: Path, clock: Clock) -> ReviewScheduler:
    """A scheduler over the synced mini deck, fuzz off, clock fixed, UTC day boundary."""
    sync_decks(db, [deck_dir], clock())
    return ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
