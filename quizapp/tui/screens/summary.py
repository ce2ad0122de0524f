"""End of a session: how many, how well, how long, and which topics went wrong."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizapp.session import SessionSummary
from quizapp.tui.messages import HomeWanted


class SummaryScreen(Screen[None]):
    """Shown once a session ends; any of Enter/q/Escape goes home."""

    BINDINGS = [Binding("enter,q,escape,space", "home", "Home")]

    def __init__(self, summary: SessionSummary, title: str) -> None:
        super().__init__()
        self.summary = summary
        self.session_title = title

    def compose(self) -> ComposeResult:
        s = self.summary
        minutes, seconds = divmod(int(s.elapsed.total_seconds()), 60)
        with Vertical(id="summary"):
            yield Static(Content.assemble(("Session done · ", "bold"), self.session_title), id="summary-title")
            yield Static(
                Content(
                    f"Reviewed      {s.reviewed}\n"
                    f"Again         {s.again} ({s.again_rate:.0%})\n"
                    f"Time          {minutes}m {seconds:02d}s"
                ),
                id="summary-counts",
            )
            if s.topics_missed:
                lines = "\n".join(f"  {topic}  ×{n}" for topic, n in s.topics_missed[:8])
                yield Static(Content("Topics missed\n" + lines), id="summary-topics")
            else:
                yield Static(Content("No topic missed."), id="summary-topics")
        yield Footer()

    def action_home(self) -> None:
        self.app.post_message(HomeWanted())
