"""The report's charts as inline SVG: a standalone HTML file cannot load a chart library.

Pure functions from report rows to SVG text. Every chart has a viewBox (it scales with its container),
`role="img"` with a `<title>`, a `<title>` on each mark for screen readers and hover, and every label
escaped, since topic names are deck text. Empty data gives a "no data" chart rather than a division by zero.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import date, timedelta

from quizapp.analysis.model import CalibrationBin, DayRow, ForecastDay, WeekRow
from quizapp.analysis.numbers import percent, retention_cell

SVG_NS = "http://www.w3.org/2000/svg"
HEATMAP_WEEKS = 53
"""The heatmap shows at most this many weeks, as GitHub's contribution graph does."""
HEAT_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
"""No reviews, then four levels of the busiest day's count."""

_WIDTH = 480  # a chart's viewBox width; its text then stays readable from phone to desktop
_AXIS = "#59636e"
_GRID = "#d1d9e0"
_LINE = "#0969da"
_DESIRED = "#cf222e"
_BAR = "#8250df"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _n(value: float) -> str:
    """A coordinate, short: `12.5`, `40`."""
    return f"{value:.1f}".removesuffix(".0")


def _svg(
    title: str, width: float, height: float, body: Sequence[str], *, kind: str, pixels: float | None = None
) -> str:
    """Wrap marks in an accessible, scalable `<svg>`; `pixels` fixes a natural width instead of 100%."""
    size = "100%" if pixels is None else _n(pixels)
    return (
        f'<svg xmlns="{SVG_NS}" class="chart {kind}" viewBox="0 0 {_n(width)} {_n(height)}" width="{size}" '
        f'role="img" aria-label="{_esc(title)}"><title>{_esc(title)}</title>{"".join(body)}</svg>'
    )


def _text(x: float, y: float, label: str, *, anchor: str = "middle", size: int = 12, fill: str = _AXIS) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">{_esc(label)}</text>'


def no_data(title: str, *, kind: str = "empty") -> str:
    """A placeholder chart that says there is nothing to draw."""
    body = [
        f'<rect x="0.5" y="0.5" width="{_WIDTH - 1}" height="59" rx="6" fill="none" stroke="{_GRID}"/>',
        _text(_WIDTH / 2, 35, "no data", size=14),
    ]
    return _svg(f"{title}: no data", _WIDTH, 60, body, kind=kind)


def _every(count: int, labels: int) -> int:
    """The step between labelled ticks so that about `labels` of `count` get one."""
    return max(1, math.ceil(count / labels))


