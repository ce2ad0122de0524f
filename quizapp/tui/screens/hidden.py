"""Suspended and buried cards: see them, and bring them back into the queue."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.store.hidden import HiddenCard, bring_back, hidden_cards


class HiddenScreen(Screen[None]):
    """Every card out of the queue; Enter brings the selected one back, `a` all of them."""

    BINDINGS = [
        Binding("enter", "bring_back", "Bring back", priority=True),
        Binding("a", "bring_back_all", "Bring all back"),
        Binding("q,escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.cards: list[HiddenCard] = []

    def compose(self) -> ComposeResult:
        yield Static(id="hidden-title")
        table: DataTable[Text] = DataTable(id="hidden", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Card", "Out of the queue", "Question")
        self.reload()
        table.focus()

    def reload(self) -> None:
        """Re-read the hidden cards."""
        self.cards = hidden_cards(self.library.db, self.library.scheduler.now())
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for card in self.cards:
            until = "suspended" if card.suspended else f"buried until {card.buried_until:%Y-%m-%d %H:%M} UTC"
            table.add_row(Text(card.uid), Text(until, style="dim"), Text(card.prompt[:80]), key=str(card.id))
        if self.cards:
            table.move_cursor(row=min(row, len(self.cards) - 1))
        count = f"{len(self.cards)} card(s) out of the queue" if self.cards else "No card is suspended or buried."
        self.query_one("#hidden-title", Static).update(Content.assemble(("Suspended and buried · ", "bold"), count))

    def _bring_back(self, cards: list[HiddenCard]) -> None:
        if not cards:
            return
        try:
            bring_back(self.library.db, [card.id for card in cards])
        except QuizError as e:
            self.notify(e.message, title="Not brought back", severity="error", markup=False)
            return
        names = cards[0].uid if len(cards) == 1 else f"{len(cards)} cards"
        self.notify(f"{names} back in the queue", timeout=3, markup=False)
        self.reload()

    def action_bring_back(self) -> None:
        table = self.query_one(DataTable)
        if self.cards and table.row_count:
            self._bring_back([self.cards[table.cursor_row]])

    def action_bring_back_all(self) -> None:
        self._bring_back(self.cards)
