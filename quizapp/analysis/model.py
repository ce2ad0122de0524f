"""The report as data: what `analysis.build.build_report` computes and every view shows.

One analysis feeds the exports (Markdown, HTML, CSV, JSON) and the Statistics screen, so they
cannot disagree. Plain frozen dataclasses: `dataclasses.asdict` gives the JSON export its keys.
Rates are fractions in [0, 1] or None where there is nothing to divide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from quizapp.analysis.pass_fail import PassFail

PERIODS = ("today", "7d", "30d", "365d", "all")
"""True-retention periods, as Anki's statistics show them: the current study day, the last 7, 30
and 365 study days (today included), and all history."""


@dataclass(frozen=True)
class TrueRetention:
    """Anki's true retention for one period: reviews of cards that came back after at least one study day,
    split by the study days since the card's previous review (young below 21, mature from 21)."""

    period: str
    young: PassFail
    mature: PassFail

    @property
    def total(self) -> PassFail:
        return PassFail(self.young.passed + self.mature.passed, self.young.failed + self.mature.failed)


@dataclass(frozen=True)
class Weakness:
    """A weakness score and its parts (formula: `WEAKNESS_FORMULA`); None in `Figures.weakness` means
    not enough data."""

    score: float
    wilson_low: float  # lower bound of the 95% Wilson interval of the pass rate
    surprise: float  # (expected passes − observed passes) / reviews, ≥ 0: failing more than FSRS predicted
    never_seen: float  # share of cards never reviewed
    missed_key_points: float  # share of marked key points not recalled (shown beside K, which adds follow-ups)
    missed: float = 0.0  # K: share of marked key points and mock follow-ups missed (follow-ups: `Figures.follow_ups`)


@dataclass(frozen=True)
class Figures:
    """The metrics of one group of cards: a topic (at any level of its path), a deck or a question."""

    cards: int
    questions: int
    seen: int  # cards reviewed at least once
    never_seen: int
    retired: int  # cards whose question was deleted from its file (kept with their history)
    reviews: int  # every answer, learning steps included
    lapses: int  # reviews after at least a study day answered Again
    window_reviews: int  # answers in the window (default 30 days)
    window_again: int
    retention: dict[str, TrueRetention]  # by period (PERIODS)
    expected_passes: float  # Σ FSRS's predicted recall over the reviews after at least a study day
    mean_retrievability: float | None  # of the cards reviewed at least once, now
    mean_difficulty: float | None
    mean_stability_days: float | None
    due_next_7_days: int
    leeches: int
    key_points_marked: int
    key_points_missed: int
    slow_correct: int  # passes in the window that took far longer than the topic's median answer
    weakness: Weakness | None  # None: not enough data
    # mock follow-ups asked and missed (rated Again), filed under the question that started their chain
    follow_ups: int = 0
    follow_ups_missed: int = 0

    @property
    def again_rate(self) -> float | None:
        return self.window_again / self.window_reviews if self.window_reviews else None


@dataclass(frozen=True)
class TopicRow:
    """A topic path (`diffusion`, `diffusion/dit`, ...) with its figures; `depth` is its number of parts."""

    topic: str
    depth: int
    figures: Figures


@dataclass(frozen=True)
class DeckRow:
    """A deck with its figures."""

    deck_id: str
    title: str
    figures: Figures


@dataclass(frozen=True)
class QuestionRow:
    """A question (all its cards) with its figures and what the candidate last did with it."""

    deck_id: str
    question_id: str
    topic: str
    prompt: str  # deck text: escape it in HTML
    retired: bool
    last_grade: int | None  # 1-4 of the latest answer
    last_reviewed: datetime | None
    retrievability: float | None  # now (the lowest of its cards)
    missed_key_points: tuple[str, ...]  # texts of the key points missed in its latest marked answer
    figures: Figures


@dataclass(frozen=True)
class KeyPointRow:
    """One key point of one question: how often it was marked recalled or missed."""

    deck_id: str
    question_id: str
    topic: str
    point: int  # 0-based, in the question's order
    text: str  # deck text
    marked: int
    missed: int
    miss_wilson_low: float  # lower bound of the 95% Wilson interval of the miss rate: the ranking key


@dataclass(frozen=True)
class LeechRow:
    """A card that failed at least the leech threshold of times (Anki's rule)."""

    uid: str
    deck_id: str
    question_id: str
    topic: str
    prompt: str
    lapses: int
    suspended: bool


@dataclass(frozen=True)
class DayRow:
    """One study day of the history."""

    day: date
    reviews: int
    again: int
    retention: PassFail  # true retention of that day's reviews
    minutes: float  # time spent answering


@dataclass(frozen=True)
class WeekRow:
    """One week (Monday to Sunday) of true retention, next to the desired retention."""

    week_start: date
    retention: PassFail
    desired: float


