"""Finding cards by text, topic, deck or state, and what the browser shows of one: its answers, its key-point
record, and a reset that lets FSRS start over.

Shared by `quizapp cards` and the browse screen, so it imports no Textual (and no FSRS: a listing needs neither).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from quizapp.config import ReviewSettings
from quizapp.decks.questions import StoredQuestion, question_from_content
from quizapp.errors import QuizError
from quizapp.mathtext import render_plain_math
from quizapp.store import browse_queries as sql
from quizapp.store import tallied
from quizapp.store.connection import from_db, named, to_db
from quizapp.store.database import Database
from quizapp.store.states import CardState

STATES = ("new", "learning", "review", "due", "suspended", "leech")
"""What `is:` (or `--state`) may ask for; several must all hold."""
FILTER_KEYS = ("topic", "deck", "is")
GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
DEFAULT_LEECH_THRESHOLD = ReviewSettings().leech_threshold
DEFAULT_LIMIT = 200


class QueryError(QuizError):
    """A search the browser cannot run: an unknown state."""

    title = "Search"
    exit_code = 2


@dataclass(frozen=True)
class CardQuery:
    """A search as typed in the browser's box: words to find, and the filters typed with them."""

    text: str = ""
    topic: str | None = None
    deck: str | None = None
    states: tuple[str, ...] = ()


def parse_query(typed: str) -> CardQuery:
    """`attention topic:diffusion/dit deck:sd-family is:leech` → the words and the filters.

    A word with an unknown prefix (`x:y`) is text to find; an empty filter (`topic:`) is ignored, and so is a
    state still being typed (`is:sus`), since the list follows the box as it is typed.

    Raises:
        QueryError: for `is:` with a state no state's name starts with.
    """
    words: list[str] = []
    found: dict[str, str] = {}
    states: list[str] = []
    for word in typed.split():
        key, colon, value = word.partition(":")
        if not colon or key.lower() not in FILTER_KEYS:
            words.append(word)
        elif key.lower() == "is":
            if value.lower() in STATES:
                states.append(value.lower())
            elif not any(state.startswith(value.lower()) for state in STATES):
                raise _unknown(value)
        elif value:
            found[key.lower()] = value
    return CardQuery(" ".join(words), found.get("topic"), found.get("deck"), tuple(dict.fromkeys(states)))


def _unknown(state: str) -> QueryError:
    return QueryError(f"unknown state {state!r} (one of {', '.join(STATES)})")


@dataclass(frozen=True)
class CardLine:
    """A card as the browser lists it."""

    id: int
    uid: str
    deck_id: str
    question_id: str
    cloze: int | None
    topic: str
    state: CardState
    due: datetime | None
    lapses: int  # Again after a study day, over the card's whole history (a reset keeps them)
    answers: int  # reviews, practice answers not counted
    suspended: bool
    leech: bool
    question: StoredQuestion

    @property
    def prompt(self) -> str:
        """The question on one line, its math in Unicode as on the card (a cloze card's text, deletions shown)."""
        text = str(getattr(self.question, "prompt", None) or getattr(self.question, "text", ""))
        return " ".join(render_plain_math(text).split())


