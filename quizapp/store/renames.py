"""Ids renamed without `renamed_from`: a question gone from its file and a new one that looks like it.

A card's identity is its id, so to sync a renamed id is a question deleted (its cards, with
their reviews, retired) and another added. `quizapp lint --db` warns before an import, and the
import summary names what it retired; both decide what looks like a rename with `pair_renames`.
Nothing here imports pydantic or YAML at module level: sync runs on the start-up path.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.errors import DeckProblem, StorageError
from quizapp.store import connection
from quizapp.store.connection import named
from quizapp.store.database_file import schema_version_of

if TYPE_CHECKING:
    from quizapp.decks.loader import LoadedDeck

# difflib's ratio of two questions' words at or above which they look alike; unrelated questions
# of the bundled decks stay under 0.52
RENAME_RATIO = 0.6
COMPARED_WORDS = 200  # enough to recognise a question; comparing costs up to the square of this
MAX_FUZZY_PAIRS = 2_500  # beyond this many comparisons in a deck only identical questions are paired
# a word: one CJK character (those scripts put no spaces between words), a run of word characters,
# or any other character (punctuation and LaTeX symbols count)
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\w+|\S")
_COMPARED_KEYS = ("prompt", "text", "answer")  # then the choices; templated prompts alone are alike

_HAS_QUESTION_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'question'"
_QUESTIONS = "SELECT question_id, content FROM question WHERE deck_id = ?"
# Before schema 3 each card kept a copy of its question; `lint --db` reads a database as it is, without upgrading it.
_QUESTIONS_BEFORE_SCHEMA_3 = "SELECT question_id, content FROM card WHERE deck_id = ? AND retired = 0 ORDER BY id DESC"
_CARDS_OF_DECK = "SELECT question_id, retired FROM card WHERE deck_id = ? ORDER BY id"
_REVIEWS_PER_QUESTION = (
    "SELECT c.question_id, count(*) AS reviews FROM card c JOIN review r ON r.card_id = c.id"
    " WHERE c.deck_id = ? AND c.retired = 0 GROUP BY c.question_id"
)


@dataclass(frozen=True)
class QuestionFace:
    """What a question is recognised by when its id changes: its type and the words of its prompt,
    answer or cloze text, and choices."""

    question_id: str
    kind: str
    words: tuple[str, ...]

    @classmethod
    def from_content(cls, question_id: str, content: str) -> QuestionFace:
        """From the question JSON stored for every question (`CardSpec.content`, the `question.content` column)."""
        data = json.loads(content)
        parts = [data.get(key) for key in _COMPARED_KEYS] + list(data.get("choices") or [])
        text = " ".join(str(part) for part in parts if part).casefold()
        words = tuple(match.group() for match in islice(_WORD.finditer(text), COMPARED_WORDS))
        return cls(question_id, str(data.get("type", "open")), words)


def rename_likeness(old: QuestionFace, new: QuestionFace) -> float:
    """How alike two questions are, 0..1: 0 across types, else difflib's ratio of their words.

    A value under RENAME_RATIO may be returned as 0: cheap upper bounds are checked first.
    """
    if old.kind != new.kind:
        return 0.0
    matcher = difflib.SequenceMatcher(None, old.words, new.words, autojunk=False)
    if matcher.real_quick_ratio() < RENAME_RATIO or matcher.quick_ratio() < RENAME_RATIO:
        return 0.0
    return matcher.ratio()


def pair_renames(gone: Sequence[QuestionFace], added: Sequence[QuestionFace]) -> dict[str, str]:
    """Old id → new id for each gone question that looks like an added one; each id is paired once.

    Identical questions are paired first (a pure rename of many ids stays fast), then the most
    alike pairs at or above RENAME_RATIO, unless that would take more than MAX_FUZZY_PAIRS
    comparisons, so a deck rewritten wholesale cannot stall an import.
    """
    free = {face.question_id: face for face in added}
    identical: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for face in added:
        identical.setdefault((face.kind, face.words), []).append(face.question_id)
    pairs: dict[str, str] = {}
    rest: list[QuestionFace] = []
    for old in gone:
        same = [new_id for new_id in identical.get((old.kind, old.words), []) if new_id in free]
        if same and old.words:
            pairs[old.question_id] = same[0]
            del free[same[0]]
        else:
            rest.append(old)
    if rest and free and len(rest) * len(free) <= MAX_FUZZY_PAIRS:
        pairs.update(_alike_pairs(rest, list(free.values())))
    return {old.question_id: pairs[old.question_id] for old in gone if old.question_id in pairs}


def _alike_pairs(gone: list[QuestionFace], added: list[QuestionFace]) -> dict[str, str]:
    """The most alike pairs first, each id used once, ties in file order."""
    scored = []
    for i, old in enumerate(gone):
        for j, new in enumerate(added):
            ratio = rename_likeness(old, new)
            if ratio >= RENAME_RATIO:
                scored.append((-ratio, i, j, old.question_id, new.question_id))
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for _, _, _, old_id, new_id in sorted(scored):
        if old_id not in pairs and new_id not in taken:
            pairs[old_id] = new_id
            taken.add(new_id)
    return pairs


def reviews_phrase(n: int) -> str:
    """'1 review', '3 reviews'."""
    return f"{n} review" if n == 1 else f"{n} reviews"


@dataclass(frozen=True)
class StoredDeck:
    """What the database holds for one deck id, as far as renames are concerned."""

    active: dict[str, str]  # stored question JSON of each question with a card that is not retired
    known: frozenset[str]  # every question id synced into this deck, retired ones included
    reviews: dict[str, int]  # reviews logged per active question


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file, once the file is known to be a quizapp database.

    Raises:
        StorageError: if there is no file, or it is not a quizapp database (or a newer one).
    """

    path = path.expanduser().resolve()
    if not path.exists():
        raise StorageError(f"no database at {path}")
    if not path.is_file():
        raise StorageError(f"{path} is not a database file")
    try:
        version = schema_version_of(path)
    except OSError as e:
        raise StorageError(f"cannot read {path}: {e.strerror}") from e
    if version is None:
        raise StorageError(f"{path} is empty, not a quizapp database")
    try:
        conn = connection.connect_read_only(path)
    except sqlite3.Error as e:
        raise StorageError(f"cannot open {path} to read it: {connection.storage_problem(e, path=path) or e}") from e
    return conn


