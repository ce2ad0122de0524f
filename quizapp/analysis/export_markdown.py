"""The report as Markdown: the default format, to read in a terminal or paste into notes.

Tables are padded by display columns (a CJK character takes two), so their pipes line up in a
monospace editor, and deck text is escaped so that no `|`, `<` or line break in it can break a table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, timedelta

from quizapp.analysis.model import MOCKS_LISTED, PERIODS, Calibration, QuestionRow, Report, TopicRow
from quizapp.analysis.numbers import decimal, interval, missed_of, mocks_listed, percent, retention_cell, score
from quizapp.analysis.pass_fail import PassFail

TEXT_COLUMNS = 80
"""Display columns a prompt or key point is shortened to in a table cell."""

GRADE_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
"""`quizapp.scheduling.Grade` by name; not imported from there, as that module loads the scheduler."""

PERIOD_NAMES = {"today": "Today", "7d": "7 days", "30d": "30 days", "365d": "365 days", "all": "All"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # not strftime("%a"): that follows the locale
TREND_DAYS = 14

# A `|` or `<` with the backslashes before it: each of those is doubled and one more escapes the character,
# so the character stays text both for GFM (backslash pairs) and markdown-it (a backslash just before `|`).
_ESCAPED = re.compile(r"(\\*)([|<])")


def display_width(text: str) -> int:
    """Terminal columns of `text`: East Asian Wide and Fullwidth take two, combining and format characters none.

    Not `quizapp.east_asian.is_wide`: that is a line-breaking rule, which leaves out Hangul (drawn two
    columns wide) and counts halfwidth katakana (drawn one column wide).
    """
    if text.isascii():  # most cells (numbers, English): one column a character
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if char < "\u0300":
        return 1
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def one_line(text: str) -> str:
    """Text on one line: line breaks, tabs and other control characters become spaces."""
    if text.isprintable():  # no line break nor control character (most cells): as it is
        return text
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in " ".join(text.splitlines()))


def shorten(text: str, columns: int = TEXT_COLUMNS) -> str:
    """The first line of `text`, cut to at most `columns` display columns with `…` where it was cut."""
    lines = text.strip().splitlines()
    line = one_line(lines[0]).strip() if lines else ""
    if display_width(line) <= columns:
        return line
    kept, used = [], 0
    for char in line:
        used += _char_width(char)
        if used > columns - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def escape(text: str) -> str:
    """Deck text as Markdown inline text on one line that cannot end a table cell nor open an HTML tag."""
    return _ESCAPED.sub(lambda m: m[1] * 2 + "\\" + m[2], one_line(text))


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A Markdown table whose cells are escaped and padded to the display width of their column.

    Args:
        header: the column titles.
        rows: the cells, as plain (unescaped) text.
        align: one letter per column, `l` or `r` (numbers read best right-aligned).

    Returns:
        The table's lines.
    """
    grid = [[escape(cell).strip() for cell in row] for row in (header, *rows)]
    widths = [max([3, *(display_width(row[i]) for row in grid)]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for cell, width, side in zip(cells, widths, align, strict=True):
            pad = " " * (width - display_width(cell))
            padded.append(pad + cell if side == "r" else cell + pad)
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w - 1) + ":" if side == "r" else "-" * w for w, side in zip(widths, align, strict=True)]
    return [line(grid[0]), line(rule), *(line(row) for row in grid[1:])]


def to_markdown(report: Report) -> str:
    """The whole report as Markdown; an empty one (no reviews) has only its title, summary and notes."""
    sections = [_title(report), _summary(report), _notes(report)]
    if not report.empty:
        sections += [
            _weakest_topics(report),
            _weakest_questions(report),
            _key_points(report),
            _leeches(report),
            _trend(report),
            _calibration(report),
        ]
    if not report.empty or report.practiced:
        sections += [_confidence(report), _mocks(report)]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def _title(report: Report) -> list[str]:
    f = report.filters
    scope = [f"deck {f.deck}" if f.deck else "", f"topic {f.topic}" if f.topic else ""]
    scoped = ", ".join(part for part in scope if part)
    since = f"trend since {f.since.isoformat()}" if f.since else "all history"
    generated = report.generated_at.astimezone(UTC)
    return [
        escape(f"# quizapp report, {report.today.isoformat()}" + (f" ({scoped})" if scoped else "")),
        "",
        escape(
            f"Decks: {f.deck or 'all'} · topics: {f.topic or 'all'} · {since} · window: the last {f.window_days} days"
            f" · leech: {f.leech_threshold} lapses · ranked from {f.min_reviews_topic} reviews per topic,"
            f" {f.min_reviews_question} per question · generated {generated:%Y-%m-%d %H:%M} UTC"
        ),
    ]


