"""The queue's policy and answering: which card comes next, the daily limits of new cards, undo; the
statements it runs are `quizapp.store.queue`'s, and FSRS itself is applied by `quizapp.memory`.

Every answer is one write transaction: the card's FSRS state and its review log are
stored together, computed from the card as it is in the database at that moment, so
two instances answering the same card both keep their answer, applied in commit order.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import IntEnum
from typing import Any

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import day_bounds
from quizapp.decks.questions import StoredQuestion, question_from_content
from quizapp.errors import QuizError
from quizapp.memory import MemoryState, StudyDayFsrs
from quizapp.store import queue, tallies
from quizapp.store.connection import from_db, named, to_db
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


class Confidence(IntEnum):
    """What the candidate says before the reveal: an interviewer probes whether you know what you don't know."""

    Sure = 1
    Unsure = 2
    Guess = 3


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
    content_hash: str  # the question's version now
    seen_hash: str | None  # the version its last answer saw (None: never answered, or before schema 7)
    state: CardState
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None


def utc_offset_minutes(moment: datetime, tz: tzinfo | None) -> int:
    """The UTC offset, in minutes, of the local time zone at `moment` (`tz` None means the system's zone)."""
    offset = (moment.astimezone(tz) if tz is not None else moment.astimezone()).utcoffset()
    assert offset is not None  # astimezone gives an aware datetime
    return int(offset.total_seconds()) // 60


@dataclass(frozen=True)
class AnswerMarks:
    """What the candidate recalled or picked in one answer, kept with the review for the reports."""

    key_points: tuple[bool, ...] = ()  # per key point of the question, in order: recalled or not
    picked: frozenset[int] | None = None  # a choice answer: the options picked (0-based)
    confidence: Confidence | None = None  # said before the reveal, if anything


@dataclass(frozen=True)
class AnswerResult:
    """What an answer did: the log written and the card's new state."""

    review_id: int
    card_id: int
    grade: Grade
    state: CardState
    due: datetime
    lapses: int = 0  # the card's lapses after this answer (`lapses_after_newest`)
    leech: bool = False  # this answer was the lapse that made the card a leech (`leech_threshold_met`)
    suspended: bool = False  # ...and the leech action suspended it


def leech_threshold_met(lapses: int, threshold: int) -> bool:
    """Anki's rule: a lapse makes a card a leech at the threshold, and again every half threshold after
    (8, 12, 16... for 8), so a leech brought back and failed again is caught again."""
    half = max(1, math.ceil(threshold / 2))
    return threshold > 0 and lapses >= threshold and (lapses - threshold) % half == 0


def lapses_after_newest(conn: sqlite3.Connection, card_id: int, threshold: int) -> tuple[int, bool]:
    """The card's lapses (Again after at least a study day: what `card_tally.lapses` sums) counted from its
    newest review, and whether that review was the lapse that made it a leech."""
    newest = named(conn).execute(tallies.PREVIOUS_ANSWER, {"card_id": card_id}).fetchone()
    return (0, False) if newest is None else lapses_after(newest, threshold)


def lapses_after(review: Mapping[str, Any], threshold: int) -> tuple[int, bool]:
    """The card's lapses counted from `review`, its newest (`review_number`, `lapses_before`, `elapsed_days`,
    `rating`), and whether that review was the lapse that made it a leech."""
    lapses = tallies.next_counts(review, None)[1]
    return lapses, lapses > int(review["lapses_before"] or 0) and leech_threshold_met(lapses, threshold)


@dataclass(frozen=True)
class DeckCounts:
    """Home-screen numbers for one deck."""

    deck_id: str
    new: int
    learning: int
    review: int
    total: int


@dataclass(frozen=True)
class QueueCounts:
    """Cards still to study today, by kind."""

    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class NextUp:
    """What the review shows next: a card (None when nothing is due), the cards still to study today by kind (in a
    drill, `review` counts the drill's answers still needed), and the card's lapses (for its leech tag)."""

    card: StudyCard | None
    counts: QueueCounts = QueueCounts()
    lapses: int = 0


