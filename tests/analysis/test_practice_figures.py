"""What the reports say of practice: confidence said before the reveal against the outcome, mock interviews as
their scorecards sum them up, and missed follow-ups counted against the question that started them.

The history is made through the real scheduler and mock run at fixed times; every figure is counted by hand.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizapp.analysis import measures
from quizapp.analysis.build import build_report
from quizapp.analysis.export_csv import to_csv
from quizapp.analysis.export_html import to_html
from quizapp.analysis.export_json import report_json_schema, to_json
from quizapp.analysis.export_markdown import to_markdown
from quizapp.analysis.model import Filters, Report, TopicRow
from quizapp.config import MockSettings, ReviewSettings, SchedulerSettings
from quizapp.mock import Item, MockRun, scorecard
from quizapp.scheduling import AnswerMarks, Confidence, Grade, ReviewScheduler
from quizapp.store import connection
from quizapp.store import report_queries as q
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks
from tests.analysis.test_export_csv_json import schema_errors
from tests.conftest import Clock

DECK = """\
format: 1
deck: chain
questions:
  - id: attention
    topic: alpha/core
    level: 4
    prompt: Why scale dot products by the square root of d?
    answer: To keep the softmax out of saturation.
    key_points: [variance grows with d, softmax saturates]
    follow_ups: [What breaks without the scale?]
  - id: kv-cache
    topic: beta/serving
    level: 4
    prompt: What does a KV cache store?
    answer: The keys and values of past tokens.
    key_points: [keys and values per layer]
    follow_ups: [How big is it for a 7B model?]
