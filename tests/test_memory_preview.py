"""An answer given after its card's preview takes the preview's outcome, and comes out as an answer without one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quizapp.config import SchedulerSettings
from quizapp.memory import MemoryState, StudyDayFsrs
from quizapp.store.states import CardState

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")  # 2026-11-01: DST ends at 2 am
SHOWN = datetime(2026, 11, 1, 5, 10, tzinfo=UTC)  # 1:10 am in New York, 1:10 pm in Shanghai
STATES = [
    MemoryState(CardState.New),
    MemoryState(CardState.Learning, 1, 2.3, 5.1, SHOWN - timedelta(minutes=3), SHOWN - timedelta(minutes=13)),
    MemoryState(CardState.Review, None, 20.0, 5.0, SHOWN - timedelta(days=1), SHOWN - timedelta(days=19, hours=7)),
    MemoryState(CardState.Relearning, 0, 1.2, 8.9, SHOWN - timedelta(minutes=1), SHOWN - timedelta(minutes=11)),
]


@pytest.mark.parametrize("tz", [UTC, SHANGHAI, NEW_YORK], ids=str)
@pytest.mark.parametrize("later", [timedelta(seconds=4), timedelta(minutes=47), timedelta(hours=3)], ids=str)
@pytest.mark.parametrize("before", STATES, ids=lambda s: s.state.name)
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_an_answer_after_a_preview_is_the_answer_without_one(
    tz: ZoneInfo, later: timedelta, before: MemoryState, grade: int
) -> None:
    """Answered seconds, minutes or hours after the preview: the same study day or, past 4 am (New York, whose
    clocks go back meanwhile), the next one, where the preview no longer holds."""
    previewed, fresh = StudyDayFsrs(SchedulerSettings(), 4, tz), StudyDayFsrs(SchedulerSettings(), 4, tz)
    waits = previewed.preview(7, before, SHOWN)
    answered = SHOWN + later
    assert previewed.answer(7, before, grade, answered) == fresh.answer(7, before, grade, answered)
    if previewed.study_day(answered) == previewed.study_day(SHOWN):
        after = fresh.answer(7, before, grade, SHOWN)
        assert after.due is not None
        if after.state == CardState.Review:  # the button says the study days from today's
            assert previewed.study_day(after.due) - previewed.study_day(SHOWN) == waits[grade]
        else:
            assert after.due - SHOWN == waits[grade]


def test_a_preview_of_another_card_or_state_is_not_taken() -> None:
    memory = StudyDayFsrs(SchedulerSettings(), 4, UTC)
    review = STATES[2]
    memory.preview(8, review, SHOWN)
    assert memory.answer(7, review, 3, SHOWN) == StudyDayFsrs(SchedulerSettings(), 4, UTC).answer(7, review, 3, SHOWN)
    memory.preview(7, STATES[1], SHOWN)
    assert memory.answer(7, review, 3, SHOWN) == StudyDayFsrs(SchedulerSettings(), 4, UTC).answer(7, review, 3, SHOWN)
