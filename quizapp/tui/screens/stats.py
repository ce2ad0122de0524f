"""Statistics: the weak-topic report on screen — today, retention, forecast, heatmap, weakest topics and key points,
leeches and calibration.

The numbers are the report's (`quizapp.analysis.model.Report`) formatted by `quizapp.analysis.numbers`, so the
screen and the exports cannot disagree. Charts are drawn with block characters and read without colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, LoadingIndicator, Static

from quizapp.analysis.model import (
    PERIODS,
    DayRow,
    ForecastDay,
    KeyPointRow,
    LeechRow,
    MockRow,
    Report,
    TopicRow,
    Weakness,
)
from quizapp.analysis.numbers import decimal, interval, missed_of, percent, retention_cell, score
from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.mathtext import render_plain_math
from quizapp.scheduling import ReviewScheduler
from quizapp.store.hidden import bring_back, card_ids_of
from quizapp.tui.messages import MockWanted
from quizapp.tui.scheduler_thread import SchedulerThread
from quizapp.tui.screens.review import ReviewScreen

ReportLoader = Callable[[ReviewScheduler], Report]
"""Builds the report with the scheduler thread's scheduler: its connection belongs to that thread."""

BARS = " ▁▂▃▄▅▆▇█"  # eighths of a character cell, for the forecast
SHADES = "░▒▓█"  # a quarter of the busiest day's reviews each, for the heatmap
NO_REVIEWS = "·"
FORECAST_HEIGHT = 4  # lines: 32 levels
HEATMAP_WEEKS = 26
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PERIOD_NAMES = {"today": "Today", "7d": "7 days", "30d": "30 days", "365d": "365 days", "all": "All"}
EMPTY_MESSAGE = "No reviews yet: answer some cards (r on the home screen), then come back here."
MOCKS_SHOWN = 3


def forecast_chart(forecast: Sequence[ForecastDay], height: int = FORECAST_HEIGHT) -> list[str]:
    """Bars of the cards due each day, two columns a day, the busiest day `height` lines tall, over an axis
    with the dates of every seventh day; a day with any card due shows at least an eighth."""
    if not forecast:
        return []
    top = max(day.due for day in forecast)
    gutter = len(str(top)) + 1
    eighths = [0 if top == 0 else max(1 if day.due else 0, round(day.due / top * height * 8)) for day in forecast]
    lines = []
    for row in range(height):
        base = (height - 1 - row) * 8
        label = str(top) if row == 0 else ""
        bars = "".join(BARS[min(8, max(0, e - base))] + " " for e in eighths)
        lines.append(f"{label:>{gutter - 1}}│{bars}".rstrip())
    lines.append(f"{0:>{gutter - 1}}└" + "─" * (2 * len(forecast)))
    ticks = [" "] * (2 * len(forecast) + 8)
    for index in range(0, len(forecast), 7):
        tick = "today" if index == 0 else f"{forecast[index].day:%m-%d}"
        ticks[index * 2 : index * 2 + len(tick)] = tick
    lines.append(" " * gutter + "".join(ticks).rstrip())
    return lines


def heatmap(days: Sequence[DayRow], today: date, weeks: int = HEATMAP_WEEKS) -> list[str]:
    """A weeks × 7 grid of the reviews of each study day, Monday on top, the current week last: `·` for no
    review, ░▒▓█ for up to a quarter, half, three quarters and all of the busiest day's count."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    counts = {row.day: row.reviews for row in days if first <= row.day <= today}
    top = max(counts.values(), default=0)
    sundays = [first + timedelta(weeks=week, days=6) for week in range(weeks)]
    starts = [week for week in range(1, weeks) if sundays[week].day <= 7]  # weeks in which a month begins
    months = ""
    for week in ([0] if not starts or starts[0] >= 2 else []) + starts:  # the first, unless the next is too near
        months = months.ljust(2 * week) + MONTHS[sundays[week].month - 1]
    lines = ["    " + months]
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            reviews = counts.get(day, 0)
            if day > today:
                cells.append("  ")
            elif reviews == 0 or top == 0:
                cells.append(NO_REVIEWS + " ")
            else:
                cells.append(SHADES[min(3, (4 * reviews - 1) // top)] * 2)
        lines.append(f"{WEEKDAYS[weekday]:<4}" + "".join(cells).rstrip())
    lines.append(f"    less {NO_REVIEWS} {' '.join(SHADES)} more   (busiest day: {top} reviews)")
    return lines


def counted(n: int, noun: str) -> str:
    """`1 day`, `6 days`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def short(text: str, width: int) -> Text:
    """Deck text on one line, math as Unicode, cut to `width` terminal cells (a CJK character takes two)."""
    line = Text(" ".join(render_plain_math(text).split()))
    line.truncate(width, overflow="ellipsis")
    return line


