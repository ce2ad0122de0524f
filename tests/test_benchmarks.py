"""The benchmark's smoke run (1,000 questions, one repetition), so the script never rots.

One run serves both tests: quizapp's side is always measured; Anki's side is measured and checked when the
`anki` package is installed (`pip install -e '.[bench]'`) and skipped otherwise.
Timings are not asserted: these machines are noisy. The run must finish and fill every cell it measures.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
WITH_ANKI_COLUMN = ("cold import", "launch to first card", "per answer, median", "per answer, p99", "peak RSS")
Table = dict[str, list[str]]


@pytest.fixture(scope="module")
def quick_table(tmp_path_factory: pytest.TempPathFactory) -> Table:
    """The rows of `run.py --quick`, by measure: quizapp, Anki, ratio, target, met."""
    work = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--workdir", str(work)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    rows = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split("|")] for line in lines[1:])}
    assert len(rows) == 7, result.stdout
    assert sum(name.startswith(WITH_ANKI_COLUMN) for name in rows) == 5, result.stdout
    return rows


@pytest.mark.slow
def test_quick_benchmark_measures_quizapp(quick_table: Table) -> None:
    for name, (quizapp, _anki, _ratio, target, met) in quick_table.items():
        if name.startswith("report"):
            assert quizapp == "not built yet" and met == "—", name
            continue
        assert float(quizapp.split()[0]) > 0 and target, name
        assert met in {"yes", "**no**", "—"}, name
    warm = quick_table[next(name for name in quick_table if name.startswith("warm sync"))]
    assert warm[1] == "—" and warm[4] in {"yes", "**no**"}


@pytest.mark.slow
def test_quick_benchmark_measures_anki_beside_quizapp(quick_table: Table) -> None:
    if importlib.util.find_spec("anki") is None:
        pytest.skip("anki is not installed (pip install -e '.[bench]')")
    for name, (quizapp, anki, ratio, _target, met) in quick_table.items():
        if not name.startswith(WITH_ANKI_COLUMN):
            assert anki == "—", name
            continue
        assert float(quizapp.split()[0]) > 0 and float(anki.split()[0]) > 0, name
        assert float(ratio) > 0 and met in {"yes", "**no**"}, name
