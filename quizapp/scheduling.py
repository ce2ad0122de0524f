"""The due queue and answering; the only module that imports fsrs.

Every answer is one write transaction: the card's FSRS state and its review log are
stored together, computed from the card as it is in the database at that moment, so
two instances answering the same card both keep their answer, applied in commit order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import IntEnum
from typing import Any

import fsrs
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import day_bounds
from quizapp.decks.cards import question_from_content
from quizapp.decks.model import Question
from quizapp.errors import QuizError
from quizapp.store.database import Database
from quizapp.store.tables import CardState, UTCDateTime, card_table, review_table


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
    question: Question
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


_CARD_COLUMNS = (
    card_table.c.id,
    card_table.c.uid,
    card_table.c.deck_id,
    card_table.c.topic,
    card_table.c.cloze,
    card_table.c.content,
    card_table.c.state,
    card_table.c.step,
    card_table.c.stability,
    card_table.c.difficulty,
    card_table.c.due,
    card_table.c.last_review,
)
_LEARNING = (CardState.Learning, CardState.Relearning)


def build_fsrs_scheduler(settings: SchedulerSettings, *, fuzz: bool | None = None) -> fsrs.Scheduler:
    """py-fsrs's scheduler from our settings."""
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps_minutes),
        relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps_minutes),
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=settings.fuzz if fuzz is None else fuzz,
    )