@dataclass(frozen=True)
class TopicColumn:
    """A column of the weakest-topics table and how it sorts: `value` ascending, or descending with
    `descending`, is weakest (or first alphabetically) first; a None value always sorts last."""

    key: str
    label: str
    cell: Callable[[TopicRow], str]
    value: Callable[[TopicRow], float | str | None]
    descending: bool = True


def _weakness(part: Callable[[Weakness], float]) -> Callable[[TopicRow], float | None]:
    """A part of a topic's weakness, None without enough data."""
    return lambda row: None if row.figures.weakness is None else part(row.figures.weakness)


def _column(
    key: str, label: str, value: Callable[[TopicRow], float | None], cell: Callable[[float | None], str]
) -> TopicColumn:
    """A numeric column, weakest first when its value is highest."""
    return TopicColumn(key, label, lambda row: cell(value(row)), value)


TOPIC_COLUMNS = (
    TopicColumn("topic", "Topic", lambda r: r.topic, lambda r: r.topic.casefold(), descending=False),
    _column("score", "Score", _weakness(lambda w: w.score), score),
    TopicColumn(
        "retention",
        "Retention",
        lambda r: retention_cell(r.figures.retention["30d"].total),
        lambda r: r.figures.retention["30d"].total.rate,
        descending=False,  # the lowest pass rate is the weakest
    ),
    _column("again", "Again", lambda r: r.figures.again_rate, percent),
    _column("reviews", "Reviews", lambda r: r.figures.reviews, lambda n: str(n)),
    _column("unseen", "Unseen", _weakness(lambda w: w.never_seen), percent),
    _column("missed", "KP miss", _weakness(lambda w: w.missed_key_points), percent),
)
TOPIC_WIDTH = 20  # cells: the table fits 80 columns


def sorted_topics(rows: Sequence[TopicRow], column: TopicColumn, reverse: bool = False) -> list[TopicRow]:
    """`rows` by `column`, weakest first (`reverse`: last), those without a value at the end either way;
    ties keep the report's ranking."""
    present = [row for row in rows if column.value(row) is not None]
    missing = [row for row in rows if column.value(row) is None]
    present.sort(key=column.value, reverse=column.descending != reverse)  # type: ignore[arg-type]  # one type per column
    return present + missing


