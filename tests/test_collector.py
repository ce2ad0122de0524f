"""The garbage collector is held off while decks are parsed and while the TUI starts, and is back after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp import collector
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from tests.conftest import START

pytestmark = pytest.mark.usefixtures("collector_restored")


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that starts while the test runs."""
    started: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(note)
    yield started
    gc.callbacks.remove(note)


def write_deck(folder: Path, questions: int) -> Path:
    folder.mkdir()
    body = "".join(
        f"  - id: q{i}\n    prompt: What does step {i} add?\n    answer: Noise {i}.\n" for i in range(questions)
    )
    (folder / "big.yaml").write_text(f"format: 1\ndeck: big\nquestions:\n{body}", encoding="utf-8")
    return folder


def test_a_sync_runs_no_collection_and_leaves_the_collector_on(
    db: Database, tmp_path: Path, collections: list[int]
) -> None:
    decks = write_deck(tmp_path / "decks", 2_000)
    gc.collect()
    collections.clear()
    report = sync_decks(db, [decks], START)
    assert report.added == 2_000
    assert len(collections) <= 1  # the one that the allocations since run when it is back on (dozens without)
    assert gc.isenabled()
    [object() for _ in range(10)]
    gc.collect()
    assert collections  # the callback sees collections: the check above is not vacuous


def test_a_sync_leaves_a_collector_that_was_off_off(db: Database, tmp_path: Path) -> None:
    gc.disable()
    sync_decks(db, [write_deck(tmp_path / "decks", 10)], START)
    assert not gc.isenabled()


def test_held_off_restores_the_collector_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector.held_off():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_resume_without_a_pause_changes_nothing() -> None:
    frozen = gc.get_freeze_count()
    collector.resume_after_start()
    assert gc.isenabled() and gc.get_freeze_count() == frozen
