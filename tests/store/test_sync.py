"""Syncing deck files: history survives edits and renames, removals retire, errors write nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from quizapp.errors import DeckError, StorageError
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import open_database
from quizapp.store.migrations import SCHEMA_VERSION
from quizapp.store.sync import sync_decks
from tests.conftest import Clock


def cards(db) -> dict[str, tuple[int, bool, str]]:  # type: ignore[no-untyped-def]
    with db.read() as conn:
        rows = conn.execute(
            "SELECT c.uid, c.id, c.retired, q.content FROM card c"
            " JOIN question q ON q.deck_id = c.deck_id AND q.question_id = c.question_id"
        )
        return {uid: (id_, bool(retired), content) for uid, id_, retired, content in rows}


def review_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as conn:
        return int(conn.execute("SELECT count(*) FROM review").fetchone()[0])


def answer_first(scheduler: ReviewScheduler) -> int:
    card = scheduler.next_card()
    assert card is not None
    scheduler.answer(card.id, Grade.Good)
    return card.id


def test_first_sync_adds_every_card(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    report = sync_decks(db, [deck_dir], clock())
    assert (report.added, report.files_loaded, report.deck_ids) == (6, 1, ["mini"])
    assert set(cards(db)) >= {"mini/cfg-formula#c1", "mini/cfg-formula#c2"}


def test_unchanged_files_are_skipped(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    sync_decks(db, [deck_dir], clock())
    again = sync_decks(db, [deck_dir], clock())
    assert (again.files_skipped, again.files_loaded, again.added, again.deck_ids) == (1, 0, 0, ["mini"])


def _age(path: Path, seconds: float = 60) -> None:
    """Date the file back, so its mtime is trusted (a just-written file may change within the same tick)."""
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_file_with_the_stat_of_its_last_sync_is_not_even_read(
    db, deck_dir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    deck = deck_dir / "mini.yaml"
    _age(deck)
    sync_decks(db, [deck_dir], clock())
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}") if self == deck else read(self))
    again = sync_decks(db, [deck_dir], clock())
    assert (again.files_skipped, again.files_loaded, again.deck_ids) == (1, 0, ["mini"])


def test_touched_file_is_hashed_then_its_new_stat_kept(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    deck = deck_dir / "mini.yaml"
    sync_decks(db, [deck_dir], clock())
    with db.read() as conn:
        assert conn.execute("SELECT file_stat FROM deck").fetchone() == ("",)  # too recent to be trusted
    _age(deck)
    assert sync_decks(db, [deck_dir], clock()).files_skipped == 1  # same content: hashed, not parsed
    with db.read() as conn:
        (stat,) = conn.execute("SELECT file_stat FROM deck").fetchone()
    assert stat == f"{deck.stat().st_size}:{deck.stat().st_mtime_ns}"


def test_edit_with_an_old_mtime_is_still_seen(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    deck = deck_dir / "mini.yaml"
    _age(deck, 120)
    sync_decks(db, [deck_dir], clock())
    deck.write_text(deck.read_text().replace("Write the closed form", "State the closed form"))
    _age(deck, 60)  # an editor or a checkout can set any mtime; a different one is enough
    assert sync_decks(db, [deck_dir], clock()).updated == 1


def test_parallel_parsing_gives_what_serial_parsing_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.generate import write_decks
    from quizapp.decks import batch

    files = write_decks(tmp_path / "decks", 300, per_file=100)
    items = [(path, path.read_bytes()) for path in files]
    items.append((tmp_path / "broken.yaml", b"format: 1\ndeck: broken\nquestions: [{id: x}]\n"))
    serial = batch.prepare_all(items)
    monkeypatch.setattr(batch, "PARALLEL_MIN_BYTES", 0)
    assert batch._workers(items) == min(len(items), os.cpu_count() or 1)
    assert batch.prepare_all(items) == serial
    assert len(serial[0]) == 3 and serial[1] and all(p.path.name == "broken.yaml" for p in serial[1])


def test_edit_keeps_history(scheduler: ReviewScheduler, db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    card_id = answer_first(scheduler)
    deck = deck_dir / "mini.yaml"
    deck.write_text(deck.read_text().replace("Write the closed form", "State the closed form"))
    report = sync_decks(db, [deck_dir], clock())
    assert report.updated == 1
    uid_id, retired, content = cards(db)["mini/forward-closed-form"]
    assert (uid_id, retired) == (card_id, False) and "State the closed form" in content
    assert review_count(db) == 1


def test_removed_question_is_retired_and_revived_when_back(
    scheduler: ReviewScheduler, db, deck_dir: Path, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    answer_first(scheduler)
    deck = deck_dir / "mini.yaml"
    original = deck.read_text()
    start = original.index("  - id: forward-closed-form")
    end = original.index("  - id: adaln-zero-gate")
    deck.write_text(original[:start] + original[end:])
    assert sync_decks(db, [deck_dir], clock()).retired == 1
    assert cards(db)["mini/forward-closed-form"][1] is True
    assert scheduler.next_card() is not None and scheduler.next_card().uid != "mini/forward-closed-form"  # type: ignore[union-attr]
    assert review_count(db) == 1
    deck.write_text(original)
    assert sync_decks(db, [deck_dir], clock()).revived == 1
    assert cards(db)["mini/forward-closed-form"][1] is False


def test_renamed_from_carries_history(scheduler: ReviewScheduler, db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    card_id = answer_first(scheduler)
    deck = deck_dir / "mini.yaml"
    deck.write_text(
        deck.read_text().replace(
            "  - id: forward-closed-form\n", "  - id: forward-process\n    renamed_from: [forward-closed-form]\n"
        )
    )
    report = sync_decks(db, [deck_dir], clock())
    assert (report.renamed, report.added, report.retired) == (1, 0, 0)
    now = cards(db)
    assert "mini/forward-closed-form" not in now and now["mini/forward-process"][0] == card_id


def test_error_in_any_file_writes_nothing(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    (deck_dir / "broken.yaml").write_text("format: 1\ndeck: broken\nquestions:\n  - id: x\n    prompt: p\n")
    with pytest.raises(DeckError) as info:
        sync_decks(db, [deck_dir], clock())
    assert "broken.yaml:4:5: missing answer: an open question needs its model answer" in str(info.value)
    assert cards(db) == {}


def test_skip_invalid_syncs_the_good_files_and_reports_the_bad(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    (deck_dir / "broken.yaml").write_text("format: 1\ndeck: broken\nquestions: [\n")
    report = sync_decks(db, [deck_dir], clock(), skip_invalid=True)
    assert report.deck_ids == ["mini"] and len(report.problems) == 1 and len(cards(db)) == 6


def test_deleted_deck_file_retires_its_cards(db, deck_dir: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    sync_decks(db, [deck_dir], clock())
    (deck_dir / "mini.yaml").unlink()
    report = sync_decks(db, [deck_dir], clock())
    assert report.retired == 6 and report.deck_ids == []
    assert all(retired for _, retired, _ in cards(db).values())


def test_database_is_wal_with_a_schema_version_once_the_decks_are_in(
    tmp_path: Path, deck_dir: Path, clock: Clock
) -> None:
    db = open_database(tmp_path / "q.db")
    sync_decks(db, [deck_dir], clock())
    with db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    db.close()


def test_foreign_or_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (x)")
    before = foreign.read_bytes()
    with pytest.raises(StorageError, match="not a quizapp one"):
        open_database(foreign)
    assert foreign.read_bytes() == before

    newer = tmp_path / "newer.db"
    open_database(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(StorageError, match="newer quizapp"):
        open_database(newer)

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError):
        open_database(garbage)
    assert garbage.read_bytes() == b"not a database at all" * 100
