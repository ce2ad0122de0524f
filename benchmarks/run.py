"""quizapp side by side with Anki on the same machine, in one run: the same work on both sides, every measure
repeated with the sides interleaved, so that whatever else the machine does slows both alike.

For each size (questions) it generates decks (and the same questions as a CSV for Anki), gives a copy of the
imported database a year of reviews (10 per card: 1,000,000 at 100k), builds an Anki collection by Anki's own
import of that CSV with each card in its quizapp twin's state and the whole review log (anki_side.py), and
measures:

  1. cold import into an empty database, whole process (Anki: its CSV import of the same questions);
  2. warm sync, when no deck file changed (quizapp only);
  3. launch to first card painted, on a real terminal, against Anki (a process that opens the collection and
     renders its first queued card, without the GUI: a lower bound for Anki) and against a bare Textual app
     painting the same card (bare_card.py);
  4. per answer (answers.py): the review screen's path between two cards (the answer and its commit, the next
     card, the counts above it, its lapses, the grade bar's intervals); the same with the counts recounted for
     every card; the next card and the answer alone. Anki: get_queued_cards (which returns the counts and the
     four next states) + answer_card. Both commit each answer durably, answer the same grades in the same
     queue order (learning, reviews, then new cards), with the default settings, and read their first card
     untimed; each repetition starts from a fresh copy of the database or collection;
  5. peak RSS of the TUI after its first card and 20 answers (Anki: a process answering 20 cards);
  6. the report over the whole history (report_speed.py): `quizapp report` processes in Markdown, HTML and
     JSON against Anki computing its Statistics screen's data, the compute alone in-process, and the
     Statistics screen until painted (no Anki column: its screen is a Qt web view).

A repetition runs each side once, in an order that alternates (quizapp first, then Anki first, ...); the imports
repeat 2 times as often as `--runs` (IMPORT_MEASURES), the launches and the reports 3 times (SHORT_MEASURES),
the answers 4 times. Each cell is the median of the per-repetition values (min–max across repetitions);
quizapp/Anki is the median of the per-repetition ratios (min–max). A per-answer value is a repetition's median;
the p99 pools the answers of every repetition.

--check runs every measure three times (the data is made once) and fails if a ratio's three values differ by
more than 15% (largest/smallest); it then prints the table of all repetitions of the three runs.

Usage: python benchmarks/run.py [--sizes 10000 100000] [--runs 5] [--answers 500] [--workdir DIR] [--check]
       [--quick]
Anki comes from the `bench` extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import anki_side  # noqa: E402
import first_card  # noqa: E402
import history  # noqa: E402
from generate import write_decks  # noqa: E402
from report_speed import Comparison, Server, interleaved, measure_report, process_seconds  # noqa: E402

from quizapp.config import ReviewSettings, SchedulerSettings  # noqa: E402
from quizapp.days import day_bounds  # noqa: E402
from quizapp.scheduling import ReviewScheduler  # noqa: E402
from quizapp.store.database import open_database  # noqa: E402
from quizapp.store.migrations import SCHEMA_VERSION  # noqa: E402
from quizapp.store.sync import sync_decks  # noqa: E402
from quizapp.tui import faces  # noqa: E402

ANSWERS = Path(__file__).with_name("answers.py")
CARD_COUNT = "SELECT count(*) FROM card"
CHECK_RUNS = 3
CHECK_TOLERANCE = 0.15  # largest/smallest of a ratio's values across the check runs, minus one
# Launches and reports take about a second a side, where a burst of the machine's other work moves a pair's ratio
# by a third: they repeat this many times as often as `--runs`.
SHORT_MEASURES = 3
# A cold import of 100k questions takes about 10 s a side, and one run's pairs gave ratios from 0.76 to 1.31: the
# median of 5 pairs moved 18-19% between the runs of two checks, so the imports repeat twice as often as `--runs`.
IMPORT_MEASURES = 2
UNCHECKED = (
    "Two rows have their target checked in each run, not their ratio: the p99 (Anki checkpoints its WAL inside the"
    " commit of about one answer in 85, so its p99 falls on the edge between its plain answers and those: from 1.2 to"
    " 10 ms from one run to the next here) and the peak RSS (Anki's moves between about 110 MB and 1 GB from one run"
    " or machine to the next on the same collection, while it stays put within a run)."
)
PATH_NAMES = {
    "screen": "the review screen's path",
    "recount": "the review screen's path, counts recounted each card",
    "core": "next card + answer only",
}


@dataclass
class Row:
    """One line of the table: each side's value in every repetition (in `unit`), and beside quizapp either
    Anki's or, for the launch, the bare Textual app's."""

    measure: str
    unit: str
    quizapp: list[float]
    other: list[float] | None = None
    target: str = ""
    meets: Callable[[Row], bool | None] | None = None
    pooled: bool = False  # the values are one statistic of every repetition's samples: no per-repetition spread
    checked: bool = True  # whether --check holds its ratio to CHECK_TOLERANCE, or only its target (see UNCHECKED)

    @property
    def ratios(self) -> list[float] | None:
        """quizapp/other in each repetition: the sides ran back to back, so they saw the same machine."""
        if self.other is None:
            return None
        return [ours / theirs for ours, theirs in zip(self.quizapp, self.other, strict=True)]

    @property
    def ratio(self) -> float | None:
        ratios = self.ratios
        return statistics.median(ratios) if ratios else None

    def met(self) -> bool | None:
        return None if self.meets is None else self.meets(self)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p99(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def count(n: int) -> str:
    """1,000,000 as 1M, 112,021 as 112k."""
    return f"{n / 1_000_000:g}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def under(ratio: float) -> Callable[[Row], bool | None]:
    """The target: quizapp's median at most `ratio` times the other side's (the median of the per-repetition ratios);
    None (not measured) without the other side."""
    return lambda row: None if row.ratio is None else row.ratio <= ratio


def below(limit: float) -> Callable[[Row], bool | None]:
    """The target: quizapp's median under `limit`, in the row's unit."""
    return lambda row: median(row.quizapp) < limit


def fresh_copy(source: Path, target: Path) -> Path:
    """`source` copied to `target`, with no side file of an earlier copy left."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f"{target.name}*"):
        leftover.unlink()
    shutil.copy(source, target)
    return target


