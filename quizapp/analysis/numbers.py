"""How the report's numbers read, the same in every format and on the Statistics screen."""

from __future__ import annotations

from quizapp.analysis.model import PassFail


def percent(rate: float | None, *, digits: int = 0) -> str:
    """`0.873` → `87%`; None (nothing to divide) → `—`."""
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


def retention_cell(counts: PassFail) -> str:
    """A pass rate with the reviews it stands on: `87% (46/53)`, or `—` without reviews."""
    return "—" if not counts.count else f"{percent(counts.rate)} ({counts.passed}/{counts.count})"


def decimal(value: float | None, digits: int = 3) -> str:
    """A metric such as log loss: `0.3214`; None → `—`."""
    return "—" if value is None else f"{value:.{digits}f}"


def score(value: float | None) -> str:
    """A weakness score, or `not enough data`."""
    return "not enough data" if value is None else f"{value:.2f}"
