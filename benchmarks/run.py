"""quizapp side by side with Anki on the same machine, in one run: prints a table of medians and ratios.

For each size (questions) it generates decks, gives a copy of the imported database a year of
reviews (10 per card: 1,000,000 at 100k), builds an Anki collection of the same cards and
history, and measures:

  1. cold import into an empty database, whole process (Anki: its CSV import of the same questions);
  2. warm sync, when no deck file changed;
  3. launch to first card painted, on a real terminal (Anki: a process that opens the collection
     and gets its first queued card, without the GUI);
  4. per answer: next card + schedule + durable commit, median and p99 (Anki: get_queued_cards +
     answer_card);
  5. peak RSS of the TUI after its first card and 20 answers;
  6. the report over the whole history (see report_speed.py), each pair interleaved: `quizapp report` as a
     whole process in Markdown, HTML and JSON (Anki: a process that opens the collection and computes its own
     Statistics screen's data, `graphs` over 365 days), the compute alone in-process and warm (`build_report`
     against `graphs`), and pressing `s` until the Statistics screen has painted the report (no Anki column:
     its screen is a Qt web view). quizapp/Anki there is the median of the per-pair ratios.

Usage: python benchmarks/run.py [--sizes 10000 100000] [--runs 5] [--workdir DIR] [--quick]
Anki comes from the `bench` extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import anki_side  # noqa: E402
import first_card  # noqa: E402
import history  # noqa: E402
from generate import write_decks  # noqa: E402
from report_speed import Comparison, measure_report, process_seconds  # noqa: E402

from quizapp.config import ReviewSettings, SchedulerSettings  # noqa: E402
from quizapp.scheduling import Grade, ReviewScheduler  # noqa: E402
from quizapp.store.database import open_database  # noqa: E402
from quizapp.store.sync import sync_decks  # noqa: E402

CARD_COUNT = "SELECT count(*) FROM card"


@dataclass
class Row:
    """One line of the table: a measure for quizapp and, where Anki has one, for Anki."""

    measure: str
    quizapp: float
    anki: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    ratio: float | None = None  # when not the ratio of the medians (the median of interleaved pairs' ratios)


def median(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def count(n: int) -> str:
    """1,000,000 as 1M, 112,021 as 112k."""
    return f"{n / 1_000_000:g}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def timed_runs(runs: int, action: Callable[[], float]) -> float:
    """Median of `runs` measurements."""
    return median([action() for _ in range(runs)])


def quizapp_answers(db_path: Path, answers: int, seed: int = 7) -> list[float]:
    """Per-answer seconds in-process: next card, FSRS, and the FULL-synchronous WAL commit."""
    import random

    rng = random.Random(seed)
    db = open_database(db_path)
    scheduler = ReviewScheduler(db, SchedulerSettings(), ReviewSettings(new_per_day=10**6))
    times = []
    try:
        scheduler.next_card()  # untimed, as Anki's first fetch that builds its day's queue
        for _ in range(answers):
            grade = rng.choices(list(Grade), weights=(10, 10, 70, 10))[0]
            started = time.perf_counter()
            card = scheduler.next_card()
            if card is None:
                raise RuntimeError("the queue ran empty")
            scheduler.answer(card.id, grade, 10_000)
            times.append(time.perf_counter() - started)
    finally:
        db.close()
    return times


def measure_size(questions: int, runs: int, answers: int, work: Path, env: dict[str, str], anki: bool) -> list[Row]:
    """Every measure at one size."""
    label = count(questions)
    decks = work / f"decks-{questions}"
    if not decks.is_dir():
        write_decks(decks, questions)
    quizapp = [sys.executable, "-m", "quizapp"]
    rows: list[Row] = []

    def fresh_import() -> float:
        db = work / f"cold-{questions}.db"
        for leftover in work.glob(f"cold-{questions}.db*"):
            leftover.unlink()
        return process_seconds([*quizapp, "--db", str(db), "import", str(decks)], env)

    ours = timed_runs(runs, fresh_import)
    theirs = None
    if anki:
        csv_path = work / f"anki-{questions}.csv"
        anki_side.write_csv(decks, csv_path)
        theirs = timed_runs(runs, lambda: anki_side.import_seconds(csv_path, work / "anki-import"))
    rows.append(Row(f"cold import, {label} questions (whole process)", ours, theirs, "s", "≤ 2× Anki"))
    if theirs:
        rows[-1].met = ours <= 2 * theirs

    imported = work / f"cold-{questions}.db"
    db = open_database(imported)
    try:
        warm = []
        for _ in range(max(runs, 5)):
            started = time.perf_counter()
            report = sync_decks(db, [decks], datetime.now(UTC))
            warm.append(time.perf_counter() - started)
            assert report.files_loaded == 0
    finally:
        db.close()
    rows.append(Row(f"warm sync, {label} questions, nothing changed", median(warm) * 1000, None, "ms", "< 50 ms"))
    rows[-1].met = median(warm) < 0.05

    logs = questions * 10
    hist = work / f"history-{questions}-{logs}.db"
    if not hist.exists():
        shutil.copy(imported, work / "tmp.db")
        history.fill(work / "tmp.db", logs)
        (work / "tmp.db").rename(hist)
    with closing(sqlite3.connect(hist)) as conn:
        (cards,) = conn.execute(CARD_COUNT).fetchone()
    what = f"{count(cards)} cards, {count(logs)} logs"
    anki_collection = None
    if anki:
        anki_collection = anki_side.build_collection(hist, work / f"anki-{questions}")

    tui_db = work / "tui.db"
    for leftover in work.glob("tui.db*"):
        leftover.unlink()
    shutil.copy(hist, tui_db)
    # before anything answers a card on either side, so that both hold the same history
    reports = measure_report(hist, anki_collection, runs, env, screen_db=tui_db, decks=decks)
    tui_args = ["--db", str(tui_db), "--decks", str(decks), "--deck", "synthetic-000"]
    first_card.first_card_seconds(tui_args, env)  # untimed (the day's backup is taken: see screen_times)
    ours = timed_runs(runs, lambda: first_card.first_card_seconds(tui_args, env))
    theirs = timed_runs(runs, lambda: anki_side.first_card_seconds(anki_collection)) if anki_collection else None
    target = 0.6 if questions <= 10_000 else 1.0
    rows.append(Row(f"launch to first card painted, {what}", ours, theirs, "s", f"< {target} s", ours < target))

    ours_answers = quizapp_answers(tui_db, answers)
    theirs_answers = anki_side.answer_latencies(anki_collection, answers) if anki_collection else None
    for name, statistic, limit_ms in (("median", median, 1), ("p99", p99, 5)):
        ours_ms = statistic(ours_answers) * 1000
        theirs_ms = statistic(theirs_answers) * 1000 if theirs_answers else None
        goal = f"≤ {limit_ms} ms"
        rows.append(Row(f"per answer, {name}, {what}", ours_ms, theirs_ms, "ms", goal, ours_ms <= limit_ms))
    rss = first_card.peak_rss_mb(tui_args, env)
    theirs = anki_side.peak_rss_mb(anki_collection) if anki_collection else None
    rows.append(Row(f"peak RSS of the TUI, {what}", rss, theirs, "MB", "< 200 MB", rss < 200))
    rows += [report_row(comparison, what) for comparison in reports]
    return rows


def report_row(comparison: Comparison, what: str) -> Row:
    """A report measure as a line of the table; its targets are met on the medians."""
    theirs = median(comparison.anki) if comparison.anki else None
    target = "< 1 s" if comparison.anki is None else "< 1 s, ≤ 1× Anki"
    ours = median(comparison.quizapp)
    return Row(f"{comparison.measure}, {what}", ours, theirs, "s", target, comparison.meets(), comparison.ratio)


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = ["| measure | quizapp | Anki | quizapp/Anki | target | met |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        ours = f"{row.quizapp:.3g} {row.unit}"
        theirs = "—" if row.anki is None else f"{row.anki:.3g} {row.unit}"
        ratio = "—" if not row.anki else f"{row.quizapp / row.anki if row.ratio is None else row.ratio:.2f}"
        met = "—" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.measure} | {ours} | {theirs} | {ratio} | {row.target} | {met} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="questions per size")
    parser.add_argument("--runs", type=int, default=5, help="repetitions; the median is shown")
    parser.add_argument("--answers", type=int, default=300, help="answers timed per app and size")
    parser.add_argument("--workdir", type=Path, help="keeps generated decks and histories between runs")
    parser.add_argument("--quick", action="store_true", help="1,000 questions, one run, 20 answers (a smoke test)")
    parser.add_argument("--no-anki", action="store_true", help="measure quizapp only")
    options = parser.parse_args()
    if options.quick:
        options.sizes, options.runs, options.answers = [1000], 1, 20
    work = options.workdir or Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as a user runs it
    env["QUIZAPP_HOME"] = str(home)
    anki = not options.no_anki and anki_side.available()
    if not anki and not options.no_anki:
        print("anki is not installed (pip install -e '.[bench]'): measuring quizapp only", file=sys.stderr)
    rows = []
    for questions in options.sizes:
        rows += measure_size(questions, options.runs, options.answers, work, env, anki)
    cpus = os.cpu_count()
    print(f"\nquizapp vs Anki — medians of {options.runs} runs, {options.answers} answers; {cpus} CPUs; {work}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
