"""A deck's info: its description with its notation (math rendered), its counts and its topics."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from quizapp.library import Library
from quizapp.store.catalog import DeckInfo, topic_counts
from quizapp.tui import faces


def topics_table(topics: list[tuple[str, int]]) -> Content:
    """Each topic with its cards, the counts right-aligned before the (possibly long, possibly CJK) paths."""
    lines = [Content.styled("Cards  Topic", "bold")]
    lines += [Content(f"{cards:>5}  {topic}") for topic, cards in topics]
    return Content("\n").join(lines)


class DeckInfoScreen(ModalScreen[None]):
    """Reachable from home (i on a deck) and from a card (i): what a deck covers and the notation its answers use."""

    BINDINGS = [Binding("escape,q,i", "dismiss", "Close")]

    def __init__(self, library: Library, deck: DeckInfo) -> None:
        super().__init__()
        self.library = library
        self.deck = deck

    def compose(self) -> ComposeResult:
        deck = self.deck
        counts = self.library.scheduler.deck_counts([deck.id])[deck.id]
        problem = " · its file has errors: this is its last good version" if deck.id in self.library.kept else ""
        summary = (
            f"{deck.id} · topic {deck.topic or deck.id}{problem}\n"
            f"Today: {counts.new} new · {counts.learning} learning · {counts.review} due   ·   {counts.total} cards"
        )
        with VerticalScroll(id="deck-info"):
            yield Static(Content.styled(deck.title, "bold"))
            yield Static(Content(summary), id="deck-info-counts")
            yield Markdown(faces.description(deck.description), id="deck-info-description")
            yield Static(topics_table(topic_counts(self.library.db, [deck.id])), id="deck-info-topics")
            yield Static(Content.styled("Escape: close", "dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
