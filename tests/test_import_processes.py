"""A real `quizapp import`, stopped while its worker processes parse, leaves no worker and no change behind.

Killed (SIGKILL, SIGTERM), its workers die with it; interrupted (SIGINT to its process group, as
a terminal sends Ctrl-C), it says so on one line, exits 130 and writes nothing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from quizapp.cli import main
from tests.conftest import MINI_DECKS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="on one CPU the import parses in its own process"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc"),
]

FILES = 2  # so at most two workers, whatever the number of CPUs, and each parses for seconds
QUESTIONS_PER_FILE = 30_000  # about 3.7 MB a file, well under the 10 MB limit
INTERRUPTED = "quizapp: import interrupted: nothing written\n"
WRITTEN = "quizapp: import interrupted: its changes were written\n"  # when Ctrl-C lands after the commit
TRIALS = 10

_STARTED: list[Import] = []


@pytest.fixture(autouse=True)
def _nothing_left_running() -> Iterator[None]:
    """A failing test must not leave an import or its workers (hundreds of MB each) behind."""
    yield
    while _STARTED:
        run = _STARTED.pop()
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
            run.process.wait()
        for worker in run.running_workers():
            os.kill(worker[0], signal.SIGKILL)


def write_slow_decks(folder: Path, files: int, questions: int) -> Path:
    """Deck files of many short questions: parsing costs by the question, so these take seconds."""
    folder.mkdir()
    for number in range(files):
        body = "".join(
            f"  - id: q{i}\n    prompt: What does step {i} of the forward process add?\n"
            f"    answer: Gaussian noise scaled by beta {i}.\n"
            for i in range(questions)
        )
        (folder / f"big-{number}.yaml").write_text(f"format: 1\ndeck: big-{number}\nquestions:\n{body}")
    return folder


@pytest.fixture(scope="module")
def slow_decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_slow_decks(tmp_path_factory.mktemp("slow") / "decks", FILES, QUESTIONS_PER_FILE)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A database with the mini decks in it, so an import that wrote anything would show."""
    path = tmp_path / "q.db"
    assert main(["--db", str(path), "import", str(MINI_DECKS)]) == 0
    return path


def snapshot(db: Path) -> tuple[int, list[tuple[str, str]]]:
    """The number of cards, and each deck with the hash of the file it was synced from."""
    with closing(sqlite3.connect(db)) as conn:
        cards = conn.execute("SELECT count(*) FROM card").fetchone()[0]
        return cards, conn.execute("SELECT id, file_hash FROM deck ORDER BY id").fetchall()


