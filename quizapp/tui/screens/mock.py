"""A mock interview: one question at a time against a countdown, notes, the model answer and key points, then
the interviewer's follow-ups; the scorecard at the end."""

from __future__ import annotations

import time
from collections.abc import Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static, TextArea

from quizapp.config import MockSettings
from quizapp.errors import QuizError
from quizapp.library import Library
from quizapp.mock import Item, MockRun, scorecard, suggested_grade
from quizapp.scheduling import AnswerMarks, Confidence, Grade, ReviewScheduler
from quizapp.tui import faces, stopwatch
from quizapp.tui.messages import HomeWanted
from quizapp.tui.scheduler_thread import SchedulerThread
from quizapp.tui.screens.review import CONFIDENCE_KEYS, CONFIDENCE_NAMES
from quizapp.tui.screens.scorecard import ScorecardScreen, clock_text


class MockScreen(Screen[None]):
    """A mock interview drawn toward weak topics (`quizapp.mock`)."""

    HELP = (
        "Answer aloud or type notes (n), reveal (space), tick the key points you covered (a–h), then grade: "
        "space or enter takes the grade the key points suggest. Follow-ups come next, as the interviewer's."
    )
    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("space,enter", "accept", "Grade (suggested)", show=False),
        Binding("n", "notes", "Notes"),
        Binding("escape", "leave_notes", "Leave notes", show=False),
        *(
            Binding(key, f"confidence({int(level)})", f"Before the answer: {CONFIDENCE_NAMES[level]}", show=False)
            for key, level in CONFIDENCE_KEYS.items()
            if key != "n"  # n writes notes here
        ),
        Binding("1", "grade(1)", "Again / missed", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good / answered", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        *(Binding(letter, f"tick({i})", f"Tick {letter}", show=False) for i, letter in enumerate(faces.LETTERS)),
        Binding("q", "stop", "End the mock"),
    ]

    item: reactive[Item | None] = reactive(None, always_update=True, init=False)
    """What is asked now; None before the first and after the last."""
    revealed: reactive[bool] = reactive(False, bindings=True, init=False)
    recalled: reactive[frozenset[int]] = reactive(frozenset(), init=False)
    confidence: reactive[Confidence | None] = reactive(None, init=False)

    def __init__(
        self,
        library: Library,
        scheduler_thread: SchedulerThread,
        settings: MockSettings,
        *,
        minutes: int,
        topic: str | None = None,
        seed: int | None = None,
        deck_ids: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.scheduler_thread = scheduler_thread
        self.settings = settings
        self.minutes = minutes
        self.topic = topic
        self.seed = seed if seed is not None else time.time_ns() % 1_000_000
        self.deck_ids = deck_ids
        self.run: MockRun | None = None
        self.started = stopwatch.seconds()
        self.asked_at = stopwatch.seconds()
        self.writing = False

    def compose(self) -> ComposeResult:
        yield Static(id="mock-head")
        yield Static(id="mock-clock")
        with VerticalScroll(id="mock-card"):
            yield Static(id="mock-meta")
            yield Markdown(id="mock-prompt")
            yield Static(id="mock-key-points")  # first: what the interviewer listened for, to tick
            yield Markdown(id="mock-answer")
        yield TextArea(id="mock-notes", soft_wrap=True)
        yield Static(id="mock-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mock-answer").display = False
        self.query_one("#mock-key-points").display = False
        self.query_one("#mock-notes", TextArea).border_title = "notes (n to write, esc to leave)"
        self.set_interval(1, self.tick)
        self.start()

    @work(group="mock")
    async def start(self) -> None:
        def begin(scheduler: ReviewScheduler) -> MockRun:
            return MockRun.start(
                scheduler, self.settings, minutes=self.minutes, topic=self.topic, seed=self.seed, deck_ids=self.deck_ids
            )

        try:
            self.run = await self.scheduler_thread.run(begin)
        except QuizError as e:
            self.app.notify(e.message, title="Mock not started", severity="error", markup=False)
            self.app.post_message(HomeWanted())
            return
        self.started = stopwatch.seconds()
        self.show_next()

    # --- what is shown ---------------------------------------------------------------------------------------

    def show_next(self) -> None:
        """The next question, or the scorecard once none is left or the time is up (between questions only)."""
        run = self.run
        item = run.next_item() if run else None
        if item is None or self.time_left() <= 0:
            self.finish()
            return
        self.set_reactive(MockScreen.revealed, item.follow_up is not None)  # a plain one has nothing to reveal
        self.set_reactive(MockScreen.recalled, frozenset())
        self.set_reactive(MockScreen.confidence, None)
        self.query_one("#mock-notes", TextArea).text = ""
        self.asked_at = stopwatch.seconds()
        self.item = item

    async def watch_item(self, item: Item | None) -> None:
        if item is None:
            return
        question = item.card.question
        level = f" · level {question.level}" if question.level else ""
        kind = "follow-up · " if item.parent is not None else ""
        self.query_one("#mock-meta", Static).update(Content.styled(f"{kind}{item.card.topic}{level}", "dim"))
        prompt = item.follow_up if item.follow_up is not None else faces.front(question, item.card.cloze)
        await self.query_one("#mock-prompt", Markdown).update(prompt)
        self.query_one("#mock-answer").display = False
        self.query_one("#mock-key-points").display = False
        self.query_one("#mock-card", VerticalScroll).scroll_home(animate=False)
        self.query_one("#mock-card").focus()
        self.tick()
        self.update_bar()

    async def watch_revealed(self, revealed: bool) -> None:
        item = self.item
        if item is None or not revealed:
            return
        if item.follow_up is None:
            await self.query_one("#mock-answer", Markdown).update(faces.back(item.card.question, item.card.cloze))
            self.query_one("#mock-answer").display = True
            self.draw_key_points()
        self.update_bar()

    def watch_recalled(self) -> None:
        self.draw_key_points()
        self.update_bar()

    def watch_confidence(self) -> None:
        self.update_bar()

    def draw_key_points(self) -> None:
        item = self.item
        points = item.card.question.key_points if item and item.follow_up is None else ()
        widget = self.query_one("#mock-key-points", Static)
        widget.display = bool(points) and self.revealed
        if points:
            widget.update(Content(faces.key_point_list(points, self.recalled, len(faces.LETTERS))))

    def time_left(self) -> float:
        return self.minutes * 60 - (stopwatch.seconds() - self.started)

    def tick(self) -> None:
        """The question's countdown and the mock's clock, every second."""
        if self.run is None:
            return
        left = self.settings.seconds_per_question - (stopwatch.seconds() - self.asked_at)
        style = "bold red" if left < 0 else "bold"
        self.query_one("#mock-clock", Static).update(
            Content.assemble(
                ("this question ", "dim"),
                (clock_text(left), style),
                ("  ·  mock ", "dim"),
                (clock_text(self.time_left()), "bold"),
                " left",
            )  # fmt: skip
        )
        run, item = self.run, self.item
        follow_up = item is not None and item.parent is not None
        number = run.questions_asked + (0 if follow_up else 1)  # a follow-up belongs to the question before it
        total = run.questions_asked + run.main_questions_left
        where = f"question {number} of {total}" + (" · follow-up" if follow_up else "")
        last = " · time is up: last question" if self.time_left() <= 0 else ""
        self.query_one("#mock-head", Static).update(Content.assemble(("Mock interview", "bold"), f" · {where}{last}"))

    def update_bar(self) -> None:
        bar = self.query_one("#mock-bar", Static)
        item = self.item
        if item is None:
            bar.update("")
            return
        if not self.revealed:
            parts: list[str | tuple[str, str]] = [("space", "bold"), ": reveal · ", ("n", "bold"), ": notes · "]
            for key, level in CONFIDENCE_KEYS.items():
                if key != "n":
                    style = "reverse bold" if level == self.confidence else "bold"
                    parts += [(key, style), f" {CONFIDENCE_NAMES[level]} "]
            bar.update(Content.assemble(*parts))
            return
        if item.follow_up is not None:
            bar.update(
                Content.assemble(
                    "answer aloud, then ",
                    ("3", "bold"),
                    "/",
                    ("enter", "bold"),
                    ": answered · ",
                    ("1", "bold"),
                    ": missed",
                )  # fmt: skip
            )
            return
        suggested = self.suggested()
        covered = f"{len(self.recalled)}/{len(item.card.question.key_points)} key points · "
        bar.update(
            Content.assemble(covered, ("1–4", "bold"), ": grade · ", ("space/enter", "bold"), f": {suggested.name}")
        )

    def suggested(self) -> Grade:
        item = self.item
        if item is None or item.follow_up is not None:
            return Grade.Good
        return suggested_grade(len(self.recalled), len(item.card.question.key_points))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        notes = self.query_one("#mock-notes", TextArea).has_focus
        if notes and action not in ("leave_notes",):
            return False  # typed into the notes
        if action == "reveal":
            return self.item is not None and not self.revealed
        if action in ("grade", "accept"):
            return self.item is not None
        if action == "tick":
            index = parameters[0] if parameters and isinstance(parameters[0], int) else 0
            item = self.item
            return bool(
                item and self.revealed and item.follow_up is None and index < len(item.card.question.key_points)
            )
        if action == "confidence":
            return self.item is not None and not self.revealed
        return True

    # --- actions ---------------------------------------------------------------------------------------------

    def action_reveal(self) -> None:
        self.revealed = True

    def action_accept(self) -> None:
        if not self.revealed:
            self.revealed = True
        else:
            self.action_grade(int(self.suggested()))

    def action_tick(self, index: int) -> None:
        self.recalled = self.recalled ^ {index}

    def action_confidence(self, level: int) -> None:
        self.confidence = None if self.confidence == level else Confidence(level)

    def action_notes(self) -> None:
        self.query_one("#mock-notes", TextArea).focus()

    def action_leave_notes(self) -> None:
        self.query_one("#mock-card").focus()

    def action_grade(self, grade: int) -> None:
        item, run = self.item, self.run
        if item is None or run is None or self.writing:
            return
        if not self.revealed:
            self.revealed = True
            return
        seconds = stopwatch.seconds() - self.asked_at
        notes = self.query_one("#mock-notes", TextArea).text
        points = () if item.follow_up is not None else item.card.question.key_points
        marks = AnswerMarks(tuple(i in self.recalled for i in range(len(points))), confidence=self.confidence)
        self.record(run, item, Grade(grade), seconds, notes, marks)

    @work(group="mock")
    async def record(
        self, run: MockRun, item: Item, grade: Grade, seconds: float, notes: str, marks: AnswerMarks
    ) -> None:
        self.writing = True
        try:
            await self.scheduler_thread.run(lambda scheduler: run.record(scheduler, item, grade, seconds, notes, marks))
        except QuizError as e:
            self.notify(f"{e.message}\nPress the grade again to retry.", title="Answer not saved", severity="error")
            return
        finally:
            self.writing = False
        self.show_next()

    def action_stop(self) -> None:
        self.finish()

    @work(group="mock-end")
    async def finish(self) -> None:
        """Write the mock's end and show its scorecard (a mock with nothing answered goes home)."""
        run, self.run, self.item = self.run, None, None
        if run is None or run.asked == 0:
            if run is not None:
                await self.scheduler_thread.run(run.finish)
            self.app.post_message(HomeWanted())
            return
        await self.scheduler_thread.run(run.finish)
        card = scorecard(self.library.db, run.mock_id)
        self.app.switch_screen(ScorecardScreen(card))
