"""The report's figures from a known history: answers given through the scheduler at fixed times, key points
marked, and each figure checked against a count made by hand or recomputed here from the raw review log."""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.analysis import measures
from quizapp.analysis.build import _streak, build_report
from quizapp.analysis.model import Filters, ForecastDay, Report
from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import AnswerMarks, Grade, ReviewScheduler
from quizapp.store import tallied, tallies
from quizapp.store.database import Database, open_database
from quizapp.store.sync import sync_decks
from tests.conftest import Clock

DECK = """\
format: 1
deck: report-test
title: Report test
topic: diffusion
questions:
  - id: adaln
    topic: diffusion/dit
    prompt: How does adaLN-Zero condition a DiT block?
    answer: It regresses scale, shift and gate from the conditioning embedding.
    key_points:
      - scale and shift from the embedding
      - a gate on each residual branch
      - gates initialised to zero
  - id: elbo
    topic: diffusion/math
    prompt: Derive the ELBO of a DDPM.
    answer: A sum of KL terms.
  - id: qformer
    topic: 多模态/融合
    prompt: Q-Former 如何压缩视觉特征？
    answer: 可学习的查询向量与图像特征做交叉注意力。
  - id: cross
    topic: diffusion/dit
    prompt: How does cross-attention conditioning differ from adaLN?
    answer: Tokens attend to the condition tokens.
"""
T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SETTINGS = SchedulerSettings(fuzz=False)
REVIEW = ReviewSettings()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[tuple[Database, ReviewScheduler]]:
    """Three questions answered on 1, 4 and 11 November; `cross` never seen.

    adaln: Easy, then Again (key points 1 of 3) + Good ten minutes later, then Again (2 of 3) + Good.
    elbo: Easy, Good, Good. qformer: Easy, Good, Hard.
    """
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "report.yaml").write_text(DECK, encoding="utf-8")
    db = open_database(tmp_path / "quizapp.db")
    clock = Clock(T0)
    sync_decks(db, [decks], clock())
    scheduler = ReviewScheduler(db, SETTINGS, REVIEW, now=clock, tz=UTC)
    ids = {row[1]: row[0] for row in db.conn.execute("SELECT id, question_id FROM card")}
    for question in ("adaln", "elbo", "qformer"):
        scheduler.answer(ids[question], Grade.Easy, 20_000)
    for days, points, third in ((3, (True, False, False), Grade.Good), (7, (True, True, False), Grade.Hard)):
        clock.advance(days=days)
        scheduler.answer(ids["adaln"], Grade.Again, 30_000, AnswerMarks(key_points=points))
        scheduler.answer(ids["elbo"], Grade.Good, 25_000)
        scheduler.answer(ids["qformer"], third, 40_000)
        clock.advance(minutes=10)
        scheduler.answer(ids["adaln"], Grade.Good, 15_000)
    yield db, scheduler
    db.close()


def report(db: Database, **filters: object) -> Report:
    chosen = {"min_reviews_topic": 2, "min_reviews_question": 1, "leech_threshold": 2, **filters}
    return build_report(db, SETTINGS, REVIEW, Filters(**chosen), now=NOW, tz=UTC)  # type: ignore[arg-type]


def raw(db: Database, sql: str) -> list[tuple[object, ...]]:
    return db.conn.execute(sql).fetchall()


