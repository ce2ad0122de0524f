"""The report's statements: sums per topic, deck and question from `card` and its tally, the answers of the
recent window, key points, leeches, the due forecast and the tallies of days and calibration.

Every statement takes the report's filter as parameters: `deck` (NULL for every deck), and `topic`,
`prefix`, `prefix_length` (NULL for every topic). Rows are read by column name. The forgetting curve's
`factor` and `decay` and `today` (ISO date) give each card's recall now, in SQL: computing it per card in
Python for 100k cards would take longer than the whole report.
"""

from __future__ import annotations

import math
import sqlite3

from quizapp.store import tallies
from quizapp.store.states import CardState

FILTER = (
    "(:deck IS NULL OR c.deck_id = :deck)"
    " AND (:topic IS NULL OR c.topic = :topic OR substr(c.topic, 1, :prefix_length) = :prefix)"
)
_SEEN = "t.card_id IS NOT NULL"
_ACTIVE = "c.retired = 0"
_RECALL_NOW = (
    f"CASE WHEN {_ACTIVE} AND {_SEEN} AND c.stability > 0 AND t.last_study_day IS NOT NULL"
    " THEN pow(1 + :factor * max(0, :today_number - julianday(t.last_study_day)) / c.stability, :decay) END"
)
_PER_CARD = (
    f"sum({_ACTIVE}) AS cards, sum(c.retired) AS retired, sum({_SEEN}) AS seen,"
    f" sum({_ACTIVE} AND NOT {_SEEN}) AS never_seen, total(t.answers) AS answers, total(t.lapses) AS lapses,"
    " total(t.young_passed) AS young_passed, total(t.young_failed) AS young_failed,"
    " total(t.mature_passed) AS mature_passed, total(t.mature_failed) AS mature_failed,"
    f" total(t.expected) AS expected, total({_RECALL_NOW}) AS recall_sum, count({_RECALL_NOW}) AS recall_cards,"
    f" total(CASE WHEN {_SEEN} THEN c.difficulty END) AS difficulty_sum,"
    f" total(CASE WHEN {_SEEN} THEN c.stability END) AS stability_sum,"
    f" sum({_ACTIVE} AND c.suspended = 0 AND c.state != {CardState.New:d} AND c.due < :week_end) AS due_week,"
    f" sum({_ACTIVE} AND coalesce(t.lapses, 0) >= :leech) AS leeches"
)
SUM_LEAVES = (
    "CREATE TEMP TABLE leaf_sums AS SELECT c.deck_id AS deck_id, c.topic AS topic,"
    f" count(DISTINCT c.question_id) AS questions, {_PER_CARD}"
    f" FROM card c LEFT JOIN card_tally t ON t.card_id = c.id WHERE {FILTER} GROUP BY c.deck_id, c.topic"
)
"""The sums of each topic of each deck, in a table of this connection: topics and decks are sums over it,
so the cards are read once."""
_FIGURES = ", ".join(
    f"total({name}) AS {name}"
    for name in (
        "questions", "cards", "retired", "seen", "never_seen", "answers", "lapses", "young_passed", "young_failed",
        "mature_passed", "mature_failed", "expected", "recall_sum", "recall_cards", "difficulty_sum",
        "stability_sum", "due_week", "leeches",
    )
)  # fmt: skip
TOPIC_SUMS = f"SELECT topic, {_FIGURES} FROM leaf_sums GROUP BY topic"
DECK_SUMS = (
    f"SELECT deck_id, (SELECT d.title FROM deck d WHERE d.id = deck_id) AS title, {_FIGURES}"
    " FROM leaf_sums GROUP BY deck_id"
)
QUESTION_FIGURES = (
    f"SELECT min(c.topic) AS topic, 1 AS questions, {_PER_CARD}, min({_RECALL_NOW}) AS lowest_recall,"
    " (SELECT q.content FROM question q WHERE q.deck_id = :question_deck AND q.question_id = :question_id) AS content"
    " FROM card c LEFT JOIN card_tally t ON t.card_id = c.id"
    " WHERE c.deck_id = :question_deck AND c.question_id = :question_id"
)
"""The figures of one question (the sums over its cards) and its stored JSON."""
_KEY_POINTS_PER_QUESTION = (
    "SELECT c.deck_id AS deck_id, c.question_id AS question_id, count(*) AS marked, sum(k.recalled = 0) AS missed"
    " FROM review_key_point k JOIN review r ON r.id = k.review_id JOIN card c ON c.id = r.card_id"
    " GROUP BY c.deck_id, c.question_id"
)
_EVIDENCE = (
    "SELECT c.deck_id AS deck_id, c.question_id AS question_id, sum(c.retired = 0) AS cards,"
    f" sum({_ACTIVE} AND NOT {_SEEN}) AS never_seen, total(t.young_passed) AS young_passed,"
    " total(t.young_failed) AS young_failed, total(t.mature_passed) AS mature_passed,"
    " total(t.mature_failed) AS mature_failed, total(t.expected) AS expected"
    f" FROM card c LEFT JOIN card_tally t ON t.card_id = c.id WHERE {FILTER} GROUP BY c.deck_id, c.question_id"
)
FOLLOW_UPS = (
    "WITH RECURSIVE up(id, at, depth) AS (SELECT id, id, 0 FROM mock_question WHERE parent IS NOT NULL"
    " UNION ALL SELECT up.id, p.id, up.depth + 1 FROM up JOIN mock_question m ON m.id = up.at"
    " JOIN mock_question p ON p.id = m.parent AND p.mock_id = m.mock_id AND p.position < m.position)"
    " SELECT c.deck_id AS deck_id, c.question_id AS question_id, c.topic AS topic, count(*) AS asked,"
    " sum(f.rating = 1) AS missed FROM (SELECT id, at, max(depth) FROM up GROUP BY id) chain"
    " JOIN mock_question f ON f.id = chain.id JOIN mock_question opener ON opener.id = chain.at"
    f" JOIN card c ON c.id = opener.card_id WHERE {FILTER} GROUP BY c.deck_id, c.question_id, c.topic"
)
"""Mock follow-ups asked and missed (rated Again), filed under the question that started their chain and its
topic and deck now, whatever card a follow-up linked to: a missed follow-up is a gap in that question. `up` pairs
each follow-up with every question above it (`at`), the first one deepest; a parent counts only if asked before
it in the same mock, as `quizapp.mock.scorecard` walks a chain."""
_FOLLOW_UPS_PER_QUESTION = (
    f"SELECT deck_id, question_id, sum(asked) AS asked, sum(missed) AS missed FROM ({FOLLOW_UPS})"
    " GROUP BY deck_id, question_id"
)
# measures.weakness in SQL, over the evidence `s` of a question, its key points `k` and its follow-ups `f`
_N = "(s.young_passed + s.young_failed + s.mature_passed + s.mature_failed)"
_PASSED = "(s.young_passed + s.mature_passed)"
_P = f"({_PASSED} / {_N})"
_WILSON_LOW = (
    f"max(0.0, ({_P} + :z * :z / (2 * {_N}) - :z * sqrt({_P} * (1 - {_P}) / {_N} + :z * :z / (4 * {_N} * {_N})))"
    f" / (1 + :z * :z / {_N}))"
)
_WEAKNESS = (
    f"(1 - {_WILSON_LOW}) + 2 * max(0.0, (s.expected - {_PASSED}) / {_N})"
    " + 0.5 * s.never_seen / max(s.cards, 1) + 0.5 * coalesce((coalesce(k.missed, 0) + coalesce(f.missed, 0))"
    " / nullif(1.0 * coalesce(k.marked, 0) + coalesce(f.asked, 0), 0), 0)"
)
WEAKEST_QUESTIONS = (
    "SELECT s.deck_id AS deck_id, s.question_id AS question_id, coalesce(k.marked, 0) AS marked,"
    " coalesce(k.missed, 0) AS missed, coalesce(f.asked, 0) AS follow_ups, coalesce(f.missed, 0) AS follow_ups_missed,"
    f" {_WEAKNESS} AS score FROM ({_EVIDENCE}) s"
    f" LEFT JOIN ({_KEY_POINTS_PER_QUESTION}) k ON k.deck_id = s.deck_id AND k.question_id = s.question_id"
    f" LEFT JOIN ({_FOLLOW_UPS_PER_QUESTION}) f ON f.deck_id = s.deck_id AND f.question_id = s.question_id"
    f" WHERE {_N} >= :min_reviews ORDER BY score DESC, s.deck_id, s.question_id LIMIT :limit"
)
"""The questions with enough answers after a study day, weakest first (the formula of `measures.weakness`),
with their key points marked and missed and their mock follow-ups asked and missed."""
LATEST_ANSWER = (
    "SELECT r.rating AS rating, r.reviewed_at AS reviewed_at FROM review r JOIN card c ON c.id = r.card_id"
    " WHERE c.deck_id = :question_deck AND c.question_id = :question_id ORDER BY r.id DESC LIMIT 1"
)

