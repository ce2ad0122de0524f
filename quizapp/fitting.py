"""FSRS-6's parameters fitted to the candidate's own answers, and judged on answers the fit never saw.

The fit is fsrs-rs's, the optimizer Anki ships, through its Python binding (fsrs-rs-python): py-fsrs's
own Optimizer needs PyTorch, a download a hundred times larger than quizapp and everything it uses.

The answers become the training items the srs-benchmark and Anki use: per card, its answers as
(grade, study days since the previous answer), and an item for each answer given at least a study
day after the previous one, predicted from the answers before it. Items are split by time: the fit
learns from the earlier 80% and is scored on the later 20%, with the report's three figures (log
loss, RMSE(bins), AUC), for the parameters in use and for the fitted ones. A fit is kept only if it
predicts those later answers better (lower log loss).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from quizapp.analysis import measures
from quizapp.errors import QuizError
from quizapp.store import tallies

MIN_REVIEWS = 400  # answers after at least a study day; Anki's optimizer long asked for as many
HOLDOUT_SHARE = 0.2


class NotEnoughReviews(QuizError):
    """Too few answers to fit parameters that mean anything."""


@dataclass(frozen=True)
class Scores:
    """How well a set of parameters predicted some answers (the report's calibration figures)."""

    reviews: int
    log_loss: float
    rmse_bins: float | None
    auc: float | None


@dataclass(frozen=True)
class Fit:
    """A fit and its judgement: the parameters in use and the fitted ones scored on the same later answers."""

    parameters: tuple[float, ...]
    train_reviews: int
    before: Scores
    after: Scores

    @property
    def better(self) -> bool:
        """Whether the fitted parameters predicted the held-out answers better (lower log loss)."""
        return self.after.log_loss < self.before.log_loss


@dataclass(frozen=True)
class _Item:
    """One answer after a study day (`reviews[-1]`), with every answer of its card before it."""

    day: date
    reviews: tuple[tuple[int, int], ...]  # (grade, study days since the card's previous answer)


def items_of(histories: Sequence[Sequence[tuple[date, int]]]) -> list[_Item]:
    """The training items of the cards' histories (each: (study day, grade) in answer order), oldest first."""
    found: list[_Item] = []
    for history in histories:
        reviews: list[tuple[int, int]] = []
        previous: date | None = None
        for day, grade in history:
            elapsed = 0 if previous is None else (day - previous).days
            reviews.append((grade, elapsed))
            if elapsed > 0:
                found.append(_Item(day, tuple(reviews)))
            previous = day
    found.sort(key=lambda item: item.day)
    return found


def _fsrs_items(items: Sequence[_Item], *, prefix: bool = False) -> list[Any]:
    """fsrs-rs items: whole (for training), or without their last answer (the state it is predicted from)."""
    import fsrs_rs_python as rs

    return [
        rs.FSRSItem([rs.FSRSReview(grade, elapsed) for grade, elapsed in (i.reviews[:-1] if prefix else i.reviews)])
        for i in items
    ]


def score(parameters: Sequence[float], items: Sequence[_Item]) -> Scores:
    """Log loss, RMSE(bins) (grouped as the srs-benchmark groups it) and AUC of `parameters` on `items`."""
    import fsrs_rs_python as rs

    states = rs.FSRS(list(parameters)).memory_state_batch(_fsrs_items(items, prefix=True), [None] * len(items))
    decay = -float(parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    groups: dict[tuple[float, int, int], list[float]] = {}
    by_recall: dict[int, tuple[float, float]] = {}
    loss = 0.0
    for item, state in zip(items, states, strict=True):
        grade, elapsed = item.reviews[-1]
        predicted = (1 + factor * elapsed / state.stability) ** decay
        passed = grade > 1
        loss += tallies.log_loss_term(predicted, passed)
        number = sum(1 for _, e in item.reviews if e > 0) + 1  # the first answer counts, same-day ones do not
        lapses = sum(1 for g, e in item.reviews[:-1] if e > 0 and g == 1)
        key = (tallies.elapsed_bin(elapsed), tallies.review_bin(number), tallies.lapse_bin(lapses))
        sums = groups.setdefault(key, [0.0, 0.0, 0.0])
        sums[0] += 1
        sums[1] += passed
        sums[2] += predicted
        answers, passes = by_recall.get(permille := min(999, int(predicted * 1000)), (0.0, 0.0))
        by_recall[permille] = (answers + 1, passes + passed)
    return Scores(
        reviews=len(items),
        log_loss=loss / len(items) if items else math.nan,
        rmse_bins=measures.rmse_bins((a, p, e) for a, p, e in groups.values()),
        auc=measures.auc(by_recall),
    )


def fit(histories: Sequence[Sequence[tuple[date, int]]], current: Sequence[float] | None) -> Fit:
    """Fit FSRS-6 to the earlier answers of `histories` and score it, and `current` (the parameters in use; None:
    py-fsrs's defaults, which are fsrs-rs's), on the later ones.

    Raises:
        NotEnoughReviews: below MIN_REVIEWS answers after a study day, saying how many more are needed.
    """
    import fsrs_rs_python as rs

    items = items_of(histories)
    if len(items) < MIN_REVIEWS:
        raise NotEnoughReviews(
            f"fitting needs {MIN_REVIEWS} answers given at least a study day after the card's previous one;"
            f" there are {len(items)}: {MIN_REVIEWS - len(items)} more needed"
        )
    cut = _time_split(items)
    train, test = items[:cut], items[cut:]
    fitted = tuple(float(w) for w in rs.FSRS([]).compute_parameters(_fsrs_items(train)))
    in_use = tuple(current) if current else tuple(float(w) for w in rs.DEFAULT_PARAMETERS)
    return Fit(fitted, len(train), score(in_use, test), score(fitted, test))


def _time_split(items: Sequence[_Item]) -> int:
    """Where the later HOLDOUT_SHARE of the items begins, moved to a day boundary so no day is in both parts."""
    cut = round(len(items) * (1 - HOLDOUT_SHARE))
    while 0 < cut < len(items) and items[cut].day == items[cut - 1].day:
        cut += 1
    return min(cut, len(items) - 1)
