"""One sitting of reviews: what was done, for undo and for the end-of-session summary (`sitting_summary`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Answered:
    """One answer given in this session."""

    review_id: int
    card_id: int
    topic: str
    grade: int


@dataclass(frozen=True)
class Practised:
    """An answer of a drill that left its card's schedule alone (`practice_answer`)."""

    practice_id: int
    card_id: int
    topic: str
    grade: int


@dataclass(frozen=True)
class Hidden:
    """A card suspended or buried in this session (it was neither before: it was in the queue)."""

    card_id: int
    how: str


Action = Answered | Practised | Hidden


@dataclass
class Session:
    """What was done in the current sitting, most recent last."""

    started: datetime
    actions: list[Action] = field(default_factory=list)
    active_seconds: float = 0.0  # time spent on the cards answered, each at most 5 minutes: idle time left out

    def record(self, action: Action) -> None:
        """Remember an answer or a hidden card (after it was committed)."""
        self.actions.append(action)

    def pop_last(self) -> Action | None:
        """Forget the last action (after it was undone in the database)."""
        return self.actions.pop() if self.actions else None

    @property
    def last(self) -> Action | None:
        """What `u` would undo."""
        return self.actions[-1] if self.actions else None

    @property
    def answers(self) -> list[Answered]:
        """The answers given, in order."""
        return [a for a in self.actions if isinstance(a, Answered)]

    @property
    def practised(self) -> list[Practised]:
        """The drill answers that rescheduled nothing, in order."""
        return [a for a in self.actions if isinstance(a, Practised)]
