"""An id renamed without `renamed_from` must not retire reviews silently: lint --db warns first, import says so."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.decks.cards import card_specs
from quizapp.decks.loader import load_decks
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import open_database
from quizapp.store.renames import QuestionFace, pair_renames
from tests.conftest import MINI_DECKS, Clock

RENAME = ("id: forward-closed-form", "id: forward-marginal")
PROMPT_EDIT = ("Write the closed form of", "Give the closed form of")
RENAMED_FROM = ("id: forward-marginal\n", "id: forward-marginal\n    renamed_from: [forward-closed-form]\n")
CJK_NOISE = "  - id: cjk-noise\n"


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the mini deck, with QUIZAPP_HOME in tmp_path."""
    monkeypatch.setenv("QUIZAPP_HOME", str(tmp_path))
    target = tmp_path / "decks" / "mini.yaml"
    target.parent.mkdir()
    target.write_bytes((MINI_DECKS / "mini.yaml").read_bytes())
    return target


def _import_and_review(db: Path, deck: Path, clock: Clock) -> None:
    """Import the deck, then review forward-closed-form twice and cjk-noise once."""
    assert main(["--db", str(db), "import", str(deck)]) == 0
    database = open_database(db)
    try:
        scheduler = ReviewScheduler(database, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock)
        with database.read() as conn:
            ids = dict(conn.execute("SELECT uid, id FROM card"))
        for uid in ("mini/forward-closed-form", "mini/forward-closed-form", "mini/cjk-noise"):
            scheduler.answer(ids[uid], Grade.Good)
            clock.advance(days=1)
    finally:
        database.close()


def _edit(deck: Path, *replacements: tuple[str, str]) -> None:
    text = deck.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    deck.write_text(text, encoding="utf-8")


def _remove_cjk_noise(deck: Path) -> None:
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text[: text.index(CJK_NOISE)], encoding="utf-8")


@pytest.fixture
def reviewed(tmp_path: Path, deck: Path, clock: Clock) -> Path:
    """A database holding the mini deck with three reviews; returns its path."""
    db = tmp_path / "q.db"
    _import_and_review(db, deck, clock)
    return db


