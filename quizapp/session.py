"""One sitting of reviews: what was done, for undo and for the end-of-session summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from quizapp.analysis.pass_fail import PassFail
from quizapp.store.connection import named
from quizapp.store.database import Database

SITTING_LOG = (
    "SELECT id, card_id, rating, elapsed_days, stability_before, stability_after FROM review"
    " WHERE id BETWEEN :first AND :last ORDER BY id"
)
"""The review log from a sitting's first answer to its last; answers another window gave meanwhile are read
too, and left out by id."""


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

    def summary(self, now: datetime, db: Database | None = None) -> SessionSummary:
        """Counts for the end-of-session screen; with `db`, also what the sitting changed (`sitting_changes`)."""
        missed = Counter(a.topic for a in self.answers if a.grade == 1)
        again = sum(missed.values())
        return SessionSummary(
            reviewed=len(self.answers),
            again=again,
            elapsed=timedelta(seconds=self.active_seconds) if self.active_seconds else now - self.started,
            topics_missed=missed.most_common(),
            changes=sitting_changes(db, self.answers) if db is not None and self.answers else None,
            practised=len(self.practised),
        )


@dataclass(frozen=True)
class TopicChange:
    """A topic answered in the sitting: its answers, its Agains, and how much longer its cards will now be
    remembered.

    `stability_days` sums, over the topic's cards answered, the FSRS stability after the card's last answer of
    the sitting minus the stability before its first (a new card starts from 0). Stability is the interval at
    which recall falls to 90%, so the sum says in days how much memory the sitting built or lost: an Again on a
    mature card loses most of its stability, a pass multiplies it, and learning new cards adds theirs.
    """

    topic: str
    answers: int
    again: int
    stability_days: float

    @property
    def weaker(self) -> bool:
        return self.stability_days < 0


@dataclass(frozen=True)
class SittingChanges:
    """What a sitting changed, read from the review log (`sitting_changes`)."""

    retention: PassFail  # Anki's true retention of the sitting: answers on cards last reviewed on an earlier study day
    topics: tuple[TopicChange, ...]  # every topic answered, the most weakened first, the most strengthened last


def sitting_changes(db: Database, answers: Sequence[Answered]) -> SittingChanges:
    """The sitting's true retention and the change of each topic's stability, from the logs of `answers`.

    An answer counts for retention when its card came back after at least one study day (`elapsed_days` ≥ 1),
    as in the report; answers undone are no longer in `answers`, nor in the log.
    """
    by_id = {a.review_id: a for a in answers}
    with db.read() as conn:
        rows = named(conn).execute(SITTING_LOG, {"first": min(by_id), "last": max(by_id)}).fetchall()
    back_after_a_day = Counter[bool]()  # passed → answers
    answered, again = Counter[str](), Counter[str]()  # by topic
    first_before: dict[int, float] = {}  # by card: its stability before its first answer of the sitting
    last_after: dict[int, float] = {}  # and after its last
    topic_of: dict[int, str] = {}
    for row in rows:
        answer = by_id.get(row["id"])
        if answer is None:  # another window's
            continue
        passed = row["rating"] > 1
        if row["elapsed_days"] is not None and row["elapsed_days"] >= 1:
            back_after_a_day[passed] += 1
        answered[answer.topic] += 1
        again[answer.topic] += not passed
        card = row["card_id"]
        first_before.setdefault(card, row["stability_before"] or 0.0)  # a new card has none
        last_after[card] = row["stability_after"]
        topic_of[card] = answer.topic
    change = dict.fromkeys(answered, 0.0)
    for card, topic in topic_of.items():
        change[topic] += last_after[card] - first_before[card]
    topics = sorted(
        (TopicChange(topic, n, again[topic], change[topic]) for topic, n in answered.items()),
        key=lambda t: (t.stability_days, t.topic),
    )
    retention = PassFail(back_after_a_day[True], back_after_a_day[False])
    return SittingChanges(retention, tuple(topics))


@dataclass(frozen=True)
class SessionSummary:
    """What a session amounted to."""

    reviewed: int
    again: int
    elapsed: timedelta
    topics_missed: list[tuple[str, int]]
    changes: SittingChanges | None = None  # None: the review log was not read
    practised: int = 0  # drill answers that left their cards' schedules alone

    @property
    def again_rate(self) -> float:
        """Share of answers graded Again."""
        return self.again / self.reviewed if self.reviewed else 0.0
