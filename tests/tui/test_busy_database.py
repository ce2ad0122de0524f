"""Another window holding the database's write lock: the screen stays responsive, says it is waiting,
and every card is answered once, whatever keys are pressed meanwhile."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Static

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.help import HelpScreen
from quizapp.tui.screens.review import WAITING_NOTICE, ReviewScreen
from tests.tui.conftest import settle
from tests.tui.test_review_flow import hidden, markdown_text, reviews


class OtherWindow:
    """Another connection that holds the write lock (BEGIN IMMEDIATE) from a thread of its own until
    released, or for `seconds` at most."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        self.seconds = seconds
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, name="other-window")

    def _hold(self) -> None:
        with closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            self.locked.set()
            self.release.wait(self.seconds)
            conn.execute("ROLLBACK")

    @property
    def holding(self) -> bool:
        return self.thread.is_alive()


@contextmanager
def other_window_writing(path: Path, seconds: float) -> Iterator[OtherWindow]:
    other = OtherWindow(path, seconds)
    other.thread.start()
    assert other.locked.wait(5)
    try:
        yield other
    finally:
        other.release.set()
        other.thread.join()


def grade_bar(app: QuizApp) -> str:
    return str(app.screen.query_one("#grade-bar", Static).render())


async def test_a_grade_waiting_for_another_window_keeps_the_screen_responsive_and_answers_once(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        card_view = screen.query_one("#card", VerticalScroll)
        assert app.focused is card_view
        ticks: list[float] = []
        with other_window_writing(app.library.db.path, seconds=4.0) as other:  # under the 5 s busy timeout
            app.set_interval(0.05, lambda: ticks.append(time.monotonic()))
            await pilot.press("3")
            await pilot.press("3", "enter", "4")  # pressed again, impatiently: dropped, not a second answer
            await pilot.pause(0.5)
            await pilot.press("f1")  # keys that are not the card's still act at once
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert other.holding  # all of this while the lock was held
            assert len(ticks) >= 5  # timers kept firing: the event loop was not blocked
            assert WAITING_NOTICE in grade_bar(app)
            assert reviews(app) == []
            other.release.set()  # the other window ends its write now, not when its 4 s are up
            other.thread.join()
        await settle(pilot)
        assert reviews(app) == [("mini/forward-closed-form", 3)]
        assert "adaLN-Zero" in markdown_text(app, "#prompt") and not screen.revealed
        assert WAITING_NOTICE not in grade_bar(app)
    assert reviews(app) == [("mini/forward-closed-form", 3)]


async def test_keys_pressed_during_a_write_act_on_the_next_card_but_grades_are_dropped(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space")
        with other_window_writing(app.library.db.path, seconds=10) as other:
            await pilot.press("3", "c", "space", "1")  # grade, pick c on the choice card that comes next and
            # confirm it, grade again
            await pilot.pause(0.1)
            assert "q(xₜ|x₀)" in markdown_text(app, "#prompt")  # still the card being answered
            other.release.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "adaLN-Zero" in markdown_text(app, "#prompt")
        assert screen.revealed and screen.picked == frozenset({2})  # c was picked, space revealed the answer
        assert "✗" in markdown_text(app, "#choices")
    assert reviews(app) == [("mini/forward-closed-form", 3)]  # the 1 typed during the write was not given


async def test_keys_held_during_a_write_wait_through_the_writes_they_start(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space")
        with other_window_writing(app.library.db.path, seconds=10) as other:
            await pilot.press("3", "minus", "space")  # grade; bury the card that comes next; reveal the one after
            await pilot.pause(0.1)
            other.release.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "**[a percentage]**" in markdown_text(app, "#prompt") and screen.revealed  # the cloze, answer up
    assert reviews(app) == [("mini/forward-closed-form", 3)]
    assert hidden(app) == ["mini/adaln-zero-gate"]


async def test_a_write_that_waits_past_the_timeout_says_so_and_can_be_retried(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.scheduler_thread.run(lambda scheduler: scheduler.db.conn.execute("PRAGMA busy_timeout = 800"))
        await pilot.press("r", "space")
        with other_window_writing(app.library.db.path, seconds=10) as other:
            await pilot.press("3", "minus")  # a bury typed during the write must not outlive its failure
            await settle(pilot)
            assert other.holding
            errors = [n for n in app._notifications if n.severity == "error"]
            assert [n.title for n in errors] == ["Answer not saved"]
            assert "locked by another quizapp" in errors[0].message and "press 3 again" in errors[0].message
            assert WAITING_NOTICE not in grade_bar(app) and "Again" in grade_bar(app)
            assert "q(xₜ|x₀)" in markdown_text(app, "#prompt")  # the card stays, answer side up
        await pilot.press("3")
        await settle(pilot)
        assert "adaLN-Zero" in markdown_text(app, "#prompt")
    assert reviews(app) == [("mini/forward-closed-form", 3)]
    assert hidden(app) == []


async def test_quitting_while_an_answer_waits_neither_hangs_nor_loses_it(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()
    with other_window_writing(app.library.db.path, seconds=10) as other:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("r", "space", "3")
            await pilot.pause(0.4)
            assert WAITING_NOTICE in grade_bar(app)
            await pilot.press("ctrl+q")
        assert not app.is_running and other.holding
    deadline = time.monotonic() + 10
    while not reviews(app) and time.monotonic() < deadline:  # the answer commits once the lock is free
        time.sleep(0.02)
    assert reviews(app) == [("mini/forward-closed-form", 3)]
