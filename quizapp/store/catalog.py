"""Deck titles and descriptions, for listing decks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from quizapp.store.database import Database
from quizapp.store.tables import deck_table


@dataclass(frozen=True)
class DeckInfo:
    """A deck as listed on the home screen."""

    id: str
    title: str
    description: str
    topic: str


def deck_infos(db: Database, deck_ids: Sequence[str]) -> list[DeckInfo]:
    """The given decks, sorted by title."""
    d = deck_table.c
    with db.read() as conn:
        rows = conn.execute(select(d.id, d.title, d.description, d.topic).where(d.id.in_(list(deck_ids))))
        infos = [DeckInfo(*row) for row in rows]
    return sorted(infos, key=lambda info: info.title.casefold())
