"""Where the database is and how it comes to be, as a user meets it: real `quizapp` processes, real
files, and a terminal for the review. Relative paths, file names with URI characters, folders and
unreadable files given as the database, a creation two processes race for or a kill cuts short, a
full disk, and a database that can be read but not written."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

import pytest

from quizapp.store.migrations import SCHEMA_VERSION
from tests.conftest import MINI_DECKS, check_consistent
from tests.pty_terminal import Terminal

MINI_CARDS = 6
# run as root, a process writes any file whatever its mode: these drop that power so modes count
NO_ROOT_OVERRIDE = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]


def _env(home: Path | str, **extra: str) -> dict[str, str]:
    env = {"QUIZAPP_HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "xterm-256color", **extra}
    if "PYTHONPATH" in os.environ:  # the quizapp under test, wherever it is
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def quizapp(
    *args: str, home: Path | str, cwd: Path | None = None, prefix: Sequence[str] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "quizapp", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=_env(home, **env),
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *wanted: str) -> None:
    """Exit code 2 and a single `quizapp: ...` line on stderr that says what is wrong."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("quizapp: "), result.stderr
    for text in wanted:
        assert text in result.stderr, result.stderr


def reviews(db: Path) -> int:
    with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM review").fetchone()[0])


@pytest.fixture(scope="module")
def modes_count() -> list[str]:
    """The command prefix under which file modes are enforced: none for a user, setpriv for root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None or subprocess.run([*NO_ROOT_OVERRIDE, "true"]).returncode != 0:
        pytest.skip("running as root, and setpriv cannot drop the power to write read-only files")
    return NO_ROOT_OVERRIDE


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A database with the mini deck imported, alone in its folder `data`."""
    db = tmp_path / "data" / "quiz.db"
    db.parent.mkdir()
    assert quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path / "home").returncode == 0
    return db


# --- 5. creation is one transaction --------------------------------------------------------------


def test_two_processes_creating_one_database_at_once_both_succeed(tmp_path: Path) -> None:
    for attempt in range(3):
        db = tmp_path / f"new-{attempt}.db"
        command = [sys.executable, "-m", "quizapp", "--db", str(db), "import", str(MINI_DECKS)]
        both = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=_env(tmp_path)) for _ in range(2)]
        errors = [process.communicate(timeout=60)[1] for process in both]
        assert [process.returncode for process in both] == [0, 0], errors
        with closing(sqlite3.connect(db)) as conn:
            assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
                str(SCHEMA_VERSION),
            )
            assert conn.execute("SELECT count(*) FROM card").fetchone() == (MINI_CARDS,)
        check_consistent(db)


_KILLED_IN_A_WRITE = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")  # the pages spill into the file long before a commit
conn.execute("BEGIN")
conn.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
conn.executemany("INSERT INTO meta VALUES (?, ?)", ((str(i), "x" * 500) for i in range(200)))
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("cut", ["after its first step", "in the middle of a write"])
def test_a_first_run_cut_short_leaves_a_file_the_next_run_creates_afresh(tmp_path: Path, cut: str) -> None:
    """What a kill at a moment of creation leaves: an SQLite file without a table (the WAL header is
    written first), or a write in progress with its journal beside it (and the header not yet written)."""
    db = tmp_path / "q.db"
    if cut == "after its first step":
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
    else:
        subprocess.run([sys.executable, "-c", _KILLED_IN_A_WRITE, str(db)], check=False)
        assert (tmp_path / "q.db-journal").exists()
    result = quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path)
    assert result.returncode == 0 and f"{MINI_CARDS} added" in result.stdout, result.stderr
    check_consistent(db)


