"""The settings screen: a value typed and saved with Enter is checked by the config rules, written to the config
file and used at once by both schedulers (the event loop's and the writes' thread's)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from quizapp.scheduling import ReviewScheduler
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.settings import SettingsScreen
from tests.tui.conftest import settle


def config(tmp_path: Path) -> dict[str, object]:
    """The config file in the QUIZAPP_HOME of the autouse fixture, as TOML reads it."""
    return tomllib.loads((tmp_path / "home" / "config.toml").read_text(encoding="utf-8"))


async def enter(pilot: Pilot[int], field: str, text: str) -> None:
    """Replace a field's text and press Enter in it."""
    box = pilot.app.screen.query_one(f"#setting-{field}", Input)
    box.focus()
    box.value = ""
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_a_value_saved_is_in_the_file_and_used_at_once(make_app: Callable[..., QuizApp], tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.scheduler_thread.run(lambda scheduler: None)  # its scheduler opened, as by a review's answer
        await pilot.press("o")
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#setting-scheduler-desired-retention", Input).value == "0.9"
        await enter(pilot, "scheduler-desired-retention", "0.92")
        await enter(pilot, "review-new-per-day", "2")
        await enter(pilot, "review-leech-threshold", "5")
        await enter(pilot, "review-leech-action", "suspend")
        await enter(pilot, "plan-interview-date", "2027-01-15")
        assert config(tmp_path) == {
            "scheduler": {"desired_retention": 0.92},
            "review": {"new_per_day": 2, "leech_threshold": 5, "leech_action": "suspend"},
            "plan": {"interview_date": date(2027, 1, 15)},
        }

        def in_use(scheduler: ReviewScheduler) -> tuple[float, int, int, str]:
            review = scheduler.review
            retention = scheduler.memory.settings.desired_retention
            return retention, review.new_per_day, review.leech_threshold, review.leech_action

        assert in_use(app.library.scheduler) == (0.92, 2, 5, "suspend")
        assert await app.scheduler_thread.run(in_use) == (0.92, 2, 5, "suspend")
        assert not app.library.scheduler.memory.settings.fuzz  # what the file does not set stays as it runs
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "2 new cards left" in str(app.screen.query_one("#today", Static).render())


async def test_an_empty_value_puts_the_default_back(make_app: Callable[..., QuizApp], tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await enter(pilot, "plan-interview-date", "2027-01-15")
        await enter(pilot, "review-leech-threshold", "3")
        await enter(pilot, "plan-interview-date", "")
        assert config(tmp_path) == {"review": {"leech_threshold": 3}}
        await enter(pilot, "review-leech-threshold", "")
        assert config(tmp_path) == {}
        assert app.screen.query_one("#setting-review-leech-threshold", Input).value == "8"
        assert app.library.scheduler.review.leech_threshold == 8


async def test_a_value_the_rules_refuse_is_not_saved(make_app: Callable[..., QuizApp], tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await enter(pilot, "review-new-per-day", "7")
        await enter(pilot, "scheduler-desired-retention", "1.5")
        await enter(pilot, "review-leech-action", "delete")
        errors = [(n.title, str(n.message)) for n in app._notifications if n.severity == "error"]
        assert errors == [
            ("Not saved", "scheduler.desired_retention must be a number from 0.5 to 0.99, not 1.5"),
            ("Not saved", 'review.leech_action must be one of "tag", "suspend", not "delete"'),
        ]
        assert config(tmp_path) == {"review": {"new_per_day": 7}}
        assert app.library.scheduler.memory.settings.desired_retention == 0.9
        assert app.library.scheduler.review.leech_action == "tag"