@dataclass
class Data:
    """What one size measures on, made once: the decks, the CSV, the imported database, its history, the Anki
    collection, and the Markdown of the TUI's first card (for the bare app)."""

    questions: int
    decks: Path
    csv: Path
    imported: Path
    history: Path
    what: str  # "11k cards, 100k logs"
    collection: Path | None
    first_card: Path
    work: Path


FIRST_DECK = "synthetic-000"


def prepare(questions: int, work: Path, env: dict[str, str], anki: bool) -> Data:
    """Make (or find, in a kept work folder) every input of one size."""
    decks = work / f"decks-{questions}"
    if not decks.is_dir():
        write_decks(decks, questions)
    csv_path = work / f"anki-{questions}.csv"
    if anki and not csv_path.exists():
        anki_side.write_csv(decks, work / "tmp.csv")
        (work / "tmp.csv").rename(csv_path)
    # named by the schema: a database kept from an older one would be upgraded (and backed up) in every timed copy
    imported = work / f"imported-{questions}-schema{SCHEMA_VERSION}.db"
    if not imported.exists():
        for leftover in work.glob("tmp.db*"):
            leftover.unlink()
        command = [sys.executable, "-m", "quizapp", "--db", str(work / "tmp.db"), "import", str(decks)]
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        (work / "tmp.db").rename(imported)
    logs = questions * 10
    hist = work / f"history-{questions}-{logs}-schema{SCHEMA_VERSION}.db"
    if not hist.exists():
        fresh_copy(imported, work / "tmp.db")
        history.fill(work / "tmp.db", logs)
        (work / "tmp.db").rename(hist)
    with closing(sqlite3.connect(hist)) as conn:
        (cards,) = conn.execute(CARD_COUNT).fetchone()
    collection = None
    if anki:
        folder = work / f"anki-{questions}"
        collection = folder / "collection.anki2"
        if not collection.exists():
            anki_side.build_collection(hist, csv_path, work / "anki-tmp")
            shutil.rmtree(folder, ignore_errors=True)
            (work / "anki-tmp").rename(folder)
    first = work / f"first-card-{questions}.md"
    if not first.exists():
        first.write_text(_first_card_markdown(fresh_copy(hist, work / "first.db")), encoding="utf-8")
        (work / "first.db").unlink()
    return Data(
        questions, decks, csv_path, imported, hist, f"{count(cards)} cards, {count(logs)} logs", collection, first, work
    )