_AGES = ("young_passed", "young_failed", "mature_passed", "mature_failed")
_PERIOD_SUMS = ", ".join(
    f"sum(r.study_day >= :first_{period} AND {tallies.DAY_TERMS[age]}) AS in_{period}_{age}"
    for period in ("today", "7d", "30d")
    for age in _AGES
)
"""True retention's counts in the recent periods: `first_<period>` is the ISO date of the period's first day."""
_IN_WINDOW = f"FROM review r CROSS JOIN card c ON c.id = r.card_id WHERE r.reviewed_at >= :window_start AND {FILTER}"
PASS_TIMES = (
    "SELECT c.topic AS topic, c.deck_id AS deck_id, r.duration_ms AS duration_ms"
    f" {_IN_WINDOW} AND r.study_day >= :first_window AND r.rating > 1 AND r.duration_ms > 0"
    " ORDER BY c.topic, r.duration_ms"
)
"""The time of every passing answer of the window, by topic, shortest first: each topic's median, and the
passes far slower than it."""
_WINDOW_SUMS = (
    "sum(r.study_day >= :first_window) AS window_answers,"
    f" sum(r.study_day >= :first_window AND r.rating = 1) AS window_again, {_PERIOD_SUMS}"
)
SUM_WINDOW = (
    f"CREATE TEMP TABLE window_sums AS SELECT c.deck_id AS deck_id, c.topic AS topic, {_WINDOW_SUMS}"
    f" {_IN_WINDOW} GROUP BY c.deck_id, c.topic"
)
"""The recent window's answers per topic of each deck: again-rate and recent true retention."""
_WINDOW_COLUMNS = ", ".join(
    f"total({name}) AS {name}"
    for name in (
        "window_answers", "window_again",
        *(f"in_{p}_{n}" for p in ("today", "7d", "30d")
          for n in ("young_passed", "young_failed", "mature_passed", "mature_failed")),
    )
)  # fmt: skip
WINDOW_TOPICS = f"SELECT topic, {_WINDOW_COLUMNS} FROM window_sums GROUP BY topic"
WINDOW_DECKS = f"SELECT deck_id, {_WINDOW_COLUMNS} FROM window_sums GROUP BY deck_id"
_TALLIED_PERIODS = ", ".join(
    f"total(CASE WHEN d.study_day >= :first_{period} THEN d.{name} END) AS in_{period}_{name}"
    for period in ("today", "7d", "30d")
    for name in ("young_passed", "young_failed", "mature_passed", "mature_failed")
)
_TALLIED_WINDOW = (
    "total(CASE WHEN d.study_day >= :first_window THEN d.answers END) AS window_answers,"
    f" total(CASE WHEN d.study_day >= :first_window THEN d.again END) AS window_again, {_TALLIED_PERIODS},"
    " total(CASE WHEN d.study_day < :first_year THEN d.young_passed END) AS old_young_passed,"
    " total(CASE WHEN d.study_day < :first_year THEN d.young_failed END) AS old_young_failed,"
    " total(CASE WHEN d.study_day < :first_year THEN d.mature_passed END) AS old_mature_passed,"
    " total(CASE WHEN d.study_day < :first_year THEN d.mature_failed END) AS old_mature_failed"
)
_TALLIED_DAYS = "WHERE d.study_day >= min(:first_window, :first_30d) OR d.study_day < :first_year"
TALLIED_TOPICS = f"SELECT d.topic AS topic, {_TALLIED_WINDOW} FROM topic_day_tally d {_TALLIED_DAYS} GROUP BY topic"
TALLIED_DECKS = f"SELECT d.deck_id AS deck_id, {_TALLIED_WINDOW} FROM deck_day_tally d {_TALLIED_DAYS} GROUP BY deck_id"
"""The window's sums and those older than a year per topic and per deck, from the tallies: what SUM_WINDOW and
OLD_ANSWERS read from the answers, for a report of every card. Only the days those sums count are read (through
the tallies' (study_day, ...) key): the eleven months between them, most of a year's tallies, add nothing."""
QUESTION_WINDOW = (
    f"SELECT {_WINDOW_SUMS}, sum(coalesce(r.rating > 1 AND r.duration_ms > :slow_factor * :median, 0))"
    " AS slow_correct FROM card c JOIN review r ON r.card_id = c.id"
    " WHERE c.deck_id = :question_deck AND c.question_id = :question_id AND r.reviewed_at >= :window_start"
)
"""The window's sums of one question, and its slow passes (`median`: its topic's median pass, or NULL)."""
_AGE_SUMS = ", ".join(f"sum({tallies.DAY_TERMS[age]}) AS {age}" for age in _AGES)
_DAY_SUMS = ", ".join(f"sum({term}) AS {name}" for name, term in tallies.DAY_TERMS.items())
OLD_ANSWERS = (
    f"SELECT c.deck_id AS deck_id, c.topic AS topic, {_AGE_SUMS}"
    f" FROM review r JOIN card c ON c.id = r.card_id WHERE r.reviewed_at < :year_start AND {tallies.AFTER_A_DAY}"
    f" AND {FILTER} GROUP BY c.deck_id, c.topic"
)
"""True retention's counts older than a year, per topic of each deck: all history minus them is the last 365
days."""

