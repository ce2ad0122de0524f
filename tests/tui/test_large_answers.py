"""A huge answer never freezes the review screen: it is cut to what a card can show, and says so."""

from __future__ import annotations

import time
from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import Markdown, Static

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.library import Library
from quizapp.scheduling import ReviewScheduler
from quizapp.store.catalog import deck_infos
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from quizapp.tui.app import QuizApp
from quizapp.tui.faces import MAX_CHARS, MAX_LINES, fit_on_card
from tests.conftest import Clock

TABLE = "| n | square |\n|---|---|\n" + "".join(f"| {i} | {i * i} |\n" for i in range(20_000))
CODE = "```python\n" + "".join(f"x{i} = {i} * 2\n" for i in range(50_000)) + "```\n"


def test_short_text_is_shown_whole() -> None:
    text = "line\n" * (MAX_LINES - 1)
    assert fit_on_card(text) == text


@pytest.mark.parametrize(
    "text", [TABLE, CODE, "word " * 200_000, "$x$\n" * 10_000], ids=["table", "code", "one-line", "math"]
)
def test_long_text_is_cut_at_a_line_with_a_note(text: str) -> None:
    shown = fit_on_card(text)
    body, note = shown.rsplit("\n\n", 1)
    assert len(body) <= MAX_CHARS + 10 and body.count("\n") <= MAX_LINES + 1
    assert note.startswith("*… ") and "not shown: too long for one card.*" in note
    assert text.startswith(body.removesuffix("\n```"))


def test_a_cut_code_block_is_closed() -> None:
    body = fit_on_card(CODE).rsplit("\n\n", 1)[0]
    assert body.startswith("```python\n") and body.endswith("\n```")
    assert fit_on_card(TABLE).rsplit("\n\n", 1)[0].count("```") == 0


def deck_with_huge_answer(folder: Path) -> Path:
    folder.mkdir()
    answer = "".join(f"      {line}\n" for line in (TABLE + "\n" + CODE).splitlines())
    key_points = "".join(f"      - point {i}\n" for i in range(5_000))
    (folder / "huge.yaml").write_text(
        "format: 1\ndeck: huge\ntopic: huge\nquestions:\n  - id: big\n    prompt: Show every square.\n"
        f"    answer: |\n{answer}    key_points:\n{key_points}",
        encoding="utf-8",
    )
    return folder


async def test_revealing_a_huge_answer_takes_a_moment(db: Database, tmp_path: Path, clock: Clock) -> None:
    report = sync_decks(db, [deck_with_huge_answer(tmp_path / "decks")], clock())
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
    app = QuizApp(Library(db, scheduler, deck_infos(db, report.deck_ids), report.problems), deck="huge")
    async with app.run_test(size=(80, 24)) as pilot:
        started = time.perf_counter()
        await pilot.press("space")
        await pilot.pause()
        elapsed = time.perf_counter() - started
        answer = app.screen.query_one("#answer", Markdown).source
        assert "more lines" in answer and "not shown: too long for one card" in answer
        assert len(str(app.screen.query_one("#key-points", Static).render()).splitlines()) == 40
    assert elapsed < 10  # 55 s before the cut; a loose bound, these machines are noisy
