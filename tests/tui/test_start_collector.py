"""The TUI starts with the garbage collector held off and turns it back on once its first screen is painted."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest

from quizapp import collector
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen

pytestmark = pytest.mark.usefixtures("collector_restored")


async def test_the_app_turns_the_collector_back_on_once_its_first_screen_is_painted(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(deck="mini")
    collector.pause_for_start()
    assert not gc.isenabled()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # the start's objects are set apart from later collections
