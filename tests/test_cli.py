"""The command line as a user runs it: real subprocesses, exit codes, no tracebacks, light start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.store.migrations import SCHEMA_VERSION
from tests.conftest import BROKEN_DECKS, DATA, MINI_DECKS


def quizapp(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizapp", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QUIZAPP_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )


def test_lint_broken_folder_prints_positions_and_no_traceback(tmp_path: Path) -> None:
    result = quizapp("lint", str(BROKEN_DECKS), home=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "Traceback" not in result.stdout + result.stderr
    files = {line.split(":")[0] for line in lines}
    assert files == {str(p) for p in BROKEN_DECKS.glob("*.yaml") if p.name != "dup-deck-a.yaml"}
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)


def test_lint_clean_exits_zero(tmp_path: Path) -> None:
    result = quizapp("lint", str(MINI_DECKS), home=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, "1 deck(s), 5 questions, 6 cards: no problems")


def test_schema_is_json_schema_of_every_question_type(tmp_path: Path) -> None:
    result = quizapp("schema", home=tmp_path)
    schema = json.loads(result.stdout)
    assert set(schema["$defs"]) >= {"OpenQuestion", "ChoiceQuestion", "ClozeQuestion"}
    assert schema["required"] == ["format", "deck", "questions"] and schema["additionalProperties"] is False


def test_import_is_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    bad = quizapp("--db", str(db), "import", str(MINI_DECKS), str(BROKEN_DECKS / "schema-errors.yaml"), home=tmp_path)
    assert (
        bad.returncode == 1 and "schema-errors.yaml:7:9: duplicate id" in bad.stderr and "Traceback" not in bad.stderr
    )
    good = quizapp("import", str(MINI_DECKS), "--db", str(db), home=tmp_path)
    assert good.returncode == 0 and "6 added" in good.stdout


def test_foreign_database_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 50)
    result = quizapp("--db", str(junk), "import", str(MINI_DECKS), home=tmp_path)
    assert result.returncode == 2 and "not an SQLite database" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["lint", str(MINI_DECKS)], ["schema"], ["info"], ["--help"], ["cards", "--help"]])
def test_light_commands_import_neither_textual_nor_sqlalchemy(args: list[str]) -> None:
    code = (
        "import sys; from quizapp.cli import main\n"
        f"try: main({args!r})\nexcept SystemExit: pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlalchemy', 'sqlmodel', 'fsrs'})\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.splitlines()[-1] == "HEAVY []"


def test_start_with_unchanged_decks_imports_no_orm_yaml_or_pydantic(tmp_path: Path) -> None:
    """The daily start-up path: those imports alone would cost about 0.4 s. The later ones serve what it does not
    do with unchanged decks and no config file (a screen not shown, a summary, renames, hashing a changed file,
    reading TOML)."""
    db = tmp_path / "q.db"
    assert quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path).returncode == 0
    code = (
        "import sys\n"
        "from quizapp.config import load_settings\n"
        "from quizapp.library import open_library\n"
        "import quizapp.tui.app\n"
        f"library = open_library(load_settings({str(db)!r}, [{str(MINI_DECKS)!r}]))\n"
        "assert library.scheduler.next_card() is not None and library.decks\n"
        "heavy = {'sqlalchemy', 'sqlmodel', 'pydantic', 'yaml'}\n"
        "later = {'quizapp.analysis.model', 'quizapp.browse', 'quizapp.tui.screens.home', 'quizapp.tui.screens.summary',"
        " 'quizapp.sitting_summary', 'quizapp.store.renames', 'hashlib', 'tomllib'}\n"
        "print('HEAVY', sorted(({m.split('.')[0] for m in sys.modules} & heavy) | (set(sys.modules) & later)))"
    )
    env = {**os.environ, "QUIZAPP_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.stdout.splitlines()[-1] == "HEAVY []", out.stderr


def _truncated_copy(tmp_path: Path) -> Path:
    source = DATA / "schema-1.db"
    target = tmp_path / "truncated.db"
    target.write_bytes(source.read_bytes()[: len(source.read_bytes()) // 3])
    return target


@pytest.mark.parametrize("command", [["import", str(MINI_DECKS)], ["backup"], []])
def test_truncated_database_is_a_clear_error_and_left_alone(tmp_path: Path, command: list[str]) -> None:
    db = _truncated_copy(tmp_path)
    before = db.read_bytes()
    result = quizapp("--db", str(db), *command, home=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("quizapp: ") and "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_newer_database_is_refused_by_the_tui_start(tmp_path: Path) -> None:
    import shutil
    import sqlite3

    db = tmp_path / "newer.db"
    shutil.copy(DATA / "schema-1.db", db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    result = quizapp("--db", str(db), home=tmp_path)
    assert result.returncode == 2 and "newer quizapp" in result.stderr and "Traceback" not in result.stderr
