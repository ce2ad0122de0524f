"""One deck id, one file: a second file cannot take over a deck id; a file that changes its deck id renames the deck."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.errors import DeckError
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from tests.conftest import MINI_DECKS, Clock


def rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.read() as conn:
        return conn.execute(sql).fetchall()


def answered(db: Database, clock: Clock) -> str:
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock)
    card = scheduler.next_card()
    assert card is not None
    scheduler.answer(card.id, Grade.Good)
    return card.uid


def mini_at(path: Path, deck_id: str = "mini") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (MINI_DECKS / "mini.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("deck: mini", f"deck: {deck_id}"), encoding="utf-8")
    return path


def test_a_second_file_with_a_used_deck_id_is_an_error_naming_both(db: Database, tmp_path: Path, clock: Clock) -> None:
    first = mini_at(tmp_path / "a" / "net.yaml")
    sync_decks(db, [first], clock())
    uid = answered(db, clock)
    second = mini_at(tmp_path / "b" / "net.yaml")
    with pytest.raises(DeckError) as error:
        sync_decks(db, [second], clock())
    assert str(error.value) == (
        f"{second}:1:1: duplicate deck id 'mini': also used by {first} (give one of them another deck id)"
    )
    assert rows(db, "SELECT count(*) FROM card WHERE retired = 1") == [(0,)]
    assert rows(db, "SELECT source_path FROM deck") == [(str(first),)]
    report = sync_decks(db, [second], clock(), skip_invalid=True)  # the TUI's start skips it and says why
    assert report.deck_ids == [] and len(report.problems) == 1
    assert rows(db, f"SELECT retired FROM card WHERE uid = '{uid}'") == [(0,)]


def test_a_deck_file_moved_elsewhere_keeps_its_history(db: Database, tmp_path: Path, clock: Clock) -> None:
    first = mini_at(tmp_path / "a" / "net.yaml")
    sync_decks(db, [first], clock())
    uid = answered(db, clock)
    second = mini_at(tmp_path / "b" / "net.yaml")
    first.unlink()
    report = sync_decks(db, [second], clock())
    assert report.retired == 0
    assert rows(db, "SELECT source_path FROM deck") == [(str(second),)]
    assert rows(db, f"SELECT count(*) FROM review r JOIN card c ON c.id = r.card_id WHERE c.uid = '{uid}'") == [(1,)]


def test_a_deck_id_changed_in_its_file_is_a_rename_that_keeps_history(
    db: Database, tmp_path: Path, clock: Clock
) -> None:
    path = mini_at(tmp_path / "net.yaml", "net")
    sync_decks(db, [path], clock())
    uid = answered(db, clock)
    mini_at(path, "vision")
    report = sync_decks(db, [path], clock())
    assert report.renamed_decks == [("net", "vision", path)]
    assert f"deck net renamed to vision (its file {path} now says deck: vision)" in report.summary()
    assert (report.added, report.retired) == (0, 0)
    new_uid = "vision/" + uid.removeprefix("net/")
    assert rows(db, f"SELECT count(*) FROM review r JOIN card c ON c.id = r.card_id WHERE c.uid = '{new_uid}'") == [
        (1,)
    ]
    assert rows(db, "SELECT count(*) FROM card WHERE deck_id = 'net' AND retired = 0") == [(0,)]
    assert rows(db, f"SELECT id FROM deck WHERE source_path = '{path}'") == [("vision",)]
    again = sync_decks(db, [path], clock())
    assert again.files_skipped == 1 and again.deck_ids == ["vision"]
