"""Long cards of the bundled decks at 80x24: the whole topic path shows, one scroll area holds both sides, and
the question stays in view once the answer has scrolled it away."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.containers import ScrollableContainer
from textual.widgets import Static

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from tests.tui.conftest import settle

BUNDLED = Path(__file__).parents[2] / "decks"


def bundled(deck_dir: Path, name: str) -> None:
    (deck_dir / f"{name}.yaml").write_bytes((BUNDLED / f"{name}.yaml").read_bytes())


async def test_the_topic_path_is_never_cut_at_80_columns(make_app: Callable[..., QuizApp], deck_dir: Path) -> None:
    bundled(deck_dir, "transformer-optimization")
    app = make_app(deck="transformer-optimization")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None
        meta = " ".join(str(screen.query_one("#card-meta", Static).render()).split())
        assert meta.endswith(f"transformer-optimization · {screen.card.topic}")


async def test_one_scroll_area_and_the_question_pinned_once_scrolled_away(
    make_app: Callable[..., QuizApp], deck_dir: Path
) -> None:
    bundled(deck_dir, "diffusion-math")
    app = make_app(deck="diffusion-math")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        card = screen.query_one("#card")
        assert isinstance(card, ScrollableContainer) and not list(card.query(ScrollableContainer))  # none nested
        pinned = screen.query_one("#question-line", Static)
        assert not pinned.display  # the question is in view
        await pilot.press("space")
        await settle(pilot)
        await pilot.pause(0.1)
        assert pinned.display and str(pinned.render()).startswith("Q: One DDPM forward step")
        await pilot.press("home")  # scrolled back to the question: no need to pin it
        await pilot.pause(0.1)
        assert not pinned.display
