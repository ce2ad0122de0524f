"""What a sitting changed: its true retention and each topic's stability, read from the review log."""

from __future__ import annotations

from quizapp.analysis.pass_fail import PassFail
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.session import Answered, Session
from quizapp.sitting_summary import TopicChange, sitting_changes, summarize
from quizapp.store.hidden import card_ids_of
from tests.conftest import Clock, fetch

FORWARD, DIT, GUIDANCE, SYSTEMS, CJK = (
    "mini/forward-closed-form",
    "mini/adaln-zero-gate",
    "mini/cfg-formula#c1",
    "mini/select-all-efficient",
    "mini/cjk-noise",
)


def answer(scheduler: ReviewScheduler, session: Session | None, uid: str, grade: Grade) -> Answered:
    """Answer the card `uid`; recorded in `session` unless None (another window's answer)."""
    card = scheduler.card(card_ids_of(scheduler.db, [uid])[uid])
    result = scheduler.answer(card.id, grade)
    done = Answered(result.review_id, card.id, card.topic, int(grade))
    if session is not None:
        session.record(done)
    return done


def stability(scheduler: ReviewScheduler, review_id: int, when: str) -> float:
    (row,) = fetch(scheduler.db, f"SELECT stability_{when} AS s FROM review WHERE id = ?", review_id)
    return float(row.s or 0.0)


def a_sitting_40_days_later(scheduler: ReviewScheduler, clock: Clock) -> tuple[Session, list[Answered]]:
    """Three cards learned (Easy) on day 0; 40 days later a sitting answers two of them, one twice, and a new
    card, while another window answers the third; an answer undone leaves no trace."""
    for uid in (FORWARD, DIT, GUIDANCE):
        answer(scheduler, None, uid, Grade.Easy)
    clock.advance(days=40)
    session = Session(started=clock())
    given = [
        answer(scheduler, session, FORWARD, Grade.Good),  # back after 40 days: passed
        answer(scheduler, session, DIT, Grade.Again),  # back after 40 days: failed
    ]
    answer(scheduler, None, GUIDANCE, Grade.Good)  # another window, meanwhile
    clock.advance(minutes=11)
    given.append(answer(scheduler, session, DIT, Grade.Good))  # relearning, the same day: not counted
    given.append(answer(scheduler, session, CJK, Grade.Good))  # new: not counted
    undone = answer(scheduler, session, SYSTEMS, Grade.Easy)
    scheduler.undo(undone.review_id)
    session.pop_last()
    return session, given


def test_retention_counts_only_cards_back_after_a_study_day(scheduler: ReviewScheduler, clock: Clock) -> None:
    session, _ = a_sitting_40_days_later(scheduler, clock)
    assert sitting_changes(scheduler.db, session.answers).retention == PassFail(passed=1, failed=1)


def test_each_topic_answered_with_its_net_stability_change(scheduler: ReviewScheduler, clock: Clock) -> None:
    session, (forward, dit_again, dit_good, cjk) = a_sitting_40_days_later(scheduler, clock)
    changes = sitting_changes(scheduler.db, session.answers)
    dit = stability(scheduler, dit_good.review_id, "after") - stability(scheduler, dit_again.review_id, "before")
    gained = stability(scheduler, forward.review_id, "after") - stability(scheduler, forward.review_id, "before")
    learned = stability(scheduler, cjk.review_id, "after")  # from nothing
    assert dit < 0 < learned < gained
    assert changes.topics == (  # the most weakened first; not the other window's topic, nor the undone one's
        TopicChange("diffusion/mini/dit", answers=2, again=1, stability_days=dit),
        TopicChange("diffusion/mini/中文", answers=1, again=0, stability_days=learned),
        TopicChange("diffusion/mini/forward", answers=1, again=0, stability_days=gained),
    )
    assert [t.weaker for t in changes.topics] == [True, False, False]


def test_the_summary_reads_the_log_only_when_given_the_database(scheduler: ReviewScheduler, clock: Clock) -> None:
    session, _ = a_sitting_40_days_later(scheduler, clock)
    assert summarize(session, clock()).changes is None
    summary = summarize(session, clock(), scheduler.db)
    assert summary.changes == sitting_changes(scheduler.db, session.answers)
    assert (summary.reviewed, summary.again) == (4, 1)
    assert summarize(Session(started=clock()), clock(), scheduler.db).changes is None  # nothing answered