NOTHING = "SELECT 1 WHERE 0"
KEY_POINT_SUMS = (
    "SELECT c.deck_id AS deck_id, c.question_id AS question_id, min(c.topic) AS topic, k.point AS point,"
    " count(*) AS marked, sum(k.recalled = 0) AS missed"
    " FROM review_key_point k JOIN review r ON r.id = k.review_id JOIN card c ON c.id = r.card_id"
    f" WHERE {FILTER} GROUP BY c.deck_id, c.question_id, k.point"
)
LATEST_MARKS = (
    "SELECT k.point AS point, k.recalled AS recalled FROM review_key_point k WHERE k.review_id = ("
    "SELECT max(r.id) FROM review r JOIN card c ON c.id = r.card_id WHERE c.deck_id = :question_deck"
    " AND c.question_id = :question_id AND EXISTS (SELECT 1 FROM review_key_point m WHERE m.review_id = r.id))"
    " ORDER BY k.point"
)
"""The key points of a question's latest answer given with its key points marked."""
QUESTION_CONTENT = "SELECT content FROM question WHERE deck_id = :question_deck AND question_id = :question_id"

LEECHES = (
    "SELECT c.uid AS uid, c.deck_id AS deck_id, c.question_id AS question_id, c.topic AS topic,"
    " c.suspended AS suspended, t.lapses AS lapses,"
    " (SELECT q.content FROM question q WHERE q.deck_id = c.deck_id AND q.question_id = c.question_id) AS content"
    f" FROM card_tally t JOIN card c ON c.id = t.card_id WHERE t.lapses >= :leech AND {_ACTIVE} AND {FILTER}"
    " ORDER BY t.lapses DESC, c.uid LIMIT :limit"
)

