"""The queue's statements: the next card of each kind for a deck/topic filter, the counts of the home
screen, the writes of an answer and their undo, and taking a card out of the queue.

Only SQL text and the names of its columns: which statement runs first, the daily limits of new cards
and FSRS are the policy of `quizapp.scheduling`, so reports and practice modes can run these queries
without a ReviewScheduler. Rows are read by column name (`connection.named`); card states are written
from `CardState`, never as bare numbers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from enum import StrEnum

from quizapp.store.states import CardState

MEMORY_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")
"""A card's FSRS state, as columns of `card`. A review logs each one as `<name>_before`, and each but
`last_review` as `<name>_after`: a card's last review after an answer is that review's `reviewed_at`."""
LOGGED_AFTER = tuple(name for name in MEMORY_COLUMNS if name != "last_review")


def _listed(names: tuple[str, ...], each: str = "{}") -> str:
    """`each` filled with every name, comma-separated: a column list, or its parameters with ':{}'."""
    return ", ".join(each.format(name) for name in names)


_NEW = f"c.state = {CardState.New:d}"
_LEARNING = f"c.state IN ({CardState.Learning:d}, {CardState.Relearning:d})"
_REVIEW = f"c.state = {CardState.Review:d}"
# Decks left out of the new cards (at their own daily limit), as one parameter, a JSON array of deck ids: one
# statement text whatever the list, and SQLite reads the list once per statement into an index of its own.
_EXCLUDED = "(SELECT value FROM json_each(:excluded_decks))"

# The question is looked up for the row returned only (a scalar subquery, not a join), so the plan of the
# card query stays the same index range whatever the number of questions.
_QUESTION = "(SELECT q.{} FROM question q WHERE q.deck_id = c.deck_id AND q.question_id = c.question_id)"
_SEEN = "(SELECT r.content_hash FROM review r WHERE r.card_id = c.id ORDER BY r.id DESC LIMIT 1)"
CARD_COLUMNS = ", ".join(
    [
        *(f"c.{name}" for name in ("id", "uid", "deck_id", "topic", "cloze")),
        f"{_QUESTION.format('content')} AS question",
        f"{_QUESTION.format('content_hash')} AS content_hash",
        f"{_SEEN} AS seen_hash",
        *(f"c.{name}" for name in MEMORY_COLUMNS),
    ]
)
"""A card to show, as the select list of a query on `card c`: its identity, its question's stored JSON
(`question`) and version (`content_hash`), the version its last answer saw (`seen_hash`), and its FSRS state
(MEMORY_COLUMNS)."""
QUESTION_VERSION = (
    "SELECT content FROM question_version WHERE deck_id = :deck_id AND question_id ="
    " (SELECT question_id FROM card WHERE id = :card_id) AND content_hash = :content_hash"
)

# A cloze card waits for the next day once a sibling (same question) was answered today:
# its siblings give it away. Anki does the same.
_FRESH = (
    "(c.cloze IS NULL OR NOT EXISTS (SELECT 1 FROM card s JOIN review r ON r.card_id = s.id"
    " WHERE s.deck_id = c.deck_id AND s.question_id = c.question_id AND s.id != c.id"
    " AND r.reviewed_at >= :day_start))"
)

CARD_BY_ID = f"SELECT {CARD_COLUMNS} FROM card c WHERE c.id = :id"
# The card as an answer finds it: its place in the counts (deck, topic, question, hidden or not), its FSRS state,
# the version of its question, and its newest review (`previous_id` NULL: none) with what the next one's
# `review_number` and `lapses_before` follow from (`tallies.next_counts`): one statement, as the answer's first read.
CARD_TO_ANSWER = (
    f"SELECT c.id, c.deck_id, c.question_id, c.topic, c.cloze, c.retired, c.suspended, c.buried_until,"
    f" {_listed(MEMORY_COLUMNS, 'c.{}')}, q.content_hash, p.id AS previous_id, p.review_number, p.lapses_before,"
    " p.elapsed_days, p.rating FROM card c"
    " LEFT JOIN question q ON q.deck_id = c.deck_id AND q.question_id = c.question_id"
    " LEFT JOIN review p ON p.id = (SELECT max(r.id) FROM review r WHERE r.card_id = c.id) WHERE c.id = :id"
)
# The cards of a question with whether each was answered today (what `_FRESH` asks of a cloze card's siblings),
# and where each stands in the counts: read before a cloze card's answer, whose siblings then wait for tomorrow.
SIBLINGS = (
    "SELECT s.id, s.deck_id, s.topic, s.cloze, s.state, s.due, s.retired, s.suspended, s.buried_until,"
    " EXISTS (SELECT 1 FROM review r WHERE r.card_id = s.id AND r.reviewed_at >= :day_start) AS answered_today"
    " FROM card s WHERE s.deck_id = :deck_id AND s.question_id = :question_id"
)
# The writes of an answer, also used by benchmarks/history.py to write simulated histories.
SET_CARD_STATE = f"UPDATE card SET ({_listed(MEMORY_COLUMNS)}) = ({_listed(MEMORY_COLUMNS, ':{}')}) WHERE id = :id"
SET_CARD_SCHEDULE = (
    f"UPDATE card SET ({_listed(MEMORY_COLUMNS[1:])}) = ({_listed(MEMORY_COLUMNS[1:], ':{}')}) WHERE id = :id"
)
"""SET_CARD_STATE for an answer that leaves the card in its state: SQLite rewrites the entries of every index on a
column it sets, so leaving `state` out spares the two indexes that have it but not `due` (ix_card_new_order,
ix_card_deck)."""
_LOG_COLUMNS = (
    "card_id",
    "rating",
    "reviewed_at",
    "duration_ms",
    *(f"{name}_before" for name in MEMORY_COLUMNS),
    *(f"{name}_after" for name in LOGGED_AFTER),
    "retrievability",
    "elapsed_days",
    "utc_offset_minutes",
    "kind",
    "picked",
    "cloze",
    "study_day",
    "review_number",
    "lapses_before",
    "confidence",
    "mode",
    "content_hash",
)
LOG_ANSWER = f"INSERT INTO review ({_listed(_LOG_COLUMNS)}) VALUES ({_listed(_LOG_COLUMNS, ':{}')})"
LOG_KEY_POINT = "INSERT INTO review_key_point (review_id, point, recalled) VALUES (:review_id, :point, :recalled)"
# Undoing an answer: the card's state before it (under the card's column names), whether the card was
# answered again since, and the log itself with its key points (deleted here, not only by the cascade, so
# a connection without `PRAGMA foreign_keys` leaves none behind).
ANSWER_TO_UNDO = f"SELECT card_id, {_listed(MEMORY_COLUMNS, '{0}_before AS {0}')} FROM review WHERE id = :review_id"
ANSWERED_SINCE = "SELECT 1 FROM review WHERE card_id = :card_id AND id > :review_id"
DELETE_KEY_POINTS = "DELETE FROM review_key_point WHERE review_id = :review_id"
DELETE_ANSWER = "DELETE FROM review WHERE id = :review_id"

INTRODUCED_SINCE = (
    f"SELECT count(*) AS answers FROM review WHERE reviewed_at >= :day_start AND state_before = {CardState.New:d}"
)
# Per deck, for the decks' own limits: today's answers are an index range of ix_review_recent, each joined to
# its card by id, so the cost is that of the day's answers, not of the cards.
INTRODUCED_BY_DECK_SINCE = (
    "SELECT c.deck_id, count(*) AS answers FROM review r JOIN card c ON c.id = r.card_id"
    f" WHERE r.reviewed_at >= :day_start AND r.state_before = {CardState.New:d} GROUP BY c.deck_id"
)
REVIEWED_SINCE = "SELECT count(*) AS answers FROM review WHERE reviewed_at >= :day_start"

# An answer of a drill or a mock that leaves its card's schedule alone, and its undo.
LOG_PRACTICE = (
    "INSERT INTO practice_answer (card_id, mode, answered_at, study_day, rating, duration_ms, confidence,"
    " retrievability) VALUES (:card_id, :mode, :answered_at, :study_day, :rating, :duration_ms, :confidence,"
    " :retrievability)"
)
LOG_PRACTICE_KEY_POINT = (
    "INSERT INTO practice_key_point (practice_id, point, recalled) VALUES (:review_id, :point, :recalled)"
)
DELETE_PRACTICE = (
    "DELETE FROM practice_key_point WHERE practice_id = :practice_id",
    "DELETE FROM practice_answer WHERE id = :practice_id",
)

SUSPEND = "UPDATE card SET suspended = 1 WHERE id = :id"
BURY = "UPDATE card SET buried_until = :until WHERE id = :id"
UNHIDE = "UPDATE card SET suspended = 0, buried_until = NULL WHERE id = :id"


class AnswerKind(StrEnum):
    """What an answer was, as `review.kind` stores it: a step of (re)learning or a review of a card in
    Review; drills, mock exams and manual reschedules will add their own."""

    Learning = "learning"
    Review = "review"


def answer_kind(state_before: int) -> AnswerKind:
    """The kind of a scheduled answer, from the card's state before it."""
    return AnswerKind.Review if state_before == CardState.Review else AnswerKind.Learning


