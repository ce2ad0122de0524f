"""The report as CSV: one row per deck, per topic (every level of every path) and per question, for a spreadsheet;
then a row per level of confidence said before the reveal, and one per mock interview.

The header row holds these columns, in this order; their names are stable across versions (new ones are added
at the end):

- `kind`: `deck`, `topic`, `question`, `confidence` or `mock`.
- `deck_id`, `question_id`: the deck (deck and question rows) and the question's id in it (question rows).
- `topic`: the topic path, such as `diffusion/dit` (topic and question rows), or the one a mock was drawn from.
- `depth`: the number of parts of the topic path (topic rows).
- `text`: the deck's title (deck rows), the question's prompt (question rows), in full, or the level of
  confidence said (`sure`, `unsure`, `guess`).
- `question_retired`: `true` when the question was deleted from its deck file (its history is kept).
- `last_grade`: 1 (Again) to 4 (Easy), the latest answer to the question; `last_reviewed`: when, ISO 8601.
- `retrievability`: the question's predicted recall now (the lowest of its cards).
- `missed_key_points`: the key points missed in the question's latest marked answer, one per line.
- `rank`: 1 for the weakest topic or question, 2 for the next...; empty when not ranked.
- `cards`, `questions`, `seen`, `never_seen`, `retired`, `reviews`, `lapses`: counts of the group.
- `window_reviews`, `window_again`, `again_rate`: answers in the report's window, those answered Again, their share.
- `retention_<period>_passed`, `retention_<period>_failed`, `retention_<period>`: true retention (young and
  mature together) over `today`, `7d`, `30d`, `365d` and `all`: passes, failures and pass rate.
- `expected_passes`, `mean_retrievability`, `mean_difficulty`, `mean_stability_days`, `due_next_7_days`,
  `leeches`, `key_points_marked`, `key_points_missed`, `slow_correct`: as in `quizapp.analysis.model.Figures`.
- `weakness`: the weakness score, and its parts `weakness_wilson_low`, `weakness_surprise`,
  `weakness_never_seen`, `weakness_missed_key_points`; empty when there is not enough data.
- `follow_ups`, `follow_ups_missed`: mock follow-ups asked and missed (rated Again), counted for the question that
  started them (deck, topic and question rows), or asked in the mock (mock rows).
- `weakness_missed`: the weakness score's K, the share of key points and follow-ups missed.
- `answers`, `right`, `right_rate`, `right_rate_low`, `right_rate_high` (confidence rows): the answers of the
  window given after saying that level, reviews and practice answers together, those right (Hard, Good, Easy),
  their share and its 95% Wilson interval.
- `mock_id`, `started_at` (ISO 8601, local time), `minutes`, `countdown_seconds`, `mock_questions` (main questions
  asked), `key_points`, `recalled`, `mean_seconds` (per answer), `over_time` (answers longer than the countdown):
  a mock interview (mock rows).

Numbers are plain decimals (`0.873`, never `87%`), rounded to 6 places; empty means none (nothing to divide).

Deck text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or a fullwidth `＝＋－＠`) gets a
leading `'`: a spreadsheet would run it as a formula (CSV injection), and `'` makes it plain text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator

from quizapp.analysis.model import PERIODS, Figures, Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list, and the fullwidth forms)."""

_FIGURES = (
    "cards",
    "questions",
    "seen",
    "never_seen",
    "retired",
    "reviews",
    "lapses",
    "window_reviews",
    "window_again",
    "again_rate",
    *(f"retention_{p}{part}" for p in PERIODS for part in ("_passed", "_failed", "")),
    "expected_passes",
    "mean_retrievability",
    "mean_difficulty",
    "mean_stability_days",
    "due_next_7_days",
    "leeches",
    "key_points_marked",
    "key_points_missed",
    "slow_correct",
    "weakness",
    "weakness_wilson_low",
    "weakness_surprise",
    "weakness_never_seen",
    "weakness_missed_key_points",
)
COLUMNS = (
    "kind",
    "deck_id",
    "question_id",
    "topic",
    "depth",
    "text",
    "question_retired",
    "last_grade",
    "last_reviewed",
    "retrievability",
    "missed_key_points",
    "rank",
    *_FIGURES,
    "follow_ups",
    "follow_ups_missed",
    "weakness_missed",
    "answers",
    "right",
    "right_rate",
    "right_rate_low",
    "right_rate_high",
    "mock_id",
    "started_at",
    "minutes",
    "countdown_seconds",
    "mock_questions",
    "key_points",
    "recalled",
    "mean_seconds",
    "over_time",
)
"""The header row."""