def test_lint_with_db_warns_at_the_new_id_of_an_unmarked_rename(
    reviewed: Path, deck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(deck, RENAME, PROMPT_EDIT)
    capsys.readouterr()
    assert main(["lint", "--db", str(reviewed), str(deck)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{deck}:10:9: question 'forward-marginal' looks like a rename of 'forward-closed-form' "
        "(its 2 reviews would be retired): add `renamed_from: [forward-closed-form]`"
    ]
    assert err == "1 warning(s): importing would retire reviewed questions\n"


def test_lint_with_db_warns_of_a_reviewed_question_gone(
    reviewed: Path, deck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _remove_cjk_noise(deck)
    capsys.readouterr()
    assert main(["lint", "--db", str(reviewed), str(deck)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{deck}:9:1: question 'cjk-noise' is gone: its 1 review will be retired on import"
    ]


def test_lint_with_db_accepts_a_rename_given_renamed_from(
    reviewed: Path, deck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(deck, RENAME, PROMPT_EDIT, RENAMED_FROM)
    capsys.readouterr()
    assert main(["lint", "--db", str(reviewed), str(deck)]) == 0
    assert capsys.readouterr().out == "1 deck(s), 5 questions, 6 cards: no problems\n"


def test_lint_without_db_reads_no_database(
    tmp_path: Path, deck: Path, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not even the default database, which here holds the reviews the rename would retire."""
    _import_and_review(tmp_path / "quizapp.db", deck, clock)
    _edit(deck, RENAME, PROMPT_EDIT)
    capsys.readouterr()
    assert main(["lint", str(deck)]) == 0
    assert capsys.readouterr().out == "1 deck(s), 5 questions, 6 cards: no problems\n"


def test_lint_checks_against_quizapp_db_from_the_environment(
    reviewed: Path, deck: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZAPP_DB", str(reviewed))
    _edit(deck, RENAME, PROMPT_EDIT)
    assert main(["lint", str(deck)]) == 1
    assert "looks like a rename of 'forward-closed-form'" in capsys.readouterr().out


def test_lint_reads_a_database_whose_path_has_uri_characters(
    tmp_path: Path, deck: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _import_and_review(tmp_path / "q.db", deck, clock)
    folder = tmp_path / "a?b#c%20 d"
    folder.mkdir()
    (tmp_path / "q.db").rename(folder / "q.db")
    _edit(deck, RENAME, PROMPT_EDIT)
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "--db", "a?b#c%20 d/q.db", str(deck)]) == 1
    assert "looks like a rename of 'forward-closed-form'" in capsys.readouterr().out


def test_lint_warns_when_renamed_from_names_an_id_the_database_already_has(
    tmp_path: Path, deck: Path, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """renamed_from carries history only to a new id: to one synced before, the old id's reviews are retired."""
    db = tmp_path / "q.db"
    placeholder = "  - id: forward-marginal\n    prompt: Placeholder.\n    answer: A.\n"
    _edit(deck, ("  - id: adaln-zero-gate\n", placeholder + "  - id: adaln-zero-gate\n"))
    _import_and_review(db, deck, clock)
    _edit(deck, (placeholder, ""))
    assert main(["--db", str(db), "import", str(deck)]) == 0  # retires forward-marginal
    _edit(deck, RENAME, RENAMED_FROM)
    capsys.readouterr()
    assert main(["lint", "--db", str(db), str(deck)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{deck}:9:1: question 'forward-closed-form' is gone: its 2 reviews will be retired on import"
    ]
    assert main(["--db", str(db), "import", str(deck)]) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT retired FROM card WHERE uid = 'mini/forward-closed-form'").fetchone() == (1,)


@pytest.mark.parametrize("kind", ["missing", "folder", "deck file", "other sqlite", "empty"])
def test_lint_with_a_wrong_db_is_one_line_and_exit_2(
    tmp_path: Path, deck: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = {"missing": tmp_path / "none.db", "folder": tmp_path, "deck file": deck}.get(kind, tmp_path / "x.db")
    if kind == "other sqlite":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE t (x)")
    elif kind == "empty":
        db.write_bytes(b"")
    assert main(["lint", "--db", str(db), str(deck)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("quizapp: ") and err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()


def test_lint_with_db_imports_neither_textual_nor_sqlalchemy(reviewed: Path, deck: Path) -> None:
    code = (
        "import sys; from quizapp.cli import main\n"
        f"code = main(['lint', '--db', {str(reviewed)!r}, {str(deck)!r}])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlalchemy', 'sqlmodel', 'fsrs'})\n"
        "print('HEAVY', code, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.splitlines()[-1] == "HEAVY 0 []"


def test_import_summary_names_what_it_retired_and_the_likely_rename(
    reviewed: Path, deck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(deck, RENAME, PROMPT_EDIT)
    _edit(deck, ("  - id: adaln-zero-gate\n", "  - id: adaln-gate\n"))
    _remove_cjk_noise(deck)
    capsys.readouterr()
    assert main(["--db", str(reviewed), "import", str(deck)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 decks (1 loaded, 0 unchanged): 2 added, 0 updated, 0 renamed, 3 retired, 0 revived",
        "retired: mini/forward-closed-form (2 reviews), mini/adaln-zero-gate, mini/cjk-noise (1 review)",
        "mini/forward-marginal looks like a rename of mini/forward-closed-form: to keep its 2 reviews, restore a"
        " backup from before this import (quizapp restore FILE) and add `renamed_from: [forward-closed-form]` to"
        " forward-marginal, or change the id back to forward-closed-form; then import again",
    ]


def test_import_summary_with_renamed_from_reports_a_rename_only(
    reviewed: Path, deck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(deck, RENAME, PROMPT_EDIT, RENAMED_FROM)
    capsys.readouterr()
    assert main(["--db", str(reviewed), "import", str(deck)]) == 0
    assert (
        capsys.readouterr().out
        == "1 decks (1 loaded, 0 unchanged): 0 added, 0 updated, 1 renamed, 0 retired, 0 revived\n"
    )


def _faces(paths: list[Path]) -> dict[str, list[QuestionFace]]:
    """Each deck's questions, as sync and lint compare them."""
    faces: dict[str, list[QuestionFace]] = {}
    for loaded in load_decks(paths):
        seen: dict[str, QuestionFace] = {}
        for spec in card_specs(loaded.deck):
            seen.setdefault(spec.question_id, QuestionFace.from_content(spec.question_id, spec.content))
        faces[loaded.deck.deck] = list(seen.values())
    return faces


def test_no_two_bundled_questions_look_like_a_rename() -> None:
    """Within a deck, where a rename would be looked for, distinct questions are not taken for each other."""
    from quizapp.config import bundled_decks_dir

    for deck_id, faces in _faces([bundled_decks_dir()]).items():
        for i, face in enumerate(faces):
            assert pair_renames([face], faces[:i] + faces[i + 1 :]) == {}, (deck_id, face.question_id)


def test_each_new_id_is_paired_with_the_most_alike_old_one() -> None:
    (faces,) = _faces([MINI_DECKS]).values()
    forward = next(f for f in faces if f.question_id == "forward-closed-form")
    reworded = QuestionFace("forward-marginal", "open", forward.words[:-4] + ("in", "ddpm", "?"))
    shorter = QuestionFace("forward-closed-form-v0", "open", forward.words[: len(forward.words) * 2 // 3])
    assert pair_renames([shorter, forward], [reworded]) == {"forward-closed-form": "forward-marginal"}
    assert pair_renames([forward], [QuestionFace("x", "cloze", forward.words)]) == {}