def memory_of(row: sqlite3.Row) -> dict[str, object]:
    """The MEMORY_COLUMNS of a row, by name: the parameters of SET_CARD_STATE (with the card's `id`)."""
    return {name: row[name] for name in MEMORY_COLUMNS}


def answer_log(
    card_id: int,
    rating: int,
    reviewed_at: str,
    duration_ms: int | None,
    before: dict[str, object],
    after: dict[str, object],
    *,
    kind: AnswerKind,
    utc_offset_minutes: int | None,
    retrievability: float | None = None,
    elapsed_days: int | None = None,
    picked: Collection[int] | None = None,
    cloze: int | None = None,
    study_day: str | None = None,
    counts: tuple[int, int] | None = None,
    confidence: int | None = None,
    mode: str | None = None,
    content_hash: str | None = None,
) -> dict[str, object]:
    """LOG_ANSWER's parameters, from the card's stored state (MEMORY_COLUMNS) before and after the answer.

    Args:
        retrievability: FSRS's predicted recall just before the answer (None for a new card).
        elapsed_days: study days since the card's previous review (None for a new card).
        picked: the options picked in a choice answer, 0-based (stored as a sorted JSON list).
        cloze: the card's cloze number, for a cloze card.
        study_day: ISO date of the study day the answer counts for.
        counts: the answer's review number and the lapses before it (`tallies.next_counts`).
        confidence: what the candidate said before the reveal (1 sure, 2 unsure, 3 guess), if anything.
        mode: "drill" or "mock" for an answer given there, None for the daily review.
        content_hash: the version of the question answered.
    """
    return {
        "card_id": card_id,
        "rating": rating,
        "reviewed_at": reviewed_at,
        "duration_ms": duration_ms,
        **{f"{name}_before": before[name] for name in MEMORY_COLUMNS},
        **{f"{name}_after": after[name] for name in LOGGED_AFTER},
        "retrievability": retrievability,
        "elapsed_days": elapsed_days,
        "utc_offset_minutes": utc_offset_minutes,
        "kind": str(kind),
        "picked": None if picked is None else json.dumps(sorted(picked)),
        "cloze": cloze,
        "study_day": study_day,
        "review_number": None if counts is None else counts[0],
        "lapses_before": None if counts is None else counts[1],
        "confidence": confidence,
        "mode": mode,
        "content_hash": content_hash,
    }


