"""Catching the tallies up reads the reviews after the last one tallied, never the whole log."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from quizapp.store import tallies
from quizapp.store.database import open_database

CATCH_UP = {
    "card_tally": tallies._CATCH_UP_CARDS,
    "day_tally": tallies._CATCH_UP_DAYS[0],
    "topic_day_tally": tallies._CATCH_UP_DAYS[1],
    "deck_day_tally": tallies._CATCH_UP_DAYS[2],
    "calibration and recall": tallies._CALIBRATED_AFTER,
}


@pytest.mark.parametrize("statement", CATCH_UP.values(), ids=CATCH_UP.keys())
def test_a_catch_up_searches_the_reviews_by_id_and_scans_nothing(tmp_path: Path, statement: str) -> None:
    """At a million reviews a scan costs 50 ms for a sitting of 125 answers; a search by id, what the sitting adds."""
    open_database(tmp_path / "q.db").close()
    with closing(sqlite3.connect(tmp_path / "q.db")) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", {"after": 0})]
    assert any(step.startswith("SEARCH r USING INTEGER PRIMARY KEY (rowid>?)") for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan
