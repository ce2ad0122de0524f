"""The due queue and answering, checked against py-fsrs itself with a fixed clock and no fuzz."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import AnswerMarks, Grade, ReviewScheduler
from quizapp.store import queue
from quizapp.store.connection import from_db
from quizapp.store.database import Database
from quizapp.store.states import CardState
from tests.conftest import Clock, check_consistent, fetch


def row(db, card_id: int):  # type: ignore[no-untyped-def]
    (card,) = fetch(db, "SELECT * FROM card WHERE id = ?", card_id)
    return card


def logs(db) -> list:  # type: ignore[no-untyped-def]
    return fetch(db, "SELECT * FROM review ORDER BY id")


def test_new_cards_come_in_file_order_with_cloze_siblings_held_back(scheduler: ReviewScheduler) -> None:
    seen = []
    while (card := scheduler.next_card()) is not None and len(seen) < 10:
        seen.append(card.uid)
        scheduler.answer(card.id, Grade.Easy)
    assert seen == [
        "mini/forward-closed-form",
        "mini/adaln-zero-gate",
        "mini/cfg-formula#c1",
        "mini/select-all-efficient",
        "mini/cjk-noise",
    ]


def test_answer_matches_py_fsrs_for_the_same_card_and_rating(scheduler: ReviewScheduler, db, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    reference = fsrs.Scheduler(enable_fuzzing=False)
    card = scheduler.next_card()
    assert card is not None
    expected = fsrs.Card(card_id=card.id, due=clock())
    for grade, days_later in [(Grade.Good, 0), (Grade.Good, 1), (Grade.Good, 3), (Grade.Again, 9), (Grade.Good, 1)]:
        clock.advance(days=days_later, minutes=11)
        preview = scheduler.intervals(scheduler.card(card.id))
        expected, _ = reference.review_card(expected, fsrs.Rating(int(grade)), clock())
        wait = expected.due - clock()
        due = expected.due
        if expected.state == fsrs.State.Review:  # whole days, due from the start (4 am) of that study day
            wait = timedelta(days=wait.days)
            due = datetime.combine(clock().date() + wait, time(4), tzinfo=UTC)
        assert preview[grade] == wait
        result = scheduler.answer(card.id, grade, duration_ms=1500)
        stored = row(db, card.id)
        assert result.due == due == from_db(stored.due)
        assert (stored.state, stored.step) == (int(expected.state), expected.step)
        assert stored.stability == expected.stability and stored.difficulty == expected.difficulty
        assert from_db(stored.last_review) == clock()
    assert [log.rating for log in logs(db)] == [3, 3, 3, 1, 3]
    assert logs(db)[0].state_before == CardState.New and logs(db)[0].duration_ms == 1500


def test_undo_restores_the_card_exactly_and_deletes_the_log(scheduler: ReviewScheduler, db, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    card = scheduler.next_card()
    assert card is not None
    scheduler.answer(card.id, Grade.Good)
    clock.advance(days=2)
    before = row(db, card.id)
    result = scheduler.answer(card.id, Grade.Hard)
    assert row(db, card.id) != before
    assert scheduler.undo(result.review_id) == card.id
    assert row(db, card.id) == before
    assert len(logs(db)) == 1


def test_queue_order_learning_then_reviews_then_new(scheduler: ReviewScheduler, db, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    first = scheduler.next_card()
    assert first is not None
    scheduler.answer(first.id, Grade.Easy)  # -> review, due in days
    second = scheduler.next_card()
    assert second is not None
    scheduler.answer(second.id, Grade.Again)  # -> learning, due in 1 minute
    assert scheduler.next_card().uid == "mini/cfg-formula#c1"  # type: ignore[union-attr]  # nothing due: new
    clock.advance(minutes=2)
    assert scheduler.next_card().id == second.id  # type: ignore[union-attr]  # due learning first
    scheduler.answer(second.id, Grade.Easy)
    clock.advance(days=30)
    assert scheduler.next_card().id in {first.id, second.id}  # type: ignore[union-attr]  # reviews before new


def test_daily_new_limit(db, deck_dir, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    from quizapp.store.sync import sync_decks

    sync_decks(db, [deck_dir], clock())
    limited = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(new_per_day=2), now=clock, tz=UTC)
    for _ in range(2):
        card = limited.next_card()
        assert card is not None and card.state == CardState.New
        limited.answer(card.id, Grade.Easy)
    assert limited.next_card() is None
    assert limited.new_left_today() == 0
    assert limited.deck_counts(["mini"])["mini"].new == 0
    clock.advance(days=1)
    assert limited.new_left_today() == 2
    assert limited.next_card() is not None


def test_day_starts_at_the_configured_local_hour(db, deck_dir, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    from quizapp.store.sync import sync_decks

    sync_decks(db, [deck_dir], clock())
    clock.now = clock.now.replace(hour=23, minute=30)
    review = ReviewSettings(new_per_day=1, day_start_hour=4)
    s = ReviewScheduler(db, SchedulerSettings(fuzz=False), review, now=clock, tz=UTC)
    s.answer(s.next_card().id, Grade.Easy)  # type: ignore[union-attr]
    clock.advance(hours=2)  # 01:30, past midnight but before 4 am: still the same study day
    assert s.new_left_today() == 0 and s.reviewed_today() == 1
    clock.advance(hours=3)  # 04:30: a new day
    assert s.new_left_today() == 1 and s.reviewed_today() == 0


def test_suspend_and_bury(scheduler: ReviewScheduler, clock: Clock) -> None:
    first = scheduler.next_card()
    assert first is not None
    scheduler.suspend(first.id)
    second = scheduler.next_card()
    assert second is not None and second.id != first.id
    scheduler.bury(second.id)
    third = scheduler.next_card()
    assert third is not None and third.id not in {first.id, second.id}
    clock.advance(days=1)
    assert scheduler.next_card().id == second.id  # type: ignore[union-attr]  # unburied the next day, suspended stays out


def test_topic_filter(scheduler: ReviewScheduler) -> None:
    card = scheduler.next_card(topic="diffusion/mini/guidance")
    assert card is not None and card.uid == "mini/cfg-formula#c1"
    assert scheduler.next_card(topic="diffusion/mini/gui") is None  # a prefix of a path segment is not a match
    assert scheduler.next_card(deck_ids=["other"]) is None


def test_deck_counts(scheduler: ReviewScheduler, clock: Clock) -> None:
    counts = scheduler.deck_counts(["mini"])["mini"]
    assert (counts.new, counts.learning, counts.review, counts.total) == (6, 0, 0, 6)
    scheduler.answer(scheduler.next_card().id, Grade.Again)  # type: ignore[union-attr]
    counts = scheduler.deck_counts(["mini"])["mini"]
    assert (counts.new, counts.learning, counts.review) == (5, 1, 0)


def test_two_schedulers_answering_the_same_card_both_keep_their_answer(
    scheduler: ReviewScheduler, db, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    other = replace(scheduler.review)
    second = ReviewScheduler(db, SchedulerSettings(fuzz=False), other, now=clock, tz=UTC)
    card = scheduler.next_card()
    assert card is not None and second.next_card().id == card.id  # type: ignore[union-attr]
    scheduler.answer(card.id, Grade.Good)
    clock.advance(minutes=1)
    second.answer(card.id, Grade.Good)
    states = [(log.state_before, log.step_before) for log in logs(db)]
    assert states == [(CardState.New, None), (CardState.Learning, 1)]  # the second applied on top of the first
    assert row(db, card.id).state == CardState.Review  # learning step 1 + Good graduates


def test_when_the_queue_is_empty_nothing_is_left_to_count(scheduler: ReviewScheduler) -> None:
    """The progress bar reaches 100% exactly when the last card of the day is done: a cloze card held
    back by its sibling is not counted as still to come."""
    answered = 0
    while (card := scheduler.next_card()) is not None:
        assert scheduler.remaining() >= 1
        scheduler.answer(card.id, Grade.Easy)
        answered += 1
    assert answered == 5  # 6 cards; one cloze deletion waits for tomorrow
    assert scheduler.remaining() == 0


def card_id(db: Database, uid: str) -> int:
    ((found,),) = fetch(db, "SELECT id FROM card WHERE uid = ?", uid)
    return int(found)


def key_points(db: Database) -> list[tuple[int, int, int]]:
    return [tuple(r) for r in fetch(db, "SELECT review_id, point, recalled FROM review_key_point ORDER BY 1, 2")]


def test_an_answer_keeps_its_key_points_picked_options_cloze_and_kind(scheduler: ReviewScheduler, db: Database) -> None:
    cloze = card_id(db, "mini/cfg-formula#c1")
    marked = scheduler.answer(cloze, Grade.Hard, 2000, AnswerMarks((True, False, True), frozenset({3, 0})))
    plain = scheduler.answer(card_id(db, "mini/forward-closed-form"), Grade.Good)
    first, second = logs(db)
    assert (first.id, second.id) == (marked.review_id, plain.review_id)
    assert (first.kind, first.picked, first.cloze, first.duration_ms) == ("learning", "[0, 3]", 1, 2000)
    assert (first.retrievability, first.elapsed_days, first.utc_offset_minutes) == (None, None, 0)  # a new card
    assert (second.kind, second.picked, second.cloze) == ("learning", None, None)
    assert key_points(db) == [(marked.review_id, 0, 1), (marked.review_id, 1, 0), (marked.review_id, 2, 1)]


def test_a_review_logs_the_recall_fsrs_predicted_after_the_study_days_since_the_last(
    scheduler: ReviewScheduler, db: Database, clock: Clock
) -> None:
    card = card_id(db, "mini/forward-closed-form")
    scheduler.answer(card, Grade.Good)
    clock.advance(minutes=10)
    scheduler.answer(card, Grade.Good)  # 12:10 on 2 March: graduates
    stored = row(db, card)
    assert stored.state == CardState.Review
    clock.now = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # 3 study days later (day start 4 am), 2 days of 24 h
    scheduler.answer(card, Grade.Good)
    learning, step, review = logs(db)
    assert (learning.elapsed_days, step.elapsed_days, review.elapsed_days) == (None, 0, 3)
    assert (learning.kind, step.kind, review.kind) == ("learning", "learning", "review")
    reference = fsrs.Card(
        card_id=card,
        state=fsrs.State.Review,
        stability=stored.stability,
        difficulty=stored.difficulty,
        due=from_db(stored.due),
        last_review=clock() - timedelta(days=3),
    )
    expected = fsrs.Scheduler(enable_fuzzing=False).get_card_retrievability(reference, clock())
    assert review.retrievability == pytest.approx(expected, rel=1e-12) and review.retrievability < 0.95
    assert step.retrievability is not None and step.retrievability == pytest.approx(1.0)  # same day


def test_undo_deletes_the_key_points_of_the_answer_only(scheduler: ReviewScheduler, db: Database) -> None:
    kept = scheduler.answer(card_id(db, "mini/adaln-zero-gate"), Grade.Good, marks=AnswerMarks((True, True)))
    undone = scheduler.answer(card_id(db, "mini/forward-closed-form"), Grade.Again, None, AnswerMarks((False,)))
    scheduler.undo(undone.review_id)
    assert key_points(db) == [(kept.review_id, 0, 1), (kept.review_id, 1, 1)]
    with db.write() as conn:  # any other deletion of a review takes its key points along (foreign keys are on)
        conn.execute("DELETE FROM review WHERE id = ?", (kept.review_id,))
    assert key_points(db) == []


def test_an_answer_whose_key_points_fail_to_be_written_leaves_no_trace(
    scheduler: ReviewScheduler, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = card_id(db, "mini/forward-closed-form")
    before = row(db, card)
    broken = queue.LOG_KEY_POINT.replace(":recalled", "NULL")
    monkeypatch.setattr(queue, "LOG_KEY_POINT", broken)
    with pytest.raises(sqlite3.IntegrityError):
        scheduler.answer(card, Grade.Good, marks=AnswerMarks((True,)))
    assert row(db, card) == before and logs(db) == [] and key_points(db) == []


@pytest.mark.parametrize(
    ("zone", "moment", "offset"),
    [
        ("Asia/Shanghai", datetime(2026, 1, 15, 12, 0, tzinfo=UTC), 480),
        ("Europe/Berlin", datetime(2026, 7, 15, 12, 0, tzinfo=UTC), 120),
        ("Europe/Berlin", datetime(2026, 1, 15, 12, 0, tzinfo=UTC), 60),
        ("Europe/Berlin", datetime(2026, 3, 29, 0, 59, tzinfo=UTC), 60),  # a minute before the clocks go forward
        ("Europe/Berlin", datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 120),
    ],
)
def test_an_answer_logs_the_utc_offset_of_its_local_time(
    db: Database, deck_dir: Path, clock: Clock, zone: str, moment: datetime, offset: int
) -> None:
    from quizapp.store.sync import sync_decks

    sync_decks(db, [deck_dir], clock())
    clock.now = moment
    local = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=ZoneInfo(zone))
    local.answer(card_id(db, "mini/forward-closed-form"), Grade.Good)
    assert [log.utc_offset_minutes for log in logs(db)] == [offset]


def test_a_simulated_history_logs_what_answers_log(
    db: Database, deck_dir: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizapp.store.sync import sync_decks

    sync_decks(db, [deck_dir], clock())
    monkeypatch.setattr(sys, "path", [str(Path(__file__).parent.parent / "benchmarks"), *sys.path])
    import history

    written = history.fill(db.path, 1000, days=365, end=clock())  # every review of the 6 cards in a year
    assert fetch(db, "SELECT count(*) AS n FROM review") == [(written,)] and written > 30
    check_consistent(db.path)
    wrong = fetch(
        db,
        "SELECT count(*) AS n FROM review WHERE kind != CASE WHEN state_before = 2 THEN 'review' ELSE 'learning' END"
        " OR (elapsed_days IS NULL) != (state_before = 0) OR (retrievability IS NULL) != (state_before = 0)"
        " OR utc_offset_minutes IS NULL OR cloze IS NOT (SELECT cloze FROM card WHERE id = review.card_id)",
    )
    assert wrong == [(0,)]
    assert fetch(db, "SELECT count(DISTINCT cloze) AS n FROM review") == [(2,)]  # both cloze cards were reviewed
