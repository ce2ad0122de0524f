"""Review: one card at a time; reveal, tick key points, grade; undo, suspend, bury."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection

from quizapp.decks.questions import StoredChoice
from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.mathtext import render_plain_math
from quizapp.scheduling import Grade, StudyCard, UndoExpired
from quizapp.session import Answered, Hidden, Session
from quizapp.store.states import CardState
from quizapp.tui import faces
from quizapp.tui.messages import HomeWanted
from quizapp.tui.screens.confirm import ConfirmScreen
from quizapp.tui.screens.summary import SummaryScreen

PAST = {"suspend": "suspended", "bury": "buried"}
MAX_KEY_POINTS = 40  # a checklist of thousands would take seconds to build; a real one has 3-6
MAX_KEY_POINT_CHARS = 500
STATE_NAMES = {
    CardState.New: "new",
    CardState.Learning: "learning",
    CardState.Review: "review",
    CardState.Relearning: "relearning",
}


def format_interval(delta: timedelta) -> str:
    """Short human interval: <1m, 10m, 3h, 4d, 45d, 3.5mo, 1.2y."""
    minutes = delta.total_seconds() / 60
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{minutes:.0f}m"
    if minutes < 60 * 24:
        return f"{minutes / 60:.0f}h"
    days = minutes / (60 * 24)
    if days < 100:  # whole study days, exactly as the card will be scheduled
        return f"{days:.0f}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


class ReviewScreen(Screen[None]):
    """A review session over some decks (and optionally one topic)."""

    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "accept", "Accept", show=False),
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        *(Binding(letter, f"pick({i})", f"Pick {letter}", show=False) for i, letter in enumerate(faces.LETTERS)),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("minus", "bury", "Bury"),
        Binding("q,escape", "back", "Back"),
    ]

    def __init__(self, library: Library, deck_ids: Sequence[str], title: str, topic: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.scheduler = library.scheduler
        self.deck_ids = list(deck_ids)
        self.topic = topic
        self.session_title = title if not topic else f"{title} · {topic}"
        self.session = Session(started=self.scheduler.now())
        self.card: StudyCard | None = None
        self.revealed = False
        self.picked: frozenset[int] = frozenset()
        self.suggested: Grade | None = None
        self.shown_at = 0.0

    def compose(self) -> ComposeResult:
        yield Static(id="session-title")
        yield ProgressBar(id="progress", show_eta=False)
        with VerticalScroll(id="card"):
            yield Static(id="card-meta")
            yield Markdown(id="prompt")
            yield Markdown(id="choices")
            with VerticalScroll(id="back"):
                yield Markdown(id="answer")
                yield Static("Key points — tick what you recalled (↑/↓, space):", id="key-points-label")
                yield SelectionList[int](id="key-points")
                yield Markdown(id="extras")
        yield Static(id="grade-bar")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#session-title", Static).update(Content.assemble(("Review · ", "bold"), self.session_title))
        await self.show_next()

    # --- showing cards -----------------------------------------------------------------

    async def show_next(self) -> None:
        """Fetch and show the next due card, or the summary when there is none."""
        card = self.scheduler.next_card(self.deck_ids, self.topic)
        if card is None:
            self.finish(queue_empty=True)
            return
        await self.show_card(card)

    async def show_card(self, card: StudyCard) -> None:
        """Show the question side of `card`."""
        self.card, self.revealed, self.picked, self.suggested = card, False, frozenset(), None
        question = card.question
        level = f" · level {question.level}" if question.level else ""
        self.query_one("#card-meta", Static).update(
            Content.styled(f"{question.type} · {STATE_NAMES[card.state]}{level} · {card.deck_id} · {card.topic}", "dim")
        )
        await self.query_one("#prompt", Markdown).update(faces.front(question, card.cloze))
        choices = self.query_one("#choices", Markdown)
        choices.display = isinstance(question, StoredChoice)
        if isinstance(question, StoredChoice):
            await choices.update(faces.choice_list(question, self.picked, revealed=False))
        self.query_one("#back").display = False
        card_view = self.query_one("#card", VerticalScroll)
        card_view.scroll_home(animate=False)
        self.call_after_refresh(card_view.scroll_home, animate=False)  # after the new card's layout
        card_view.focus()
        self.update_progress()
        self.update_grade_bar()
        self.refresh_bindings()
        self.shown_at = time.monotonic()

    async def reveal(self) -> None:
        """Show the answer side."""
        card = self.card
        if card is None or self.revealed:
            return
        self.revealed = True
        question = card.question
        if isinstance(question, StoredChoice):
            await self.query_one("#choices", Markdown).update(faces.choice_list(question, self.picked, revealed=True))
            if self.picked:
                self.suggested = Grade.Good if faces.grade_is_right(question, self.picked) else Grade.Again
        await self.query_one("#answer", Markdown).update(faces.back(question, card.cloze))
        key_points = self.query_one("#key-points", SelectionList)
        key_points.clear_options()
        shown = question.key_points[:MAX_KEY_POINTS]
        checklist = [Selection(Content(render_plain_math(kp[:MAX_KEY_POINT_CHARS])), i) for i, kp in enumerate(shown)]
        key_points.add_options(checklist)
        key_points.display = bool(question.key_points)
        self.query_one("#key-points-label").display = bool(question.key_points)
        await self.query_one("#extras", Markdown).update(faces.extras(question))
        self.query_one("#back").display = True
        if not isinstance(question, StoredChoice):  # a choice card keeps its prompt and marked choices in view
            self.call_after_refresh(self._scroll_to_answer, card.id)
        self.update_grade_bar()
        self.refresh_bindings()

    def _scroll_to_answer(self, card_id: int) -> None:
        """Bring the answer to the top, unless the user has already moved on to another card."""
        if self.card is not None and self.card.id == card_id and self.revealed:
            self.query_one("#card", VerticalScroll).scroll_to_widget(self.query_one("#back"), top=True, animate=False)

    def update_progress(self) -> None:
        """Answered so far against answered plus what is still due today."""
        remaining = self.scheduler.remaining(self.deck_ids, self.topic)
        done = len(self.session.answers)
        self.query_one(ProgressBar).update(total=max(done + remaining, 1), progress=done)

    def update_grade_bar(self) -> None:
        """Before the reveal: how to reveal; after: each grade with its next interval."""
        bar = self.query_one("#grade-bar", Static)
        card = self.card
        if card is None:
            bar.update("")
            return
        if not self.revealed:
            if isinstance(card.question, StoredChoice):
                several = len(card.question.correct_set) > 1
                letters = faces.LETTERS[: len(card.question.choices)]
                hint = f"pick {letters[0]}–{letters[-1]}" + (" (several), then space" if several else "")
                bar.update(Content.assemble((hint, "bold"), " · space: show answer"))
            else:
                bar.update(Content.assemble(("space", "bold"), ": show answer"))
            return
        intervals = self.scheduler.intervals(card)
        parts: list[str | tuple[str, str]] = []
        for grade in Grade:
            style = "reverse bold" if grade == self.suggested else "bold"
            parts += [(f" {int(grade)} ", style), f" {grade.name} {format_interval(intervals[grade])}   "]
        if self.suggested:
            parts.append(("enter", "bold"))
            parts.append(f": {self.suggested.name}")
        bar.update(Content.assemble(*parts))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show and allow only the keys that make sense on this side of this card."""
        card = self.card
        if action == "reveal":
            return card is not None and not self.revealed
        if action == "grade":
            return self.revealed
        if action == "pick":
            question = card.question if card else None
            index = parameters[0] if parameters and isinstance(parameters[0], int) else 0
            return isinstance(question, StoredChoice) and not self.revealed and index < len(question.choices)
        if action == "undo":
            return self.session.last is not None
        if action in ("suspend", "bury"):
            return card is not None
        return True

    # --- actions -----------------------------------------------------------------------

    async def action_reveal(self) -> None:
        await self.reveal()

    async def action_accept(self) -> None:
        if not self.revealed:
            await self.reveal()
        elif self.suggested is not None:
            await self.action_grade(int(self.suggested))

    async def action_pick(self, index: int) -> None:
        card = self.card
        if card is None or self.revealed or not isinstance(card.question, StoredChoice):
            return
        question = card.question
        if len(question.correct_set) > 1:
            self.picked = self.picked ^ {index}
            await self.query_one("#choices", Markdown).update(faces.choice_list(question, self.picked, revealed=False))
        else:
            self.picked = frozenset({index})
            await self.reveal()

    async def action_grade(self, grade: int) -> None:
        card = self.card
        if card is None or not self.revealed:
            return
        duration_ms = int((time.monotonic() - self.shown_at) * 1000)
        try:
            result = self.scheduler.answer(card.id, Grade(grade), duration_ms)
        except QuizError as e:
            retry = "" if self.library.db.read_only else f"\nThe card stays here: press {grade} again to retry."
            self.notify(f"{e.message}{retry}", title="Answer not saved", severity="error", timeout=10, markup=False)
            return
        self.session.record(Answered(result.review_id, card.id, card.topic, grade))
        await self.show_next()

    async def action_undo(self) -> None:
        last = self.session.last
        if last is None:
            return
        try:
            if isinstance(last, Answered):
                card_id = self.scheduler.undo(last.review_id)
            else:
                self.scheduler.unhide(last.card_id)
                card_id = last.card_id
        except UndoExpired as e:  # stale for good: drop it, so `u` reaches the actions before it
            self.session.pop_last()
            earlier = " Press u again to undo the action before it." if self.session.last else ""
            self.notify(e.message + earlier, title="Undo", severity="error", markup=False)
            self.refresh_bindings()
            return
        except QuizError as e:  # e.g. the database is locked: the same undo may work on the next try
            self.notify(e.message, title="Undo", severity="error", markup=False)
            return
        self.session.pop_last()
        self.notify("Answer undone" if isinstance(last, Answered) else "The card is back in the queue", timeout=2)
        await self.show_card(self.scheduler.card(card_id))

    def action_suspend(self) -> None:
        """Suspend after a yes: a suspended card stays out until brought back (home → h)."""
        card = self.card
        if card is None:
            return

        async def answered(yes: bool | None) -> None:
            if yes and self.card is not None and self.card.id == card.id:
                await self._hide("suspend")

        detail = "It stays out of every review until you bring it back (home: h, or `quizapp unsuspend`)."
        self.app.push_screen(ConfirmScreen(f"Suspend {card.uid}?", detail), answered)

    async def action_bury(self) -> None:
        await self._hide("bury")

    async def _hide(self, how: str) -> None:
        """Suspend or bury the current card (undoable with `u`)."""
        card = self.card
        if card is None:
            return
        try:
            (self.scheduler.suspend if how == "suspend" else self.scheduler.bury)(card.id)
        except QuizError as e:
            self.notify(e.message, title=f"Not {PAST[how]}", severity="error", markup=False)
            return
        self.session.record(Hidden(card.id, how))
        until = "" if how == "suspend" else " until tomorrow"
        self.notify(f"{PAST[how].capitalize()} {card.uid}{until} (u to undo)", timeout=3, markup=False)
        await self.show_next()

    def action_back(self) -> None:
        self.finish()

    def finish(self, *, queue_empty: bool = False) -> None:
        """End the session: show the summary if anything was answered, then go home."""
        self.card = None
        summary = self.session.summary(self.scheduler.now())
        if summary.reviewed:
            self.app.switch_screen(SummaryScreen(summary, self.session_title))
        else:
            self.app.post_message(HomeWanted())
            if queue_empty:
                self.app.notify("Nothing due here right now.", timeout=3)
