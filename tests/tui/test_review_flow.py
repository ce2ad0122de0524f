"""Driving the real app with the Pilot and checking what reached the database."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widgets import Markdown, Static

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.tui.conftest import settle


def reviews(app: QuizApp) -> list[tuple[str, int]]:
    with app.library.db.read() as conn:
        rows = conn.execute("SELECT c.uid, r.rating FROM review r JOIN card c ON c.id = r.card_id ORDER BY r.id")
        return [(uid, rating) for uid, rating in rows]


def key_point_lines(app: QuizApp) -> list[str]:
    """The key-point checklist as shown."""
    return str(app.screen.query_one("#key-points", Static).render()).splitlines()


def markdown_text(app: QuizApp, selector: str) -> str:
    """The Markdown shown, with its backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", app.screen.query_one(selector, Markdown).source)


async def test_review_three_cards_of_each_type_by_keys(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert "q(xₜ|x₀)" in markdown_text(app, "#prompt")  # math shown as Unicode
        await pilot.press("space")
        assert key_point_lines(app) == [
            "a [ ] mean scaled by √ᾱₜ",
            "b [ ] variance 1 − ᾱₜ",
            "c [ ] sample in one step with reparameterisation",
        ]
        await pilot.press("3")  # open: Good
        await settle(pilot)
        assert "adaLN-Zero" in markdown_text(app, "#prompt")
        await pilot.press("a", "c")  # choice: a pick can be changed until space confirms it
        assert "✗" not in markdown_text(app, "#choices")
        await pilot.press("space")  # the wrong pick revealed suggests Again
        assert "✗" in markdown_text(app, "#choices")
        await pilot.press("enter")  # accept the suggestion
        await settle(pilot)
        assert "**[a percentage]**" in markdown_text(app, "#prompt")  # cloze blank with its hint
        await pilot.press("space", "4")
        await settle(pilot)
    assert reviews(app) == [
        ("mini/forward-closed-form", 3),
        ("mini/adaln-zero-gate", 1),
        ("mini/cfg-formula#c1", 4),
    ]


async def test_grades_are_ignored_before_the_reveal(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "3", "1")
    assert reviews(app) == []


async def test_undo_removes_the_answer_and_shows_the_card_again(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space", "3")
        await settle(pilot)
        assert len(reviews(app)) == 1
        await pilot.press("u")
        await settle(pilot)
        assert reviews(app) == []
        assert "q(xₜ|x₀)" in markdown_text(app, "#prompt")


async def test_multi_answer_choice_toggles_then_checks(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (("r", "space", "4"), ("b", "space", "4"), ("space", "4")):  # past three cards (c2 held back)
            await pilot.press(*keys)
            await settle(pilot)  # a grade typed while the last answer is written is dropped
        assert "select all that apply" in markdown_text(app, "#prompt")
        await pilot.press("a", "b")
        assert "▸" in markdown_text(app, "#choices")
        await pilot.press("space", "enter")
        await settle(pilot)
    assert reviews(app)[-1] == ("mini/select-all-efficient", 3)


async def test_session_ends_with_a_summary_then_home(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space", "1", "q")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.reviewed == 1 and app.screen.summary.topics_missed == [("diffusion/mini/forward", 1)]
        await pilot.press("space", "enter")  # hammered after the last card: the summary stays
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


def hidden(app: QuizApp) -> list[str]:
    with app.library.db.read() as conn:
        rows = conn.execute("SELECT uid FROM card WHERE suspended OR buried_until IS NOT NULL ORDER BY id")
        return [uid for (uid,) in rows]


async def test_suspend_and_bury_take_the_card_out_and_undo_brings_it_back(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "s", "y")
        await settle(pilot)
        assert "adaLN-Zero" in markdown_text(app, "#prompt")
        assert hidden(app) == ["mini/forward-closed-form"]
        await pilot.press("minus")
        await settle(pilot)
        assert hidden(app) == ["mini/forward-closed-form", "mini/adaln-zero-gate"]
        await pilot.press("u")
        await settle(pilot)
        assert "adaLN-Zero" in markdown_text(app, "#prompt") and hidden(app) == ["mini/forward-closed-form"]
        await pilot.press("u")
        await settle(pilot)
        assert "q(xₜ|x₀)" in markdown_text(app, "#prompt") and hidden(app) == []


async def test_review_started_for_a_deck_goes_home_when_done(make_app: Callable[..., QuizApp]) -> None:
    app = make_app(deck="mini")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, ReviewScreen)  # the first card comes without building home
        assert not any(isinstance(s, HomeScreen) for s in app.screen_stack)
        await pilot.press("q")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter", "space", "3", "q")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("q")
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2


async def test_unknown_start_deck_is_reported_on_home(make_app: Callable[..., QuizApp]) -> None:
    app = make_app(deck="nope")
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, HomeScreen)
        assert any("no deck 'nope'" in str(n.message) for n in app._notifications)


async def test_an_undo_made_stale_by_another_window_is_dropped(make_app: Callable[..., QuizApp], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from quizapp.config import ReviewSettings, SchedulerSettings
    from quizapp.scheduling import Grade, ReviewScheduler
    from quizapp.store.database import open_database

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space", "3")  # forward-closed-form, Good
        await pilot.press("minus")  # bury adaln-zero-gate
        await pilot.press("space", "4")  # the cloze, Easy
        await settle(pilot)
        other_db = open_database(app.library.db.path)
        other = ReviewScheduler(
            other_db, SchedulerSettings(fuzz=False), ReviewSettings(), now=app.library.scheduler.now
        )
        (cloze_id,) = [
            card_id for (card_id,) in other_db.conn.execute("SELECT id FROM card WHERE uid = 'mini/cfg-formula#c1'")
        ]
        other.answer(cloze_id, Grade.Again)  # the other window answers the same card
        other_db.close()
        await pilot.press("u")
        await settle(pilot)
        assert "answered again since" in str(list(app._notifications)[-1].message)
        await pilot.press("u")  # the bury before it is undone, not the stale answer again
        await settle(pilot)
        assert "adaLN-Zero" in markdown_text(app, "#prompt") and hidden(app) == []
        await pilot.press("u")
        await settle(pilot)
        assert "q(xₜ|x₀)" in markdown_text(app, "#prompt")
    assert reviews(app) == [("mini/cfg-formula#c1", 4), ("mini/cfg-formula#c1", 1)]
