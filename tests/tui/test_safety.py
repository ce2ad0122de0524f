"""What the user sees when things go wrong: a full disk, and deck text that looks like markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Markdown

from quizapp.scheduling import ReviewScheduler
from quizapp.tui.app import QuizApp
from tests.tui.conftest import settle


async def test_answer_on_a_read_only_database_says_not_saved_and_can_be_retried(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()

    def refuse_writes(on: bool) -> Callable[[ReviewScheduler], object]:
        """SQLite refuses every write of the connection answers go through, as on a read-only disk."""
        return lambda scheduler: scheduler.db.conn.execute(f"PRAGMA query_only = {int(on)}")

    async with app.run_test(size=(80, 24)) as pilot:
        await app.scheduler_thread.run(refuse_writes(True))
        await pilot.press("r", "space", "3")
        await settle(pilot)
        assert any("not saved" in (n.title or "") for n in app._notifications)
        assert "q(xₜ|x₀)" in re.sub(r"\\(.)", r"\1", app.screen.query_one("#prompt", Markdown).source)  # card kept
        await app.scheduler_thread.run(refuse_writes(False))  # writable again: the same key saves the answer
        await pilot.press("3")
        await settle(pilot)
    assert app.library.db.conn.execute("SELECT count(*) FROM review").fetchone() == (1,)


async def test_deck_text_is_never_markup(make_app: Callable[..., QuizApp], deck_dir: Path) -> None:
    deck = deck_dir / "mini.yaml"
    deck.write_text(
        deck.read_text().replace(
            "Write the closed form of", "[bold red]Not markup[/] <script>alert(1)</script> [@click=app.quit]x[/] Write"
        )
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running
        shown = app.screen.query_one("#prompt", Markdown).source
        assert "[bold red]Not markup[/]" in re.sub(r"\\(.)", r"\1", shown)
        await pilot.click("#prompt")
        assert app.is_running
