"""The browse screen: found from home with `b`, searched with words and filters, a card's history and key points
shown, unsuspended, reset after a yes, and edited in $EDITOR with its history kept."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from quizapp.scheduling import AnswerMarks, Grade
from quizapp.store.states import CardState
from quizapp.tui.app import QuizApp
from quizapp.tui.editor import question_line
from quizapp.tui.screens.browse import SEARCH_AFTER, BrowseScreen
from quizapp.tui.screens.confirm import ConfirmScreen
from tests.conftest import Clock, fetch
from tests.tui.test_review_flow import hidden, markdown_text

FORWARD = "mini/forward-closed-form"
GATE = "mini/adaln-zero-gate"


async def open_browse(app: QuizApp, pilot: Pilot[int]) -> BrowseScreen:
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, BrowseScreen)
    return app.screen


async def search(pilot: Pilot[int], screen: BrowseScreen, typed: str) -> list[str]:
    """Type `typed` into an emptied search box, key by key, and return the uids listed once typing paused."""
    await pilot.press("slash")
    screen.query_one("#browse-search", Input).value = ""
    await pilot.press(*typed)
    await pilot.pause(SEARCH_AFTER + 0.1)
    return [card.uid for card in screen.cards]


def rows(screen: BrowseScreen, selector: str) -> list[list[str]]:
    table: DataTable[object] = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def card_id(app: QuizApp, uid: str) -> int:
    return int(fetch(app.library.db, "SELECT id FROM card WHERE uid = ?", uid)[0].id)


async def test_search_by_words_and_filters_typed_in_one_box(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(app, pilot)
        assert len(screen.cards) == 6
        assert await search(pilot, screen, "CLOSED form") == [FORWARD]
        assert await search(pilot, screen, "topic:diffusion/mini/dit") == [GATE]  # `/` typed stays in the box
        assert await search(pilot, screen, "is:new deck:mini zero") == [GATE]
        assert await search(pilot, screen, "closed is:dueish") == [GATE]  # an error leaves the list as it was
        assert "unknown state 'dueish'" in str(screen.query_one("#browse-title").render())
        assert await search(pilot, screen, "closed is:sus") == [FORWARD]  # a state still being typed filters nothing
        assert str(screen.query_one("#browse-title").render()) == "Browse · 1 card(s)"
        await pilot.press("escape")
        assert not isinstance(app.screen, BrowseScreen)


async def test_history_and_key_point_record_of_the_highlighted_card(
    make_app: Callable[..., QuizApp], clock: Clock
) -> None:
    app = make_app()
    scheduler = app.library.scheduler
    forward = card_id(app, FORWARD)
    scheduler.answer(forward, Grade.Good, marks=AnswerMarks(key_points=(True, False, True)))
    clock.advance(hours=2)
    scheduler.practice(forward, Grade.Hard, None, AnswerMarks(key_points=(False, False, True)), "mock")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(app, pilot)
        await pilot.pause()
        assert "q(xₜ|x₀)" in markdown_text(app, "#browse-prompt")  # rendered as the review shows it
        assert rows(screen, "#browse-history") == [
            ["2026-03-02 12:00", "review", "Good", "10m", "2/3"],  # local time: the app's zone is UTC here
            ["2026-03-02 14:00", "mock practice", "Hard", "", "1/3"],
        ]
        points = rows(screen, "#browse-key-points")
        assert [row[0] for row in points] == ["1/2", "0/2", "2/2"]
        assert points[0][1] == "mean scaled by √ᾱₜ"
        await pilot.press("down")
        assert rows(screen, "#browse-history") == [["no answers yet", "", "", "", ""]]
        assert "adaLN-Zero" in markdown_text(app, "#browse-prompt")


async def test_u_unsuspends_the_highlighted_card(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    app.library.scheduler.suspend(card_id(app, GATE))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(app, pilot)
        assert await search(pilot, screen, "is:suspended") == [GATE]
        await pilot.press("enter", "u")  # Enter in the box gives the list the keys
        await pilot.pause()
        assert hidden(app) == [] and screen.cards == []


async def test_x_resets_only_after_yes_and_keeps_the_history(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    forward = card_id(app, FORWARD)
    app.library.scheduler.answer(forward, Grade.Good)
    state = "SELECT state, step, stability, difficulty, due, last_review FROM card WHERE id = ?"
    before = fetch(app.library.db, state, forward)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(app, pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert fetch(app.library.db, state, forward) == before
        await pilot.press("x", "y")
        await pilot.pause()
        assert tuple(fetch(app.library.db, state, forward)[0]) == (CardState.New, None, None, None, None, None)
        assert len(fetch(app.library.db, "SELECT id FROM review WHERE card_id = ?", forward)) == 1
        assert [row[1] for row in rows(screen, "#browse-history")] == ["review", "reset"]
        assert screen.cards[0].state == CardState.New


# --- the editor -------------------------------------------------------------------------------------------------


def editor_script(tmp_path: Path, edit: str) -> Path:
    """An $EDITOR that records its arguments, then runs `edit` (a sed expression) on the file."""
    script = tmp_path / "editor.sh"
    log = tmp_path / "editor-argv"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\nsed -i "{edit}" "$2"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def id_line(deck_file: Path, question_id: str) -> int:
    lines = deck_file.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.strip() == f"- id: {question_id}")


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[str], Path]:
    def use(edit: str) -> Path:
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, edit)))
        return tmp_path / "editor-argv"

    return use


async def test_e_edits_the_question_at_its_line_and_keeps_the_history(
    make_app: Callable[..., QuizApp], deck_dir: Path, editor: Callable[[str], Path]
) -> None:
    argv = editor("s/In DiT's adaLN-Zero, what/In adaLN-Zero (DiT), which part/")
    app = make_app()
    gate = card_id(app, GATE)
    app.library.scheduler.answer(gate, Grade.Good)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browse(app, pilot)
        await pilot.press("down", "e")
        await pilot.pause()
        deck_file = deck_dir / "mini.yaml"
        assert argv.read_text(encoding="utf-8").splitlines() == [
            f"+{id_line(deck_file, 'adaln-zero-gate')}",
            str(deck_file),
        ]
        assert "In adaLN-Zero (DiT), which part" in markdown_text(app, "#browse-prompt")
        assert screen.cards[1].uid == GATE and screen.cards[1].id == gate
    content = fetch(app.library.db, "SELECT content FROM question WHERE question_id = 'adaln-zero-gate'")[0].content
    assert "In adaLN-Zero (DiT), which part" in content
    assert len(fetch(app.library.db, "SELECT id FROM review WHERE card_id = ?", gate)) == 1
    assert fetch(app.library.db, "SELECT state FROM card WHERE id = ?", gate)[0].state == CardState.Learning


async def test_a_deck_error_after_the_edit_is_shown_and_the_old_version_kept(
    make_app: Callable[..., QuizApp], deck_dir: Path, editor: Callable[[str], Path]
) -> None:
    editor("s/^    correct: 1$/    correct: 9/")  # out of range: a deck error, positioned
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(app, pilot)
        await pilot.press("down", "e")
        await pilot.pause()
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
    deck_file = deck_dir / "mini.yaml"
    line = next(i for i, text in enumerate(deck_file.read_text().splitlines(), 1) if text == "    correct: 9")
    assert len(errors) == 1 and errors[0].startswith(f"{deck_file}:{line}:14: correct")
    assert f"quizapp lint {deck_file}" in errors[0]
    content = fetch(app.library.db, "SELECT content FROM question WHERE question_id = 'adaln-zero-gate'")[0].content
    assert '"correct": 1' in content


async def test_without_an_editor_the_notice_says_how_to_set_one(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", "")  # neither vi nor nano
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browse(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert [str(n.message) for n in app._notifications][-1].startswith("no editor found: set $EDITOR")


def test_the_question_line_is_found_in_a_file_broken_since_its_sync(deck_dir: Path) -> None:
    deck_file = deck_dir / "mini.yaml"
    expected = id_line(deck_file, "cfg-formula")
    assert question_line(deck_file, "cfg-formula") == expected
    deck_file.write_text(deck_file.read_text(encoding="utf-8") + "  - [unclosed\n", encoding="utf-8")
    assert question_line(deck_file, "cfg-formula") == expected
    assert question_line(deck_file, "no-such-question") == 1


# --- the layout -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height", "beside"), [(40, 12, False), (80, 24, False), (150, 30, True)])
async def test_the_detail_sits_below_the_list_or_beside_it(
    make_app: Callable[..., QuizApp], width: int, height: int, beside: bool
) -> None:
    app = make_app()
    async with app.run_test(size=(width, height)) as pilot:
        screen = await open_browse(app, pilot)
        cards, detail = screen.query_one("#browse-cards").region, screen.query_one("#browse-detail").region
        assert cards.height >= 2 and detail.height >= 2
        assert (detail.x > cards.x) == beside and (detail.y > cards.y) != beside
        await pilot.press("enter")  # the detail takes the list's room too when below it
        assert screen.query_one("#browse-detail").has_focus
        assert screen.query_one("#browse-cards").display == beside
        await pilot.press("escape")
        assert screen.query_one("#browse-cards").has_focus and isinstance(app.screen, BrowseScreen)
