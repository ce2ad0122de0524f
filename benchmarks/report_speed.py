"""quizapp's report against Anki computing its own statistics, on the same cards and history, in the same run.

Each pair is measured interleaved (quizapp, Anki, quizapp, Anki, ...) so that another job on the machine
slows both sides alike; the table gives medians, the spread (min–max) and the median of the per-pair ratios.

  - whole processes, as the user runs them: `quizapp --db DB report --out /dev/null` in Markdown (the
    default), HTML and JSON, each against a process that opens the Anki collection, computes its Statistics
    screen's data (`col._backend.graphs(search="", days=365)`) and closes it;
  - the compute alone, warm: `build_report` in a process of its own against `graphs` in this one, each pair's
    value the median of WARM_CALLS calls;
  - with --decks (the folder the database was imported from): pressing `s` on home until the Statistics
    screen has painted the report, on a real pseudo-terminal, in a copy of the database (the TUI syncs and
    takes its daily backup). Anki's screen is a Qt web view: it has no counterpart here.

The report process must not write the database: its file (and WAL) are checked unchanged after every run.

Usage: python benchmarks/report_speed.py QUIZAPP_DB ANKI_COLLECTION [--runs 7] [--decks DIR] | serve QUIZAPP_DB
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import anki_side  # noqa: E402
from first_card import Tui  # noqa: E402

from quizapp.analysis.build import build_report  # noqa: E402
from quizapp.config import ReviewSettings, SchedulerSettings  # noqa: E402
from quizapp.store.backup import backup_if_due  # noqa: E402
from quizapp.store.database import open_database  # noqa: E402

FORMATS = {"md": "Markdown", "html": "HTML", "json": "JSON"}
HOME_PAINTED = b"new cards left"  # the last line home fills in (its counts)
REPORT_PAINTED = b"True retention"  # a heading the Statistics screen shows only once the report is in
WARM_CALLS = 3  # in-process computes timed per pair: the median of this many


@dataclass(frozen=True)
class Comparison:
    """One measure: quizapp's seconds and, run by run beside them, Anki's (None: Anki has no counterpart)."""

    measure: str
    quizapp: list[float]
    anki: list[float] | None = None

    @property
    def ratios(self) -> list[float] | None:
        """quizapp/Anki of each pair: the pairs ran back to back, so they saw the same machine load."""
        if self.anki is None:
            return None
        return [ours / theirs for ours, theirs in zip(self.quizapp, self.anki, strict=True)]

    @property
    def ratio(self) -> float | None:
        """The median of the per-pair ratios."""
        ratios = self.ratios
        return statistics.median(ratios) if ratios else None

    def meets(self, limit: float = 1.0) -> bool:
        """The targets, on the medians: under `limit` seconds, and no slower than Anki where Anki has one."""
        ours = statistics.median(self.quizapp)
        return ours < limit and (self.anki is None or ours <= statistics.median(self.anki))


def interleaved(runs: int, sides: Sequence[Callable[[], float]]) -> list[list[float]]:
    """`runs` repetitions of every side, the order turned round at each repetition (A B C, then C B A, ...), so
    that no side always runs first; returns each side's values."""
    values: list[list[float]] = [[] for _ in sides]
    for rep in range(runs):
        order = list(range(len(sides)))
        for i in order if rep % 2 == 0 else reversed(order):
            values[i].append(sides[i]())
    return values


def compare(measure: str, runs: int, ours: Callable[[], float], theirs: Callable[[], float] | None) -> Comparison:
    """`runs` pairs, each side's run right after the other's, `interleaved`."""
    values = interleaved(runs, [ours] if theirs is None else [ours, theirs])
    return Comparison(measure, values[0], values[1] if theirs is not None else None)


def median_of(calls: int, timer: Callable[[], float]) -> Callable[[], float]:
    """A timer giving the median of `calls` runs of `timer`: for an in-process measure of a few tens of ms,
    where one run moves by a third with the machine's other work and a repeat costs little."""
    return lambda: statistics.median(timer() for _ in range(calls))


