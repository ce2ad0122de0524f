"""QuizApp: the screens, global bindings and styles of the review interface."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from quizapp import collector
from quizapp.config import MockSettings
from quizapp.library import Library
from quizapp.tui import cjk_wrap
from quizapp.tui.messages import HomeWanted, MockWanted
from quizapp.tui.scheduler_thread import SchedulerThread
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.start import Start
from quizapp.tui.terminal import leave_when_the_terminal_goes


class QuizApp(App[int]):
    """Home screen of decks; Enter or `r` starts a review session."""

    CSS_PATH = "quizapp.tcss"
    TITLE = "quizapp"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("question_mark,f1", "help", "Help", show=False, priority=True),  # over dialogs and tables too
    ]

    def __init__(
        self,
        library: Library,
        *,
        deck: str | None = None,
        topic: str | None = None,
        start: Start | None = None,
        mock: MockSettings | None = None,
    ) -> None:
        super().__init__()
        cjk_wrap.install()
        self.library = library
        self.scheduler_thread = SchedulerThread(library.scheduler)
        self.start = start or Start(deck=deck, topic=topic)
        self.mock_settings = mock or MockSettings()

    def on_mount(self) -> None:
        if not self.is_headless:
            leave_when_the_terminal_goes(self)
        if self.library.db.read_only is not None:  # browsing works; the notice says why answers will not
            self.sub_title = "read-only"
            notice = f"Answers are not saved: {self.library.db.read_only}."
            self.notify(notice, title="Read-only", severity="warning", timeout=30, markup=False)
        start = self.start
        if self.library.problems and (start.deck or start.topic or start.mode != "review"):  # home lists them
            count = len({p.path for p in self.library.problems})
            notice = f"{count} deck file(s) have errors; their decks' last good version is reviewed. Home lists them."
            self.notify(notice, title="Deck errors", severity="warning", timeout=15, markup=False)
        if start.deck and start.deck not in {d.id for d in self.library.decks}:
            self.notify(f"no deck {start.deck!r}", severity="error", markup=False)
        elif start.mode == "mock":
            self.push_screen(
                self.mock_screen(start.topic, start.minutes, start.seed, [start.deck] if start.deck else None)
            )
            return
        elif start.deck or start.topic:
            deck_ids = [start.deck] if start.deck else [d.id for d in self.library.decks]
            title = next((d.title for d in self.library.decks if d.id == start.deck), "All decks")
            drill = start.mode == "drill"
            self.push_screen(
                ReviewScreen(self.library, self.scheduler_thread, deck_ids, title, start.topic, drill=drill)
            )
            return
        self.push_screen(self.home_screen())

    def on_ready(self) -> None:
        """The first frame is on the screen: the garbage collector, held off for the start, is back."""
        collector.resume_after_start()

    def home_screen(self) -> Screen[None]:
        """Home (loaded when first shown: a review started with --deck or --topic paints its first card without
        importing home's screens)."""
        from quizapp.tui.screens.home import HomeScreen

        return HomeScreen(self.library, self.scheduler_thread)

    def mock_screen(
        self,
        topic: str | None = None,
        minutes: int | None = None,
        seed: int | None = None,
        deck_ids: list[str] | None = None,
    ) -> Screen[None]:
        """A mock interview with the [mock] settings (the mock's screens load when first used)."""
        from quizapp.tui.screens.mock import MockScreen

        settings = self.mock_settings
        return MockScreen(
            self.library, self.scheduler_thread, settings, minutes=minutes or settings.minutes, topic=topic,
            seed=seed, deck_ids=deck_ids,
        )  # fmt: skip

    def on_unmount(self) -> None:
        """A write under way still commits (or fails) whole; the thread then closes its connection."""
        self.scheduler_thread.close()

    def action_help(self) -> None:
        """The keys of the screen in front, or, pressed again, back to it. (Textual leaves a `?` typed in an
        Input to the Input, priority or not.)"""
        from quizapp.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.screen))

    def on_mock_wanted(self, message: MockWanted) -> None:
        self.push_screen(self.mock_screen(message.topic))

    def on_home_wanted(self, _message: HomeWanted) -> None:
        self.go_home()

    def go_home(self) -> None:
        """Back to the home screen. Home is built when first needed: a review started with --deck or
        --topic shows its first card without it (which saves about 0.1 s of start-up)."""
        from quizapp.tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack[:-1]):
            self.pop_screen()
        else:
            self.switch_screen(self.home_screen())
