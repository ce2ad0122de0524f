"""Mock interviews: drawing toward weak topics, the run with its follow-ups, the scorecard."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC
from pathlib import Path

import pytest

from quizapp.config import MockSettings, ReviewSettings, SchedulerSettings
from quizapp.mock import Candidate, MockRun, candidates, draw, question_count, scorecard, suggested_grade
from quizapp.scheduling import AnswerMarks, Grade, ReviewScheduler
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from tests.conftest import Clock, fetch


def deck_of_two_topics(folder: Path, per_topic: int = 10) -> None:
    """Open level-4 questions, half under `weak/`, half under `strong/`."""
    lines = ["format: 1", "deck: two", "questions:"]
    for topic in ("weak", "strong"):
        for i in range(per_topic):
            lines += [
                f"  - id: {topic}-{i}",
                f"    topic: {topic}/part",
                "    level: 4",
                f"    prompt: Explain {topic} {i}.",
                "    answer: Because.",
                "    key_points: [first, second]",
            ]
    folder.mkdir()
    (folder / "two.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def two_topics(db: Database, tmp_path: Path, clock: Clock) -> ReviewScheduler:
    deck_of_two_topics(tmp_path / "two")
    sync_decks(db, [tmp_path / "two"], clock())
    return ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)


def history(scheduler: ReviewScheduler, clock: Clock) -> None:
    """Every card learnt; a week on the strong ones are recalled with every key point, the weak ones forgotten
    with none."""
    cards = fetch(scheduler.db, "SELECT id, topic FROM card ORDER BY id")
    for card in cards:
        for _ in range(2):
            scheduler.answer(card.id, Grade.Good)
        clock.advance(minutes=1)
    clock.advance(days=7)
    for card in cards:
        weak = card.topic.startswith("weak")
        marks = AnswerMarks((not weak, not weak))
        scheduler.answer(card.id, Grade.Again if weak else Grade.Good, 1000, marks)


def test_weak_topics_are_drawn_measurably_more_often_than_strong_ones(
    two_topics: ReviewScheduler, clock: Clock
) -> None:
    history(two_topics, clock)
    pool = candidates(two_topics, None, None)
    assert len(pool) == 20
    weak = [c.weight for c in pool if c.topic.startswith("weak")]
    strong = [c.weight for c in pool if c.topic.startswith("strong")]
    assert min(weak) > 2 * max(strong)
    rng = random.Random(7)
    drawn = Counter(c.topic.split("/")[0] for _ in range(2000) for c in draw(pool, 1, rng))
    assert drawn["weak"] > 3 * drawn["strong"] > 0  # weights about 4.5 against 1.3


def test_never_seen_questions_weigh_more_than_well_known_ones_and_open_deep_ones_more_than_shallow() -> None:
    def candidate(**changes: object) -> Candidate:
        base: dict[str, object] = dict(
            card_id=1, topic="t", kind="open", level=4, recall=0.95, miss_share=0.0,
            key_point_miss_share=0.0, topic_again_rate=0.0,
        )  # fmt: skip
        return Candidate(**{**base, **changes})  # type: ignore[arg-type]

    known = candidate()
    assert candidate(recall=None).weight > known.weight
    assert candidate(kind="choice").weight < known.weight and candidate(level=1).weight < known.weight
    assert candidate(key_point_miss_share=1.0).weight == pytest.approx(known.weight + 1)


def test_a_draw_is_the_same_for_the_same_seed_and_goes_across_topics(two_topics: ReviewScheduler) -> None:
    pool = candidates(two_topics, None, None)
    first = [c.card_id for c in draw(pool, 6, random.Random(3))]
    assert first == [c.card_id for c in draw(pool, 6, random.Random(3))]
    assert len(set(first)) == 6
    areas = Counter(c.topic.split("/")[0] for c in draw(pool, 6, random.Random(3)))
    assert areas["weak"] >= 2 and areas["strong"] >= 2  # halving a topic's weight on each draw spreads them
    assert {c.topic for c in candidates(two_topics, None, "weak")} == {"weak/part"}


def test_question_count_is_one_per_countdown() -> None:
    assert question_count(MockSettings(), 30) == 7
    assert question_count(MockSettings(seconds_per_question=60), 3) == 3
    assert question_count(MockSettings(), 1) == 1


def test_the_grade_suggested_by_key_points_covered() -> None:
    assert [suggested_grade(n, 4) for n in range(5)] == [Grade.Again, Grade.Hard, Grade.Hard, Grade.Good, Grade.Easy]
    assert suggested_grade(0, 0) == Grade.Good


def test_a_mock_asks_follow_ups_next_and_its_scorecard_adds_up(scheduler: ReviewScheduler, clock: Clock) -> None:
    run = MockRun.start(scheduler, MockSettings(), minutes=8, topic="diffusion/mini", seed=1)
    assert run.main_questions_left == 2
    first = run.next_item()
    assert first is not None and first.parent is None
    follow_ups = len(first.card.question.follow_ups)
    points = len(first.card.question.key_points)
    run.record(scheduler, first, Grade.Good, 200.0, "my notes", AnswerMarks((True,) * points))
    assert len(run.waiting) == 1 + follow_ups
    follow_up = run.next_item()
    assert follow_up is not None and follow_up.parent is not None and follow_up.is_plain_follow_up
    run.record(scheduler, follow_up, Grade.Again, 30.0, "", AnswerMarks())
    while (item := run.next_item()) is not None:
        clock.advance(minutes=1)
        run.record(
            scheduler,
            item,
            Grade.Hard,
            300.0,
            "",
            AnswerMarks((False,) * (0 if item.follow_up else len(item.card.question.key_points))),
        )
    run.finish(scheduler)
    card = scorecard(scheduler.db, run.mock_id)
    assert len(card.asked) == run.asked and sum(q.is_follow_up for q in card.asked) >= follow_ups
    assert card.asked[0].notes == "my notes" and card.asked[0].covered == 1.0
    assert card.over_time == sum(1 for q in card.asked if q.seconds > 240)
    assert card.weakest(1)[0].covered == 0.0
    topics = {t.topic: t for t in card.topics}
    parent = topics[card.asked[0].topic]
    assert parent.follow_ups >= 1 and parent.follow_ups_missed >= 1  # the missed follow-up counts for its parent
    assert card.key_points == sum(q.key_points for q in card.asked) and card.recalled == points
    reviews = fetch(scheduler.db, "SELECT mode FROM review")
    assert {r.mode for r in reviews} == {"mock"} and len(reviews) == 2  # plain follow-ups are not reviews


def test_mock_answers_are_practice_answers_when_they_do_not_count_as_reviews(
    scheduler: ReviewScheduler, clock: Clock
) -> None:
    run = MockRun.start(scheduler, MockSettings(counts_as_review=False), minutes=4, topic=None, seed=2)
    item = run.next_item()
    assert item is not None
    run.record(scheduler, item, Grade.Good, 10.0, "", AnswerMarks())
    run.finish(scheduler)
    assert fetch(scheduler.db, "SELECT count(*) AS n FROM review")[0].n == 0
    assert fetch(scheduler.db, "SELECT mode FROM practice_answer")[0].mode == "mock"
    second = MockRun.start(scheduler, MockSettings(), minutes=4, topic=None, seed=3)
    item = second.next_item()
    assert item is not None
    second.record(scheduler, item, Grade.Good, 20.0, "", AnswerMarks())
    second.finish(scheduler)
    earlier = scorecard(scheduler.db, second.mock_id).earlier
    assert [e.mock_id for e in earlier] == [run.mock_id] and earlier[0].mean_seconds == 10.0


def test_a_follow_up_that_names_a_deck_question_is_asked_as_its_card(
    db: Database, tmp_path: Path, clock: Clock
) -> None:
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "linked.yaml").write_text(
        "format: 1\ndeck: linked\nquestions:\n"
        "  - id: parent\n    level: 4\n    prompt: Why adaLN-Zero?\n    answer: Identity at init.\n"
        "    follow_ups:\n      - question: child\n        text: And the final layer?\n      - Plain one?\n"
        "  - id: child\n    level: 1\n    type: choice\n    prompt: Final layer init?\n    choices: [zero, random]\n"
        "    correct: 0\n",
        encoding="utf-8",
    )
    sync_decks(db, [folder], clock())
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
    run = MockRun.start(scheduler, MockSettings(), minutes=4, topic=None, seed=0)
    first = run.next_item()
    assert first is not None and first.card.uid == "linked/parent"
    run.record(scheduler, first, Grade.Good, 60.0, "", AnswerMarks())
    linked, plain = list(run.waiting)
    assert linked.card.uid == "linked/child" and linked.follow_up is None and linked.parent is not None
    assert plain.follow_up == "Plain one?" and plain.card.uid == "linked/parent"
