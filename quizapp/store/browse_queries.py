"""The statements of the card browser: find cards, read one card's answers and key points, reset a card.

Every filter is a parameter of one statement (NULL or 0 when not used), so the statements stay module
constants that `tests/store/test_statements.py` compiles. Every word to find (`:words`) must be found.
"""

from __future__ import annotations

from quizapp.store.queue import MEMORY_COLUMNS, SET_CARD_STATE
from quizapp.store.states import CardState

# A word is found in the uid, or in the question's prompt, answer, cloze text or key points as written (a LIKE
# over the raw JSON would also match its keys and miss a `\` that JSON doubles). The stored JSON must hold the
# word as JSON writes it (`stored`) first: a cheap test that spares most questions the parsing of their JSON.
# A CASE, because SQLite evaluates every operand of an AND or OR computed as a value; a CASE stops at its answer.
_WORDS = "(SELECT json_extract(value, '$[0]') AS plain, json_extract(value, '$[1]') AS stored FROM json_each(:words))"
_IN_FIELDS = " ".join(
    f"WHEN json_extract(q.content, '$.{key}') LIKE w.plain ESCAPE '\\' THEN 1" for key in ("prompt", "answer", "text")
)
_FOUND = (
    "CASE WHEN c.uid LIKE w.plain ESCAPE '\\' THEN 1 WHEN q.content NOT LIKE w.stored ESCAPE '\\' THEN 0"
    f" {_IN_FIELDS} WHEN EXISTS (SELECT 1 FROM json_each(q.content, '$.key_points') k"
    " WHERE k.value LIKE w.plain ESCAPE '\\') THEN 1 ELSE 0 END"
)
_FILTERS = (
    "c.retired = 0",
    "(:uid IS NULL OR c.uid = :uid)",
    "(:deck IS NULL OR c.deck_id = :deck)",
    "(:deck_ids IS NULL OR c.deck_id IN (SELECT value FROM json_each(:deck_ids)))",
    "(:topic IS NULL OR c.topic = :topic OR substr(c.topic, 1, length(:topic) + 1) = :topic || '/')",
    f"(NOT :new OR c.state = {CardState.New:d})",
    f"(NOT :learning OR c.state IN ({CardState.Learning:d}, {CardState.Relearning:d}))",
    f"(NOT :review OR c.state = {CardState.Review:d})",
    f"(NOT :due OR (c.state != {CardState.New:d} AND c.due < :due_by))",
    "(NOT :suspended OR c.suspended = 1)",
    "(NOT :leech OR coalesce(t.lapses, 0) >= :leech_threshold)",
    f"NOT EXISTS (SELECT 1 FROM {_WORDS} w WHERE ({_FOUND}) = 0)",  # last: the costliest, on the fewest cards
)
FIND_CARDS = (
    "SELECT c.id, c.uid, c.deck_id, c.question_id, c.cloze, c.topic, c.state, c.due, c.suspended,"
    " coalesce(t.lapses, 0) AS lapses, coalesce(t.answers, 0) AS answers, q.content AS question"
    " FROM card c JOIN question q ON q.deck_id = c.deck_id AND q.question_id = c.question_id"
    " LEFT JOIN card_tally t ON t.card_id = c.id"
    f" WHERE {' AND '.join(_FILTERS)} ORDER BY c.deck_id, c.position LIMIT :limit"
)
"""Active cards by deck and position. Parameters: `uid`, `deck`, `deck_ids` (a JSON array), `topic` (itself and
below) or NULL; `words`, a JSON array with a pair of LIKE patterns (escaped with `\\`) per word: [as written, as
JSON writes it]; the flags `new`, `learning`, `review`, `due`, `suspended`, `leech` (0 or 1, all that are 1 must
hold) with `due_by` and `leech_threshold`; `limit` (-1: no limit)."""

# A card's answers, oldest first: its reviews, the practice answers that left its schedule alone, and the
# times it was reset (`card_reset`). Key points are counted as marked and as recalled.
_MARKED = "(SELECT count(*) FROM {0} k WHERE k.{1} = {2}.id)"
_RECALLED = "(SELECT count(*) FROM {0} k WHERE k.{1} = {2}.id AND k.recalled)"
CARD_HISTORY = (
    "SELECT 'review' AS source, r.mode, r.reviewed_at AS at, r.rating, r.due_after,"
    f" {_MARKED.format('review_key_point', 'review_id', 'r')} AS marked,"
    f" {_RECALLED.format('review_key_point', 'review_id', 'r')} AS recalled"
    " FROM review r WHERE r.card_id = :card_id"
    " UNION ALL SELECT 'practice', p.mode, p.answered_at, p.rating, NULL,"
    f" {_MARKED.format('practice_key_point', 'practice_id', 'p')},"
    f" {_RECALLED.format('practice_key_point', 'practice_id', 'p')}"
    " FROM practice_answer p WHERE p.card_id = :card_id"
    " UNION ALL SELECT 'reset', NULL, x.reset_at, NULL, NULL, 0, 0 FROM card_reset x WHERE x.card_id = :card_id"
    " ORDER BY at"
)
# Per key point (0-based, in the question's order): answers that marked it, and that marked it recalled.
KEY_POINT_RECORD = (
    "SELECT point, count(*) AS marked, sum(recalled) AS recalled FROM ("
    "SELECT k.point, k.recalled FROM review_key_point k JOIN review r ON r.id = k.review_id WHERE r.card_id = :card_id"
    " UNION ALL SELECT k.point, k.recalled FROM practice_key_point k JOIN practice_answer p ON p.id = k.practice_id"
    " WHERE p.card_id = :card_id) GROUP BY point ORDER BY point"
)

RESET_CARD = SET_CARD_STATE
"""Reset with every column of MEMORY_COLUMNS NULL but `state`, New: what a card never answered has."""
NEW_STATE: dict[str, object] = {name: None for name in MEMORY_COLUMNS} | {"state": int(CardState.New)}
NOTE_RESET = "INSERT INTO card_reset (card_id, reset_at) VALUES (:card_id, :at)"
DECK_FILE = "SELECT source_path FROM deck WHERE id = :deck_id"
