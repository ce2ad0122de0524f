"""The forgetting curve the reports compute in SQL is py-fsrs's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.config import SchedulerSettings
from quizapp.memory import MemoryState, StudyDayFsrs
from quizapp.store.states import CardState


@pytest.mark.parametrize(("stability", "days"), [(0.5, 1), (3.2, 2), (12.0, 30), (250.0, 400)])
def test_forgetting_curve_gives_py_fsrs_retrievability(stability: float, days: int) -> None:
    memory = StudyDayFsrs(SchedulerSettings(), 4, UTC)
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    card = MemoryState(CardState.Review, None, stability, 5.0, now, now - timedelta(days=days))
    factor, decay = memory.forgetting_curve()
    assert (1 + factor * days / stability) ** decay == pytest.approx(memory.retrievability(1, card, now), abs=1e-12)
