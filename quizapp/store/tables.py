"""The database tables. Content lives in the deck files; a copy of each question is kept so
that the app starts and reports without re-parsing YAML, and retired cards can still be shown.

Times are UTC, stored as naive text with microseconds (`connection.to_db`), the format
SQLAlchemy gives a DateTime column on SQLite, so text order is time order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
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


class QuestionVersion(SQLModel, table=True):
    """The versions of a question a sync replaced (schema 7), so a card edited since its last answer can show what
    changed: the review keeps the hash of the version it answered, and `question` holds the current one (a
    database of schema 7 or 8 may also hold it here)."""

    __tablename__ = "question_version"
    deck_id: str = Field(primary_key=True)
    question_id: str = Field(primary_key=True)
    content_hash: str = Field(primary_key=True)
    content: str


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
    topic: str  # no index: no query looks a card up by its topic (schema 8 dropped ix_card_topic)
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
    """One answer, with the card's state before (for undo) and after (for audits and reports), and what the
    reports need to know of it (schema 4).

    The columns of schema 4 are NULL in the rows of older databases but `kind`, which schema 4 derived from
    `state_before`: nothing else of those answers was recorded. A new answer always writes
    `utc_offset_minutes`; `retrievability` and `elapsed_days` are NULL for a new card, `picked` for an answer
    without a choice, `cloze` for a card that is not a cloze deletion.
    """

    __tablename__ = "review"
    # The answers of a time range without reading their rows: today's counts and the reports' recent window.
    __table_args__ = (
        Index(
            "ix_review_recent",
            "reviewed_at",
            "card_id",
            "rating",
            "state_before",
            "elapsed_days",
            "duration_ms",
            "study_day",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    rating: int
    reviewed_at: datetime
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
    retrievability: float | None = None  # FSRS's predicted recall just before the answer, in study days
    elapsed_days: int | None = None  # study days since the card's previous review
    utc_offset_minutes: int | None = None  # of the local time zone at the answer: its study day and hour
    kind: str  # `queue.AnswerKind`: "learning" (New, Learning, Relearning before) or "review"
    picked: str | None = None  # a choice answer: the options picked, a sorted JSON list of 0-based indices
    cloze: int | None = None  # the card's cloze number
    # schema 5: what the reports and a parameter fit count by, fixed when the answer is given
    study_day: str | None = None  # ISO date of the study day the answer counted for
    review_number: int | None = None  # the card's reviews on distinct study days so far, this one included
    lapses_before: int | None = None  # earlier answers Again after at least a study day
    # schema 7: the practice modes
    confidence: int | None = None  # `practice.Confidence` said before the reveal: 1 sure, 2 unsure, 3 guess
    mode: str | None = None  # "drill" or "mock" when given there; NULL for the daily review
    content_hash: str | None = None  # the version of the question answered (`question_version`)


class ReviewKeyPointRow(SQLModel, table=True):
    """Whether the candidate recalled one key point of the question (`point`, 0-based, in the question's
    order) in an answer given with its key points marked; deleted with its review."""

    __tablename__ = "review_key_point"
    review_id: int = Field(
        sa_column=Column(Integer, ForeignKey("review.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    point: int = Field(primary_key=True)
    recalled: bool


class CardTally(SQLModel, table=True):
    """A card's answers summed up (schema 5), so a report over a million answers reads one row per card.

    Rewritten from the card's reviews whenever one is added or undone (`store.tallies`). "After a study day"
    means an answer given at least one study day after the card's previous one (`review.elapsed_days` ≥ 1):
    Anki's true retention counts those; young is fewer than 21 such days, mature 21 or more.
    """

    __tablename__ = "card_tally"
    card_id: int = Field(foreign_key="card.id", primary_key=True)
    answers: int
    lapses: int  # answers Again after a study day
    young_passed: int
    young_failed: int
    mature_passed: int
    mature_failed: int
    expected: float  # Σ FSRS's predicted recall over the answers after a study day
    duration_ms: int
    last_rating: int
    last_reviewed_at: datetime
    last_study_day: str | None = None  # NULL only for answers older than schema 5 without a study day
    # where the card's answers are filed in topic_day_tally and deck_day_tally: its topic and deck then
    topic: str
    deck_id: str


class _DaySums(SQLModel):
    """The sums of a study day's answers, as `store.tallies` adds them up (its `_DAY_TERMS`), by column."""

    study_day: str = Field(primary_key=True)
    answers: int
    again: int
    new_cards: int
    young_passed: int
    young_failed: int
    mature_passed: int
    mature_failed: int
    expected: float
    duration_ms: int
    late: int  # answers to review cards due on an earlier study day: that day's reviews were not all done


class DayTally(_DaySums, table=True):
    """Every answer of one study day summed up (schema 5): heatmap, trend and streak without a scan."""

    __tablename__ = "day_tally"


