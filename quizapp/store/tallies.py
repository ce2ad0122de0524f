"""Running sums of the review log, kept so a report over a million answers reads thousands of rows.

Summing a million reviews in SQLite takes seconds: every extra expression costs about 50 ms per
million rows. The reports need the same sums every time, and the log only grows (an undo removes
the newest answer of a card), so the sums are kept, and brought up to date by whoever reads them:

- an answer writes its card and its log only: adding to six tallies as well wrote twice the pages
  to the WAL (14.8 against 7.4) and made each answer about 15% slower, its commit waiting for the disk;
- `catch_up` adds every review after `meta.tallied_through` in a few statements, and moves it
  forward: a report, the browser, a mock, a plan or a sync that refiles cards runs it first
  (`tallied.bring_up_to_date`), and the review app when it closes;
- `card_tally`: a card's answers, lapses and true-retention counts; `day_tally` (and per topic and
  deck), `calibration_tally`, `recall_tally`: sums over study days and over FSRS's predictions;
- an undo of a tallied answer takes it out (`take_out`) with the same terms, so the tallies are
  as if it was never given; an untallied one is only deleted.

`rebuild` is `catch_up` from nothing (a migration and generated histories use it), and the tests
check that answering, undoing, catching up and rebuilding agree.

"After a study day" is an answer at least one study day after the card's previous one
(`elapsed_days` ≥ 1): the answers Anki's true retention and the srs-benchmark count. Young is
fewer than 21 such days, mature 21 or more (Anki splits by the scheduled interval instead; the
study days that really passed are what FSRS's prediction is about).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MATURE_DAYS = 21
LOG_LOSS_CLAMP = 1e-4  # a predicted 0 or 1 would make −ln infinite

# One review's share of each day_tally column, as SQL over `review r`.
AFTER_A_DAY = "r.elapsed_days >= 1"
_YOUNG = f"{AFTER_A_DAY} AND r.elapsed_days < {MATURE_DAYS}"
_MATURE = f"r.elapsed_days >= {MATURE_DAYS}"
DAY_TERMS = {
    "answers": "1",
    "again": "r.rating = 1",
    "new_cards": "r.state_before = 0",
    "young_passed": f"{_YOUNG} AND r.rating > 1",
    "young_failed": f"{_YOUNG} AND r.rating = 1",
    "mature_passed": f"{_MATURE} AND r.rating > 1",
    "mature_failed": f"{_MATURE} AND r.rating = 1",
    "expected": f"CASE WHEN {AFTER_A_DAY} THEN coalesce(r.retrievability, 0) ELSE 0 END",
    "duration_ms": "coalesce(r.duration_ms, 0)",
    # due on an earlier study day: a review card's due is the start of its day, so a day later is a later day
    "late": "r.kind = 'review' AND r.reviewed_at >= datetime(r.due_before, '+1 day')",
}
DAY_TERMS = {name: f"coalesce({term}, 0)" for name, term in DAY_TERMS.items()}  # NULL elapsed_days: not after a day
"""One review's share of each sum of a study day, as SQL over `review r`: the tallies' and the reports' one rule."""
_DAY_COLUMNS = ", ".join(DAY_TERMS)
_ADD_UP = ", ".join(f"{name} = {name} + excluded.{name}" for name in DAY_TERMS)
_SIGNED = ", ".join(f":sign * ({term})" for term in DAY_TERMS.values())
_SUMMED = ", ".join(f"sum({term})" for term in DAY_TERMS.values())
_ADD_ANSWER_DAY = (
    f"INSERT INTO day_tally (study_day, {_DAY_COLUMNS}) SELECT r.study_day, {_SIGNED}"
    f" FROM review r WHERE r.id = :review_id ON CONFLICT (study_day) DO UPDATE SET {_ADD_UP}"
)
# Per topic and per deck, filed under the card's `card_tally.topic` / `deck_id`, which `refile_moved` keeps
# equal to the card's own: its whole history moves with it when a deck edit changes its topic or deck.
_ADD_TO_FILED = tuple(
    f"INSERT INTO {name}_day_tally (study_day, {key}, {_DAY_COLUMNS}) SELECT r.study_day, t.{key}, {_SIGNED}"
    " FROM review r JOIN card_tally t ON t.card_id = r.card_id WHERE r.id = :review_id"
    f" ON CONFLICT (study_day, {key}) DO UPDATE SET {_ADD_UP}"
    for name, key in (("topic", "topic"), ("deck", "deck_id"))
)
_FILE_CARD = tuple(
    f"INSERT INTO {name}_day_tally (study_day, {key}, {_DAY_COLUMNS}) SELECT r.study_day, :{key},"
    f" {', '.join(f':sign * sum({term})' for term in DAY_TERMS.values())}"
    f" FROM review r WHERE r.card_id = :card_id AND r.study_day IS NOT NULL GROUP BY r.study_day"
    f" ON CONFLICT (study_day, {key}) DO UPDATE SET {_ADD_UP}"
    for name, key in (("topic", "topic"), ("deck", "deck_id"))
)
"""A card's whole history added to (`sign` 1) or taken from (−1) the `topic` and `deck_id` given."""
_MOVED = (
    "SELECT t.card_id AS card_id, t.topic AS old_topic, t.deck_id AS old_deck, c.topic AS topic, c.deck_id AS deck_id"
    " FROM card_tally t JOIN card c ON c.id = t.card_id WHERE t.topic != c.topic OR t.deck_id != c.deck_id"
)
_REFILE = "UPDATE card_tally SET topic = :topic, deck_id = :deck_id WHERE card_id = :card_id"
_LATER = "r.id > :after AND r.study_day IS NOT NULL"
_CATCH_UP_DAYS = (
    f"INSERT INTO day_tally (study_day, {_DAY_COLUMNS}) SELECT r.study_day, {_SUMMED} FROM review r"
    f" WHERE {_LATER} GROUP BY r.study_day ON CONFLICT (study_day) DO UPDATE SET {_ADD_UP}",
    *(
        f"INSERT INTO {name}_day_tally (study_day, {key}, {_DAY_COLUMNS}) SELECT r.study_day, t.{key}, {_SUMMED}"
        f" FROM review r JOIN card_tally t ON t.card_id = r.card_id WHERE {_LATER}"
        f" GROUP BY r.study_day, t.{key} ON CONFLICT (study_day, {key}) DO UPDATE SET {_ADD_UP}"
        for name, key in (("topic", "topic"), ("deck", "deck_id"))
    ),
)
"""The reviews after `after` added to the sums of their study day (and of their card's topic and deck)."""
_DROP_EMPTY_DAYS = (
    "DELETE FROM day_tally WHERE answers = 0",
    "DELETE FROM topic_day_tally WHERE answers = 0",
    "DELETE FROM deck_day_tally WHERE answers = 0",
)

