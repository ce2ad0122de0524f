"""A bare Textual app that paints one card, the floor quizapp's launch is measured against: Python, Textual, one
Markdown widget with the card's question (the Markdown quizapp paints for it, written to a file beforehand), then
the line under it, once the Markdown is in.

Usage: python benchmarks/bare_card.py CARD.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Markdown, Static


class BareCard(App[None]):
    """The card's question and, once it is painted, `space: show answer` under it (what the benchmark waits for)."""

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        yield Markdown()
        yield Static(id="bar")

    async def on_mount(self) -> None:
        await self.query_one(Markdown).update(self.markdown)
        self.query_one("#bar", Static).update("space: show answer")


if __name__ == "__main__":
    BareCard(Path(sys.argv[1]).read_text(encoding="utf-8")).run()
