"""Leeches: a card failed `leech_threshold` times is tagged, or suspended in the answer's own transaction, and
the undo of that answer brings it back. A lapse is an Again after at least a study day (`card_tally.lapses`)."""

from __future__ import annotations

from datetime import UTC, timedelta

from textual.widgets import Static

from quizapp.config import LeechAction, ReviewSettings, SchedulerSettings
from quizapp.library import Library
from quizapp.scheduling import AnswerResult, Grade, ReviewScheduler, leech_threshold_met
from quizapp.store import tallied
from quizapp.store.catalog import deck_infos
from quizapp.store.database import Database
from quizapp.store.states import CardState
from quizapp.tui import faces
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from tests.conftest import Clock, fetch
from tests.tui.conftest import settle

FIRST = "mini/forward-closed-form"  # the first card the mini deck's queue offers


def scheduler_with(scheduler: ReviewScheduler, threshold: int, action: LeechAction) -> ReviewScheduler:
    review = ReviewSettings(leech_threshold=threshold, leech_action=action)
    return ReviewScheduler(scheduler.db, SchedulerSettings(fuzz=False), review, now=scheduler.now, tz=UTC)


def card_id(db: Database, uid: str = FIRST) -> int:
    return int(fetch(db, "SELECT id FROM card WHERE uid = ?", uid)[0].id)


def suspended(db: Database, uid: str = FIRST) -> bool:
    return bool(fetch(db, "SELECT suspended FROM card WHERE uid = ?", uid)[0].suspended)


def to_review(scheduler: ReviewScheduler, clock: Clock, card: int) -> None:
    """A new card learnt: Good through its two learning steps, so it is in Review."""
    for _ in range(2):
        scheduler.answer(card, Grade.Good)
        clock.advance(minutes=10)
    assert scheduler.card(card).state == CardState.Review


def lapse(scheduler: ReviewScheduler, clock: Clock, card: int) -> AnswerResult:
    """Forget a card in Review on its due day (a lapse), then relearn it (Good after its 10-minute step)."""
    due = scheduler.card(card).due
    assert due is not None
    clock.now = max(due, clock.now + timedelta(days=1))
    result = scheduler.answer(card, Grade.Again)
    clock.advance(minutes=10)
    scheduler.answer(card, Grade.Good)
    return result


def test_anki_rule_leech_at_the_threshold_then_every_half_threshold() -> None:
    assert [n for n in range(1, 21) if leech_threshold_met(n, 8)] == [8, 12, 16, 20]
    assert [n for n in range(1, 10) if leech_threshold_met(n, 3)] == [3, 5, 7, 9]  # half of 3 rounds up
    assert [n for n in range(1, 4) if leech_threshold_met(n, 1)] == [1, 2, 3]


def test_the_lapse_that_reaches_the_threshold_makes_the_card_a_leech(
    scheduler: ReviewScheduler, clock: Clock, db: Database
) -> None:
    tagging = scheduler_with(scheduler, 3, "tag")
    card = card_id(db)
    to_review(tagging, clock, card)
    results = [lapse(tagging, clock, card) for _ in range(4)]
    assert [(r.lapses, r.leech, r.suspended) for r in results] == [
        (1, False, False),
        (2, False, False),
        (3, True, False),  # tag only: the card stays in the queue
        (4, False, False),  # a leech already; the next catch is at 5
    ]
    assert not suspended(db)
    tallied.bring_up_to_date(db)
    assert tagging.lapses(card) == 4 == fetch(db, "SELECT lapses FROM card_tally WHERE card_id = ?", card)[0].lapses


def test_again_while_learning_on_the_same_day_is_not_a_lapse(
    scheduler: ReviewScheduler, clock: Clock, db: Database
) -> None:
    strict = scheduler_with(scheduler, 1, "suspend")
    card = card_id(db)
    for _ in range(3):
        result = strict.answer(card, Grade.Again)
        clock.advance(minutes=1)
        assert (result.lapses, result.leech, result.suspended) == (0, False, False)
    assert not suspended(db)


def one_lapse_from_a_leech(scheduler: ReviewScheduler, clock: Clock, db: Database) -> tuple[ReviewScheduler, int]:
    """A scheduler whose leeches have 2 lapses and are suspended, and a card with 1, due now."""
    strict = scheduler_with(scheduler, 2, "suspend")
    card = card_id(db)
    to_review(strict, clock, card)
    lapse(strict, clock, card)
    due = strict.card(card).due
    assert due is not None
    clock.now = due
    return strict, card


