"""What a sitting amounted to: its counts, true retention and the change of each topic's stability, for the
end-of-session screen (read when the sitting ends, so not imported at start-up)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizapp.analysis.pass_fail import PassFail
from quizapp.session import Answered, Session
from quizapp.store.connection import named
from quizapp.store.database import Database

SITTING_LOG = (
    "SELECT id, card_id, rating, elapsed_days, stability_before, stability_after FROM review"
    " WHERE id BETWEEN :first AND :last ORDER BY id"
)
"""The review log from a sitting's first answer to its last; answers another window gave meanwhile are read
too, and left out by id."""


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


def summarize(session: Session, now: datetime, db: Database | None = None) -> SessionSummary:
    """Counts for the end-of-session screen; with `db`, also what the sitting changed (`sitting_changes`)."""
    missed = Counter(a.topic for a in session.answers if a.grade == 1)
    again = sum(missed.values())
    return SessionSummary(
        reviewed=len(session.answers),
        again=again,
        elapsed=timedelta(seconds=session.active_seconds) if session.active_seconds else now - session.started,
        topics_missed=missed.most_common(),
        changes=sitting_changes(db, session.answers) if db is not None and session.answers else None,
        practised=len(session.practised),
    )
