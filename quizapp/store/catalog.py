"""Deck titles and descriptions, and the topics of their cards, for listing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quizapp.store.database import Database


@dataclass(frozen=True)
class DeckInfo:
    """A deck as listed on the home screen."""

    id: str
    title: str
    description: str
    topic: str


def deck_infos(db: Database, deck_ids: Sequence[str]) -> list[DeckInfo]:
    """The given decks, sorted by title."""
    wanted = set(deck_ids)
    with db.read() as conn:
        rows = conn.execute("SELECT id, title, description, topic FROM deck").fetchall()
    return sorted((DeckInfo(*row) for row in rows if row[0] in wanted), key=lambda info: info.title.casefold())


_TOPICS = "SELECT topic, count(*) FROM card WHERE retired = 0 AND deck_id IN ({}) GROUP BY topic ORDER BY topic"


def topic_counts(db: Database, deck_ids: Sequence[str]) -> list[tuple[str, int]]:
    """Each topic of the given decks' active cards, with its number of cards, sorted by topic."""
    with db.read() as conn:
        rows = conn.execute(_TOPICS.format(", ".join("?" * len(deck_ids))), tuple(deck_ids)).fetchall()
    return [(topic, int(n)) for topic, n in rows]