class TopicDayTally(_DaySums, table=True):
    """Every answer of one study day to the cards of one topic (its full path), summed up (schema 5): a
    topic's recent figures without reading the window's answers."""

    __tablename__ = "topic_day_tally"
    topic: str = Field(primary_key=True)


class DeckDayTally(_DaySums, table=True):
    """Every answer of one study day to the cards of one deck, summed up (schema 5)."""

    __tablename__ = "deck_day_tally"
    deck_id: str = Field(primary_key=True)


class CalibrationTally(SQLModel, table=True):
    """Answers after a study day grouped as the srs-benchmark's RMSE(bins) groups them (schema 5), per top-level
    topic (`scope`): elapsed days, review number and lapses, each on its logarithmic bins (`store.tallies`)."""

    __tablename__ = "calibration_tally"
    scope: str = Field(primary_key=True)
    elapsed_bin: float = Field(primary_key=True)
    review_bin: int = Field(primary_key=True)
    lapse_bin: int = Field(primary_key=True)
    answers: int
    passed: int
    expected: float
    log_loss: float  # Σ −ln(predicted probability of what happened)


class RecallTally(SQLModel, table=True):
    """Answers after a study day by predicted recall in thousandths (schema 5), per top-level topic: the AUC and
    the calibration chart."""

    __tablename__ = "recall_tally"
    scope: str = Field(primary_key=True)
    permille: int = Field(primary_key=True)
    answers: int
    passed: int
    expected: float


class ParameterFit(SQLModel, table=True):
    """One fit of FSRS's parameters to the user's answers (schema 6), kept or not, with its judgement on the
    answers it did not see; the newest kept one is in use (`store.fits`)."""

    __tablename__ = "parameter_fit"
    id: int | None = Field(default=None, primary_key=True)
    fitted_at: datetime
    parameters: str  # a JSON list of 21 numbers
    train_reviews: int
    test_reviews: int
    log_loss_before: float
    log_loss_after: float
    rmse_bins_before: float | None = None
    rmse_bins_after: float | None = None
    auc_before: float | None = None
    auc_after: float | None = None
    kept: bool  # whether it predicted the held-out answers better, and so is in use unless a newer one is
    rescheduled: int = 0  # review cards whose due date was recomputed from it


class PracticeAnswer(SQLModel, table=True):
    """An answer given in a drill or a mock interview that did not reschedule its card (schema 7): the card was
    not due, or mock answers do not count as reviews. FSRS never reads these; the reports do."""

    __tablename__ = "practice_answer"
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    mode: str  # "drill" or "mock"
    answered_at: datetime
    study_day: str
    rating: int
    duration_ms: int | None = None
    confidence: int | None = None
    retrievability: float | None = None  # FSRS's predicted recall at the answer (None for a new card)


class PracticeKeyPoint(SQLModel, table=True):
    """A key point recalled or not in a practice answer, as `review_key_point` for reviews."""

    __tablename__ = "practice_key_point"
    practice_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("practice_answer.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    point: int = Field(primary_key=True)
    recalled: bool


class CardReset(SQLModel, table=True):
    """A card made new again from the browser (schema 7): FSRS starts over at its next answer, the review log
    keeps every earlier answer for the reports, and this row explains a card whose state is not the one its newest
    review left."""

    __tablename__ = "card_reset"
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    reset_at: datetime


class MockRow(SQLModel, table=True):
    """One mock interview (schema 7): how it was drawn and timed."""

    __tablename__ = "mock"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime
    ended_at: datetime | None = None
    minutes: int
    seconds_per_question: int
    topic: str | None = None  # the topic prefix it was drawn from, NULL for every deck
    seed: int
    counts_as_review: bool


class MockQuestionRow(SQLModel, table=True):
    """A question asked in a mock interview, in order, with its outcome (schema 7).

    A follow-up has a `parent` (the question it followed): either a deck question's card (`card_id`, linked by
    the deck) or the parent's plain follow-up text (`follow_up`, `card_id` is then the parent's card), answered
    or missed (rating 3 or 1). `review_id` or `practice_id` is the answer it was stored as, if any.
    """

    __tablename__ = "mock_question"
    id: int | None = Field(default=None, primary_key=True)
    mock_id: int = Field(foreign_key="mock.id", index=True)
    position: int
    card_id: int = Field(foreign_key="card.id")
    parent: int | None = None
    follow_up: str | None = None
    seconds: float
    notes: str = ""
    key_points: int  # the question's key points, and how many were ticked as recalled
    recalled: int
    rating: int
    review_id: int | None = None
    practice_id: int | None = None


meta_table = Meta.__table__  # type: ignore[attr-defined]


def compiled_schema() -> list[str]:
    """CREATE TABLE and CREATE INDEX statements of these tables, compiled for SQLite: what schema.sql holds
    (`database.schema_statements`). SQLAlchemy compiles them but never connects."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return statements