def _first_card_markdown(db_path: Path) -> str:
    """The question the TUI paints first with `--deck FIRST_DECK` (its Markdown, as the review screen gives it)."""
    db = open_database(db_path)
    try:
        card = ReviewScheduler(db, SchedulerSettings(), ReviewSettings()).next_card([FIRST_DECK])
    finally:
        db.close()
    if card is None:
        raise RuntimeError(f"no card due in {FIRST_DECK}")
    return faces.front(card.question, card.cloze)


def measure_import(data: Data, runs: int, env: dict[str, str]) -> Row:
    """Cold import, whole processes, interleaved with Anki's."""
    work = data.work

    def ours() -> float:
        db = work / f"cold-{data.questions}.db"
        for leftover in work.glob(f"cold-{data.questions}.db*"):
            leftover.unlink()
        return process_seconds([sys.executable, "-m", "quizapp", "--db", str(db), "import", str(data.decks)], env)

    sides: list[Callable[[], float]] = [ours]
    if data.collection is not None:
        sides.append(lambda: anki_side.import_seconds(data.csv, work / "anki-import"))
    values = interleaved(runs, sides)
    for leftover in work.glob(f"cold-{data.questions}.db*"):
        leftover.unlink()
    parsers = f"quizapp parses in up to {os.cpu_count()} processes, Anki in 1"
    label = f"cold import, {count(data.questions)} questions (whole process; {parsers})"
    return Row(label, "s", values[0], values[1] if len(values) > 1 else None, "≤ 1.25× Anki", under(1.25))


def measure_warm_sync(data: Data, runs: int) -> Row:
    """Syncing when nothing changed, in-process; each repetition is the median of 5 syncs."""
    copy = fresh_copy(data.imported, data.work / "warm.db")
    db = open_database(copy)
    values = []
    try:
        for _ in range(runs):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                report = sync_decks(db, [data.decks], datetime.now(UTC))
                times.append(time.perf_counter() - started)
                assert report.files_loaded == 0
            values.append(median(times) * 1000)
    finally:
        db.close()
        copy.unlink()
    return Row(
        f"warm sync, {count(data.questions)} questions, nothing changed", "ms", values, None, "< 50 ms", below(50)
    )


def measure_launch(data: Data, runs: int, env: dict[str, str], tui_db: Path) -> list[Row]:
    """Launch to first card painted: the TUI, the bare Textual app and Anki's process, interleaved; one untimed
    launch of each first (the TUI's also takes the day's backup)."""
    args = ["--db", str(tui_db), "--decks", str(data.decks), "--deck", FIRST_DECK]
    sides: list[Callable[[], float]] = [
        lambda: first_card.first_card_seconds(args, env),
        lambda: first_card.launch_seconds(first_card.bare_command(data.first_card), env),
    ]
    if data.collection is not None:
        collection = fresh_copy(data.collection, data.work / "launch-anki" / "collection.anki2")
        sides.append(lambda: anki_side.first_card_seconds(collection))
    for side in sides:
        side()
    values = interleaved(runs, sides)
    target = 0.6 if data.questions <= 10_000 else 1.0
    rows = [
        Row(
            f"launch to first card painted, {data.what}, against a bare Textual app painting the same card",
            "s",
            values[0],
            values[1],
            "≤ 1.15× bare",
            under(1.15),
        ),
    ]
    if data.collection is not None:
        rows.append(
            Row(f"launch to first card painted, {data.what}", "s", values[0], values[2], f"< {target} s", below(target))
        )
    return rows