FORECAST = (
    "SELECT max(:today, date(c.due, :local_shift)) AS day, count(*) AS cards"
    f" FROM card c WHERE {_ACTIVE} AND c.suspended = 0 AND c.state != {CardState.New:d} AND c.due < :horizon"
    f" AND {FILTER} GROUP BY 1"
)
"""Cards due per study day until `horizon` (overdue ones today). `local_shift` moves a UTC time to its study
day's date: the UTC offset minus the day start, plus an hour, so a review due at the start of its day stays
on that day when daylight saving time changes the offset before then."""

DAYS = "SELECT * FROM day_tally ORDER BY study_day"
DAYS_OF_CARDS = (
    f"SELECT r.study_day AS study_day, {_DAY_SUMS}"
    f" FROM review r JOIN card c ON c.id = r.card_id WHERE r.study_day IS NOT NULL AND {FILTER}"
    " GROUP BY r.study_day ORDER BY r.study_day"
)
"""The days of `day_tally` for a filtered report (the tally counts every card)."""
LATEST_LATE_DAY = "SELECT max(study_day) AS day FROM day_tally WHERE late > 0"
OVERDUE = (
    f"SELECT count(*) AS cards FROM card c WHERE {_ACTIVE} AND c.suspended = 0 AND c.state = {CardState.Review:d}"
    " AND c.due < :day_start"
)
"""Review cards due before today and still not answered: the days since were not done."""
CALIBRATION = "SELECT * FROM calibration_tally"
CONFIDENCE = (
    "SELECT confidence, count(*) AS answers, sum(rating > 1) AS passed FROM ("
    "SELECT r.confidence AS confidence, r.rating AS rating FROM review r CROSS JOIN card c ON c.id = r.card_id"
    " WHERE r.id >= (SELECT min(w.id + 0) FROM review w WHERE w.reviewed_at >= :window_start)"
    f" AND +r.reviewed_at >= :window_start AND r.study_day >= :first_window AND r.confidence IS NOT NULL AND {FILTER}"
    " UNION ALL SELECT p.confidence, p.rating FROM practice_answer p CROSS JOIN card c ON c.id = p.card_id"
    " WHERE p.answered_at >= :window_start AND p.study_day >= :first_window AND p.confidence IS NOT NULL"
    f" AND {FILTER}) GROUP BY confidence"
)
"""Answers of the window (as SUM_WINDOW counts them) given after saying how sure, by what was said: reviews and
practice answers alike. `review.confidence` has no index: the reviews are read from the window's first one on,
in rowid order (answers are appended), which reads the window's share of the table, not all of it; `+ 0` and `+`
keep SQLite from finding that first one by a scan in rowid order, and from reading the window through the index."""
MOCKS = (
    "SELECT m.id AS mock_id, m.started_at AS started_at, m.minutes AS minutes,"
    " m.seconds_per_question AS seconds_per_question, m.topic AS topic, sum(q.parent IS NULL) AS questions,"
    " sum(q.parent IS NOT NULL) AS follow_ups, sum(q.parent IS NOT NULL AND q.rating = 1) AS follow_ups_missed,"
    " sum(q.key_points) AS key_points, sum(q.recalled) AS recalled, avg(q.seconds) AS mean_seconds,"
    " sum(q.seconds > m.seconds_per_question) AS over_time"
    " FROM mock m JOIN mock_question q ON q.mock_id = m.id GROUP BY m.id ORDER BY m.id DESC"
)
"""Every mock with an answer, newest first, summed as `quizapp.mock.Scorecard` sums one: a follow-up is a question
with a parent, missed when rated Again; over time is longer than the mock's countdown."""
FIT_IN_USE = (
    "SELECT fitted_at, train_reviews, test_reviews, log_loss_before, log_loss_after FROM parameter_fit"
    " WHERE kept = 1 ORDER BY id DESC LIMIT 1"
)
RECALL = "SELECT * FROM recall_tally"


_MATH = "SELECT pow(2, 0.5), sqrt(2)"
TEMP_IN_MEMORY = "PRAGMA temp_store = MEMORY"  # the report's temporary tables


def with_math(conn: sqlite3.Connection) -> sqlite3.Connection:
    """`conn`, able to run pow() and sqrt(): SQLite has it when built with its math functions (most builds since 3.35);
    otherwise Python's is lent to this connection."""
    try:
        conn.execute(_MATH)
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, math.pow, deterministic=True)
        conn.create_function("sqrt", 1, math.sqrt, deterministic=True)
    return conn
