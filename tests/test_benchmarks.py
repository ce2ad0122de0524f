"""The benchmark's smoke run (1,000 questions, one repetition, Anki included), so the script never rots.

Timings are not asserted: these machines are noisy. The run must finish and fill every cell it measures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_quick_benchmark_prints_the_side_by_side_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    rows = {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip("|").split("|")] for line in lines[1:])}
    assert len(rows) == 7, result.stdout
    with_anki = [name for name in rows if not name.startswith(("warm sync", "report"))]
    for name in with_anki:
        quizapp, anki, ratio, _target, met = rows[name]
        assert float(quizapp.split()[0]) > 0 and float(anki.split()[0]) > 0, name
        assert float(ratio) > 0 and met in {"yes", "**no**"}, name
    warm = rows[next(name for name in rows if name.startswith("warm sync"))]
    assert float(warm[0].split()[0]) > 0 and warm[1] == "—"
