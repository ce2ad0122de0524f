"""What changed in a card's question since its last answer, as removed and added lines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

STYLES = {"-": "$error", "+": "$success"}


class ChangesScreen(ModalScreen[None]):
    """Lines removed (−) and added (+) since the card was last answered; Escape, q or w closes it."""

    BINDINGS = [Binding("escape,q,w", "dismiss", "Close")]

    def __init__(self, uid: str, lines: list[str]) -> None:
        super().__init__()
        self.uid = uid
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="changes"):
            yield Static(Content.styled(f"Edited since your last answer · {self.uid}", "bold"))
            text = Content("\n").join(
                Content.styled(line.replace("-", "−", 1) if line.startswith("-") else line, STYLES.get(line[:1], ""))
                for line in self.lines
            )
            yield Static(text if self.lines else Content("Only the layout changed."), id="changes-lines")
            yield Static(Content.styled("Escape: back to the card", "dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
