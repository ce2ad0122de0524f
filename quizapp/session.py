"""One sitting of reviews: what was answered, for undo and for the end-of-session summary."""

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


@dataclass
class Session:
    """Answers of the current sitting, most recent last."""

    started: datetime
    answers: list[Answered] = field(default_factory=list)

    def record(self, answered: Answered) -> None:
        """Remember an answer (after it was committed)."""
        self.answers.append(answered)

    def pop_last(self) -> Answered | None:
        """Forget the last answer (after it was undone in the database)."""
        return self.answers.pop() if self.answers else None

    @property
    def last(self) -> Answered | None:
        """The answer `u` would undo."""
        return self.answers[-1] if self.answers else None

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