Filter = tuple[tuple[str, ...] | None, str | None]
"""The decks (None: all) and the topic (None: all) a queue is drawn from."""
_DATA_VERSION = "PRAGMA data_version"  # changes when another connection commits


def _filter(deck_ids: Sequence[str] | None, topic: str | None) -> Filter:
    return (tuple(deck_ids) if deck_ids is not None else None, topic or None)


def _in_filter(queue_filter: Filter, deck_id: str, topic: str) -> bool:
    """Whether a card of `deck_id` and `topic` is in the filter (as `queue.QueueQueries` selects)."""
    deck_ids, wanted = queue_filter
    if deck_ids is not None and deck_id not in deck_ids:
        return False
    return not wanted or topic == wanted or topic.startswith(wanted.rstrip("/") + "/")


def _counted_as(card: sqlite3.Row | Mapping[str, Any], fresh: bool, params: Mapping[str, object]) -> str | None:
    """What `left_today` counts a card as ("new", "learning", "review"), or None: the same conditions as the
    count statements of `queue.QueueQueries`, on the card's stored columns (times as stored text). `fresh`: no
    sibling of a cloze card answered today."""
    buried = card["buried_until"]
    if card["retired"] or card["suspended"] or (buried is not None and buried > params["now"]):
        return None
    state, due = card["state"], card["due"]
    if state in (CardState.Learning, CardState.Relearning):
        return "learning" if due is not None and due < params["learn_until"] else None
    if state == CardState.Review:
        return "review" if fresh and due is not None and due < params["day_end"] else None
    return "new" if fresh else None


@dataclass(frozen=True)
class NewAllowance:
    """New cards still allowed today: overall (`review.new_per_day` minus the new cards answered today), and for
    each deck with a limit of its own (`review.deck_limits`) its limit minus its new cards answered today. Both
    apply, as in Anki: a deck's new cards come while neither is reached."""

    overall: int
    by_deck: Mapping[str, int]

    def for_deck(self, deck_id: str) -> int:
        """New cards the deck may still give today."""
        return min(self.overall, self.by_deck.get(deck_id, self.overall))

    def at_limit(self, deck_ids: Sequence[str] | None = None) -> list[str]:
        """The decks (of `deck_ids`, if given) that reached their own limit today, sorted."""
        return sorted(d for d, left in self.by_deck.items() if left == 0 and (deck_ids is None or d in deck_ids))


def _study_card(row: sqlite3.Row) -> StudyCard:
    """A card read with `queue.CARD_COLUMNS`."""
    return StudyCard(
        id=row["id"],
        uid=row["uid"],
        deck_id=row["deck_id"],
        topic=row["topic"],
        cloze=row["cloze"],
        question=question_from_content(row["question"]),
        content_hash=row["content_hash"],
        seen_hash=row["seen_hash"],
        state=CardState(row["state"]),
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        due=from_db(row["due"]),
        last_review=from_db(row["last_review"]),
    )


def _memory(card: StudyCard) -> MemoryState:
    return MemoryState(card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)


def memory_state(stored: Mapping[str, Any]) -> MemoryState:
    """A card's memory state from its stored columns (`queue.MEMORY_COLUMNS`, by name)."""
    return MemoryState(
        CardState(stored["state"]),
        stored["step"],
        stored["stability"],
        stored["difficulty"],
        from_db(stored["due"]),
        from_db(stored["last_review"]),
    )


