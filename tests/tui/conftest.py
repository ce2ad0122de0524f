"""A QuizApp over the mini deck with a fixed clock and no fuzz, for Pilot and snapshot tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.library import Library
from quizapp.scheduling import ReviewScheduler
from quizapp.store.catalog import deck_infos
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from quizapp.tui.app import QuizApp
from tests.conftest import Clock


@pytest.fixture
def make_app(db: Database, deck_dir: Path, clock: Clock) -> Callable[..., QuizApp]:
    def factory(**kwargs: object) -> QuizApp:
        report = sync_decks(db, [deck_dir], clock())
        scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
        library = Library(db, scheduler, deck_infos(db, report.deck_ids), report.problems)
        return QuizApp(library, **kwargs)  # type: ignore[arg-type]

    return factory


async def settle(pilot: Pilot[int]) -> None:
    """Wait for the writes under way (on the scheduler thread) and for the screen they leave."""
    while pilot.app.workers:
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
