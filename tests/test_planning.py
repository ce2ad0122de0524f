"""Interview-date mode on a small deck ten days before the interview: every unseen card introduced in time, the
daily load within the stated minutes, the highest retention that fits, and what an impossible budget needs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizapp import plan_command
from quizapp.config import ReviewSettings, SchedulerSettings, Settings
from quizapp.planning import (
    RETENTIONS,
    STABILISE_DAYS,
    Plan,
    PlanError,
    make_plan,
)
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks
from tests.conftest import Clock

TOPICS = ("vision/encoders", "diffusion/dit", "llm/rlhf")
T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 5)
INTERVIEW = TODAY + timedelta(days=10)
SCHEDULER = SchedulerSettings(fuzz=False)
REVIEW = ReviewSettings()
SECONDS_PER_ANSWER = 15
SEEN_PER_TOPIC = 4  # of 10 questions a topic: 12 cards seen, 18 unseen


def deck_yaml() -> str:
    """Thirty questions, ten a topic, levels 1 to 5 in turn."""
    lines = ["format: 1", "deck: plan-test", "title: Plan test", "topic: vision", "questions:"]
    for t, topic in enumerate(TOPICS):
        for i in range(10):
            lines += [
                f"  - id: q{t}-{i}",
                f"    topic: {topic}",
                f"    level: {i % 5 + 1}",
                f"    prompt: Question {i} on {topic}?",
                f"    answer: Answer {i}.",
            ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The deck synced on 1 November; the first four questions of each topic answered Good twice ten minutes
    apart (so in Review), then Hard, Good or Easy on 3 November (so due on different days); 15 s an answer."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "plan.yaml").write_text(deck_yaml(), encoding="utf-8")
    database = open_database(tmp_path / "quizapp.db")
    clock = Clock(T0)
    sync_decks(database, [decks], clock())
    scheduler = ReviewScheduler(database, SCHEDULER, REVIEW, now=clock, tz=UTC)
    ids = dict(database.conn.execute("SELECT question_id, id FROM card").fetchall())
    seen = [ids[f"q{t}-{i}"] for t in range(len(TOPICS)) for i in range(SEEN_PER_TOPIC)]
    for _ in range(2):
        for card_id in seen:
            scheduler.answer(card_id, Grade.Good, SECONDS_PER_ANSWER * 1000)
        clock.advance(minutes=10)
    clock.advance(days=2)
    for card_id, grade in zip(seen, [Grade.Hard, Grade.Good, Grade.Easy] * 4, strict=True):
        scheduler.answer(card_id, grade, SECONDS_PER_ANSWER * 1000)
    yield database
    database.close()


def plan_for(db: Database, minutes: float | None, interview: date = INTERVIEW) -> Plan:
    return make_plan(db, SCHEDULER, REVIEW, interview, minutes, TODAY, UTC)


def test_every_unseen_card_is_introduced_by_the_last_new_day(db: Database) -> None:
    plan = plan_for(db, 60)
    assert plan.unseen == 18 and plan.days == 10
    assert plan.last_new_day == INTERVIEW - timedelta(days=STABILISE_DAYS)
    assert [row.day for row in plan.rows] == [TODAY + timedelta(days=i) for i in range(10)]
    assert sum(row.new for row in plan.rows) == plan.unseen
    assert all(row.new == 0 for row in plan.rows if row.day > plan.last_new_day)
    assert max(row.new for row in plan.rows) == plan.new_per_day == math.ceil(18 / 8)  # 8 days: 5-12 November


def test_the_pace_is_measured_from_the_answers(db: Database) -> None:
    plan = plan_for(db, None)
    assert plan.pace.seconds_per_answer == SECONDS_PER_ANSWER and plan.pace.timed_answers == 36
    assert plan.pace.study_days == 2 and plan.minutes_per_day == pytest.approx(36 * SECONDS_PER_ANSWER / 60 / 2)
    assert not plan.minutes_given


def test_daily_minutes_never_exceed_the_budget(db: Database) -> None:
    roomy = plan_for(db, 600)
    assert roomy.feasible and roomy.desired_retention == RETENTIONS[-1]
    budget = roomy.peak_minutes * 0.9  # too little for the highest retention: the plan must choose a lower one
    plan = plan_for(db, budget)
    assert plan.feasible and plan.desired_retention < RETENTIONS[-1]
    assert all(row.minutes <= budget for row in plan.rows)
    assert sum(row.new for row in plan.rows) == plan.unseen


def test_the_retention_is_the_highest_that_fits(db: Database) -> None:
    top = plan_for(db, 600).peak_minutes
    budgets = [top * share / 20 for share in range(10, 23)]  # from half the roomiest plan's busiest day to above it
    plans = [plan_for(db, minutes) for minutes in budgets]
    retentions = [plan.desired_retention for plan in plans if plan.feasible]
    assert retentions == sorted(retentions)  # a bigger budget never gives a lower retention
    assert len(set(retentions)) >= 2 and retentions[-1] == RETENTIONS[-1]  # and these budgets do make it choose
    assert not plans[0].feasible
    for budget, plan in zip(budgets, plans, strict=True):
        # a retention that fitted some budget and fits this one too: this one's is at least as high
        fitted = [p.desired_retention for p in plans if p.feasible and p.peak_minutes <= budget]
        assert plan.desired_retention == max(fitted) if fitted else not plan.feasible


def test_a_budget_too_small_says_what_it_needs(db: Database) -> None:
    plan = plan_for(db, 1.5)
    assert not plan.feasible and plan.minutes_needed is not None and plan.minutes_needed > 1.5
    assert plan.minutes_needed == pytest.approx(plan.peak_minutes)  # the table shows what it needs
    assert plan_for(db, math.ceil(plan.minutes_needed)).feasible  # what it says it needs is enough,
    assert not plan_for(db, plan.minutes_needed - 0.01).feasible  # and no less would do
    assert plan.drop is not None and 0 < len(plan.drop) < plan.unseen
    with db.write() as conn:  # the promise: without the cards it names, the plan fits the budget
        conn.executemany("UPDATE card SET suspended = 1 WHERE id = ?", [(card.id,) for card in plan.drop])
    smaller = plan_for(db, 1.5)
    assert smaller.feasible and smaller.unseen == plan.unseen - len(plan.drop)
    assert all(row.minutes <= 1.5 for row in smaller.rows)


def test_dropped_cards_are_the_lowest_levels(db: Database) -> None:
    plan = plan_for(db, 1.5)
    assert plan.drop is not None
    dropped = {card.id for card in plan.drop}
    levels = dict(db.conn.execute("SELECT id, level FROM card WHERE state = 0").fetchall())
    kept = [level for card_id, level in levels.items() if card_id not in dropped]
    assert max(card.level or 0 for card in plan.drop) <= min(kept)


def test_no_drop_helps_when_the_seen_cards_alone_exceed_the_budget(db: Database) -> None:
    plan = plan_for(db, 0.05)
    assert not plan.feasible and plan.drop is None and plan.minutes_needed is not None


def test_recall_on_the_day_per_top_level_topic(db: Database) -> None:
    plan = plan_for(db, 60)
    assert sorted(t.topic for t in plan.recall) == ["diffusion", "llm", "vision"]
    assert all(t.cards == 10 and 0.8 < t.recall < 1 for t in plan.recall)


@pytest.mark.parametrize("interview", [TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=366)])
def test_a_date_not_ahead_or_too_far_is_refused(db: Database, interview: date) -> None:
    with pytest.raises(PlanError) as raised:
        plan_for(db, 30, interview)
    assert raised.value.exit_code == 2


def test_the_command_prints_a_row_a_day(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(db_path=db.path, deck_paths=(), scheduler=SCHEDULER, review=replace(REVIEW))
    assert plan_command.run(settings, INTERVIEW, 60, today=TODAY) == 0
    out = capsys.readouterr().out
    assert "Interview on 2026-11-15 (10 days from 2026-11-05)" in out
    assert "the 18 unseen cards, 3 a day, all seen by 2026-11-10" in out
    assert sum(line.startswith("2026-11-") for line in out.splitlines()) == 10
    assert plan_command.run(settings, INTERVIEW, 2, today=TODAY) == 0  # a budget too small, given as a whole number
    out = capsys.readouterr().out
    assert "Does not fit in 2 min a day" in out and "or leave out " in out and "  over" in out
    with pytest.raises(PlanError):
        plan_command.run(settings, TODAY, 60, today=TODAY)


def test_apply_writes_the_plan_and_the_scheduler_follows_it_until_the_interview(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizapp.config import in_force, load_settings

    settings = load_settings(str(db.path))
    assert plan_command.run(settings, INTERVIEW, 60, today=TODAY, apply=True) == 0
    assert "applied until" in capsys.readouterr().out
    planned = load_settings(str(db.path))
    assert planned.plan.interview_date == INTERVIEW and planned.plan.new_per_day == plan_for(db, 60).new_per_day
    chosen = plan_for(db, 60).desired_retention
    before = in_force(planned, INTERVIEW - timedelta(days=1))
    assert before.review.new_per_day == planned.plan.new_per_day and before.scheduler.desired_retention == chosen
    assert in_force(planned, INTERVIEW) == planned and planned.review == settings.review


def test_plan_without_a_date_is_a_one_line_usage_error(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    from quizapp.cli import main

    assert main(["--db", str(db.path), "plan"]) == 2
    assert (
        capsys.readouterr().err
        == "quizapp: give the interview date: --interview 2027-01-15 (or set plan.interview_date)\n"
    )
