"""A first run as a new user meets it: the data folder gets a `decks/` folder for their own decks, `quizapp info`
says where everything is, `--help` names the environment variables, each command lists only the options it uses,
and `lint` and `import` without a path read the deck folders the review syncs."""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from quizapp import __version__
from quizapp.cli import build_parser
from quizapp.config import bundled_decks_dir
from quizapp.decks.deck_files import find_deck_files
from tests.conftest import MINI_DECKS
from tests.store.test_paths_and_creation import NO_ROOT_OVERRIDE, assert_one_line_error, quizapp

FIRST_RUN = "(not there yet: made by the first review or import)"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data folder that does not exist yet, as on a first run."""
    return tmp_path / "data"


# --- 5. decks/ in the data folder ------------------------------------------------------------------------------


def test_the_first_database_brings_a_decks_folder_that_the_review_then_syncs(home: Path) -> None:
    first = quizapp("topics", home=home)
    assert first.returncode == 0 and "diffusion/mini/forward" not in first.stdout, first.stderr
    assert (home / "decks").is_dir() and not list((home / "decks").iterdir())
    shutil.copy(MINI_DECKS / "mini.yaml", home / "decks" / "mine.yaml")
    result = quizapp("topics", home=home)
    assert result.returncode == 0 and "diffusion/mini/forward" in result.stdout, result.stderr


def test_a_database_elsewhere_leaves_the_data_folder_alone(home: Path, tmp_path: Path) -> None:
    assert quizapp("--db", str(tmp_path / "q.db"), "import", str(MINI_DECKS), home=home).returncode == 0
    assert not home.exists() and not (tmp_path / "decks").exists()


def test_a_file_named_decks_does_not_stop_the_first_run(home: Path) -> None:
    home.mkdir()
    (home / "decks").write_text("not a folder")
    result = quizapp("import", str(MINI_DECKS), home=home)
    assert result.returncode == 0 and "6 added" in result.stdout, result.stderr
    assert (home / "decks").is_file() and (home / "quizapp.db").is_file()


@pytest.fixture
def modes_count() -> list[str]:
    """The command prefix under which file modes are enforced: none for a user, setpriv for root."""
    if shutil.which("setpriv") is None:
        return []
    return NO_ROOT_OVERRIDE if subprocess.run([*NO_ROOT_OVERRIDE, "true"]).returncode == 0 else []


@pytest.mark.parametrize("where", ["in a read-only folder", "a read-only folder"])
def test_a_data_folder_that_cannot_be_written_is_one_line(tmp_path: Path, where: str, modes_count: list[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    home = locked / "data" if where == "in a read-only folder" else locked
    try:
        result = quizapp("import", str(MINI_DECKS), home=home, prefix=modes_count)
    finally:
        locked.chmod(0o755)
    if not modes_count and result.returncode == 0:
        pytest.skip("running as root without setpriv: a read-only folder is writable")
    assert_one_line_error(result, f"cannot create the {'folder for the ' if home != locked else ''}database {home}/")


# --- 6. quizapp info ------------------------------------------------------------------------------------------------


def _versions() -> str:
    installed = ", ".join(f"{name} {metadata.version(name)}" for name in ("textual", "sqlmodel", "fsrs"))
    return f"versions     quizapp {__version__}, Python {platform.python_version()}, {installed}"


def test_info_before_the_first_run_says_where_everything_will_be(home: Path) -> None:
    bundled = bundled_decks_dir()
    result = quizapp("info", home=home)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"data folder  {home} {FIRST_RUN}",
        f"database     {home / 'quizapp.db'} {FIRST_RUN}",
        f"deck folders {bundled} ({len(find_deck_files([bundled]))} deck file(s))",
        f"             {home / 'decks'} (not there yet: made with the database, for your own decks)",
        f"config file  {home / 'config.toml'} (not there: every setting has its default)",
        f"backups      {home / 'backups'} (none yet)",
        _versions(),
    ]
    assert not home.exists()  # info only looks


def test_info_after_a_first_run_counts_decks_and_backups(home: Path, tmp_path: Path) -> None:
    assert quizapp("import", str(MINI_DECKS), home=home).returncode == 0
    assert quizapp("backup", home=home).returncode == 0
    (home / "config.toml").write_text("[review]\nnew_per_day = 10\n")
    result = quizapp("--decks", str(MINI_DECKS), "--decks", str(tmp_path / "gone"), "info", home=home)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"data folder  {home}",
        f"database     {home / 'quizapp.db'}",
        f"deck folders {MINI_DECKS} (1 deck file(s))",
        f"             {tmp_path / 'gone'} (does not exist)",
        f"config file  {home / 'config.toml'}",
        f"backups      {home / 'backups'} (1 of quizapp.db)",
        _versions(),
    ]


# --- 7. --help names the environment ------------------------------------------------------------------------------


def test_help_ends_with_the_environment_variables_and_the_config_file(home: Path) -> None:
    result = quizapp("--help", home=home)
    epilog = result.stdout.split("\nenvironment:\n", 1)[1].splitlines()
    assert 5 <= len(epilog) <= 6
    text = "\n".join(epilog)
    for name in ("QUIZAPP_HOME", "QUIZAPP_DB", "QUIZAPP_DECKS", "QUIZAPP_CONFIG", "config.toml"):
        assert name in text
    assert max(len(line) for line in epilog) < 80


# --- 8. each command lists the options it uses ------------------------------------------------------------------

USES = {
    "review": {"--db", "--decks"},
    "lint": {"--db", "--decks"},
    "import": {"--db", "--decks"},
    "topics": {"--db", "--decks"},
    "mock": {"--db", "--decks"},
    "drill": {"--db", "--decks"},
    "info": {"--db", "--decks"},
    "schema": set(),
    "config": set(),
    "backup": {"--db"},
    "restore": {"--db"},
    "suspended": {"--db"},
    "unsuspend": {"--db"},
    "optimize": {"--db"},
    "plan": {"--db"},
    "report": {"--db"},
}


def test_each_command_takes_only_the_options_its_work_reads() -> None:
    (commands,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    takes = {
        name: {option for action in parser._actions for option in action.option_strings} & {"--db", "--decks"}
        for name, parser in commands.choices.items()
        if name in USES
    }
    assert takes == USES


@pytest.mark.parametrize("args", [["schema", "--db", "x.db"], ["backup", "--decks", "d"], ["report", "--decks", "d"]])
def test_an_option_a_command_does_not_use_is_refused(home: Path, args: list[str]) -> None:
    result = quizapp(*args, home=home)
    assert result.returncode == 2 and f"unrecognized arguments: {' '.join(args[1:])}" in result.stderr


def test_the_options_still_go_before_the_command(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    assert quizapp("--db", str(db), "--decks", str(MINI_DECKS), "import", home=home).returncode == 0
    assert quizapp("--db", str(db), "--decks", str(MINI_DECKS), "backup", home=home).returncode == 0


# --- 4. lint and import without a path --------------------------------------------------------------------------


def test_bare_lint_checks_the_deck_folders_and_names_them(home: Path) -> None:
    (home / "decks").mkdir(parents=True)
    shutil.copy(MINI_DECKS / "mini.yaml", home / "decks" / "mine.yaml")
    bundled = len(find_deck_files([bundled_decks_dir()]))
    result = quizapp("lint", home=home)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"{bundled + 1} deck(s), ") and result.stdout.endswith(": no problems\n")
    assert result.stderr == f"deck folders: {bundled_decks_dir()}, {home / 'decks'}\n"


def test_bare_lint_and_import_read_quizapp_decks(home: Path) -> None:
    lint = quizapp("lint", home=home, QUIZAPP_DECKS=str(MINI_DECKS))
    assert (lint.returncode, lint.stdout, lint.stderr) == (
        0,
        "1 deck(s), 5 questions, 6 cards: no problems\n",
        f"deck folders: {MINI_DECKS}\n",
    )
    imported = quizapp("import", home=home, QUIZAPP_DECKS=str(MINI_DECKS))
    assert imported.returncode == 0 and imported.stderr == f"deck folders: {MINI_DECKS}\n"
    assert "6 added" in imported.stdout


def test_bare_lint_takes_decks_after_the_command(home: Path) -> None:
    result = quizapp("lint", "--decks", str(MINI_DECKS), home=home)
    assert (result.returncode, result.stderr) == (0, f"deck folders: {MINI_DECKS}\n")


def test_a_path_given_is_linted_without_naming_folders(home: Path) -> None:
    result = quizapp("lint", str(MINI_DECKS), home=home)
    assert (result.returncode, result.stderr) == (0, "")