def _stored_questions(conn: sqlite3.Connection, deck_id: str) -> dict[str, str]:
    """Each question's JSON. Before schema 3 each card kept a copy (the first active card's is taken)."""
    statement = _QUESTIONS if conn.execute(_HAS_QUESTION_TABLE).fetchone() else _QUESTIONS_BEFORE_SCHEMA_3
    return {row["question_id"]: row["content"] for row in named(conn).execute(statement, (deck_id,))}


def read_stored_deck(conn: sqlite3.Connection, deck_id: str) -> StoredDeck:
    """One deck's questions and review counts (an unknown deck id gives an empty StoredDeck)."""
    order: dict[str, None] = {}  # the active questions, in the order of their first active card
    known: set[str] = set()
    for row in named(conn).execute(_CARDS_OF_DECK, (deck_id,)):
        known.add(row["question_id"])
        if not row["retired"]:
            order[row["question_id"]] = None
    contents = _stored_questions(conn, deck_id)
    active = {question_id: contents[question_id] for question_id in order}
    reviews = {row["question_id"]: row["reviews"] for row in named(conn).execute(_REVIEWS_PER_QUESTION, (deck_id,))}
    return StoredDeck(active, frozenset(known), reviews)


def _deck_warnings(loaded: LoadedDeck, stored: StoredDeck) -> list[DeckProblem]:
    """Reviewed questions this file would retire, each at the new id it looks renamed to, if any."""
    from quizapp.decks.cards import card_specs
    from quizapp.decks.yamlread import decode, read_yaml

    questions = loaded.deck.questions
    in_file = {q.id for q in questions}
    # sync carries history over only to an id the database does not know yet
    claimed = {old for q in questions if q.id not in stored.known for old in q.renamed_from}
    gone = [
        QuestionFace.from_content(question_id, content)
        for question_id, content in stored.active.items()
        if question_id not in in_file and question_id not in claimed and stored.reviews.get(question_id)
    ]
    if not gone:
        return []
    faces: dict[str, QuestionFace] = {}
    for spec in card_specs(loaded.deck):
        faces.setdefault(spec.question_id, QuestionFace.from_content(spec.question_id, spec.content))
    added = [
        faces[q.id] for q in questions if q.id not in stored.known and not stored.known.intersection(q.renamed_from)
    ]
    pairs = pair_renames(gone, added)
    doc = read_yaml(decode(loaded.path.read_bytes(), loaded.path), loaded.path)
    index = {q.id: i for i, q in enumerate(questions)}
    warnings = []
    for old in gone:
        n = stored.reviews[old.question_id]
        new_id = pairs.get(old.question_id)
        if new_id is not None:
            where = doc.position(("questions", index[new_id], "id"))
            message = (
                f"question {new_id!r} looks like a rename of {old.question_id!r} "
                f"(its {reviews_phrase(n)} would be retired): add `renamed_from: [{old.question_id}]`"
            )
        else:
            where = doc.position(("questions",), key=True)
            message = f"question {old.question_id!r} is gone: its {reviews_phrase(n)} will be retired on import"
        warnings.append(DeckProblem(loaded.path, where.line, where.column, message))
    return sorted(warnings, key=lambda w: (w.line, w.column))


def unmarked_renames(conn: sqlite3.Connection, decks: Sequence[LoadedDeck]) -> list[DeckProblem]:
    """What importing these decks would retire that has reviews, positioned for an editor.

    Args:
        conn: the database the decks would be imported into (see `open_read_only`); it is only read.
        decks: valid deck files (as `load_decks` returns them).

    Returns:
        One warning per reviewed question a file no longer has (and no `renamed_from` claims),
        naming the new question it looks renamed to when there is one.

    Raises:
        StorageError: if the database cannot be read.
    """
    try:
        with connection.read(conn):
            stored = {d.deck.deck: read_stored_deck(conn, d.deck.deck) for d in decks}
    except sqlite3.DatabaseError as e:
        raise StorageError(f"cannot read the database: {e}") from e
    return [w for d in decks for w in _deck_warnings(d, stored[d.deck.deck])]
