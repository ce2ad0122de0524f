"""The tallies brought up to date by a reader of a database, before it reads them (`tallies.catch_up`)."""

from __future__ import annotations

from quizapp.store import tallies
from quizapp.store.database import Database


def bring_up_to_date(db: Database) -> None:
    """Count the reviews not tallied yet, before the tallies are read (one read when there are none).

    A database opened read-only keeps the tallies its last writer left: up to date unless that writer stopped
    between an answer and the next reader or its own close.
    """
    if db.read_only is not None:
        return
    with db.read() as conn:
        if not tallies.behind(conn):
            return
    with db.write() as conn:
        tallies.catch_up(conn)
