"""The review screen's practice keys: confidence before the reveal, Space/Enter grading, and a drill."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from quizapp.scheduling import Grade
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.conftest import Clock, fetch
from tests.tui.conftest import settle

SCHEDULE = "SELECT id, state, step, stability, difficulty, due, last_review FROM card ORDER BY id"


def grade_bar(app: QuizApp) -> str:
    return str(app.screen.query_one("#grade-bar", Static).render())


async def test_confidence_said_before_the_reveal_is_kept_with_the_answer(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert "y sure" in grade_bar(app) and "n guess" in grade_bar(app)
        await pilot.press("y", "n")  # changed its mind: the last one counts
        await pilot.press("space")
        assert "you said guess" in grade_bar(app)
        await pilot.press("space")  # Space on the answer side grades Good, as in Anki
        await settle(pilot)
        await pilot.press("m", "m", "space", "enter")  # the same key again takes it back; Enter grades Good
        await settle(pilot)
    rows = fetch(app.library.db, "SELECT rating, confidence, mode FROM review ORDER BY id")
    assert [(r.rating, r.confidence, r.mode) for r in rows] == [(3, 3, None), (3, None, None)]


async def test_a_drill_asks_every_card_of_the_topic_and_reschedules_none_that_is_not_due(
    make_app: Callable[..., QuizApp], clock: Clock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        scheduler = app.library.scheduler
        first = scheduler.next_card()
        assert first is not None
        for _ in range(2):  # learnt: in Review, due days from now
            scheduler.answer(first.id, Grade.Good)
            clock.advance(minutes=10)
        before = fetch(app.library.db, SCHEDULE)
        deck_ids = [d.id for d in app.library.decks]
        app.push_screen(ReviewScreen(app.library, app.scheduler_thread, deck_ids, "Mini", "diffusion/mini", drill=True))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.drill is not None
        total = screen.drill.total
        assert total == len(before) - 0  # every card of the topic, new ones included
        await pilot.press("space")
        assert "not due: its schedule stays as it is" in grade_bar(app)
        await pilot.press("1")  # Again: asked again at the end
        await settle(pilot)
        for _ in range(total):
            await pilot.press("space", "space")
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert "Practised" in str(app.screen.query_one("#summary-counts", Static).render())
    assert fetch(app.library.db, SCHEDULE) == before
    practice = fetch(app.library.db, "SELECT rating FROM practice_answer ORDER BY id")
    assert [p.rating for p in practice] == [1] + [3] * total