"""
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SETTINGS = SchedulerSettings(fuzz=False)
PRACTICE_ONLY = MockSettings(counts_as_review=False)  # the mock leaves reviews alone: only follow-ups change K


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[tuple[Database, ReviewScheduler, Clock]]:
    """Two questions in two topics, each with a plain follow-up.

    40 days before START: kv-cache Again, said guess (outside the 30-day window).
    START: attention Good (sure), kv-cache Good (unsure).
    START + 3 days: attention Good (sure, both key points), kv-cache Again (sure, its key point missed), and a
    drill answer to kv-cache, Hard (guess). Then the clock set back 40 days: kv-cache Again (guess), logged after
    the others but outside the window, as an answer of a clock set back or an import is.
    """
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "chain.yaml").write_text(DECK, encoding="utf-8")
    db = open_database(tmp_path / "quizapp.db")
    clock = Clock(START - timedelta(days=40))
    sync_decks(db, [decks], clock())
    scheduler = ReviewScheduler(db, SETTINGS, ReviewSettings(), now=clock, tz=UTC)
    ids = card_ids(db)
    scheduler.answer(ids["kv-cache"], Grade.Again, 1000, AnswerMarks(confidence=Confidence.Guess))
    clock.now = START
    scheduler.answer(ids["attention"], Grade.Good, 1000, AnswerMarks(confidence=Confidence.Sure))
    scheduler.answer(ids["kv-cache"], Grade.Good, 1000, AnswerMarks(confidence=Confidence.Unsure))
    clock.advance(days=3)
    scheduler.answer(ids["attention"], Grade.Good, 1000, AnswerMarks((True, True), confidence=Confidence.Sure))
    scheduler.answer(ids["kv-cache"], Grade.Again, 1000, AnswerMarks((False,), confidence=Confidence.Sure))
    scheduler.practice(ids["kv-cache"], Grade.Hard, 5000, AnswerMarks(confidence=Confidence.Guess), "drill")
    clock.now -= timedelta(days=40)
    scheduler.answer(ids["kv-cache"], Grade.Again, 1000, AnswerMarks(confidence=Confidence.Guess))
    clock.now += timedelta(days=40)
    yield db, scheduler, clock
    db.close()


def card_ids(db: Database) -> dict[str, int]:
    return {row[1]: row[0] for row in db.conn.execute("SELECT id, question_id FROM card")}


def run_mock(scheduler: ReviewScheduler, clock: Clock) -> int:
    """A mock on `alpha`: attention (unsure, 1 of 2 key points, 200 s); kv-cache asked as its follow-up (as a deck
    link asks it) and missed (sure, 300 s: over the 240 s countdown), then kv-cache's own plain follow-up, missed
    too (20 s); then attention's plain follow-up, answered (30 s). Returns the mock's id."""
    clock.advance(hours=1)
    run = MockRun.start(scheduler, PRACTICE_ONLY, minutes=4, topic="alpha", seed=1)
    kv_cache = scheduler.card(card_ids(scheduler.db)["kv-cache"])
    answers = [
        (Grade.Good, 200.0, AnswerMarks((True, False), confidence=Confidence.Unsure)),
        (Grade.Again, 300.0, AnswerMarks((False,), confidence=Confidence.Sure)),
        (Grade.Again, 20.0, AnswerMarks()),
        (Grade.Good, 30.0, AnswerMarks()),
    ]
    asked = []
    for grade, seconds, marks in answers:
        item = run.next_item()
        assert item is not None
        asked.append((item.card.uid, item.parent is not None, item.follow_up))
        asked_id = run.record(scheduler, item, grade, seconds, "", marks)
        if item.card.id != kv_cache.id and item.parent is None:  # the linked follow-up, first of the follow-ups
            run.waiting.appendleft(Item(kv_cache, parent=asked_id))
    assert run.next_item() is None
    run.finish(scheduler)
    assert asked == [
        ("chain/attention", False, None),
        ("chain/kv-cache", True, None),
        ("chain/kv-cache", True, "How big is it for a 7B model?"),
        ("chain/attention", True, "What breaks without the scale?"),
    ]
    return run.mock_id


def report(db: Database, clock: Clock, **filters: object) -> Report:
    chosen = {"min_reviews_topic": 1, "min_reviews_question": 1, **filters}
    return build_report(db, SETTINGS, ReviewSettings(), Filters(**chosen), now=clock(), tz=UTC)  # type: ignore[arg-type]


def topics(built: Report) -> dict[str, TopicRow]:
    return {t.topic: t for t in built.topics}


def test_confidence_counts_reviews_and_practice_answers_of_the_window_by_level(
    chain: tuple[Database, ReviewScheduler, Clock],
) -> None:
    db, scheduler, clock = chain
    run_mock(scheduler, clock)
    built = report(db, clock)
    # sure: attention ×2 right, kv-cache review and mock answer wrong; unsure: kv-cache review, attention in the
    # mock; guess: the drill's Hard (the guesses 40 days ago are outside the window); plain follow-ups are no answer
    assert [(c.level, c.answers, c.right) for c in built.confidence] == [
        ("sure", 4, 2),
        ("unsure", 2, 2),
        ("guess", 1, 1),
    ]
    sure = built.confidence[0]
    assert (sure.low, sure.high) == (measures.wilson_low(2, 4), measures.wilson_high(2, 4))
    assert sure.rate == 0.5 and 0.15 < sure.low < 0.5 < sure.high < 0.85
    assert [c.reading for c in built.confidence] == [
        "sure: right 50% of 4 — sure but wrong 2 times; right less often than the unsure answers (100% of 2);"
        " right less often than the guess answers (100% of 1)",
        "unsure: right 100% of 2",
        "guess: right 100% of 1 — more than 80% of guesses right",
    ]
    beta = report(db, clock, topic="beta")  # the report's filter applies: kv-cache's answers only
    assert [(c.level, c.answers, c.right) for c in beta.confidence] == [
        ("sure", 2, 0),
        ("unsure", 1, 1),
        ("guess", 1, 1),
    ]
    wider = report(db, clock, window_days=60)
    assert [(c.answers, c.right) for c in wider.confidence][2] == (3, 1)  # the old guesses, now in the window


def test_no_confidence_said_reads_as_no_answers(chain: tuple[Database, ReviewScheduler, Clock]) -> None:
    db, _, clock = chain
    clock.advance(days=60)
    built = report(db, clock)
    assert [(c.answers, c.right, c.low, c.high, c.reading) for c in built.confidence] == [
        (0, 0, 0.0, 1.0, f"{level}: no answers") for level in ("sure", "unsure", "guess")
    ]
    assert "No answer of the last 30 days came with a confidence said before the reveal." in to_markdown(built)


def test_the_mock_section_has_the_scorecards_figures(chain: tuple[Database, ReviewScheduler, Clock]) -> None:
    db, scheduler, clock = chain
    first = run_mock(scheduler, clock)
    clock.advance(days=1)
    run = MockRun.start(scheduler, MockSettings(), minutes=4, topic="beta", seed=2)
    for grade, seconds in ((Grade.Good, 100.0), (Grade.Good, 10.0)):  # kv-cache, then its plain follow-up
        item = run.next_item()
        assert item is not None
        run.record(scheduler, item, grade, seconds, "", AnswerMarks((True,) * (0 if item.follow_up else 1)))
    run.finish(scheduler)
    built = report(db, clock)
    assert [m.mock_id for m in built.mocks] == [run.mock_id, first]  # newest first
    for row in built.mocks:
        card = scorecard(db, row.mock_id)
        main = sum(not asked.is_follow_up for asked in card.asked)
        assert (row.questions, row.follow_ups) == (main, len(card.asked) - main)
        assert row.follow_ups_missed == sum(t.follow_ups_missed for t in card.topics)
        assert (row.key_points, row.recalled, row.covered) == (card.key_points, card.recalled, card.covered)
        assert (row.mean_seconds, row.over_time) == (card.mean_seconds, card.over_time)
        assert row.seconds_per_question == card.seconds_per_question == 240
    mock = built.mocks[1]
    assert (mock.questions, mock.follow_ups, mock.follow_ups_missed, mock.key_points, mock.recalled) == (1, 3, 2, 3, 1)
    assert (mock.mean_seconds, mock.over_time, mock.topic, mock.minutes) == (137.5, 1, "alpha", 4)
    alpha = {t.topic: t for t in scorecard(db, first).topics}["alpha/core"]
    assert (alpha.follow_ups, alpha.follow_ups_missed) == (3, 2)  # what the report files under alpha/core below


def test_a_mock_starts_at_the_reports_local_time(chain: tuple[Database, ReviewScheduler, Clock]) -> None:
    db, scheduler, clock = chain
    run_mock(scheduler, clock)
    east = timezone(timedelta(hours=8))
    built = build_report(db, SETTINGS, ReviewSettings(), Filters(), now=clock(), tz=east)
    started = built.mocks[0].started_at
    assert started == START + timedelta(days=3, hours=1) and started.utcoffset() == timedelta(hours=8)
    assert "| 2026-03-05 21:00 |" in to_markdown(built)  # 13:00 UTC


def test_a_missed_follow_up_counts_against_the_topic_that_asked_it(
    chain: tuple[Database, ReviewScheduler, Clock],
) -> None:
    db, scheduler, clock = chain
    before = topics(report(db, clock))
    run_mock(scheduler, clock)
    built = report(db, clock)
    after = topics(built)
    for name in ("alpha", "alpha/core"):  # every level of the path
        f = after[name].figures
        assert (f.follow_ups, f.follow_ups_missed) == (3, 2)  # kv-cache and its own follow-up: chain of attention
        assert (f.key_points_marked, f.key_points_missed) == (2, 0)
        weak, was = f.weakness, before[name].figures.weakness
        assert weak is not None and was is not None and was.missed == 0.0
        assert weak.missed == pytest.approx(2 / 5)  # (0 key points + 2 follow-ups missed) / (2 marked + 3 asked)
        assert weak.score == pytest.approx(was.score + 0.5 * 2 / 5, abs=1e-6)
        assert weak.missed_key_points == 0.0
    for name in ("beta", "beta/serving"):  # kv-cache's own topic: the mock's answers were practice, nothing moves
        assert (after[name].figures.follow_ups, after[name].figures.follow_ups_missed) == (0, 0)
        assert after[name].figures.weakness == before[name].figures.weakness
    deck = built.decks[0].figures
    assert (deck.follow_ups, deck.follow_ups_missed) == (3, 2)
    assert "0.5·K" in built.weakness_formula and "follow-ups missed) / (key points marked" in built.weakness_formula


def test_the_sql_ranking_counts_follow_ups_in_k_as_measures_does(
    chain: tuple[Database, ReviewScheduler, Clock],
) -> None:
    db, scheduler, clock = chain
    run_mock(scheduler, clock)
    built = report(db, clock)
    questions = {question.question_id: question for question in built.weakest_questions}
    attention = questions["attention"].figures
    assert (attention.follow_ups, attention.follow_ups_missed) == (3, 2)
    assert (questions["kv-cache"].figures.follow_ups, questions["kv-cache"].figures.follow_ups_missed) == (0, 0)
    params = {
        "deck": None, "topic": None, "prefix": None, "prefix_length": None, "z": measures.Z_95, "min_reviews": 1,
        "limit": -1,
    }  # fmt: skip
    conn = q.with_math(connection.connect_read_only(db.path))
    try:
        ranked = {row[1]: row for row in conn.execute(q.WEAKEST_QUESTIONS, params)}
    finally:
        conn.close()
    for question_id, question in questions.items():
        f = question.figures
        again = measures.weakness(
            f.retention["all"].total.passed,
            f.retention["all"].total.failed,
            f.expected_passes,
            f.never_seen / f.cards,
            f.key_points_missed / f.key_points_marked if f.key_points_marked else 0.0,
            measures.missed_share(f.key_points_marked, f.key_points_missed, f.follow_ups, f.follow_ups_missed),
            1,
        )
        assert again is not None and f.weakness == again
        assert ranked[question_id][-1] == pytest.approx(again.score, abs=1e-6)  # the SQL's score column


def test_every_format_shows_confidence_and_mocks(chain: tuple[Database, ReviewScheduler, Clock]) -> None:
    db, scheduler, clock = chain
    mock_id = run_mock(scheduler, clock)
    built = report(db, clock)
    text = to_markdown(built)
    assert "## Confidence before the reveal" in text and "## Mock interviews" in text
    assert "| sure   |       4 |     2 |         50% |" in text
    assert "- guess: right 100% of 1 — more than 80% of guesses right" in text
    assert (
        "| 2026-03-05 13:00 |         1 |          3 |          33% (1/3) |               2/3 |                138 |"
        in text
    )
    assert "| alpha/core " in text and "|               2/3 |" in text.split("## Weakest questions")[0]
    page = to_html(built)
    assert 'id="confidence"' in page and 'id="mocks"' in page
    assert "<li>unsure: right 100% of 2</li>" in page and '<td class="num">33% (1/3)</td>' in page
    rows = list(csv.DictReader(io.StringIO(to_csv(built), newline="")))
    sure = next(row for row in rows if row["kind"] == "confidence" and row["text"] == "sure")
    assert (sure["answers"], sure["right"], sure["right_rate"]) == ("4", "2", "0.5")
    (mock,) = (row for row in rows if row["kind"] == "mock")
    assert (mock["mock_id"], mock["mock_questions"], mock["follow_ups"], mock["follow_ups_missed"]) == (
        str(mock_id), "1", "3", "2",
    )  # fmt: skip
    assert (mock["key_points"], mock["recalled"], mock["mean_seconds"], mock["over_time"]) == ("3", "1", "137.5", "1")
    alpha = next(row for row in rows if row["kind"] == "topic" and row["topic"] == "alpha/core")
    assert (alpha["follow_ups"], alpha["follow_ups_missed"], alpha["weakness_missed"]) == ("3", "2", "0.4")
    data = json.loads(to_json(built))
    assert schema_errors(report_json_schema(), data) == []
    assert data["confidence"][0] == {
        "answers": 4, "high": measures.wilson_high(2, 4), "level": "sure", "low": measures.wilson_low(2, 4), "rate": 0.5,
        "reading": built.confidence[0].reading, "right": 2,
    }  # fmt: skip
    assert data["mocks"][0]["covered"] == 1 / 3 and data["mocks"][0]["started_at"] == "2026-03-05T13:00:00+00:00"


def test_the_views_list_the_ten_newest_mocks_and_json_has_them_all(
    chain: tuple[Database, ReviewScheduler, Clock],
) -> None:
    db, scheduler, clock = chain
    run_mock(scheduler, clock)
    built = report(db, clock)
    many = replace(built, mocks=tuple(replace(built.mocks[0], mock_id=n) for n in range(12, 0, -1)))
    assert "The 10 newest of 12 mock interviews" in to_markdown(many)
    assert to_markdown(many).count("| 2026-03-05 13:00 |") == 10
    assert to_html(many).count('<td class="nowrap">2026-03-05 13:00</td>') == 10
    assert len(json.loads(to_json(many))["mocks"]) == 12
    assert sum(row.startswith("mock,") for row in to_csv(many).splitlines()) == 12


def test_practice_shows_in_a_report_without_reviews(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "chain.yaml").write_text(DECK, encoding="utf-8")
    db = open_database(tmp_path / "quizapp.db")
    try:
        clock = Clock(START)
        sync_decks(db, [decks], clock())
        scheduler = ReviewScheduler(db, SETTINGS, ReviewSettings(), now=clock, tz=UTC)
        run_mock(scheduler, clock)
        built = report(db, clock)
        assert built.empty and built.practiced
        assert "## Mock interviews" in to_markdown(built) and 'id="mocks"' in to_html(built)
    finally:
        db.close()