class StatsScreen(Screen[None]):
    """The report of everything reviewed; Enter on a weak topic reviews it, `u` brings a suspended leech back."""

    BINDINGS = [
        Binding("enter", "review_topic", "Review topic", priority=True),
        Binding("d", "drill_topic", "Drill topic"),
        Binding("m", "mock_topic", "Mock on topic"),
        Binding("o", "sort_next", "Sort"),
        Binding("u", "unsuspend", "Unsuspend"),
        Binding("tab", "next_part", "Next part"),
        Binding("q,escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, library: Library, scheduler_thread: SchedulerThread, load: ReportLoader) -> None:
        """`load` runs on the scheduler thread (the report reads for about half a second on a large history)."""
        super().__init__()
        self.library = library
        self.scheduler_thread = scheduler_thread
        self.load = load
        self.report: Report | None = None
        self.leeches: list[LeechRow] = []  # the report's, as brought back since
        self.sort_column = TOPIC_COLUMNS[1]
        self.sort_reverse = False
        self.shown = False  # a report was shown (a reload keeps the focus where it is)

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Statistics", "bold")), id="stats-title")
        yield LoadingIndicator(id="stats-loading")
        with VerticalScroll(id="stats"):
            yield Static(id="stats-empty")
            yield Static(id="stats-today")
            yield Static(id="stats-retention", classes="stats-part")
            yield Static(id="stats-topics-label", classes="stats-label stats-part")
            yield DataTable(id="weak-topics", cursor_type="row", zebra_stripes=True, classes="stats-part")
            yield Static(id="stats-forecast", classes="stats-part")
            yield Static(id="stats-heatmap", classes="stats-part")
            yield Static(id="stats-key-points-label", classes="stats-label stats-part")
            yield DataTable(id="weak-key-points", cursor_type="row", zebra_stripes=True, classes="stats-part")
            yield Static(id="stats-leeches-label", classes="stats-label stats-part")
            yield DataTable(id="leeches", cursor_type="row", zebra_stripes=True, classes="stats-part")
            yield Static(id="stats-calibration", classes="stats-part")
            yield Static(id="stats-confidence", classes="stats-part")
            yield Static(id="stats-mocks", classes="stats-part")
            yield Static(id="stats-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats").display = False

    def on_screen_resume(self) -> None:
        """Read the report when shown, and again when back from a topic's review."""
        self.load_report()

    @work(exclusive=True, group="report")
    async def load_report(self) -> None:
        try:
            report = await self.scheduler_thread.run(self.load)
        except QuizError as e:
            self.query_one("#stats-loading").display = False
            self.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)
            return
        self.show_report(report)

    # --- what is shown -----------------------------------------------------------------

    def show_report(self, report: Report) -> None:
        """Fill every part from `report`; an empty one shows what to do instead."""
        self.report = report
        self.leeches = list(report.leeches)
        self.query_one("#stats-loading").display = False
        self.query_one("#stats").display = True
        title = Content.assemble(("Statistics", "bold"), f" · study day {report.today:%Y-%m-%d}")
        self.query_one("#stats-title", Static).update(title)
        summary = report.summary
        self.query_one("#stats-today", Static).update(
            Content.assemble(
                ("Today   ", "bold"),
                f"{summary.reviews_today} reviewed · {summary.due_today} due\n",
                ("Streak  ", "bold"),
                f"{counted(summary.streak_days, 'day')} · {counted(summary.studied_days, 'study day')} in all\n",
                ("Cards   ", "bold"),
                f"{summary.seen} of {summary.cards} seen · {summary.reviews} reviews"
                f" · desired retention {percent(summary.desired_retention)}\n",
                ("FSRS    ", "bold"),
                summary.parameters,
            )
        )
        notes = "\n".join(report.notes)
        self.query_one("#stats-notes", Static).update(Content(notes))
        self.query_one("#stats-notes").display = bool(notes) and not report.empty  # an empty one says it above
        self.query_one("#stats-empty", Static).update(Content.styled(EMPTY_MESSAGE, "bold"))
        self.query_one("#stats-empty").display = report.empty
        for part in self.query(".stats-part"):
            part.display = not report.empty
        if report.empty:
            return
        self.query_one("#stats-retention", Static).update(self._retention_table(report))
        self.fill_topics()
        forecast = report.forecast
        total = sum(day.due for day in forecast)
        head = Content.assemble(("Due in the next 30 days", "bold"), f" · {total} cards")
        self.query_one("#stats-forecast", Static).update(head + "\n" + Content("\n".join(forecast_chart(forecast))))
        reviewed = sum(row.reviews for row in report.days if report.today - row.day < timedelta(weeks=HEATMAP_WEEKS))
        head = Content.assemble(("Reviews per day", "bold"), f" · {reviewed} in the last {HEATMAP_WEEKS} weeks")
        lines = heatmap(report.days, report.today)
        self.query_one("#stats-heatmap", Static).update(head + "\n" + Content("\n".join(lines)))
        self._fill_key_points(report.weakest_key_points)
        self.fill_leeches()
        self.query_one("#stats-calibration", Static).update(self._calibration_table(report))
        self._fill_practice(report)
        if not self.shown:  # the first time: ready for Enter on the weakest topic, else to scroll the page
            self.shown = True
            topics = self.query_one("#weak-topics", DataTable)
            (topics if topics.row_count else self.query_one("#stats")).focus()

    @staticmethod
    def _retention_table(report: Report) -> Group:
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
        table.add_column("Period")
        for name in ("Young", "Mature", "Total"):
            table.add_column(name, justify="right")
        for period in PERIODS:
            r = report.summary.retention[period]
            cells = (retention_cell(r.young), retention_cell(r.mature), retention_cell(r.total))
            table.add_row(PERIOD_NAMES[period], *cells)
        heading = Text.assemble(("True retention", "bold"), " · answers after a study day or more (mature: 21+ days)")
        return Group(heading, table)

    @staticmethod
    def _calibration_table(report: Report) -> Group:
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
        table.add_column("Scope")
        for name in ("Reviews", "Log loss", "RMSE(bins)", "AUC"):
            table.add_column(name, justify="right")
        for c in report.calibration:
            table.add_row(Text(c.scope), str(c.reviews), decimal(c.log_loss), decimal(c.rmse_bins), decimal(c.auc))
        heading = Text.assemble(("Calibration", "bold"), " · FSRS's predicted recall against yours")
        note = Text("Lower log loss and RMSE(bins), higher AUC: better predictions.", style="dim")
        return Group(heading, table, note, *calibration_chart(report))

    def _fill_practice(self, report: Report) -> None:
        """Confidence against outcome and the last mocks, each hidden until there is something to show."""
        said = any(c.answers for c in report.confidence)
        confidence = self.query_one("#stats-confidence", Static)
        confidence.display = said
        if said:
            confidence.update(self._confidence_table(report))
        mocks = self.query_one("#stats-mocks", Static)
        mocks.display = bool(report.mocks)
        if report.mocks:
            heading = Text.assemble(("Mock interviews", "bold"), f" · the last {min(MOCKS_SHOWN, len(report.mocks))}")
            mocks.update(Group(heading, *(Text(mock_line(m)) for m in report.mocks[:MOCKS_SHOWN])))

    @staticmethod
    def _confidence_table(report: Report) -> Group:
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
        table.add_column("Said")
        for name in ("Answers", "Right", "Share right", "95% interval"):
            table.add_column(name, justify="right")
        for c in report.confidence:
            span = interval(c.low, c.high) if c.answers else "—"
            table.add_row(c.level, str(c.answers), str(c.right), percent(c.rate), span)
        days = report.filters.window_days
        heading = Text.assemble(("Confidence", "bold"), f" · said before the reveal, last {days} days")
        readings = [Text(c.reading, style="dim") for c in report.confidence if c.answers]
        note = Text("Reviews and practice answers; right: Hard, Good or Easy.", style="dim")
        return Group(heading, table, *readings, note)

    def fill_topics(self) -> None:
        """The weakest topics in the chosen order, the cursor staying on its topic."""
        if self.report is None:
            return
        table: DataTable[Text] = self.query_one("#weak-topics", DataTable)
        current = self.topic_under_cursor()
        table.clear(columns=True)
        for column in TOPIC_COLUMNS:
            mark = (" ▲" if column.descending == self.sort_reverse else " ▼") if column is self.sort_column else ""
            header = Text(column.label + mark, justify="left" if column.key == "topic" else "right")
            table.add_column(header, key=column.key)
        rows = sorted_topics(self.report.weakest_topics, self.sort_column, self.sort_reverse)
        for row in rows:
            cells = [Text(column.cell(row), justify="right") for column in TOPIC_COLUMNS[1:]]
            table.add_row(short(row.topic, TOPIC_WIDTH), *cells, key=row.topic)
        if current is not None and current in {row.topic for row in rows}:
            table.move_cursor(row=table.get_row_index(current))
        table.display = bool(rows)
        order = "weakest first" if not self.sort_reverse else "reversed"
        label = Content.assemble(
            ("Weakest topics", "bold"),
            f" · last 30 days · by {self.sort_column.label.lower()}, {order}"
            if rows
            else f" · none has {self.report.filters.min_reviews_topic} reviews yet",
        )
        self.query_one("#stats-topics-label", Static).update(label)

    def _fill_key_points(self, rows: Sequence[KeyPointRow]) -> None:
        table: DataTable[Text] = self.query_one("#weak-key-points", DataTable)
        table.clear(columns=True)
        table.add_column(Text("Missed", justify="right"), key="missed")
        for name in ("Key point", "Question", "Topic"):
            table.add_column(name, key=name.lower())
        for index, row in enumerate(rows):
            table.add_row(
                Text(f"{row.missed}/{row.marked}", justify="right"),
                short(row.text, 30),
                short(row.question_id, 12),
                short(row.topic, 18),
                key=str(index),
            )
        table.display = bool(rows)
        label = Content.assemble(("Weakest key points", "bold"), "" if rows else " · none marked missed yet")
        self.query_one("#stats-key-points-label", Static).update(label)

    def fill_leeches(self) -> None:
        """The leeches, the cursor staying where it was."""
        table: DataTable[Text] = self.query_one("#leeches", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column("Card", key="card")
        table.add_column(Text("Lapses", justify="right"), key="lapses")
        for name in ("Status", "Topic", "Question"):
            table.add_column(name, key=name.lower())
        for leech in self.leeches:
            status = Text("suspended", style="bold") if leech.suspended else Text("in queue", style="dim")
            table.add_row(
                short(leech.uid, 20),
                Text(str(leech.lapses), justify="right"),
                status,
                short(leech.topic, 12),
                short(leech.prompt, 16),
                key=leech.uid,
            )
        if self.leeches:
            table.move_cursor(row=min(row, len(self.leeches) - 1))
        table.display = bool(self.leeches)
        suspended = sum(leech.suspended for leech in self.leeches)
        threshold = self.report.filters.leech_threshold if self.report else 0
        cards = counted(len(self.leeches), "card")
        label = Content.assemble(("Leeches", "bold"), f" · {threshold}+ lapses · {cards}, {suspended} suspended")
        if suspended:
            label += Content(" · u on a suspended one brings it back")
        self.query_one("#stats-leeches-label", Static).update(label)

    # --- what the keys do ------------------------------------------------------------------

    def topic_under_cursor(self) -> str | None:
        table = self.query_one("#weak-topics", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def leech_under_cursor(self) -> LeechRow | None:
        table = self.query_one("#leeches", DataTable)
        return self.leeches[table.cursor_row] if self.leeches and table.row_count else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter reviews the topic under the cursor of the topics table; `u` acts on a suspended leech."""
        focused = self.focused
        if action == "review_topic":
            return focused is not None and focused.id == "weak-topics" and self.topic_under_cursor() is not None
        if action == "sort_next":
            return self.report is not None and bool(self.report.weakest_topics)
        if action == "next_part":
            return self.report is not None and not self.report.empty
        if action == "unsuspend":
            leech = self.leech_under_cursor()
            return focused is not None and focused.id == "leeches" and leech is not None and leech.suspended
        return True

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A click on the highlighted row of the topics table (Enter is the screen's binding)."""
        if event.data_table.id == "weak-topics":
            self.action_review_topic()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a header of the topics table sorts by it; a second click reverses the order."""
        if event.data_table.id != "weak-topics":
            return
        column = next(c for c in TOPIC_COLUMNS if c.key == event.column_key.value)
        self.sort_reverse = not self.sort_reverse if column is self.sort_column else False
        self.sort_column = column
        self.fill_topics()

    def action_next_part(self) -> None:
        """Focus the next table, or the page itself (where the arrows scroll it)."""
        self.focus_next()

    def action_sort_next(self) -> None:
        """Sort the topics by the next column, weakest first."""
        index = TOPIC_COLUMNS.index(self.sort_column)
        self.sort_column = TOPIC_COLUMNS[(index + 1) % len(TOPIC_COLUMNS)]
        self.sort_reverse = False
        self.fill_topics()

    def action_review_topic(self) -> None:
        """Review the topic under the cursor (and its subtopics) across every deck, as home's review of all."""
        topic = self.topic_under_cursor()
        if topic is None:
            return
        deck_ids = [deck.id for deck in self.library.decks]
        self.app.push_screen(ReviewScreen(self.library, self.scheduler_thread, deck_ids, "All decks", topic))

    def action_drill_topic(self) -> None:
        """Drill the topic under the cursor now: every card, the ones not due left on their schedule."""
        topic = self.topic_under_cursor()
        if topic is not None:
            deck_ids = [deck.id for deck in self.library.decks]
            drill = ReviewScreen(self.library, self.scheduler_thread, deck_ids, "All decks", topic, drill=True)
            self.app.push_screen(drill)

    def action_mock_topic(self) -> None:
        """A mock interview on the topic under the cursor."""
        topic = self.topic_under_cursor()
        if topic is not None:
            self.app.post_message(MockWanted(topic))

    def action_unsuspend(self) -> None:
        leech = self.leech_under_cursor()
        if leech is not None and leech.suspended:
            self.unsuspend(leech)

    @work(group="writes")
    async def unsuspend(self, leech: LeechRow) -> None:
        """Bring a suspended leech back into the queue, on the scheduler thread (the write may wait for
        another window's lock)."""

        def bring_back_leech(scheduler: ReviewScheduler) -> bool:
            ids = card_ids_of(scheduler.db, [leech.uid])
            if ids:
                bring_back(scheduler.db, list(ids.values()))
            return bool(ids)

        try:
            found = await self.scheduler_thread.run(bring_back_leech)
        except QuizError as e:
            self.notify(e.message, title="Not brought back", severity="error", markup=False)
            return
        if not found:
            self.notify(f"{leech.uid} is no longer in any deck", severity="error", markup=False)
            return
        self.leeches = [replace(row, suspended=False) if row.uid == leech.uid else row for row in self.leeches]
        self.fill_leeches()
        self.refresh_bindings()
        self.notify(f"{leech.uid} back in the queue", timeout=3, markup=False)


CHART_WIDTH = 20  # characters for 100% in the calibration chart


def mock_line(m: MockRow) -> str:
    """A mock on one line: when, what was asked, what was covered and missed, and the time taken."""
    covered = f"{percent(m.covered)} ({m.recalled}/{m.key_points})" if m.key_points else "—"
    return (
        f"{m.started_at:%Y-%m-%d %H:%M}  {counted(m.questions, 'question')} + {counted(m.follow_ups, 'follow-up')}"
        f" · key points {covered} · follow-ups missed {missed_of(m.follow_ups_missed, m.follow_ups)}"
        f" · {m.mean_seconds:.0f} s an answer · {m.over_time} over {m.seconds_per_question} s"
    )


def calibration_chart(report: Report) -> list[Table]:
    """Predicted against actual recall for every answer, a bar each per bin of predicted recall: the chart of
    the reports, drawn with block characters (where the two bars differ, FSRS's predictions are off)."""
    overall = report.calibration[0] if report.calibration else None
    bins = [b for b in (overall.bins if overall else ()) if b.count]
    if not bins:
        return []
    table = Table(box=None, padding=(0, 1, 0, 0), header_style="bold", title_justify="left")
    for name, justify in (("Predicted", "left"), ("Answers", "right"), ("", "left"), ("", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for b in bins:
        label = f"{b.low * 100:.0f}–{b.high * 100:.0f}%"
        for kind, value in (("predicted", b.predicted), ("actual", b.actual)):
            bar = "█" * round((value or 0) * CHART_WIDTH)
            style = "dim" if kind == "predicted" else ""
            table.add_row(
                label if kind == "predicted" else "",
                str(b.count) if kind == "predicted" else "",
                Text(f"{bar:<{CHART_WIDTH}} {kind}", style=style),
                percent(value),
            )
    return [table]
