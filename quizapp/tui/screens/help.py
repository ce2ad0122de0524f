"""Help: every key of the screen it is opened on, and the app's, read from their bindings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

TYPED = {"enter": "enter", "backspace": "backspace", "delete": "delete"}
"""Keys shown by the name printed on them, where Textual would show a symbol."""


@dataclass(frozen=True)
class KeyRow:
    """One line of the help: the keys as typed, and what they do."""

    keys: str
    description: str


def key_name(key: str) -> str:
    """A bound key as users type it: `space`, `esc`, `-`, `?`, `ctrl+q`."""
    *modifiers, last = key.strip().split("+")
    return "+".join([*modifiers, TYPED.get(last) or format_key(last)])


def _without_key(binding: Binding) -> str:
    """The description less the word that names its own key (`Pick a` → `Pick`)."""
    return " ".join(word for word in binding.description.split() if word != binding.key)


def _continues(run: list[Binding], binding: Binding) -> bool:
    """Whether `binding` extends a run: the same action on the next key, and one description for all."""
    last = run[-1]
    if not (len(last.key) == len(binding.key) == 1 and ord(binding.key) == ord(last.key) + 1):
        return False
    if last.action.partition("(")[0] != binding.action.partition("(")[0]:
        return False
    if last.group is not None:
        return binding.group == last.group
    return _without_key(binding) == _without_key(last)


def key_rows(bindings: Iterable[BindingType]) -> list[KeyRow]:
    """The rows for `bindings`, in their order; a run of one action on consecutive keys (`pick(0)` on `a`,
    `pick(1)` on `b`, ...) is one row, described by its binding group, or by what its descriptions share."""
    runs: list[list[Binding]] = []
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if runs and _continues(runs[-1], binding):
            runs[-1].append(binding)
        else:
            runs.append([binding])
    rows = []
    for run in runs:
        first, last = run[0], run[-1]
        if len(run) == 1:
            keys = first.key_display or ", ".join(key_name(key) for key in first.key.split(","))
            rows.append(KeyRow(keys, first.tooltip or first.description or first.action))  # the footer's is short
        else:
            description = first.group.description if first.group else _without_key(first)
            rows.append(KeyRow(f"{key_name(first.key)}–{key_name(last.key)}", description))
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys of one screen (hidden ones too) and of the app, over that screen; a screen may add a
    `HELP` paragraph, shown first."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close")]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.about: str = getattr(screen, "HELP", "")
        self.screen_rows = key_rows(screen.BINDINGS)

    def compose(self) -> ComposeResult:
        sections: Sequence[tuple[str, list[KeyRow]]] = [
            ("This screen", self.screen_rows),
            ("Everywhere", key_rows(self.app.BINDINGS)),
        ]
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = " · ".join(f"{row.keys}: {row.description}" for row in key_rows(self.BINDINGS))
            if self.about:
                yield Static(Content(self.about), id="help-about")
            with Grid(id="help-keys"):
                for index, (title, rows) in enumerate(sections):
                    if rows:
                        apart = " -apart" if index else ""  # a blank line above, after the first section
                        yield Static(Content.styled(title, "bold"), classes="help-heading" + apart)
                    for row in rows:
                        yield Static(Content.styled(row.keys, "bold"), classes="help-key")
                        yield Static(Content(row.description), classes="help-description")
