"""End of a session: how many, how well, how long, and what the sitting changed in each topic."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizapp.analysis.numbers import retention_cell
from quizapp.sitting_summary import SessionSummary, SittingChanges
from quizapp.tui.messages import HomeWanted

TOPICS_SHOWN = 8  # at 80x24 with the counts above; past it, the most weakened and the most strengthened


def changes_table(changes: SittingChanges) -> Table:
    """Each topic answered with its answers, Agains and net stability change, the most weakened first."""
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    table.add_column("Topic")
    for name in ("Answers", "Again", "Stability"):
        table.add_column(name, justify="right")
    table.add_column("")
    topics = changes.topics
    half = TOPICS_SHOWN // 2
    shown = topics if len(topics) <= TOPICS_SHOWN else (*topics[:half], *topics[-half:])
    for index, t in enumerate(shown):
        if len(shown) < len(topics) and index == half:
            table.add_row(Text(f"… {len(topics) - len(shown)} more", style="dim"), "", "", "", "")
        verdict = "weaker" if t.weaker else "stronger" if t.stability_days > 0 else ""
        table.add_row(
            Text(t.topic),
            str(t.answers),
            str(t.again),
            f"{t.stability_days:+.1f}d".replace("-", "−"),
            Text(verdict, style="bold" if t.weaker else "dim"),
        )
    return table


class SummaryScreen(Screen[None]):
    """Shown once a session ends, until a deliberate key (Escape, q or h) goes home: Space and Enter grade cards,
    so a hammered one must not dismiss the summary unseen."""

    BINDINGS = [Binding("escape,q,h", "home", "Home")]

    def __init__(self, summary: SessionSummary, title: str) -> None:
        super().__init__()
        self.summary = summary
        self.session_title = title

    def compose(self) -> ComposeResult:
        s = self.summary
        minutes, seconds = divmod(int(s.elapsed.total_seconds()), 60)
        counts = (
            f"Reviewed      {s.reviewed}\n"
            f"Again         {s.again} ({s.again_rate:.0%})\n"
            f"Time          {minutes}m {seconds:02d}s answering"
        )
        if s.practised:
            counts += f"\nPractised     {s.practised} (drill answers on cards not due: schedules unchanged)"
        if s.changes is not None:
            retention = retention_cell(s.changes.retention)
            counts += f"\nRetention     {retention} of the cards back after a study day or more"
        with VerticalScroll(id="summary"):
            yield Static(Content.assemble(("Session done · ", "bold"), self.session_title), id="summary-title")
            yield Static(Content(counts), id="summary-counts")
            if s.changes is not None:
                yield Static(
                    Content.assemble(("What the sitting changed", "bold"), " · memory stability won or lost, in days"),
                    id="summary-changes-label",
                )
                yield Static(changes_table(s.changes), id="summary-changes")
            elif s.topics_missed:
                lines = "\n".join(f"  {topic}  ×{n}" for topic, n in s.topics_missed[:8])
                yield Static(Content("Topics missed\n" + lines), id="summary-topics")
            else:
                yield Static(Content("No topic missed."), id="summary-topics")
        yield Footer()

    def action_home(self) -> None:
        self.app.post_message(HomeWanted())