def _pattern(word: str) -> str:
    """A LIKE pattern that finds `word` anywhere, its `%`, `_` and `\\` taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word_patterns(text: str | None) -> str:
    """`browse_queries.FIND_CARDS`'s `words`: per word, its pattern as written and as the stored JSON holds it
    (`json.dumps` as sync writes it: non-ASCII kept, `\\` and `"` escaped)."""
    words = (text or "").split()
    return json.dumps([[_pattern(w), _pattern(json.dumps(w, ensure_ascii=False)[1:-1])] for w in words])


def find_cards(
    db: Database,
    text: str | None = None,
    topic: str | None = None,
    deck: str | None = None,
    state: str | Sequence[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    *,
    deck_ids: Sequence[str] | None = None,
    due_by: datetime | None = None,
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD,
) -> list[CardLine]:
    """The active cards that match, by deck and position, at most `limit`.

    Args:
        text: words that must each appear (case-insensitively for ASCII) in the uid, prompt, answer, cloze text
            or key points.
        topic: the topic and its subtopics.
        deck: one deck's id.
        state: one of STATES, or several that must all hold.
        deck_ids: only these decks (the ones synced from the deck folders), or every deck.
        due_by: what `due` means: (re)learning or review cards due before this time (default: now); the
            callers pass the end of the study day, as the queue counts due cards.
        leech_threshold: the lapses that make a leech (`review.leech_threshold`).

    Raises:
        QueryError: for an unknown state.
    """
    states = {s.lower() for s in ([state] if isinstance(state, str) else state or ())}
    if unknown := sorted(states - set(STATES)):
        raise _unknown(unknown[0])
    params: dict[str, object] = {
        "uid": None,
        "deck": deck,
        "deck_ids": None if deck_ids is None else json.dumps(list(deck_ids)),
        "topic": topic.rstrip("/") if topic else None,
        "words": _word_patterns(text),
        **{name: int(name in states) for name in STATES},
        "due_by": to_db(due_by or datetime.now(UTC)),
        "leech_threshold": leech_threshold,
        "limit": limit,
    }
    return _lines(db, params, leech_threshold)


def card_by_uid(db: Database, uid: str, *, leech_threshold: int = DEFAULT_LEECH_THRESHOLD) -> CardLine | None:
    """The active card with this uid, or None."""
    params: dict[str, object] = {
        **dict.fromkeys(("deck", "deck_ids", "topic", "due_by")),
        **dict.fromkeys(STATES, 0),
        "uid": uid,
        "words": "[]",
        "leech_threshold": leech_threshold,
        "limit": 1,
    }
    lines = _lines(db, params, leech_threshold)
    return lines[0] if lines else None


def _lines(db: Database, params: dict[str, object], leech_threshold: int) -> list[CardLine]:
    tallied.bring_up_to_date(db)  # a card's answers and lapses are its card_tally row's
    with db.read() as conn:
        rows = named(conn).execute(sql.FIND_CARDS, params).fetchall()
    questions: dict[str, StoredQuestion] = {}  # a cloze question once for all its cards
    return [
        CardLine(
            id=row["id"],
            uid=row["uid"],
            deck_id=row["deck_id"],
            question_id=row["question_id"],
            cloze=row["cloze"],
            topic=row["topic"],
            state=CardState(row["state"]),
            due=from_db(row["due"]),
            lapses=int(row["lapses"]),
            answers=int(row["answers"]),
            suspended=bool(row["suspended"]),
            leech=leech_threshold > 0 and int(row["lapses"]) >= leech_threshold,
            question=_question(questions, row["question"]),
        )
        for row in rows
    ]


def _question(parsed: dict[str, StoredQuestion], content: str) -> StoredQuestion:
    if content not in parsed:
        parsed[content] = question_from_content(content)
    return parsed[content]


@dataclass(frozen=True)
class HistoryLine:
    """One event of a card's history: a review, a practice answer (drill or mock, schedule left alone), or a
    reset."""

    at: datetime  # UTC
    source: str  # "review", "practice" or "reset"
    mode: str | None  # "drill" or "mock" for an answer given there
    rating: int | None
    interval: timedelta | None  # a review's wait until the card was due again
    marked: int  # key points marked in the answer (0: not marked)
    recalled: int

    @property
    def kind(self) -> str:
        """What the line was, in words: `review`, `review (drill)`, `drill practice`, `reset`."""
        if self.source == "practice":
            return f"{self.mode} practice"
        if self.source == "review" and self.mode:
            return f"review ({self.mode})"
        return self.source


def card_history(db: Database, card_id: int) -> list[HistoryLine]:
    """The card's reviews and practice answers, and its latest reset, oldest first."""
    params = {"card_id": card_id}
    with db.read() as conn:
        rows = named(conn).execute(sql.CARD_HISTORY, params).fetchall()
    lines = []
    for row in rows:
        at = from_db(row["at"])
        due_after = from_db(row["due_after"])
        assert at is not None
        lines.append(
            HistoryLine(
                at=at,
                source=row["source"],
                mode=row["mode"],
                rating=row["rating"],
                interval=None if due_after is None else due_after - at,
                marked=int(row["marked"]),
                recalled=int(row["recalled"]),
            )
        )
    return lines


@dataclass(frozen=True)
class KeyPointLine:
    """A key point of the card's question and how often it was recalled in the answers that marked it."""

    text: str
    marked: int
    recalled: int


