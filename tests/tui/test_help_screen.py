"""The help screen: `?` or F1 lists every key of the screen in front and of the app, read from their bindings."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pytest
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.confirm import ConfirmScreen
from quizapp.tui.screens.help import HelpScreen, KeyRow, key_rows
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.settings import SettingsScreen
from tests.tui.conftest import settle
from tests.tui.test_review_flow import markdown_text, reviews


def help_rows(app: QuizApp) -> list[tuple[str, ...]]:
    """The help as shown: a heading alone, or keys with their description."""
    rows: list[tuple[str, ...]] = []
    for cell in app.screen.query_one("#help-keys").children:
        text = str(cell.render())
        if cell.has_class("help-description"):
            rows[-1] += (text,)
        else:
            rows.append((text,))
    return rows


def test_a_run_of_one_action_on_consecutive_keys_is_one_row() -> None:
    picks = Binding.Group("Pick or tick")
    bindings = [
        Binding("1", "grade(1)", "Again"),
        Binding("2", "grade(2)", "Hard"),
        *(Binding(letter, f"pick({i})", f"Pick {letter}", show=False, group=picks) for i, letter in enumerate("abc")),
        *(Binding(letter, f"mark({i})", f"Mark {letter}") for i, letter in enumerate("xyz")),
        Binding("d", "pick(3)", "Pick d"),  # the next action, but not on the next key
    ]
    assert key_rows(bindings) == [
        KeyRow("1", "Again"),
        KeyRow("2", "Hard"),
        KeyRow("a–c", "Pick or tick"),
        KeyRow("x–z", "Mark"),
        KeyRow("d", "Pick d"),
    ]


def test_keys_are_shown_as_typed() -> None:
    bindings = [
        Binding("space", "a", "A"),
        Binding("enter", "b", "B"),
        Binding("q,escape", "c", "C"),
        Binding("minus", "d", "D"),
        Binding("question_mark,f1", "e", "E"),
        Binding("ctrl+q", "f", "F"),
    ]
    assert [row.keys for row in key_rows(bindings)] == ["space", "enter", "q, esc", "-", "?, f1", "ctrl+q"]


async def test_question_mark_on_home_lists_its_keys_and_the_apps(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.focused, DataTable)  # the deck table has the keys, and lets `?` through
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
    assert rows[0] == ("This screen",)
    assert rows[1:3] == [("enter", "Review the deck under the cursor"), ("r", "Review every deck")]
    assert ("o", "Settings") in rows
    home_rows = rows[: rows.index(("Everywhere",))]
    assert [(row.keys, row.description) for row in key_rows(HomeScreen.BINDINGS)] == home_rows[1:]  # added ones too
    assert rows[rows.index(("Everywhere",)) :] == [("Everywhere",), ("ctrl+q", "Quit"), ("?, f1", "Help")]


async def test_review_help_lists_the_hidden_keys(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert isinstance(app.focused, VerticalScroll)  # the card's scroll area lets `?` through
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
    grades = rows.index(("1", "Again"))
    assert rows[grades : grades + 4] == [("1", "Again"), ("2", "Hard"), ("3", "Good"), ("4", "Easy")]
    assert [row for row in rows if row[0].startswith("a")] == [rows[grades + 4]]  # one row for the letters
    assert rows[grades + 4][0] == "a–h"
    assert rows[grades + 4][1].lower().startswith("pick")
    assert ("space", "Show answer") in rows
    assert ("u", "Undo") in rows
    assert ("-", "Bury") in rows
    assert ("q, esc", "Back") in rows


@pytest.mark.parametrize("close", ["escape", "q", "question_mark", "f1"])
async def test_help_closes_and_leaves_the_card_as_it_was(make_app: Callable[..., QuizApp], close: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space")
        review = app.screen
        assert isinstance(review, ReviewScreen)
        card, prompt = review.card, markdown_text(app, "#prompt")
        await pilot.press("f1")
        assert [type(screen) for screen in app.screen_stack[-2:]] == [ReviewScreen, HelpScreen]
        await pilot.press(close)
        await settle(pilot)
        assert review.is_current
        assert review.card is card
        assert review.revealed
        assert markdown_text(app, "#prompt") == prompt
    assert reviews(app) == []


async def test_question_mark_over_a_dialog_lists_its_keys(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("question_mark")
        assert help_rows(app)[:3] == [("This screen",), ("y, enter", "Yes"), ("n, esc, q", "No")]
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)


async def test_question_mark_in_an_input_is_typed_and_f1_still_helps(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, SettingsScreen)
        box = app.screen.query_one("#setting-review-leech-action", Input)
        box.focus()
        box.value = ""
        await pilot.press("question_mark")
        assert isinstance(app.screen, SettingsScreen)
        assert box.value == "?"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert ("esc", "Back") in help_rows(app)


async def test_at_40x12_the_last_row_is_reached_by_scrolling(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("r", "question_mark")
        scroll = app.screen.query_one("#help", VerticalScroll)
        last = app.screen.query(".help-description").last()
        assert scroll.max_scroll_y > 0
        assert not scroll.content_region.contains_region(last.region)
        await pilot.press("end")
        await pilot.pause()
        assert scroll.content_region.contains_region(last.region)
        assert str(last.render()) == "Help"


class Annotated(Screen[None]):
    """A screen with a HELP paragraph and a key described in Chinese."""

    HELP: ClassVar[str] = "按数字键评分：1 忘记，4 太简单。字母键在翻面前选择答案，翻面后勾选记住的要点。"
    BINDINGS = [Binding("x", "app.bell", "响铃（测试用的一个很长的说明，会换行）")]


async def test_a_screens_help_paragraph_and_cjk_text_wrap_within_the_box(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await app.push_screen(Annotated())
        await pilot.press("question_mark")
        about = app.screen.query_one("#help-about", Static)
        width = about.content_region.width
        assert width <= 36
        assert about.content_region.height == len(Content(Annotated.HELP).wrap(width)) > 1  # all of it, wrapped
        rows = help_rows(app)
        assert rows[:2] == [("This screen",), ("x", "响铃（测试用的一个很长的说明，会换行）")]
        description = app.screen.query(".help-description").first()
        assert description.content_region.height > 1 and description.content_region.right <= 40
