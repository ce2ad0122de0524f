"""Interview-date mode: when to introduce the unseen cards and which desired retention to use so that every
card is seen and stabilised before the interview, within the minutes the candidate has each day.

The workload is FSRS's, never a model of our own:

- **Unseen cards** are simulated by fsrs-rs's simulator (`fsrs_rs_python.simulate`), introduced in the
  queue's order, `new_per_day` a day, the last ones STABILISE_DAYS before the interview. The simulator is
  not given the budget: capped, it would postpone cards silently (past the last introduction day) and let
  a day run over by a card; it shows the demand, which is then held against the budget here. Its runs are
  averaged over SIMULATION_SEEDS, so a plan does not hang on one lucky draw, and are the same every time.
- **Cards already seen** follow the app's own scheduler (`memory.StudyDayFsrs`, study days and fuzz
  included) from their stored state to the interview, each review answered Good (FSRS's most common
  answer); a review also counts the relearning answers a lapse would add, weighted by FSRS's predicted
  probability of one.
- **Time** is the candidate's own: the median duration of their recent answers, and, unless a budget is
  given, the mean minutes of their recent study days.

The plan is the highest desired retention of RETENTIONS whose busiest day fits the budget. When none does,
it says how many minutes a day the least demanding one needs (the lowest retention, but for the simulations'
noise on a small deck), and which unseen cards to leave out to fit (`_drop_order`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta, tzinfo

import fsrs_rs_python as rs

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import start_of_study_day
from quizapp.errors import QuizError
from quizapp.memory import MemoryState, StudyDayFsrs
from quizapp.scheduling import Grade, memory_state
from quizapp.store import tallied
from quizapp.store.connection import named
from quizapp.store.database import Database
from quizapp.store.states import CardState

STABILISE_DAYS = 3  # a card is introduced at least this many days before the interview: time for two reviews
MAX_DAYS_AHEAD = 365
RETENTIONS = (0.85, 0.875, 0.9, 0.925, 0.95)  # tried in turn; the highest that fits is the plan's
SIMULATION_SEEDS = range(8)
DEFAULT_SECONDS_PER_ANSWER = 20.0  # a new user's pace, until MIN_TIMED_ANSWERS answers are timed
MIN_TIMED_ANSWERS = 20
RECENT_ANSWERS = 500
DEFAULT_MINUTES_PER_DAY = 30.0  # a new user's budget, until a study day is recorded
RECENT_STUDY_DAYS = 14
LEVEL_UNSTATED = 3  # a question without a level counts as a middle one when choosing what to drop
MAX_ANSWERS_WALKED = 1000  # per card already seen: a guard, far above what a year of reviews takes

UNSEEN_CARDS = (
    "SELECT id, uid, topic, level FROM card WHERE state = 0 AND retired = 0 AND suspended = 0"
    " ORDER BY position, deck_id, id"
)
"""The cards never answered, in the order the queue introduces them (`queue.QueueQueries`)."""
SEEN_CARDS = (
    "SELECT id, topic, state, step, stability, difficulty, due, last_review FROM card"
    " WHERE state != 0 AND retired = 0 AND suspended = 0 ORDER BY id"
)
RECENT_DURATIONS = "SELECT duration_ms FROM review WHERE duration_ms > 0 ORDER BY id DESC LIMIT :answers"
RECENT_DAY_DURATIONS = (
    "SELECT duration_ms FROM day_tally WHERE answers > 0 AND study_day < :today ORDER BY study_day DESC LIMIT :days"
)


class PlanError(QuizError):
    """An interview date or a budget no plan can be made for."""

    title = "Plan"
    exit_code = 2


@dataclass(frozen=True)
class UnseenCard:
    """A card never answered, as the plan introduces (or leaves out) it."""

    id: int
    uid: str
    topic: str
    level: int | None


@dataclass(frozen=True)
class Pace:
    """The candidate's time: seconds an answer and minutes a day, with how many answers and days they come from
    (0: the default, nothing measured yet)."""

    seconds_per_answer: float
    timed_answers: int
    minutes_per_day: float
    study_days: int


@dataclass(frozen=True)
class PlanDay:
    """One study day of the plan (mean of the simulations)."""

    day: date
    minutes: float
    reviews: float  # answers to cards seen before that day
    new: int  # cards introduced


@dataclass(frozen=True)
class TopicRecall:
    """The expected recall on the interview day of a top-level topic's cards (seen and unseen alike)."""

    topic: str
    cards: int
    recall: float