def _nice_max(value: float) -> float:
    """The top of an axis: 1, 2 or 5 times a power of ten, at least `value` (and 1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


def retention_chart(weeks: Sequence[WeekRow]) -> str:
    """True retention per week as a line, the desired retention as a dashed line; weeks without reviews are gaps."""
    title = "True retention per week vs desired retention"
    if not weeks or all(w.retention.rate is None for w in weeks):
        return no_data(title, kind="retention")
    left, right, top, bottom, height = 46.0, 16.0, 12.0, 50.0, 250.0
    plot_w, plot_h = _WIDTH - left - right, height - top - bottom
    values = [w.retention.rate for w in weeks if w.retention.rate is not None] + [w.desired for w in weeks]
    low = min(0.5, math.floor(min(values) * 10) / 10)
    step = 0.1 if 1 - low <= 0.5 else 0.25

    def x(i: int) -> float:
        return left + (plot_w * i / (len(weeks) - 1) if len(weeks) > 1 else plot_w / 2)

    def y(rate: float) -> float:
        return top + plot_h * (1 - (rate - low) / (1 - low))

    body: list[str] = []
    for k in range(round((1 - low) / step) + 1):
        tick = low + k * step
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(_WIDTH - right)}" y2="{_n(y(tick))}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 4, y(tick) + 4, percent(tick), anchor="end", size=13))
    every = _every(len(weeks), 6)
    for i, week in enumerate(weeks):
        if i % every == 0:
            body.append(_text(x(i), height - bottom + 16, week.week_start.strftime("%m-%d"), size=13))
    desired = " ".join(f"{_n(x(i))},{_n(y(w.desired))}" for i, w in enumerate(weeks))
    body.append(
        f'<polyline class="desired" points="{desired}" fill="none" stroke="{_DESIRED}" stroke-width="2" '
        f'stroke-dasharray="6 4"/>'
    )
    runs: list[list[str]] = [[]]
    for i, week in enumerate(weeks):
        if week.retention.rate is None:
            runs.append([])
        else:
            runs[-1].append(f"{_n(x(i))},{_n(y(week.retention.rate))}")
    for run in runs:
        if len(run) > 1:
            body.append(
                f'<polyline class="actual" points="{" ".join(run)}" fill="none" stroke="{_LINE}" stroke-width="2.5"/>'
            )
    for i, week in enumerate(weeks):
        if week.retention.rate is not None:
            said = f"{retention_cell(week.retention)}, desired {percent(week.desired)}"
            label = f"week of {week.week_start.isoformat()}: {said}"
            body.append(
                f'<circle class="point" cx="{_n(x(i))}" cy="{_n(y(week.retention.rate))}" r="3.5" '
                f'fill="{_LINE}"><title>{_esc(label)}</title></circle>'
            )
    legend_y = height - 10
    body.append(
        f'<line x1="{_n(left)}" y1="{_n(legend_y - 4)}" x2="{_n(left + 24)}" y2="{_n(legend_y - 4)}" '
        f'stroke="{_LINE}" stroke-width="2.5"/>'
    )
    body.append(_text(left + 30, legend_y, "true retention", anchor="start", size=13))
    body.append(
        f'<line x1="{_n(left + 150)}" y1="{_n(legend_y - 4)}" x2="{_n(left + 174)}" y2="{_n(legend_y - 4)}" '
        f'stroke="{_DESIRED}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    body.append(_text(left + 180, legend_y, "desired retention", anchor="start", size=13))
    return _svg(title, _WIDTH, height, body, kind="retention")


def forecast_chart(days: Sequence[ForecastDay]) -> str:
    """Cards due on each of the next study days, one bar a day (today's bar: due now)."""
    title = f"Cards due in the next {len(days)} days"
    if not days:
        return no_data("Cards due in the next days", kind="forecast")
    left, right, top, bottom, height = 40.0, 14.0, 12.0, 32.0, 210.0
    plot_w, plot_h = _WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max(d.due for d in days))
    slot = plot_w / len(days)
    body: list[str] = []
    for tick in (0.0, top_value / 2, top_value):
        ty = top + plot_h * (1 - tick / top_value)
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(ty)}" x2="{_n(_WIDTH - right)}" y2="{_n(ty)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 4, ty + 4, f"{tick:g}", anchor="end", size=13))
    every = _every(len(days), 6)
    for i, day in enumerate(days):
        bar_h = plot_h * day.due / top_value
        label = f"{day.day.isoformat()}: {day.due} due, about {day.minutes:.0f} min"
        body.append(
            f'<rect class="bar" x="{_n(left + slot * i + slot * 0.15)}" y="{_n(top + plot_h - bar_h)}" '
            f'width="{_n(slot * 0.7)}" height="{_n(bar_h)}" fill="{_BAR}"><title>{_esc(label)}</title></rect>'
        )
        if i % every == 0:
            body.append(_text(left + slot * (i + 0.5), height - bottom + 16, day.day.strftime("%m-%d"), size=13))
    return _svg(title, _WIDTH, height, body, kind="forecast")


def heat_level(count: int, busiest: int) -> int:
    """0 for no reviews, else 1-4 by the share of the busiest day's count."""
    return 0 if count <= 0 or busiest <= 0 else min(4, math.ceil(4 * count / busiest))


