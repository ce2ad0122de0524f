"""The report's formulas: the Wilson bound, the weakness score, and FSRS's calibration figures.

Pure functions on counts, so each formula is written once and tested with exact numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from quizapp.analysis.model import CalibrationBin, Weakness

Z_95 = 1.959963984540054  # the standard normal quantile of a two-sided 95% interval

WEAKNESS_FORMULA = (
    "weakness = (1 − L) + 2·S + 0.5·C + 0.5·K, where, over the answers given at least a study day after the "
    "card's previous one: L is the lower bound of the 95% Wilson interval of the pass rate (few answers, wide "
    "interval, low bound: a small topic is not ranked on luck), S = max(0, (E − P) / n) is how far passes P fell "
    "short of E, the sum of the recall FSRS predicted for each answer (failing more than predicted is a weakness "
    "the schedule alone will not fix), C is the share of cards never seen and K the share of key points and mock "
    "follow-ups missed: (key points missed + follow-ups missed) / (key points marked + follow-ups asked), a "
    "follow-up of a mock interview counting for the question that started its chain. Higher is weaker; fewer "
    "than {min_topic} such answers for a topic ({min_question} for a question) is not enough data."
)


def wilson_low(successes: float, n: float, z: float = Z_95) -> float:
    """Lower bound of the Wilson score interval of successes/n (0 without trials)."""
    if n <= 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z * z / n))


def wilson_high(successes: float, n: float, z: float = Z_95) -> float:
    """Upper bound of the Wilson score interval of successes/n (1 without trials): the lower bound of the
    failures, mirrored."""
    return 1.0 - wilson_low(n - successes, n, z)


def missed_share(points_marked: float, points_missed: float, follow_ups: float, follow_ups_missed: float) -> float:
    """K of the weakness score: what was missed of the key points marked and the follow-ups asked (0 without any)."""
    asked = points_marked + follow_ups
    return (points_missed + follow_ups_missed) / asked if asked else 0.0


def weakness(
    passed: float,
    failed: float,
    expected: float,
    never_seen_share: float,
    missed_key_point_share: float,
    missed: float,
    min_reviews: int,
) -> Weakness | None:
    """The weakness of a group of cards (`WEAKNESS_FORMULA`, `missed` its K), or None below `min_reviews` answers;
    `missed_key_point_share` is only reported beside it."""
    n = passed + failed
    if n < min_reviews or n <= 0:
        return None
    low = wilson_low(passed, n)
    surprise = max(0.0, (expected - passed) / n)
    score = (1 - low) + 2 * surprise + 0.5 * never_seen_share + 0.5 * missed
    return Weakness(round(score, 6), low, surprise, never_seen_share, missed_key_point_share, missed)


def rmse_bins(groups: Iterable[tuple[float, float, float]]) -> float | None:
    """RMSE(bins) as the srs-benchmark computes it: over groups of (answers, passed, Σ predicted), the
    answer-weighted root mean square of (share passed − mean predicted)."""
    weight = total = 0.0
    for answers, passed, expected in groups:
        if answers > 0:
            weight += answers
            total += answers * (passed / answers - expected / answers) ** 2
    return math.sqrt(total / weight) if weight else None


def auc(by_recall: Mapping[int, tuple[float, float]]) -> float | None:
    """Area under the ROC curve of predicted recall against passing, from (answers, passed) per thousandth
    of predicted recall; answers within one thousandth count as ties (half). None without both outcomes."""
    positives = sum(passed for _, passed in by_recall.values())
    negatives = sum(answers - passed for answers, passed in by_recall.values())
    if positives <= 0 or negatives <= 0:
        return None
    below = 0.0  # failures predicted lower than the current bin
    area = 0.0
    for permille in sorted(by_recall):
        answers, passed = by_recall[permille]
        failed = answers - passed
        area += passed * (below + failed / 2)
        below += failed
    return area / (positives * negatives)


def calibration_bins(
    by_recall: Mapping[int, tuple[float, float, float]], width: float = 0.1
) -> tuple[CalibrationBin, ...]:
    """Predicted vs actual recall in bins of `width`, from (answers, passed, Σ predicted) per thousandth."""
    count = round(1 / width)
    sums = [[0.0, 0.0, 0.0] for _ in range(count)]
    for permille, (answers, passed, expected) in by_recall.items():
        into = sums[min(count - 1, int(permille / 1000 / width))]
        into[0] += answers
        into[1] += passed
        into[2] += expected
    return tuple(
        CalibrationBin(
            round(i * width, 6),
            round((i + 1) * width, 6),
            int(answers),
            expected / answers if answers else None,
            passed / answers if answers else None,
        )
        for i, (answers, passed, expected) in enumerate(sums)
    )