# --- 6. paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given_by", ["--db", "QUIZAPP_DB", "QUIZAPP_HOME"])
def test_a_relative_path_names_the_same_database_on_every_run(tmp_path: Path, given_by: str) -> None:
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    home: Path | str = tmp_path / "home"
    options: list[str] = []
    env: dict[str, str] = {}
    if given_by == "--db":
        options, db = ["--db", "data/q.db"], work / "data" / "q.db"
    elif given_by == "QUIZAPP_DB":
        env, db = {"QUIZAPP_DB": "data/q.db"}, work / "data" / "q.db"
    else:
        home, db = "data", work / "data" / "quizapp.db"
    for _run in range(2):
        result = quizapp(*options, "import", str(MINI_DECKS), home=home, cwd=work, **env)
        assert result.returncode == 0, result.stderr
    backup = quizapp(*options, "backup", home=home, cwd=work, **env)
    assert backup.returncode == 0, backup.stderr
    assert quizapp(*options, "topics", home=home, cwd=work, **env).returncode == 0
    assert quizapp("lint", *options, str(MINI_DECKS), home=home, cwd=work, **env).returncode == 0
    assert reviews(db) == 0 and not list(tmp_path.glob("*.db"))


def test_restore_from_a_relative_file(imported: Path, tmp_path: Path) -> None:
    shutil.copy(imported, tmp_path / "saved.db")
    result = quizapp("--db", str(imported), "restore", "saved.db", home=tmp_path / "home", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith(f"restored {imported} from "), result.stderr


@pytest.mark.parametrize("name", ["what?.db", "p%41.db"])
def test_a_file_name_with_uri_characters_is_exactly_that_file(tmp_path: Path, name: str) -> None:
    """A `?` starts a URI's parameters and `%41` is an escaped `A`: neither may change which file is used."""
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / name
    for _run in range(2):
        result = quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path)
        assert result.returncode == 0, result.stderr
    assert quizapp("--db", str(db), "backup", home=tmp_path).returncode == 0
    assert quizapp("lint", "--db", str(db), str(MINI_DECKS), home=tmp_path).returncode == 0
    assert {p.name for p in folder.iterdir() if p.is_file()} <= {name, f"{name}-wal", f"{name}-shm"}
    check_consistent(db)


@pytest.mark.parametrize(
    "command", [["import", str(MINI_DECKS)], ["backup"], ["topics"], ["lint", str(MINI_DECKS)], ["restore", "."]]
)
def test_a_folder_given_as_a_database_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    """`restore .` gives a folder as the file to restore from; the others give it with --db."""
    folder = tmp_path / "notes.db"
    folder.mkdir()
    if command[0] == "restore":
        result = quizapp("--db", str(tmp_path / "q.db"), *command, home=tmp_path, cwd=folder)
    else:
        result = quizapp("--db", str(folder), *command, home=tmp_path)
    assert_one_line_error(result, str(folder))


@pytest.mark.parametrize("command", [["import", str(MINI_DECKS)], ["backup"], ["topics"], ["restore"]])
def test_an_unreadable_database_is_one_line_and_exit_2(
    imported: Path, tmp_path: Path, command: list[str], modes_count: list[str]
) -> None:
    imported.chmod(0)
    try:
        if command == ["restore"]:
            args = ["--db", str(tmp_path / "other.db"), "restore", str(imported)]
        else:
            args = ["--db", str(imported), *command]
        result = quizapp(*args, home=tmp_path / "home", prefix=modes_count)
    finally:
        imported.chmod(0o644)
    assert_one_line_error(result, f"cannot read {imported}: permission denied")


@pytest.mark.parametrize("given_by", ["--db", "QUIZAPP_DB"])
def test_a_given_database_in_a_missing_folder_is_refused_and_nothing_is_created(tmp_path: Path, given_by: str) -> None:
    db = tmp_path / "typo" / "sub" / "q.db"
    if given_by == "--db":
        result = quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path)
    else:
        result = quizapp("import", str(MINI_DECKS), home=tmp_path, QUIZAPP_DB=str(db))
    assert_one_line_error(result, given_by, f"the folder {db.parent} does not exist")
    assert not (tmp_path / "typo").exists()


def test_the_data_folder_is_still_created_when_missing(tmp_path: Path) -> None:
    home = tmp_path / "new" / "data"
    assert quizapp("import", str(MINI_DECKS), home=home).returncode == 0
    check_consistent(home / "quizapp.db")