@dataclass(frozen=True)
class ForecastDay:
    """Cards due on one study day of the next 30, and the minutes they should take at the mean answer time of
    the last 30 days."""

    day: date
    due: int
    minutes: float


@dataclass(frozen=True)
class CalibrationBin:
    """Predicted vs actual recall of the reviews whose predicted recall fell in [low, high)."""

    low: float
    high: float
    count: int
    predicted: float | None  # mean predicted recall
    actual: float | None  # share passed


@dataclass(frozen=True)
class Calibration:
    """How well FSRS's predictions matched the candidate's recall: log loss, RMSE(bins) as the open
    srs-benchmark computes it, and AUC, always together, with the bins for a chart."""

    scope: str  # "all" or a top-level topic
    reviews: int
    log_loss: float | None
    rmse_bins: float | None
    auc: float | None
    bins: tuple[CalibrationBin, ...]


MOCKS_LISTED = 10
"""The newest mocks the views list (the JSON export has them all)."""

CONFIDENCE_LEVELS = {1: "sure", 2: "unsure", 3: "guess"}
"""`review.confidence` and `practice_answer.confidence` by name (`quizapp.scheduling.Confidence`)."""


@dataclass(frozen=True)
class ConfidenceRow:
    """The answers given after saying how sure the candidate was, and how many were right (Hard, Good or Easy):
    knowing what you don't know is what an interviewer probes."""

    level: str  # CONFIDENCE_LEVELS
    answers: int
    right: int
    low: float  # the 95% Wilson interval of the share right (0 to 1 without answers)
    high: float
    reading: str  # one factual line, such as "sure: right 92% of 48 — sure but wrong 4 times"

    @property
    def rate(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True)
class MockRow:
    """A mock interview summed up as its scorecard (`quizapp.mock.Scorecard`) sums it up."""

    mock_id: int
    started_at: datetime  # in the report's time zone
    minutes: int
    seconds_per_question: int  # the countdown of each answer
    topic: str | None  # the topic it was drawn from; None: every deck
    questions: int  # main questions asked
    follow_ups: int
    follow_ups_missed: int  # rated Again
    key_points: int  # of the questions asked
    recalled: int
    mean_seconds: float  # per answer, follow-ups included
    over_time: int  # answers longer than the countdown

    @property
    def covered(self) -> float | None:
        return self.recalled / self.key_points if self.key_points else None


@dataclass(frozen=True)
class Summary:
    """The headline numbers."""

    cards: int
    seen: int
    reviews: int
    reviews_today: int
    due_today: int
    streak_days: int
    studied_days: int
    desired_retention: float
    retention: dict[str, TrueRetention]  # by period
    parameters: str = "FSRS-6 defaults"  # or the fit in use (`quizapp optimize`), with its held-out log loss


@dataclass(frozen=True)
class Filters:
    """What the report covers and the rules it used."""

    deck: str | None = None
    topic: str | None = None
    since: date | None = None  # the trend (days, weeks, heatmap) starts here; the other figures cover all history
    window_days: int = 30  # the again-rate, slow passes and confidence cover the last this many study days
    leech_threshold: int = 8
    min_reviews_topic: int = 10
    min_reviews_question: int = 3
    limit: int = 30  # questions, key points and leeches listed; 0: all


@dataclass(frozen=True)
class Report:
    """Everything the report says; built by `analysis.build.build_report`."""

    generated_at: datetime
    today: date  # the current study day
    filters: Filters
    weakness_formula: str
    summary: Summary
    topics: tuple[TopicRow, ...]  # every level of every path, sorted by path
    decks: tuple[DeckRow, ...]
    questions: tuple[QuestionRow, ...]  # the questions listed: those with a score, weakest first, up to the limit
    weakest_topics: tuple[TopicRow, ...]  # ranked, weakest first; only those with a score
    weakest_questions: tuple[QuestionRow, ...]  # the same questions (every listed question is ranked)
    weakest_key_points: tuple[KeyPointRow, ...]
    leeches: tuple[LeechRow, ...]
    days: tuple[DayRow, ...]  # every study day with answers, oldest first
    weeks: tuple[WeekRow, ...]  # the last 12 weeks, oldest first
    forecast: tuple[ForecastDay, ...]  # the next 30 study days, today first (today: due now)
    calibration: tuple[Calibration, ...]  # "all" first, then each top-level topic
    confidence: tuple[ConfidenceRow, ...] = ()  # sure, unsure, guess: answers of the window, reviews and practice
    mocks: tuple[MockRow, ...] = ()  # every mock with an answer, newest first; the views list the 10 newest
    notes: tuple[str, ...] = field(default=())  # e.g. "no reviews yet"

    @property
    def empty(self) -> bool:
        return self.summary.reviews == 0

    @property
    def practiced(self) -> bool:
        """A confidence said or a mock run: worth showing even without reviews (mock answers may be practice)."""
        return bool(self.mocks) or any(c.answers for c in self.confidence)
