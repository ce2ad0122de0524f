"""One sitting of reviews: what was done, for undo and for the end-of-session summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Answered:
    """One answer given in this session."""

    review_id: int
    card_id: int
    topic: str
    grade: int


@dataclass(frozen=True)
class Hidden:
    """A card suspended or buried in this session (it was neither before: it was in the queue)."""

    card_id: int
    how: str


Action = Answered | Hidden


@dataclass
class Session:
    """What was done in the current sitting, most recent last."""

    started: datetime
    actions: list[Action] = field(default_factory=list)

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

    def summary(self, now: datetime) -> SessionSummary:
        """Counts for the end-of-session screen."""
        missed = Counter(a.topic for a in self.answers if a.grade == 1)
        again = sum(missed.values())
        return SessionSummary(
            reviewed=len(self.answers),
            again=again,
            elapsed=now - self.started,
            topics_missed=missed.most_common(),
        )


@dataclass(frozen=True)
class SessionSummary:
    """What a session amounted to."""

    reviewed: int
    again: int
    elapsed: timedelta
    topics_missed: list[tuple[str, int]]

    @property
    def again_rate(self) -> float:
        """Share of answers graded Again."""
        return self.again / self.reviewed if self.reviewed else 0.0