def stored_state(memory: MemoryState) -> dict[str, object]:
    """A memory state as the card's columns store it (`queue.MEMORY_COLUMNS`, by name)."""
    return {
        "state": int(memory.state),
        "step": memory.step,
        "stability": memory.stability,
        "difficulty": memory.difficulty,
        "due": None if memory.due is None else to_db(memory.due),
        "last_review": None if memory.last_review is None else to_db(memory.last_review),
    }


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
        memory: StudyDayFsrs | None = None,
    ) -> None:
        """`memory`: another scheduler's FSRS of the same settings, to share, so that an answer given here takes
        the outcome a preview there worked out (`StudyDayFsrs.answer`)."""
        self.db = db
        self.review = review
        self.now = now
        self.tz = tz
        self.memory = memory or StudyDayFsrs(scheduler, review.day_start_hour, tz)
        self._cache: dict[tuple[tuple[str, ...] | None, str | None], queue.QueueQueries] = {}
        never = datetime.min.replace(tzinfo=UTC)
        self._day: tuple[datetime, datetime, dict[str, str]] = (never, never, {})
        # The counts of each filter as `left_today` last gave them, kept up to date by this scheduler's answers, and
        # in force while the database holds what they were worked out from: as of `_counted_as_of`, the
        # commits of other connections (`PRAGMA data_version`) and of this one, and the study day's end.
        self._counted: dict[Filter, QueueCounts] = {}
        self._new_unknown: set[Filter] = set()  # kept counts whose new cards are to be counted again
        self._counted_as_of: tuple[int, int, object] | None = None
        self._introduced = 0  # new cards answered today, when the counts were worked out (for their allowance)

    # --- the queue -------------------------------------------------------------------

    def _queries(self, deck_ids: Sequence[str] | None, topic: str | None) -> queue.QueueQueries:
        key = _filter(deck_ids, topic)
        if key not in self._cache:
            self._cache[key] = queue.QueueQueries(*key)
        return self._cache[key]

    def _times(self, queries: queue.QueueQueries | None = None) -> dict[str, object]:
        """The query parameters: the filter's, now, the study day's bounds, the learn-ahead limit, and how far
        ahead (re)learning cards still come today: to the day's end, or past it within the learn-ahead window."""
        now = self.now()
        if not self._day[0] <= now < self._day[1]:  # local-time arithmetic, so once per study day
            start, end = day_bounds(now, self.review.day_start_hour, self.tz)
            self._day = (start, end, {"day_start": to_db(start), "day_end": to_db(end)})
        ahead = now + timedelta(minutes=self.review.learn_ahead_minutes)
        times = {"now": to_db(now), "ahead": to_db(ahead), "learn_until": to_db(max(ahead, self._day[1]))}
        return {**(queries.params if queries else {}), **self._day[2], **times}

    def _new_left(self, conn: sqlite3.Connection, params: dict[str, object]) -> int:
        self._introduced = int(named(conn).execute(queue.INTRODUCED_SINCE, params).fetchone()["answers"])
        return max(0, self.review.new_per_day - self._introduced)

    def _allowance(self, conn: sqlite3.Connection, params: dict[str, object]) -> NewAllowance:
        """The new cards allowed today; the per-deck count of today's new cards is read only if a deck has a
        limit of its own and the overall one is not reached."""
        overall = self._new_left(conn, params)
        if not self.review.deck_limits or overall == 0:
            return NewAllowance(overall, {})
        rows = named(conn).execute(queue.INTRODUCED_BY_DECK_SINCE, params)
        introduced = {row["deck_id"]: int(row["answers"]) for row in rows}
        by_deck = {d: max(0, limit - introduced.get(d, 0)) for d, limit in self.review.deck_limits.items()}
        return NewAllowance(overall, by_deck)

    def new_left_today(self) -> int:
        """New cards still allowed today by the overall limit (the daily limit minus the new cards answered
        today); a deck's own limit may allow fewer of its cards (`deck_counts`)."""
        with self.db.read() as conn:
            return self._new_left(conn, self._times())

    def next_card(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> StudyCard | None:
        """The next card to study: due (re)learning cards, then reviews due today, then new cards
        within the daily limits (the overall one and their deck's), then learning cards coming due
        within the learn-ahead window."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        with self.db.read() as conn:
            return self._next_card(conn, queries, params, deck_ids)

    def _next_card(
        self,
        conn: sqlite3.Connection,
        queries: queue.QueueQueries,
        params: dict[str, object],
        deck_ids: Sequence[str] | None,
        counts: QueueCounts | None = None,
    ) -> StudyCard | None:
        """`next_card` in a read transaction; the kinds `counts` (the filter's, if known) has none of are not
        looked for. The learn-ahead ones are, when the window reaches past what the learning count covers."""
        skipped: set[str] = set()
        if counts is not None and not self.review.deck_limits:
            skipped = {kind for kind, left in (("new", counts.new), ("review", counts.review)) if not left}
            if not counts.learning:
                skipped.add("learning")
                if str(params["ahead"]) < str(params["learn_until"]):
                    skipped.add("ahead")
        for kind, statement in queries.candidates:
            if kind in skipped:
                continue
            run_with = params
            if kind == "new":
                allowance = self._allowance(conn, params)
                if allowance.overall == 0:
                    continue
                if full := allowance.at_limit(deck_ids):
                    run_with = {**params, "excluded_decks": json.dumps(full)}
                    if not self._any_new(conn, queries, run_with):
                        continue
                    statement = queries.new_outside
            row = named(conn).execute(statement, run_with).fetchone()
            if row is not None:
                return _study_card(row)
        return None

    @staticmethod
    def _any_new(conn: sqlite3.Connection, queries: queue.QueueQueries, params: dict[str, object]) -> bool:
        """Whether a deck not at its limit has a new card to offer: asked deck by deck (ix_card_deck) before
        `new_outside` walks the order index, which finds nothing only after reading every new card's entry
        (9 ms at 100k cards when every deck is at its limit, against 0.1 ms for this)."""
        return bool(named(conn).execute(queries.new_count_outside, {**params, "cap": 1}).fetchone()["cards"])

    def _new_today(
        self,
        conn: sqlite3.Connection,
        queries: queue.QueueQueries,
        params: dict[str, object],
        allowance: NewAllowance,
        deck_ids: Sequence[str] | None,
    ) -> int:
        """The new cards the queue still offers today: those of the decks without a limit of their own, then
        each limited deck's up to its limit, all up to the overall limit. Each count stops at its limit, and
        the decks' counts stop once the overall one is reached."""
        if allowance.overall == 0:
            return 0
        limited = [d for d in allowance.by_deck if deck_ids is None or d in deck_ids]
        if not limited:
            return int(named(conn).execute(queries.new_count, {**params, "cap": allowance.overall}).fetchone()["cards"])
        new = 0
        if deck_ids is None or len(limited) < len(set(deck_ids)):  # some decks of the filter have no own limit
            outside = {**params, "cap": allowance.overall, "excluded_decks": json.dumps(sorted(limited))}
            new = int(named(conn).execute(queries.new_count_outside, outside).fetchone()["cards"])
        for deck_id in limited:
            cap = min(allowance.for_deck(deck_id), allowance.overall - new)
            if cap > 0:
                in_deck = {**params, "deck": deck_id, "cap": cap}
                new += int(named(conn).execute(queries.new_in_deck, in_deck).fetchone()["cards"])
        return new

    def left_today(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> QueueCounts:
        """Cards still to study today, by kind, as Anki counts them above its cards: new cards up to what the daily
        limits still allow, (re)learning cards due today, and reviews due today. Cheap even with 100k cards, and
        kept between calls (see `_left`)."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        with self.db.read() as conn:
            return self._left(conn, queries, params, _filter(deck_ids, topic))

    def next_up(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> NextUp:
        """What the review shows next, read at once: the next card (`next_card`), the counts above it
        (`left_today`) and its lapses."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        with self.db.read() as conn:
            counts = self._left(conn, queries, params, _filter(deck_ids, topic))
            card = self._next_card(conn, queries, params, deck_ids, counts)
            if card is None:
                return NextUp(None)
            return NextUp(card, counts, lapses_after_newest(conn, card.id, self.review.leech_threshold)[0])

    def forget_counts(self) -> None:
        """Count again at the next `left_today`, rather than keep the counts up to date."""
        self._counted.clear()
        self._new_unknown.clear()

    def _left(
        self,
        conn: sqlite3.Connection,
        queries: queue.QueueQueries,
        params: dict[str, object],
        key: Filter,
    ) -> QueueCounts:
        """The counts of the filter `key`: kept from the last time while they are in force (`_counts_in_force`),
        else counted (and kept, when they can be kept up to date)."""
        self._counts_in_force(conn, params)
        counts = self._counted.get(key)
        if counts is not None and key in self._new_unknown:
            new = self._new_today(conn, queries, params, self._allowance(conn, params), key[0])
            counts = self._counted[key] = replace(counts, new=new)
            self._new_unknown.discard(key)
        if counts is None:
            due = named(conn).execute(queries.due_count, params).fetchone()
            new = self._new_today(conn, queries, params, self._allowance(conn, params), key[0])
            counts = QueueCounts(new, int(due["learning"]), int(due["review"]))
            if self._keeps_counts():
                self._counted[key] = counts
        elif params["learn_until"] != params["day_end"]:
            # the study day's last minutes: the learn-ahead window reaches past the day's end and moves with the
            # clock, bringing learning cards in without a write, so they are counted again (an index range)
            learning = int(named(conn).execute(queries.learning_count, params).fetchone()["learning"])
            counts = self._counted[key] = replace(counts, learning=learning)
        return counts

    def _keeps_counts(self) -> bool:
        """Whether counts can be kept and updated answer by answer: not with limits of new cards per deck."""
        return not self.review.deck_limits

    def _counts_in_force(self, conn: sqlite3.Connection, params: Mapping[str, object]) -> bool:
        """Forget the kept counts unless the database holds what they were worked out from (only this scheduler's
        answers, which update them, have been committed since) and the study day is the same; returns whether
        any are kept."""
        version = conn.execute(_DATA_VERSION).fetchone()[0]
        as_of = (version, self.db.commits, params["day_end"])
        if as_of != self._counted_as_of or not self._keeps_counts():
            self._counted.clear()
            self._new_unknown.clear()
            self._counted_as_of = as_of
        return bool(self._counted)

    def remaining(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> int:
        """Cards still to study today, of every kind (`left_today`)."""
        return self.left_today(deck_ids, topic).total

    def deck_counts(self, deck_ids: Sequence[str], topic: str | None = None) -> dict[str, DeckCounts]:
        """New (within today's limits: the overall one and the deck's own), learning and review counts due today,
        per deck."""
        queries = self._queries(deck_ids, topic)
        params = self._times(queries)
        counts = {d: DeckCounts(d, 0, 0, 0, 0) for d in deck_ids}
        with self.db.read() as conn:
            allowance = self._allowance(conn, params)
            for row in named(conn).execute(queries.totals, params):
                counts[row["deck_id"]] = replace(counts[row["deck_id"]], total=row["cards"])
            for row in named(conn).execute(queries.due_by_state, params):
                current = counts[row["deck_id"]]
                if row["state"] == CardState.Review:
                    counts[current.deck_id] = replace(current, review=row["cards"])
                else:
                    counts[current.deck_id] = replace(current, learning=current.learning + row["cards"])
            for deck_id in deck_ids:
                if cap := allowance.for_deck(deck_id):
                    in_deck = {**params, "deck": deck_id, "cap": cap}
                    new = named(conn).execute(queries.new_in_deck, in_deck).fetchone()["cards"]
                    counts[deck_id] = replace(counts[deck_id], new=new)
        return counts

    def every_card(self, deck_ids: Sequence[str] | None = None, topic: str | None = None) -> list[StudyCard]:
        """Every card of the filter but the suspended ones, due or not, in deck order (for a drill)."""
        queries = self._queries(deck_ids, topic)
        with self.db.read() as conn:
            return [_study_card(row) for row in named(conn).execute(queries.everything, queries.params)]

    def reviewed_today(self) -> int:
        """Answers given since the start of the study day."""
        with self.db.read() as conn:
            n = named(conn).execute(queue.REVIEWED_SINCE, self._times()).fetchone()["answers"]
        return int(n)

    # --- answering ---------------------------------------------------------------------

    def intervals(self, card: StudyCard) -> dict[Grade, timedelta]:
        """How long until the card comes back for each grade, fuzz included: what answering now gives.

        Whole study days for a review, the exact step for (re)learning.
        """
        waits = self.memory.preview(card.id, _memory(card), self.now())
        return {grade: waits[int(grade)] for grade in Grade}

    def answer(
        self,
        card_id: int,
        grade: Grade,
        duration_ms: int | None = None,
        marks: AnswerMarks | None = None,
        *,
        mode: str | None = None,
    ) -> AnswerResult:
        """Apply `grade` to the card as stored now, and store the new state, its log and `marks` atomically.

        The log also keeps what the reports need: FSRS's predicted recall just before the answer and the
        study days since the last review (both None for a new card), the local UTC offset, the answer's
        kind, the card's cloze number, and `marks` (a row per key point, the options picked).

        Raises:
            QuizError: if the card no longer exists.
            StorageError: if the database cannot be written.
        """
        now = self.now()
        marks = marks or AnswerMarks()
        times = self._times()
        with self.db.write() as conn:
            row = named(conn).execute(queue.CARD_TO_ANSWER, {"id": card_id}).fetchone()
            if row is None:
                raise QuizError(f"card {card_id} no longer exists")
            siblings: list[sqlite3.Row] = []
            counted = self._counts_in_force(conn, times)
            if counted and row["cloze"] is not None:
                question = {"deck_id": row["deck_id"], "question_id": row["question_id"], **times}
                siblings = named(conn).execute(queue.SIBLINGS, question).fetchall()
            before = queue.memory_of(row)
            memory = memory_state(before)
            elapsed = self.memory.elapsed_days(memory, now)
            previous = row if row["previous_id"] is not None else None
            after = self.memory.answer(card_id, memory, int(grade), now)
            assert after.due is not None
            stored = stored_state(after)
            same_state = stored["state"] == before["state"]
            conn.execute(queue.SET_CARD_SCHEDULE if same_state else queue.SET_CARD_STATE, {**stored, "id": card_id})
            log = queue.answer_log(
                card_id,
                int(grade),
                to_db(now),
                duration_ms,
                before,
                stored,
                kind=queue.answer_kind(memory.state),
                utc_offset_minutes=utc_offset_minutes(now, self.tz),
                retrievability=self.memory.retrievability(card_id, memory, now),
                elapsed_days=elapsed,
                picked=marks.picked,
                cloze=row["cloze"],
                study_day=self.memory.study_day(now).isoformat(),
                counts=tallies.next_counts(previous, elapsed),
                confidence=None if marks.confidence is None else int(marks.confidence),
                mode=mode,
                content_hash=row["content_hash"],
            )
            logged = conn.execute(queue.LOG_ANSWER, log)
            assert logged.lastrowid is not None
            if marks.key_points:
                conn.executemany(queue.LOG_KEY_POINT, queue.key_point_logs(logged.lastrowid, marks.key_points))
            lapses, leech = lapses_after(log, self.review.leech_threshold)  # the log just written is the newest
            suspended = leech and self.review.leech_action == "suspend"
            if suspended:
                conn.execute(queue.SUSPEND, {"id": card_id})
            recounted = self._counts_after(row, stored, suspended, siblings, times) if counted else {}
        self._kept_after_answer(recounted, before["state"] == CardState.New)
        return AnswerResult(logged.lastrowid, card_id, grade, after.state, after.due, lapses, leech, suspended)

    def _counts_after(
        self,
        card: sqlite3.Row,
        after: Mapping[str, object],
        suspended: bool,
        siblings: Sequence[sqlite3.Row],
        params: Mapping[str, object],
    ) -> dict[Filter, QueueCounts]:
        """The kept counts updated for an answer to `card` (as CARD_TO_ANSWER read it; `after`: its new state,
        `suspended` by the leech action; `siblings`: for a cloze card, its question's cards as queue.SIBLINGS read
        them before the answer). What the card counts as changes, and a cloze card's siblings leave the review and
        new counts: they wait for tomorrow now. A new-card count that would need counting to be known is marked so
        (`_new_unknown`): it is counted again when asked for."""
        fresh, answered = True, set()
        if card["cloze"] is not None:
            answered = {sibling["id"] for sibling in siblings if sibling["answered_today"]}
            fresh = not answered - {card["id"]}
        answered_card = {**dict(card), **after, "suspended": card["suspended"] or suspended}
        # deck, topic, and what the card counted as before the answer and after it
        changes = [
            (
                card["deck_id"],
                card["topic"],
                _counted_as(card, fresh, params),
                _counted_as(answered_card, fresh, params),
            )
        ]
        for sibling in siblings:
            if sibling["id"] != card["id"] and sibling["cloze"] is not None:  # waits for tomorrow from now on
                was = _counted_as(sibling, not answered - {sibling["id"]}, params)
                changes.append((sibling["deck_id"], sibling["topic"], was, _counted_as(sibling, False, params)))
        introduced = int(card["state"] == CardState.New)
        allowed = max(0, self.review.new_per_day - self._introduced)
        allowed_after = max(0, allowed - introduced)
        kept = {}
        for key, counts in self._counted.items():
            delta = {"new": 0, "learning": 0, "review": 0}
            for deck_id, topic, was, becomes in changes:
                if was != becomes and _in_filter(key, deck_id, topic):
                    for kind, step in ((was, -1), (becomes, 1)):
                        if kind is not None:
                            delta[kind] += step
            new = counts.new
            if key in self._new_unknown:
                pass
            elif counts.new < allowed:  # the count did not stop at the allowance: every new card was counted
                new = min(counts.new + delta["new"], allowed_after)
            elif allowed + delta["new"] >= allowed_after:  # still at least as many new cards as allowed
                new = allowed_after
            else:  # fewer new cards, maybe fewer than allowed: they are counted again when asked
                self._new_unknown.add(key)
            kept[key] = QueueCounts(new, counts.learning + delta["learning"], counts.review + delta["review"])
        return kept

    def _kept_after_answer(self, counts: dict[Filter, QueueCounts], introduced: bool) -> None:
        """Keep the counts `_counts_after` gave, once the answer is committed, as of this commit."""
        self._counted = counts
        self._introduced += introduced
        if self._counted_as_of is not None:
            version, _, day_end = self._counted_as_of
            self._counted_as_of = (version, self.db.commits, day_end)

    def due_now(self, card: StudyCard) -> bool:
        """Whether the daily review would show the card now, as the queue decides: a (re)learning card due within
        the learn-ahead window, a review card due before the study day ends. A drill reschedules only these; its
        answers to any other card are practice answers (`practice`)."""
        if card.due is None or card.state == CardState.New:
            return False
        times = self._times()
        if card.state == CardState.Review:
            return to_db(card.due) < str(times["day_end"])
        return to_db(card.due) <= str(times["ahead"])

    def practice(self, card_id: int, grade: Grade, duration_ms: int | None, marks: AnswerMarks, mode: str) -> int:
        """Log an answer of a drill or a mock that leaves the card's schedule as it is: FSRS never sees it, the
        reports do. Returns the practice answer's id (for `undo_practice`)."""
        now = self.now()
        with self.db.write() as conn:
            row = named(conn).execute(queue.CARD_TO_ANSWER, {"id": card_id}).fetchone()
            if row is None:
                raise QuizError(f"card {card_id} no longer exists")
            memory = memory_state(queue.memory_of(row))
            logged = conn.execute(
                queue.LOG_PRACTICE,
                {
                    "card_id": card_id,
                    "mode": mode,
                    "answered_at": to_db(now),
                    "study_day": self.memory.study_day(now).isoformat(),
                    "rating": int(grade),
                    "duration_ms": duration_ms,
                    "confidence": None if marks.confidence is None else int(marks.confidence),
                    "retrievability": self.memory.retrievability(card_id, memory, now),
                },
            )
            assert logged.lastrowid is not None
            points = queue.key_point_logs(logged.lastrowid, marks.key_points)
            conn.executemany(queue.LOG_PRACTICE_KEY_POINT, points)
        return logged.lastrowid

    def undo_practice(self, practice_id: int) -> None:
        """Forget a practice answer (the card's schedule was never touched)."""
        with self.db.write() as conn:
            for statement in queue.DELETE_PRACTICE:
                conn.execute(statement, {"practice_id": practice_id})

    def retrievability(self, card: StudyCard) -> float | None:
        """FSRS's predicted probability of recall now, in study days (None for a new card)."""
        return self.memory.retrievability(card.id, _memory(card), self.now())

    def undo(self, review_id: int) -> int:
        """Undo one answer: restore the card exactly as it was before and delete the log and its key points.

        Returns:
            The id of the card, to show it again.

        Raises:
            UndoExpired: if the review is gone or the card was answered again since.
            StorageError: if the database cannot be written (the undo may be retried).
        """
        with self.db.write() as conn:
            log = named(conn).execute(queue.ANSWER_TO_UNDO, {"review_id": review_id}).fetchone()
            if log is None:
                raise UndoExpired("nothing to undo: that answer is no longer in the database")
            card_id = int(log["card_id"])
            later = conn.execute(queue.ANSWERED_SINCE, {"card_id": card_id, "review_id": review_id}).fetchone()
            if later:
                raise UndoExpired("cannot undo: this card was answered again since (in another window?)")
            conn.execute(queue.SET_CARD_STATE, {**queue.memory_of(log), "id": card_id})
            if lapses_after_newest(conn, card_id, self.review.leech_threshold)[1]:  # it may have suspended the card
                conn.execute(queue.UNHIDE, {"id": card_id})  # answered, so it was in the queue before
            tallies.take_out(conn, review_id)
            conn.execute(queue.DELETE_KEY_POINTS, {"review_id": review_id})
            conn.execute(queue.DELETE_ANSWER, {"review_id": review_id})
            tallies.after_delete(conn, card_id)
        return card_id

    def lapses(self, card_id: int) -> int:
        """The card's lapses: a leech has `review.leech_threshold` or more."""
        with self.db.read() as conn:
            return lapses_after_newest(conn, card_id, self.review.leech_threshold)[0]

    def configure(self, scheduler: SchedulerSettings, review: ReviewSettings) -> None:
        """Use changed settings from the next read or answer on (the settings screen saved them)."""
        self.review = review
        self.memory = StudyDayFsrs(scheduler, review.day_start_hour, self.tz)
        self._day = (self._day[0], self._day[0], {})  # an empty study day: its bounds are read again
        self.forget_counts()

    def card(self, card_id: int) -> StudyCard:
        """One card by id."""
        with self.db.read() as conn:
            row = named(conn).execute(queue.CARD_BY_ID, {"id": card_id}).fetchone()
        if row is None:
            raise QuizError(f"card {card_id} no longer exists")
        return _study_card(row)

    def question_seen(self, card: StudyCard) -> StoredQuestion | None:
        """The question as the card's last answer saw it, if it was edited since (None otherwise)."""
        if card.seen_hash is None or card.seen_hash == card.content_hash:
            return None
        params = {"deck_id": card.deck_id, "card_id": card.id, "content_hash": card.seen_hash}
        with self.db.read() as conn:
            row = named(conn).execute(queue.QUESTION_VERSION, params).fetchone()
        return None if row is None else question_from_content(row["content"])

    def suspend(self, card_id: int) -> None:
        """Take a card out of the schedule until it is unsuspended."""
        with self.db.write() as conn:
            conn.execute(queue.SUSPEND, {"id": card_id})

    def unhide(self, card_id: int) -> None:
        """Undo a suspend or a bury of a card that was in the queue (so it was neither before)."""
        with self.db.write() as conn:
            conn.execute(queue.UNHIDE, {"id": card_id})

    def bury(self, card_id: int) -> None:
        """Hide a card until the next study day."""
        _, day_end = day_bounds(self.now(), self.review.day_start_hour, self.tz)
        with self.db.write() as conn:
            conn.execute(queue.BURY, {"until": to_db(day_end), "id": card_id})
