"""`quizapp plan --interview DATE [--minutes M]`: the plan to the interview date (`planning`), as text."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import UTC, date, datetime

from quizapp.config import Settings
from quizapp.planning import RETENTIONS, STABILISE_DAYS, Plan, UnseenCard, check_dates, make_plan
from quizapp.store.database import open_database
from quizapp.store.fits import parameters_in_use

DROP_LISTED = 10  # card ids printed in full; the rest are counted


def run(
    settings: Settings, interview: date, minutes: float | None, today: date | None = None, *, apply: bool = False
) -> int:
    """Make the plan from the database as it is (nothing synced, nothing written) and print it; with `apply`,
    write its interview date, new cards a day and desired retention to the config file's [plan]. Returns 0.

    Args:
        settings: the run's settings.
        interview: the interview date.
        minutes: the minutes a day the candidate has; None: the mean of their recent study days.
        today: the study day to plan from (default: the current one).

    Raises:
        planning.PlanError: for a date not in the future or more than a year away, or minutes not above 0.
    """
    from quizapp.days import study_day

    today = today or study_day(datetime.now(UTC), settings.review.day_start_hour)
    check_dates(interview, today)  # before opening (and perhaps upgrading) the database
    db = open_database(settings.db_path, allow_read_only=True)
    try:
        scheduler = dataclasses.replace(settings.scheduler, parameters=parameters_in_use(db))
        plan = make_plan(db, scheduler, settings.review, interview, minutes, today)
    finally:
        db.close()
    print("\n".join(plan_lines(plan)))
    if apply:
        from quizapp.config_file import set_setting

        set_setting("plan.interview_date", interview.isoformat())
        set_setting("plan.new_per_day", str(plan.new_per_day))
        set_setting("plan.desired_retention", str(plan.desired_retention))
        print(
            f"\napplied until {interview}: {plan.new_per_day} new cards a day, desired retention"
            f" {plan.desired_retention:g} (the config file's [plan]; `quizapp config unset plan.interview_date`"
            " ends it)"
        )
    return 0


def plan_lines(plan: Plan) -> list[str]:
    """The plan as printed: the time, the plan or what it needs, the daily workload, the expected recall."""
    return [*_heading(plan), "", *_verdict(plan), "", *_table(plan), "", *_recall(plan)]


def _heading(plan: Plan) -> list[str]:
    pace = plan.pace
    budget = f"{_minutes(plan.minutes_per_day)} min a day"
    if plan.minutes_given:
        budget += " (given)"
    elif pace.study_days:
        budget += f" (your mean of the last {pace.study_days} study days)"
    else:
        budget += " (no study day yet: the default)"
    if pace.timed_answers:
        answer = f"{pace.seconds_per_answer:.1f} s an answer (median of your last {pace.timed_answers} answers)"
    else:
        answer = f"{pace.seconds_per_answer:g} s an answer (too few timed answers yet: the default)"
    return [
        f"Interview on {plan.interview} ({plan.days} days from {plan.today})",
        f"Time: {budget}; {answer}",
    ]


def _verdict(plan: Plan) -> list[str]:
    if plan.unseen:
        last = max(row.day for row in plan.rows if row.new)
        intro = (
            f"the {plan.unseen} unseen cards, {plan.new_per_day} a day, all seen by {last}"
            f" (at the latest {STABILISE_DAYS} days before the interview, to stabilise)"
        )
    else:
        intro = "no unseen cards, reviews only"
    if plan.feasible:
        return [
            f"Plan until {plan.interview}: {intro};",
            f"desired retention {plan.desired_retention:g}, the highest of {RETENTIONS[0]:g}-{RETENTIONS[-1]:g}"
            " that fits; normal scheduling after.",
        ]
    assert plan.minutes_needed is not None
    needed = math.ceil(plan.minutes_needed)
    lines = [
        f"Does not fit in {_minutes(plan.minutes_per_day)} min a day: {intro}",
        f"needs {needed} min on the busiest day at desired retention {plan.desired_retention:g}, the least"
        f" demanding of {RETENTIONS[0]:g}-{RETENTIONS[-1]:g}.",
        f"Either give it {needed} min a day (the table below),",
    ]
    if plan.drop is None:
        return [*lines, "or review less: the cards already seen alone take more than the budget on some day."]
    return [*lines, *_drop_lines(plan.drop, plan.unseen)]


def _minutes(value: float) -> str:
    """A number of minutes as the user reads it: 45, 7.5, 1.2."""
    return f"{value:.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"


def _drop_lines(drop: tuple[UnseenCard, ...], unseen: int) -> list[str]:
    by_topic = Counter(card.topic.partition("/")[0] for card in drop)
    by_level = Counter("no level" if card.level is None else f"level {card.level}" for card in drop)
    shown = ", ".join(card.uid for card in drop[:DROP_LISTED]) + (", ..." if len(drop) > DROP_LISTED else "")
    return [
        f"or leave out {len(drop)} of the {unseen} unseen cards (suspend them; warm-ups first, then the ones"
        " the queue would show last):",
        "  by topic: " + ", ".join(f"{topic} {n}" for topic, n in by_topic.most_common()),
        "  by level: " + ", ".join(f"{level} {n}" for level, n in sorted(by_level.items())),
        f"  cards: {shown}",
    ]


def _table(plan: Plan) -> list[str]:
    lines = [f"{'day':<12}{'minutes':>8}{'reviews':>9}{'new':>6}"]
    for row in plan.rows:
        over = "  over" if row.minutes > plan.minutes_per_day else ""
        lines.append(f"{row.day.isoformat():<12}{row.minutes:>8.1f}{row.reviews:>9.0f}{row.new:>6}{over}")
    return lines


def _recall(plan: Plan) -> list[str]:
    if not plan.recall:
        return ["No cards to recall."]
    width = max(len("topic"), *(len(t.topic) for t in plan.recall))
    lines = [
        f"Expected recall on {plan.interview} (FSRS):",
        f"{'topic':<{width}}{'cards':>7}{'recall':>8}",
    ]
    lines += [f"{t.topic:<{width}}{t.cards:>7}{t.recall:>8.0%}" for t in plan.recall]
    return lines