@dataclass(frozen=True)
class Plan:
    """A plan to the interview date. What the scheduler applies until then: `new_per_day` and
    `desired_retention` (`quizapp plan --apply` writes them; `config.in_force` applies them); after it, normal
    scheduling.

    When it does not fit (`feasible` False), the rows and recall are those of the least demanding retention
    with every card, which takes `minutes_needed` a day; `drop` lists the unseen cards to leave out for that
    retention to fit the budget (None when even none fits: the cards already seen take more on some day).
    """

    interview: date
    today: date
    last_new_day: date
    unseen: int
    new_per_day: int
    desired_retention: float
    feasible: bool
    minutes_per_day: float  # the budget
    minutes_given: bool  # stated by the candidate, not measured
    pace: Pace
    rows: tuple[PlanDay, ...]
    recall: tuple[TopicRecall, ...]
    minutes_needed: float | None = None
    drop: tuple[UnseenCard, ...] | None = None

    @property
    def days(self) -> int:
        """Study days from today to the interview (the interview day not included)."""
        return (self.interview - self.today).days

    @property
    def peak_minutes(self) -> float:
        """The busiest day's minutes."""
        return max((row.minutes for row in self.rows), default=0.0)


@dataclass(frozen=True)
class _SeenCard:
    id: int
    topic: str
    memory: MemoryState


@dataclass(frozen=True)
class _Outcome:
    """The load and recall of one desired retention with a number of the unseen cards, per day from today."""

    retention: float
    seconds: tuple[float, ...]
    reviews: tuple[float, ...]
    new: tuple[int, ...]
    recall_seen: dict[int, float]  # card id → recall on the interview day
    recall_new: tuple[float, ...]  # by order of introduction

    @property
    def peak_minutes(self) -> float:
        return max(self.seconds, default=0.0) / 60


@dataclass(frozen=True)
class _SeenLoad:
    """The cards already seen under one desired retention: answers per day and each card's recall on the day."""

    answers: tuple[float, ...]
    recall: dict[int, float]


def check_dates(interview: date, today: date) -> int:
    """The days from `today` to `interview`.

    Raises:
        PlanError: for a date not after today or more than MAX_DAYS_AHEAD days away.
    """
    days = (interview - today).days
    if days < 1:
        raise PlanError(f"the interview date {interview} is not in the future (today is {today})")
    if days > MAX_DAYS_AHEAD:
        raise PlanError(f"the interview date {interview} is {days} days away; a plan looks {MAX_DAYS_AHEAD} ahead")
    return days


def intro_days(days: int) -> int:
    """Days on which new cards are introduced: from today to STABILISE_DAYS before the interview (today alone
    when the interview is nearer)."""
    return max(1, days - STABILISE_DAYS + 1)


def measured_pace(db: Database, today: date) -> Pace:
    """The median duration of the last RECENT_ANSWERS timed answers and the mean minutes of the last
    RECENT_STUDY_DAYS study days before today with answers; the defaults while too little is recorded."""
    days = {"today": today.isoformat(), "days": RECENT_STUDY_DAYS}
    tallied.bring_up_to_date(db)  # the minutes of each day are tallied
    with db.read() as conn:
        durations = [row[0] for row in conn.execute(RECENT_DURATIONS, {"answers": RECENT_ANSWERS})]
        day_ms = [row[0] for row in conn.execute(RECENT_DAY_DURATIONS, days)]
    timed = len(durations) >= MIN_TIMED_ANSWERS
    return Pace(
        seconds_per_answer=statistics.median(durations) / 1000 if timed else DEFAULT_SECONDS_PER_ANSWER,
        timed_answers=len(durations) if timed else 0,
        minutes_per_day=statistics.fmean(day_ms) / 60_000 if day_ms else DEFAULT_MINUTES_PER_DAY,
        study_days=len(day_ms),
    )


def _cards(db: Database) -> tuple[list[UnseenCard], list[_SeenCard]]:
    with db.read() as conn:
        unseen = [UnseenCard(r["id"], r["uid"], r["topic"], r["level"]) for r in named(conn).execute(UNSEEN_CARDS)]
        seen = [_SeenCard(r["id"], r["topic"], memory_state(r)) for r in named(conn).execute(SEEN_CARDS)]
    return unseen, seen


