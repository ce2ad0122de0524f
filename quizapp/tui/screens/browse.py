"""Browse: find a card by text, topic, deck or state, read its history and key-point record, and unsuspend,
reset or edit it.

The search box takes words and filters together (`attention topic:diffusion/dit is:leech`, see
`quizapp.browse.parse_query`); the list follows as it is typed. The detail pane sits beside the list from 140
columns and below it otherwise; Enter gives it the whole screen there, Escape gives the list back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Markdown, Static

from quizapp import browse
from quizapp.browse import CardLine
from quizapp.days import day_bounds
from quizapp.decks.questions import StoredChoice
from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.mathtext import render_plain_math
from quizapp.store.hidden import bring_back
from quizapp.store.states import CardState
from quizapp.tui import faces
from quizapp.tui.editor import edit_question
from quizapp.tui.screens.confirm import ConfirmScreen

PLACEHOLDER = "/ search: words  topic:diffusion/dit  deck:ID  is:new|due|suspended|leech"
# Columns beside the card's uid, and what they take with the table's cell padding and scrollbar.
OTHER_COLUMNS = (("State", 10), ("Due", 10), ("Lapses", 6), ("Ans", 4))
MIN_UID_WIDTH = 12
TABLE_CHROME = 2 * (len(OTHER_COLUMNS) + 1) + 2
SIDE_BY_SIDE_FROM = 140  # the list and a history of 70 columns each
SEARCH_AFTER = 0.2  # seconds without a key: a text search over 50k cards takes about half a second


def _state_cell(card: CardLine) -> str:
    """What most asks for action: `suspended`, else `leech`, else the state (the detail says all three)."""
    return "suspended" if card.suspended else "leech" if card.leech else browse.state_label(card)


class BrowseScreen(Screen[None]):
    """Every card of the decks, found by what is typed in the search box."""

    HORIZONTAL_BREAKPOINTS = [(0, "-stacked"), (SIDE_BY_SIDE_FROM, "-side")]
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("u", "unsuspend", "Unsuspend"),
        Binding("x", "reset", "Reset"),
        Binding("e", "edit", "Edit"),
        Binding("escape", "back", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.cards: list[CardLine] = []
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="browse-title")
        yield Input(placeholder=PLACEHOLDER, id="browse-search")
        with Container(id="browse-body"):
            cards: DataTable[Text] = DataTable(id="browse-cards", cursor_type="row", zebra_stripes=True)
            yield cards
            with VerticalScroll(id="browse-detail"):
                yield Static(id="browse-head")
                yield Markdown(id="browse-prompt")
                yield Static("History", classes="browse-label")
                yield DataTable(id="browse-history", cursor_type="none", show_cursor=False)
                yield Static("Key points: recalled / marked", classes="browse-label")
                yield DataTable(id="browse-key-points", cursor_type="none", show_cursor=False)
        yield Footer()

    def on_mount(self) -> None:
        for table_id in ("#browse-history", "#browse-key-points"):
            self.query_one(table_id, DataTable).can_focus = False
        self.query_one("#browse-history", DataTable).add_columns("When", "What", "Grade", "Next", "Points")
        self.query_one("#browse-key-points", DataTable).add_columns("Recalled", "Key point")
        self.reload()
        self.query_one("#browse-cards", DataTable).focus()

    def on_resize(self, event: Resize) -> None:
        self._fill_table()  # the uid column takes what the others leave

    # --- the list ---------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Search again with what the box holds, keeping the highlighted card if it is still found."""
        typed = self.query_one("#browse-search", Input).value
        try:
            query = browse.parse_query(typed)
            scheduler = self.library.scheduler
            self.cards = browse.find_cards(
                self.library.db, query.text, query.topic, query.deck, query.states,
                deck_ids=[d.id for d in self.library.decks],
                due_by=day_bounds(scheduler.now(), scheduler.review.day_start_hour, scheduler.tz)[1],
                leech_threshold=scheduler.review.leech_threshold,
            )  # fmt: skip
        except QuizError as e:
            self._title(Content.styled(e.message, "$text-error"))
            return
        found = (
            f"{len(self.cards)} card(s)"
            if len(self.cards) < browse.DEFAULT_LIMIT
            else f"the first {browse.DEFAULT_LIMIT} cards"
        )
        self._title(Content(found if self.cards else "No card matches."))
        self._fill_table()

    def _title(self, said: Content) -> None:
        self.query_one("#browse-title", Static).update(Content.assemble(("Browse · ", "bold"), said))

    def _fill_table(self) -> None:
        table: DataTable[Text] = self.query_one("#browse-cards", DataTable)
        current = self.highlighted()
        table.clear(columns=True)
        width = self.app.size.width
        width = width // 2 if width >= SIDE_BY_SIDE_FROM else width
        uid_width = max(MIN_UID_WIDTH, width - TABLE_CHROME - sum(w for _, w in OTHER_COLUMNS))
        table.add_column("Card", width=uid_width)
        for label, column_width in OTHER_COLUMNS:
            table.add_column(label, width=column_width)
        for card in self.cards:
            table.add_row(
                Text(browse.clipped(card.uid, uid_width)),
                Text(_state_cell(card), style="bold" if card.suspended or card.leech else ""),
                Text(browse.local_time(card.due, self.library.scheduler.tz)[:10], style="dim"),
                Text(str(card.lapses), justify="right"),
                Text(str(card.answers), justify="right"),
                key=card.uid,
            )
        row = next((i for i, c in enumerate(self.cards) if current and c.uid == current.uid), 0)
        if self.cards:
            table.move_cursor(row=row)
        self._show(self.cards[row] if self.cards else None)

    def highlighted(self) -> CardLine | None:
        """The card under the list's cursor."""
        table = self.query_one("#browse-cards", DataTable)
        if not self.cards or not 0 <= table.cursor_row < len(self.cards):
            return None
        return self.cards[table.cursor_row]

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search once typing pauses, not at every key."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_AFTER, self.reload)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Search now, and give the list the keys."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self.reload()
        self.query_one("#browse-cards", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "browse-cards":
            self._show(self.highlighted())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "browse-cards" and self.cards:
            self.add_class("-reading")
            self.query_one("#browse-detail").focus()

    # --- the detail -------------------------------------------------------------------------------------------

    def _show(self, card: CardLine | None) -> None:
        """The card's question as the review shows it, its history and its key points' record."""
        history: DataTable[str] = self.query_one("#browse-history", DataTable)
        points: DataTable[str] = self.query_one("#browse-key-points", DataTable)
        history.clear()
        points.clear()
        if card is None:
            self.query_one("#browse-head", Static).update("")
            self.query_one("#browse-prompt", Markdown).update("")
            return
        tz = self.library.scheduler.tz
        flags = browse.flags_label(card)
        head = (
            f"{card.uid} · {card.topic}\n{browse.state_label(card)}{f' ({flags})' if flags else ''} · due "
            f"{browse.local_time(card.due, tz)} · {card.lapses} lapse(s) · {card.answers} answer(s)"
        )
        self.query_one("#browse-head", Static).update(Content(head))
        prompt = faces.front(card.question, card.cloze)
        if isinstance(card.question, StoredChoice):
            prompt += "\n\n" + faces.choice_list(card.question, frozenset(), revealed=False)
        self.query_one("#browse-prompt", Markdown).update(prompt)
        try:
            lines = browse.card_history(self.library.db, card.id)
            record = browse.key_point_record(self.library.db, card)
        except QuizError as e:
            self.notify(e.message, title=e.title, severity="error", markup=False)
            return
        for line in lines:
            history.add_row(*browse.history_cells(line, tz))
        if not lines:
            history.add_row("no answers yet", "", "", "", "")
        for point in record:
            recalled = f"{point.recalled}/{point.marked}" if point.marked else "-"
            points.add_row(recalled, render_plain_math(point.text))
        if not record:
            points.add_row("", "this question has no key points")

    # --- the actions ------------------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.remove_class("-reading")
        self.query_one("#browse-search", Input).focus()

    def action_back(self) -> None:
        """From the detail back to the list; from the list (or the box) back to the screen before."""
        if self.has_class("-reading") or self.query_one("#browse-detail").has_focus:
            self.remove_class("-reading")
            self.query_one("#browse-cards", DataTable).focus()
        else:
            self.app.pop_screen()

    def action_unsuspend(self) -> None:
        card = self.highlighted()
        if card is None:
            return
        if not card.suspended:
            self.notify(f"{card.uid} is not suspended", timeout=3, markup=False)
            return
        try:
            bring_back(self.library.db, [card.id])
        except QuizError as e:
            self.notify(e.message, title="Not unsuspended", severity="error", markup=False)
            return
        self.notify(f"{card.uid} back in the queue", timeout=3, markup=False)
        self.reload()

    def action_reset(self) -> None:
        card = self.highlighted()
        if card is None:
            return
        if card.state == CardState.New:
            self.notify(f"{card.uid} is already new: nothing to reset", timeout=3, markup=False)
            return
        detail = (
            f"It becomes a new card and FSRS starts over at its next answer. Its {card.answers} answer(s) "
            "stay in its history, and in the reports."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._reset(card)

        self.app.push_screen(ConfirmScreen(f"Reset {card.uid}?", detail), answered)

    def _reset(self, card: CardLine) -> None:
        try:
            browse.reset_card(self.library.db, card.id, now=self.library.scheduler.now())
        except QuizError as e:
            self.notify(e.message, title="Not reset", severity="error", markup=False)
            return
        self.notify(f"{card.uid} is new again", timeout=3, markup=False)
        self.reload()

    def action_edit(self) -> None:
        card = self.highlighted()
        if card is not None and edit_question(self.app, card, self.library):
            self.reload()
