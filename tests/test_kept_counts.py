"""The counts above the card are kept between cards and updated by each answer rather than counted again: after
every answer they must equal a count made from scratch, for every filter kept, whatever was answered (a new card,
a review, a lapse, a cloze card whose siblings then wait, a leech suspended, a card outside the filter), and
whatever else wrote (a bury, another window's answers, the next study day)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import Grade, QueueCounts, ReviewScheduler
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks
from tests.conftest import START, Clock

FILTERS: list[tuple[list[str] | None, str | None]] = [
    (None, None),
    (["deck-a"], None),
    (["deck-a", "deck-b"], None),
    (None, "math"),
    (["deck-b"], "math/algebra"),
]
SETTINGS = ReviewSettings(new_per_day=9, leech_threshold=2, leech_action="suspend")


def write_decks(folder: Path, seed: int = 3) -> None:
    """Three decks of open and cloze questions (two or three deletions each) over nested topics."""
    rng = random.Random(seed)
    folder.mkdir()
    for deck in ("deck-a", "deck-b", "deck-c"):
        lines = [f"format: 1\ndeck: {deck}\ntitle: {deck}\nquestions:"]
        for n in range(14):
            topic = rng.choice(["math/algebra", "math/geometry", "physics"])
            if n % 3 == 0:
                deletions = " ".join(f"{{{{c{i}::w{i}}}}}" for i in range(1, rng.choice((2, 3)) + 1))
                lines.append(f"  - id: q{n}\n    type: cloze\n    topic: {topic}\n    text: Words {deletions} here.")
            else:
                lines.append(f"  - id: q{n}\n    topic: {topic}\n    prompt: Question {n}?\n    answer: Answer {n}.")
        (folder / f"{deck}.yaml").write_text("\n".join(lines) + "\n")


def counted_afresh(db: Database, clock: Clock) -> list[QueueCounts]:
    """Every filter's counts from a scheduler that keeps none."""
    fresh = ReviewScheduler(db, SchedulerSettings(fuzz=False), SETTINGS, now=clock, tz=UTC)
    counts = []
    for deck_ids, topic in FILTERS:
        fresh.forget_counts()
        counts.append(fresh.left_today(deck_ids, topic))
    return counts


@pytest.mark.parametrize("start", [START, START.replace(hour=2, minute=30)], ids=["noon", "into-the-last-minutes"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_counts_equal_a_fresh_count_after_every_answer(tmp_path: Path, seed: int, start: datetime) -> None:
    """From noon, or from 2:30 am through the study day's last 20 minutes (from 3:40 the learn-ahead window
    reaches past the 4:00 day start) and into the next study day."""
    write_decks(tmp_path / "decks")
    clock = Clock(start)
    db = open_database(tmp_path / "q.db")
    other_db = open_database(tmp_path / "q.db")  # another window on the same database
    try:
        sync_decks(db, [tmp_path / "decks"], clock())
        scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), SETTINGS, now=clock, tz=UTC)
        other = ReviewScheduler(other_db, SchedulerSettings(fuzz=False), SETTINGS, now=clock, tz=UTC)
        rng = random.Random(seed)
        card_ids = [row[0] for row in db.conn.execute("SELECT id FROM card ORDER BY id")]
        updated = 0
        for step in range(400):
            if step % 60 == 59:  # the next study day, some hours in
                clock.advance(days=1, hours=rng.uniform(-3, 3))
            clock.advance(minutes=rng.uniform(0, 4))
            deck_ids, topic = rng.choice(FILTERS)
            kept = [scheduler.left_today(d, t) for d, t in FILTERS]  # every filter's counts kept before the answer
            up = scheduler.next_up(deck_ids, topic)
            assert up.card is None or up.counts == scheduler.left_today(deck_ids, topic)
            roll = rng.random()
            if roll < 0.05:
                other.answer(rng.choice(card_ids), Grade(rng.randint(1, 4)))
            elif roll < 0.08:
                scheduler.bury(rng.choice(card_ids))
            elif roll < 0.25 or up.card is None:  # any card, due or not, in the filter or not (as a mock does)
                scheduler.answer(rng.choice(card_ids), Grade(rng.randint(1, 4)))
            else:
                scheduler.answer(up.card.id, Grade(rng.choices((1, 2, 3, 4), weights=(3, 1, 5, 1))[0]))
            updated += bool(scheduler._counted)
            assert [scheduler.left_today(d, t) for d, t in FILTERS] == counted_afresh(db, clock), (step, kept)
        assert updated > 200  # most answers updated the kept counts rather than dropping them
    finally:
        other_db.close()
        db.close()


def test_counts_are_counted_again_once_another_window_answers(tmp_path: Path) -> None:
    write_decks(tmp_path / "decks")
    clock = Clock(START)
    db, other_db = open_database(tmp_path / "q.db"), open_database(tmp_path / "q.db")
    try:
        sync_decks(db, [tmp_path / "decks"], clock())
        scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), SETTINGS, now=clock, tz=UTC)
        other = ReviewScheduler(other_db, SchedulerSettings(fuzz=False), SETTINGS, now=clock, tz=UTC)
        before = scheduler.left_today()
        card = other.next_card()
        assert card is not None
        other.answer(card.id, Grade.Good)
        assert scheduler.left_today() == QueueCounts(before.new - 1, before.learning + 1, before.review)
    finally:
        other_db.close()
        db.close()


def test_counts_of_a_new_study_day_are_counted_again(scheduler: ReviewScheduler, clock: Clock) -> None:
    for _ in range(3):
        card = scheduler.next_card()
        assert card is not None
        scheduler.answer(card.id, Grade.Good)
    today = scheduler.left_today()
    clock.advance(days=1)
    tomorrow = scheduler.left_today()
    fresh = ReviewScheduler(scheduler.db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
    assert tomorrow.new > today.new and tomorrow == fresh.left_today()
    clock.advance(days=-1)  # the clock set back: the first day's counts again
    assert scheduler.left_today() == today


def test_in_the_last_minutes_the_learning_cards_the_window_brings_in_are_counted(
    scheduler: ReviewScheduler, clock: Clock
) -> None:
    """From 3:40 the learn-ahead window (20 minutes) reaches past the 4:00 day start and moves with the clock: a
    learning card due at 4:08 comes into the count at 3:48, with no write in between; the rest stays kept."""
    card = scheduler.next_card()
    assert card is not None
    clock.now = START.replace(hour=3, minute=58) + timedelta(days=1)
    scheduler.answer(card.id, Grade.Good)  # a new card's second learning step: due in 10 minutes, at 4:08
    assert scheduler.card(card.id).due == clock.now + timedelta(minutes=10)
    clock.now = START.replace(hour=3, minute=45) + timedelta(days=1)  # the same study day, 23 minutes before
    scheduler.forget_counts()
    before = scheduler.left_today()
    clock.advance(minutes=4)  # 3:49: the window reaches 4:09
    after = scheduler.left_today()
    assert scheduler._counted and after == replace(before, learning=before.learning + 1)
    fresh = ReviewScheduler(scheduler.db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
    assert after == fresh.left_today()
