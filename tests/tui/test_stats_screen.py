"""The Statistics screen: opened from home, it shows the report's numbers, starts a review of a weak topic,
brings a suspended leech back, says when there is nothing yet, and returns home."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from quizapp.analysis.model import ConfidenceRow, DayRow, ForecastDay, LeechRow, MockRow, Report, TopicRow
from quizapp.analysis.pass_fail import PassFail
from quizapp.errors import StorageError
from quizapp.scheduling import ReviewScheduler
from quizapp.tui.app import QuizApp
from quizapp.tui.screens import home
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.stats import StatsScreen, forecast_chart, heatmap
from tests.report_sample import TODAY, sample_report
from tests.tui.conftest import settle
from tests.tui.test_review_flow import hidden, markdown_text


def serve(monkeypatch: pytest.MonkeyPatch, report: Report) -> list[ReviewScheduler]:
    """Make home's `s` show `report`; returns the schedulers it was built with (the scheduler thread's)."""
    used: list[ReviewScheduler] = []

    def load(scheduler: ReviewScheduler) -> Report:
        used.append(scheduler)
        return report

    monkeypatch.setattr(home, "whole_report", load)
    return used


def text(app: QuizApp, selector: str) -> str:
    """A part of the screen as painted, line by line (whether scrolled into view or not)."""
    static = app.screen.query_one(selector, Static)
    return "\n".join(static.render_line(y).text.rstrip() for y in range(static.size.height))


def column(app: QuizApp, table_id: str, key: str) -> list[str]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [str(cell) for cell in table.get_column(key)]


def with_topic(report: Report, topic: str) -> Report:
    """`report` with a weakest topic named `topic` first (a topic of the mini deck)."""
    first = report.weakest_topics[0]
    return dataclasses.replace(report, weakest_topics=(TopicRow(topic, 3, first.figures), *report.weakest_topics))


async def open_stats(pilot: object, app: QuizApp) -> StatsScreen:
    await pilot.press("s")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, StatsScreen)
    return app.screen


async def test_stats_open_from_home_with_the_reports_numbers(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    used = serve(monkeypatch, sample_report())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot, app)
        assert used and used[0] is not app.library.scheduler  # built on the scheduler thread, with its connection
        today = text(app, "#stats-today")
        assert "11 reviewed · 5 due" in today and "6 days · 61 study days" in today
        retention = text(app, "#stats-retention")
        assert "30 days   76% (55/72)       —  76% (55/72)" in retention
        assert column(app, "weak-topics", "topic") == ["diffusion", "diffusion/dit", "多模态", "多模态/融合"]
        assert column(app, "weak-topics", "score") == ["0.61", "0.61", "0.12", "0.12"]
        assert column(app, "weak-topics", "retention") == ["62% (25/40)", "50% (10/20)", "93% (28/30)", "93% (28/30)"]
        assert "172 cards" in text(app, "#stats-forecast")
        assert column(app, "weak-key-points", "missed") == ["4/5", "2/6"]
        assert column(app, "leeches", "card") == ["diffusion-math/elbo"]
        calibration = text(app, "#stats-calibration")
        assert "all            450     0.330       0.051  0.688" in calibration
        assert "多模态         250     0.310       0.040  0.700" in calibration  # CJK scope aligned
        assert screen.focused is screen.query_one("#weak-topics")
        assert not screen.query_one("#stats-empty").display


async def test_confidence_and_the_last_three_mocks_show_under_the_calibration(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    confidence = (
        ConfidenceRow("sure", 48, 44, 0.80, 0.97, "sure: right 92% of 48 — sure but wrong 4 times"),
        ConfidenceRow("unsure", 10, 6, 0.31, 0.83, "unsure: right 60% of 10"),
        ConfidenceRow("guess", 0, 0, 0.0, 1.0, "guess: no answers"),
    )
    started = datetime(2026, 11, 30, 20, 15, tzinfo=UTC)
    mocks = tuple(
        MockRow(n, started - timedelta(days=4 - n), 30, 240, None, 6, 4, 1, 20, 15, 187.4, 2) for n in (4, 3, 2, 1)
    )
    serve(monkeypatch, dataclasses.replace(sample_report(), confidence=confidence, mocks=mocks))
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await open_stats(pilot, app)
        said = text(app, "#stats-confidence")
        assert "Confidence · said before the reveal, last 30 days" in said
        assert "sure         48     44          92%       80%–97%" in said
        assert "guess         0      0            —             —" in said
        assert "sure: right 92% of 48 — sure but wrong 4 times" in said and "guess: no answers" not in said
        lines = text(app, "#stats-mocks").splitlines()
        assert lines[0] == "Mock interviews · the last 3"
        assert lines[1].startswith(
            "2026-11-30 20:15  6 questions + 4 follow-ups · key points 75% (15/20) · follow-ups missed 1/4"
        )
        assert [line[:10] for line in lines if line[:4] == "2026"] == ["2026-11-30", "2026-11-29", "2026-11-28"]
    serve(monkeypatch, sample_report())  # nothing said, no mock: neither part shows
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot, app)
        assert not screen.query_one("#stats-confidence").display and not screen.query_one("#stats-mocks").display


async def test_cjk_topics_line_up_with_the_others(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, sample_report())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot, app)
        table = screen.query_one("#weak-topics", DataTable)
        lines = [table.render_line(y).text for y in range(1 + table.row_count)]  # the header and each row
        starts = {cell_len(line[: line.index("%")]) for line in lines[1:]}  # where the retention column ends
        assert len(starts) == 1, lines
        assert len({cell_len(line.rstrip()) for line in lines[1:]}) == 1, lines


async def test_enter_on_a_topic_reviews_that_topic(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, with_topic(sample_report(), "diffusion/mini/dit"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot, app)
        assert column(app, "weak-topics", "topic")[0] == "diffusion/mini/dit"
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.topic == "diffusion/mini/dit"
        assert "adaLN-Zero" in markdown_text(app, "#prompt")  # the deck's first card is of another topic
        await pilot.press("q")  # no answer: back where the review was started, the report read again
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


async def test_topics_sort_by_key_and_by_header(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, sample_report())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot, app)
        await pilot.press("o")  # retention, lowest first
        assert column(app, "weak-topics", "topic") == ["diffusion/dit", "diffusion", "多模态", "多模态/融合"]
        assert "by retention, weakest first" in text(app, "#stats-topics-label")
        table = screen.query_one("#weak-topics", DataTable)
        await pilot.click(table, offset=(3, 0))  # the Topic header: alphabetical
        await pilot.click(table, offset=(3, 0))  # again: reversed
        assert column(app, "weak-topics", "topic") == ["多模态/融合", "多模态", "diffusion/dit", "diffusion"]
        assert str(table.columns[ColumnKey("topic")].label) == "Topic ▼"


async def test_a_suspended_leech_is_brought_back_with_u(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report()
    leech = LeechRow("mini/adaln-zero-gate", "mini", "adaln-zero-gate", "diffusion/mini/dit", "adaLN", 8, True)
    serve(monkeypatch, dataclasses.replace(report, leeches=(leech, *report.leeches)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", "space", "3")  # Good on the first card, then suspend the leech's card
        await settle(pilot)
        await pilot.press("s", "y")
        await settle(pilot)
        await pilot.press("q", "q")
        await settle(pilot)
        assert hidden(app) == ["mini/adaln-zero-gate"]
        screen = await open_stats(pilot, app)
        await pilot.press("u")  # on the topics table: nothing
        await settle(pilot)
        assert hidden(app) == ["mini/adaln-zero-gate"]
        screen.query_one("#leeches").focus()
        await pilot.press("u")
        await settle(pilot)
        assert hidden(app) == []
        assert column(app, "leeches", "status") == ["in queue", "in queue"]
        assert "0 suspended" in text(app, "#stats-leeches-label")


async def test_an_empty_report_says_there_are_no_reviews_yet(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(monkeypatch, sample_report(empty=True))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot, app)
        assert "No reviews yet" in text(app, "#stats-empty")
        assert screen.query_one("#stats-empty").display
        assert not any(part.display for part in screen.query(".stats-part"))
        await pilot.press("enter", "o", "u")  # nothing to act on
        assert app.screen is screen


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_escape_or_q_returns_home(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    serve(monkeypatch, sample_report())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot, app)
        await pilot.press(key)
        assert isinstance(app.screen, HomeScreen)


async def test_a_report_that_cannot_be_read_is_reported(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(_scheduler: ReviewScheduler) -> Report:
        raise StorageError("cannot read the database: disk I/O error")

    monkeypatch.setattr(home, "whole_report", fail)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot, app)
        assert [str(n.message) for n in app._notifications] == ["cannot read the database: disk I/O error"]
        await pilot.press("q")
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize("large", [False, True])
async def test_stats_with_the_real_report(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """Home's wiring to `build_report`: before any answer, then after some; `large`: read as a large database
    is (in threads, since the app runs threads and cannot fork)."""
    from quizapp.analysis import build

    if large:
        monkeypatch.setattr(build, "CHILDREN_MIN_BYTES", 0)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(pilot, app)
        assert "No reviews yet" in text(app, "#stats-empty")
        await pilot.press("q", "r", "space", "3")
        await settle(pilot)
        await pilot.press("space", "1")
        await settle(pilot)
        await pilot.press("q", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await open_stats(pilot, app)
        assert "2 reviewed" in text(app, "#stats-today")


# --- the charts, as text -------------------------------------------------------------------------------


def test_forecast_bars_scale_to_the_busiest_day() -> None:
    days = [ForecastDay(TODAY + timedelta(days=n), due, 0.0) for n, due in enumerate([0, 1, 100, 50, 0, 0, 0, 25])]
    assert forecast_chart(days, height=2) == [
        "100│    █",
        "   │  ▁ █ █       ▄",  # 1 of 100 rounds to no eighth: shown as one, not as nothing
        "  0└────────────────",
        "    today         12-08",
    ]


def test_forecast_of_nothing_due_is_flat() -> None:
    days = [ForecastDay(TODAY + timedelta(days=n), 0, 0.0) for n in range(3)]
    assert forecast_chart(days, height=1) == ["0│", "0└──────", "  today"]


def test_heatmap_shades_each_day_by_its_share_of_the_busiest() -> None:
    today = date(2026, 12, 2)  # a Wednesday
    days = [DayRow(today - timedelta(days=n), reviews, 0, PassFail(), 1.0) for n, reviews in enumerate([16, 0, 4, 8])]
    # the week before: Sunday 29 (8), Monday 30 (4), Tuesday 1 (no answer row), Wednesday 2 (16)
    assert heatmap(days, today, weeks=2) == [
        "      Dec",
        "Mon · ░░",
        "    · ·",
        "Wed · ██",
        "    ·",
        "Fri ·",
        "    ·",
        "Sun ▒▒",
        "    less · ░ ▒ ▓ █ more   (busiest day: 16 reviews)",
    ]


def test_the_calibration_chart_draws_predicted_and_actual_per_bin() -> None:
    from rich.console import Console

    from quizapp.tui.screens.stats import CHART_WIDTH, calibration_chart

    report = sample_report()
    console = Console(width=80, record=True, color_system=None)
    for table in calibration_chart(report):
        console.print(table)
    lines = console.export_text().splitlines()
    shown = [b for b in report.calibration[0].bins if b.count]
    assert sum("predicted" in line for line in lines) == len(shown) == sum("actual" in line for line in lines)
    last = shown[-1]
    actual_line = next(line for line in reversed(lines) if "actual" in line)
    assert actual_line.count("█") == round((last.actual or 0) * CHART_WIDTH)
    assert calibration_chart(sample_report(empty=True)) == []
