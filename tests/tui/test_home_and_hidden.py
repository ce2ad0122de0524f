"""Home's counts add up across decks; a suspended card is asked about first and can be brought back."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from textual.widgets import Static

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.library import Library
from quizapp.scheduling import ReviewScheduler
from quizapp.store.catalog import deck_infos
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.hidden import HiddenScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from tests.conftest import Clock
from tests.tui.conftest import settle
from tests.tui.test_review_flow import hidden, markdown_text


def two_deck_app(db: Database, deck_dir: Path, clock: Clock, new_per_day: int) -> QuizApp:
    mini = (deck_dir / "mini.yaml").read_text(encoding="utf-8")
    (deck_dir / "other.yaml").write_text(mini.replace("deck: mini", "deck: other"), encoding="utf-8")
    report = sync_decks(db, [deck_dir], clock())
    settings = ReviewSettings(new_per_day=new_per_day)
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), settings, now=clock, tz=UTC)
    return QuizApp(Library(db, scheduler, deck_infos(db, report.deck_ids), report.problems))


async def test_home_total_is_what_a_review_of_all_decks_shows(db: Database, deck_dir: Path, clock: Clock) -> None:
    app = two_deck_app(db, deck_dir, clock, new_per_day=3)
    async with app.run_test(size=(100, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        today = str(app.screen.query_one("#today", Static).render())
        match = re.search(r"(\d+) to go · (\d+) new cards left", today)
        assert match is not None, today
        assert match.groups() == ("3", "3")  # two decks each offer 3 new cards, but the limit is shared
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.counts.total == 3


async def test_suspend_asks_first_and_no_keeps_the_card(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "s")
        assert "Suspend mini/forward-closed-form?" in str(app.screen.query_one(Static).render())
        await pilot.press("n")
        assert isinstance(app.screen, ReviewScreen)
        assert "q(xₜ|x₀)" in markdown_text(app, "#prompt") and hidden(app) == []


async def test_a_suspended_card_is_listed_and_brought_back_from_home(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "s", "y", "minus", "q")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert hidden(app) == ["mini/forward-closed-form", "mini/adaln-zero-gate"]
        await pilot.press("h")
        assert isinstance(app.screen, HiddenScreen)
        assert [card.uid for card in app.screen.cards] == ["mini/adaln-zero-gate", "mini/forward-closed-form"]
        await pilot.press("down", "enter")  # the suspended one
        assert hidden(app) == ["mini/adaln-zero-gate"]
        await pilot.press("a")
        assert hidden(app) == [] and app.screen.cards == []
        await pilot.press("q", "r")
        assert "q(xₜ|x₀)" in markdown_text(app, "#prompt")  # first in the queue again
