"""Building the report from the database: one analysis for the exports and the Statistics screen.

It reads sums, not the review log: the tallies of `store.tallies` (per card, per study day, per
calibration bin) and `card` give everything but the recent window, whose answers are read once.
The independent queries run on their own read-only connections in threads: SQLite works without
holding Python's lock, so on a million answers they overlap instead of adding up.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from quizapp.analysis import measures
from quizapp.analysis.model import (
    CONFIDENCE_LEVELS,
    Calibration,
    ConfidenceRow,
    DayRow,
    DeckRow,
    Figures,
    Filters,
    ForecastDay,
    KeyPointRow,
    LeechRow,
    MockRow,
    QuestionRow,
    Report,
    Summary,
    TopicRow,
    TrueRetention,
    WeekRow,
)
from quizapp.analysis.numbers import percent
from quizapp.analysis.pass_fail import PassFail
from quizapp.child_processes import Job, can_fork, run_in_children
from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.days import start_of_study_day, study_day
from quizapp.decks.questions import question_from_content
from quizapp.memory import StudyDayFsrs
from quizapp.scheduling import utc_offset_minutes
from quizapp.store import connection, tallied
from quizapp.store import report_queries as q
from quizapp.store.connection import from_db, to_db
from quizapp.store.database import Database

CHILDREN_MIN_BYTES = 20_000_000  # about 30k answers: below, the reads take less than forking costs
WINDOW_PERIODS = {"today": 1, "7d": 7, "30d": 30}  # study days, today included
SLOW_FACTOR = 2.5  # a pass this many times slower than its topic's median answer is slow
SLOW_MIN_ANSWERS = 5  # a topic median needs this many passes
WEEKS = 12
FORECAST_DAYS = 30
GUESSES_RIGHT = 0.8  # guesses right more often than this: the candidate knows more than they say


@dataclass
class _Group:
    """A group's sums while the report is built (`Figures` once done)."""

    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    periods: dict[str, list[int]] = field(default_factory=lambda: {p: [0, 0, 0, 0] for p in WINDOW_PERIODS})
    old: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # older than a year: young/mature passed/failed
    window: list[int] = field(default_factory=lambda: [0, 0, 0])  # answers, again, slow passes
    key_points: list[int] = field(default_factory=lambda: [0, 0])  # marked, missed
    follow_ups: list[int] = field(default_factory=lambda: [0, 0])  # asked, missed

    def add(self, other: _Group) -> None:
        for name, value in other.sums.items():
            self.sums[name] += value
        for period, counts in other.periods.items():
            self.periods[period] = [a + b for a, b in zip(self.periods[period], counts, strict=True)]
        self.old = [a + b for a, b in zip(self.old, other.old, strict=True)]
        self.window = [a + b for a, b in zip(self.window, other.window, strict=True)]
        self.key_points = [a + b for a, b in zip(self.key_points, other.key_points, strict=True)]
        self.follow_ups = [a + b for a, b in zip(self.follow_ups, other.follow_ups, strict=True)]


def _counts(young_passed: float, young_failed: float, mature_passed: float, mature_failed: float) -> list[int]:
    return [int(young_passed), int(young_failed), int(mature_passed), int(mature_failed)]


def _retention(period: str, counts: list[int]) -> TrueRetention:
    return TrueRetention(period, PassFail(counts[0], counts[1]), PassFail(counts[2], counts[3]))


def _figures(group: _Group, min_reviews: int) -> Figures:
    s = group.sums
    every = _counts(s["young_passed"], s["young_failed"], s["mature_passed"], s["mature_failed"])
    retention = {p: _retention(p, group.periods[p]) for p in WINDOW_PERIODS}
    retention["365d"] = _retention("365d", [a - b for a, b in zip(every, group.old, strict=True)])
    retention["all"] = _retention("all", every)
    cards = int(s["cards"])
    marked, missed = group.key_points
    asked, missed_follow_ups = group.follow_ups
    seen = int(s["seen"])
    never_seen_share = s["never_seen"] / cards if cards else 0.0
    return Figures(
        cards=cards,
        questions=int(s["questions"]),
        seen=seen,
        never_seen=int(s["never_seen"]),
        retired=int(s["retired"]),
        reviews=int(s["answers"]),
        lapses=int(s["lapses"]),
        window_reviews=group.window[0],
        window_again=group.window[1],
        retention=retention,
        expected_passes=s["expected"],
        mean_retrievability=s["recall_sum"] / s["recall_cards"] if s["recall_cards"] else None,
        mean_difficulty=s["difficulty_sum"] / seen if seen else None,
        mean_stability_days=s["stability_sum"] / seen if seen else None,
        due_next_7_days=int(s["due_week"]),
        leeches=int(s["leeches"]),
        key_points_marked=marked,
        key_points_missed=missed,
        slow_correct=group.window[2],
        weakness=measures.weakness(
            every[0] + every[2],
            every[1] + every[3],
            s["expected"],
            never_seen_share,
            missed / marked if marked else 0.0,
            measures.missed_share(marked, missed, asked, missed_follow_ups),
            min_reviews,
        ),
        follow_ups=asked,
        follow_ups_missed=missed_follow_ups,
    )


