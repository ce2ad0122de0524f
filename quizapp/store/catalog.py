"""Deck titles and descriptions, for listing decks."""

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