ANSWERS_TAKE = timedelta(minutes=10)  # the per-answer measures of one size, with room to spare


def out_of_the_last_minutes() -> None:
    """Wait, if need be, until the answers cannot run in the study day's last minutes: there the learn-ahead window
    reaches past the day's end and moves with the clock, so the review screen counts the learning cards again for
    every card, and every repetition should time the same path."""
    review = ReviewSettings()
    now = datetime.now(UTC)
    _, end = day_bounds(now, review.day_start_hour)
    last_minutes = end - timedelta(minutes=review.learn_ahead_minutes)
    if now + ANSWERS_TAKE > last_minutes:
        wait = (end - now).total_seconds() + 1
        print(f"waiting {wait / 60:.0f} min for the study day's last minutes to pass", file=sys.stderr, flush=True)
        time.sleep(wait)


def measure_answers(data: Data, runs: int, answers: int, *, smoke: bool = False) -> list[Row]:
    """Per answer, each quizapp path and Anki interleaved, in short repetitions (4 × `runs`, each of `answers` / 4
    answers per side) so that the pairs see the same disk; every repetition on fresh copies of the database and
    the collection, in one long-lived process per app. Out of the study day's last minutes, unless `smoke` (a
    run whose figures are not read)."""
    if not smoke:
        out_of_the_last_minutes()
    repetitions, each = 4 * runs, max(1, answers // 4)
    samples: dict[str, list[list[float]]] = {path: [] for path in PATH_NAMES}
    tallying: list[float] = []  # the sitting's answers added to the report tallies, after each `screen` run
    anki: list[list[float]] = []
    ours = Server([sys.executable, str(ANSWERS), "serve"])
    theirs = Server([sys.executable, str(Path(anki_side.__file__).resolve()), "serve"]) if data.collection else None
    copy, their_copy = data.work / "answers.db", data.work / "answers-anki" / "collection.anki2"

    def side(path: str) -> Callable[[], float]:
        def run() -> float:
            samples[path].append(ours.latencies(fresh_copy(data.history, copy), path, each))
            if path == "screen":
                tallying.extend(ours.latencies(copy, "tally", 0))
            return 0.0

        return run

    sides = [side(path) for path in PATH_NAMES]
    if theirs is not None and data.collection is not None:
        collection, server = data.collection, theirs

        def anki_side_run() -> float:
            anki.append(server.latencies(fresh_copy(collection, their_copy), each))
            return 0.0

        sides.append(anki_side_run)
    try:
        interleaved(repetitions, sides)
    finally:
        ours.close()
        if theirs is not None:
            theirs.close()
    ms = 1000
    theirs_medians = [median(times) * ms for times in anki] if anki else None
    rows = [
        Row(
            f"per answer, {name}, median, {data.what}",
            "ms",
            [median(t) * ms for t in samples[path]],
            None if path == "recount" else theirs_medians,  # a cost of quizapp's own, which the kept counts spare
            "≤ 1× Anki" if path == "screen" else "",
            under(1.0) if path == "screen" else None,
        )
        for path, name in PATH_NAMES.items()
    ]
    rows.append(
        Row(
            f"tallying a repetition's {each} answers for the reports (done by the next report, browser or mock),"
            f" {data.what}",
            "ms",
            [t * ms for t in tallying],
        )
    )
    every = [t for times in samples["screen"] for t in times]
    theirs_every = [t for times in anki for t in times]
    rows.append(
        Row(
            f"per answer, {PATH_NAMES['screen']}, p99 of {len(every):,} answers, {data.what}",
            "ms",
            [p99(every) * ms],
            [p99(theirs_every) * ms] if anki else None,
            "≤ 5 ms",
            below(5),
            pooled=True,
            checked=False,
        )
    )
    return rows


def measure_rss(data: Data, runs: int, env: dict[str, str], tui_db: Path) -> Row:
    args = ["--db", str(tui_db), "--decks", str(data.decks), "--deck", FIRST_DECK]
    sides: list[Callable[[], float]] = [lambda: first_card.peak_rss_mb(args, env)]
    if data.collection is not None:
        collection, copy = data.collection, data.work / "rss-anki" / "collection.anki2"
        sides.append(lambda: anki_side.peak_rss_mb(fresh_copy(collection, copy)))  # it answers: a copy each time
    values = interleaved(runs, sides)
    return Row(
        f"peak RSS of the TUI, {data.what}",
        "MB",
        values[0],
        values[1] if len(values) > 1 else None,
        "< 200 MB",
        below(200),
        checked=False,
    )


def report_row(comparison: Comparison, what: str) -> Row:
    """A report measure as a line of the table."""
    row = Row(f"{comparison.measure}, {what}", "s", comparison.quizapp, comparison.anki)
    if comparison.measure.startswith("report, "):  # the processes a user runs
        row.target, row.meets = "< 1 s, ≤ 1× Anki", lambda r: median(r.quizapp) < 1 and (r.ratio or 0) <= 1
    elif comparison.measure.startswith("Statistics screen"):  # the in-process compute has no target of its own
        row.target, row.meets = "< 1 s", below(1)
    return row


def measure(data: Data, runs: int, answers: int, env: dict[str, str], *, smoke: bool = False) -> list[Row]:
    """Every row of one size, on the data made by `prepare` (`smoke`: a run whose figures are not read)."""
    rows = [measure_import(data, IMPORT_MEASURES * runs, env), measure_warm_sync(data, runs)]
    tui_db = fresh_copy(data.history, data.work / "tui.db")
    # before anything answers a card in tui.db (the Statistics screen's copy); Anki on a copy of the collection,
    # which opening it for its statistics changes (every run starts from the same one)
    collection = data.collection and fresh_copy(data.collection, data.work / "report-anki" / "collection.anki2")
    short = SHORT_MEASURES * runs
    reports = measure_report(data.history, collection, short, env, screen_db=tui_db, decks=data.decks)
    rows += measure_launch(data, short, env, tui_db)
    rows += measure_answers(data, runs, answers, smoke=smoke)
    rows.append(measure_rss(data, max(1, runs // 2), env, tui_db))
    rows += [report_row(comparison, data.what) for comparison in reports]
    return rows


def spread(values: Sequence[float] | None, pooled: bool = False, digits: int = 3) -> str:
    """Median (min–max), or the one value."""
    if not values:
        return "—"
    if pooled or len(values) == 1:
        return f"{median(values):.{digits}g}"
    return f"{median(values):.{digits}g} ({min(values):.{digits}g}–{max(values):.{digits}g})"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table: median (min–max) of each side and of the per-repetition ratios."""
    lines = [
        "| measure | quizapp | Anki (or bare app) | quizapp/other | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ours = f"{spread(row.quizapp, row.pooled)} {row.unit}"
        theirs = "—" if row.other is None else f"{spread(row.other, row.pooled)} {row.unit}"
        ratios = row.ratios
        ratio = "—" if ratios is None else spread(ratios, row.pooled, 2) if row.pooled else _ratio_spread(ratios)
        met = {None: "—", True: "yes", False: "**no**"}[row.met()]
        lines.append(f"| {row.measure} | {ours} | {theirs} | {ratio} | {row.target or '—'} | {met} |")
    return "\n".join(lines)


def _ratio_spread(ratios: list[float]) -> str:
    return f"{median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


def pooled(runs: list[list[Row]]) -> list[Row]:
    """The rows of several runs as one: every repetition of every run (a p99 row keeps each run's value)."""
    merged = []
    for same in zip(*runs, strict=True):
        first = same[0]
        other = None if first.other is None else [v for row in same for v in (row.other or [])]
        merged.append(
            Row(first.measure, first.unit, [v for row in same for v in row.quizapp], other, first.target, first.meets)
        )
    return merged


def check(runs: list[list[Row]]) -> tuple[bool, str]:
    """Whether every ratio stayed within CHECK_TOLERANCE across the runs, and a table of them."""
    lines = [
        "| measure | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " | moved | ok |",
        "|---|" + "---:|" * len(runs) + "---:|---|",
    ]
    passed = True
    for same in zip(*runs, strict=True):
        ratios = [row.ratio for row in same]
        if any(r is None for r in ratios):
            continue
        values = [r for r in ratios if r is not None]
        moved = max(values) / min(values) - 1
        ok = moved <= CHECK_TOLERANCE if same[0].checked else all(row.met() for row in same)
        passed &= ok
        cells = " | ".join(f"{r:.2f}" for r in values)
        verdict = ("yes" if ok else "**no**") + ("" if same[0].checked else " (target)")
        lines.append(f"| {same[0].measure} | {cells} | {moved:.0%} | {verdict} |")
    return passed, "\n".join(lines)


def machine() -> str:
    """CPUs, the file system of the work folder, Python and the anki package: what a reader compares with."""
    anki_version = "not installed"
    if anki_side.available():
        from importlib.metadata import version

        anki_version = version("anki")
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPUs, {system}, Python {platform.python_version()}, anki {anki_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="questions per size")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measure (default: 5)")
    parser.add_argument("--answers", type=int, default=500, help="answers per repetition and side (default: 500)")
    parser.add_argument("--workdir", type=Path, help="keeps generated decks, histories and collections between runs")
    parser.add_argument("--check", action="store_true", help=f"measure {CHECK_RUNS} times; fail if a ratio moves")
    parser.add_argument("--quick", action="store_true", help="1k questions, 2 repetitions, 50 answers: a smoke test")
    parser.add_argument("--no-anki", action="store_true", help="measure quizapp only")
    options = parser.parse_args()
    if options.quick:
        options.sizes, options.runs, options.answers = [1000], 2, 50
    work = options.workdir or Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as a user runs it
    env["QUIZAPP_HOME"] = str(home)
    anki = not options.no_anki and anki_side.available()
    if not anki and not options.no_anki:
        print("anki is not installed (pip install -e '.[bench]'): measuring quizapp only", file=sys.stderr)
    data = [prepare(questions, work, env, anki) for questions in options.sizes]
    times = CHECK_RUNS if options.check else 1
    runs = []
    for i in range(times):
        rows = [row for size in data for row in measure(size, options.runs, options.answers, env, smoke=options.quick)]
        runs.append(rows)
        if options.check:
            print(f"\nrun {i + 1} of {times}\n\n{table(rows)}", flush=True)
    each = f"per answer {4 * options.runs} of {options.answers // 4} answers each"
    imports = f"{IMPORT_MEASURES * options.runs} of imports"
    short = f"{SHORT_MEASURES * options.runs} of launches and reports"
    heading = f"interleaved repetitions: {imports}, {short}, {each}, {options.runs} of the rest"
    print(f"\nquizapp vs Anki, {date.today()}: {heading}; median (min–max); {machine()}; {work}\n")
    print(table(pooled(runs) if options.check else runs[0]))
    if options.check:
        passed, summary = check(runs)
        print(f"\nratios of the {times} runs (fails above {CHECK_TOLERANCE:.0%}):\n\n{summary}\n\n{UNCHECKED}")
        if not passed:
            raise SystemExit(f"check failed: a ratio moved more than {CHECK_TOLERANCE:.0%} between runs")


if __name__ == "__main__":
    main()
