"""Review: one card at a time; reveal, tick key points, grade; undo, suspend, bury."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Markdown, Static

from quizapp.decks.questions import StoredChoice
from quizapp.drill import DrillQueue, drill_order
from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.scheduling import (
    AnswerMarks,
    AnswerResult,
    Confidence,
    Grade,
    NextUp,
    QueueCounts,
    ReviewScheduler,
    StudyCard,
    UndoExpired,
)
from quizapp.session import Answered, Hidden, Practised, Session
from quizapp.store.states import CardState
from quizapp.tui import faces, stopwatch
from quizapp.tui.messages import HomeWanted
from quizapp.tui.scheduler_thread import SchedulerThread

T = TypeVar("T")

PAST = {"suspend": "suspended", "bury": "buried"}
MAX_KEY_POINTS = 40  # a checklist of thousands would take seconds to build; a real one has 3-6
WAITING_NOTICE_AFTER = 0.3  # seconds: a write takes milliseconds unless another window holds the lock
WAITING_NOTICE = "waiting for the other window…"
IDLE_AFTER_SECONDS = 300  # a card shown longer than this was left on screen: the session's time counts 5 min
STATE_NAMES = {
    CardState.New: "new",
    CardState.Learning: "learning",
    CardState.Review: "review",
    CardState.Relearning: "relearning",
}
MARKDOWN_ESCAPE = re.compile(r"\\(.)")  # a backslash escape of the card's Markdown, for the pinned question line
PICK = Binding.Group("Pick a choice (question side) · tick a key point (answer side)")
CONFIDENCE_KEYS = {"y": Confidence.Sure, "m": Confidence.Unsure, "n": Confidence.Guess}
CONFIDENCE_NAMES = {Confidence.Sure: "sure", Confidence.Unsure: "unsure", Confidence.Guess: "guess"}


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


def edited(card: StudyCard) -> bool:
    """Whether the question changed since the card was last answered (known for answers since schema 7)."""
    return card.seen_hash is not None and card.seen_hash != card.content_hash


def counts_line(counts: QueueCounts, done: int, active_seconds: float, drill: bool) -> Content:
    """Above the card, as Anki users expect: new / learning / review still to go, then what is done and the time
    spent answering (idle minutes left out)."""
    minutes, seconds = divmod(int(active_seconds), 60)
    tail = f"   done {done} · {minutes}:{seconds:02d}"
    if drill:
        return Content.assemble(("Drill ", "bold"), f"{counts.total} to go", tail)
    return Content.assemble(
        ("New ", "bold"), (f"{counts.new}", "bold $primary"),
        (" · Learn ", "bold"), (f"{counts.learning}", "bold $error"),
        (" · Review ", "bold"), (f"{counts.review}", "bold $success"), tail,
    )  # fmt: skip


class ReviewScreen(Screen[None]):
    """A review session over some decks (and optionally one topic), or a drill of a topic (`drill=True`)."""

    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "accept", "Show answer or grade", show=False),
        Binding("space", "accept", "Grade Good, or the suggested grade", show=False),
        Binding("space", "show_early", "Show the card coming due now", show=False),
        *(
            Binding(key, f"confidence({int(level)})", f"Before the answer: {CONFIDENCE_NAMES[level]}", show=False)
            for key, level in CONFIDENCE_KEYS.items()
        ),
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        *(
            Binding(letter, f"pick({i})", f"Pick {letter}", show=False, group=PICK)
            for i, letter in enumerate(faces.LETTERS)
        ),
        Binding("u", "undo", "Undo"),
        Binding("w", "changes", "What changed since your last answer", show=False),
        Binding("i", "deck_info", "The card's deck: description, notation, topics", show=False),
        Binding("e", "edit", "Edit the question in $EDITOR (the deck is synced after)", show=False),
        Binding("s", "suspend", "Suspend"),
        Binding("minus", "bury", "Bury"),
        Binding("q,escape", "back", "Back"),
    ]

    card: reactive[StudyCard | None] = reactive(None, always_update=True, bindings=True, repaint=False, init=False)
    """The card shown, question side first; None before the first one and once the session is over."""
    revealed: reactive[bool] = reactive(False, bindings=True, repaint=False, init=False)
    """Whether the answer side of the card is shown."""
    picked: reactive[frozenset[int]] = reactive(frozenset(), repaint=False, init=False)
    """The choices marked on a choice card, by index."""
    suggested: reactive[Grade | None] = reactive(None, repaint=False, init=False)
    recalled: reactive[frozenset[int]] = reactive(frozenset(), repaint=False, init=False)
    """The key points ticked as recalled on the answer side (their indices)."""
    """What Enter grades on a revealed choice card: Good after a right pick, Again after a wrong one."""
    waiting: reactive[bool] = reactive(False, repaint=False, init=False)
    """A write has taken long enough to say so: another window holds the database's write lock."""
    confidence: reactive[Confidence | None] = reactive(None, repaint=False, init=False)
    """How sure the candidate said they were, before the reveal (y, m, n); kept with the answer."""

    def __init__(
        self,
        library: Library,
        scheduler_thread: SchedulerThread,
        deck_ids: Sequence[str],
        title: str,
        topic: str | None = None,
        *,
        drill: bool = False,
    ) -> None:
        super().__init__()
        self.library = library
        self.scheduler = library.scheduler  # on the event loop: the first card, the intervals, the clock
        self.scheduler_thread = scheduler_thread  # the writes, and the reads that follow them
        self.deck_ids = list(deck_ids)
        self.topic = topic
        self.session_title = title if not topic else f"{title} · {topic}"
        self.drill: DrillQueue | None = None  # a drill's cards still to ask; None in the daily review
        if drill:
            self.drill = DrillQueue.of(drill_order(self.scheduler, self.deck_ids, topic or ""))
            self.session_title = f"Drill · {topic or title}"
        self.session = Session(started=self.scheduler.now())
        self.shown_at = 0.0
        self.counts = QueueCounts()  # still to study, as last read
        self.early: NextUp | None = None  # a learning card not due yet, and nothing else: shown when due
        self.lapses = 0  # of the card shown
        self.writing = False  # a write is under way on the scheduler thread
        self.held: list[str] = []  # the actions of keys pressed meanwhile, run once it is done

    def compose(self) -> ComposeResult:
        yield Static(id="session-title")
        yield Static(id="counts")
        yield Static(id="question-line")  # the question, once the answer has scrolled it out of view
        with VerticalScroll(id="card"):  # one scroll area for both sides
            yield Static(id="leech-tag")
            yield Static(id="card-meta")
            yield Markdown(id="prompt")
            yield Markdown(id="choices")
            with Vertical(id="back"):
                yield Markdown(id="answer")
                yield Static(id="key-points-label")
                yield Static(id="key-points")
                yield Markdown(id="extras")
        yield Static(id="grade-bar")
        # the key line (? lists every key) comes once the first card is painted: its twenty-odd keys are widgets of
        # their own, which would put off the first paint by a tenth of the whole launch

    def on_mount(self) -> None:
        heading = ("", "") if self.drill is not None else ("Review · ", "bold")
        self.query_one("#session-title", Static).update(Content.assemble(heading, self.session_title))
        self.query_one("#question-line").display = False
        self.watch(self.query_one("#card", VerticalScroll), "scroll_y", self._scrolled, init=False)
        self.set_interval(1, self.tick)
        try:
            first = self.next_up(self.scheduler)  # in WAL mode a read never waits for a writer
        except QuizError as e:
            self.app.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)
            self.app.post_message(HomeWanted())
            return
        self.show(first)
        self.call_after_refresh(self._add_key_line)

    async def _add_key_line(self) -> None:
        """The key line, once the first card is painted (see `compose`); it lists the bindings when told they are
        in place."""
        await self.mount(Footer(show_command_palette=False, compact=True))
        self.refresh_bindings()

    # --- what is shown -----------------------------------------------------------------

    def next_up(self, scheduler: ReviewScheduler) -> NextUp:
        """The next due card and the count still due, read with `scheduler` (on the thread it belongs to); in a
        drill, the drill's next card and the answers it still needs."""
        if self.drill is not None:
            card_id = self.drill.next_id()
            if card_id is None:
                return NextUp(None)
            return NextUp(scheduler.card(card_id), QueueCounts(review=len(self.drill)), scheduler.lapses(card_id))
        return scheduler.next_up(self.deck_ids, self.topic)

    def show(self, next_up: NextUp) -> None:
        """Show a card question side up, or the summary when there is none. A learning card that is not due yet
        (nothing else is left: the queue offers it within the learn-ahead window) waits, saying when it comes."""
        self.early = None
        if next_up.card is None:
            self.finish(queue_empty=True)
            return
        self.counts = next_up.counts
        card = next_up.card
        not_due = card.due is not None and card.due > self.scheduler.now()
        if self.drill is None and not_due and card.state != CardState.Review:
            self.wait_for(next_up)
            return
        self.show_card(next_up)

    def show_card(self, next_up: NextUp) -> None:
        """Draw a card question side up."""
        self.early = None
        # A card starts unrevealed with nothing picked; set quietly, as the card's watcher draws it all.
        self.set_reactive(ReviewScreen.revealed, False)
        self.set_reactive(ReviewScreen.picked, frozenset())
        self.set_reactive(ReviewScreen.suggested, None)
        self.set_reactive(ReviewScreen.recalled, frozenset())
        self.set_reactive(ReviewScreen.confidence, None)
        self.shown_at = stopwatch.seconds()
        self.lapses = next_up.lapses
        self.card = next_up.card
        self.tick()

    def wait_for(self, next_up: NextUp) -> None:
        """Nothing is due now but a learning card coming due soon: say so, and show it when due."""
        self.card = None
        self.early = next_up
        self.query_one("#card-meta", Static).update("")
        self.query_one("#leech-tag").display = False
        self.query_one("#choices").display = False
        self.query_one("#back").display = False
        self.query_one("#question-line").display = False
        self.tick()

    def tick(self) -> None:
        """Every second: the counts line with the time spent, and a waiting card shown once it is due."""
        early = self.early
        if early is not None and early.card is not None and early.card.due is not None:
            left = (early.card.due - self.scheduler.now()).total_seconds()
            if left <= 0:
                self.show_card(early)
                return
            minutes = max(1, round(left / 60))
            notice = (
                f"**Next card in {minutes} min** ({early.card.uid}, learning).\n\n"
                "Nothing else is due. It shows here when due; press space to see it now, or q to stop."
            )
            self.query_one("#prompt", Markdown).update(notice)
            self.query_one("#grade-bar", Static).update(
                Content.assemble(("space", "bold"), ": show it now · ", ("q", "bold"), ": stop")
            )
        done = len(self.session.answers) + len(self.session.practised)
        running = 0.0 if self.card is None else min(stopwatch.seconds() - self.shown_at, IDLE_AFTER_SECONDS)
        line = counts_line(self.counts, done, self.session.active_seconds + running, self.drill is not None)
        self.query_one("#counts", Static).update(line)

    def action_show_early(self) -> None:
        if self.early is not None:
            self.show_card(self.early)

    def _scrolled(self) -> None:
        """Pin the question above the card once the answer has scrolled it out of view."""
        card, line = self.card, self.query_one("#question-line", Static)
        prompt = self.query_one("#prompt", Markdown)
        out_of_view = self.query_one("#card", VerticalScroll).scroll_y >= prompt.virtual_region.bottom
        line.display = card is not None and self.revealed and out_of_view
        if line.display and card is not None:
            first = " ".join(MARKDOWN_ESCAPE.sub(r"\1", prompt.source).split())
            line.update(Content.styled(f"Q: {first}", "dim"))

    async def watch_card(self, card: StudyCard | None) -> None:
        """Draw the question side of a new card."""
        if card is None or card is not self.card:  # the session is over, or a later card is on its way
            self.update_grade_bar()
            return
        question = card.question
        level = f" · level {question.level}" if question.level else ""
        meta = Content.styled(
            f"{question.type} · {STATE_NAMES[card.state]}{level} · {card.deck_id} · {card.topic}", "dim"
        )
        if edited(card):
            meta = Content.assemble(("✎ edited since your last answer", "bold $warning"), " (w: what changed) ", meta)
        self.query_one("#card-meta", Static).update(meta)
        leech = faces.leech_tag(self.lapses, self.scheduler.review.leech_threshold)
        self.query_one("#leech-tag", Static).update(Content(leech))
        self.query_one("#leech-tag").display = bool(leech)
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
        self.update_grade_bar()

    async def watch_revealed(self) -> None:
        """Draw the answer side (a new card hides it: see `watch_card`)."""
        card = self.card
        if card is None or not self.revealed:  # a new card came meanwhile: its watcher draws it
            return
        question = card.question
        if isinstance(question, StoredChoice):
            await self.query_one("#choices", Markdown).update(faces.choice_list(question, self.picked, revealed=True))
        await self.query_one("#answer", Markdown).update(faces.back(question, card.cloze))
        count = min(len(question.key_points), len(faces.LETTERS))
        label = f"Key points — press {faces.LETTERS[0]}–{faces.LETTERS[count - 1]} to tick what you recalled:"
        self.query_one("#key-points-label", Static).update(Content(label) if count else "")
        self.draw_key_points()
        self.query_one("#key-points").display = bool(question.key_points)
        self.query_one("#key-points-label").display = bool(question.key_points)
        await self.query_one("#extras", Markdown).update(faces.extras(question))
        self.query_one("#back").display = True
        if not isinstance(question, StoredChoice):  # a choice card keeps its prompt and marked choices in view
            self.call_after_refresh(self._scroll_to_answer, card.id)
        self.update_grade_bar()

    async def watch_picked(self, picked: frozenset[int]) -> None:
        """Mark the picks of a choice card before its reveal (the answer side shows them after)."""
        card = self.card
        if card is not None and isinstance(card.question, StoredChoice) and not self.revealed:
            await self.query_one("#choices", Markdown).update(faces.choice_list(card.question, picked, revealed=False))

    def draw_key_points(self) -> None:
        card = self.card
        if card is not None:
            text = faces.key_point_list(card.question.key_points, self.recalled, MAX_KEY_POINTS)
            self.query_one("#key-points", Static).update(Content(text))

    def watch_recalled(self, recalled: frozenset[int]) -> None:
        """Redraw the checklist; the share ticked suggests a grade (a choice card's picks decide there)."""
        card = self.card
        if card is None or not self.revealed:
            return
        self.draw_key_points()
        if not (isinstance(card.question, StoredChoice) and self.picked):
            suggested = faces.suggested_by_key_points(len(recalled), len(card.question.key_points))
            self.suggested = Grade(suggested) if suggested else None

    def watch_suggested(self) -> None:
        self.update_grade_bar()

    def watch_waiting(self) -> None:
        self.update_grade_bar()

    def _scroll_to_answer(self, card_id: int) -> None:
        """Bring the answer to the top, unless the user has already moved on to another card."""
        if self.card is not None and self.card.id == card_id and self.revealed:
            self.query_one("#card", VerticalScroll).scroll_to_widget(self.query_one("#back"), top=True, animate=False)

    def update_grade_bar(self) -> None:
        """Before the reveal: how to reveal; after: each grade with its next interval; during a long write: why."""
        bar = self.query_one("#grade-bar", Static)
        card = self.card
        if self.waiting:
            bar.update(Content.styled(WAITING_NOTICE, "bold"))
            return
        if card is None:
            bar.update("")
            return
        if not self.revealed:
            sure = self.confidence_hint()
            if isinstance(card.question, StoredChoice):
                several = len(card.question.correct_set) > 1
                letters = faces.LETTERS[: len(card.question.choices)]
                hint = f"pick {letters[0]}–{letters[-1]}" + (" (several)" if several else "")
                bar.update(Content.assemble((hint, "bold"), ", then ", ("space", "bold"), ": show answer", *sure))
            else:
                bar.update(Content.assemble(("space", "bold"), ": show answer", *sure))
            return
        practice = self.drill is not None and not self.scheduler.due_now(card)
        intervals = {} if practice else self.scheduler.intervals(card)
        parts: list[str | tuple[str, str]] = []
        for grade in Grade:
            style = "reverse bold" if grade == self.suggested else "bold"
            wait = "" if practice else f" {format_interval(intervals[grade])}"
            parts += [(f" {int(grade)} ", style), f" {grade.name}{wait}   "]
        parts += [("space/enter", "bold"), f": {(self.suggested or Grade.Good).name}"]
        if practice:
            parts.append(" · not due: its schedule stays as it is")
        elif self.confidence is not None:
            parts.append(f" · you said {CONFIDENCE_NAMES[self.confidence]}")
        bar.update(Content.assemble(*parts))

    def confidence_hint(self) -> list[str | tuple[str, str]]:
        """Before the reveal: the confidence keys, the one said in reverse."""
        parts: list[str | tuple[str, str]] = [" · "]
        for key, level in CONFIDENCE_KEYS.items():
            style = "reverse bold" if level == self.confidence else "bold"
            parts += [(key, style), f" {CONFIDENCE_NAMES[level]} "]
        return [*parts, "· ", ("?", "bold"), " keys"]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show and allow only the keys that make sense on this side of this card."""
        card = self.card
        if action == "reveal":
            return card is not None and not self.revealed
        if action == "accept":
            return card is not None
        if action == "show_early":
            return self.early is not None
        if action == "changes":
            return card is not None and edited(card)
        if action == "confidence":
            return card is not None and not self.revealed
        if action == "grade":
            return self.revealed
        if action == "pick":  # a letter picks a choice before the reveal, ticks a key point after it
            question = card.question if card else None
            index = parameters[0] if parameters and isinstance(parameters[0], int) else 0
            if question is not None and self.revealed:
                return index < len(question.key_points)
            return isinstance(question, StoredChoice) and not self.revealed and index < len(question.choices)
        if action == "undo":
            return self.session.last is not None
        if action in ("suspend", "bury"):
            return card is not None
        return True

    # --- writes ------------------------------------------------------------------------

    def write(
        self,
        job: Callable[[ReviewScheduler], T],
        then: Callable[[T], None],
        failed: Callable[[QuizError], None],
    ) -> None:
        """Run `job` (a write and the reads after it) on the scheduler thread, then `then` with its result
        on the event loop, or `failed` with the QuizError it raised. One write at a time: a second one
        could only come from a key pressed twice."""
        if self.writing:
            return
        self.writing = True
        self._write(job, then, failed)

    @work(group="writes")
    async def _write(
        self,
        job: Callable[[ReviewScheduler], T],
        then: Callable[[T], None],
        failed: Callable[[QuizError], None],
    ) -> None:
        notice = self.set_timer(WAITING_NOTICE_AFTER, self._say_waiting)
        try:
            result = await self.scheduler_thread.run(job)
        except QuizError as e:
            self._written(notice)
            self.held.clear()  # typed for a card that did not move on: the user reads the error first
            failed(e)
            return
        self._written(notice)
        then(result)
        while self.held and not self.writing and self.is_current:
            await self.run_action(self.held.pop(0))
        if not self.writing:  # else a replayed key started another write: the rest wait for that one
            self.held.clear()

    def _say_waiting(self) -> None:
        self.waiting = True

    def _written(self, notice: Timer) -> None:
        """The write is over (not called when the worker is cancelled: the screen is then going away)."""
        notice.stop()
        self.writing = False
        self.waiting = False

    def on_key(self, event: events.Key) -> None:
        """During a write, this screen's keys wait for it, and then act in order on what it left on screen,
        as keys typed ahead always have. A grade is dropped: it was meant for the card being answered."""
        action = ACTION_OF_KEY.get(event.key)
        if not self.writing or action is None:
            return
        event.stop()
        event.prevent_default()
        if not action.startswith(GRADING):
            self.held.append(action)

    # --- actions -----------------------------------------------------------------------

    def reveal(self) -> None:
        """Turn the card over; the picks of a choice card suggest a grade."""
        card = self.card
        if card is None or self.revealed:
            return
        if isinstance(card.question, StoredChoice) and self.picked:
            self.suggested = Grade.Good if faces.grade_is_right(card.question, self.picked) else Grade.Again
        self.revealed = True

    def action_reveal(self) -> None:
        self.reveal()

    def action_accept(self) -> None:
        """Space or Enter: show the answer, then grade Good, or the grade the picks or key points suggest."""
        if not self.revealed:
            self.reveal()
        else:
            self.action_grade(int(self.suggested or Grade.Good))

    def action_confidence(self, level: int) -> None:
        """Say how sure you are before the reveal; the same key again takes it back."""
        if self.card is not None and not self.revealed:
            self.confidence = None if self.confidence == level else Confidence(level)

    def watch_confidence(self) -> None:
        self.update_grade_bar()

    def action_pick(self, index: int) -> None:
        card = self.card
        if card is not None and self.revealed and index < len(card.question.key_points):
            self.recalled = self.recalled ^ {index}
            return
        if card is None or self.revealed or not isinstance(card.question, StoredChoice):
            return
        if len(card.question.correct_set) > 1:
            self.picked = self.picked ^ {index}
        else:  # a pick can still be changed: space or enter confirms it
            self.picked = frozenset({index})

    def marks(self, card: StudyCard, grade: int) -> AnswerMarks:
        """What this answer recalled and picked. Key points are kept once any was ticked, or with an Again
        (nothing recalled); an answer graded without ticking says nothing about them."""
        question = card.question
        points: tuple[bool, ...] = ()
        if question.key_points and (self.recalled or grade == Grade.Again):
            points = tuple(index in self.recalled for index in range(len(question.key_points)))
        return AnswerMarks(points, self.picked if isinstance(question, StoredChoice) else None, self.confidence)

    def action_grade(self, grade: int) -> None:
        card = self.card
        if card is None or not self.revealed:
            return
        duration_ms = int((stopwatch.seconds() - self.shown_at) * 1000)
        marks = self.marks(card, grade)
        self.session.active_seconds += min(duration_ms / 1000, IDLE_AFTER_SECONDS)

        def answer(scheduler: ReviewScheduler) -> tuple[AnswerResult | Practised, NextUp]:
            drill = self.drill
            result: AnswerResult | Practised
            if drill is not None and not scheduler.due_now(scheduler.card(card.id)):
                practice_id = scheduler.practice(card.id, Grade(grade), duration_ms, marks, "drill")
                result = Practised(practice_id, card.id, card.topic, grade)
            else:
                mode = None if drill is None else "drill"
                result = scheduler.answer(card.id, Grade(grade), duration_ms, marks, mode=mode)
            if drill is not None:
                drill.answered(card.id, grade != Grade.Again)
            return result, self.next_up(scheduler)

        def answered(done: tuple[AnswerResult | Practised, NextUp]) -> None:
            result, next_up = done
            if isinstance(result, Practised):
                self.session.record(result)
                self.show(next_up)
                return
            self.session.record(Answered(result.review_id, card.id, card.topic, grade))
            if result.leech:
                notice = faces.leech_notice(result.lapses, result.suspended)
                self.notify(notice, title=f"Leech: {card.uid}", severity="warning", timeout=10, markup=False)
            self.show(next_up)

        def failed(e: QuizError) -> None:
            retry = "" if self.library.db.read_only else f"\nThe card stays here: press {grade} again to retry."
            self.notify(f"{e.message}{retry}", title="Answer not saved", severity="error", timeout=10, markup=False)

        self.write(answer, answered, failed)

    def action_undo(self) -> None:
        last = self.session.last
        if last is None:
            return

        def undo(scheduler: ReviewScheduler) -> NextUp:
            if isinstance(last, Answered):
                card_id = scheduler.undo(last.review_id)
            elif isinstance(last, Practised):
                scheduler.undo_practice(last.practice_id)
                card_id = last.card_id
            else:
                scheduler.unhide(last.card_id)
                card_id = last.card_id
            if self.drill is not None:
                self.drill.put_back(card_id)
                counts = QueueCounts(review=len(self.drill))
            else:
                counts = scheduler.left_today(self.deck_ids, self.topic)
            return NextUp(scheduler.card(card_id), counts, scheduler.lapses(card_id))

        def undone(next_up: NextUp) -> None:
            self.session.pop_last()
            answered = isinstance(last, (Answered, Practised))
            self.notify("Answer undone" if answered else "The card is back in the queue", timeout=2)
            self.show(next_up)

        def failed(e: QuizError) -> None:
            if isinstance(e, UndoExpired):  # stale for good: drop it, so `u` reaches the actions before it
                self.session.pop_last()
                earlier = " Press u again to undo the action before it." if self.session.last else ""
                self.notify(e.message + earlier, title="Undo", severity="error", markup=False)
                self.refresh_bindings()
            else:  # e.g. the database is locked: the same undo may work on the next try
                self.notify(e.message, title="Undo", severity="error", markup=False)

        self.write(undo, undone, failed)

    def action_suspend(self) -> None:
        """Suspend after a yes: a suspended card stays out until brought back (home → h)."""
        card = self.card
        if card is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and self.card is not None and self.card.id == card.id:
                self._hide("suspend")

        from quizapp.tui.screens.confirm import ConfirmScreen  # the screens a key opens load when first opened

        detail = "It stays out of every review until you bring it back (home: h, or `quizapp unsuspend`)."
        self.app.push_screen(ConfirmScreen(f"Suspend {card.uid}?", detail), answered)

    def action_changes(self) -> None:
        """Show what changed in the question since the card's last answer."""
        card = self.card
        if card is None:
            return
        from quizapp.question_diff import changed_lines
        from quizapp.tui.screens.changes import ChangesScreen

        before = self.scheduler.question_seen(card)
        lines = changed_lines(before, card.question) if before is not None else []
        self.app.push_screen(ChangesScreen(card.uid, lines))

    def action_edit(self) -> None:
        """Open the card's question in the editor; on return the deck is synced and the card shown again, its
        history kept (ids are stable). A card the edit retired is skipped."""
        from quizapp.tui.editor import edit_question

        card = self.card
        if card is None or self.writing or not edit_question(self.app, card, self.library):
            return
        try:
            self.show(NextUp(self.scheduler.card(card.id), self.scheduler.left_today(self.deck_ids, self.topic)))
        except QuizError:  # retired by the edit: the next card
            self.show(self.next_up(self.scheduler))

    def action_deck_info(self) -> None:
        card = self.card
        from quizapp.tui.screens.deck_info import DeckInfoScreen

        deck = next((d for d in self.library.decks if card is not None and d.id == card.deck_id), None)
        if deck is not None:
            self.app.push_screen(DeckInfoScreen(self.library, deck))

    def action_bury(self) -> None:
        self._hide("bury")

    def _hide(self, how: str) -> None:
        """Suspend or bury the current card (undoable with `u`)."""
        card = self.card
        if card is None:
            return

        def hide(scheduler: ReviewScheduler) -> NextUp:
            (scheduler.suspend if how == "suspend" else scheduler.bury)(card.id)
            if self.drill is not None:
                self.drill.answered(card.id, passed=True)  # out of the drill too
            return self.next_up(scheduler)

        def hidden(next_up: NextUp) -> None:
            self.session.record(Hidden(card.id, how))
            until = "" if how == "suspend" else " until tomorrow"
            self.notify(f"{PAST[how].capitalize()} {card.uid}{until} (u to undo)", timeout=3, markup=False)
            self.show(next_up)

        def failed(e: QuizError) -> None:
            self.notify(e.message, title=f"Not {PAST[how]}", severity="error", markup=False)

        self.write(hide, hidden, failed)

    def action_back(self) -> None:
        self.finish()

    def finish(self, *, queue_empty: bool = False) -> None:
        """End the session: show the summary if anything was answered, then go home."""
        self.card = None
        self.early = None
        self.held.clear()
        from quizapp.sitting_summary import summarize
        from quizapp.tui.screens.summary import SummaryScreen

        summary = summarize(self.session, self.scheduler.now(), self.library.db)
        if summary.reviewed or summary.practised:
            self.app.switch_screen(SummaryScreen(summary, self.session_title))
        else:
            self.app.post_message(HomeWanted())
            if queue_empty:
                self.app.notify("Nothing due here right now.", timeout=3)


ACTION_OF_KEY: dict[str, str] = {}
for _binding in ReviewScreen.BINDINGS:  # a key's first binding: space typed ahead reveals the next card
    assert isinstance(_binding, Binding)
    for _key in _binding.key.split(","):
        ACTION_OF_KEY.setdefault(_key, _binding.action)
GRADING = ("grade", "accept")  # what a number, or Enter on a revealed card, does