def _summary(report: Report) -> list[str]:
    s = report.summary
    lines = [
        "## Summary",
        "",
        f"- Cards: {s.cards}, {s.seen} seen",
        f"- Reviews: {s.reviews}, {s.reviews_today} today",
        f"- Due today: {s.due_today}",
        f"- Streak: {s.streak_days} days ({s.studied_days} study days in all)",
        f"- Desired retention: {percent(s.desired_retention)}",
        f"- Scheduler: {escape(s.parameters)}",
        "",
        "True retention: reviews of cards that came back after at least a study day; young cards had been"
        " out for less than 21 days, mature ones for 21 or more.",
        "",
    ]
    rows = [
        (PERIOD_NAMES.get(p, p), retention_cell(r.young), retention_cell(r.mature), retention_cell(r.total))
        for p in PERIODS
        if (r := s.retention.get(p)) is not None
    ]
    return lines + markdown_table(("Period", "Young", "Mature", "Total"), rows, "lrrr")


def _notes(report: Report) -> list[str]:
    notes = report.notes or (("No reviews yet: nothing to rank.",) if report.empty else ())
    return [f"> {escape(note)}" for note in notes]


def _share(part: int, whole: int) -> str:
    """`38% (15/40)`, or `—` when there is nothing to divide."""
    return f"{percent(part / whole)} ({part}/{whole})" if whole else "—"


def _topic_cells(rank: str, row: TopicRow) -> tuple[str, ...]:
    f = row.figures
    return (
        rank,
        row.topic,
        str(row.depth),
        score(f.weakness.score if f.weakness else None),
        retention_cell(f.retention["all"].total) if "all" in f.retention else "—",
        _share(f.window_again, f.window_reviews),
        f"{f.never_seen}/{f.cards}",
        _share(f.key_points_missed, f.key_points_marked),
        missed_of(f.follow_ups_missed, f.follow_ups),
        percent(f.mean_retrievability),
        str(f.due_next_7_days),
    )


def _weakest_topics(report: Report) -> list[str]:
    f = report.filters
    ranked = [_topic_cells(str(n), row) for n, row in enumerate(report.weakest_topics, 1)]
    unscored = [row for row in report.topics if row.figures.weakness is None]
    unranked = [_topic_cells("—", row) for row in unscored if row.figures.reviews]
    untouched = [row.topic for row in unscored if not row.figures.reviews]
    header = (
        "#",
        "Topic",
        "Level",
        "Weakness",
        "True retention",
        f"Again ({f.window_days}d)",
        "Never seen",
        "Key points missed",
        "Follow-ups missed",
        "Mean recall now",
        "Due in 7d",
    )
    lines = [
        "## Weakest topics",
        "",
        f"Weakest first. Level is the depth of the topic's path; a topic needs {f.min_reviews_topic} reviews to be"
        " ranked (`not enough data` below the ranked ones). Follow-ups missed: mock interview follow-ups rated"
        " Again of those asked, counted for the topic of the question that started them.",
        "",
    ]
    lines += markdown_table(header, ranked + unranked, "rlrrrrrrrrr") if ranked or unranked else ["No topics."]
    if untouched:
        shown = ", ".join(escape(name) for name in untouched[:12]) + (", …" if len(untouched) > 12 else "")
        lines += ["", f"Not reviewed yet ({len(untouched)} topics): {shown}"]
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall("`+", report.weakness_formula))])
    return [*lines, "", "The weakness score:", "", fence, report.weakness_formula, fence]


def _prompt(question: QuestionRow, columns: int = TEXT_COLUMNS) -> str:
    return ("(retired) " if question.retired else "") + shorten(question.prompt, columns)


def _weakest_questions(report: Report) -> list[str]:
    rows = [
        (
            str(n),
            q.topic,
            _prompt(q),
            GRADE_NAMES.get(q.last_grade or 0, "—"),
            percent(q.retrievability),
            str(q.figures.lapses),
            shorten("; ".join(one_line(point) for point in q.missed_key_points)),
        )
        for n, q in enumerate(report.weakest_questions, 1)
    ]
    header = ("#", "Topic", "Question", "Last grade", "Recall now", "Lapses", "Key points missed last time")
    body = markdown_table(header, rows, "rllrrrl") if rows else ["No question has enough reviews to be ranked."]
    return ["## Weakest questions", "", *body]


def _key_points(report: Report) -> list[str]:
    prompts = {(q.deck_id, q.question_id): q for q in report.questions}
    rows = []
    for n, k in enumerate(report.weakest_key_points, 1):
        question = prompts.get((k.deck_id, k.question_id))
        rows.append(
            (
                str(n),
                k.topic,
                _prompt(question, 40) if question else f"{k.deck_id}/{k.question_id}",
                f"{k.point + 1}. {shorten(k.text)}",
                _share(k.missed, k.marked),
            )
        )
    body = markdown_table(("#", "Topic", "Question", "Key point", "Missed"), rows, "rlllr") if rows else []
    return ["## Key points most often missed", "", *(body or ["No key point marked missed."])]


def _leeches(report: Report) -> list[str]:
    rows = [(c.uid, c.topic, shorten(c.prompt), str(c.lapses), "yes" if c.suspended else "no") for c in report.leeches]
    header = ("Card", "Topic", "Question", "Lapses", "Suspended")
    body = markdown_table(header, rows, "lllrl") if rows else []
    threshold = report.filters.leech_threshold
    return ["## Leeches", "", *(body or [f"No card failed {threshold} times or more."])]


