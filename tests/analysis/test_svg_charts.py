"""The report's SVG charts: well-formed XML, accessible, escaped, and drawing what the data says."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from quizapp.analysis import svg_charts
from quizapp.analysis.model import CalibrationBin, DayRow, ForecastDay, WeekRow
from quizapp.analysis.pass_fail import PassFail
from tests.report_sample import HOSTILE, TODAY, sample_report

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart as XML, after checking what every chart must have: a viewBox, role=img and a title first."""
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert len((root.get("viewBox") or "").split()) == 4
    assert root[0].tag == f"{NS}title" and root[0].text
    return root


def marks(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == css_class]


def title_of(element: ET.Element) -> str:
    title = element.find(f"{NS}title")
    assert title is not None and title.text is not None
    return title.text


def day(d: date, reviews: int) -> DayRow:
    return DayRow(d, reviews, 0, PassFail(reviews, 0), 1.0)


def test_heatmap_has_one_cell_per_day_from_the_first_study_day_to_today() -> None:
    report = sample_report()
    cells = marks(parse(svg_charts.heatmap(report.days, report.today)), "day")
    first = report.days[0].day
    assert len(cells) == (TODAY - first).days + 1 == 61
    assert [title_of(c).split(":")[0] for c in cells] == [
        (first + timedelta(days=n)).isoformat() for n in range(len(cells))
    ]


def test_heatmap_columns_are_weeks_and_rows_are_weekdays() -> None:
    days = [day(TODAY - timedelta(days=n), 1 + n) for n in range(20)]
    cells = marks(parse(svg_charts.heatmap(days, TODAY)), "day")
    rows_y = sorted({float(c.get("y", "")) for c in cells})
    assert len(rows_y) == 7
    by_column: dict[str, set[tuple[int, int]]] = {}
    for cell in cells:
        d = date.fromisoformat(title_of(cell).split(":")[0])
        assert rows_y.index(float(cell.get("y", ""))) == d.weekday()
        by_column.setdefault(cell.get("x", ""), set()).add(d.isocalendar()[:2])
    assert all(len(weeks) == 1 for weeks in by_column.values())  # one ISO week per column
    assert len(by_column) == 4  # 2026-11-12 (a Thursday) to 2026-12-01 (a Tuesday)


def test_heatmap_fills_days_without_reviews_and_colours_by_count() -> None:
    days = [day(TODAY - timedelta(days=3), 20), day(TODAY, 5)]
    cells = marks(parse(svg_charts.heatmap(days, TODAY)), "day")
    assert [c.get("fill") for c in cells] == [
        svg_charts.HEAT_COLOURS[4],
        svg_charts.HEAT_COLOURS[0],
        svg_charts.HEAT_COLOURS[0],
        svg_charts.HEAT_COLOURS[1],
    ]
    assert title_of(cells[1]) == f"{(TODAY - timedelta(days=2)).isoformat()}: 0 reviews"


def test_heatmap_shows_at_most_53_weeks() -> None:
    days = [day(TODAY - timedelta(days=n), 3) for n in range(0, 800, 2)]
    cells = marks(parse(svg_charts.heatmap(days, TODAY)), "day")
    start = TODAY - timedelta(weeks=52, days=TODAY.weekday())
    assert len(cells) == (TODAY - start).days + 1
    assert len({c.get("x") for c in cells}) == svg_charts.HEATMAP_WEEKS


def test_forecast_draws_one_bar_a_day_in_proportion() -> None:
    forecast = sample_report().forecast
    bars = marks(parse(svg_charts.forecast_chart(forecast)), "bar")
    assert len(bars) == len(forecast) == 30
    heights = [float(b.get("height", "")) for b in bars]
    tallest = max(f.due for f in forecast)
    unit = heights[[f.due for f in forecast].index(tallest)] / tallest
    assert heights == pytest.approx([f.due * unit for f in forecast], abs=0.1)
    assert title_of(bars[1]) == "2026-12-02: 7 due, about 10 min"


def test_forecast_with_nothing_due_has_flat_bars() -> None:
    forecast = [ForecastDay(TODAY + timedelta(days=n), 0, 0.0) for n in range(30)]
    bars = marks(parse(svg_charts.forecast_chart(forecast)), "bar")
    assert [float(b.get("height", "")) for b in bars] == [0.0] * 30


def test_retention_chart_has_a_line_and_a_dashed_desired_line() -> None:
    weeks = list(sample_report().weeks)
    weeks[5] = WeekRow(weeks[5].week_start, PassFail(), 0.9)  # a week without reviews: a gap in the line
    root = parse(svg_charts.retention_chart(weeks))
    assert len(marks(root, "point")) == 11
    assert len(marks(root, "actual")) == 2
    (desired,) = marks(root, "desired")
    assert desired.get("stroke-dasharray")
    desired_points = (desired.get("points") or "").split()
    assert len(desired_points) == 12
    assert len({p.split(",")[1] for p in desired_points}) == 1  # a constant desired retention is a flat line


def test_calibration_chart_has_the_diagonal_and_a_dot_per_bin_with_reviews() -> None:
    bins = sample_report().calibration[0].bins
    root = parse(svg_charts.calibration_chart(bins))
    (diagonal,) = marks(root, "diagonal")
    x1, y1, x2, y2 = (float(diagonal.get(a, "")) for a in ("x1", "y1", "x2", "y2"))
    assert x2 - x1 == pytest.approx(y1 - y2)  # 45°, from (0, 0) up to (1, 1)
    points = marks(root, "point")
    assert len(points) == sum(1 for b in bins if b.count) == 9
    xs = [(float(p.get("cx", "")) - x1) / (x2 - x1) for p in points]
    assert xs == pytest.approx([b.predicted for b in bins if b.count], abs=0.001)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: svg_charts.retention_chart(()),
        lambda: svg_charts.retention_chart((WeekRow(TODAY, PassFail(), 0.9),)),
        lambda: svg_charts.forecast_chart(()),
        lambda: svg_charts.heatmap((), TODAY),
        lambda: svg_charts.calibration_chart(()),
        lambda: svg_charts.calibration_chart((CalibrationBin(0.0, 0.1, 0, None, None),)),
    ],
)
def test_empty_data_draws_no_data(chart: Callable[[], str]) -> None:
    root = parse(chart())
    assert [t.text for t in root.iter(f"{NS}text")] == ["no data"]


def test_one_week_or_one_bin_does_not_divide_by_zero() -> None:
    parse(svg_charts.retention_chart((WeekRow(TODAY, PassFail(9, 1), 0.9),)))
    parse(svg_charts.calibration_chart((CalibrationBin(0.9, 1.0, 4, 0.95, 1.0),)))


@pytest.mark.parametrize(
    ("score", "scale", "width"), [(0.5, 1.0, 50.0), (0.5, 2.0, 25.0), (None, 1.0, 0.0), (3.0, 1.0, 100.0)]
)
def test_weakness_bar_is_the_score_over_the_scale(score: float | None, scale: float, width: float) -> None:
    (bar,) = marks(parse(svg_charts.weakness_bar("diffusion", score, scale=scale)), "score")
    assert float(bar.get("width", "")) == width


def test_labels_are_escaped_text() -> None:
    svg = svg_charts.weakness_bar(HOSTILE, 0.5)
    assert "<script" not in svg and "<img" not in svg
    root = parse(svg)
    assert root[0].text == f"{HOSTILE}: weakness 0.50"
    assert root.get("aria-label") == f"{HOSTILE}: weakness 0.50"