def _walked(
    memory: StudyDayFsrs, card: _SeenCard, today: date, interview: date, tz: tzinfo | None
) -> tuple[dict[int, float], float]:
    """A card already seen, answered Good each time it comes due until the interview: its answers per day
    (day 0 is today, when overdue cards come) and its recall on the interview day."""
    state = card.memory
    start = start_of_study_day(today, memory.day_start_hour, tz)
    relearning = len(memory.settings.relearning_steps_minutes)
    answers: dict[int, float] = defaultdict(float)
    for _ in range(MAX_ANSWERS_WALKED):
        if state.due is None:
            break
        moment = max(state.due, start)
        day = memory.study_day(moment)
        if day >= interview:
            break
        recall = memory.retrievability(card.id, state, moment) if state.state == CardState.Review else None
        answers[(day - today).days] += 1 + (1 - recall) * relearning if recall is not None else 1
        state = memory.answer(card.id, state, int(Grade.Good), moment)
    on_the_day = memory.retrievability(card.id, state, start_of_study_day(interview, memory.day_start_hour, tz))
    return answers, on_the_day or 0.0


def _seen_load(
    seen: Sequence[_SeenCard], memory: StudyDayFsrs, today: date, interview: date, tz: tzinfo | None
) -> _SeenLoad:
    days = (interview - today).days
    answers = [0.0] * days
    recall: dict[int, float] = {}
    for card in seen:
        per_day, recall[card.id] = _walked(memory, card, today, interview, tz)
        for day, count in per_day.items():
            answers[day] += count
    return _SeenLoad(tuple(answers), recall)


def _simulated(
    parameters: Sequence[float], retention: float, cards: int, days: int, seconds: float, scheduler: SchedulerSettings
) -> tuple[list[float], list[float], list[int], list[float]]:
    """fsrs-rs's simulation of `cards` new cards introduced over `intro_days(days)`, averaged over the seeds:
    seconds, reviews and new cards per day, and each card's recall on day `days` (the interview)."""
    if cards == 0:
        return [0.0] * days, [0.0] * days, [0] * days, []
    config = rs.default_simulator_config()
    config.deck_size = cards
    config.learn_span = days
    config.learn_limit = math.ceil(cards / intro_days(days))
    config.max_cost_perday = math.inf
    config.max_ivl = float(scheduler.maximum_interval_days)
    config.state_rating_costs = [[seconds] * 4 for _ in range(3)]
    config.learning_step_count = len(scheduler.learning_steps_minutes)
    config.relearning_step_count = len(scheduler.relearning_steps_minutes)
    runs = [rs.simulate(list(parameters), retention, config, seed) for seed in SIMULATION_SEEDS]
    n = len(runs)
    cost = [sum(day) / n for day in zip(*(run.cost_per_day for run in runs), strict=True)]
    reviews = [sum(day) / n for day in zip(*(run.review_cnt_per_day for run in runs), strict=True)]
    on_the_day = float(days)
    recall = [sum(c.retention_on(on_the_day) for c in same) / n for same in zip(*(r.cards for r in runs), strict=True)]
    return cost, reviews, list(runs[0].learn_cnt_per_day), recall  # introductions are not drawn: no mean needed


def _outcome(
    retention: float,
    seen: _SeenLoad,
    unseen: int,
    pace: Pace,
    parameters: Sequence[float],
    scheduler: SchedulerSettings,
) -> _Outcome:
    days = len(seen.answers)
    cost, reviews, new, recall = _simulated(parameters, retention, unseen, days, pace.seconds_per_answer, scheduler)
    return _Outcome(
        retention=retention,
        seconds=tuple(c + a * pace.seconds_per_answer for c, a in zip(cost, seen.answers, strict=True)),
        reviews=tuple(r + a for r, a in zip(reviews, seen.answers, strict=True)),
        new=tuple(new),
        recall_seen=seen.recall,
        recall_new=tuple(recall),
    )


def _drop_order(unseen: Sequence[UnseenCard]) -> list[UnseenCard]:
    """The unseen cards in the order they are left out of a plan that does not fit: warm-ups first (level 1,
    then 2, ...; no level counts as LEVEL_UNSTATED), the ones the queue would introduce last first among equals.
    A warm-up is what a candidate most likely answers without drilling; the deep questions are where it pays."""
    last_first = list(reversed(unseen))
    return sorted(last_first, key=lambda card: card.level if card.level is not None else LEVEL_UNSTATED)


