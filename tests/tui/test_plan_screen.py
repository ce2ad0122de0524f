"""The plan screen: opened with `p` from home, it asks for the interview date when none is set, refuses one it
cannot plan for, shows `quizapp plan`'s text (made on the scheduler thread), applies it to the config file and to
both schedulers at once, and returns home."""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from quizapp import config_file, planning
from quizapp.planning import Plan
from quizapp.scheduling import ReviewScheduler
from quizapp.tui.app import QuizApp
from quizapp.tui.screens import plan as plan_screen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.plan import PlanScreen
from tests.tui.conftest import settle

INTERVIEW = date(2026, 3, 20)  # the clock's study day is 2026-03-02


def config(tmp_path: Path) -> dict[str, object]:
    """The config file in the QUIZAPP_HOME of the autouse fixture, as TOML reads it ({} when there is none)."""
    path = tmp_path / "home" / "config.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def shown(app: QuizApp, selector: str) -> str:
    """The text of a Static as given to it (all of it, scrolled into view or not)."""
    return str(app.screen.query_one(selector, Static).render())


def visible(app: QuizApp, selector: str) -> bool:
    return app.screen.query_one(selector).display


async def open_plan(pilot: Pilot[int]) -> PlanScreen:
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PlanScreen)
    return pilot.app.screen


async def enter(pilot: Pilot[int], interview: str, minutes: str = "") -> None:
    """Type the date and the minutes a day, and press Enter."""
    screen = pilot.app.screen
    screen.query_one("#plan-minutes", Input).value = minutes
    box = screen.query_one("#plan-date", Input)
    box.value = ""
    box.focus()
    await pilot.press(*interview, "enter")
    await settle(pilot)


