"""The report as one standalone HTML5 file: opens offline, from an e-mail or a USB stick, on a phone or a desktop.

No script, no network: CSS and SVG charts are inline, and a Content-Security-Policy forbids anything else in
case some deck text slipped through. Deck text (prompts, key points, topics, titles, ids) has its math turned
into Unicode first and is then escaped, so it is only ever text, never markup or an attribute of its own.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from quizapp.analysis import svg_charts
from quizapp.analysis.model import MOCKS_LISTED, PERIODS, Calibration, Figures, QuestionRow, Report, TopicRow
from quizapp.analysis.numbers import decimal, interval, missed_of, mocks_listed, percent, retention_cell, score
from quizapp.east_asian import is_wide
from quizapp.mathtext import render_plain_math

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
PERIOD_NAMES = {"today": "Today", "7d": "7 days", "30d": "30 days", "365d": "365 days", "all": "All"}

CSS = """
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --bad: #cf222e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: #fff; line-height: 1.6;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
}
main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 48px; }
h1 { font-size: 1.7em; margin: 0.2em 0; }
h2 { font-size: 1.3em; margin: 1.6em 0 0.4em; padding-bottom: 0.2em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
p { margin: 0.4em 0; }
.muted, .meta { color: var(--muted); }
.meta { font-size: 0.92em; }
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(150px, 100%), 1fr)); gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.card .label { color: var(--muted); font-size: 0.85em; }
.card .value { font-size: 1.6em; font-weight: 600; line-height: 1.3; font-variant-numeric: tabular-nums; }
.card .detail { color: var(--muted); font-size: 0.85em; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 6px 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; vertical-align: bottom; }
th.num { white-space: normal; }
.nowrap { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.text { min-width: 12em; max-width: 40em; overflow-wrap: anywhere; }
.path { min-width: 7em; overflow-wrap: break-word; }
.id {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 0.85em; color: var(--muted); overflow-wrap: break-word;
}
.bar-cell { min-width: 6em; width: 18%; }
svg.calibration { max-width: 420px; }
svg.heatmap { max-width: 100%; }
.bar-cell svg { display: block; width: 100%; height: 12px; }
ul.missed { margin: 0; padding-left: 1.1em; }
.formula { background: var(--panel); border-radius: 6px; padding: 6px 10px; overflow-wrap: anywhere; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(380px, 100%), 1fr)); gap: 12px 24px; }
figure { margin: 8px 0; min-width: 0; }
figcaption { font-weight: 600; font-size: 0.95em; margin-bottom: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; }
.metrics { display: flex; flex-wrap: wrap; gap: 4px 18px; font-variant-numeric: tabular-nums; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
.tag { font-size: 0.8em; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
@media (max-width: 600px) {
  main { padding: 10px 12px 32px; }
  h1 { font-size: 1.4em; }
  table { font-size: 0.88em; }
  th, td { padding: 5px 6px; }
}
"""


def deck_text(text: str) -> str:
    """Deck text as safe HTML: math rendered to Unicode, then escaped; Chinese marked so it gets Chinese glyphs."""
    rendered = html.escape(render_plain_math(text), quote=True)
    return f'<span lang="zh-Hans">{rendered}</span>' if any(is_wide(c) for c in rendered) else rendered


def topic_text(topic: str) -> str:
    """A topic path as safe HTML that breaks after its slashes, not inside a word, on a narrow screen."""
    return deck_text(topic).replace("/", "/<wbr>")


def _id(text: str) -> str:
    """A deck, question or card id: escaped, shown as code."""
    return f'<span class="id">{html.escape(text, quote=True)}</span>'


def _table(headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]]) -> str:
    """A scrollable table; `headers` are (label, css class) and every cell is HTML built by this module."""
    head = "".join(f'<th class="{css}" scope="col">{label}</th>' for label, css in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{css}">{cell}</td>' for (_, css), cell in zip(headers, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _card(label: str, value: str, detail: str = "") -> str:
    extra = f'<div class="detail">{detail}</div>' if detail else ""
    return f'<div class="card"><div class="label">{label}</div><div class="value">{value}</div>{extra}</div>'


def _section(title: str, anchor: str, *parts: str) -> str:
    return f'<section id="{anchor}"><h2>{title}</h2>{"".join(parts)}</section>'


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{caption}</figcaption>{svg}</figure>"


def _header(report: Report) -> str:
    f = report.filters
    covers = [
        f"deck {_id(f.deck) if f.deck else 'all'}",
        f"topic {deck_text(f.topic) if f.topic else 'all'}",
        f"since {f.since.isoformat() if f.since else 'the first review'}",
        f"window {f.window_days} days",
        f"leech at {f.leech_threshold} lapses",
        f"weakness needs {f.min_reviews_topic} reviews a topic, {f.min_reviews_question} a question",
    ]
    notes = "".join(f'<p class="note">{deck_text(note)}</p>' for note in report.notes)
    return (
        f"<header><h1>quizapp report, {report.today.isoformat()}</h1>"
        f'<p class="meta">Study day {report.today.isoformat()} · generated '
        f"{report.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip()}</p>"
        f'<p class="meta">{" · ".join(covers)}</p>{notes}</header>'
    )


def _summary(report: Report) -> str:
    s = report.summary
    total = s.retention["all"].total if "all" in s.retention else None
    cards = "".join(
        (
            _card("Reviews", str(s.reviews), f"{s.reviews_today} today"),
            _card("Streak", f"{s.streak_days} d", f"{s.studied_days} days studied"),
            _card("Due today", str(s.due_today)),
            _card("Cards seen", f"{s.seen}/{s.cards}"),
            _card("True retention", percent(total.rate if total else None), f"desired {percent(s.desired_retention)}"),
        )
    )
    rows = [
        (
            PERIOD_NAMES.get(p, html.escape(p)),
            retention_cell(r.young),
            retention_cell(r.mature),
            retention_cell(r.total),
        )
        for p in PERIODS
        if (r := s.retention.get(p)) is not None
    ]
    table = _table(
        [("Period", "nowrap"), ("Young (&lt; 21 d)", "num"), ("Mature (≥ 21 d)", "num"), ("Total", "num")], rows
    )
    scheduler = f'<p class="muted">Scheduler: {html.escape(s.parameters)}</p>'
    return _section(
        "Summary", "summary", f'<div class="cards">{cards}</div>', scheduler, "<h3>True retention</h3>", table
    )


def _topic_cells(row: TopicRow, scale: float) -> list[str]:
    f, w = row.figures, row.figures.weakness
    return [
        topic_text(row.topic),
        svg_charts.weakness_bar(render_plain_math(row.topic), w.score if w else None, scale=scale),
        score(w.score if w else None),
        str(f.reviews),
        percent(f.again_rate),
        percent(w.wilson_low if w else None),
        percent(w.surprise if w else None),
        percent(w.never_seen if w else None),
        percent(w.missed if w else None),
        missed_of(f.follow_ups_missed, f.follow_ups),
    ]


def _weakest_topics(report: Report) -> str:
    formula = f'<p class="formula">{deck_text(report.weakness_formula)}</p>'
    if not report.weakest_topics:
        return _section("Weakest topics", "topics", formula, '<p class="muted">No topic has enough reviews yet.</p>')
    scale = max(1.0, *(r.figures.weakness.score for r in report.weakest_topics if r.figures.weakness))
    headers = [
        ("Topic", "path"),
        ("Weakness", "bar-cell"),
        ("Score", "num"),
        ("Reviews", "num"),
        ("Again (window)", "num"),
        ("Pass rate low (Wilson)", "num"),
        ("Surprise", "num"),
        ("Never seen", "num"),
        ("Missed key points and follow-ups", "num"),
        ("Follow-ups missed", "num"),
    ]
    rows = [_topic_cells(row, scale) for row in report.weakest_topics]
    return _section("Weakest topics", "topics", _table(headers, rows), formula)


def _question_cells(q: QuestionRow) -> list[str]:
    retired = ' <span class="tag">retired</span>' if q.retired else ""
    missed = (
        '<ul class="missed">' + "".join(f"<li>{deck_text(point)}</li>" for point in q.missed_key_points) + "</ul>"
        if q.missed_key_points
        else "—"
    )
    reviewed = q.last_reviewed.strftime("%Y-%m-%d") if q.last_reviewed else "never"
    grade = GRADES.get(q.last_grade, "—") if q.last_grade is not None else "—"
    return [
        f"{deck_text(q.prompt)}{retired}<br>{_id(q.deck_id + '/' + q.question_id)}",
        topic_text(q.topic),
        f'{grade}<br><span class="muted nowrap">{reviewed}</span>',
        percent(q.retrievability),
        missed,
        score(q.figures.weakness.score if q.figures.weakness else None),
    ]


def _rows_or_none(title: str, anchor: str, headers: Sequence[tuple[str, str]], rows: list[list[str]]) -> str:
    if not rows:
        return _section(title, anchor, '<p class="muted">None.</p>')
    return _section(title, anchor, _table(headers, rows))


def _weakest_questions(report: Report) -> str:
    headers = [
        ("Question", "text"),
        ("Topic", "path"),
        ("Last grade", ""),
        ("Recall now", "num"),
        ("Missed key points", "text"),
        ("Weakness", "num"),
    ]
    return _rows_or_none(
        "Weakest questions", "questions", headers, [_question_cells(q) for q in report.weakest_questions]
    )


def _key_points(report: Report) -> str:
    headers = [("Key point", "text"), ("Question", ""), ("Topic", "path"), ("Missed", "num"), ("Miss rate low", "num")]
    rows = [
        [
            deck_text(k.text),
            _id(f"{k.deck_id}/{k.question_id} #{k.point + 1}"),
            topic_text(k.topic),
            f"{k.missed}/{k.marked}",
            percent(k.miss_wilson_low),
        ]
        for k in report.weakest_key_points
    ]
    return _rows_or_none("Key points most often missed", "key-points", headers, rows)


def _leeches(report: Report) -> str:
    headers = [("Card", ""), ("Prompt", "text"), ("Topic", "path"), ("Lapses", "num"), ("Suspended", "")]
    rows = [
        [_id(le.uid), deck_text(le.prompt), topic_text(le.topic), str(le.lapses), "yes" if le.suspended else "no"]
        for le in report.leeches
    ]
    return _rows_or_none("Leeches", "leeches", headers, rows)


def _trend(report: Report) -> str:
    charts = _figure("True retention per week", svg_charts.retention_chart(report.weeks)) + _figure(
        "Due in the next 30 days", svg_charts.forecast_chart(report.forecast)
    )
    weeks = _table(
        [("Week of", ""), ("True retention", "num"), ("Desired", "num")],
        [[w.week_start.isoformat(), retention_cell(w.retention), percent(w.desired)] for w in report.weeks],
    )
    heat = _figure("Reviews per day", svg_charts.heatmap(report.days, report.today))
    return _section(
        "Trend",
        "trend",
        f'<div class="charts">{charts}</div>',
        heat,
        f"<details><summary>Weekly figures</summary>{weeks}</details>",
    )


def _forecast_only(report: Report) -> str:
    chart = _figure("Due in the next 30 days", svg_charts.forecast_chart(report.forecast))
    return _section("Due soon", "trend", f'<div class="charts">{chart}</div>')


def _calibration_block(c: Calibration) -> str:
    metrics = (
        f'<p class="metrics"><span>log loss {decimal(c.log_loss)}</span><span>RMSE(bins) {decimal(c.rmse_bins)}</span>'
        f"<span>AUC {decimal(c.auc)}</span><span>{c.reviews} reviews</span></p>"
    )
    bins = _table(
        [("Predicted recall", ""), ("Reviews", "num"), ("Mean predicted", "num"), ("Actual", "num")],
        [
            [f"{percent(b.low)}–{percent(b.high)}", str(b.count), percent(b.predicted), percent(b.actual)]
            for b in c.bins
        ],
    )
    chart = _figure("Predicted vs actual", svg_charts.calibration_chart(c.bins))
    return f'{metrics}<div class="charts">{chart}<div>{bins}</div></div>'


def _calibration(report: Report) -> str:
    parts: list[str] = [
        '<p class="muted">How well the scheduler predicted recall: lower log loss and RMSE(bins), '
        "higher AUC are better.</p>"
    ]
    for i, c in enumerate(report.calibration):
        name = "All topics" if c.scope == "all" else deck_text(c.scope)
        if i == 0:
            parts.append(f"<h3>{name}</h3>{_calibration_block(c)}")
        else:
            parts.append(f"<details><summary>{name}</summary>{_calibration_block(c)}</details>")
    return _section("Calibration", "calibration", *parts)


def _confidence(report: Report) -> str:
    days = report.filters.window_days
    note = (
        f'<p class="muted">Answers of the last {days} days given after saying sure, unsure or guess: reviews and'
        " practice answers (drills, mock interviews) together. Right is Hard, Good or Easy; the interval is the 95%"
        " Wilson interval of the share right.</p>"
    )
    if not any(c.answers for c in report.confidence):
        return _section("Confidence before the reveal", "confidence", note, '<p class="muted">None said yet.</p>')
    headers = [("Said", ""), ("Answers", "num"), ("Right", "num"), ("Share right", "num"), ("95% interval", "num")]
    rows = [
        [c.level, str(c.answers), str(c.right), percent(c.rate), interval(c.low, c.high) if c.answers else "—"]
        for c in report.confidence
    ]
    readings = "<ul>" + "".join(f"<li>{html.escape(c.reading)}</li>" for c in report.confidence) + "</ul>"
    return _section("Confidence before the reveal", "confidence", note, _table(headers, rows), readings)


def _mocks(report: Report) -> str:
    if not report.mocks:
        return _section("Mock interviews", "mocks", '<p class="muted">No mock interview yet.</p>')
    shown = report.mocks[:MOCKS_LISTED]
    note = (
        f'<p class="muted">{mocks_listed(len(report.mocks))}, over every deck and topic; started at local time.'
        " A follow-up rated Again is missed; over the countdown: answers that took longer than it.</p>"
    )
    headers = [
        ("Started", "nowrap"),
        ("Questions", "num"),
        ("Follow-ups", "num"),
        ("Key points covered", "num"),
        ("Follow-ups missed", "num"),
        ("Seconds per answer", "num"),
        ("Over the countdown", "num"),
    ]
    rows = [
        [
            f"{m.started_at:%Y-%m-%d %H:%M}",
            str(m.questions),
            str(m.follow_ups),
            f"{percent(m.covered)} ({m.recalled}/{m.key_points})" if m.key_points else "—",
            missed_of(m.follow_ups_missed, m.follow_ups),
            f"{m.mean_seconds:.0f}",
            f"{m.over_time} of {m.questions + m.follow_ups} (&gt; {m.seconds_per_question} s)",
        ]
        for m in shown
    ]
    return _section("Mock interviews", "mocks", note, _table(headers, rows))


def _decks(report: Report) -> str:
    headers = [("Deck", "text"), ("Cards", "num"), ("Reviews", "num"), ("Again (window)", "num"), ("Weakness", "num")]

    def cells(title: str, deck_id: str, f: Figures) -> list[str]:
        w = f.weakness.score if f.weakness else None
        return [f"{deck_text(title)}<br>{_id(deck_id)}", str(f.cards), str(f.reviews), percent(f.again_rate), score(w)]

    return _rows_or_none("Decks", "decks", headers, [cells(d.title, d.deck_id, d.figures) for d in report.decks])


def _body(report: Report) -> str:
    if report.empty:
        parts: Sequence[Callable[[Report], str]] = (_summary, _forecast_only)
        said = any("no reviews" in note.lower() for note in report.notes)
        empty = "" if said else '<p class="note">No reviews yet: answer some cards, and this report fills in.</p>'

        if report.practiced:  # a mock's answers may be practice only
            parts = (*parts, _confidence, _mocks)
        return _header(report) + empty + "".join(part(report) for part in parts)
    parts = (_summary, _weakest_topics, _weakest_questions, _key_points, _leeches, _trend, _calibration, _confidence,
             _mocks, _decks)  # fmt: skip
    return _header(report) + "".join(part(report) for part in parts)


def to_html(report: Report) -> str:
    """The whole report as one HTML5 document that needs nothing but a browser.

    Args:
        report: the analysis to show.

    Returns:
        The document's text; every piece of deck text in it is escaped.
    """
    title = f"quizapp report {report.today.isoformat()}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="color-scheme" content="light">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n'
        f"<body>\n<main>\n{_body(report)}\n</main>\n</body>\n</html>\n"
    )