def _stat(pid: int) -> tuple[str, int, str] | None:
    """State, parent and start time of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), fields[19]


Worker = tuple[int, str]  # pid and start time: a pid alone may be reused


def _interruptible() -> None:
    """SIGINT back to its default in the child, as a shell starts a foreground command: a test run started in the
    background of a shell without job control inherits it ignored, and Python keeps an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Import:
    """`quizapp import` in a process group of its own, as a terminal runs a command, its children recorded."""

    def __init__(self, db: Path, decks: Path, out: Path, prelude: str = "") -> None:
        script = f"import sys\n{prelude}\nfrom quizapp.cli import main\nsys.exit(main(sys.argv[1:]))\n"
        self.stderr_path = out / "stderr.txt"
        with open(out / "stdout.txt", "wb") as stdout, open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-c", script, "--db", str(db), "import", str(decks)],
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
                preexec_fn=_interruptible,
            )
        _STARTED.append(self)
        self.workers: set[Worker] = set()

    def record_workers(self) -> None:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _stat(int(entry))
                if stat is not None and stat[1] == self.process.pid:
                    self.workers.add((int(entry), stat[2]))

    def wait_for_workers(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.workers) < count:
            assert self.process.poll() is None, f"import exited before parsing in workers: {self.stderr()}"
            assert time.monotonic() < deadline, "no worker started"
            self.record_workers()
            time.sleep(0.01)

    def watch(self, seconds: float) -> None:
        """Keep recording children for a while: the signal then lands at that moment of the parse."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.record_workers()
            time.sleep(0.01)

    def running_workers(self) -> list[Worker]:
        running = []
        for pid, start in self.workers:
            stat = _stat(pid)
            if stat is not None and stat[2] == start and stat[0] not in "ZX":
                running.append((pid, start))
        return running

    def workers_gone_within(self, seconds: float) -> list[Worker]:
        deadline = time.monotonic() + seconds
        while self.running_workers() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.running_workers()

    def exit_code_within(self, seconds: float) -> int:
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"import still running {seconds} s after the signal: {self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text()


def started_parsing(db: Path, decks: Path, out: Path, prelude: str = "") -> Import:
    run = Import(db, decks, out, prelude)
    run.wait_for_workers(min(FILES, os.cpu_count() or 1))
    return run


def test_sigkill_mid_parse_leaves_no_worker(tmp_path: Path, database: Path, slow_decks: Path) -> None:
    run = started_parsing(database, slow_decks, tmp_path)
    run.watch(0.5)
    assert len(run.running_workers()) == len(run.workers)  # killed mid-parse
    run.process.send_signal(signal.SIGKILL)
    assert run.exit_code_within(2) == -signal.SIGKILL
    assert run.workers_gone_within(2) == []


def test_sigterm_mid_parse_exits_and_leaves_no_worker(tmp_path: Path, database: Path, slow_decks: Path) -> None:
    before = snapshot(database)
    run = started_parsing(database, slow_decks, tmp_path)
    run.watch(0.5)
    assert len(run.running_workers()) == len(run.workers)
    run.process.send_signal(signal.SIGTERM)
    assert run.exit_code_within(2) == -signal.SIGTERM
    assert run.workers_gone_within(2) == []
    assert snapshot(database) == before


def test_without_the_kernels_help_workers_still_die_with_the_import(
    tmp_path: Path, database: Path, slow_decks: Path
) -> None:
    """Where PR_SET_PDEATHSIG cannot be asked for, the workers notice the import is gone by themselves."""
    no_prctl = "import quizapp.child_processes as c\nc.kernel_kills_orphans = lambda: False"
    run = started_parsing(database, slow_decks, tmp_path, prelude=no_prctl)
    run.watch(0.5)
    run.process.send_signal(signal.SIGKILL)
    assert run.exit_code_within(2) == -signal.SIGKILL
    assert run.workers_gone_within(2) == []


def test_ctrl_c_mid_parse_exits_130_with_one_line_and_writes_nothing(
    tmp_path: Path, database: Path, slow_decks: Path
) -> None:
    """Ten imports, each sent SIGINT (to the whole process group) at a seeded moment of the parse."""
    rng = random.Random(20261124)
    before = snapshot(database)
    for trial in range(TRIALS):
        out = tmp_path / f"trial-{trial}"
        out.mkdir()
        run = started_parsing(database, slow_decks, out)
        delay = rng.uniform(0.0, 1.0)
        run.watch(delay)
        assert len(run.running_workers()) == len(run.workers), f"trial {trial}: parsing was over before Ctrl-C"
        interrupted_at = time.monotonic()
        os.killpg(run.process.pid, signal.SIGINT)
        assert run.exit_code_within(5) == 130, f"trial {trial}"
        took = time.monotonic() - interrupted_at
        assert run.stderr() == INTERRUPTED, f"trial {trial}"
        assert run.running_workers() == [], f"trial {trial}: the import exited before its workers"
        assert snapshot(database) == before, f"trial {trial}"
        print(f"trial {trial}: Ctrl-C {delay:.2f} s into the parse, exited in {took:.2f} s")


def test_ctrl_c_during_the_write_rolls_it_back(tmp_path: Path, database: Path) -> None:
    """SIGINT once the write transaction has begun (the WAL grows): it is rolled back, unless the signal
    lands after the commit, and then the message says the changes were written."""
    decks = write_slow_decks(tmp_path / "decks", 1, 15_000)
    wal = database.with_name(database.name + "-wal")
    rng = random.Random(7)
    before = snapshot(database)
    outcomes = []
    for trial in range(3):
        out = tmp_path / f"trial-{trial}"
        out.mkdir()
        run = Import(database, decks, out)
        deadline = time.monotonic() + 60
        while not (wal.exists() and wal.stat().st_size > 0):
            assert run.process.poll() is None, f"import ended before its write: {run.stderr()}"
            assert time.monotonic() < deadline, "the import never began writing"
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.1))
        os.killpg(run.process.pid, signal.SIGINT)
        assert run.exit_code_within(5) == 130, f"trial {trial}"
        message = run.stderr()
        assert message in (INTERRUPTED, WRITTEN), f"trial {trial}: {message!r}"
        outcomes.append(message)
        changed = snapshot(database) != before
        assert changed == (message == WRITTEN), f"trial {trial}: {message!r} but the database {changed=}"
        if changed:
            break  # a later import would have nothing left to write
    assert outcomes.count(INTERRUPTED) >= 2, outcomes


def test_ctrl_c_just_after_the_commit_says_the_changes_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupt that lands between the commit and the summary must not claim that nothing was written."""
    from quizapp.store import sync

    real_sync = sync.sync_decks

    def sync_then_interrupted(*args: object, **kwargs: object) -> object:
        real_sync(*args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(sync, "sync_decks", sync_then_interrupted)
    db = tmp_path / "q.db"
    assert main(["--db", str(db), "import", str(MINI_DECKS)]) == 130
    assert capsys.readouterr().err == WRITTEN
    assert snapshot(db)[0] > 0


def test_a_worker_killed_alone_costs_time_not_the_import(tmp_path: Path, database: Path, slow_decks: Path) -> None:
    """A worker that dies (the OOM killer, a stray kill) has its files parsed by the import itself."""
    cards_before = snapshot(database)[0]
    run = started_parsing(database, slow_decks, tmp_path)
    run.watch(0.3)
    os.kill(min(run.workers)[0], signal.SIGKILL)
    assert run.exit_code_within(120) == 0, run.stderr()
    assert snapshot(database)[0] == cards_before + FILES * QUESTIONS_PER_FILE
    assert run.running_workers() == []
