"""From settings to a running review app: open the database, sync the deck folders, run."""

from __future__ import annotations

import atexit
import contextlib
import sys
import threading
from datetime import UTC, datetime

from quizapp import collector
from quizapp.config import Settings, load_settings
from quizapp.errors import QuizError
from quizapp.library import open_library
from quizapp.store import tallied
from quizapp.store.backup import backup_if_due
from quizapp.tui.start import Start


class NoTerminal(QuizError):
    """The review was started without a terminal (input from a file or /dev/null, output to a pipe)."""

    exit_code = 2


def _start_daily_backup(settings: Settings) -> None:
    """The daily backup runs beside the UI; a failure is reported on stderr after the app exits."""

    def run() -> None:
        try:
            backup_if_due(settings.db_path, datetime.now(UTC))
        except QuizError as e:
            atexit.register(print, f"quizapp: daily backup failed: {e.message}", file=sys.stderr)

    threading.Thread(target=run, name="daily-backup", daemon=True).start()


def run_review(*, db: str | None, decks: list[str] | None, start: Start | None = None) -> int:
    """Run the TUI until the user quits."""
    from quizapp.tui.app import QuizApp

    settings = load_settings(db, decks)
    library = open_library(settings)
    try:
        start = start or Start()
        if start.topic:
            library.check_topic(start.topic)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise NoTerminal("the review needs a terminal for its input and output; `quizapp --help` lists commands")
        _start_daily_backup(settings)
        app = QuizApp(library, start=start, mock=settings.mock)
        app.run()
    finally:
        collector.resume_after_start()  # if the app never painted its first screen
        with contextlib.suppress(QuizError):  # the next reader catches up anyway
            tallied.bring_up_to_date(library.db)  # so a reader that can only read finds the sitting counted
        library.db.close()
    return app.return_code or 0
