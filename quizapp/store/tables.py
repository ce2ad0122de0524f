"""The database tables. Content lives in the deck files; a copy of each question is kept so
that the app starts and reports without re-parsing YAML, and retired cards can still be shown.

Times are UTC, stored as naive text with microseconds (`connection.to_db`), the format
SQLAlchemy gives a DateTime column on SQLite, so text order is time order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from quizapp.store.states import CardState


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself, such as its schema version."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class DeckRow(SQLModel, table=True):
    """A deck and the file it was last synced from."""

    __tablename__ = "deck"
    id: str = Field(primary_key=True)
    title: str
    description: str = ""
    topic: str = ""
    source_path: str = Field(default="", index=True)
    file_hash: str = ""
    synced_at: datetime
    # size and mtime when the hash was taken: an unchanged file is not even read. Its DEFAULT is the one
    # schema 2 had to give the column it added, so new and upgraded databases have the same schema.
    file_stat: str = Field(default="", sa_column_kwargs={"server_default": ""})


class QuestionRow(SQLModel, table=True):
    """A deck question as JSON (`decks.stored`), stored once for all its cards.

    A cloze question has a card per deletion, and a copy per card grew with deletions × length
    (a 48 KB question with 3,000 deletions took 148 MB). A card finds its question by
    (deck_id, question_id); the hash tells sync whether the file changed the question.
    """

    __tablename__ = "question"
    deck_id: str = Field(foreign_key="deck.id", primary_key=True)
    question_id: str = Field(primary_key=True)
    content: str
    content_hash: str


class CardRow(SQLModel, table=True):
    """One card: identity, its place in its deck, and its FSRS scheduling state; its question is the
    `question` row with the same (deck_id, question_id)."""

    __tablename__ = "card"
    __table_args__ = (
        Index("ix_card_due", "retired", "suspended", "state", "due"),
        Index("ix_card_new_order", "retired", "suspended", "state", "position", "deck_id"),
        Index("ix_card_question", "deck_id", "question_id"),
        Index("ix_card_deck", "deck_id", "retired", "suspended", "state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    deck_id: str = Field(foreign_key="deck.id")
    question_id: str
    cloze: int | None = None
    kind: str
    topic: str = Field(index=True)
    level: int | None = None
    position: int
    state: int = CardState.New
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = Field(default=None)
    last_review: datetime | None = Field(default=None)
    suspended: bool = False
    buried_until: datetime | None = Field(default=None)
    retired: bool = False
    created_at: datetime


class ReviewRow(SQLModel, table=True):
    """One answer, with the card's state before (for undo) and after (for audits and reports)."""

    __tablename__ = "review"
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    rating: int
    reviewed_at: datetime = Field(index=True)
    duration_ms: int | None = None
    state_before: int
    step_before: int | None = None
    stability_before: float | None = None
    difficulty_before: float | None = None
    due_before: datetime | None = Field(default=None)
    last_review_before: datetime | None = Field(default=None)
    state_after: int
    step_after: int | None = None
    stability_after: float | None = None
    difficulty_after: float | None = None
    due_after: datetime


meta_table = Meta.__table__  # type: ignore[attr-defined]
