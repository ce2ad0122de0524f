"""QuizApp: the screens, global bindings and styles of the review interface."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from quizapp.library import Library
from quizapp.tui import cjk_wrap
from quizapp.tui.messages import HomeWanted
from quizapp.tui.scheduler_thread import SchedulerThread
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.terminal import leave_when_the_terminal_goes


class QuizApp(App[int]):
    """Home screen of decks; Enter or `r` starts a review session."""

    CSS_PATH = "quizapp.tcss"
    TITLE = "quizapp"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, library: Library, *, deck: str | None = None, topic: str | None = None) -> None:
        super().__init__()
        cjk_wrap.install()
        self.library = library
        self.scheduler_thread = SchedulerThread(library.scheduler)
        self.start_deck = deck
        self.start_topic = topic

    def on_mount(self) -> None:
        if not self.is_headless:
            leave_when_the_terminal_goes(self)
        if self.library.db.read_only is not None:  # browsing works; the notice says why answers will not
            self.sub_title = "read-only"
            notice = f"Answers are not saved: {self.library.db.read_only}."
            self.notify(notice, title="Read-only", severity="warning", timeout=30, markup=False)
        for problem in self.library.problems[:5]:
            self.notify(str(problem), title="Deck skipped", severity="error", timeout=15, markup=False)
        if self.start_deck and self.start_deck not in {d.id for d in self.library.decks}:
            self.notify(f"no deck {self.start_deck!r}", severity="error", markup=False)
        elif self.start_deck or self.start_topic:
            deck_ids = [self.start_deck] if self.start_deck else [d.id for d in self.library.decks]
            title = next((d.title for d in self.library.decks if d.id == self.start_deck), "All decks")
            self.push_screen(ReviewScreen(self.library, self.scheduler_thread, deck_ids, title, self.start_topic))
            return
        self.push_screen(HomeScreen(self.library, self.scheduler_thread))

    def on_unmount(self) -> None:
        """A write under way still commits (or fails) whole; the thread then closes its connection."""
        self.scheduler_thread.close()

    def on_home_wanted(self, _message: HomeWanted) -> None:
        self.go_home()

    def go_home(self) -> None:
        """Back to the home screen. Home is built when first needed: a review started with --deck or
        --topic shows its first card without it (which saves about 0.1 s of start-up)."""
        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack[:-1]):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen(self.library, self.scheduler_thread))