def key_point_logs(review_id: int, recalled: Sequence[bool]) -> list[dict[str, object]]:
    """LOG_KEY_POINT's parameters: a row per key point of the question, numbered from 0 in its order."""
    return [{"review_id": review_id, "point": point, "recalled": hit} for point, hit in enumerate(recalled)]


class QueueQueries:
    """The queue's statements for one deck/topic filter, as SQL text with the filter's parameters (`params`);
    the times (`now`, `day_start`, `day_end`, `ahead`), for the counts `cap` (and `deck`), and for the
    statements that leave decks out `excluded_decks` (a JSON array of deck ids) are passed at each run.
    Columns are named: CARD_COLUMNS for a card, `cards` for a count."""

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
            return f"SELECT {CARD_COLUMNS} FROM card c WHERE {available} AND {condition} ORDER BY {order} LIMIT 1"

        self.candidates: list[tuple[str, str]] = [
            ("learning", first(f"{_LEARNING} AND c.due <= :now", "c.due")),
            ("review", first(f"{_REVIEW} AND c.due < :day_end AND {_FRESH}", "c.due")),
            ("new", first(f"{_NEW} AND {_FRESH}", "c.position, c.deck_id")),
            ("ahead", first(f"{_LEARNING} AND c.due <= :ahead", "c.due")),
        ]
        """The first card of each kind, in the order of the kinds' turns: (kind, statement)."""
        # Decks at their own limit of new cards are left out by a test on the last column of ix_card_new_order,
        # so the plan stays the same ordered range of that index: entries of a deck left out are skipped
        # without reading their rows. The list is one parameter, so the statement is the same for any list.
        self.everything = f"SELECT {CARD_COLUMNS} FROM card c WHERE {where} AND c.suspended = 0 ORDER BY c.position"
        """Every card of the filter but the suspended ones, due or not: what a drill goes through."""
        self.new_outside = first(f"{_NEW} AND c.deck_id NOT IN {_EXCLUDED} AND {_FRESH}", "c.position, c.deck_id")
        """The "new" candidate for the decks not in `excluded_decks`: the ones still below their own limit."""
        # Counts read index ranges (state, then due) and stop at the new-card limit, so they stay
        # in milliseconds with 100k cards: "state != New" or an uncapped count of new cards would scan them all.
        # They count what the candidates above will still offer today: (re)learning cards up to `learn_until`
        # (the day's end, or the learn-ahead limit past it), reviews due today, and no cloze card whose
        # sibling was answered today.
        learning = f"{available} AND {_LEARNING} AND c.due < :learn_until"
        review = f"{available} AND {_REVIEW} AND c.due < :day_end AND {_FRESH}"
        self.due_count = (
            f"SELECT (SELECT count(*) FROM card c WHERE {learning}) AS learning,"
            f" (SELECT count(*) FROM card c WHERE {review}) AS review"
        )
        self.learning_count = f"SELECT count(*) AS learning FROM card c WHERE {learning}"
        self.due_by_state = (
            f"SELECT c.deck_id, c.state, count(*) AS cards FROM card c WHERE {learning} GROUP BY c.deck_id, c.state"
            f" UNION ALL SELECT c.deck_id, c.state, count(*) AS cards FROM card c WHERE {review} GROUP BY c.deck_id"
        )
        self.new_count = (
            f"SELECT count(*) AS cards FROM (SELECT 1 FROM card c WHERE {available} AND {_NEW} AND {_FRESH} LIMIT :cap)"
        )
        # The new cards of the decks not in `excluded_decks` (those without a limit of their own), deck by deck:
        # ranges of ix_card_deck, so decks left out cost nothing, where a test on each new card of the order
        # index would read them all when most decks are left out (20 ms at 100k cards, 99 decks of 100 left out).
        # Every card's deck has a row in `deck` (sync retires a deck's cards, it never deletes the deck).
        self.new_count_outside = (
            f"SELECT count(*) AS cards FROM (SELECT 1 FROM card c WHERE {available} AND {_NEW}"
            f" AND c.deck_id IN (SELECT d.id FROM deck d WHERE d.id NOT IN {_EXCLUDED}) AND {_FRESH} LIMIT :cap)"
        )
        self.new_in_deck = (  # an index range (deck, retired, suspended, state) read up to the limit
            "SELECT count(*) AS cards FROM (SELECT 1 FROM card c WHERE c.deck_id = :deck AND c.retired = 0"
            f" AND {_NEW} AND {unhidden}{in_topic} AND {_FRESH} LIMIT :cap)"
        )
        self.totals = f"SELECT c.deck_id, count(*) AS cards FROM card c WHERE {where} GROUP BY c.deck_id"