def test_per_topic_counts_match_the_history(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    topics = {t.topic: t.figures for t in report(db).topics}
    assert sorted(topics) == ["diffusion", "diffusion/dit", "diffusion/math", "多模态", "多模态/融合"]
    dit = topics["diffusion/dit"]
    assert (dit.cards, dit.questions, dit.seen, dit.never_seen) == (2, 2, 1, 1)
    assert (dit.reviews, dit.lapses, dit.window_reviews, dit.window_again) == (5, 2, 5, 2)
    assert dit.retention["all"].young.count == 2 and dit.retention["all"].young.passed == 0
    assert dit.retention["all"].mature.count == 0
    assert (dit.key_points_marked, dit.key_points_missed, dit.leeches) == (6, 3, 1)
    assert topics["diffusion/math"].retention["all"].young.passed == 2
    assert topics["多模态/融合"].retention["all"].young.passed == 2  # Hard passes
    root = topics["diffusion"]
    assert (root.cards, root.seen, root.reviews, root.lapses) == (3, 2, 8, 2)
    assert (root.retention["all"].total.passed, root.retention["all"].total.failed) == (2, 2)
    # periods: 11 November is within 30 days of the 20th, not within 7; nothing today
    assert root.retention["30d"].total.count == 4 and root.retention["7d"].total.count == 0
    assert root.retention["today"].total.count == 0 and root.retention["365d"].total.count == 4


def test_weakness_follows_its_formula_from_the_raw_log(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    built = report(db)
    # expected passes: FSRS's recall at each answer after a study day, summed from the log itself
    expected = dict(
        raw(
            db,
            "SELECT c.question_id, sum(r.retrievability) FROM review r JOIN card c ON c.id = r.card_id"
            " WHERE r.elapsed_days >= 1 GROUP BY c.question_id",
        )
    )
    dit = next(t for t in built.topics if t.topic == "diffusion/dit").figures
    assert dit.weakness is not None
    assert dit.expected_passes == pytest.approx(expected["adaln"])
    surprise = expected["adaln"] / 2  # (E − 0 passes) / 2 answers
    assert dit.weakness.wilson_low == 0.0 and dit.weakness.surprise == pytest.approx(surprise)
    assert dit.weakness.score == pytest.approx(1 + 2 * surprise + 0.5 * 0.5 + 0.5 * 0.5, abs=1e-6)
    assert [t.topic for t in built.weakest_topics][:2] == ["diffusion/dit", "diffusion"]
    assert built.weakest_questions[0].question_id == "adaln"
    assert "2·S" in built.weakness_formula and "Wilson" in built.weakness_formula
    # the SQL ranking of questions gives the scores of measures.weakness
    for question in built.weakest_questions:
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
        assert f.weakness == again


def test_too_few_reviews_is_not_enough_data(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    built = report(db, min_reviews_topic=3, min_reviews_question=3)
    by_topic = {t.topic: t.figures.weakness for t in built.topics}
    assert by_topic["diffusion/math"] is None and by_topic["diffusion/dit"] is None  # 2 answers each
    assert by_topic["diffusion"] is not None  # 4
    assert built.weakest_questions == ()
    assert [t.topic for t in built.weakest_topics] == ["diffusion"]


def test_key_points_leeches_and_the_latest_marked_answer(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    built = report(db)
    assert [(k.point, k.marked, k.missed) for k in built.weakest_key_points] == [(2, 2, 2), (1, 2, 1)]
    assert built.weakest_key_points[0].text == "gates initialised to zero"
    assert built.weakest_key_points[0].miss_wilson_low == pytest.approx(measures.wilson_low(2, 2))
    adaln = built.weakest_questions[0]
    assert adaln.missed_key_points == ("gates initialised to zero",)
    assert adaln.last_grade == Grade.Good and adaln.last_reviewed == T0 + timedelta(days=10, minutes=20)
    assert adaln.prompt.startswith("How does adaLN-Zero")
    assert [(leech.question_id, leech.lapses) for leech in built.leeches] == [("adaln", 2)]
    assert report(db, leech_threshold=3).leeches == ()


def test_days_weeks_and_summary(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    built = report(db)
    assert [(d.day, d.reviews, d.again, d.retention.passed, d.retention.failed) for d in built.days] == [
        (date(2026, 11, 1), 3, 0, 0, 0),
        (date(2026, 11, 4), 4, 1, 2, 1),
        (date(2026, 11, 11), 4, 1, 2, 1),
    ]
    assert built.days[1].minutes == pytest.approx((30 + 25 + 40 + 15) / 60)
    weeks = {w.week_start: w.retention for w in built.weeks}
    assert len(built.weeks) == 12 and built.weeks[-1].week_start == date(2026, 11, 16)
    assert weeks[date(2026, 11, 2)].count == 3 and weeks[date(2026, 11, 9)].count == 3
    s = built.summary
    assert (s.cards, s.seen, s.reviews, s.reviews_today, s.studied_days) == (4, 3, 11, 0, 3)
    assert s.retention["all"].total.passed == 4 and s.retention["all"].total.failed == 2


def test_forecast_counts_every_due_card_once(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    built = report(db)
    horizon = datetime(2026, 12, 20, 4, tzinfo=UTC)
    due = raw(db, f"SELECT count(*) FROM card WHERE state != 0 AND due < '{horizon:%Y-%m-%d %H:%M:%S}'")[0][0]
    assert len(built.forecast) == 30 and built.forecast[0].day == date(2026, 11, 20)
    assert sum(f.due for f in built.forecast) == due
    for row in raw(db, "SELECT due FROM card WHERE state != 0"):
        moment = datetime.fromisoformat(str(row[0])).replace(tzinfo=UTC)
        day = max(date(2026, 11, 20), (moment - timedelta(hours=4)).date())
        if day < date(2026, 12, 20):
            assert next(f for f in built.forecast if f.day == day).due >= 1


def test_calibration_agrees_with_the_raw_log(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    rows = raw(
        db,
        "SELECT r.retrievability, r.rating > 1, r.elapsed_days, r.review_number, r.lapses_before FROM review r"
        " WHERE r.elapsed_days >= 1 ORDER BY r.id",
    )
    built = report(db).calibration
    overall = built[0]
    assert overall.scope == "all" and overall.reviews == len(rows) == 6
    losses = [-math.log(p if y else 1 - p) for p, y, *_ in rows]  # type: ignore[operator]
    assert overall.log_loss == pytest.approx(sum(losses) / len(losses))
    positives = [p for p, y, *_ in rows if y]
    negatives = [p for p, y, *_ in rows if not y]
    pairs = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in positives for b in negatives)  # type: ignore[operator]
    assert overall.auc == pytest.approx(pairs / (len(positives) * len(negatives)))
    groups: dict[tuple[object, ...], list[float]] = {}
    for p, y, elapsed, number, lapses in rows:
        key = (tallies.elapsed_bin(elapsed), tallies.review_bin(number), tallies.lapse_bin(lapses))  # type: ignore[arg-type]
        groups.setdefault(key, []).append((p, y))  # type: ignore[arg-type]
    rmse = math.sqrt(
        sum(len(g) * (sum(y for _, y in g) / len(g) - sum(p for p, _ in g) / len(g)) ** 2 for g in groups.values())
        / len(rows)
    )
    assert overall.rmse_bins == pytest.approx(rmse)
    assert [c.scope for c in built] == ["all", "diffusion", "多模态"]
    assert sum(b.count for b in overall.bins) == 6


def test_review_number_and_lapses_before_count_as_the_srs_benchmark(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    adaln = raw(
        db,
        "SELECT r.rating, r.elapsed_days, r.review_number, r.lapses_before FROM review r JOIN card c"
        " ON c.id = r.card_id WHERE c.question_id = 'adaln' ORDER BY r.id",
    )
    # Easy (first), Again after 3 days, Good same day, Again after 7 days, Good same day
    assert adaln == [(4, None, 1, 0), (1, 3, 2, 0), (3, 0, 2, 1), (1, 7, 3, 1), (3, 0, 3, 2)]


def test_bins_are_the_srs_benchmarks() -> None:
    assert [tallies.elapsed_bin(d) for d in (1, 3, 4, 13, 14, 100)] == [2.48, 2.48, 8.98, 8.98, 32.5, 117.65]
    assert [tallies.review_bin(i) for i in (1, 2, 3, 4, 7)] == [2, 4, 4, 7, 13]
    assert [tallies.lapse_bin(n) for n in (0, 1, 2, 3, 5)] == [0, 2, 3, 5, 5]


def test_answering_undoing_and_catching_up_keep_the_tallies_equal_to_a_rebuild(
    history: tuple[Database, ReviewScheduler],
) -> None:
    db, scheduler = history
    clock = scheduler.now
    assert isinstance(clock, Clock)
    ids = [row[0] for row in raw(db, "SELECT id FROM card ORDER BY id")]
    for hour in (3, 5, 23, 27, 50):  # before and after the 4 am day start, across days
        clock.now = NOW + timedelta(hours=hour)
        done = scheduler.answer(ids[hour % len(ids)], Grade(1 + hour % 4), 10_000)
        if hour % 3 == 0:  # counted before its undo (3 and 27); the others are undone untallied
            tallied.bring_up_to_date(db)
            assert raw(db, tallies.TALLIED_THROUGH) == [(done.review_id,)]
        if hour % 2:
            scheduler.undo(done.review_id)  # the next answer takes its id again: it must not pass for tallied
    tallied.bring_up_to_date(db)
    tables = ("card_tally", "day_tally", "topic_day_tally", "deck_day_tally", "calibration_tally", "recall_tally")
    kept = {t: sorted(raw(db, f"SELECT * FROM {t}")) for t in tables}
    with closing(sqlite3.connect(db.path)) as conn:
        conn.execute("BEGIN")
        tallies.rebuild(conn)
        rebuilt = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        conn.execute("ROLLBACK")
    for table in tables:
        assert len(kept[table]) == len(rebuilt[table]), table
        for mine, theirs in zip(kept[table], rebuilt[table], strict=True):
            assert mine == pytest.approx(theirs), table


def test_an_empty_database_reports_no_reviews(tmp_path: Path) -> None:
    db = open_database(tmp_path / "empty.db")
    try:
        built = report(db)
    finally:
        db.close()
    assert built.empty and built.notes and built.topics == () and built.weakest_questions == ()
    assert built.calibration[0].log_loss is None and built.summary.streak_days == 0


def test_filters_narrow_to_a_topic_or_a_deck(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    only = report(db, topic="diffusion/dit/")
    assert [t.topic for t in only.topics] == ["diffusion", "diffusion/dit"]
    assert only.summary.reviews == 5 and [d.reviews for d in only.days] == [1, 2, 2]
    assert report(db, deck="nope").decks == ()
    assert report(db, deck="report-test").summary.reviews == 11


def forecast(*due: int) -> tuple[ForecastDay, ...]:
    return tuple(ForecastDay(date(2026, 11, 20) + timedelta(days=n), d, 0.0) for n, d in enumerate(due))


def test_streak_counts_days_whose_due_reviews_were_done() -> None:
    today = date(2026, 11, 20)
    days = {today - timedelta(days=n) for n in (0, 1, 2, 5, 9)}
    # nothing was ever late, nothing due now: every day since the first studied one
    assert _streak(days, today, None, 0, forecast(0)) == 10
    # cards still due today: today does not count yet
    assert _streak(days, today, None, 0, forecast(3)) == 9
    # a card answered late on the 17th: the streak starts that day
    assert _streak(days, today, "2026-11-17", 0, forecast(0)) == 4
    # a card due before today still waits: no streak
    assert _streak(days, today, None, 2, forecast(0)) == 0
    assert _streak(set(), today, None, 0, forecast(0)) == 0


def test_the_sql_ranking_scores_questions_with_the_python_formula(history: tuple[Database, ReviewScheduler]) -> None:
    db, _ = history
    from quizapp.store import report_queries as q

    built = {x.question_id: x.figures.weakness for x in report(db).weakest_questions}
    params = {
        "deck": None, "topic": None, "prefix": None, "prefix_length": None, "factor": 0.2, "decay": -0.5,
        "today_number": 2461000.5, "week_end": "2026-11-27", "leech": 8, "z": measures.Z_95, "min_reviews": 1,
        "limit": -1,
    }  # fmt: skip
    with closing(q.with_math(sqlite3.connect(db.path))) as conn:
        conn.row_factory = sqlite3.Row
        ranked = conn.execute(q.WEAKEST_QUESTIONS, params).fetchall()
    assert [row["question_id"] for row in ranked] == list(built)
    for row in ranked:
        weakness = built[row["question_id"]]
        assert weakness is not None and row["score"] == pytest.approx(weakness.score, abs=1e-6)


def test_a_review_answered_on_a_later_study_day_than_due_is_late(history: tuple[Database, ReviewScheduler]) -> None:
    db, scheduler = history
    clock = scheduler.now
    assert isinstance(clock, Clock)
    (card_id, due) = raw(db, "SELECT id, due FROM card WHERE question_id = 'elbo'")[0]
    due_day = datetime.fromisoformat(str(due)).replace(tzinfo=UTC)
    tallied.bring_up_to_date(db)
    before = dict(raw(db, "SELECT study_day, late FROM day_tally"))
    clock.now = due_day + timedelta(hours=23)  # still its study day (it starts at 4 am UTC)
    on_time = scheduler.answer(int(str(card_id)), Grade.Good)
    scheduler.undo(on_time.review_id)
    clock.now = due_day + timedelta(days=1, hours=1)
    scheduler.answer(int(str(card_id)), Grade.Good)
    tallied.bring_up_to_date(db)
    late = dict(raw(db, "SELECT study_day, late FROM day_tally"))
    day = (due_day + timedelta(days=1)).date().isoformat()
    assert late[day] == 1 and day not in before
    assert sum(int(str(n)) for n in late.values()) == sum(int(str(n)) for n in before.values()) + 1


@pytest.mark.parametrize("forking", [True, False])
def test_the_reads_in_child_processes_or_threads_give_the_same_report(
    history: tuple[Database, ReviewScheduler], monkeypatch: pytest.MonkeyPatch, forking: bool
) -> None:
    from quizapp import child_processes
    from quizapp.analysis import build

    db, _ = history
    here = report(db)
    monkeypatch.setattr(build, "CHILDREN_MIN_BYTES", 0)
    monkeypatch.setattr(build, "can_fork", lambda: forking)
    calls: list[int] = []

    def counted(jobs: list[child_processes.Job[object]]) -> list[object]:
        calls.append(len(jobs))
        return child_processes.run_in_children(jobs)

    monkeypatch.setattr(build, "run_in_children", counted)
    assert report(db) == here
    assert calls == ([3] if forking else [])
    # and a job really runs in another process
    assert child_processes.run_in_children([(os.getpid, ())]) != [os.getpid()]


def test_a_question_moved_to_another_topic_takes_its_history_along(
    history: tuple[Database, ReviewScheduler], tmp_path: Path
) -> None:
    db, _ = history
    deck = tmp_path / "decks" / "report.yaml"
    deck.write_text(
        deck.read_text(encoding="utf-8").replace(
            "topic: diffusion/dit\n    prompt: How does adaLN",
            "topic: diffusion/conditioning\n    prompt: How does adaLN",
        ),
        encoding="utf-8",
    )
    sync_decks(db, [tmp_path / "decks"], NOW)
    topics = {t.topic: t.figures for t in report(db).topics}
    moved = topics["diffusion/conditioning"]
    assert (moved.reviews, moved.lapses, moved.window_again) == (5, 2, 2)
    assert moved.retention["30d"].young.failed == 2
    assert topics["diffusion/dit"].reviews == 0 and topics["diffusion/dit"].window_reviews == 0
    assert report(db, topic="diffusion/conditioning").topics[-1].figures.window_again == 2  # the raw path agrees
    tables = ("card_tally", "topic_day_tally", "deck_day_tally")
    kept = {t: sorted(raw(db, f"SELECT * FROM {t}")) for t in tables}
    with closing(sqlite3.connect(db.path)) as conn:
        conn.execute("BEGIN")
        tallies.rebuild(conn)
        assert {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables} == kept
        conn.execute("ROLLBACK")


@pytest.mark.parametrize("window_days", [7, 30, 60])
def test_the_tallies_give_the_sums_the_answers_give_over_every_age(tmp_path: Path, window_days: int) -> None:
    """A report of every card reads the window and the answers older than a year from the day tallies, skipping
    the days between; a deck filter reads the same sums from the answers. Answers today, 3, 20, 45, 100 and 400
    days back (late in a study day; the first ones, 401 days back, are of new cards: not a test of memory) must
    give both the same figures, whatever the window."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "report.yaml").write_text(DECK, encoding="utf-8")
    db = open_database(tmp_path / "quizapp.db")
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = Clock(now - timedelta(days=402))
    sync_decks(db, [decks], clock())
    scheduler = ReviewScheduler(db, SETTINGS, REVIEW, now=clock, tz=UTC)
    ids = [row[0] for row in db.conn.execute("SELECT id FROM card ORDER BY id")]
    for days_back, grade in ((401, Grade.Good), (400, Grade.Again), (100, Grade.Good), (45, Grade.Again), (20, Grade.Hard),
                             (3, Grade.Again), (0, Grade.Good)):  # fmt: skip
        clock.now = now.replace(hour=0, minute=30) - timedelta(days=days_back) + timedelta(hours=23)
        if days_back == 0:
            clock.now = now - timedelta(hours=1)
        for card_id in ids:
            scheduler.answer(card_id, grade, 20_000)
    try:
        every = report(db, window_days=window_days)
        one_deck = report(db, window_days=window_days, deck="report-test")
    finally:
        db.close()
    assert every.topics and [t.figures for t in every.topics] == [t.figures for t in one_deck.topics]
    assert every.decks[0].figures == one_deck.decks[0].figures
    figures = every.decks[0].figures
    counts = {period: figures.retention[period].total.count for period in ("today", "7d", "30d", "365d", "all")}
    assert counts == {"today": 4, "7d": 8, "30d": 12, "365d": 20, "all": 24}
    assert figures.window_reviews == {7: 8, 30: 12, 60: 16}[window_days]
