"""Plan: `quizapp plan` on screen — the new cards a day and the desired retention that get every card seen and
recalled by the interview date, shown as the command prints it, and applied with one key.

The plan reads the whole history and runs FSRS's simulator (up to a second on a large deck), so it is made on
the scheduler thread, with that thread's connection, while the screen shows a loading indicator.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, LoadingIndicator, Static

from quizapp import config_file
from quizapp.config import PlanSettings, config_path, planned
from quizapp.days import study_day
from quizapp.errors import ConfigError, QuizError
from quizapp.library import Library
from quizapp.plan_command import plan_lines
from quizapp.planning import Plan, PlanError, check_dates, make_plan
from quizapp.scheduling import ReviewScheduler
from quizapp.tui.scheduler_thread import SchedulerThread

NO_DATE = "No interview date is set. Type it and press Enter; minutes a day are optional (empty: your recent mean)."
OTHER_DATE = "Type the interview date and press Enter; minutes a day are optional (empty: your recent mean)."


def parse_date(text: str) -> date:
    """The interview date as typed (YYYY-MM-DD).

    Raises:
        PlanError: for text that is not such a date.
    """
    if not text.strip():
        raise PlanError("type the interview date as YYYY-MM-DD, e.g. 2027-01-15")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PlanError(f"{text.strip()!r} is not a date: type it as YYYY-MM-DD, e.g. 2027-01-15") from None


def parse_minutes(text: str) -> float | None:
    """The minutes a day as typed; None for nothing typed (the plan then uses the recent mean).

    Raises:
        PlanError: for text that is not a number (the plan checks its range).
    """
    if not text.strip():
        return None
    try:
        return float(text.strip())
    except ValueError:
        raise PlanError(f"{text.strip()!r} is not a number of minutes a day, e.g. 45") from None


class PlanScreen(Screen[None]):
    """The plan to the interview date: `a` schedules with it until then, `d` plans to another date or budget."""

    BINDINGS = [
        Binding("a", "apply", "Apply plan"),
        Binding("d", "change_date", "Other date"),
        Binding("q,escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, library: Library, scheduler_thread: SchedulerThread, path: Path | None = None) -> None:
        super().__init__()
        self.library = library
        self.scheduler_thread = scheduler_thread
        self.path = path or config_path()
        self.plan: Plan | None = None  # the plan shown, once made

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Plan to the interview", "bold")), id="plan-title")
        with Vertical(id="plan-ask"):
            yield Static(id="plan-ask-message")
            with Horizontal(classes="plan-row"):
                yield Label("Interview date", classes="plan-label")
                yield Input(id="plan-date", placeholder="YYYY-MM-DD", compact=True, classes="plan-input")
            with Horizontal(classes="plan-row"):
                yield Label("Minutes a day", classes="plan-label")
                yield Input(id="plan-minutes", placeholder="your mean", compact=True, classes="plan-input")
            yield Static(id="plan-error")
        yield LoadingIndicator(id="plan-loading")
        with VerticalScroll(id="plan"):
            yield Static(id="plan-text")
        yield Static(id="plan-status")
        yield Footer()

    def on_mount(self) -> None:
        """Plan to the date in the config file at once; without one (or with one gone by), ask for it."""
        for part in ("#plan-loading", "#plan", "#plan-status", "#plan-error"):
            self.query_one(part).display = False
        interview = self.saved_date()
        if interview is None:
            self.ask(NO_DATE)
            return
        try:
            check_dates(interview, self.today())
        except PlanError as e:
            self.ask(OTHER_DATE, interview, e.message)
            return
        self.make(interview, None)

    def saved_date(self) -> date | None:
        """`plan.interview_date` as the config file has it now (the settings screen may have changed it)."""
        try:
            settings = config_file.current_settings(self.path)
        except ConfigError as e:
            self.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)
            return None
        value = next(s.value for s in settings if s.name == "plan.interview_date")
        return value if isinstance(value, date) else None

    def today(self) -> date:
        """The study day the plan starts on, by the session's clock and day boundary."""
        scheduler = self.library.scheduler
        return study_day(scheduler.now(), scheduler.review.day_start_hour, scheduler.tz)

    # --- asking for the date -------------------------------------------------------------

    def ask(self, message: str, interview: date | None = None, error: str = "") -> None:
        """Show the date and minutes fields (the date filled in when known) and an error, if any, in place of
        the plan (there is nothing to apply until the new one is made)."""
        self.plan = None
        self.query_one("#plan").display = False
        self.query_one("#plan-status").display = False
        self.query_one("#plan-title", Static).update(Content.assemble(("Plan to the interview", "bold")))
        self.query_one("#plan-ask-message", Static).update(Content(message))
        self.show_error(error)
        if interview is not None:
            self.query_one("#plan-date", Input).value = interview.isoformat()
        self.query_one("#plan-ask").display = True
        self.query_one("#plan-date", Input).focus()
        self.refresh_bindings()

    def show_error(self, message: str) -> None:
        error = self.query_one("#plan-error", Static)
        error.update(Content(message))
        error.display = bool(message)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in either field: check the date and the minutes, then plan."""
        try:
            interview = parse_date(self.query_one("#plan-date", Input).value)
            minutes = parse_minutes(self.query_one("#plan-minutes", Input).value)
            check_dates(interview, self.today())
        except PlanError as e:
            self.show_error(e.message)
            return
        self.make(interview, minutes)

    # --- making and showing the plan ------------------------------------------------------

    @work(exclusive=True, group="plan")
    async def make(self, interview: date, minutes: float | None) -> None:
        """Make the plan on the scheduler thread; a newer request cancels the wait for an older one."""
        self.plan = None
        self.show_error("")
        self.query_one("#plan-ask").display = False
        self.query_one("#plan").display = False
        self.query_one("#plan-status").display = False
        self.query_one("#plan-loading").display = True
        self.query_one("#plan-title", Static).update(
            Content.assemble(("Plan to the interview", "bold"), f" · {interview} · planning…")
        )
        self.refresh_bindings()
        today = self.today()

        def plan_on_thread(scheduler: ReviewScheduler) -> Plan:
            settings, review = scheduler.memory.settings, scheduler.review
            return make_plan(scheduler.db, settings, review, interview, minutes, today, scheduler.tz)

        try:
            plan = await self.scheduler_thread.run(plan_on_thread)
        except PlanError as e:  # minutes out of range
            self.query_one("#plan-loading").display = False
            self.ask(OTHER_DATE, interview, e.message)
            return
        except QuizError as e:
            self.query_one("#plan-loading").display = False
            self.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)
            self.ask(OTHER_DATE, interview)
            return
        self.show_plan(plan)

    def show_plan(self, plan: Plan) -> None:
        """The plan as `quizapp plan` prints it, scrollable, with whether it is in use."""
        self.plan = plan
        self.query_one("#plan-loading").display = False
        self.query_one("#plan-title", Static).update(
            Content.assemble(("Plan to the interview", "bold"), f" · {plan.interview}")
        )
        self.query_one("#plan-text", Static).update(Content("\n".join(plan_lines(plan))))
        scroll = self.query_one("#plan", VerticalScroll)
        scroll.display = True
        scroll.scroll_home(animate=False)
        scroll.focus()
        self.show_status()
        self.refresh_bindings()

    def show_status(self) -> None:
        status = self.query_one("#plan-status", Static)
        status.display = self.plan is not None
        if self.plan is None:
            return
        if self.is_applied(self.plan):
            status.update(Content(f"Applied: in the config file's [plan], scheduling until {self.plan.interview}."))
        else:
            status.update(Content("Not applied: a saves it to the config file and schedules with it from now on."))

    def is_applied(self, plan: Plan) -> bool:
        """The config file's [plan] is this plan's."""
        try:
            values = {s.name: s.value for s in config_file.current_settings(self.path)}
        except ConfigError:
            return False
        return (
            values["plan.interview_date"] == plan.interview
            and values["plan.new_per_day"] == plan.new_per_day
            and values["plan.desired_retention"] == plan.desired_retention
        )

    # --- what the keys do -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`a` and `d` act on a plan shown."""
        if action in ("apply", "change_date"):
            return self.plan is not None
        return True

    def action_change_date(self) -> None:
        plan = self.plan
        if plan is None:
            return
        self.query_one("#plan-minutes", Input).value = f"{plan.minutes_per_day:g}" if plan.minutes_given else ""
        self.ask(OTHER_DATE, plan.interview)

    def action_apply(self) -> None:
        if self.plan is not None:
            self.apply(self.plan)

    @work(exclusive=True, group="apply")
    async def apply(self, plan: Plan) -> None:
        """Save the plan to the config file's [plan] and schedule with it at once, on both schedulers (the
        event loop's reads and the writes' thread); the next start reads it from the file."""
        try:
            # The date last: a write that fails before it leaves no new plan in force.
            config_file.set_setting("plan.new_per_day", str(plan.new_per_day), self.path)
            config_file.set_setting("plan.desired_retention", str(plan.desired_retention), self.path)
            config_file.set_setting("plan.interview_date", plan.interview.isoformat(), self.path)
        except ConfigError as e:
            self.notify(e.message, title="Plan not applied", severity="error", timeout=15, markup=False)
            return
        scheduler = self.library.scheduler
        chosen = PlanSettings(plan.interview, plan.new_per_day, plan.desired_retention)
        fsrs, review = planned(scheduler.memory.settings, scheduler.review, chosen, self.today())
        scheduler.configure(fsrs, review)
        self.show_status()
        self.notify(
            f"Plan applied until {plan.interview}: {plan.new_per_day} new cards a day,"
            f" desired retention {plan.desired_retention:g}, from now on.",
            title="Plan",
            timeout=6,
            markup=False,
        )

        def configure(writes: ReviewScheduler) -> None:
            writes.configure(fsrs, review)

        try:
            await self.scheduler_thread.run(configure)
        except QuizError as e:  # its database cannot be opened: the next review says so too
            self.notify(e.message, title=e.title, severity="error", markup=False)