# a card's sums over `review r`, as a select list
_CARD_SUMS = (
    "r.card_id, count(*), sum(coalesce(r.elapsed_days >= 1 AND r.rating = 1, 0)),"
    f" {', '.join(f'sum({DAY_TERMS[name]})' for name in ('young_passed', 'young_failed', 'mature_passed'))},"
    f" sum({DAY_TERMS['mature_failed']}), sum({DAY_TERMS['expected']}), sum({DAY_TERMS['duration_ms']}),"
    " r.rating, max(r.reviewed_at), r.study_day,"  # the one max() makes bare columns those of the newest review
    " (SELECT c.topic FROM card c WHERE c.id = r.card_id), (SELECT c.deck_id FROM card c WHERE c.id = r.card_id)"
)
_CARD_COLUMNS = (
    "card_id, answers, lapses, young_passed, young_failed, mature_passed, mature_failed, expected, duration_ms,"
    " last_rating, last_reviewed_at, last_study_day, topic, deck_id"
)
_REWRITE_CARD = (
    f"INSERT OR REPLACE INTO card_tally ({_CARD_COLUMNS}) SELECT {_CARD_SUMS} FROM review r WHERE r.card_id = :card_id"
    " GROUP BY r.card_id"
)
# The reviews after `after` added to their cards' rows (a card's first answer files it under its topic and deck). The
# newest review's columns follow the rewrite's rule, max(reviewed_at) with the earlier review kept on a tie.
_SUMMED_ON_CARD = ("answers", "lapses", "young_passed", "young_failed", "mature_passed", "mature_failed", "expected",
                   "duration_ms")  # fmt: skip
