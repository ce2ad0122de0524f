"""Home: the decks with their new / learning / due counts and today's progress."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quizapp.analysis.model import Report
from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.scheduling import ReviewScheduler
from quizapp.tui import faces
from quizapp.tui.messages import MockWanted
from quizapp.tui.scheduler_thread import SchedulerThread
from quizapp.tui.screens.deck_info import DeckInfoScreen
from quizapp.tui.screens.hidden import HiddenScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.screens.stats import StatsScreen


def whole_report(scheduler: ReviewScheduler) -> Report:
    """The report over everything reviewed, read with `scheduler` (the scheduler thread's: its connection
    belongs to that thread). The analysis is imported when the statistics are first opened, not at start-up."""
    from quizapp.analysis.build import build_report
    from quizapp.analysis.model import Filters

    leeches = Filters(leech_threshold=scheduler.review.leech_threshold)
    report: Report = build_report(
        scheduler.db, scheduler.memory.settings, scheduler.review, leeches, now=scheduler.now(), tz=scheduler.tz
    )
    return report


COUNT_COLUMNS_WIDTH = 28  # New, Learn, Due and Cards with their cell padding, the title's padding and a scrollbar
PROBLEMS_SHOWN = 3


class HomeScreen(Screen[None]):
    """Pick a deck (Enter) or review everything due (`r`)."""

    BINDINGS = [
        Binding("enter", "review_selected", "Review", tooltip="Review the deck under the cursor", priority=True),
        Binding("r", "review_all", "All", tooltip="Review every deck"),
        Binding("h", "hidden", "Hidden", tooltip="Suspended and buried cards"),
        Binding("b", "browse", "Browse", tooltip="Find a card: its history and key points; unsuspend, reset, edit"),
        Binding("s", "stats", "Stats", tooltip="Statistics: weak topics, questions, key points"),
        Binding("m", "mock", "Mock", tooltip="A mock interview"),
        Binding("p", "plan", "Plan", tooltip="Plan to the interview date"),
        Binding("i", "info", "Info", tooltip="The deck's description, notation and topics"),
        Binding("o", "settings", "Settings"),
        Binding("q", "app.quit", "Quit"),
        Binding("j", "move(1)", "Next deck", show=False),
        Binding("k", "move(-1)", "Previous deck", show=False),
        Binding("home", "first", "First deck", show=False, priority=True),
        Binding("end", "last", "Last deck", show=False, priority=True),
    ]

    def __init__(self, library: Library, scheduler_thread: SchedulerThread) -> None:
        super().__init__()
        self.library = library
        self.scheduler_thread = scheduler_thread

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static(id="today")
        table: DataTable[Text] = DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="deck-description")
        yield Static(id="deck-problems")  # deck files with errors: stays until they are fixed
        yield Footer(show_command_palette=False, compact=True)  # the keys need the room; ctrl+p still opens it

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Deck", key="deck")
        for label in ("New", "Learn", "Due", "Cards"):
            table.add_column(Text(label, justify="right"), key=label.lower())
        self.refresh_counts()
        self.show_problems()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Re-read the counts (after a session, or when the day has turned); a database that cannot be
        read is reported and the counts last shown stay."""
        try:
            self._show_counts()
        except QuizError as e:
            self.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)

    def _show_counts(self) -> None:
        scheduler = self.library.scheduler
        decks = self.library.decks
        counts = scheduler.deck_counts([d.id for d in decks])
        due = scheduler.remaining([d.id for d in decks])  # the new-card limit is shared, not per deck
        reviewed, new_left = scheduler.reviewed_today(), scheduler.new_left_today()
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        title_width = max(8, self.size.width - COUNT_COLUMNS_WIDTH)  # the counts stay in view on a narrow terminal
        for deck in decks:
            c = counts[deck.id]
            title = ("⚠ " if deck.id in self.library.kept else "") + deck.title
            if cell_len(title) > title_width:
                title = set_cell_size(title, title_width - 1) + "…"
            table.add_row(
                Text(title),
                Text(str(c.new), style="bold" if c.new else "dim", justify="right"),
                Text(str(c.learning), style="bold" if c.learning else "dim", justify="right"),
                Text(str(c.review), style="bold" if c.review else "dim", justify="right"),
                Text(str(c.total), style="dim", justify="right"),
                key=deck.id,
            )
        if decks:
            table.move_cursor(row=min(row, len(decks) - 1))
        today = self.query_one("#today", Static)
        today.update(
            Content.assemble(
                ("Today ", "bold"),
                f"{reviewed} reviewed · {due} to go · {new_left} new cards left · ",
                ("?", "bold"),
                " keys",
            )  # fmt: skip
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        deck = next((d for d in self.library.decks if d.id == event.row_key.value), None)
        width = max(10, self.size.width - 2)
        text = faces.description_lines(f"{deck.topic} — {deck.description}", width) if deck else ""
        self.query_one("#deck-description", Static).update(Content(text))

    def on_resize(self) -> None:
        self.refresh_counts()

    def show_problems(self) -> None:
        """Deck files with errors, each with its place and the command that checks it; their decks are reviewed
        in their last good version meanwhile."""
        panel = self.query_one("#deck-problems", Static)
        problems = self.library.problems
        panel.display = bool(problems)
        if not problems:
            return
        files = sorted({str(p.path) for p in problems})
        shown = "\n".join(str(p) for p in problems[:PROBLEMS_SHOWN])
        more = f"\n… and {len(problems) - PROBLEMS_SHOWN} more" if len(problems) > PROBLEMS_SHOWN else ""
        panel.update(
            Content.assemble(
                (f"{len(files)} deck file(s) have errors", "bold"),
                " (their decks are reviewed as last synced). Fix, then restart; check with: ",
                (f"quizapp lint {' '.join(files)}", "bold"),
                f"\n{shown}{more}",
            )  # fmt: skip
        )

    def _table(self) -> DataTable[Text]:
        return self.query_one("#decks", DataTable)

    def action_move(self, step: int) -> None:
        table = self._table()
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_first(self) -> None:
        self._table().move_cursor(row=0)

    def action_last(self) -> None:
        table = self._table()
        table.move_cursor(row=max(0, table.row_count - 1))

    def action_info(self) -> None:
        """The highlighted deck's description, notation, counts and topics."""
        table = self._table()
        if table.row_count:
            deck_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            deck = next(d for d in self.library.decks if d.id == deck_id)
            self.app.push_screen(DeckInfoScreen(self.library, deck))

    def action_review_selected(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self._review_deck(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _review_deck(self, deck_id: str) -> None:
        title = next(d.title for d in self.library.decks if d.id == deck_id)
        self.app.push_screen(ReviewScreen(self.library, self.scheduler_thread, [deck_id], title))

    def action_review_all(self) -> None:
        self.app.push_screen(
            ReviewScreen(self.library, self.scheduler_thread, [d.id for d in self.library.decks], "All decks")
        )

    def action_hidden(self) -> None:
        self.app.push_screen(HiddenScreen(self.library))

    def action_browse(self) -> None:
        from quizapp.tui.screens.browse import BrowseScreen  # loaded when first opened, not at start-up

        self.app.push_screen(BrowseScreen(self.library))

    def action_stats(self) -> None:
        self.app.push_screen(StatsScreen(self.library, self.scheduler_thread, whole_report))

    def action_mock(self) -> None:
        """A mock interview across every deck, with the [mock] settings."""
        self.app.post_message(MockWanted())

    def action_settings(self) -> None:
        self.app.push_screen(SettingsScreen(self.library, self.scheduler_thread))

    def action_plan(self) -> None:
        from quizapp.tui.screens.plan import PlanScreen  # the planner (FSRS's simulator) loads when first used

        self.app.push_screen(PlanScreen(self.library, self.scheduler_thread))