def process_seconds(args: list[str], env: dict[str, str]) -> float:
    """Wall time of a whole process, start-up and exit included; its output is discarded."""
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _stamp(path: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and modification time of the database and of its WAL (an empty WAL counts as none)."""
    files = (path, path.with_name(path.name + "-wal"))
    return tuple((s.st_size, s.st_mtime_ns) if f.exists() and (s := f.stat()).st_size else None for f in files)


def report_seconds(db: Path, form: str, env: dict[str, str]) -> float:
    """One `quizapp report` process in `form`, written to /dev/null.

    Raises:
        RuntimeError: if the process changed the database (a migration, or a write the report must not make).
    """
    before = _stamp(db)
    command = [sys.executable, "-m", "quizapp", "--db", str(db), "report", "--format", form, "--out", os.devnull]
    seconds = process_seconds(command, env)
    if _stamp(db) != before:
        raise RuntimeError(f"`quizapp report` wrote {db}: the report must only read")
    return seconds


class Server:
    """A process timing on request (answers.py, anki_side.py or this file `serve`): one request a line, as JSON,
    answered with a JSON list of seconds."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def latencies(self, *request: object) -> list[float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([str(part) for part in request]) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"{self.process.args!r} stopped (exit code {self.process.wait()})")
        return [float(t) for t in json.loads(answer)]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


@contextmanager
def build_timer(db_path: Path) -> Iterator[Callable[[], float]]:
    """A call that times one `build_report` over every card, warm, in a process of its own (`serve`).

    Not in this process: `build_report` forks its readers, and a fork costs more the larger the parent,
    which here holds every row measured so far and Anki's backend; timed here, quizapp's side slowed by a
    fifth from one --check run to the next while Anki's did not.
    """
    server = Server([sys.executable, __file__, "serve", str(db_path)])
    try:
        yield lambda: server.latencies()[0]
    finally:
        server.close()


def serve(db_path: Path) -> None:
    """Open `db_path` as `cmd_report` does, build the report once untimed, then time one build for each request
    read from stdin (see `Server`)."""
    db = open_database(db_path, allow_read_only=True)
    try:
        build_report(db, SchedulerSettings(), ReviewSettings())
        for _ in sys.stdin:
            started = time.perf_counter()
            build_report(db, SchedulerSettings(), ReviewSettings())
            print(json.dumps([time.perf_counter() - started]), flush=True)
    finally:
        db.close()


def statistics_screen_seconds(db: Path, decks: Path, env: dict[str, str], timeout: float = 60) -> float:
    """Seconds from pressing `s` on home (once its counts are painted) until the Statistics screen has painted
    the report, in a fresh TUI process on a pseudo-terminal (so the first opening: the analysis is imported then).
    """
    tui = Tui(["--db", str(db), "--decks", str(decks)], env)
    try:
        tui.wait_for(HOME_PAINTED, timeout)
        pressed = time.perf_counter() - tui.started
        os.write(tui.master, b"s")
        return tui.wait_for(REPORT_PAINTED, timeout) - pressed
    finally:
        tui.close()


def screen_times(db: Path, decks: Path, env: dict[str, str], runs: int) -> list[float]:
    """`runs` openings of the Statistics screen on `db`, which the TUI may write (sync, backup).

    The day's backup is taken first, and one launch is left untimed, so that no measured launch copies the
    database in its background thread.
    """
    backup_if_due(db, datetime.now(UTC))
    statistics_screen_seconds(db, decks, env)
    return [statistics_screen_seconds(db, decks, env) for _ in range(runs)]


def measure_report(
    db: Path,
    collection: Path | None,
    runs: int,
    env: dict[str, str],
    screen_db: Path | None = None,
    decks: Path | None = None,
) -> list[Comparison]:
    """Every report measure: the processes per format, the compute alone, and the screen when given a
    writable `screen_db` and its `decks`.

    Args:
        db: the quizapp database; only read.
        collection: Anki's collection of the same cards and history, or None to measure quizapp alone.
        runs: pairs per measure.
        env: the environment of the processes (QUIZAPP_HOME keeps the user's settings out).
        screen_db: a copy of `db` that the TUI may write; no screen measure without it.
        decks: the deck folder `db` was imported from (the TUI syncs it at launch).
    """
    anki_process = partial(anki_side.graphs_seconds, collection) if collection else None
    found = [
        compare(f"report, {name}, whole process", runs, partial(report_seconds, db, form, env), anki_process)
        for form, name in FORMATS.items()
    ]
    in_process = f"report computed in-process, warm, median of {WARM_CALLS} calls"
    with build_timer(db) as ours:
        if collection is None:
            found.append(compare(in_process, runs, median_of(WARM_CALLS, ours), None))
        else:
            with anki_side.graphs_timer(collection) as theirs:
                found.append(compare(in_process, runs, median_of(WARM_CALLS, ours), median_of(WARM_CALLS, theirs)))
    if screen_db is not None and decks is not None:
        found.append(Comparison("Statistics screen, s to report painted", screen_times(screen_db, decks, env, runs)))
    return found


def _spread(values: list[float] | None, digits: int = 3) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def table(found: list[Comparison]) -> str:
    """The measures as a Markdown table: median (min–max) of each side, of the pairs' ratios, and the targets."""
    lines = [
        "| measure | quizapp s | Anki s | quizapp/Anki per pair | < 1 s and ≤ Anki |",
        "|---|---:|---:|---:|---|",
    ]
    for c in found:
        met = "yes" if c.meets() else "**no**"
        lines.append(f"| {c.measure} | {_spread(c.quizapp)} | {_spread(c.anki)} | {_spread(c.ratios, 2)} | {met} |")
    return "\n".join(lines)


def _sizes(db: Path) -> str:
    """How many cards and answers `db` holds. Read on a writable connection, which (the last to close) removes
    the WAL it opened: a read-only one would leave an empty WAL beside the database."""
    with closing(sqlite3.connect(db)) as conn:
        cards, reviews = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("card", "review"))
    return f"{cards:,} cards, {reviews:,} review logs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path, metavar="QUIZAPP_DB", help="only read (the screen runs on a copy)")
    parser.add_argument("collection", type=Path, metavar="ANKI_COLLECTION", help="the same cards and history")
    parser.add_argument("--runs", type=int, default=7, help="pairs per measure (default: 7)")
    parser.add_argument("--decks", type=Path, help="the deck folder of QUIZAPP_DB: also time the Statistics screen")
    options = parser.parse_args()
    if not anki_side.available():
        raise SystemExit("anki is not installed: pip install -e '.[bench]'")
    if _stamp(options.db)[1] is not None:
        raise SystemExit(f"{options.db} has a WAL with content: a report would checkpoint it (open and close it first)")
    work = Path(tempfile.mkdtemp(prefix="quizapp-report-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as a user runs it
        env["QUIZAPP_HOME"] = str(work / "home")
        screen_db = None
        if options.decks:
            screen_db = work / "screen.db"
            shutil.copy(options.db, screen_db)  # the whole database: a WAL with content stops the run above
        found = measure_report(options.db, options.collection, options.runs, env, screen_db, options.decks)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{_sizes(options.db)}; {options.runs} interleaved pairs; {os.cpu_count()} CPUs; median (min–max)\n")
    print(table(found))


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(Path(sys.argv[2]))
    else:
        main()