_LAST_ON_CARD = ("last_rating", "last_reviewed_at", "last_study_day")
_CATCH_UP_CARDS = (
    # NOT INDEXED: the reviews after `after` by rowid, grouped apart, rather than every review in ix_review_card_id's
    # order (which spares the grouping but reads the whole log: 56 ms for 125 answers at 1M reviews)
    f"INSERT INTO card_tally ({_CARD_COLUMNS}) SELECT {_CARD_SUMS} FROM review r NOT INDEXED WHERE r.id > :after"
    " GROUP BY r.card_id"
    " ON CONFLICT (card_id) DO UPDATE SET "
    + ", ".join(
        [
            *(f"{name} = {name} + excluded.{name}" for name in _SUMMED_ON_CARD),
            *(
                f"{name} = CASE WHEN excluded.last_reviewed_at > last_reviewed_at THEN excluded.{name} ELSE {name} END"
                for name in _LAST_ON_CARD
            ),
        ]
    )
)
_DROP_CARD = (
    "DELETE FROM card_tally WHERE card_id = :card_id AND NOT EXISTS (SELECT 1 FROM review WHERE card_id = :card_id)"
)

_SCOPE = "substr(c.topic, 1, instr(c.topic || '/', '/') - 1)"  # the top-level topic
_CALIBRATED = (
    f"SELECT {_SCOPE} AS scope, r.elapsed_days, r.review_number, r.lapses_before, r.retrievability, r.rating"
    " FROM review r JOIN card c ON c.id = r.card_id"
    " WHERE r.elapsed_days >= 1 AND r.retrievability IS NOT NULL AND r.review_number IS NOT NULL"
)
_CALIBRATED_ONE = _CALIBRATED + " AND r.id = :review_id"
_CALIBRATED_AFTER = _CALIBRATED + " AND r.id > :after"
_ADD_CALIBRATION = (
    "INSERT INTO calibration_tally (scope, elapsed_bin, review_bin, lapse_bin, answers, passed, expected, log_loss)"
    " VALUES (:scope, :elapsed_bin, :review_bin, :lapse_bin, :answers, :passed, :expected, :log_loss)"
    " ON CONFLICT (scope, elapsed_bin, review_bin, lapse_bin) DO UPDATE SET answers = answers + excluded.answers,"
    " passed = passed + excluded.passed, expected = expected + excluded.expected,"
    " log_loss = log_loss + excluded.log_loss"
)
_ADD_RECALL = (
    "INSERT INTO recall_tally (scope, permille, answers, passed, expected)"
    " VALUES (:scope, :permille, :answers, :passed, :expected)"
    " ON CONFLICT (scope, permille) DO UPDATE SET answers = answers + excluded.answers,"
    " passed = passed + excluded.passed, expected = expected + excluded.expected"
)
_DROP_EMPTY = ("DELETE FROM calibration_tally WHERE answers = 0", "DELETE FROM recall_tally WHERE answers = 0")

TALLIED_THROUGH = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'tallied_through'"
"""The newest review the tallies count (every older one is counted too); no row: none (schema 9 sets it)."""
_NEWEST_REVIEW = "SELECT coalesce(max(id), 0) FROM review"
_SET_TALLIED_THROUGH = (
    "INSERT INTO meta (key, value) VALUES ('tallied_through', :id) ON CONFLICT (key) DO UPDATE SET value = :id"
)
# After an undo deleted the newest review, its id is given to the next answer: it must not pass for tallied.
_NO_FURTHER_THAN_NEWEST = (
    f"UPDATE meta SET value = ({_NEWEST_REVIEW})"
    f" WHERE key = 'tallied_through' AND CAST(value AS INTEGER) > ({_NEWEST_REVIEW})"
)

_CLEAR = (
    "DELETE FROM card_tally",
    "DELETE FROM day_tally",
    "DELETE FROM topic_day_tally",
    "DELETE FROM deck_day_tally",
    "DELETE FROM calibration_tally",
    "DELETE FROM recall_tally",
)

PREVIOUS_ANSWER = (
    "SELECT review_number, lapses_before, elapsed_days, rating FROM review WHERE card_id = :card_id"
    " ORDER BY id DESC LIMIT 1"
)
"""The card's newest review, from which the next one's `review_number` and `lapses_before` follow."""


