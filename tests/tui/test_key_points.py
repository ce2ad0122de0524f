"""Key points ticked with one key each, shown as [x] or [ ], suggesting a grade and stored with the review."""

from __future__ import annotations

from collections.abc import Callable

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from tests.tui.conftest import settle
from tests.tui.test_review_flow import key_point_lines


def stored_points(app: QuizApp) -> list[tuple[int, int]]:
    with app.library.db.read() as conn:
        return [
            (point, recalled)
            for point, recalled in conn.execute("SELECT point, recalled FROM review_key_point ORDER BY point")
        ]


def picked(app: QuizApp) -> list[str | None]:
    with app.library.db.read() as conn:
        return [value for (value,) in conn.execute("SELECT picked FROM review ORDER BY id")]


async def test_ticks_show_without_colour_suggest_a_grade_and_are_stored(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("r", "space", "a", "c")
        assert [line[:5] for line in key_point_lines(app)] == ["a [x]", "b [ ]", "c [x]"]
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.suggested is not None and screen.suggested.name == "Hard"  # 2 of 3
        await pilot.press("b")
        assert screen.suggested is not None and screen.suggested.name == "Good"  # all of them
        await pilot.press("b", "enter")  # untick one again, accept Hard
        await settle(pilot)
        assert stored_points(app) == [(0, 1), (1, 0), (2, 1)]
        with app.library.db.read() as conn:
            assert conn.execute("SELECT rating FROM review").fetchall() == [(2,)]


async def test_grading_without_ticking_keeps_no_key_points_but_again_counts_them_all_missed(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("r", "space", "3")
        await settle(pilot)
        assert stored_points(app) == []
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("space", "1")
        await settle(pilot)
        assert stored_points(app) == [(0, 0), (1, 0), (2, 0)]


async def test_a_choice_answer_keeps_the_options_picked(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("r", "space", "3")  # the open card
        await settle(pilot)
        await pilot.press("c", "enter", "enter")  # the choice card: a wrong pick confirmed, Again accepted
        await settle(pilot)
        assert picked(app) == [None, "[2]"]