def key_point_record(db: Database, card: CardLine) -> list[KeyPointLine]:
    """Every key point of the card's question, in order, with its counts over reviews and practice answers."""
    with db.read() as conn:
        rows = named(conn).execute(sql.KEY_POINT_RECORD, {"card_id": card.id}).fetchall()
    counts = {int(row["point"]): (int(row["marked"]), int(row["recalled"])) for row in rows}
    return [KeyPointLine(text, *counts.get(i, (0, 0))) for i, text in enumerate(card.question.key_points)]


def reset_card(db: Database, card_id: int, *, now: datetime | None = None) -> None:
    """Make the card new again, so FSRS starts over at its next answer (state New; step, stability, difficulty,
    due and last review NULL), in one transaction.

    Note: the history stays in `review` (and `practice_answer`) for the reports, which keep counting it: the
    card's lapses, and so whether it is a leech, are those of its whole history. The log gets no row for the
    reset, since FSRS and the fit read every row there as an answer; `card_reset` keeps it instead, shown in the
    card's history, and it is what explains a card whose state is not the one its newest review left.
    """
    at = to_db(now or datetime.now(UTC))
    with db.write() as conn:
        conn.execute(sql.RESET_CARD, {**sql.NEW_STATE, "id": card_id})
        conn.execute(sql.NOTE_RESET, {"card_id": card_id, "at": at})


def deck_file(db: Database, deck_id: str) -> Path | None:
    """The file the deck was last synced from, or None for a deck the database does not know."""
    with db.read() as conn:
        row = named(conn).execute(sql.DECK_FILE, {"deck_id": deck_id}).fetchone()
    return Path(row["source_path"]) if row is not None and row["source_path"] else None


# --- the card's words, as the command line and the screen print them ------------------------------------------


def state_label(card: CardLine) -> str:
    """`new`, `learning`, `review` or `relearning`."""
    return card.state.name.lower()


def flags_label(card: CardLine) -> str:
    """`suspended`, `leech`, both or nothing."""
    return " ".join(name for name, on in (("suspended", card.suspended), ("leech", card.leech)) if on)


def local_time(moment: datetime | None, tz: tzinfo | None = None) -> str:
    """`2026-03-02 13:00` in the local zone (`tz` None: the system's), or `-`."""
    return "-" if moment is None else f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def interval_label(wait: timedelta | None) -> str:
    """A wait as one short number: `10m`, `5h`, `3d`, or `-`."""
    if wait is None:
        return "-"
    minutes = max(0, round(wait.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 24 * 60:
        return f"{round(minutes / 60)}h"
    return f"{round(minutes / (24 * 60))}d"


def history_cells(line: HistoryLine, tz: tzinfo | None = None) -> tuple[str, str, str, str, str]:
    """When, what, grade, the wait after it, and key points recalled of those marked."""
    grade = "" if line.rating is None else GRADES.get(line.rating, str(line.rating))
    interval = interval_label(line.interval) if line.source == "review" else ""
    points = f"{line.recalled}/{line.marked}" if line.marked else ""
    return local_time(line.at, tz), line.kind, grade, interval, points


def cell_width(text: str) -> int:
    """Terminal columns `text` takes: 2 for a wide or fullwidth character (CJK), 0 for a combining mark."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text
    )


def aligned(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows as lines of columns two spaces apart, padded by display width (so CJK text lines up); the columns
    in `right` are right-aligned; the last column is not padded."""
    widths = [max(cell_width(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell_width(cell))
            last = i == len(row) - 1
            cells.append(pad + cell if i in right else cell + ("" if last else pad))
        lines.append("  ".join(cells).rstrip())
    return lines


def clipped(text: str, width: int) -> str:
    """`text` cut to `width` display columns, with `…` when cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        used += cell_width(ch)
        if used > width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def card_report(db: Database, card: CardLine, tz: tzinfo | None = None) -> list[str]:
    """A card as `quizapp cards --history` prints it: its line, its answers, and each key point's record."""
    lines = [
        f"{card.uid}  {card.topic}  {state_label(card)}  due {local_time(card.due, tz)}  {card.lapses} lapse(s)  "
        f"{card.answers} answer(s)  {flags_label(card)}".rstrip(),
        clipped(card.prompt, 100),
        "",
    ]
    history = card_history(db, card.id)
    header = ("when", "what", "grade", "next", "key points")
    lines += aligned([header, *(history_cells(h, tz) for h in history)]) if history else ["no answers yet"]
    points = key_point_record(db, card)
    if points:
        lines += ["", *aligned([("recalled", "key point"), *((f"{p.recalled}/{p.marked}", p.text) for p in points)])]
    return lines