def test_suspend_action_suspends_in_the_answer_and_undo_brings_the_card_back(
    scheduler: ReviewScheduler, clock: Clock, db: Database
) -> None:
    strict, card = one_lapse_from_a_leech(scheduler, clock, db)
    result = strict.answer(card, Grade.Again)
    assert (result.lapses, result.leech, result.suspended) == (2, True, True)
    assert suspended(db)
    clock.advance(minutes=10)  # its relearning step is over: only the suspension keeps it out
    next_card = strict.next_card()
    assert next_card is not None and next_card.id != card

    strict.undo(result.review_id)
    assert not suspended(db)
    assert strict.lapses(card) == 1 and strict.card(card).state == CardState.Review
    again = strict.answer(card, Grade.Again)  # the same lapse once more: suspended again
    assert again.suspended and suspended(db)


def test_undo_of_an_answer_that_suspended_nothing_leaves_suspension_alone(
    scheduler: ReviewScheduler, clock: Clock, db: Database
) -> None:
    """Only the answer that made the card a leech is undone with an unsuspend."""
    strict = scheduler_with(scheduler, 2, "suspend")
    card = card_id(db)
    to_review(strict, clock, card)
    clock.advance(days=30)
    good = strict.answer(card, Grade.Good)
    strict.suspend(card)  # e.g. from another window, after the answer
    strict.undo(good.review_id)
    assert suspended(db)


def test_faces_say_leech_and_what_to_do() -> None:
    assert faces.leech_tag(7, 8) == ""
    assert faces.leech_tag(8, 8) == "leech · 8 lapses"
    assert faces.leech_tag(1, 1) == "leech · 1 lapse"
    assert faces.leech_notice(8, True) == "This card is a leech: 8 lapses. Rewrite it or split it; it was suspended."
    assert faces.leech_notice(8, False) == "This card is a leech: 8 lapses. Rewrite it or split it."


# --- in the review screen ---------------------------------------------------------------


def make_app(scheduler: ReviewScheduler) -> QuizApp:
    deck_ids = [row.id for row in fetch(scheduler.db, "SELECT id FROM deck")]
    return QuizApp(Library(scheduler.db, scheduler, deck_infos(scheduler.db, deck_ids), []))


def leech_tag(app: QuizApp) -> str | None:
    """The leech label of the card shown, None when hidden."""
    tag = app.screen.query_one("#leech-tag", Static)
    return str(tag.render()) if tag.display else None


async def test_review_tags_a_leech_and_says_so_once_then_undo_brings_it_back(
    scheduler: ReviewScheduler, clock: Clock, db: Database
) -> None:
    strict, card = one_lapse_from_a_leech(scheduler, clock, db)  # the review card comes first, before new ones
    app = make_app(strict)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
        assert app.screen.card.uid == FIRST and leech_tag(app) is None  # one lapse: not yet
        await pilot.press("space", "1")
        await settle(pilot)
        assert suspended(db)
        notices = [(n.title, str(n.message)) for n in app._notifications]
        assert notices == [
            (f"Leech: {FIRST}", "This card is a leech: 2 lapses. Rewrite it or split it; it was suspended.")
        ]
        await pilot.press("u")
        await settle(pilot)
        assert not suspended(db)
        assert app.screen.card is not None and app.screen.card.uid == FIRST and leech_tag(app) is None


async def test_review_shows_the_leech_tag_on_a_leech_card(
    scheduler: ReviewScheduler, clock: Clock, db: Database
) -> None:
    tagging = scheduler_with(scheduler, 2, "tag")
    card = card_id(db)
    to_review(tagging, clock, card)
    for _ in range(2):
        lapse(tagging, clock, card)
    due = tagging.card(card).due
    assert due is not None
    clock.now = due
    app = make_app(tagging)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
        assert app.screen.card.uid == FIRST and leech_tag(app) == "leech · 2 lapses"
        await pilot.press("space", "3")  # a pass: no lapse, no notice, nothing suspended
        await settle(pilot)
        assert not suspended(db) and list(app._notifications) == []
        assert app.screen.card is not None and app.screen.card.uid != FIRST and leech_tag(app) is None
