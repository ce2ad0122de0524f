"""FSRS on the study-day grid: how one answer changes a card's memory state. The only module that imports fsrs.

py-fsrs counts elapsed time as whole 24-hour periods between two datetimes, and applies its
same-day formula below one. The queue, like Anki and the FSRS benchmark data, counts study
days: a card due on a day is offered from that day's start (4 am by default), up to a day
before its exact due time. So, in one place:

- **Elapsed time is in study days.** py-fsrs is handed a last review exactly n × 24 h before
  the answer, where n is the number of study-day boundaries crossed since the real last review.
  Answering a 1-day card early in the morning after an evening review credits 1 day, and two
  answers on one study day use the same-day formula, as in Anki.
- **Review intervals end on a study day.** A review-state card is due at the start of the study
  day n days after the answer's, so 24 h arithmetic never lands on the same day across DST.
  Learning steps (minutes) stay exact times.
- **Fuzz is Anki's, and deterministic.** py-fsrs's fuzz rounds where Anki floors (so a value can
  fall one day past the range) and draws from the unseeded global RNG. Fuzz is therefore done
  here on py-fsrs's unfuzzed interval, over py-fsrs's own `FUZZ_RANGES`, floored, with a random
  number seeded by the card and its last review: undoing an answer and giving the same grade
  gives the same day, and the interval shown on a grade button is the one the card gets.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from quizapp.config import SchedulerSettings
from quizapp.days import start_of_study_day, study_day, study_days_between
from quizapp.store.states import CardState

MIN_FUZZED_INTERVAL = 3  # py-fsrs and Anki leave intervals below 2.5 days unfuzzed


@dataclass(frozen=True)
class MemoryState:
    """A card's scheduling state, as stored."""

    state: CardState
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None


NEW = MemoryState(CardState.New)


def fuzz_range(interval: int, maximum: int) -> tuple[int, int]:
    """The days a fuzzed `interval` may take, by py-fsrs's `FUZZ_RANGES` (the ranges Anki documents)."""
    delta = 1.0
    for part in FUZZ_RANGES:
        delta += part["factor"] * max(min(float(interval), part["end"]) - part["start"], 0.0)
    high = min(round(interval + delta), maximum)
    return min(max(2, round(interval - delta)), high), high


def fuzz_seed(card_id: int, last_review: datetime | None) -> str:
    """Same card, same previous review → same fuzz (a string seed is hashed with SHA-512, stable across runs)."""
    return f"{card_id}/{last_review.isoformat() if last_review else 'new'}"


