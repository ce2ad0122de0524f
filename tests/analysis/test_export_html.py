"""The HTML report: one offline file where deck text is only ever text, readable in Chinese and on a phone."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest

from quizapp.analysis.export_html import CSP, to_html
from quizapp.analysis.model import Filters, Report
from tests.report_sample import HOSTILE, sample_report

SVG_NS = "http://www.w3.org/2000/svg"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


class Page(HTMLParser):
    """What a browser would build: the elements with their attributes and ancestors, and the text."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes, tuple(self.stack)))
        if tag not in ("meta", "br", "link", "img", "input") and not self.get_starttag_text().endswith("/>"):
            self.stack.append(f"{tag}.{attributes.get('class') or ''}")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().split(".")[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs, _ in self.elements if tag == name]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def hostile(value: Any) -> Any:
    """Every string of the report (topics, prompts, ids, titles, notes, the formula...) with the hostile text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: hostile(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, str):
        return f"{value} {HOSTILE}"
    if isinstance(value, tuple):
        return tuple(hostile(v) for v in value)
    return value  # dates, numbers and the retention dicts keyed by period


def svgs(document: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", document, flags=re.DOTALL)


@pytest.fixture(scope="module")
def document() -> str:
    return to_html(sample_report())


def assert_no_markup_from_deck_text(document: str) -> None:
    page = Page(document)
    assert not page.tags("script") and not page.tags("img") and not page.tags("iframe")
    handlers = [name for _, attrs, _ in page.elements for name in attrs if name.lower().startswith("on")]
    assert handlers == []
    tags_without_values = [re.sub(r'"[^"]*"', '""', tag) for tag in re.findall(r"<[^<>]*>", document)]
    assert [tag for tag in tags_without_values if re.search(r"\son\w+\s*=", tag)] == []
    assert ESCAPED_SCRIPT in document  # escaped, not dropped
    assert HOSTILE in page.all_text


def test_hostile_deck_text_stays_text(document: str) -> None:
    assert_no_markup_from_deck_text(document)


def test_every_string_of_the_report_is_escaped() -> None:
    report = dataclasses.replace(
        hostile(sample_report()), filters=Filters(deck=HOSTILE, topic=HOSTILE), notes=(HOSTILE,)
    )
    assert report.weakest_topics[0].topic.startswith("diffusion <script>")
    document = to_html(report)
    assert_no_markup_from_deck_text(document)
    assert document.count(ESCAPED_SCRIPT) >= 40  # topics, prompts, ids, titles, formula, scopes, notes, filters
    for svg in svgs(document):
        ET.fromstring(svg)


def test_nothing_is_loaded_from_anywhere(document: str) -> None:
    assert set(re.findall(r"https?://[^\s\"'<>]*", document)) == {SVG_NS}
    page = Page(document)
    sources = [a for _, attrs, _ in page.elements for a in ("src", "href", "srcset", "action") if a in attrs]
    assert sources == []
    assert "url(" not in document and "@import" not in document and "@font-face" not in document


def test_head_has_a_strict_policy_a_viewport_and_a_language(document: str) -> None:
    page = Page(document)
    metas = page.tags("meta")
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert any(m.get("name") == "viewport" and "width=device-width" in (m.get("content") or "") for m in metas)
    assert {"charset": "utf-8"} in metas
    assert page.tags("html")[0].get("lang")
    assert document.startswith("<!DOCTYPE html>")


def test_chinese_text_is_kept_and_has_a_chinese_font(document: str) -> None:
    text = Page(document).all_text
    for chinese in (
        "Q-Former 如何把视觉特征压缩成固定数量的查询向量？",
        "多模态/融合",
        "可学习查询 (learnable queries) 与图像特征做交叉注意力",
        "融合机制",
    ):
        assert chinese in text
    assert '"Noto Sans CJK SC"' in document and '"Microsoft YaHei"' in document
    assert '<span lang="zh-Hans">融合机制</span>' in document


def test_math_is_rendered_before_escaping(document: str) -> None:
    text = Page(document).all_text
    assert "Derive the ELBO of a DDPM: log p(x_0) ≥ 𝔼_q[log((p(x_(0:T)))/(q(x_(1:T)|x_0)))]" in text
    assert "\\frac" not in document and "$\\log" not in document


def test_every_chart_is_well_formed_svg(document: str) -> None:
    charts = svgs(document)
    kinds = [ET.fromstring(svg).get("class") for svg in charts]
    assert kinds.count("chart meter") == len(sample_report().weakest_topics) == 4
    assert {"chart retention", "chart forecast", "chart heatmap", "chart calibration"} <= set(kinds)
    assert kinds.count("chart calibration") == 3  # all topics, then each top-level topic


def test_every_table_scrolls_inside_its_own_box(document: str) -> None:
    tables = [ancestors for tag, _, ancestors in Page(document).elements if tag == "table"]
    assert len(tables) >= 8
    assert all(ancestors[-1] == "div.table-wrap" for ancestors in tables)
    assert re.search(r"\.table-wrap \{[^}]*overflow-x: auto", document)


def test_report_shows_every_part_and_the_metrics_together(document: str) -> None:
    page = Page(document)
    text = page.all_text
    for heading in (
        "Summary",
        "True retention",
        "Weakest topics",
        "Weakest questions",
        "Key points most often missed",
        "Leeches",
        "Trend",
        "Calibration",
    ):
        assert heading in text
    assert "weakness = 0.5·(1 − L) + 0.3·S + 0.1·C + 0.1·K" in text
    assert "log loss 0.330RMSE(bins) 0.051AUC 0.688450 reviews" in text  # one paragraph
    assert "76% (55/72)" in text  # true retention
    assert "the KL terms per step" in text  # a missed key point
    assert "Again" in text and "42%" in text  # last grade, retrievability


def test_empty_report_says_there_are_no_reviews_yet() -> None:
    report = sample_report(empty=True)
    document = to_html(report)
    text = Page(document).all_text
    assert "no reviews yet" in text.lower()
    assert "Weakest topics" not in text
    for svg in svgs(document):
        ET.fromstring(svg)
    forecast = [s for s in svgs(document) if 'class="chart forecast"' in s]
    assert len(forecast) == 1 and forecast[0].count('class="bar"') == 30


def test_empty_report_without_notes_still_says_so() -> None:
    report: Report = dataclasses.replace(sample_report(empty=True), notes=())
    assert "No reviews yet" in Page(to_html(report)).all_text
