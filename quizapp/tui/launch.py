"""From settings to a running review app: open the database, sync the deck folders, run."""

from __future__ import annotations

import atexit
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from quizapp.config import Settings, load_settings
from quizapp.errors import DeckProblem, QuizError
from quizapp.scheduling import ReviewScheduler
from quizapp.store.backup import backup_if_due
from quizapp.store.catalog import DeckInfo, deck_infos
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks


@dataclass
class Library:
    """What the app reviews: the database, the scheduler and the synced decks."""

    db: Database
    scheduler: ReviewScheduler
    decks: list[DeckInfo]
    problems: list[DeckProblem]


def open_library(settings: Settings) -> Library:
    """Open the database and sync the deck folders; broken deck files are skipped and reported."""
    db = open_database(settings.db_path)
    report = sync_decks(db, settings.deck_paths, datetime.now(UTC), skip_invalid=True)
    scheduler = ReviewScheduler(db, settings.scheduler, settings.review)
    return Library(db, scheduler, deck_infos(db, report.deck_ids), report.problems)


def _start_daily_backup(settings: Settings) -> None:
    """The daily backup runs beside the UI; a failure is reported on stderr after the app exits."""

    def run() -> None:
        try:
            backup_if_due(settings.db_path, datetime.now(UTC))
        except QuizError as e:
            atexit.register(print, f"quizapp: daily backup failed: {e.message}", file=sys.stderr)

    threading.Thread(target=run, name="daily-backup", daemon=True).start()


def run_review(*, db: str | None, decks: list[str] | None, deck: str | None, topic: str | None) -> int:
    """Run the TUI until the user quits."""
    from quizapp.tui.app import QuizApp

    settings = load_settings(db, decks)
    library = open_library(settings)
    _start_daily_backup(settings)
    try:
        app = QuizApp(library, deck=deck, topic=topic)
        app.run()
    finally:
        library.db.close()
    return app.return_code or 0
