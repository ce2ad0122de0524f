"""A database that can no longer be read mid-session (here: its file damaged behind the app's back) is
reported in a notification; the app does not end with a traceback.

A lock cannot stand in for this: in WAL mode a reader is never blocked by a writer, and no other
connection can take the exclusive lock that would block one while the app's connection is open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.summary import SummaryScreen


def damage(path: Path) -> None:
    """Overwrite every page but the first, after another connection has moved the WAL into the file
    (so the app, seeing the WAL change, reads those pages from the file again)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        assert other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0  # not busy
        (page_size,) = other.execute("PRAGMA page_size").fetchone()
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(page_size)
        f.write(b"damaged!" * ((size - page_size) // 8))


@pytest.mark.parametrize("where", ["starting a review", "back home after a session"])
async def test_a_database_damaged_mid_session_is_reported_not_a_crash(
    make_app: Callable[..., QuizApp], where: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        if where == "starting a review":
            damage(app.library.db.path)
            await pilot.press("r")  # the review's first read
        else:
            await pilot.press("r", "space", "3", "q")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            damage(app.library.db.path)
            await pilot.press("escape")  # home reads its counts
        await pilot.pause()
        assert app.is_running and app.return_code is None
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "damaged" in str(errors[-1].message)
        if where == "back home after a session":
            assert isinstance(app.screen, HomeScreen)