def elapsed_bin(days: int) -> float:
    """The srs-benchmark's bin of elapsed days (`rmse_matrix`): 2.48 × 3.62^⌊log₃.₆₂ days⌋, to 2 decimals."""
    return round(2.48 * 3.62 ** math.floor(math.log(days) / math.log(3.62)), 2)


def review_bin(number: int) -> int:
    """The srs-benchmark's bin of the review number: 1.99 × 1.89^⌊log₁.₈₉ i⌋, rounded."""
    return round(1.99 * 1.89 ** math.floor(math.log(number) / math.log(1.89)))


def lapse_bin(lapses: int) -> int:
    """The srs-benchmark's bin of earlier lapses: 0, else 1.65 × 1.73^⌊log₁.₇₃ lapses⌋, rounded."""
    return 0 if lapses == 0 else round(1.65 * 1.73 ** math.floor(math.log(lapses) / math.log(1.73)))


def log_loss_term(predicted: float, passed: bool) -> float:
    """−ln of the probability FSRS gave to what happened."""
    p = min(max(predicted, LOG_LOSS_CLAMP), 1 - LOG_LOSS_CLAMP)
    return -math.log(p if passed else 1 - p)


def next_counts(previous: Mapping[str, Any] | None, elapsed_days: int | None) -> tuple[int, int]:
    """`review_number` and `lapses_before` of a new answer, from the card's previous review (None: the first).

    Counted as the srs-benchmark counts them: one review per study day (the first answer of a
    day, or the card's first answer), and a lapse is an Again after at least a study day.
    """
    if previous is None:
        return 1, 0
    number = int(previous["review_number"] or 0) + (1 if elapsed_days is None or elapsed_days >= 1 else 0)
    last_elapsed = previous["elapsed_days"]
    lapsed = isinstance(last_elapsed, int) and last_elapsed >= 1 and previous["rating"] == 1
    return number, int(previous["lapses_before"] or 0) + lapsed


@dataclass(frozen=True)
class _Calibrated:
    scope: str
    elapsed_days: int
    review_number: int
    lapses_before: int
    retrievability: float
    rating: int


def _calibration_rows(answer: _Calibrated, sign: int) -> tuple[dict[str, object], dict[str, object]]:
    """An answer's share of calibration_tally and recall_tally, times `sign`."""
    passed = answer.rating > 1
    common = {"scope": answer.scope, "answers": sign, "passed": sign * passed, "expected": sign * answer.retrievability}
    calibration = {
        **common,
        "elapsed_bin": elapsed_bin(answer.elapsed_days),
        "review_bin": review_bin(answer.review_number),
        "lapse_bin": lapse_bin(answer.lapses_before),
        "log_loss": sign * log_loss_term(answer.retrievability, passed),
    }
    recall = {**common, "permille": min(999, int(answer.retrievability * 1000))}
    return calibration, recall


def tallied_through(conn: sqlite3.Connection) -> int:
    """The id of the newest review the tallies count (0: none)."""
    row = conn.execute(TALLIED_THROUGH).fetchone()
    return 0 if row is None else int(row[0])


def behind(conn: sqlite3.Connection) -> bool:
    """Whether a review is not counted in the tallies yet."""
    return int(conn.execute(_NEWEST_REVIEW).fetchone()[0]) > tallied_through(conn)


def catch_up(conn: sqlite3.Connection) -> int:
    """Add every review not counted yet to the tallies, in a write transaction; returns the newest review's id."""
    after = tallied_through(conn)
    newest = int(conn.execute(_NEWEST_REVIEW).fetchone()[0])
    if newest <= after:
        return newest
    conn.execute(_CATCH_UP_CARDS, {"after": after})  # first: a card's first answer files the card
    for statement in _CATCH_UP_DAYS:
        conn.execute(statement, {"after": after})
    calibration: dict[tuple[object, ...], list[float]] = {}
    recall: dict[tuple[object, ...], list[float]] = {}
    for row in conn.execute(_CALIBRATED_AFTER, {"after": after}):
        c_row, r_row = _calibration_rows(_Calibrated(*row), 1)
        _accumulate(calibration, c_row, _CALIBRATION_KEYS, _CALIBRATION_SUMS)
        _accumulate(recall, r_row, _RECALL_KEYS, _RECALL_SUMS)
    conn.executemany(_ADD_CALIBRATION, _rows(calibration, _CALIBRATION_KEYS, _CALIBRATION_SUMS))
    conn.executemany(_ADD_RECALL, _rows(recall, _RECALL_KEYS, _RECALL_SUMS))
    conn.execute(_SET_TALLIED_THROUGH, {"id": str(newest)})
    return newest


