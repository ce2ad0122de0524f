"""Rescheduling review cards after a new fit: each card's answers replayed with the new parameters.

The memory state FSRS gives a card depends on the parameters it was computed with, at every answer
since its first. So, as Anki does when its parameters change and the user asks for it, each card in
Review gets the stability, difficulty and due date its own history gives under the new parameters
(through `memory.StudyDayFsrs`, so study days, fuzz and its seed are as when answering). The review
log is not touched: it records what was shown and answered at the time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from itertools import groupby

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.memory import NEW, StudyDayFsrs
from quizapp.store import fits
from quizapp.store.connection import from_db, to_db
from quizapp.store.database import Database
from quizapp.store.states import CardState


def reschedule(
    db: Database, scheduler: SchedulerSettings, review: ReviewSettings, fit_id: int, tz: tzinfo | None = None
) -> int:
    """Recompute every review card's memory state and due date with `scheduler` (its new parameters), in one
    transaction; returns how many cards changed and notes it on fit `fit_id`."""
    memory = StudyDayFsrs(scheduler, review.day_start_hour, tz)
    with db.write() as conn:
        answers = conn.execute(fits.REVIEW_CARD_ANSWERS).fetchall()
        updates = list(_replayed(memory, answers))
        conn.executemany(fits.SET_MEMORY, updates)
        fits.set_rescheduled(conn, fit_id, len(updates))
    return len(updates)


def _replayed(memory: StudyDayFsrs, answers: list[tuple[int, int, str]]) -> Iterator[dict[str, object]]:
    """The new state of each card whose replay ends in Review (as its stored state is)."""
    for card_id, rows in groupby(answers, key=lambda row: row[0]):
        state = NEW
        for _, grade, reviewed_at in rows:
            moment = from_db(reviewed_at)
            assert moment is not None
            state = memory.answer(card_id, state, grade, moment)
        if state.state == CardState.Review and state.due is not None:
            yield {"stability": state.stability, "difficulty": state.difficulty, "due": to_db(state.due), "id": card_id}