def _day(day: date) -> str:
    return f"{day.isoformat()} {WEEKDAYS[day.weekday()]}"


def _points(counts: PassFail, desired: float) -> str:
    """How far a pass rate is from the desired retention, in percentage points."""
    return "—" if counts.rate is None else f"{(counts.rate - desired) * 100:+.0f} pts"


def _trend(report: Report) -> list[str]:
    weeks = [
        (w.week_start.isoformat(), retention_cell(w.retention), percent(w.desired), _points(w.retention, w.desired))
        for w in report.weeks
    ]
    by_day = {d.day: d for d in report.days}
    days = []
    for back in range(TREND_DAYS - 1, -1, -1):
        day = report.today - timedelta(days=back)
        row = by_day.get(day)
        days.append(
            (_day(day), "0", "0", "—", "0")
            if row is None
            else (_day(day), str(row.reviews), str(row.again), retention_cell(row.retention), f"{row.minutes:.0f}")
        )
    forecast = [(_day(f.day), str(f.due), f"{f.minutes:.0f}") for f in report.forecast]
    forecast.append(
        ("Total", str(sum(f.due for f in report.forecast)), f"{sum(f.minutes for f in report.forecast):.0f}")
    )
    return [
        "## Trend",
        "",
        "### True retention per week",
        "",
        *(markdown_table(("Week of", "True retention", "Desired", "Difference"), weeks, "lrrr") if weeks else []),
        *([] if weeks else ["No reviews in the last weeks."]),
        "",
        f"### Reviews per day, last {TREND_DAYS} days",
        "",
        *markdown_table(("Day", "Reviews", "Again", "True retention", "Minutes"), days, "lrrrr"),
        "",
        f"### Due in the next {len(report.forecast)} days",
        "",
        *markdown_table(("Day", "Due", "Minutes"), forecast, "lrr"),
    ]


def _calibration(report: Report) -> list[str]:
    lines = [
        "## Calibration",
        "",
        "How well FSRS's predicted recall matched yours. Log loss and RMSE(bins): lower is better;"
        " AUC: 0.5 is chance, 1 a perfect ranking.",
    ]
    for c in report.calibration:
        lines += ["", f"### {escape('All topics' if c.scope == 'all' else c.scope)}", "", _calibration_line(c)]
        if c.reviews and c.bins:
            rows = [
                (f"{percent(b.low)}–{percent(b.high)}", str(b.count), percent(b.predicted), percent(b.actual))
                for b in c.bins
            ]
            lines += ["", *markdown_table(("Predicted recall", "Reviews", "Predicted", "Actual"), rows, "lrrr")]
    return lines


def _calibration_line(c: Calibration) -> str:
    if not c.reviews:
        return "No reviews to check the predictions against."
    measures = f"log loss {decimal(c.log_loss)} · RMSE(bins) {decimal(c.rmse_bins)} · AUC {decimal(c.auc)}"
    return f"{c.reviews} reviews · {measures}"


def _confidence(report: Report) -> list[str]:
    days = report.filters.window_days
    lines = [
        "## Confidence before the reveal",
        "",
        f"Answers of the last {days} days given after saying sure, unsure or guess: reviews and practice answers"
        " (drills, mock interviews) together. Right is Hard, Good or Easy; the interval is the 95% Wilson"
        " interval of the share right.",
        "",
    ]
    if not any(c.answers for c in report.confidence):
        return [*lines, f"No answer of the last {days} days came with a confidence said before the reveal."]
    rows = [
        (c.level, str(c.answers), str(c.right), percent(c.rate), interval(c.low, c.high) if c.answers else "—")
        for c in report.confidence
    ]
    header = ("Said", "Answers", "Right", "Share right", "95% interval")
    return [*lines, *markdown_table(header, rows, "lrrrr"), "", *(f"- {escape(c.reading)}" for c in report.confidence)]


def _mocks(report: Report) -> list[str]:
    if not report.mocks:
        return ["## Mock interviews", "", "No mock interview yet."]
    shown = report.mocks[:MOCKS_LISTED]
    rows = [
        (
            f"{m.started_at:%Y-%m-%d %H:%M}",
            str(m.questions),
            str(m.follow_ups),
            _share(m.recalled, m.key_points),
            missed_of(m.follow_ups_missed, m.follow_ups),
            f"{m.mean_seconds:.0f}",
            f"{m.over_time} of {m.questions + m.follow_ups} (> {m.seconds_per_question} s)",
        )
        for m in shown
    ]
    header = ("Started", "Questions", "Follow-ups", "Key points covered", "Follow-ups missed", "Seconds per answer",
              "Over the countdown")  # fmt: skip
    return [
        "## Mock interviews",
        "",
        f"{mocks_listed(len(report.mocks))}, over every deck and topic; started at local time. A follow-up rated"
        " Again is missed; over the countdown: answers that took longer than it.",
        "",
        *markdown_table(header, rows, "lrrrrrr"),
    ]
