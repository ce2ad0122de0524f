"""A mock interview driven with the Pilot: three questions end to end, follow-ups, notes, the scorecard."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static, TextArea

from quizapp.config import MockSettings
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.mock import MockScreen
from quizapp.tui.screens.scorecard import ScorecardScreen
from quizapp.tui.start import Start
from tests.conftest import fetch
from tests.tui.conftest import settle


def text_of(app: QuizApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def answer_all(app: QuizApp, pilot: object, limit: int = 30) -> int:
    """Reveal and take the suggested grade until the scorecard shows; returns the answers given."""
    given = 0
    while isinstance(app.screen, MockScreen) and given < limit:
        item = app.screen.item
        plain = item is not None and item.follow_up is not None
        keys = ("enter",) if plain else ("space", "a", "space")  # a plain follow-up has nothing to reveal
        await pilot.press(*keys)  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        given += 1
    return given


async def test_a_three_question_mock_end_to_end(make_app: Callable[..., QuizApp]) -> None:
    settings = MockSettings(minutes=12, seconds_per_question=240)
    app = make_app(start=Start(mode="mock", seed=5), mock=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MockScreen) and screen.run is not None
        assert screen.run.main_questions_left == 3
        assert "question 1 of 3" in text_of(app, "#mock-head") and "this question 4:00" in text_of(app, "#mock-clock")
        await pilot.press("n")  # notes: typed into the text area, keys included
        await pilot.press(*"noise y")
        await pilot.press("escape")
        assert screen.query_one("#mock-notes", TextArea).text == "noise y"
        await pilot.press("y", "space")  # sure, then reveal
        assert "key points" in text_of(app, "#mock-bar")
        await pilot.press("a", "space")
        await settle(pilot)
        given = 1 + await answer_all(app, pilot)
        assert isinstance(app.screen, ScorecardScreen)
        summary = text_of(app, "#scorecard-summary")
        await pilot.press("space")  # hammered: the scorecard stays
        assert isinstance(app.screen, ScorecardScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    asked = fetch(app.library.db, "SELECT parent, follow_up, notes, review_id FROM mock_question ORDER BY position")
    assert len(asked) == given and f"Answers       {given}" in summary
    assert sum(a.parent is None for a in asked) == 3
    assert asked[0].notes == "noise y"
    follow_ups = [a for a in asked if a.parent is not None]
    assert follow_ups  # every mini question has a follow-up
    assert all(a.review_id is None for a in asked if a.follow_up is not None)  # plain follow-ups are not reviews
    reviews = fetch(app.library.db, "SELECT mode, confidence FROM review ORDER BY id")
    assert reviews[0].mode == "mock" and reviews[0].confidence == 1
    assert fetch(app.library.db, "SELECT ended_at FROM mock")[0].ended_at is not None


async def test_home_m_starts_a_mock_and_q_ends_it_with_a_scorecard(make_app: Callable[..., QuizApp]) -> None:
    app = make_app(mock=MockSettings(minutes=4, seconds_per_question=60))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MockScreen)
        await pilot.press("space", "space")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert "Answers       1" in text_of(app, "#scorecard-summary")


async def test_a_mock_with_nothing_answered_goes_home_and_keeps_no_answers(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MockScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert fetch(app.library.db, "SELECT count(*) AS n FROM mock_question")[0].n == 0