def _cards_to_drop(unseen: Sequence[UnseenCard], fits: Callable[[int], bool]) -> tuple[UnseenCard, ...] | None:
    """The fewest unseen cards to leave out so that the rest fit (`fits(kept)`), or None if even none fits."""
    if not fits(0):
        return None
    kept, over = 0, len(unseen)  # fits(kept) holds; fits(over) does not (the plan with every card did not fit)
    while over - kept > 1:
        middle = (kept + over) // 2
        kept, over = (middle, over) if fits(middle) else (kept, middle)
    return tuple(_drop_order(unseen)[: len(unseen) - kept])


def _topic_recall(
    unseen: Sequence[UnseenCard], seen: Sequence[_SeenCard], outcome: _Outcome
) -> tuple[TopicRecall, ...]:
    """The mean recall on the interview day of each top-level topic's cards, weakest first."""
    by_topic: dict[str, list[float]] = defaultdict(list)
    for card in seen:
        by_topic[card.topic.partition("/")[0]].append(outcome.recall_seen[card.id])
    for new_card, recall in zip(unseen, outcome.recall_new, strict=True):
        by_topic[new_card.topic.partition("/")[0]].append(recall)
    found = [TopicRecall(topic, len(values), statistics.fmean(values)) for topic, values in by_topic.items()]
    return tuple(sorted(found, key=lambda t: (t.recall, t.topic)))


def make_plan(
    db: Database,
    scheduler: SchedulerSettings,
    review: ReviewSettings,
    interview: date,
    minutes_per_day: float | None,
    today: date,
    tz: tzinfo | None = None,
) -> Plan:
    """The plan from `today` (a study day) to `interview`.

    Args:
        db: the database; only read.
        scheduler: the scheduler settings in use, with the fitted parameters if any (else py-fsrs's defaults).
        review: the review settings (the day boundary).
        interview: the interview date; the plan's last study day is the day before.
        minutes_per_day: the candidate's budget; None: their mean of their recent study days.
        today: the study day the plan starts on.
        tz: the local time zone of the study days (None: the system's).

    Raises:
        PlanError: for a date not in the future or more than MAX_DAYS_AHEAD days away, or a budget not above 0.
    """
    days = check_dates(interview, today)
    if minutes_per_day is not None and not 0 < minutes_per_day <= 24 * 60:
        raise PlanError(f"minutes a day must be above 0 and at most {24 * 60}, not {minutes_per_day:g}")
    pace = measured_pace(db, today)
    budget = pace.minutes_per_day if minutes_per_day is None else float(minutes_per_day)
    unseen, seen = _cards(db)
    parameters = scheduler.parameters or rs.DEFAULT_PARAMETERS  # py-fsrs's defaults

    def seen_load(retention: float) -> _SeenLoad:
        memory = StudyDayFsrs(replace(scheduler, desired_retention=retention), review.day_start_hour, tz)
        return _seen_load(seen, memory, today, interview, tz)

    loads = {retention: seen_load(retention) for retention in RETENTIONS}
    outcomes = [_outcome(r, loads[r], len(unseen), pace, parameters, scheduler) for r in RETENTIONS]
    fitting = [o for o in outcomes if o.peak_minutes <= budget]
    chosen = fitting[-1] if fitting else min(outcomes, key=lambda o: (o.peak_minutes, -o.retention))
    drop = None
    if not fitting:
        least = chosen.retention
        drop = _cards_to_drop(
            unseen,
            lambda kept: _outcome(least, loads[least], kept, pace, parameters, scheduler).peak_minutes <= budget,
        )
    return Plan(
        interview=interview,
        today=today,
        last_new_day=today + timedelta(days=intro_days(days) - 1),
        unseen=len(unseen),
        new_per_day=math.ceil(len(unseen) / intro_days(days)),
        desired_retention=chosen.retention,
        feasible=bool(fitting),
        minutes_per_day=budget,
        minutes_given=minutes_per_day is not None,
        pace=pace,
        rows=tuple(
            PlanDay(today + timedelta(days=i), seconds / 60, reviews, new)
            for i, (seconds, reviews, new) in enumerate(zip(chosen.seconds, chosen.reviews, chosen.new, strict=True))
        ),
        recall=_topic_recall(unseen, seen, chosen),
        minutes_needed=None if fitting else chosen.peak_minutes,
        drop=drop,
    )