def to_fsrs(card: StudyCard | Any, now: datetime) -> fsrs.Card:
    """Our card (or a card row) as a py-fsrs card; `card_id` is always given (else py-fsrs sleeps 1 ms)."""
    state = CardState(card.state)
    if state is CardState.New:
        return fsrs.Card(card_id=card.id, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=card.id,
        state=fsrs.State(int(state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due or now,
        last_review=card.last_review,
    )


def _study_card(row: Any) -> StudyCard:
    return StudyCard(
        id=row.id,
        uid=row.uid,
        deck_id=row.deck_id,
        topic=row.topic,
        cloze=row.cloze,
        question=question_from_content(row.content),
        state=CardState(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )


def _no_sibling_seen_since(start: BindParameter[datetime]) -> ColumnElement[bool]:
    """True for a card none of whose cloze siblings was answered since `start`.

    Cloze cards of one question give each other away, so (as Anki does) a new or
    review card waits for the next day once a sibling was answered today.
    """
    c = card_table.c
    sibling = card_table.alias("sibling")
    seen = (
        select(review_table.c.id)
        .join(sibling, sibling.c.id == review_table.c.card_id)
        .where(
            sibling.c.deck_id == c.deck_id,
            sibling.c.question_id == c.question_id,
            sibling.c.id != c.id,
            review_table.c.reviewed_at >= start,
        )
        .exists()
    )
    return or_(c.cloze.is_(None), ~seen)


def _time(name: str) -> BindParameter[datetime]:
    return bindparam(name, type_=UTCDateTime())


_CARD_BY_ID = select(*_CARD_COLUMNS).where(card_table.c.id == bindparam("card_id"))
_SET_STATE = (
    update(card_table)
    .where(card_table.c.id == bindparam("card_id"))
    .values(
        state=bindparam("new_state"),
        step=bindparam("new_step"),
        stability=bindparam("new_stability"),
        difficulty=bindparam("new_difficulty"),
        due=_time("new_due"),
        last_review=_time("new_last_review"),
    )
)
_LOG = review_table.insert()
_INTRODUCED_SINCE = (
    select(func.count())
    .select_from(review_table)
    .where(review_table.c.reviewed_at >= _time("day_start"), review_table.c.state_before == CardState.New)
)
_REVIEWED_SINCE = select(func.count()).select_from(review_table).where(review_table.c.reviewed_at >= _time("day_start"))


class _QueueQueries:
    """The queue's statements for one deck/topic filter, built once and run with the times as
    parameters: building SQLAlchemy expressions costs more than running them."""

    def __init__(self, deck_ids: tuple[str, ...] | None, topic: str | None) -> None:
        c = card_table.c
        now, day_end = _time("now"), _time("day_end")
        scope: list[ColumnElement[bool]] = [c.retired.is_(False)]
        if deck_ids is not None:
            scope.append(c.deck_id.in_(list(deck_ids)))
        if topic:
            scope.append(or_(c.topic == topic, c.topic.startswith(topic.rstrip("/") + "/", autoescape=True)))
        available = [*scope, c.suspended.is_(False), or_(c.buried_until.is_(None), c.buried_until <= now)]
        fresh = _no_sibling_seen_since(_time("day_start"))

        def first(condition: ColumnElement[bool], *order: Any) -> Select[Any]:
            return select(*_CARD_COLUMNS).where(*available, condition).order_by(*order).limit(1)

        self.candidates: list[tuple[str, Select[Any]]] = [
            ("learning", first(and_(c.state.in_(_LEARNING), c.due <= now), c.due)),
            ("review", first(and_(c.state == CardState.Review, c.due < day_end, fresh), c.due)),
            ("new", first(and_(c.state == CardState.New, fresh), c.position, c.deck_id)),
            ("ahead", first(and_(c.state.in_(_LEARNING), c.due <= _time("ahead")), c.due)),
        ]
        self.due_count = select(func.count()).where(*available, c.state != CardState.New, c.due < day_end)
        new_ids = select(c.id).where(*available, c.state == CardState.New).limit(bindparam("cap")).subquery()
        self.new_count = select(func.count()).select_from(new_ids)
        self.totals = select(c.deck_id, func.count()).where(*scope).group_by(c.deck_id)
        due_today = or_(c.state == CardState.New, c.due < day_end)
        self.by_state = (
            select(c.deck_id, c.state, func.count()).where(*available, due_today).group_by(c.deck_id, c.state)
        )


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
        self._fsrs = build_fsrs_scheduler(scheduler)
        self._preview = build_fsrs_scheduler(scheduler, fuzz=False)
        self._cache: dict[tuple[tuple[str, ...] | None, str | None], _QueueQueries] = {}

    # --- the queue -------------------------------------------------------------------

    def _queries(self, deck_ids: Sequence[str] | None, topic: str | None) -> _QueueQueries:
        key = (tuple(deck_ids) if deck_ids is not None else None, topic or None)
        if key not in self._cache:
            self._cache[key] = _QueueQueries(*key)
        return self._cache[key]

    def _times(self) -> dict[str, datetime]:
        now = self.now()
        day_start, day_end = day_bounds(now, self.review.day_start_hour, self.tz)
        ahead = now + timedelta(minutes=self.review.learn_ahead_minutes)
        return {"now": now, "day_start": day_start, "day_end": day_end, "ahead": ahead}

    def _new_left(self, conn: Connection, times: dict[str, datetime]) -> int:
        introduced = conn.execute(_INTRODUCED_SINCE, times).scalar_one()
        return max(0, self.review.new_per_day - introduced)

    def new_left_today(self) -> int:
        """New cards still allowed today (the daily limit minus the new cards answered today)."""
        with self.db.read() as conn:
            return self._new_left(conn, self._times())

    def next_card(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> StudyCard | None:
        """The next card to study: due (re)learning cards, then reviews due today, then new cards
        within the daily limit, then learning cards coming due within the learn-ahead window."""
        queries = self._queries(deck_ids, topic)
        times = self._times()
        with self.db.read() as conn:
            for kind, statement in queries.candidates:
                if kind == "new" and self._new_left(conn, times) == 0:
                    continue
                row = conn.execute(statement, times).first()
                if row is not None:
                    return _study_card(row)
        return None

    def remaining(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> int:
        """Cards still to study today (for progress): due learning and review cards plus
        new cards up to what the daily limit still allows. Cheap even with 100k cards."""
        queries = self._queries(deck_ids, topic)
        times = self._times()
        with self.db.read() as conn:
            new_left = self._new_left(conn, times)
            due = conn.execute(queries.due_count, times).scalar_one()
            new = conn.execute(queries.new_count, {**times, "cap": new_left}).scalar_one() if new_left else 0
        return due + new

    def deck_counts(self, deck_ids: Sequence[str], topic: str | None = None) -> dict[str, DeckCounts]:
        """New (within today's limit), learning and review counts due today, per deck."""
        queries = self._queries(deck_ids, topic)
        times = self._times()
        counts = {d: DeckCounts(d, 0, 0, 0, 0) for d in deck_ids}
        with self.db.read() as conn:
            new_left = self._new_left(conn, times)
            for deck_id, total in conn.execute(queries.totals):
                counts[deck_id] = replace(counts[deck_id], total=total)
            for deck_id, state, n in conn.execute(queries.by_state, times):
                current = counts[deck_id]
                if state == CardState.New:
                    counts[deck_id] = replace(current, new=min(n, new_left))
                elif state == CardState.Review:
                    counts[deck_id] = replace(current, review=n)
                else:
                    counts[deck_id] = replace(current, learning=current.learning + n)
        return counts

    def reviewed_today(self) -> int:
        """Answers given since the start of the study day."""
        with self.db.read() as conn:
            return conn.execute(_REVIEWED_SINCE, self._times()).scalar_one()

    # --- answering ---------------------------------------------------------------------

    def intervals(self, card: StudyCard) -> dict[Grade, timedelta]:
        """Time until the card is due again for each grade (without fuzz, which is random)."""
        now = self.now()
        fcard = to_fsrs(card, now)
        return {grade: self._preview.review_card(fcard, fsrs.Rating(int(grade)), now)[0].due - now for grade in Grade}

    def answer(self, card_id: int, grade: Grade, duration_ms: int | None = None) -> AnswerResult:
        """Apply `grade` to the card as stored now, and store the new state and its log atomically.

        Raises:
            QuizError: if the card no longer exists.
            StorageError: if the database cannot be written.
        """
        now = self.now()
        with self.db.write() as conn:
            row = conn.execute(_CARD_BY_ID, {"card_id": card_id}).first()
            if row is None:
                raise QuizError(f"card {card_id} no longer exists")
            after, _log = self._fsrs.review_card(to_fsrs(row, now), fsrs.Rating(int(grade)), now, duration_ms)
            state_after = CardState(int(after.state))
            conn.execute(
                _SET_STATE,
                {
                    "card_id": card_id,
                    "new_state": state_after,
                    "new_step": after.step,
                    "new_stability": after.stability,
                    "new_difficulty": after.difficulty,
                    "new_due": after.due,
                    "new_last_review": now,
                },
            )
            logged = conn.execute(
                _LOG,
                {
                    "card_id": card_id,
                    "rating": int(grade),
                    "reviewed_at": now,
                    "duration_ms": duration_ms,
                    "state_before": row.state,
                    "step_before": row.step,
                    "stability_before": row.stability,
                    "difficulty_before": row.difficulty,
                    "due_before": row.due,
                    "last_review_before": row.last_review,
                    "state_after": state_after,
                    "step_after": after.step,
                    "stability_after": after.stability,
                    "difficulty_after": after.difficulty,
                    "due_after": after.due,
                },
            ).inserted_primary_key
            assert logged is not None
            review_id = int(logged[0])
        return AnswerResult(review_id, card_id, grade, state_after, after.due)

    def undo(self, review_id: int) -> int:
        """Undo one answer: restore the card exactly as it was before and delete the log.

        Returns:
            The id of the card, to show it again.

        Raises:
            QuizError: if the review is gone or the card was answered again since.
        """
        r = review_table.c
        with self.db.write() as conn:
            log = conn.execute(select(review_table).where(r.id == review_id)).first()
            if log is None:
                raise QuizError("nothing to undo: that answer is no longer in the database")
            later = conn.execute(
                select(func.count()).select_from(review_table).where(r.card_id == log.card_id, r.id > review_id)
            ).scalar_one()
            if later:
                raise QuizError("cannot undo: this card was answered again since (in another window?)")
            conn.execute(
                update(card_table)
                .where(card_table.c.id == log.card_id)
                .values(
                    state=log.state_before,
                    step=log.step_before,
                    stability=log.stability_before,
                    difficulty=log.difficulty_before,
                    due=log.due_before,
                    last_review=log.last_review_before,
                )
            )
            conn.execute(delete(review_table).where(r.id == review_id))
        return int(log.card_id)

    def card(self, card_id: int) -> StudyCard:
        """One card by id."""
        with self.db.read() as conn:
            row = conn.execute(_CARD_BY_ID, {"card_id": card_id}).first()
        if row is None:
            raise QuizError(f"card {card_id} no longer exists")
        return _study_card(row)

    def suspend(self, card_id: int) -> None:
        """Take a card out of the schedule until it is unsuspended."""
        with self.db.write() as conn:
            conn.execute(update(card_table).where(card_table.c.id == card_id).values(suspended=True))

    def unhide(self, card_id: int) -> None:
        """Undo a suspend or a bury of a card that was in the queue (so it was neither before)."""
        with self.db.write() as conn:
            conn.execute(
                update(card_table).where(card_table.c.id == card_id).values(suspended=False, buried_until=None)
            )

    def bury(self, card_id: int) -> None:
        """Hide a card until the next study day."""
        _, day_end = day_bounds(self.now(), self.review.day_start_hour, self.tz)
        with self.db.write() as conn:
            conn.execute(update(card_table).where(card_table.c.id == card_id).values(buried_until=day_end))
