"""The end-of-session summary shows what the sitting changed: its true retention and the topics it made weaker or
stronger, CJK topics aligned."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Static

from quizapp.session import Session
from quizapp.sitting_summary import summarize
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.conftest import Clock
from tests.tui.conftest import settle


def painted(app: QuizApp, selector: str) -> list[str]:
    static = app.screen.query_one(selector, Static)
    return [static.render_line(y).text.rstrip() for y in range(static.size.height)]


async def learn_then_come_back(pilot: Pilot[int], clock: Clock) -> Session:
    """Learn three cards (Easy) in one sitting; 40 days later pass one, fail one, learn a new one (CJK topic);
    returns that second sitting, still open."""
    await pilot.press("r")
    for _ in range(3):
        await pilot.press("space", "4")
        await settle(pilot)  # a grade typed while the last answer is written is dropped
    await pilot.press("q", "q")
    await settle(pilot)
    clock.advance(days=40)
    await pilot.press("r", "space", "3")  # forward-closed-form: passed
    await settle(pilot)
    await pilot.press("space", "1")  # adaln-zero-gate: failed
    await settle(pilot)
    await pilot.press("space", "4")  # cfg-formula: passed
    await settle(pilot)
    await pilot.press("space", "3")  # select-all-efficient, new
    await settle(pilot)
    await pilot.press("space", "3")  # cjk-noise, new
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen.session


async def test_summary_shows_the_sittings_retention_and_topics(make_app: Callable[..., QuizApp], clock: Clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        session = await learn_then_come_back(pilot, clock)
        await app.push_screen(SummaryScreen(summarize(session, clock(), app.library.db), "All decks"))
        await pilot.pause()
        counts = painted(app, "#summary-counts")
        assert counts[-1] == "Retention     67% (2/3) of the cards back after a study day or more"
        table = painted(app, "#summary-changes")
        assert table[0].split() == ["Topic", "Answers", "Again", "Stability"]
        assert table[1].startswith("diffusion/mini/dit ") and table[1].endswith(" weaker")
        assert {line.split()[0] for line in table[2:]} == {
            "diffusion/mini/forward",
            "diffusion/mini/guidance",
            "diffusion/mini/systems",
            "diffusion/mini/中文",
        }
        stability_ends = {cell_len(line[: line.rindex("d ")]) for line in table[1:]}  # `+12.3d stronger`
        assert len(stability_ends) == 1, table  # the CJK topic's row lines up with the others
        await pilot.press("q")
        assert not isinstance(app.screen, SummaryScreen)


async def test_summary_without_the_log_lists_the_topics_missed(make_app: Callable[..., QuizApp], clock: Clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        session = await learn_then_come_back(pilot, clock)
        await app.push_screen(SummaryScreen(summarize(session, clock()), "All decks"))
        await pilot.pause()
        assert len(painted(app, "#summary-counts")) == 3
        assert painted(app, "#summary-topics") == ["Topics missed", "  diffusion/mini/dit  ×1"]
        assert not app.screen.query("#summary-changes")
