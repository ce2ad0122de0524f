"""How the report's numbers read, the same in every format and on the Statistics screen."""

from __future__ import annotations

from quizapp.analysis.model import MOCKS_LISTED
from quizapp.analysis.pass_fail import PassFail


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


def interval(low: float, high: float) -> str:
    """A 95% interval of a rate: `80%–97%`."""
    return f"{percent(low)}–{percent(high)}"


def missed_of(missed: int, asked: int) -> str:
    """`1/3` follow-ups missed of those asked, or `—` when none was asked."""
    return f"{missed}/{asked}" if asked else "—"


def mocks_listed(count: int) -> str:
    """Which mocks a view lists: `Every mock interview, newest first`, or `The 10 newest of 12 mock interviews`."""
    if count <= MOCKS_LISTED:
        return "Every mock interview, newest first"
    return f"The {MOCKS_LISTED} newest of {count} mock interviews"
