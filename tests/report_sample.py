"""A hand-made `Report` for testing the report's views without a history: CJK text, hostile HTML,
an empty group and a topic without enough data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from quizapp.analysis.model import (
    PERIODS,
    Calibration,
    CalibrationBin,
    DayRow,
    DeckRow,
    Figures,
    Filters,
    ForecastDay,
    KeyPointRow,
    LeechRow,
    PassFail,
    QuestionRow,
    Report,
    Summary,
    TopicRow,
    TrueRetention,
    Weakness,
    WeekRow,
)

TODAY = date(2026, 12, 1)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def retention(passed: int, failed: int) -> dict[str, TrueRetention]:
    """The same young figures in every period (mature empty)."""
    return {p: TrueRetention(p, PassFail(passed, failed), PassFail()) for p in PERIODS}


def figures(reviews: int, passed: int, failed: int, weakness: Weakness | None, *, cards: int = 4) -> Figures:
    return Figures(
        cards=cards,
        questions=cards,
        seen=cards - 1,
        never_seen=1,
        retired=0,
        reviews=reviews,
        lapses=failed,
        window_reviews=reviews,
        window_again=failed,
        retention=retention(passed, failed),
        expected_passes=0.9 * (passed + failed),
        mean_retrievability=0.85,
        mean_difficulty=5.5,
        mean_stability_days=12.0,
        due_next_7_days=2,
        leeches=0,
        key_points_marked=10,
        key_points_missed=3,
        slow_correct=1,
        weakness=weakness,
    )


def sample_report(*, empty: bool = False) -> Report:
    """A small report; `empty=True` gives the report of a database without reviews."""
    weak = Weakness(score=0.61, wilson_low=0.42, surprise=0.25, never_seen=0.25, missed_key_points=0.3)
    strong = Weakness(score=0.12, wilson_low=0.88, surprise=0.0, never_seen=0.0, missed_key_points=0.05)
    t_diff = TopicRow("diffusion", 1, figures(40, 25, 15, weak))
    t_dit = TopicRow("diffusion/dit", 2, figures(20, 10, 10, weak))
    t_cjk = TopicRow("多模态/融合", 2, figures(30, 28, 2, strong))
    t_cjk_root = TopicRow("多模态", 1, figures(30, 28, 2, strong))
    t_small = TopicRow("transformers", 1, figures(2, 2, 0, None))
    q1 = QuestionRow(
        "diffusion-math",
        "elbo",
        "diffusion/dit",
        "Derive the ELBO of a DDPM: $\\log p(x_0) \\ge \\mathbb{E}_q[\\log \\frac{p(x_{0:T})}{q(x_{1:T}|x_0)}]$ "
        + HOSTILE,
        False,
        1,
        datetime(2026, 11, 30, 9, 15, tzinfo=UTC),
        0.42,
        ("the KL terms per step", HOSTILE),
        figures(8, 3, 5, weak, cards=1),
    )
    q2 = QuestionRow(
        "fusion",
        "qformer",
        "多模态/融合",
        "Q-Former 如何把视觉特征压缩成固定数量的查询向量？",
        True,
        3,
        datetime(2026, 11, 29, 22, 5, tzinfo=UTC),
        0.93,
        (),
        figures(6, 6, 0, strong, cards=1),
    )
    days = tuple(
        DayRow(TODAY - timedelta(days=n), 10 + n % 7, n % 3, PassFail(8, n % 3), 12.5) for n in range(60, -1, -1)
    )
    weeks = tuple(WeekRow(date(2026, 9, 7) + timedelta(weeks=n), PassFail(40 + n, 6), 0.9) for n in range(12))
    forecast = tuple(ForecastDay(TODAY + timedelta(days=n), (n * 7) % 13, ((n * 7) % 13) * 1.5) for n in range(30))
    bins = tuple(
        CalibrationBin(k / 10, (k + 1) / 10, 10 * k, (k + 0.5) / 10, min(1.0, (k + 0.8) / 10)) for k in range(10)
    )
    calibration = (
        Calibration("all", 450, 0.3301, 0.0512, 0.688, bins),
        Calibration("diffusion", 200, 0.35, 0.07, 0.66, bins),
        Calibration("多模态", 250, 0.31, 0.04, 0.70, bins),
    )
    summary = Summary(
        cards=12,
        seen=9,
        reviews=0 if empty else 72,
        reviews_today=0 if empty else 11,
        due_today=5,
        streak_days=0 if empty else 6,
        studied_days=0 if empty else 61,
        desired_retention=0.9,
        retention=retention(0, 0) if empty else retention(55, 17),
    )
    if empty:
        return Report(
            generated_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
            today=TODAY,
            filters=Filters(),
            weakness_formula="weakness = …",
            summary=summary,
            topics=(),
            decks=(),
            questions=(),
            weakest_topics=(),
            weakest_questions=(),
            weakest_key_points=(),
            leeches=(),
            days=(),
            weeks=(),
            forecast=forecast,
            calibration=(Calibration("all", 0, None, None, None, ()),),
            notes=("no reviews yet: answer some cards, then ask again",),
        )
    return Report(
        generated_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        today=TODAY,
        filters=Filters(),
        weakness_formula="weakness = 0.5·(1 − L) + 0.3·S + 0.1·C + 0.1·K",
        summary=summary,
        topics=(t_diff, t_dit, t_small, t_cjk_root, t_cjk),
        decks=(
            DeckRow("diffusion-math", "Diffusion math " + HOSTILE, t_diff.figures),
            DeckRow("fusion", "融合机制", t_cjk.figures),
        ),
        questions=(q1, q2),
        weakest_topics=(t_diff, t_dit, t_cjk_root, t_cjk),
        weakest_questions=(q1, q2),
        weakest_key_points=(
            KeyPointRow("diffusion-math", "elbo", "diffusion/dit", 1, HOSTILE, 5, 4, 0.38),
            KeyPointRow(
                "fusion",
                "qformer",
                "多模态/融合",
                0,
                "可学习查询 (learnable queries) 与图像特征做交叉注意力",
                6,
                2,
                0.1,
            ),
        ),
        leeches=(LeechRow("diffusion-math/elbo", "diffusion-math", "elbo", "diffusion/dit", q1.prompt, 9, False),),
        days=days,
        weeks=weeks,
        forecast=forecast,
        calibration=calibration,
    )
