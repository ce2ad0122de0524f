"""How the screens look at 80x24, in dark and light themes (update with --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from quizapp.tui.app import QuizApp

SIZE = (80, 24)


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
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("r", "space", "3", "c"))


def test_review_cloze_front(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("r", "space", "3", "b", "3"))


def test_review_cjk_prompt_wraps_and_aligns(snap_compare, make_app: Callable[..., QuizApp]) -> None:  # type: ignore[no-untyped-def]
    steps = keys("r", "space", "4", "b", "4", "space", "4", "a", "b", "space", "4")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)
