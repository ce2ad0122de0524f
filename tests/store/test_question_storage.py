"""A question is stored once, however many cards it has: a cloze question with thousands of deletions
takes the room of its text, in a new database and in one upgraded from schema 1."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from quizapp.cli import main
from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.decks.questions import FollowUp
from quizapp.scheduling import ReviewScheduler
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks
from tests.conftest import DATA, MINI_DECKS, Clock, check_consistent

SCHEMA_1 = DATA / "schema-1.db"
KB = 1024


def cloze_deck(path: Path, size: int, deletions: int) -> Path:
    """A deck file of about `size` bytes: one cloze question with `deletions` deletions."""
    head = "format: 1\ndeck: big\ntitle: Big\ntopic: t\nquestions:\n  - id: q\n    type: cloze\n    text: |\n      "
    marks = [f"{{{{c{n}::w}}}}" for n in range(1, deletions + 1)]
    filler = "y" * ((size - len(head) - sum(len(m) + 1 for m in marks)) // deletions)
    path.write_text(head + " ".join(filler + m for m in marks) + "\n", encoding="utf-8")
    assert size - deletions <= path.stat().st_size <= size
    return path


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def scheduler_for(db: Database, clock: Clock) -> ReviewScheduler:
    return ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock)


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    target = tmp_path / "quizapp.db"
    shutil.copy(SCHEMA_1, target)
    return target


@pytest.mark.parametrize("size_kb", [48, 100])
def test_a_cloze_question_with_3000_deletions_takes_the_room_of_its_text(
    tmp_path: Path, clock: Clock, size_kb: int
) -> None:
    deck = cloze_deck(tmp_path / "big.yaml", size_kb * KB, 3000)
    db = open_database(tmp_path / "q.db")
    try:
        assert sync_decks(db, [deck], clock()).added == 3000
        card = scheduler_for(db, clock).next_card()
        assert card is not None and card.cloze == 1 and card.question.text.startswith("yyy")  # type: ignore[union-attr]
    finally:
        db.close()
    # A copy of the question per card made 149 MB of 48 KB, 309 MB of 100 KB.
    assert db.path.stat().st_size < 1_000_000
    ((questions, stored),) = rows(db.path, "SELECT count(*), sum(length(content)) FROM question")
    assert questions == 1 and stored < size_kb * KB


def _normalised(sql: str | None) -> str | None:
    """A statement with whitespace only between words, so that how SQLite spliced an ALTER TABLE into it
    does not count."""
    return None if sql is None else re.sub(r"\s*([(),])\s*", r"\1", " ".join(sql.split()))


def _schema(path: Path) -> set[tuple[object, ...]]:
    return {
        (kind, name, table, _normalised(sql))
        for kind, name, table, sql in rows(path, "SELECT type, name, tbl_name, sql FROM sqlite_master")
    }


def test_an_upgraded_database_has_the_schema_of_a_new_one(old_db: Path, tmp_path: Path) -> None:
    open_database(old_db).close()
    open_database(tmp_path / "new.db").close()
    assert _schema(old_db) == _schema(tmp_path / "new.db")


def test_upgrade_keeps_one_copy_per_question_taken_from_an_active_card(old_db: Path, clock: Clock) -> None:
    stale = json.dumps({"id": "cfg-formula", "type": "cloze", "topic": "t", "text": "before {{c2::an edit}}"})
    with closing(sqlite3.connect(old_db)) as conn, conn:
        # c2 (a newer card than c1) was retired with its deletion, so its copy is older than c1's
        conn.execute("UPDATE card SET retired = 1, content = ? WHERE uid = 'mini/cfg-formula#c2'", (stale,))
        conn.execute("UPDATE card SET retired = 1 WHERE uid = 'mini/cjk-noise'")  # every card retired
    current = dict(rows(old_db, "SELECT question_id, content FROM card WHERE uid != 'mini/cfg-formula#c2'"))
    db = open_database(old_db)
    try:
        ((c2,),) = rows(old_db, "SELECT id FROM card WHERE uid = 'mini/cfg-formula#c2'")
        assert scheduler_for(db, clock).card(c2).question.text.startswith("Classifier-free guidance")  # type: ignore[union-attr]
    finally:
        db.close()
    assert dict(rows(old_db, "SELECT question_id, content FROM question")) == current
    check_consistent(old_db)
    assert not {"content", "content_hash"} & {column for _, column, *_ in rows(old_db, "PRAGMA table_info(card)")}


def test_upgrading_a_database_bloated_by_copies_gives_the_space_back(old_db: Path) -> None:
    text = " ".join(f"{'y' * 8}{{{{c{n}::w}}}}" for n in range(1, 1001))
    content = json.dumps({"id": "big", "type": "cloze", "topic": "t", "text": text})
    with closing(sqlite3.connect(old_db)) as conn, conn:
        conn.executemany(
            "INSERT INTO card (uid, deck_id, question_id, cloze, kind, topic, position, content, content_hash, state,"
            " suspended, retired, created_at) VALUES (?, 'mini', 'big', ?, 'cloze', 't', ?, ?, 'h', 0, 0, 0, '')",
            [(f"mini/big#c{n}", n, 100 + n, content) for n in range(1, 1001)],
        )
    assert old_db.stat().st_size > 15_000_000
    open_database(old_db).close()
    assert old_db.stat().st_size < 1_000_000
    assert rows(old_db, "SELECT count(*) FROM card WHERE question_id = 'big'") == [(1000,)]
    assert rows(old_db, "SELECT content FROM question WHERE question_id = 'big'") == [(content,)]


def _edit(deck: Path, old: str, new: str) -> None:
    text = deck.read_text(encoding="utf-8")
    assert old in text
    deck.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edited_deletion_counts_every_card_of_its_question_as_updated_as_before(
    db: Database, deck_dir: Path, clock: Clock
) -> None:
    deck = deck_dir / "mini.yaml"
    sync_decks(db, [deck_dir], clock())
    _edit(deck, "{{c2::guidance scale}}", "{{c2::guidance weight}}")
    report = sync_decks(db, [deck_dir], clock())
    assert (report.updated, report.retired, report.revived) == (2, 0, 0)
    _edit(deck, "{{c2::guidance weight}}", "guidance weight")
    report = sync_decks(db, [deck_dir], clock())
    assert (report.updated, report.retired, report.retired_questions) == (1, 1, {"mini/cfg-formula#c2": 0})
    _edit(deck, "is the guidance weight", "is the {{c2::guidance weight}}")
    report = sync_decks(db, [deck_dir], clock())
    assert (report.updated, report.retired, report.revived) == (1, 0, 1)
    assert rows(db.path, "SELECT count(*) FROM question WHERE question_id = 'cfg-formula'") == [(1,)]


def test_a_question_renamed_with_renamed_from_leaves_no_row_behind(db: Database, deck_dir: Path, clock: Clock) -> None:
    sync_decks(db, [deck_dir], clock())
    _edit(
        deck_dir / "mini.yaml",
        "  - id: forward-closed-form\n",
        "  - id: forward-process\n    renamed_from: [forward-closed-form]\n",
    )
    assert sync_decks(db, [deck_dir], clock()).renamed == 1
    questions = {question_id for (question_id,) in rows(db.path, "SELECT question_id FROM question")}
    assert questions == {"forward-process", "adaln-zero-gate", "cfg-formula", "select-all-efficient", "cjk-noise"}
    check_consistent(db.path)


def test_a_renamed_deck_takes_its_questions_along(db: Database, tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "net.yaml"
    text = (MINI_DECKS / "mini.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("deck: mini", "deck: net"), encoding="utf-8")
    sync_decks(db, [path], clock())
    path.write_text(text.replace("deck: mini", "deck: vision"), encoding="utf-8")
    assert sync_decks(db, [path], clock()).renamed_decks == [("net", "vision", path)]
    assert rows(db.path, "SELECT deck_id, count(*) FROM question GROUP BY deck_id") == [("vision", 5)]
    card = scheduler_for(db, clock).next_card()
    assert card is not None and card.deck_id == "vision" and card.question.id == "forward-closed-form"
    check_consistent(db.path)


def test_follow_up_links_reach_the_card_through_the_database(db: Database, tmp_path: Path, clock: Clock) -> None:
    deck = tmp_path / "dit.yaml"
    deck.write_text(
        "format: 1\ndeck: dit\nquestions:\n"
        "  - id: gate\n    prompt: Why zero gates?\n    answer: identity at init\n"
        "    follow_ups: [{question: final}, {question: sd/mmdit, text: And SD3?}, Why is the final layer zeroed]\n"
        "  - id: final\n    prompt: Why is the final layer zeroed?\n    answer: so the output starts at 0\n",
        encoding="utf-8",
    )
    sync_decks(db, [deck], clock())
    card = scheduler_for(db, clock).next_card()
    assert card is not None and card.question.id == "gate"
    assert card.question.follow_ups == (
        FollowUp("", "dit/final"),
        FollowUp("And SD3?", "sd/mmdit"),
        FollowUp("Why is the final layer zeroed", "dit/final"),
    )


def test_lint_with_db_reads_a_database_not_upgraded_yet(
    old_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "mini.yaml"
    deck.write_bytes((MINI_DECKS / "mini.yaml").read_bytes())
    _edit(deck, "id: forward-closed-form", "id: forward-marginal")
    before = old_db.read_bytes()
    assert main(["lint", "--db", str(old_db), str(deck)]) == 1
    assert "question 'forward-marginal' looks like a rename of 'forward-closed-form'" in capsys.readouterr().out
    assert old_db.read_bytes() == before
