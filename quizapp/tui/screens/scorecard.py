"""A mock interview's scorecard: key points covered per topic, time per question, the weakest answers, and how
it compares with the previous mocks."""

from __future__ import annotations

import math

from rich.cells import cell_len, set_cell_size
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizapp.mock import AskedQuestion, Scorecard
from quizapp.tui.messages import HomeWanted


def clock_text(seconds: float) -> str:
    """m:ss, with a minus sign once past zero; part of a second counts as one, so a countdown starts at its
    whole length and shows 0:00 only when it is over."""
    sign = "−" if seconds < 0 else ""
    minutes, rest = divmod(math.ceil(abs(seconds)), 60)
    return f"{sign}{minutes}:{rest:02d}"


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "—"


def label(q: AskedQuestion) -> str:
    """A question by its card, a plain follow-up by its text."""
    return q.uid if q.follow_up is None else f"↳ {q.follow_up}"


def shortened(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells (a CJK character takes two), with "…" when cut."""
    return text if cell_len(text) <= cells else set_cell_size(text, cells - 1) + "…"


def topics_table(card: Scorecard) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    for name, justify in (
        ("Topic", "left"),
        ("Questions", "right"),
        ("Key points", "right"),
        ("Follow-ups missed", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in card.topics:
        table.add_row(
            Text(t.topic), str(t.questions), share(t.recalled, t.key_points), share(t.follow_ups_missed, t.follow_ups)
        )
    return table


def answers_table(card: Scorecard) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    for name, justify in (
        ("#", "right"),
        ("Question", "left"),
        ("Time", "right"),
        ("Key points", "right"),
        ("Grade", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for q in card.asked:
        over = q.seconds > card.seconds_per_question
        name = f"↳ {q.follow_up}" if q.follow_up is not None else ("↳ " if q.is_follow_up else "") + q.uid
        table.add_row(
            str(q.position + 1),
            Text(name, overflow="ellipsis", no_wrap=True),
            Text(clock_text(q.seconds), style="bold red" if over else ""),
            share(q.recalled, q.key_points),
            "missed"
            if q.follow_up is not None and q.rating == 1
            else "answered"
            if q.follow_up is not None
            else str(q.rating),
        )
    return table


def comparison(card: Scorecard) -> str:
    """This mock against the previous ones: key points covered and time per answer."""
    if not card.earlier:
        return "First mock: the next ones will be compared with it."
    lines = []
    for e in card.earlier:
        covered = f"{e.covered:.0%}" if e.covered is not None else "—"
        lines.append(
            f"  {e.started_at:%Y-%m-%d}  {e.asked} answers · key points {covered} · {clock_text(e.mean_seconds)} each"
        )
    return "Previous mocks\n" + "\n".join(lines)


class ScorecardScreen(Screen[None]):
    """Shown when a mock ends; Escape, q or h goes home (Space does not: it is pressed while answering)."""

    BINDINGS = [Binding("escape,q,h", "home", "Home")]

    def __init__(self, card: Scorecard) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        covered = share(card.recalled, card.key_points)
        weakest = "\n".join(f"  {shortened(label(q), 56)} · {q.covered:.0%} covered" for q in card.weakest())
        summary = (
            f"Answers       {len(card.asked)} ({sum(q.is_follow_up for q in card.asked)} follow-ups)\n"
            f"Key points    {covered}\n"
            f"Time          {clock_text(card.mean_seconds)} an answer · {card.over_time} over the "
            f"{clock_text(card.seconds_per_question)} countdown"
        )
        with VerticalScroll(id="scorecard"):
            yield Static(Content.styled("Mock interview · scorecard", "bold"), id="scorecard-title")
            yield Static(Content(summary), id="scorecard-summary")
            yield Static(topics_table(card), id="scorecard-topics")
            yield Static(Content.assemble(("Weakest answers\n", "bold"), weakest), id="scorecard-weakest")
            yield Static(answers_table(card), id="scorecard-answers")
            yield Static(Content(comparison(card)), id="scorecard-earlier")
        yield Footer()

    def action_home(self) -> None:
        self.app.post_message(HomeWanted())
