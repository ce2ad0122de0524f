"""The Markdown report: tables aligned for CJK in a monospace editor, deck text unable to break them."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt
from rich.cells import cell_len

from quizapp.analysis.export_markdown import (
    GRADE_NAMES,
    display_width,
    markdown_table,
    shorten,
    to_markdown,
)
from tests.report_sample import HOSTILE, sample_report

# A `|` that ends a cell: not preceded by an odd run of backslashes.
CELL_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def pipe_columns(line: str) -> list[int]:
    """Display columns (as Rich measures them, independently of the code under test) of a line's cell pipes."""
    return [cell_len(line[: m.end() - 1]) for m in CELL_PIPE.finditer(line)]


def tables(markdown: str) -> list[list[str]]:
    """The raw tables of a Markdown text: runs of lines that start with `|`."""
    found: list[list[str]] = []
    previous = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not previous:
                found.append([])
            found[-1].append(line)
        previous = line.startswith("|")
    return found


def rendered_rows(markdown: str) -> list[list[tuple[str, set[str]]]]:
    """Each table row as markdown-it parses it: (text of each cell, the kinds of inline tokens in it)."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    rows: list[list[tuple[str, set[str]]]] = []
    in_cell = False
    for token in md.parse(markdown):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = token.type.endswith("_open")
        elif token.type == "inline" and in_cell:
            children = token.children or []
            rows[-1].append(("".join(c.content for c in children), {c.type for c in children}))
    return rows


def test_weakest_topics_table_lines_up_with_cjk_and_lists_unranked_topics_last() -> None:
    text = to_markdown(sample_report())
    start = text.index("|   # | Topic ")
    table = text[start:].split("\n\n")[0].splitlines()
    assert table == [
        "|   # | Topic         | Level |        Weakness | True retention | Again (30d) | Never seen | Key points missed | Follow-ups missed | Mean recall now | Due in 7d |",
        "| --: | ------------- | ----: | --------------: | -------------: | ----------: | ---------: | ----------------: | ----------------: | --------------: | --------: |",
        "|   1 | diffusion     |     1 |            0.61 |    62% (25/40) | 38% (15/40) |        1/4 |        30% (3/10) |                 — |             85% |         2 |",
        "|   2 | diffusion/dit |     2 |            0.61 |    50% (10/20) | 50% (10/20) |        1/4 |        30% (3/10) |                 — |             85% |         2 |",
        "|   3 | 多模态        |     1 |            0.12 |    93% (28/30) |   7% (2/30) |        1/4 |        30% (3/10) |                 — |             85% |         2 |",
        "|   4 | 多模态/融合   |     2 |            0.12 |    93% (28/30) |   7% (2/30) |        1/4 |        30% (3/10) |                 — |             85% |         2 |",
        "|   — | transformers  |     1 | not enough data |     100% (2/2) |    0% (0/2) |        1/4 |        30% (3/10) |                 — |             85% |         2 |",
    ]
    assert len({tuple(pipe_columns(line)) for line in table}) == 1


def test_every_table_of_the_report_has_its_pipes_at_the_same_display_columns() -> None:
    found = tables(to_markdown(sample_report()))
    assert len(found) == 11  # retention; topics, questions, key points, leeches; weeks, days, forecast; 3 calibrations
    assert any(re.search("[\u4e00-\u9fff]", "".join(t)) for t in found)
    for table in found:
        columns = {tuple(pipe_columns(line)) for line in table}
        assert len(columns) == 1, "\n".join(table)


@pytest.mark.parametrize("text", ["多模态", "한국어", "ｱｲｳ", "e\u0301t\u00e9", "😀 ok", "a\u200bb", "plain"])
def test_display_width_counts_the_columns_a_terminal_draws(text: str) -> None:
    assert display_width(text) == cell_len(text)


def test_a_korean_table_lines_up_too() -> None:
    lines = markdown_table(("Topic", "n"), [("한국어 어휘", "1"), ("ｱｲｳ halfwidth", "22"), ("mixed 多x", "333")], "lr")
    assert len({tuple(pipe_columns(line)) for line in lines}) == 1


HOSTILE_CELLS = ["a|b", "a\\|b", "x\\\\|y", "end\\", "line one\nline two\r\nthree", "tab\there", "<script>x</script>"]


def test_pipes_backslashes_and_line_breaks_in_deck_text_cannot_break_a_table() -> None:
    lines = markdown_table(("Text", "n"), [(cell, str(n)) for n, cell in enumerate(HOSTILE_CELLS)], "lr")
    assert len(lines) == 2 + len(HOSTILE_CELLS)  # one line per row, whatever line breaks the text had
    assert "| a\\|b " in lines[2]
    rows = rendered_rows("\n".join(lines))
    assert [len(row) for row in rows] == [2] * len(rows)
    texts = [row[0][0] for row in rows[1:]]
    assert texts == ["a|b", "a\\|b", "x\\\\|y", "end\\", "line one line two three", "tab here", "<script>x</script>"]
    assert [row[1][0] for row in rows[1:]] == [str(n) for n in range(len(HOSTILE_CELLS))]
    assert all("html_inline" not in kinds for row in rows for _, kinds in row)


def test_hostile_deck_text_stays_text_in_the_rendered_report() -> None:
    text = to_markdown(sample_report())
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert" in html
    for table in tables(text):
        rows = rendered_rows("\n".join(table))
        assert len({len(row) for row in rows}) == 1, table


def test_prompts_are_cut_to_80_columns_on_their_first_line() -> None:
    long_cjk = "多模态" * 30 + "\nsecond line"
    short = shorten(long_cjk)
    assert short.endswith("…") and display_width(short) <= 80 and display_width(short) >= 79
    assert "second" not in short
    assert shorten("first line\nsecond line") == "first line"
    assert shorten("x" * 80) == "x" * 80
    assert shorten("x" * 81) == "x" * 79 + "…"
    question_line = next(line for line in to_markdown(sample_report()).splitlines() if "| Derive the ELBO" in line)
    prompt_cell = question_line.split(" | ")[2].strip()
    assert prompt_cell == "Derive the ELBO of a DDPM: $\\log p(x_0) \\ge \\mathbb{E}_q[\\log \\frac{p(x_{0:T})}…"


def test_weakest_questions_show_grade_words_recall_lapses_and_missed_points() -> None:
    lines = to_markdown(sample_report()).splitlines()
    elbo = next(line for line in lines if line.startswith("|   1 | diffusion/dit | Derive"))
    cells = [cell.strip() for cell in elbo.split(" | ")]
    assert cells[3:6] == ["Again", "42%", "5"]
    assert cells[6].startswith("the KL terms per step; \\<script>alert")
    qformer = next(line for line in lines if "Q-Former" in line and line.startswith("|   2"))
    cells = [cell.strip() for cell in qformer.split(" | ")]
    assert cells[2:5] == ["(retired) Q-Former 如何把视觉特征压缩成固定数量的查询向量？", "Good", "93%"]


def test_grade_names_are_the_schedulers() -> None:
    from quizapp.scheduling import Grade

    assert {grade.value: grade.name for grade in Grade} == GRADE_NAMES


def test_weakness_formula_is_quoted_verbatim_even_with_backticks() -> None:
    formula = "weakness = ```a``` + b | <c>\n```"
    text = to_markdown(replace(sample_report(), weakness_formula=formula))
    assert f"\n```\n{formula}\n```\n" not in text
    assert f"\n````\n{formula}\n````\n" in text


def test_summary_gives_retention_by_period_with_counts() -> None:
    text = to_markdown(sample_report())
    assert (
        "- Cards: 12, 9 seen\n- Reviews: 72, 11 today\n- Due today: 5\n- Streak: 6 days (61 study days in all)\n"
        in text
    )
    assert "- Desired retention: 90%" in text
    assert "| All      | 76% (55/72) |      — | 76% (55/72) |" in text


def test_trend_fills_days_without_reviews_and_totals_the_forecast() -> None:
    report = sample_report()
    text = to_markdown(replace(report, days=report.days[:-2]))  # nothing answered yesterday nor today
    assert "| 2026-11-30 Mon |       0 |     0 |              — |       0 |" in text
    assert "| 2026-12-01 Tue |       0 |     0 |              — |       0 |" in text
    assert "| 2026-11-18 Wed |      16 |     1 |      89% (8/9) |      12 |" in text
    assert "| 2026-11-17" not in text  # 14 days only
    assert "| 2026-09-07 |    87% (40/46) |     90% |     -3 pts |" in text
    assert "| Total          | 172 |     258 |" in text


def test_calibration_gives_its_three_measures_together_and_the_bins() -> None:
    text = to_markdown(sample_report())
    assert "### All topics\n\n450 reviews · log loss 0.330 · RMSE(bins) 0.051 · AUC 0.688\n" in text
    assert "### 多模态\n\n250 reviews · log loss 0.310 · RMSE(bins) 0.040 · AUC 0.700\n" in text
    assert "| 90%–100%         |      90 |       95% |    98% |" in text


def test_empty_report_has_its_title_summary_and_notes_only() -> None:
    text = to_markdown(sample_report(empty=True))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# quizapp report, 2026-12-01", "## Summary"]
    assert text.rstrip().endswith("> no reviews yet: answer some cards, then ask again")
    assert "- Reviews: 0, 0 today" in text
    bare = replace(sample_report(empty=True), notes=())
    assert "> No reviews yet: nothing to rank." in to_markdown(bare)


def test_title_names_the_filters() -> None:
    report = sample_report()
    filtered = replace(report, filters=replace(report.filters, deck="fusion", topic="多模态|<b>"))
    first = to_markdown(filtered).splitlines()[0]
    assert first == "# quizapp report, 2026-12-01 (deck fusion, topic 多模态\\|\\<b>)"


def test_hostile_text_is_in_the_sample() -> None:
    # the tests above lean on it: the sample's key point is the hostile string
    assert sample_report().weakest_key_points[0].text == HOSTILE


def test_topics_never_reviewed_are_summed_up_in_one_line_not_listed() -> None:
    from quizapp.analysis.model import TopicRow
    from tests.report_sample import figures

    report = sample_report()
    never = [TopicRow(f"video/t{n}", 2, replace(figures(0, 0, 0, None), reviews=0)) for n in range(14)]
    text = to_markdown(replace(report, topics=(*report.topics, *never)))
    assert "| video/t0 " not in text
    assert "Not reviewed yet (14 topics): video/t0, video/t1," in text and text.count("video/t") == 12
