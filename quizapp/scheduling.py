"""The due queue and answering; FSRS itself is applied by `quizapp.memory`.

Every answer is one write transaction: the card's FSRS state and its review log are
stored together, computed from the card as it is in the database at that moment, so
two instances answering the same card both keep their answer, applied in commit order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import IntEnum
from typing import Any

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import day_bounds
from quizapp.decks.questions import StoredQuestion, question_from_content
from quizapp.errors import QuizError
from quizapp.memory import MemoryState, StudyDayFsrs
from quizapp.store.connection import from_db, to_db
from quizapp.store.database import Database
from quizapp.store.states import CardState


class UndoExpired(QuizError):
    """An answer that can no longer be undone: it is gone, or its card was answered again since."""

    title = "Undo"


class Grade(IntEnum):
    """The four answers, numbered as their keys."""

    Again = 1
    Hard = 2
    Good = 3
    Easy = 4


def utcnow() -> datetime:
    """The real clock, UTC-aware."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class StudyCard:
    """A card to show: its question and its scheduling state."""

    id: int
    uid: str
    deck_id: str
    topic: str
    cloze: int | None
    question: StoredQuestion
    state: CardState
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None


@dataclass(frozen=True)
class AnswerResult:
    """What an answer did: the log written and the card's new state."""

    review_id: int
    card_id: int
    grade: Grade
    state: CardState
    due: datetime


@dataclass(frozen=True)
class DeckCounts:
    """Home-screen numbers for one deck."""

    deck_id: str
    new: int
    learning: int
    review: int
    total: int


# The question is looked up for the row returned only (a scalar subquery, not a join), so the plan of the
# card query stays the same index range whatever the number of questions.
_QUESTION = "(SELECT q.content FROM question q WHERE q.deck_id = c.deck_id AND q.question_id = c.question_id)"
_CARD_COLUMNS = (
    f"c.id, c.uid, c.deck_id, c.topic, c.cloze, {_QUESTION}, c.state, c.step, c.stability, c.difficulty, c.due,"
    " c.last_review"
)


