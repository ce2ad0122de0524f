"""The drill rule: a drill goes through every card of a topic now, and reschedules only the cards the daily
review would show now; every other answer is a practice answer that leaves its card exactly as it was."""

from __future__ import annotations

from datetime import timedelta

from quizapp.drill import DrillQueue, drill_order
from quizapp.scheduling import AnswerMarks, Confidence, Grade, ReviewScheduler
from quizapp.store.states import CardState
from tests.conftest import Clock, fetch

SCHEDULE = "SELECT id, state, step, stability, difficulty, due, last_review FROM card ORDER BY id"


def learn(scheduler: ReviewScheduler, clock: Clock, card_id: int) -> None:
    for _ in range(2):
        scheduler.answer(card_id, Grade.Good)
        clock.advance(minutes=10)


def drill(scheduler: ReviewScheduler, topic: str, grades: dict[int, list[Grade]]) -> DrillQueue:
    """Answer a whole drill as `grades` says (per card, in turn; Good once its list is used up)."""
    cards = drill_order(scheduler, None, topic)
    queue = DrillQueue.of(cards)
    while (card_id := queue.next_id()) is not None:
        grade = grades.get(card_id, []).pop(0) if grades.get(card_id) else Grade.Good
        card = scheduler.card(card_id)
        marks = AnswerMarks((True, False), confidence=Confidence.Unsure)
        if scheduler.due_now(card):
            scheduler.answer(card_id, grade, 1000, marks, mode="drill")
        else:
            scheduler.practice(card_id, grade, 1000, marks, "drill")
        queue.answered(card_id, grade != Grade.Again)
    return queue


def test_a_drill_never_changes_the_schedule_of_a_card_that_is_not_due(scheduler: ReviewScheduler, clock: Clock) -> None:
    ids = [row.id for row in fetch(scheduler.db, "SELECT id FROM card ORDER BY id")]
    for card_id in ids[:3]:  # three in review, due days from now; the rest new
        learn(scheduler, clock, card_id)
    clock.advance(hours=2)
    before = fetch(scheduler.db, SCHEDULE)
    reviews_before = fetch(scheduler.db, "SELECT count(*) AS n FROM review")[0].n
    queue = drill(scheduler, "diffusion", {ids[0]: [Grade.Again, Grade.Again], ids[4]: [Grade.Again]})
    assert len(queue) == 0
    assert fetch(scheduler.db, SCHEDULE) == before  # not one due date, stability or state moved
    assert fetch(scheduler.db, "SELECT count(*) AS n FROM review")[0].n == reviews_before
    practice = fetch(scheduler.db, "SELECT card_id, mode, rating, confidence FROM practice_answer ORDER BY id")
    assert len(practice) == len(ids) + 3  # every card once, and the three Agains again
    assert {p.mode for p in practice} == {"drill"} and {p.confidence for p in practice} == {2}
    assert [p.rating for p in practice if p.card_id == ids[0]] == [1, 1, 3]
    key_points = fetch(scheduler.db, "SELECT count(*) AS n FROM practice_key_point")[0].n
    assert key_points == 2 * len(practice)


def test_a_due_card_answered_in_a_drill_is_a_review_like_any_other(scheduler: ReviewScheduler, clock: Clock) -> None:
    ids = [row.id for row in fetch(scheduler.db, "SELECT id FROM card ORDER BY id")]
    learn(scheduler, clock, ids[0])
    due = scheduler.card(ids[0]).due
    assert due is not None
    clock.now = due + timedelta(hours=1)
    assert scheduler.due_now(scheduler.card(ids[0]))
    order = drill_order(scheduler, None, "diffusion/mini")
    assert order[0].id == ids[0]  # due cards first, then new ones in deck order
    assert [c.state for c in order[1:]] == [CardState.New] * (len(ids) - 1)
    drill(scheduler, "diffusion/mini/forward", {})
    review = fetch(scheduler.db, "SELECT mode, confidence FROM review ORDER BY id DESC LIMIT 1")[0]
    assert (review.mode, review.confidence) == ("drill", 2)
    assert scheduler.card(ids[0]).due > clock.now + timedelta(days=1)  # rescheduled by its answer


def test_a_drill_asks_the_most_forgotten_seen_cards_before_the_better_known(
    scheduler: ReviewScheduler, clock: Clock
) -> None:
    ids = [row.id for row in fetch(scheduler.db, "SELECT id FROM card ORDER BY id")]
    learn(scheduler, clock, ids[0])
    clock.advance(days=1)
    learn(scheduler, clock, ids[1])  # learnt a day later: remembered better now
    order = [c.id for c in drill_order(scheduler, None, "diffusion") if c.state != CardState.New]
    assert order == [ids[0], ids[1]]


def test_an_undone_drill_answer_is_asked_again_first() -> None:
    queue = DrillQueue()
    queue.waiting.extend([1, 2, 3])
    queue.answered(1, True)
    queue.put_back(1)
    assert list(queue.waiting) == [1, 2, 3]


def test_due_now_follows_the_study_day_not_the_calendar_day(scheduler: ReviewScheduler, clock: Clock) -> None:
    """The day starts at 4 am (UTC here): at 03:30 a review due at 03:50 is today's, one due at 04:10 is not;
    a learning card is due within the 20-minute learn-ahead window."""
    from dataclasses import replace
    from datetime import UTC, datetime

    card = scheduler.card(fetch(scheduler.db, "SELECT id FROM card ORDER BY id")[0].id)
    clock.now = datetime(2026, 3, 3, 3, 30, tzinfo=UTC)
    review = replace(card, state=CardState.Review, stability=5.0, difficulty=5.0, last_review=clock.now)
    assert scheduler.due_now(replace(review, due=datetime(2026, 3, 3, 3, 50, tzinfo=UTC)))
    assert not scheduler.due_now(replace(review, due=datetime(2026, 3, 3, 4, 10, tzinfo=UTC)))
    learning = replace(review, state=CardState.Learning)
    assert scheduler.due_now(replace(learning, due=clock.now + timedelta(minutes=19)))
    assert not scheduler.due_now(replace(learning, due=clock.now + timedelta(minutes=21)))
    assert not scheduler.due_now(card)  # new