async def test_without_a_date_it_asks_for_one(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        assert "No interview date is set" in shown(app, "#plan-ask-message")
        assert app.focused is screen.query_one("#plan-date", Input)
        assert not visible(app, "#plan") and not visible(app, "#plan-error")
        assert screen.check_action("apply", ()) is False  # nothing to apply yet
        await pilot.press("a", "q")  # typed into the date, not taken as keys
        assert isinstance(app.screen, PlanScreen)
        assert screen.query_one("#plan-date", Input).value == "aq"


async def test_a_date_typed_shows_the_plan_made_on_the_scheduler_thread(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    threads: list[str] = []

    def make_plan(*args: Any, **kwargs: Any) -> Plan:
        threads.append(threading.current_thread().name)
        return planning.make_plan(*args, **kwargs)

    monkeypatch.setattr(plan_screen, "make_plan", make_plan)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        await enter(pilot, INTERVIEW.isoformat())
        assert threads and threads[0].startswith("review-writes")  # off the event loop, with that thread's db
        assert not visible(app, "#plan-ask") and not visible(app, "#plan-loading") and visible(app, "#plan")
        text = shown(app, "#plan-text")
        assert "Interview on 2026-03-20 (18 days from 2026-03-02)" in text
        assert "day          minutes  reviews   new" in text
        assert "2026-03-02       1.3        0     1" in text
        assert "Expected recall on 2026-03-20 (FSRS):" in text
        assert "Not applied" in shown(app, "#plan-status")
        assert app.focused is screen.query_one("#plan")  # the arrows scroll it
        assert config(tmp_path) == {}  # planning writes nothing


async def test_a_date_it_cannot_plan_for_is_refused_with_the_reason(
    make_app: Callable[..., QuizApp], tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        refused = {
            ("", ""): "type the interview date as YYYY-MM-DD, e.g. 2027-01-15",
            ("2026-03-01", ""): "the interview date 2026-03-01 is not in the future (today is 2026-03-02)",
            ("2026-13-01", ""): "'2026-13-01' is not a date: type it as YYYY-MM-DD, e.g. 2027-01-15",
            ("2027-06-01", ""): "the interview date 2027-06-01 is 456 days away; a plan looks 365 ahead",
            ("2026-03-20", "lots"): "'lots' is not a number of minutes a day, e.g. 45",
            ("2026-03-20", "0"): "minutes a day must be above 0 and at most 1440, not 0",  # the planner's check
        }
        for (interview, minutes), message in refused.items():
            await enter(pilot, interview, minutes)
            assert visible(app, "#plan-ask") and visible(app, "#plan-error")
            assert shown(app, "#plan-error") == message
            assert not visible(app, "#plan")
        assert config(tmp_path) == {}


async def test_apply_saves_the_plan_and_schedules_with_it_at_once(
    make_app: Callable[..., QuizApp], tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.scheduler_thread.run(lambda scheduler: None)  # its scheduler opened, as by a review's answer
        await open_plan(pilot)
        await enter(pilot, INTERVIEW.isoformat(), "20")
        assert "20 min a day (given)" in shown(app, "#plan-text")
        await pilot.press("a")
        await settle(pilot)
        assert config(tmp_path) == {"plan": {"interview_date": INTERVIEW, "new_per_day": 1, "desired_retention": 0.95}}

        def in_use(scheduler: ReviewScheduler) -> tuple[float, int]:
            return scheduler.memory.settings.desired_retention, scheduler.review.new_per_day

        assert in_use(app.library.scheduler) == (0.95, 1)
        assert await app.scheduler_thread.run(in_use) == (0.95, 1)
        assert not app.library.scheduler.memory.settings.fuzz  # what the plan does not set stays as it runs
        notices = [str(n.message) for n in app._notifications]
        assert any(n.startswith("Plan applied until 2026-03-20: 1 new cards a day") for n in notices)
        assert "Applied" in shown(app, "#plan-status")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "1 new cards left" in str(app.screen.query_one("#today", Static).render())


async def test_a_saved_date_is_planned_at_once_and_d_plans_to_another(
    make_app: Callable[..., QuizApp], tmp_path: Path
) -> None:
    config_file.set_setting("plan.interview_date", "2026-03-20")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        assert not visible(app, "#plan-ask")
        assert "Interview on 2026-03-20" in shown(app, "#plan-text")
        await pilot.press("d")
        assert visible(app, "#plan-ask") and not visible(app, "#plan")
        assert screen.check_action("apply", ()) is False  # the plan shown is gone: `a` is a letter of the date
        assert screen.query_one("#plan-date", Input).value == "2026-03-20"
        await enter(pilot, "2026-04-10")
        assert "Interview on 2026-04-10 (39 days from 2026-03-02)" in shown(app, "#plan-text")
        assert config(tmp_path) == {"plan": {"interview_date": INTERVIEW}}  # until applied


async def test_a_saved_date_gone_by_asks_for_another(make_app: Callable[..., QuizApp]) -> None:
    config_file.set_setting("plan.interview_date", "2026-02-20")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_plan(pilot)
        assert visible(app, "#plan-ask") and "is not in the future" in shown(app, "#plan-error")
        assert screen.query_one("#plan-date", Input).value == "2026-02-20"


async def test_the_plan_text_is_shown_as_is_not_as_markup(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_screen, "plan_lines", lambda plan: ["topic [b]x[/b] [link=y]z[/link] [/]"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        await enter(pilot, INTERVIEW.isoformat())
        static = app.screen.query_one("#plan-text", Static)
        assert static.render_line(0).text.rstrip() == "topic [b]x[/b] [link=y]z[/link] [/]"


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_back_home_from_the_plan(make_app: Callable[..., QuizApp], key: str) -> None:
    config_file.set_setting("plan.interview_date", "2026-03-20")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        await pilot.press(key)
        assert isinstance(app.screen, HomeScreen)


async def test_escape_from_the_date_field_goes_home(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(pilot)
        await pilot.press("2", "escape")
        assert isinstance(app.screen, HomeScreen)