def heatmap(days: Sequence[DayRow], today: date) -> str:
    """Reviews per day, GitHub style: a column per week (Monday on top), a cell per day from the first study
    day (at most `HEATMAP_WEEKS` weeks back) to today, coloured by its count of reviews."""
    title = "Reviews per day"
    start = max(
        min((d.day for d in days), default=today), today - timedelta(weeks=HEATMAP_WEEKS - 1, days=today.weekday())
    )
    if not days or start > today:
        return no_data(title, kind="heatmap")
    counts = {d.day: d.reviews for d in days}
    busiest = max((c for day, c in counts.items() if start <= day <= today), default=0)
    monday = start - timedelta(days=start.weekday())
    cell, gap, left, top = 11.0, 2.0, 30.0, 16.0
    columns = (today - monday).days // 7 + 1
    width, height = left + columns * (cell + gap) + 2, top + 7 * (cell + gap) + 2
    body = [
        _text(left - 4, top + row * (cell + gap) + 9, name, anchor="end", size=9)
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    last_month_column = -3
    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        column = (day - monday).days // 7
        if (day.day == 1 or offset == 0) and column - last_month_column >= 3 and columns - column >= 2:
            body.append(_text(left + column * (cell + gap), top - 5, day.strftime("%b"), anchor="start", size=9))
            last_month_column = column
        count = counts.get(day, 0)
        label = f"{day.isoformat()}: {count} review{'' if count == 1 else 's'}"
        body.append(
            f'<rect class="day" x="{_n(left + column * (cell + gap))}" y="{_n(top + day.weekday() * (cell + gap))}" '
            f'width="{_n(cell)}" height="{_n(cell)}" rx="2" fill="{HEAT_COLOURS[heat_level(count, busiest)]}">'
            f"<title>{_esc(label)}</title></rect>"
        )
    return _svg(title, width, height, body, kind="heatmap", pixels=min(width * 2, _WIDTH * 1.5))


def calibration_chart(bins: Sequence[CalibrationBin]) -> str:
    """Mean predicted vs actual recall per bin, dots sized by reviews, against the diagonal of perfect calibration."""
    title = "Calibration: predicted vs actual recall"
    points = [(b, b.predicted, b.actual) for b in bins if b.count > 0]
    drawn = [(b, p, a) for b, p, a in points if p is not None and a is not None]
    if not drawn:
        return no_data(title, kind="calibration")
    left, top, side = 58.0, 10.0, 260.0  # room for the tick labels and, left of them, the rotated axis label
    width, height = left + side + 20, top + side + 40
    most = max(b.count for b, _, _ in drawn)

    def x(p: float) -> float:
        return left + side * p

    def y(a: float) -> float:
        return top + side * (1 - a)

    body: list[str] = []
    for k in range(6):
        t = k / 5
        body.append(f'<line x1="{_n(x(0))}" y1="{_n(y(t))}" x2="{_n(x(1))}" y2="{_n(y(t))}" stroke="{_GRID}"/>')
        body.append(f'<line x1="{_n(x(t))}" y1="{_n(y(0))}" x2="{_n(x(t))}" y2="{_n(y(1))}" stroke="{_GRID}"/>')
        body.append(_text(left - 4, y(t) + 4, percent(t), anchor="end", size=13))
        body.append(_text(x(t), top + side + 15, percent(t), size=13))
    body.append(
        f'<line class="diagonal" x1="{_n(x(0))}" y1="{_n(y(0))}" x2="{_n(x(1))}" y2="{_n(y(1))}" '
        f'stroke="{_AXIS}" stroke-width="1.5" stroke-dasharray="5 4"/>'
    )
    path = " ".join(f"{_n(x(p))},{_n(y(a))}" for _, p, a in drawn)
    body.append(f'<polyline points="{path}" fill="none" stroke="{_LINE}" stroke-width="1.5"/>')
    for b, p, a in drawn:
        label = f"predicted {percent(p)}, actual {percent(a)}, {b.count} reviews ({percent(b.low)}–{percent(b.high)})"
        radius = 2.5 + 4.5 * math.sqrt(b.count / most)
        body.append(
            f'<circle class="point" cx="{_n(x(p))}" cy="{_n(y(a))}" r="{_n(radius)}" fill="{_LINE}" '
            f'fill-opacity="0.8"><title>{_esc(label)}</title></circle>'
        )
    body.append(_text(left + side / 2, height - 6, "predicted recall →", size=12))
    body.append(
        f'<text x="12" y="{_n(top + side / 2)}" text-anchor="middle" font-size="12" fill="{_AXIS}" '
        f'transform="rotate(-90 12 {_n(top + side / 2)})">actual recall →</text>'
    )
    return _svg(title, width, height, body, kind="calibration")


def weakness_bar(label: str, score: float | None, *, scale: float = 1.0) -> str:
    """One topic's weakness score as a horizontal bar of `scale` full width, for a table cell.

    `label` names the topic in the bar's title (escaped here); None draws an empty bar: not enough data.
    """
    share = 0.0 if score is None or scale <= 0 else min(1.0, max(0.0, score / scale))
    said = "not enough data" if score is None else f"{score:.2f}"
    body = [
        f'<rect x="0" y="1" width="100" height="10" rx="2" fill="{HEAT_COLOURS[0]}"/>',
        f'<rect class="score" x="0" y="1" width="{_n(100 * share)}" height="10" rx="2" fill="{_DESIRED}"/>',
    ]
    return _svg(f"{label}: weakness {said}", 100, 12, body, kind="meter")