def _ancestors(topic: str) -> list[str]:
    """`a/b/c` → `a`, `a/b`, `a/b/c` (an empty topic stays itself)."""
    parts = topic.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


Row = dict[str, Any]


def _read(path: Path, params: dict[str, object], statements: tuple[str, ...]) -> list[list[Row]]:
    """The rows of `statements`, run in order on a read-only connection of their own (a child process's)."""
    conn = q.with_math(connection.connect_read_only(path))
    try:
        conn.execute(q.TEMP_IN_MEMORY)
        conn.row_factory = sqlite3.Row
        return [[dict(row) for row in conn.execute(statement, params)] for statement in statements]
    finally:
        conn.close()


def _read_slow_passes(path: Path, params: dict[str, object]) -> _SlowPasses:
    """The window's slow passes, counted where they are read (sending their times would cost more)."""
    conn = connection.connect_read_only(path)
    try:
        return _SlowPasses.count(conn.execute(q.PASS_TIMES, params).fetchall())
    finally:
        conn.close()


def _in_turn(*jobs: Job[Any]) -> list[Any]:
    """The results of `jobs`, run one after the other (in one child)."""
    return [function(*args) for function, args in jobs]


def _read_one(conn: sqlite3.Connection, statement: str, params: Mapping[str, object]) -> list[Row]:
    """The rows of one small statement, on this process's connection."""
    return [dict(row) for row in connection.named(conn).execute(statement, params)]


