"""Deck titles and descriptions, and the topics of their cards, for listing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quizapp.store.connection import named
from quizapp.store.database import Database


@dataclass(frozen=True)
class DeckInfo:
    """A deck as listed on the home screen."""

    id: str
    title: str
    description: str
    topic: str


_DECKS = "SELECT id, title, description, topic FROM deck"
# {}: a `?` per deck
_TOPICS = (
    "SELECT topic, count(*) AS cards FROM card WHERE retired = 0 AND deck_id IN ({}) GROUP BY topic ORDER BY topic"
)


def deck_infos(db: Database, deck_ids: Sequence[str]) -> list[DeckInfo]:
    """The given decks, sorted by title."""
    wanted = set(deck_ids)
    with db.read() as conn:
        rows = named(conn).execute(_DECKS).fetchall()
    infos = [DeckInfo(row["id"], row["title"], row["description"], row["topic"]) for row in rows]
    return sorted((info for info in infos if info.id in wanted), key=lambda info: info.title.casefold())


def topic_counts(db: Database, deck_ids: Sequence[str]) -> list[tuple[str, int]]:
    """Each topic of the given decks' active cards, with its number of cards, sorted by topic."""
    with db.read() as conn:
        rows = named(conn).execute(_TOPICS.format(", ".join("?" * len(deck_ids))), tuple(deck_ids)).fetchall()
    return [(row["topic"], int(row["cards"])) for row in rows]
