"""Cards taken out of the queue (suspended, or buried until a later study day), and bringing them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from quizapp.decks.questions import question_from_content
from quizapp.store.connection import from_db, named, to_db
from quizapp.store.database import Database
from quizapp.store.queue import UNHIDE

_HIDDEN = (
    "SELECT id, uid, topic, deck_id, question_id, suspended, buried_until FROM card"
    " WHERE retired = 0 AND (suspended = 1 OR buried_until > :now) ORDER BY uid"
)
_QUESTION = "SELECT content FROM question WHERE deck_id = ? AND question_id = ?"
_IDS_OF_UIDS = "SELECT uid, id FROM card WHERE retired = 0 AND uid IN ({})"  # {}: a `?` per uid


@dataclass(frozen=True)
class HiddenCard:
    """A card out of the queue: suspended (until brought back) or buried (until `buried_until`)."""

    id: int
    uid: str
    topic: str
    prompt: str
    suspended: bool
    buried_until: datetime | None


def _prompt(content: str) -> str:
    question = question_from_content(content)
    return " ".join(str(getattr(question, "prompt", "") or getattr(question, "text", "")).split())


def hidden_cards(db: Database, now: datetime) -> list[HiddenCard]:
    """Every suspended card and every card still buried at `now`, by uid (each question read once,
    however many of its cloze cards are hidden)."""
    with db.read() as conn:
        rows = named(conn).execute(_HIDDEN, {"now": to_db(now)}).fetchall()
        questions = {(row["deck_id"], row["question_id"]) for row in rows}
        prompts = {key: _prompt(named(conn).execute(_QUESTION, key).fetchone()["content"]) for key in questions}
    return [
        HiddenCard(
            row["id"],
            row["uid"],
            row["topic"],
            prompts[row["deck_id"], row["question_id"]],
            bool(row["suspended"]),
            from_db(row["buried_until"]),
        )
        for row in rows
    ]


def bring_back(db: Database, card_ids: Sequence[int]) -> None:
    """Unsuspend and unbury these cards, in one transaction."""
    with db.write() as conn:
        conn.executemany(UNHIDE, [{"id": card_id} for card_id in card_ids])


def card_ids_of(db: Database, uids: Sequence[str]) -> dict[str, int]:
    """The ids of the (active) cards with these uids; unknown uids are left out."""
    with db.read() as conn:
        rows = named(conn).execute(_IDS_OF_UIDS.format(", ".join("?" * len(uids))), tuple(uids)).fetchall()
    return {row["uid"]: row["id"] for row in rows}