def _study_card(row: tuple[Any, ...]) -> StudyCard:
    card_id, uid, deck_id, topic, cloze, content, state, step, stability, difficulty, due, last_review = row
    return StudyCard(
        id=card_id,
        uid=uid,
        deck_id=deck_id,
        topic=topic,
        cloze=cloze,
        question=question_from_content(content),
        state=CardState(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_db(due),
        last_review=from_db(last_review),
    )


def _memory(card: StudyCard) -> MemoryState:
    return MemoryState(card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)


# A cloze card waits for the next day once a sibling (same question) was answered today:
# its siblings give it away. Anki does the same.
_FRESH = (
    "(c.cloze IS NULL OR NOT EXISTS (SELECT 1 FROM card s JOIN review r ON r.card_id = s.id"
    " WHERE s.deck_id = c.deck_id AND s.question_id = c.question_id AND s.id != c.id"
    " AND r.reviewed_at >= :day_start))"
)
_CARD_BY_ID = f"SELECT {_CARD_COLUMNS} FROM card c WHERE c.id = ?"
# The two writes of an answer; benchmarks/history.py writes simulated histories with the same statements.
SET_CARD_STATE = (
    "UPDATE card SET (state, step, stability, difficulty, due, last_review) = (?, ?, ?, ?, ?, ?) WHERE id = ?"
)
LOG_ANSWER = (
    "INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, step_before, stability_before,"
    " difficulty_before, due_before, last_review_before, state_after, step_after, stability_after,"
    " difficulty_after, due_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INTRODUCED_SINCE = "SELECT count(*) FROM review WHERE reviewed_at >= :day_start AND state_before = 0"
_REVIEWED_SINCE = "SELECT count(*) FROM review WHERE reviewed_at >= :day_start"


class _QueueQueries:
    """The queue's statements for one deck/topic filter (as SQL text with its fixed parameters);
    the times are passed at each run."""

    def __init__(self, deck_ids: tuple[str, ...] | None, topic: str | None) -> None:
        self.params: dict[str, object] = {}
        where = "c.retired = 0"
        if deck_ids is not None:
            names = [f":deck{i}" for i in range(len(deck_ids))]
            self.params.update({name[1:]: deck_id for name, deck_id in zip(names, deck_ids, strict=True)})
            where += f" AND c.deck_id IN ({', '.join(names) or 'NULL'})"
        in_topic = ""
        if topic:
            prefix = topic.rstrip("/") + "/"
            self.params.update(topic=topic, prefix=prefix, prefix_length=len(prefix))
            in_topic = " AND (c.topic = :topic OR substr(c.topic, 1, :prefix_length) = :prefix)"
        where += in_topic
        unhidden = "c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :now)"
        available = f"{where} AND {unhidden}"

        def first(condition: str, order: str) -> str:
            return f"SELECT {_CARD_COLUMNS} FROM card c WHERE {available} AND {condition} ORDER BY {order} LIMIT 1"

        self.candidates: list[tuple[str, str]] = [
            ("learning", first("c.state IN (1, 3) AND c.due <= :now", "c.due")),
            ("review", first(f"c.state = 2 AND c.due < :day_end AND {_FRESH}", "c.due")),
            ("new", first(f"c.state = 0 AND {_FRESH}", "c.position, c.deck_id")),
            ("ahead", first("c.state IN (1, 3) AND c.due <= :ahead", "c.due")),
        ]
        # Counts read index ranges (state, then due) and stop at the new-card limit, so they stay
        # in milliseconds with 100k cards: "state != 0" or an uncapped count of new cards would scan them all.
        due = f"{available} AND c.state IN (1, 2, 3) AND c.due < :day_end"
        self.due_count = f"SELECT count(*) FROM card c WHERE {due}"
        self.due_by_state = f"SELECT c.deck_id, c.state, count(*) FROM card c WHERE {due} GROUP BY c.deck_id, c.state"
        self.new_count = f"SELECT count(*) FROM (SELECT 1 FROM card c WHERE {available} AND c.state = 0 LIMIT :cap)"
        self.new_in_deck = (  # an index range (deck, retired, suspended, state) read up to the limit
            "SELECT count(*) FROM (SELECT 1 FROM card c WHERE c.deck_id = :deck AND c.retired = 0"
            f" AND c.state = 0 AND {unhidden}{in_topic} LIMIT :cap)"
        )
        self.totals = f"SELECT c.deck_id, count(*) FROM card c WHERE {where} GROUP BY c.deck_id"


class ReviewScheduler:
    """Picks the next card and records answers, for a set of decks (and optionally one topic)."""

    def __init__(
        self,
        db: Database,
        scheduler: SchedulerSettings,
        review: ReviewSettings,
        *,
        now: Callable[[], datetime] = utcnow,
        tz: tzinfo | None = None,
    ) -> None:
        self.db = db
        self.review = review
        self.now = now
        self.tz = tz
        self.memory = StudyDayFsrs(scheduler, review.day_start_hour, tz)
        self._cache: dict[tuple[tuple[str, ...] | None, str | None], _QueueQueries] = {}
        never = datetime.min.replace(tzinfo=UTC)
        self._day: tuple[datetime, datetime, dict[str, str]] = (never, never, {})

    # --- the queue -------------------------------------------------------------------

    def _queries(self, deck_ids: Sequence[str] | None, topic: str | None) -> _QueueQueries:
        key = (tuple(deck_ids) if deck_ids is not None else None, topic or None)
        if key not in self._cache:
            self._cache[key] = _QueueQueries(*key)
        return self._cache[key]

    def _times(self, queries: _QueueQueries | None = None) -> dict[str, object]:
        """The query parameters: the filter's, now, the study day's bounds and the learn-ahead limit."""
        now = self.now()
        if not self._day[0] <= now < self._day[1]:  # local-time arithmetic, so once per study day
            start, end = day_bounds(now, self.review.day_start_hour, self.tz)
            self._day = (start, end, {"day_start": to_db(start), "day_end": to_db(end)})
        ahead = now + timedelta(minutes=self.review.learn_ahead_minutes)
        return {**(queries.params if queries else {}), **self._day[2], "now": to_db(now), "ahead": to_db(ahead)}

    def _new_left(self, conn: sqlite3.Connection, params: dict[str, object]) -> int:
        (introduced,) = conn.execute(_INTRODUCED_SINCE, params).fetchone()
        return max(0, self.review.new_per_day - int(introduced))

    def new_left_today(self) -> int:
        """New cards still allowed today (the daily limit minus the new cards answered today)."""
        with self.db.read() as conn:
            return self._new_left(conn, self._times())

    def next_card(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> StudyCard | None:
        """The next card to study: due (re)learning cards, then reviews due today, then new cards
        within the daily limit, then learning cards coming due within the learn-ahead window."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        with self.db.read() as conn:
            for kind, statement in queries.candidates:
                if kind == "new" and self._new_left(conn, params) == 0:
                    continue
                row = conn.execute(statement, params).fetchone()
                if row is not None:
                    return _study_card(row)
        return None

    def remaining(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> int:
        """Cards still to study today (for progress): due learning and review cards plus
        new cards up to what the daily limit still allows. Cheap even with 100k cards."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        with self.db.read() as conn:
            new_left = self._new_left(conn, params)
            (due,) = conn.execute(queries.due_count, params).fetchone()
            (new,) = conn.execute(queries.new_count, {**params, "cap": new_left}).fetchone() if new_left else (0,)
        return int(due) + int(new)

    def deck_counts(self, deck_ids: Sequence[str], topic: str | None = None) -> dict[str, DeckCounts]:
        """New (within today's limit), learning and review counts due today, per deck."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        counts = {d: DeckCounts(d, 0, 0, 0, 0) for d in deck_ids}
        with self.db.read() as conn:
            new_left = self._new_left(conn, params)
            for deck_id, total in conn.execute(queries.totals, params):
                counts[deck_id] = replace(counts[deck_id], total=total)
            for deck_id, state, n in conn.execute(queries.due_by_state, params):
                current = counts[deck_id]
                if state == CardState.Review:
                    counts[deck_id] = replace(current, review=n)
                else:
                    counts[deck_id] = replace(current, learning=current.learning + n)
            for deck_id in deck_ids if new_left else ():
                (new,) = conn.execute(queries.new_in_deck, {**params, "deck": deck_id, "cap": new_left}).fetchone()
                counts[deck_id] = replace(counts[deck_id], new=new)
        return counts

    def reviewed_today(self) -> int:
        """Answers given since the start of the study day."""
        with self.db.read() as conn:
            (n,) = conn.execute(_REVIEWED_SINCE, self._times()).fetchone()
        return int(n)

    # --- answering ---------------------------------------------------------------------

    def intervals(self, card: StudyCard) -> dict[Grade, timedelta]:
        """How long until the card comes back for each grade, fuzz included: what answering now gives.

        Whole study days for a review, the exact step for (re)learning.
        """
        waits = self.memory.preview(card.id, _memory(card), self.now())
        return {grade: waits[int(grade)] for grade in Grade}

    def answer(self, card_id: int, grade: Grade, duration_ms: int | None = None) -> AnswerResult:
        """Apply `grade` to the card as stored now, and store the new state and its log atomically.

        Raises:
            QuizError: if the card no longer exists.
            StorageError: if the database cannot be written.
        """
        now = self.now()
        with self.db.write() as conn:
            row = conn.execute(_CARD_BY_ID, (card_id,)).fetchone()
            if row is None:
                raise QuizError(f"card {card_id} no longer exists")
            state, step, stability, difficulty, due, last_review = row[6:]
            before = MemoryState(CardState(state), step, stability, difficulty, from_db(due), from_db(last_review))
            after = self.memory.answer(card_id, before, int(grade), now)
            state_after = after.state
            assert after.due is not None
            due_after, reviewed_at = to_db(after.due), to_db(now)
            conn.execute(
                SET_CARD_STATE,
                (int(state_after), after.step, after.stability, after.difficulty, due_after, reviewed_at, card_id),
            )
            logged = conn.execute(
                LOG_ANSWER,
                (card_id, int(grade), reviewed_at, duration_ms, state, step, stability, difficulty, due, last_review)
                + (int(state_after), after.step, after.stability, after.difficulty, due_after),
            )
            assert logged.lastrowid is not None
        return AnswerResult(logged.lastrowid, card_id, grade, state_after, after.due)

    def retrievability(self, card: StudyCard) -> float | None:
        """FSRS's predicted probability of recall now, in study days (None for a new card)."""
        return self.memory.retrievability(card.id, _memory(card), self.now())

    def undo(self, review_id: int) -> int:
        """Undo one answer: restore the card exactly as it was before and delete the log.

        Returns:
            The id of the card, to show it again.

        Raises:
            UndoExpired: if the review is gone or the card was answered again since.
            StorageError: if the database cannot be written (the undo may be retried).
        """
        with self.db.write() as conn:
            log = conn.execute(
                "SELECT card_id, state_before, step_before, stability_before, difficulty_before, due_before,"
                " last_review_before FROM review WHERE id = ?",
                (review_id,),
            ).fetchone()
            if log is None:
                raise UndoExpired("nothing to undo: that answer is no longer in the database")
            card_id, *before = log
            later = conn.execute("SELECT 1 FROM review WHERE card_id = ? AND id > ?", (card_id, review_id)).fetchone()
            if later:
                raise UndoExpired("cannot undo: this card was answered again since (in another window?)")
            conn.execute(SET_CARD_STATE, (*before, card_id))
            conn.execute("DELETE FROM review WHERE id = ?", (review_id,))
        return int(card_id)

    def card(self, card_id: int) -> StudyCard:
        """One card by id."""
        with self.db.read() as conn:
            row = conn.execute(_CARD_BY_ID, (card_id,)).fetchone()
        if row is None:
            raise QuizError(f"card {card_id} no longer exists")
        return _study_card(row)

    def suspend(self, card_id: int) -> None:
        """Take a card out of the schedule until it is unsuspended."""
        with self.db.write() as conn:
            conn.execute("UPDATE card SET suspended = 1 WHERE id = ?", (card_id,))

    def unhide(self, card_id: int) -> None:
        """Undo a suspend or a bury of a card that was in the queue (so it was neither before)."""
        with self.db.write() as conn:
            conn.execute("UPDATE card SET suspended = 0, buried_until = NULL WHERE id = ?", (card_id,))

    def bury(self, card_id: int) -> None:
        """Hide a card until the next study day."""
        _, day_end = day_bounds(self.now(), self.review.day_start_hour, self.tz)
        with self.db.write() as conn:
            conn.execute("UPDATE card SET buried_until = ? WHERE id = ?", (to_db(day_end), card_id))
