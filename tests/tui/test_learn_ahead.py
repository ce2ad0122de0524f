"""Learning cards coming due within `learn_ahead_minutes` are studied after everything else, the counts keep
them while they are still to come, and one that is not due yet is announced ("next card in N min") before it is
shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Markdown

from quizapp.scheduling import Grade
from quizapp.store.states import CardState
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.conftest import Clock

DECK = "format: 1\ndeck: ahead\ntitle: Ahead\nquestions:\n" + "".join(
    f"  - id: {name}\n    prompt: Question {name}?\n    answer: Answer {name}.\n"
    for name in ("relearn", "review", "new-1", "new-2", "soon")
)
# In the order the session must offer them: due learning, due review, new, then learning ahead of time.
OFFERED = ["ahead/relearn", "ahead/review", "ahead/new-1", "ahead/new-2", "ahead/soon"]


@pytest.mark.parametrize(
    "session_at",
    [
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        datetime(2026, 3, 2, 23, 52, tzinfo=UTC),
        pytest.param(
            datetime(2026, 3, 3, 3, 52, tzinfo=UTC),  # the study day ends at 4:00 (UTC here)
            id="minutes-before-the-day-boundary",
        ),
    ],
)
async def test_cards_learned_ahead_come_last_and_the_bar_waits_for_them(
    make_app: Callable[..., QuizApp], deck_dir: Path, clock: Clock, session_at: datetime
) -> None:
    (deck_dir / "ahead.yaml").write_text(DECK)
    clock.now = session_at - timedelta(days=40)
    app = make_app(deck="ahead")
    scheduler = app.library.scheduler
    with app.library.db.read() as conn:
        ids = dict(conn.execute("SELECT uid, id FROM card WHERE deck_id = 'ahead'").fetchall())
    scheduler.answer(ids["ahead/review"], Grade.Easy)  # weeks ago: a review due (overdue) today
    clock.now = session_at - timedelta(minutes=3)
    scheduler.answer(ids["ahead/relearn"], Grade.Again)  # back in a minute: due now
    clock.now = session_at
    soon = scheduler.answer(ids["ahead/soon"], Grade.Good)  # in learning, due in 10 minutes
    assert soon.state == CardState.Learning
    assert session_at < soon.due <= session_at + timedelta(minutes=scheduler.review.learn_ahead_minutes)

    shown: list[tuple[str, int]] = []
    announced = []
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(8):
            screen = app.screen
            if isinstance(screen, ReviewScreen) and screen.early is not None:
                announced.append(screen.query_one("#prompt", Markdown).source)
                await pilot.press("space")  # show it now
            if not isinstance(screen, ReviewScreen) or screen.card is None:
                break
            shown.append((screen.card.uid, screen.counts.total))
            await pilot.press("space", "4")
            await app.workers.wait_for_complete()  # the answer is saved and the next card shown
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and app.screen.summary.reviewed == len(OFFERED)
    assert [uid for uid, _ in shown] == OFFERED
    assert [left for _, left in shown] == list(range(len(OFFERED), 0, -1))
    assert len(announced) == 1 and "Next card in" in announced[0] and "ahead/soon" in announced[0]
