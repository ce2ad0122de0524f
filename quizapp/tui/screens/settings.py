"""Settings: the config file's values, and the few a candidate changes often, edited in place."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from quizapp import config_file
from quizapp.config import RULES, ReviewSettings, SchedulerSettings, config_path, defaults
from quizapp.errors import ConfigError, QuizError
from quizapp.library import Library
from quizapp.scheduling import ReviewScheduler
from quizapp.tui.scheduler_thread import SchedulerThread

EDITABLE = {
    "scheduler.desired_retention": "Desired retention",
    "review.new_per_day": "New cards per day",
    "review.leech_threshold": "Leech threshold",
    "review.leech_action": "Leech action",
    "plan.interview_date": "Interview date",
}
"""The settings edited here, with their labels; the others are listed, for `quizapp config set`."""


def _input_id(name: str) -> str:
    return "setting-" + name.replace(".", "-").replace("_", "-")


def _typed(value: object) -> str:
    """A value as one types it: a choice without its quotes, no date as nothing."""
    if value is None:
        return ""
    return value if isinstance(value, str) else config_file.shown(value)


class SettingsScreen(Screen[None]):
    """Change a setting: type its value and press Enter. It is checked by the rules quizapp starts with, saved
    to the config file (replaced in one step) and used at once; an empty value puts back the default."""

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, library: Library, scheduler_thread: SchedulerThread, path: Path | None = None) -> None:
        super().__init__()
        self.library = library
        self.scheduler_thread = scheduler_thread
        self.path = path or config_path()

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Settings · ", "bold"), str(self.path)), id="settings-title")
        with VerticalScroll(id="settings"):
            for name, label in EDITABLE.items():
                section, key = name.split(".")
                default = config_file.shown(defaults()[section][key])
                with Horizontal(classes="setting-row"):
                    yield Label(label, classes="setting-label")
                    yield Input(id=_input_id(name), name=name, compact=True, classes="setting-input")
                    yield Static(f"{RULES[section][key].allowed()}; default {default}", classes="setting-hint")
            yield Static("Also in the config file (change with `quizapp config set`):", id="settings-others-label")
            yield Static(id="settings-others")
        yield Static(
            Content.assemble(("enter", "bold"), ": save · ", ("tab", "bold"), ": next · empty: the default"),
            id="settings-help",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.show_values()
        self.query_one(f"#{_input_id(next(iter(EDITABLE)))}", Input).focus()

    def show_values(self) -> None:
        """Fill the fields and the list from the file (a file broken since start-up is reported)."""
        try:
            settings = config_file.current_settings(self.path)
        except ConfigError as e:
            self.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)
            return
        others = []
        for s in settings:
            if s.name in EDITABLE:
                self.query_one(f"#{_input_id(s.name)}", Input).value = _typed(s.value)
            else:
                others.append(f"{s.name} = {config_file.shown(s.value)}")
        self.query_one("#settings-others", Static).update(Content("\n".join(others)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.input.name
        if name in EDITABLE:
            self.save(name, event.value)

    def save(self, name: str, text: str) -> None:
        """Save one setting and use it from now on; a value the rules refuse leaves the file as it was."""
        section, key = name.split(".")
        try:
            if text.strip():
                value = config_file.set_setting(name, text, self.path)
            else:
                config_file.unset_setting(name, self.path)
                value = defaults()[section][key]
        except ConfigError as e:
            self.notify(e.message, title="Not saved", severity="error", timeout=8, markup=False)
            return
        self.show_values()
        self.notify(f"{EDITABLE[name]}: {config_file.shown(value)}", title="Saved", timeout=3, markup=False)
        scheduler = self.library.scheduler
        fsrs, review = scheduler.memory.settings, scheduler.review
        change: dict[str, Any] = {key: value}  # of the type its rule parses to
        if section == "scheduler":
            fsrs = replace(fsrs, **change)
        elif section == "review":
            review = replace(review, **change)
        else:
            return  # the plan is read by nothing that runs here yet
        scheduler.configure(fsrs, review)
        self.configure_writer(fsrs, review)

    @work(group="settings")
    async def configure_writer(self, fsrs: SchedulerSettings, review: ReviewSettings) -> None:
        """The review's writes run on a scheduler of their own (on its thread): it takes the new settings too."""

        def configure(scheduler: ReviewScheduler) -> None:
            scheduler.configure(fsrs, review)

        try:
            await self.scheduler_thread.run(configure)
        except QuizError as e:  # its database cannot be opened: the next review says so too
            self.notify(e.message, title=e.title, severity="error", markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()