Row = dict[str, str | int | float | None]


def to_csv(report: Report) -> str:
    """The report's decks, topics and questions as CSV text (RFC 4180: comma-separated, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    for row in _rows(report):
        writer.writerow({column: _cell(value) for column, value in row.items()})
    return buffer.getvalue()


def _rows(report: Report) -> Iterator[Row]:
    topic_rank = {row.topic: n for n, row in enumerate(report.weakest_topics, 1)}
    question_rank = {(q.deck_id, q.question_id): n for n, q in enumerate(report.weakest_questions, 1)}
    for deck in report.decks:
        yield {"kind": "deck", "deck_id": _text(deck.deck_id), "text": _text(deck.title), **_figures(deck.figures)}
    for topic in report.topics:
        yield {
            "kind": "topic",
            "topic": _text(topic.topic),
            "depth": topic.depth,
            "rank": topic_rank.get(topic.topic),
            **_figures(topic.figures),
        }
    for q in report.questions:
        yield {
            "kind": "question",
            "deck_id": _text(q.deck_id),
            "question_id": _text(q.question_id),
            "topic": _text(q.topic),
            "text": _text(q.prompt),
            "question_retired": "true" if q.retired else "false",
            "last_grade": q.last_grade,
            "last_reviewed": q.last_reviewed.isoformat() if q.last_reviewed else None,
            "retrievability": q.retrievability,
            "missed_key_points": _text("\n".join(q.missed_key_points)),
            "rank": question_rank.get((q.deck_id, q.question_id)),
            **_figures(q.figures),
        }
    for c in report.confidence:
        if c.answers:
            yield {"kind": "confidence", "text": c.level, "answers": c.answers, "right": c.right,
                   "right_rate": c.rate, "right_rate_low": c.low, "right_rate_high": c.high}  # fmt: skip
    for m in report.mocks:
        yield {
            "kind": "mock",
            "mock_id": m.mock_id,
            "started_at": m.started_at.isoformat(),
            "topic": _text(m.topic or ""),
            "minutes": m.minutes,
            "countdown_seconds": m.seconds_per_question,
            "mock_questions": m.questions,
            "follow_ups": m.follow_ups,
            "follow_ups_missed": m.follow_ups_missed,
            "key_points": m.key_points,
            "recalled": m.recalled,
            "mean_seconds": m.mean_seconds,
            "over_time": m.over_time,
        }


def _figures(f: Figures) -> Row:
    row: Row = {
        "cards": f.cards,
        "questions": f.questions,
        "seen": f.seen,
        "never_seen": f.never_seen,
        "retired": f.retired,
        "reviews": f.reviews,
        "lapses": f.lapses,
        "window_reviews": f.window_reviews,
        "window_again": f.window_again,
        "again_rate": f.again_rate,
        "expected_passes": f.expected_passes,
        "mean_retrievability": f.mean_retrievability,
        "mean_difficulty": f.mean_difficulty,
        "mean_stability_days": f.mean_stability_days,
        "due_next_7_days": f.due_next_7_days,
        "leeches": f.leeches,
        "key_points_marked": f.key_points_marked,
        "key_points_missed": f.key_points_missed,
        "slow_correct": f.slow_correct,
        "follow_ups": f.follow_ups,
        "follow_ups_missed": f.follow_ups_missed,
    }
    for period in PERIODS:
        if period not in f.retention:
            continue
        total = f.retention[period].total
        row |= {
            f"retention_{period}_passed": total.passed,
            f"retention_{period}_failed": total.failed,
            f"retention_{period}": total.rate,
        }
    if f.weakness is not None:
        w = f.weakness
        row |= {
            "weakness": w.score,
            "weakness_wilson_low": w.wilson_low,
            "weakness_surprise": w.surprise,
            "weakness_never_seen": w.never_seen,
            "weakness_missed_key_points": w.missed_key_points,
            "weakness_missed": w.missed,
        }
    return row


def _text(value: str) -> str:
    """Deck text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: str | int | float | None) -> str:
    """A cell: numbers as plain decimals, None (and a non-finite float) as empty."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
