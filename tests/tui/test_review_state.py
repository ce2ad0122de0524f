"""The review screen's state is reactive: setting the card's side, the picks or the suggested grade redraws
the card, the grade bar and the keys, whoever sets them."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widgets import Static

from quizapp.scheduling import Grade
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from tests.test_layout import imports
from tests.tui.conftest import settle
from tests.tui.test_review_flow import markdown_text


def grade_bar(app: QuizApp) -> str:
    return str(app.screen.query_one("#grade-bar", Static).render())


def footer_keys(app: QuizApp) -> set[str]:
    """The descriptions of the keys the footer shows."""
    return {active.binding.description for active in app.active_bindings.values() if active.binding.show}


async def test_the_screen_draws_what_its_state_says(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert not screen.query_one("#back").display and "show answer" in grade_bar(app)
        assert "Show answer" in footer_keys(app)
        screen.revealed = True
        await pilot.pause()
        assert screen.query_one("#back").display and "√ᾱₜ x₀" in markdown_text(app, "#answer")
        assert "Again" in grade_bar(app) and "Show answer" not in footer_keys(app)

        await pilot.press("3")
        await settle(pilot)
        assert "adaLN-Zero" in markdown_text(app, "#prompt")  # a choice card, question side up
        screen.picked = frozenset({1})
        await pilot.pause()
        assert re.search(r"▸.*b\)", markdown_text(app, "#choices"))
        screen.suggested = Grade.Good
        screen.revealed = True
        await pilot.pause()
        assert "✓" in markdown_text(app, "#choices") and "enter: Good" in grade_bar(app)


def test_no_screen_imports_the_app() -> None:
    """Screens post messages (`HomeWanted`) to the app they are mounted in rather than import it."""
    screens = {module: targets for module, targets in imports().items() if module.startswith("quizapp.tui.screens")}
    assert screens
    assert {
        module: sorted(t for t in targets if t.startswith("quizapp.tui.app")) for module, targets in screens.items()
    } == {module: [] for module in screens}