# --- 7. a full disk, a database that can be read but not written -------------------------------------

_ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


class Review(Terminal):
    """`quizapp` on a pseudo-terminal of 120x30 (wide enough that a notification's first line is whole)."""

    def __init__(self, db: Path, home: Path, prefix: Sequence[str] = ()) -> None:
        args = ["--db", str(db), "--decks", str(MINI_DECKS)]
        super().__init__(args, home, size=(30, 120), prefix=prefix, env=_env(home))

    def text(self) -> str:
        """What was written, without escape sequences, every run of blanks one space."""
        return " ".join(_ESCAPES.sub(" ", self.output.decode("utf-8", "replace")).split())

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text():
            assert self.process.poll() is None, f"quizapp exited: {self.text()[-1500:]}"
            assert time.monotonic() < deadline, f"{text!r} never shown: {self.text()[-1500:]}"
            time.sleep(0.05)

    def press(self, keys: str, pause: float = 0.3) -> None:
        for key in keys:
            super().press(key)
            time.sleep(pause)

    def exit_code(self, timeout: float = 30) -> int:
        code = self.process.wait(timeout=timeout)
        time.sleep(0.1)  # the last output
        return code


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system of its own (a tmpfs; mounting one needs root)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)]).returncode:
        pytest.skip("a small file system to fill needs root (mount -t tmpfs)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    """Fill the file system up (it may be full already: then even creating the file fails)."""
    try:
        with (folder / "filler").open("wb") as f:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
    except OSError:
        pass


def test_a_full_disk_is_named_when_the_review_starts(tmp_path: Path, small_disk: Path) -> None:
    db = small_disk / "quiz.db"
    assert quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path).returncode == 0
    _fill(small_disk)
    review = Review(db, tmp_path)
    assert review.exit_code() == 2
    assert f"quizapp: cannot open {db}: the disk is full" in review.text()
    assert "Traceback" not in review.text()
    assert_one_line_error(quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path), "the disk is full")


@pytest.mark.parametrize("read_only", ["the folder", "the file"])
def test_a_database_that_cannot_be_written_is_browsed_and_answers_say_they_are_not_saved(
    imported: Path, tmp_path: Path, read_only: str, modes_count: list[str]
) -> None:
    made_read_only = imported.parent if read_only == "the folder" else imported
    made_read_only.chmod(0o555 if read_only == "the folder" else 0o444)
    try:
        review = Review(imported, tmp_path / "home", prefix=modes_count)
        review.wait_for("new cards left")
        review.wait_for("quizapp — read-only")  # the header, on the home screen
        review.wait_for("Answers are not saved: " + ("its folder" if read_only == "the folder" else "the file"))
        review.press("r")
        review.wait_for("show answer")
        review.press(" 3")
        review.wait_for("read-only: answers are not saved")
        review.kill()
    finally:
        made_read_only.chmod(0o755 if read_only == "the folder" else 0o644)
    assert reviews(imported) == 0


def test_wal_files_a_read_only_session_left_do_not_block_answers_once_writable(
    imported: Path, tmp_path: Path, modes_count: list[str]
) -> None:
    """A read-only database file gets its `-wal` and `-shm` created read-only like itself, and a reader
    does not delete them: made writable again, the database must take answers."""
    imported.chmod(0o444)
    session = quizapp(
        "--db", str(imported), "--decks", str(MINI_DECKS), "topics", home=tmp_path / "home", prefix=modes_count
    )
    assert session.returncode == 0, session.stderr
    shm = imported.with_name(imported.name + "-shm")
    assert shm.exists() and shm.stat().st_mode & 0o222 == 0  # what the read-only session left
    imported.chmod(0o644)
    review = Review(imported, tmp_path / "home", prefix=modes_count)
    review.wait_for("new cards left")
    review.press("r")
    review.wait_for("show answer")
    review.press(" 3")
    deadline = time.monotonic() + 10
    while reviews(imported) == 0:
        assert time.monotonic() < deadline, review.text()[-1500:]
        time.sleep(0.05)
    review.kill()
    check_consistent(imported)
