"""What a session studies: the database, the scheduler and the synced decks, opened from the settings."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from quizapp.config import Settings, in_force
from quizapp.days import study_day
from quizapp.errors import DeckProblem, QuizError
from quizapp.scheduling import ReviewScheduler
from quizapp.store.catalog import DeckInfo, deck_infos, topic_counts
from quizapp.store.connection import named
from quizapp.store.database import Database, open_database
from quizapp.store.fits import parameters_in_use
from quizapp.store.sync import sync_decks


@dataclass
class Library:
    """What the app reviews: the database, the scheduler and the synced decks."""

    db: Database
    scheduler: ReviewScheduler
    decks: list[DeckInfo]
    problems: list[DeckProblem]
    kept: frozenset[str] = frozenset()  # decks whose file has problems: their last good version is reviewed

    def topics(self) -> list[tuple[str, int]]:
        """Every topic of the synced decks with its number of cards, sorted."""
        return topic_counts(self.db, [d.id for d in self.decks])

    def check_topic(self, topic: str) -> None:
        """Raise unless `topic` is a topic of the decks or a prefix of some (`diffusion` covers `diffusion/dit`).

        Raises:
            QuizError: naming the unknown topic and the closest known ones.
        """
        wanted = topic.rstrip("/")
        known = [name for name, _ in self.topics()]
        if any(name == wanted or name.startswith(wanted + "/") for name in known):
            return
        close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownTopic(f"no topic {topic!r} in these decks{hint} (`quizapp topics` lists them)")


_SYNCED_DECKS = "SELECT id, source_path FROM deck WHERE file_hash != ''"  # a deck retired with its file has no hash


class UnknownTopic(QuizError):
    """`--topic` names a topic no deck has."""

    exit_code = 2


def open_library(settings: Settings) -> Library:
    """Open the database and sync the deck folders; broken deck files are skipped and reported.

    A database that can be read but not written (a read-only file or folder) is opened for browsing:
    nothing is synced, the decks are those last synced from these folders, and `db.read_only` says why.
    """
    db = open_database(settings.db_path, allow_read_only=True)
    if db.read_only is None:
        report = sync_decks(db, settings.deck_paths, datetime.now(UTC), skip_invalid=True)
        deck_ids, problems, kept = [*report.deck_ids, *report.kept_ids], report.problems, report.kept_ids
    else:
        deck_ids, problems, kept = _synced_from(db, settings.deck_paths), [], []
    today = study_day(datetime.now(UTC), settings.review.day_start_hour)
    planned = in_force(settings, today)  # `quizapp plan --apply`'s, until the interview
    fitted = replace(planned.scheduler, parameters=parameters_in_use(db))  # `quizapp optimize`'s, if any
    scheduler = ReviewScheduler(db, fitted, planned.review)
    return Library(db, scheduler, deck_infos(db, deck_ids), problems, frozenset(kept))


def _synced_from(db: Database, paths: Sequence[Path]) -> list[str]:
    """The decks last synced from files under `paths` and not retired since (what a sync would list)."""
    roots = [p.resolve() for p in paths]
    with db.read() as conn:
        rows = named(conn).execute(_SYNCED_DECKS).fetchall()
    return [row["id"] for row in rows if any(Path(row["source_path"]).is_relative_to(r) for r in roots)]