class StudyDayFsrs:
    """py-fsrs's scheduler, fed and read on the study-day grid (see the module docstring)."""

    def __init__(self, settings: SchedulerSettings, day_start_hour: int, tz: tzinfo | None = None) -> None:
        self.settings = settings
        self.day_start_hour = day_start_hour
        self.tz = tz
        self._fsrs = fsrs.Scheduler(
            **({"parameters": settings.parameters} if settings.parameters else {}),
            desired_retention=settings.desired_retention,
            learning_steps=tuple(timedelta(minutes=m) for m in settings.learning_steps_minutes),
            relearning_steps=tuple(timedelta(minutes=m) for m in settings.relearning_steps_minutes),
            maximum_interval=settings.maximum_interval_days,
            enable_fuzzing=False,
        )
        # The last preview: card, state, study day, time, outcomes. py-fsrs is given whole study days, so within one
        # study day the same card in the same state comes out the same, only a learning step's due moves with time.
        self._previewed: tuple[int, MemoryState, date, datetime, dict[int, tuple[fsrs.Card, int | None]]] | None = None

    def study_day(self, moment: datetime) -> date:
        """The study day containing `moment`."""
        return study_day(moment, self.day_start_hour, self.tz)

    def _fsrs_card(self, card_id: int, before: MemoryState, now: datetime) -> fsrs.Card:
        """The card as py-fsrs must see it: its last review whole study days back from `now`.

        `card_id` is always given (else py-fsrs sleeps 1 ms to make one up).
        """
        if before.state == CardState.New:
            return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=now)
        elapsed = self.elapsed_days(before, now)
        last = None if elapsed is None else now - timedelta(days=elapsed)
        return fsrs.Card(
            card_id=card_id,
            state=fsrs.State(int(before.state)),
            step=before.step,
            stability=before.stability,
            difficulty=before.difficulty,
            due=before.due or now,
            last_review=last,
        )

    def fuzzed(self, interval: int, seed: str) -> int:
        """`interval` days fuzzed within its range, by a random number drawn from `seed`."""
        if not self.settings.fuzz or interval < MIN_FUZZED_INTERVAL:
            return interval
        return self._fuzz(interval, random.Random(seed).random())

    def _fuzz(self, interval: int, draw: float) -> int:
        """`interval` days (at least MIN_FUZZED_INTERVAL) placed within its fuzz range by `draw`, in [0, 1)."""
        low, high = fuzz_range(interval, self.settings.maximum_interval_days)
        return min(high, math.floor(low + draw * (high - low + 1)))

    def answer(self, card_id: int, before: MemoryState, grade: int, now: datetime) -> MemoryState:
        """The card's state after answering `grade` (1-4) at `now`: the one its last preview showed, if it is of
        this card in this state on this study day."""
        today = self.study_day(now)
        kept = self._previewed
        if kept is not None and kept[0] == card_id and kept[1] == before and kept[2] == today:
            after, days = kept[4][grade]
            due = after.due + (now - kept[3])
        else:
            after, days = self._outcomes(card_id, before, now, (grade,))[grade]
            due = after.due
        if days is not None:  # a review: due at the start of its study day
            due = start_of_study_day(today + timedelta(days=days), self.day_start_hour, self.tz)
        return MemoryState(CardState(int(after.state)), after.step, after.stability, after.difficulty, due, now)

    def _outcomes(
        self, card_id: int, before: MemoryState, now: datetime, grades: tuple[int, ...]
    ) -> dict[int, tuple[fsrs.Card, int | None]]:
        """py-fsrs's card after each of `grades` at `now`, with the study days until a review-state card is due
        (fuzzed; None for a (re)learning card, due at py-fsrs's exact step). What the grades share is worked out
        once: the card as py-fsrs sees it, and the fuzz's random number (seeded by the card and its last review,
        so the same for every grade)."""
        card = self._fsrs_card(card_id, before, now)  # review_card copies it: every grade starts from it
        draw: float | None = None
        outcomes: dict[int, tuple[fsrs.Card, int | None]] = {}
        for grade in grades:
            after, _log = self._fsrs.review_card(card, fsrs.Rating(grade), now)
            days = None
            if after.state == fsrs.State.Review:  # py-fsrs gave now + whole days: the study days from today
                days = (after.due - now).days
                if self.settings.fuzz and days >= MIN_FUZZED_INTERVAL:
                    draw = random.Random(fuzz_seed(card_id, before.last_review)).random() if draw is None else draw
                    days = self._fuzz(days, draw)
            outcomes[grade] = (after, days)
        return outcomes

    def preview(self, card_id: int, before: MemoryState, now: datetime) -> dict[int, timedelta]:
        """For each grade, how long until the card comes back: whole study days for a review (it is due at the
        start of the study day that many days after today's), else the step."""
        outcomes = self._outcomes(card_id, before, now, (1, 2, 3, 4))
        self._previewed = (card_id, before, self.study_day(now), now, outcomes)
        return {
            grade: timedelta(days=days) if days is not None else after.due - now
            for grade, (after, days) in outcomes.items()
        }

    def elapsed_days(self, card: MemoryState, now: datetime) -> int | None:
        """Study days since the card's last review, as FSRS is told (None for a card never reviewed)."""
        if card.last_review is None:
            return None
        return study_days_between(card.last_review, now, self.day_start_hour, self.tz)

    def forgetting_curve(self) -> tuple[float, float]:
        """FSRS-6's curve R(t) = (1 + factor · t / S) ^ decay, with py-fsrs's parameters: for computing the
        recall of thousands of cards at once in SQL, which py-fsrs's per-card call would take seconds to do.
        `retrievability` gives the same values (tests/test_memory_curve.py checks it)."""
        decay = -float(self._fsrs.parameters[20])
        return 0.9 ** (1 / decay) - 1, decay

    def retrievability(self, card_id: int, card: MemoryState, now: datetime) -> float | None:
        """The probability of recall FSRS predicts at `now` (None for a card never reviewed)."""
        if card.state == CardState.New or card.stability is None:
            return None
        return float(self._fsrs.get_card_retrievability(self._fsrs_card(card_id, card, now), now))
