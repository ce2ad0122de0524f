"""How the screens look at 80x24, in dark and light themes (update with --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from quizapp.config import MockSettings
from quizapp.sitting_summary import summarize
from quizapp.tui import stopwatch
from quizapp.tui.app import QuizApp
from quizapp.tui.screens import home
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.start import Start
from tests.conftest import Clock
from tests.report_sample import sample_report
from tests.tui.conftest import settle
from tests.tui.test_session_summary import learn_then_come_back

SIZE = (80, 24)
SMALL = (40, 12)
BUNDLED = Path(__file__).parents[2] / "decks"


@pytest.fixture(autouse=True)
def _stopped_stopwatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The time spent and the countdowns read 0:00 in every picture, however long the test took."""
    monkeypatch.setattr(stopwatch, "seconds", lambda: 1000.0)


def keys(*pressed: str) -> Callable[[Pilot[object]], object]:
    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.press(*pressed)
        # the reveal scrolls after the next refresh: let it happen before the picture is taken
        for _ in range(3):
            await pilot.wait_for_scheduled_animations()
            await pilot.pause(0.05)

    return run_before


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_home(snap_compare, make_app: Callable[..., QuizApp], theme: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    app.theme = theme
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_review_open_question_answer_side(snap_compare, make_app: Callable[..., QuizApp], theme: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    app.theme = theme
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("r", "space"))


def test_review_choice_after_a_wrong_pick(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("r", "space", "3", "c", "space"))


def test_review_cloze_front(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("r", "space", "3", "b", "3"))


def test_review_cjk_prompt_wraps_and_aligns(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    steps = keys("r", "space", "4", "b", "4", "space", "4", "a", "b", "space", "4")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


def stats(*pressed: str) -> Callable[[Pilot[object]], object]:
    """Open the statistics from home (the sample report), then press `pressed`."""

    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.press("s")
        await settle(pilot)  # type: ignore[arg-type]
        await pilot.press(*pressed)
        await pilot.pause()

    return run_before


def test_stats_top(snap_compare, make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(home, "whole_report", lambda _scheduler: sample_report())
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=stats())


def test_stats_tables(snap_compare, make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(home, "whole_report", lambda _scheduler: sample_report())
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=stats("tab"))  # the key points: the heatmap above


def test_stats_empty(snap_compare, make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(home, "whole_report", lambda _scheduler: sample_report(empty=True))
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=stats())


def test_summary_of_what_the_sitting_changed(snap_compare, make_app: Callable[..., QuizApp], clock: Clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app()

    async def run_before(pilot: Pilot[int]) -> None:
        session = await learn_then_come_back(pilot, clock)
        await app.push_screen(SummaryScreen(summarize(session, clock(), app.library.db), "All decks"))
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_on_the_review_screen(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("r", "question_mark"))


def test_home_at_40x12(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SMALL)


def test_review_question_side_at_40x12(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=keys("r"))


def test_review_answer_side_at_40x12(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=keys("r", "space"))


def test_a_long_math_card_keeps_its_question_in_view(  # type: ignore[no-untyped-def]
    snap_compare, make_app: Callable[..., QuizApp], deck_dir: Path
) -> None:
    (deck_dir / "diffusion-math.yaml").write_bytes((BUNDLED / "diffusion-math.yaml").read_bytes())
    app = make_app(deck="diffusion-math")
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("space"))


def test_deck_info(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("i"))


def test_mock_question_and_scorecard(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    app = make_app(start=Start(mode="mock", seed=5), mock=MockSettings(minutes=8, seconds_per_question=240))

    async def steps(pilot: Pilot[object]) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        for pressed in (("y", "space", "a", "space"), ("3",), ("space", "a", "b", "space"), ("q",)):
            await pilot.press(*pressed)  # one answer at a time: a grade typed during a write is dropped
            await settle(pilot)  # type: ignore[arg-type]
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=steps)