def build_report(
    db: Database,
    scheduler: SchedulerSettings,
    review: ReviewSettings,
    filters: Filters | None = None,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> Report:
    """The report of the cards in `filters` (every card by default), as of `now`."""
    filters = filters or Filters()
    now = now or datetime.now(UTC)
    tallied.bring_up_to_date(db)
    start_hour = review.day_start_hour
    memory = StudyDayFsrs(scheduler, start_hour, tz)
    today = study_day(now, start_hour, tz)
    factor, decay = memory.forgetting_curve()
    topic = filters.topic.rstrip("/") if filters.topic else None

    def day_start(day: date) -> str:
        return to_db(start_of_study_day(day, start_hour, tz))

    shift = utc_offset_minutes(now, tz) - 60 * start_hour + 60
    params: dict[str, object] = {
        "deck": filters.deck,
        "topic": topic,
        "prefix": f"{topic}/" if topic else None,
        "prefix_length": len(topic) + 1 if topic else None,
        "factor": factor,
        "decay": decay,
        "z": measures.Z_95,
        "today": today.isoformat(),
        "today_number": float(today.toordinal() + 1721424.5),  # the Julian day number of its midnight
        "day_start": day_start(today),
        "week_end": day_start(today + timedelta(days=7)),
        "window_start": day_start(today - timedelta(days=max(WINDOW_PERIODS["30d"], filters.window_days) - 1)),
        "year_start": day_start(today - timedelta(days=364)),
        "horizon": day_start(today + timedelta(days=FORECAST_DAYS)),
        "local_shift": f"{shift:+d} minutes",
        "leech": filters.leech_threshold,
        "min_reviews": filters.min_reviews_question,
        "limit": filters.limit or -1,
        "slow_factor": SLOW_FACTOR,
        **{f"first_{p}": (today - timedelta(days=n - 1)).isoformat() for p, n in WINDOW_PERIODS.items()},
        "first_window": (today - timedelta(days=filters.window_days - 1)).isoformat(),
        "first_year": (today - timedelta(days=364)).isoformat(),
    }
    filtered = filters.deck is not None or topic is not None
    rest = (
        q.KEY_POINT_SUMS, q.OLD_ANSWERS if filtered else q.NOTHING, q.DAYS_OF_CARDS if filtered else q.DAYS,
        q.FORECAST, q.LEECHES,
        q.CALIBRATION, q.RECALL, q.LATEST_LATE_DAY, q.OVERDUE, q.FIT_IN_USE, q.FOLLOW_UPS, q.MOCKS,
    )  # fmt: skip
    # a report of every card reads the window from the tallies per topic and deck, which count every card
    window_reads = (
        (q.TALLIED_TOPICS, q.TALLIED_DECKS) if not filtered else (q.SUM_WINDOW, q.WINDOW_TOPICS, q.WINDOW_DECKS)
    )
    # three children, one per large read with the small ones shared out: the two CPUs here finish them sooner
    # than five (each child opens the database and reads its pages again); the confidence counts, a read of the
    # window's reviews, go with the lightest: the window's sums, from the tallies unless filtered
    jobs: list[Job[Any]] = [
        (_in_turn, ((_read, (db.path, params, (q.SUM_LEAVES, q.TOPIC_SUMS, q.DECK_SUMS))),)),
        (_in_turn, ((_read_slow_passes, (db.path, params)), (_read, (db.path, params, (*window_reads, q.CONFIDENCE))))),
        (_in_turn, ((_read, (db.path, params, (q.WEAKEST_QUESTIONS,))), (_read, (db.path, params, rest)))),
    ]
    if not _worth_children(db):
        done = [_in_turn(*args) for _, args in jobs]
    elif can_fork():
        done = run_in_children(jobs)
    else:  # the app (threads run): in threads, where SQLite overlaps a little
        from concurrent.futures import ThreadPoolExecutor  # the app has it loaded; `report` would not need it

        with ThreadPoolExecutor(len(jobs)) as pool:
            done = list(pool.map(lambda job: job[0](*job[1]), jobs))
    [cards], [slow, [*window, confidence]], [(weakest,), read] = done
    key_points, old, days, forecast, leeches, calibration, recall, late, overdue, fit, follow_ups, mocks = read
    if not filtered:
        window = [[], *window]  # as if SUM_WINDOW had run; the old answers are in the tallied rows
        old = [
            {"topic": row["topic"], "deck_id": None, **{age: row[f"old_{age}"] for age in _AGES}} for row in window[1]
        ] + [
            {"topic": None, "deck_id": row["deck_id"], **{age: row[f"old_{age}"] for age in _AGES}} for row in window[2]
        ]
    conn = q.with_math(connection.connect_read_only(db.path))
    try:
        ctx = _Context(conn, params, filters, now, today, scheduler.desired_retention, _parameters(fit))
        built = ctx.assemble(
            _Rows(cards[1], cards[2], window[1], window[2], old, key_points, follow_ups),
            slow, weakest, days, forecast, leeches, calibration, recall, late[0]["day"], overdue[0]["cards"], topic,
        )  # fmt: skip
        return replace(built, confidence=confidence_rows(confidence), mocks=tuple(_mock(row, tz) for row in mocks))
    finally:
        conn.close()


def _parameters(fit: list[Row]) -> str:
    """Which FSRS parameters schedule the cards: the defaults, or the fit in use and how it was judged."""
    if not fit:
        return "FSRS-6 defaults (`quizapp optimize` fits them to you)"
    row = fit[0]
    when = from_db(row["fitted_at"])
    return (
        f"fitted {when:%Y-%m-%d} on {row['train_reviews']} answers; log loss on {row['test_reviews']} later ones"
        f" {row['log_loss_before']:.4f} with the parameters then in use, {row['log_loss_after']:.4f} fitted"
    )


def _worth_children(db: Database) -> bool:
    """Whether the reads are long enough to pay for starting processes (a few ms each)."""
    size = db.path.stat().st_size if db.path.exists() else 0
    return size > CHILDREN_MIN_BYTES


@dataclass(frozen=True)
class _Rows:
    """The sums per topic and per deck, as read."""

    topics: list[Row]
    decks: list[Row]
    window_topics: list[Row]
    window_decks: list[Row]
    old: list[Row]  # per topic of each deck
    key_points: list[Row]  # per key point of each question
    follow_ups: list[Row]  # per question that started a chain of mock follow-ups


_AGES = ("young_passed", "young_failed", "mature_passed", "mature_failed")


@dataclass(frozen=True)
class _SlowPasses:
    """Each topic's median passing time in the window, and the passes slower than SLOW_FACTOR times it, per
    topic and per deck."""

    medians: dict[str, float]
    by_topic: dict[str, int]
    by_deck: dict[str, int]

    @classmethod
    def count(cls, rows: list[tuple[str, str, int]]) -> _SlowPasses:
        """From PASS_TIMES's rows: (topic, deck, milliseconds), by topic, shortest first."""
        medians: dict[str, float] = {}
        by_topic: dict[str, int] = defaultdict(int)
        by_deck: dict[str, int] = defaultdict(int)
        start = 0
        while start < len(rows):
            topic = rows[start][0]
            end = start
            while end < len(rows) and rows[end][0] == topic:
                end += 1
            n = end - start
            if n >= SLOW_MIN_ANSWERS:
                middle = start + n // 2
                median = rows[middle][2] if n % 2 else (rows[middle - 1][2] + rows[middle][2]) / 2
                medians[topic] = float(median)
                first_slow = bisect_right(rows, SLOW_FACTOR * median, start, end, key=_ms)
                by_topic[topic] += end - first_slow
                for _, deck, _ in rows[first_slow:end]:
                    by_deck[deck] += 1
            start = end
        return cls(medians, dict(by_topic), dict(by_deck))


def _ms(row: tuple[str, str, int]) -> float:
    return row[2]


def _add_window_row(group: _Group, row: Row) -> None:
    """Count a row of window sums (SUM_WINDOW's columns) into `group`."""
    group.window = [
        group.window[0] + int(row["window_answers"] or 0),
        group.window[1] + int(row["window_again"] or 0),
        group.window[2] + int((row["slow_correct"] if "slow_correct" in row.keys() else 0) or 0),  # noqa: SIM118
    ]
    for period in WINDOW_PERIODS:
        counts = [int(row[f"in_{period}_{age}"] or 0) for age in _AGES]
        group.periods[period] = [a + b for a, b in zip(group.periods[period], counts, strict=True)]


@dataclass
class _Context:
    """What every part of the assembly needs."""

    conn: sqlite3.Connection  # for the few small reads of the listed questions
    params: dict[str, object]
    filters: Filters
    now: datetime
    today: date
    desired: float
    parameters: str

    def assemble(
        self,
        rows: _Rows,
        slow: _SlowPasses,
        weakest: list[Row],
        day_rows: list[Row],
        forecast_rows: list[Row],
        leech_rows: list[Row],
        calibration_rows: list[Row],
        recall_rows: list[Row],
        latest_late: str | None,
        overdue: int,
        topic_filter: str | None,
    ) -> Report:
        filters = self.filters
        leaves: dict[str, _Group] = defaultdict(_Group)
        by_deck: dict[str, _Group] = defaultdict(_Group)
        titles = {}
        for row in rows.topics:
            leaves[row["topic"]].sums.update(_numbers(row))
        for row in rows.decks:
            by_deck[row["deck_id"]].sums.update(_numbers(row))
            titles[row["deck_id"]] = row["title"] or row["deck_id"]
        for row in rows.window_topics:
            _add_window_row(leaves[row["topic"]], row)
        for row in rows.window_decks:
            _add_window_row(by_deck[row["deck_id"]], row)
        for topic, n in slow.by_topic.items():
            leaves[topic].window[2] += n
        for deck, n in slow.by_deck.items():
            by_deck[deck].window[2] += n
        for row in rows.old:  # per topic of a deck, or (from the tallies) per topic or per deck
            counts = [int(row[age] or 0) for age in _AGES]
            filed = [g[k] for g, k in ((leaves, row["topic"]), (by_deck, row["deck_id"])) if k is not None]
            for group in filed:
                group.old = [a + b for a, b in zip(group.old, counts, strict=True)]
        for row in rows.key_points:
            for group in (leaves[row["topic"]], by_deck[row["deck_id"]]):
                group.key_points[0] += row["marked"]
                group.key_points[1] += row["missed"]
        for row in rows.follow_ups:
            for group in (leaves[row["topic"]], by_deck[row["deck_id"]]):
                group.follow_ups[0] += row["asked"]
                group.follow_ups[1] += row["missed"]

        groups: dict[str, _Group] = defaultdict(_Group)
        for leaf, group in leaves.items():
            for name in _ancestors(leaf):
                groups[name].add(group)
        topics = tuple(
            TopicRow(name, name.count("/") + 1, _figures(group, filters.min_reviews_topic))
            for name, group in sorted(groups.items())
        )
        decks = tuple(
            DeckRow(deck_id, titles[deck_id], _figures(group, filters.min_reviews_topic))
            for deck_id, group in sorted(by_deck.items())
            if deck_id in titles
        )
        whole = _Group()
        for deck_group in by_deck.values():
            whole.add(deck_group)
        overall = _figures(whole, filters.min_reviews_topic)
        day_list = _days(day_rows)
        forecast = _forecast(forecast_rows, self.today, day_list)
        if filters.since is not None:  # the trend starts there; the figures above keep all history
            day_list = [d for d in day_list if d.day >= filters.since]
        studied = {d.day for d in day_list if d.reviews}
        summary = Summary(
            cards=overall.cards,
            seen=overall.seen,
            reviews=overall.reviews,
            reviews_today=next((d.reviews for d in day_list if d.day == self.today), 0),
            due_today=forecast[0].due,
            streak_days=_streak(studied, self.today, latest_late, overdue, forecast),
            studied_days=len(studied),
            desired_retention=self.desired,
            retention=overall.retention,
            parameters=self.parameters,
        )
        questions = self._questions(weakest, slow.medians)
        weakest_topics = sorted(
            (t for t in topics if t.figures.weakness is not None),
            key=lambda t: (-(t.figures.weakness.score if t.figures.weakness else 0.0), t.topic),
        )
        return Report(
            generated_at=self.now,
            today=self.today,
            filters=replace(filters, topic=topic_filter),
            weakness_formula=measures.WEAKNESS_FORMULA.format(
                min_topic=filters.min_reviews_topic, min_question=filters.min_reviews_question
            ),
            summary=summary,
            topics=topics,
            decks=decks,
            questions=questions,
            weakest_topics=tuple(weakest_topics),
            weakest_questions=questions,
            weakest_key_points=self._key_points(rows.key_points),
            leeches=tuple(_leech(row) for row in leech_rows),
            days=tuple(day_list),
            weeks=_weeks(day_list, self.today, self.desired),
            forecast=forecast,
            calibration=_calibrations(calibration_rows, recall_rows, {t.topic for t in topics if t.depth == 1}),
            notes=() if summary.reviews else ("no reviews yet: answer some cards, then ask again",),
        )

    def _questions(self, weakest: list[Row], medians: Mapping[str, float]) -> tuple[QuestionRow, ...]:
        """The weakest questions as ranked in SQL, with their figures and latest answers."""
        rows = []
        for ranked in weakest:
            named = {"question_deck": ranked["deck_id"], "question_id": ranked["question_id"]}
            (sums,) = _read_one(self.conn, q.QUESTION_FIGURES, {**self.params, **named})
            group = _Group()
            group.sums.update(_numbers(sums))
            (window,) = _read_one(
                self.conn, q.QUESTION_WINDOW, {**self.params, **named, "median": medians.get(sums["topic"])}
            )
            _add_window_row(group, window)
            group.key_points = [ranked["marked"], ranked["missed"]]
            group.follow_ups = [ranked["follow_ups"], ranked["follow_ups_missed"]]
            prompt, points = _prompt(sums["content"])
            (latest,) = _read_one(self.conn, q.LATEST_ANSWER, {**self.params, **named})
            marks = _read_one(self.conn, q.LATEST_MARKS, {**self.params, **named})
            rows.append(
                QuestionRow(
                    deck_id=ranked["deck_id"],
                    question_id=ranked["question_id"],
                    topic=sums["topic"],
                    prompt=prompt,
                    retired=sums["cards"] == 0,
                    last_grade=latest["rating"],
                    last_reviewed=_aware(from_db(latest["reviewed_at"])),
                    retrievability=sums["lowest_recall"],
                    missed_key_points=tuple(
                        points[m["point"]] for m in marks if not m["recalled"] and m["point"] < len(points)
                    ),
                    figures=_figures(group, self.filters.min_reviews_question),
                )
            )
        return tuple(rows)

    def _key_points(self, rows: list[Row]) -> tuple[KeyPointRow, ...]:
        """Key points ranked by the lower Wilson bound of their miss rate (ties: most missed first)."""
        ranked = sorted(
            (
                (-measures.wilson_low(row["missed"], row["marked"]), -row["missed"], row["deck_id"], row["question_id"],
                 row["point"], row)
                for row in rows
                if row["missed"]
            ),
            key=lambda item: item[:5],
        )  # fmt: skip
        limit = self.filters.limit
        texts: dict[tuple[str, str], tuple[str, ...]] = {}
        out = []
        for bound, _, deck, question, point, row in ranked[:limit] if limit else ranked:
            if (deck, question) not in texts:
                found = _read_one(self.conn, q.QUESTION_CONTENT, {"question_deck": deck, "question_id": question})
                texts[(deck, question)] = _prompt(found[0]["content"] if found else None)[1]
            points = texts[(deck, question)]
            text = points[point] if point < len(points) else f"key point {point + 1} (no longer in the deck)"
            out.append(KeyPointRow(deck, question, row["topic"], point, text, row["marked"], row["missed"], -bound))
        return tuple(out)


def _numbers(row: Row) -> dict[str, float]:
    """The numeric columns of a row, by name."""
    return {name: float(row[name]) for name in row.keys() if isinstance(row[name], int | float)}  # noqa: SIM118


def _prompt(content: str | None) -> tuple[str, tuple[str, ...]]:
    """A question's prompt (a cloze question without one: its text) and key points, from its stored JSON."""
    if not content:
        return "", ()
    question = question_from_content(content)
    prompt = getattr(question, "prompt", None) or getattr(question, "text", "")
    return str(prompt), question.key_points


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def confidence_rows(rows: Iterable[Row]) -> tuple[ConfidenceRow, ...]:
    """Each level of confidence with its answers, those right, the Wilson interval and a reading, from
    CONFIDENCE's rows; a level said less sure but right more often, or guesses mostly right, is pointed out."""
    counts = {
        int(row["confidence"]): (int(row["answers"]), int(row["passed"]))
        for row in rows
        if row["confidence"] in CONFIDENCE_LEVELS
    }
    out = []
    for level, name in CONFIDENCE_LEVELS.items():
        answers, right = counts.get(level, (0, 0))
        out.append(
            ConfidenceRow(
                name,
                answers,
                right,
                measures.wilson_low(right, answers),
                measures.wilson_high(right, answers),
                _reading(level, counts),
            )
        )
    return tuple(out)


def _reading(level: int, counts: Mapping[int, tuple[int, int]]) -> str:
    """`sure: right 92% of 48 — sure but wrong 4 times`: the facts, and what runs against what was said."""
    name = CONFIDENCE_LEVELS[level]
    answers, right = counts.get(level, (0, 0))
    if not answers:
        return f"{name}: no answers"
    rate = right / answers
    said = []
    if level == 1 and right < answers:
        said.append(f"sure but wrong {answers - right} {'time' if answers - right == 1 else 'times'}")
    for other, (other_answers, other_right) in sorted(counts.items()):
        if other > level and other_answers and other_right / other_answers > rate:
            share = percent(other_right / other_answers)
            said.append(f"right less often than the {CONFIDENCE_LEVELS[other]} answers ({share} of {other_answers})")
    if level == 3 and rate > GUESSES_RIGHT:
        said.append(f"more than {percent(GUESSES_RIGHT)} of guesses right")
    return f"{name}: right {percent(rate)} of {answers}" + (" — " + "; ".join(said) if said else "")


def _mock(row: Row, tz: tzinfo | None) -> MockRow:
    started = _aware(from_db(row["started_at"]))
    assert started is not None  # a NOT NULL column
    return MockRow(
        mock_id=row["mock_id"],
        started_at=started.astimezone(tz) if tz is not None else started.astimezone(),
        minutes=row["minutes"],
        seconds_per_question=row["seconds_per_question"],
        topic=row["topic"],
        questions=row["questions"],
        follow_ups=row["follow_ups"],
        follow_ups_missed=row["follow_ups_missed"],
        key_points=row["key_points"],
        recalled=row["recalled"],
        mean_seconds=row["mean_seconds"],
        over_time=row["over_time"],
    )


def _leech(row: Row) -> LeechRow:
    prompt, _ = _prompt(row["content"])
    return LeechRow(
        row["uid"], row["deck_id"], row["question_id"], row["topic"], prompt, row["lapses"], bool(row["suspended"])
    )


def _days(rows: Iterable[Row]) -> list[DayRow]:
    return [
        DayRow(
            date.fromisoformat(row["study_day"]),
            int(row["answers"]),
            int(row["again"]),
            PassFail(int(row["young_passed"] + row["mature_passed"]), int(row["young_failed"] + row["mature_failed"])),
            row["duration_ms"] / 60_000,
        )
        for row in rows
    ]


def _forecast(rows: Iterable[Row], today: date, days: list[DayRow]) -> tuple[ForecastDay, ...]:
    """Cards due on each of the next 30 study days, and their minutes at the recent mean answer time."""
    recent = [d for d in days if d.day > today - timedelta(days=30)]
    answers = sum(d.reviews for d in recent)
    minutes_each = sum(d.minutes for d in recent) / answers if answers else 0.0
    due = {date.fromisoformat(row["day"]): int(row["cards"]) for row in rows}
    return tuple(
        ForecastDay(day, due.get(day, 0), due.get(day, 0) * minutes_each)
        for day in (today + timedelta(days=n) for n in range(FORECAST_DAYS))
    )


def _streak(
    studied: set[date], today: date, latest_late: str | None, overdue: int, forecast: tuple[ForecastDay, ...]
) -> int:
    """Study days in a row, up to today, whose due reviews were all done.

    A day was not done if a review card due on it (or before) was answered on a later day, or is still not
    answered: so the streak starts at the latest day with such a late answer (that day itself may be done),
    and is 0 while a card due before today waits. Today counts once nothing is due; days without cards due
    count too, from the first day studied.
    """
    if not studied or overdue:
        return 0
    first = min(studied)
    if latest_late is not None:
        first = max(first, date.fromisoformat(latest_late))
    yesterday = today - timedelta(days=1)
    days = (yesterday - first).days + 1 if first <= yesterday else 0
    return days + (1 if forecast and forecast[0].due == 0 and first <= today else 0)


def _weeks(days: list[DayRow], today: date, desired: float) -> tuple[WeekRow, ...]:
    """True retention of each of the last 12 weeks (Monday to Sunday), this week included."""
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    counts = {start: [0, 0] for start in starts}
    for day in days:
        start = day.day - timedelta(days=day.day.weekday())
        if start in counts:
            counts[start][0] += day.retention.passed
            counts[start][1] += day.retention.failed
    return tuple(WeekRow(start, PassFail(*counts[start]), desired) for start in starts)


def _calibrations(
    calibration_rows: Iterable[Row], recall_rows: Iterable[Row], scopes: set[str]
) -> tuple[Calibration, ...]:
    """Calibration overall (over the report's top-level topics) and per top-level topic."""
    bins: dict[str, dict[tuple[Any, ...], list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0] * 4))
    recall: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0] * 3))
    for row in calibration_rows:
        if row["scope"] in scopes:
            for scope in ("all", row["scope"]):
                into = bins[scope][(row["elapsed_bin"], row["review_bin"], row["lapse_bin"])]
                for i, name in enumerate(("answers", "passed", "expected", "log_loss")):
                    into[i] += row[name]
    for row in recall_rows:
        if row["scope"] in scopes:
            for scope in ("all", row["scope"]):
                into = recall[scope][row["permille"]]
                for i, name in enumerate(("answers", "passed", "expected")):
                    into[i] += row[name]
    out = []
    for scope in ["all", *sorted(scopes)]:
        groups = list(bins[scope].values())
        answers = sum(g[0] for g in groups)
        by_recall = recall[scope]
        out.append(
            Calibration(
                scope=scope,
                reviews=int(answers),
                log_loss=sum(g[3] for g in groups) / answers if answers else None,
                rmse_bins=measures.rmse_bins((g[0], g[1], g[2]) for g in groups),
                auc=measures.auc({p: (v[0], v[1]) for p, v in by_recall.items()}),
                bins=measures.calibration_bins({p: (v[0], v[1], v[2]) for p, v in by_recall.items()})
                if answers
                else (),
            )
        )
    return tuple(out)
