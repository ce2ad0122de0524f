"""The benchmark's smoke run (1,000 questions, two interleaved repetitions), so the script never rots.

One run serves both tests: quizapp's side is always measured, beside the bare Textual app for the launch; Anki's
side is measured and checked when the `anki` package is installed (`pip install -e '.[bench]'`) and skipped
otherwise. The report rows run every path of `report_speed.py`: `quizapp report` processes (which must leave the
database unchanged), `build_report` in-process, and the Statistics screen opened with `s` on a terminal until the
report is painted. Timings are not asserted: these machines are noisy. The run must finish and fill every cell it
measures; `--check`'s rule is tested on made-up rows.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from quizapp.store.migrations import SCHEMA_VERSION

ROOT = Path(__file__).parent.parent
QUIZAPP_ONLY = ("warm sync", "per answer, the review screen's path, counts recounted", "tallying", "Statistics screen")
AGAINST_THE_BARE_APP = "against a bare Textual app"
ROWS = 15  # import, warm sync, 2 launches, 3 per-answer medians, the tallying and a p99, peak RSS, 5 report rows
REPORT_ROWS = (
    "report, Markdown, whole process",
    "report, HTML, whole process",
    "report, JSON, whole process",
    "report computed in-process, warm, median of 3 calls",
    "Statistics screen, s to report painted",
)
Table = dict[str, list[str]]


@pytest.fixture(scope="module")
def quick_work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The work folder of the quick run: its decks, history database and Anki collection."""
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def quick_table(quick_work: Path) -> Table:
    """The rows of `run.py --quick`, by measure: quizapp, Anki, ratio, target, met."""
    work = quick_work
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--workdir", str(work)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    rows = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split("|")] for line in lines[1:])}
    if importlib.util.find_spec("anki") is None:
        assert len(rows) == ROWS - 1, result.stdout  # no launch against Anki
    else:
        assert len(rows) == ROWS, result.stdout
        assert sum(name.startswith(QUIZAPP_ONLY) for name in rows) == 4, result.stdout
    return rows


def number(cell: str) -> float:
    """The median of a cell: "0.63 (0.62–0.64) s" → 0.63."""
    return float(cell.split()[0])


@pytest.mark.slow
def test_quick_benchmark_measures_quizapp(quick_table: Table) -> None:
    for name, (quizapp, _anki, _ratio, target, met) in quick_table.items():
        assert number(quizapp) > 0 and target, name
        assert met in {"yes", "**no**", "—"}, name
    warm = quick_table[next(name for name in quick_table if name.startswith("warm sync"))]
    assert warm[1] == "—" and warm[4] in {"yes", "**no**"}
    bare = quick_table[next(name for name in quick_table if AGAINST_THE_BARE_APP in name)]
    assert number(bare[1]) > 0 and number(bare[2]) > 0 and bare[3] == "≤ 1.15× bare"


@pytest.mark.slow
def test_quick_benchmark_times_the_report_and_its_screen(quick_table: Table) -> None:
    report = {prefix: cells for name, cells in quick_table.items() for prefix in REPORT_ROWS if name.startswith(prefix)}
    assert list(report) == list(REPORT_ROWS), list(quick_table)
    for measure, (quizapp, _anki, _ratio, target, met) in report.items():
        assert quizapp.endswith(" s") and number(quizapp) > 0
        if measure.startswith("report computed in-process"):  # shown beside the processes, without a target
            assert (target, met) == ("—", "—")
        else:
            assert target.startswith("< 1 s") and met in {"yes", "**no**"}
    assert report["Statistics screen, s to report painted"][1:3] == ["—", "—"]


@pytest.mark.slow
def test_quick_benchmark_measures_anki_beside_quizapp(quick_table: Table) -> None:
    if importlib.util.find_spec("anki") is None:
        pytest.skip("anki is not installed (pip install -e '.[bench]')")
    for name, (quizapp, anki, ratio, _target, met) in quick_table.items():
        if name.startswith(QUIZAPP_ONLY):
            assert anki == "—", name
            continue
        assert number(quizapp) > 0 and number(anki) > 0, name
        assert number(ratio) > 0 and met in {"yes", "**no**", "—"}, name


@pytest.mark.slow
@pytest.mark.usefixtures("quick_table")  # the quick run made the history and the collection
def test_report_speed_compares_with_anki_and_leaves_the_database_alone(quick_work: Path) -> None:
    if importlib.util.find_spec("anki") is None:
        pytest.skip("anki is not installed (pip install -e '.[bench]')")
    db, decks = quick_work / f"history-1000-10000-schema{SCHEMA_VERSION}.db", quick_work / "decks-1000"
    before = db.read_bytes()
    command = [
        str(ROOT / "benchmarks" / "report_speed.py"),
        str(db),
        str(quick_work / "anki-1000" / "collection.anki2"),
    ]
    result = subprocess.run(
        [sys.executable, *command, "--runs", "2", "--decks", str(decks)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]  # under the header
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(REPORT_ROWS)
    for row in rows[:-1]:  # median (min–max) for each side and for the pairs' ratios
        assert row.count("–") == 3, row
    assert db.read_bytes() == before


@pytest.fixture
def run_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/run.py as a module (it finds its neighbours on sys.path, as when run)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("run")


def test_check_fails_when_a_ratio_moves_more_than_15_percent(run_module: ModuleType) -> None:
    def runs(*ratios: float) -> list[list[object]]:
        return [[run_module.Row("a", "s", [ratio], [1.0])] for ratio in ratios]

    assert run_module.check(runs(1.0, 1.1, 1.14))[0]
    passed, summary = run_module.check(runs(1.0, 1.1, 1.2))
    assert not passed and "| a | 1.00 | 1.10 | 1.20 | 20% | **no** |" in summary
    quizapp_only = [[run_module.Row("warm sync", "ms", [value])] for value in (1.0, 3.0, 9.0)]
    passed, summary = run_module.check(quizapp_only)
    assert passed and "warm sync" not in summary


def test_a_table_states_the_spread_of_every_side_and_ratio(run_module: ModuleType) -> None:
    row = run_module.Row("per answer", "ms", [0.5, 0.6, 0.7], [0.25, 0.3, 0.5], "≤ 1× Anki", run_module.under(1.0))
    line = run_module.table([row]).splitlines()[-1]
    assert line == "| per answer | 0.6 (0.5–0.7) ms | 0.3 (0.25–0.5) ms | 2.00 (1.40–2.00) | ≤ 1× Anki | **no** |"


def test_report_pairs_take_turns_at_running_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    report_speed = importlib.import_module("report_speed")
    order: list[str] = []
    ticks = iter(range(1, 100))

    def side(name: str) -> Callable[[], float]:
        return lambda: order.append(name) or float(next(ticks))

    found = report_speed.compare("m", 4, side("q"), side("a"))
    assert order == ["q", "a", "a", "q", "q", "a", "a", "q"]
    assert found.quizapp == [1.0, 4.0, 5.0, 8.0] and found.anki == [2.0, 3.0, 6.0, 7.0]
    calls = iter([5.0, 1.0, 3.0])
    assert report_speed.median_of(3, lambda: next(calls))() == 3.0
