"""QuizApp: the screens, global bindings and styles of the review interface."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from quizapp.tui import cjk_wrap
from quizapp.tui.launch import Library
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen


class QuizApp(App[int]):
    """Home screen of decks; Enter or `r` starts a review session."""

    CSS_PATH = "quizapp.tcss"
    TITLE = "quizapp"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, library: Library, *, deck: str | None = None, topic: str | None = None) -> None:
        super().__init__()
        cjk_wrap.install()
        self.library = library
        self.start_deck = deck
        self.start_topic = topic

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.library))
        for problem in self.library.problems[:5]:
            self.notify(str(problem), title="Deck skipped", severity="error", timeout=15, markup=False)
        if self.start_deck or self.start_topic:
            deck_ids = [self.start_deck] if self.start_deck else [d.id for d in self.library.decks]
            if self.start_deck and self.start_deck not in {d.id for d in self.library.decks}:
                self.notify(f"no deck {self.start_deck!r}", severity="error", markup=False)
                return
            title = next((d.title for d in self.library.decks if d.id == self.start_deck), "All decks")
            self.push_screen(ReviewScreen(self.library, deck_ids, title, self.start_topic))