def take_out(conn: sqlite3.Connection, review_id: int) -> None:
    """Before its undo deletes it: take review `review_id` out of the tallies if they count it (its card's
    `card_tally` row is summed again after the delete, by `after_delete`)."""
    if review_id > tallied_through(conn):
        return
    for statement in (_ADD_ANSWER_DAY, *_ADD_TO_FILED):
        conn.execute(statement, {"review_id": review_id, "sign": -1})
    row = conn.execute(_CALIBRATED_ONE, {"review_id": review_id}).fetchone()
    if row is not None:
        calibration, recall = _calibration_rows(_Calibrated(*row), -1)
        conn.execute(_ADD_CALIBRATION, calibration)
        conn.execute(_ADD_RECALL, recall)
    for statement in (*_DROP_EMPTY_DAYS, *_DROP_EMPTY):
        conn.execute(statement)


def after_delete(conn: sqlite3.Connection, card_id: int) -> None:
    """After an undo deleted a review of `card_id`: its card's row summed again, and `tallied_through` no further
    than the newest review, whose id the next answer may take again."""
    rewrite_card(conn, card_id)
    conn.execute(_NO_FURTHER_THAN_NEWEST)


def rewrite_card(conn: sqlite3.Connection, card_id: int) -> None:
    """Sum the card's reviews into its card_tally row again (none left: the row goes)."""
    conn.execute(_REWRITE_CARD, {"card_id": card_id})
    conn.execute(_DROP_CARD, {"card_id": card_id})


def refile_moved(conn: sqlite3.Connection) -> int:
    """Move the history of every card whose topic or deck changed (a deck edited, renamed) to its new topic
    and deck in topic_day_tally and deck_day_tally; returns how many cards moved. Run by every sync that
    writes, in its transaction."""
    moved = conn.execute(_MOVED).fetchall()
    for card_id, old_topic, old_deck, topic, deck_id in moved:
        for sign, filed in ((-1, {"topic": old_topic, "deck_id": old_deck}), (1, {"topic": topic, "deck_id": deck_id})):
            for statement in _FILE_CARD:
                conn.execute(statement, {**filed, "card_id": card_id, "sign": sign})
        conn.execute(_REFILE, {"topic": topic, "deck_id": deck_id, "card_id": card_id})
    if moved:
        for statement in _DROP_EMPTY_DAYS:
            conn.execute(statement)
    return len(moved)


def rebuild(conn: sqlite3.Connection) -> None:
    """Compute every tally from the review log, with the terms the answers use."""
    for statement in _CLEAR:
        conn.execute(statement)
    conn.execute(_SET_TALLIED_THROUGH, {"id": "0"})
    catch_up(conn)


_CALIBRATION_KEYS = ("scope", "elapsed_bin", "review_bin", "lapse_bin")
_CALIBRATION_SUMS = ("answers", "passed", "expected", "log_loss")
_RECALL_KEYS = ("scope", "permille")
_RECALL_SUMS = ("answers", "passed", "expected")


def _accumulate(
    into: dict[tuple[object, ...], list[float]],
    row: Mapping[str, object],
    keys: tuple[str, ...],
    values: tuple[str, ...],
) -> None:
    sums = into.setdefault(tuple(row[k] for k in keys), [0.0] * len(values))
    for i, name in enumerate(values):
        sums[i] += float(row[name])  # type: ignore[arg-type]


def _rows(
    sums: dict[tuple[object, ...], list[float]], keys: tuple[str, ...], values: tuple[str, ...]
) -> Iterable[dict[str, object]]:
    for key, totals in sums.items():
        yield {**dict(zip(keys, key, strict=True)), **dict(zip(values, totals, strict=True))}
