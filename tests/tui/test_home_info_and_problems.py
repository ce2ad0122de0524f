"""Home as a new user meets it: deck info, a deck file with an error, narrow terminals, moving the cursor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from textual.widgets import DataTable, Markdown, Static

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.library import Library
from quizapp.scheduling import ReviewScheduler
from quizapp.store.catalog import deck_infos
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from quizapp.tui import faces
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.deck_info import DeckInfoScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from tests.conftest import Clock
from tests.tui.conftest import settle

EXTRA = "format: 1\ndeck: extra\ntitle: Extra deck with a rather long title that will not fit\nquestions:\n" + "".join(
    f"  - id: q{i}\n    prompt: Question {i}?\n    answer: Answer {i}.\n" for i in range(3)
)


def text(app: QuizApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_i_shows_the_decks_description_with_its_math_counts_and_topics(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, DeckInfoScreen)
        description = app.screen.query_one("#deck-info-description", Markdown).source
        assert "∏" in description and "\\bar" not in description and "\\prod" not in description  # rendered
        assert "diffusion/mini/forward" in text(app, "#deck-info-topics")
        assert "Today: 6 new" in text(app, "#deck-info-counts")
        await pilot.press("escape", "r")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("i")  # from a card too
        assert isinstance(app.screen, DeckInfoScreen)


async def test_a_deck_file_with_an_error_keeps_its_last_good_version_and_a_panel_says_so(
    db: Database, deck_dir: Path, clock: Clock
) -> None:
    sync_decks(db, [deck_dir], clock())  # synced once while the file was good
    deck = deck_dir / "mini.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("    level: 2\n", "    level: 9\n", 1), encoding="utf-8")
    report = sync_decks(db, [deck_dir], clock(), skip_invalid=True)  # as the app's start does
    assert report.deck_ids == [] and report.kept_ids == ["mini"]
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
    library = Library(db, scheduler, deck_infos(db, report.kept_ids), report.problems, frozenset(report.kept_ids))
    app = QuizApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = text(app, "#deck-problems")
        assert "1 deck file(s) have errors" in panel and f"quizapp lint {deck}" in panel and "mini.yaml:" in panel
        table = app.screen.query_one("#decks", DataTable)
        assert table.row_count == 1 and "⚠ Mini deck" in str(table.get_row_at(0)[0])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None  # still reviewable


async def test_j_k_home_and_end_move_the_cursor(make_app: Callable[..., QuizApp], deck_dir: Path) -> None:
    (deck_dir / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    (deck_dir / "third.yaml").write_text(EXTRA.replace("deck: extra", "deck: third").replace("Extra", "Third"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#decks", DataTable)
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("end")
        assert table.cursor_row == 2
        await pilot.press("k", "k", "k")
        assert table.cursor_row == 0
        await pilot.press("end", "home")
        assert table.cursor_row == 0


async def test_at_40_columns_the_counts_stay_in_view_and_the_description_ends_with_an_ellipsis(
    make_app: Callable[..., QuizApp], deck_dir: Path
) -> None:
    (deck_dir / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        assert sum(column.get_render_width(table) for column in table.columns.values()) <= 40
        assert str(table.get_row_at(0)[0]).endswith("…")
        await pilot.press("j")
        description = text(app, "#deck-description")
        assert description.endswith("…") and len(description.splitlines()) == 2
        assert "? keys" in text(app, "#today")


def test_a_description_fits_its_lines_and_says_when_it_goes_on() -> None:
    long = "word " * 40 + "$\\bar\\alpha_t$"
    shown = faces.description_lines(long, 30)
    assert len(shown.splitlines()) == 2 and shown.endswith("…") and all(len(line) <= 30 for line in shown.splitlines())
    assert faces.description_lines("short $x_0$", 30) == "short x₀"
    assert faces.description_lines("中文" * 40, 10).endswith("…")
