"""Two deletions of one cloze question, both reviews due today: once one is answered, the other waits
for the next study day (it would be given away), whatever the hour, and comes back at the day's start."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.states import CardState
from tests.conftest import START, Clock

GUIDANCE = "diffusion/mini/guidance"  # the cloze question's topic: its two deletions and nothing else


def card_id(scheduler: ReviewScheduler, uid: str) -> int:
    with scheduler.db.read() as conn:
        (found,) = conn.execute("SELECT id FROM card WHERE uid = ?", (uid,)).fetchone()
    return int(found)


@pytest.mark.parametrize(
    "into_the_day",
    [timedelta(0), timedelta(hours=8), timedelta(hours=19, minutes=59), timedelta(hours=23, minutes=59)],
    ids=["04:00", "12:00", "23:59", "03:59-next-morning"],
)
def test_answering_one_cloze_review_holds_its_sibling_until_the_next_study_day(
    scheduler: ReviewScheduler, clock: Clock, into_the_day: timedelta
) -> None:
    siblings = {card_id(scheduler, f"mini/cfg-formula#c{n}") for n in (1, 2)}
    clock.now = START - timedelta(days=60)
    first_due = {scheduler.answer(sibling, Grade.Easy).due for sibling in sorted(siblings)}
    (due,) = first_due  # learned together, so due together, at the start of a study day (4:00 UTC here)
    assert (due.hour, due.minute) == (4, 0)
    for sibling in siblings:
        clock.now = due + into_the_day
        assert scheduler.card(sibling).state == CardState.Review

    clock.now = due + into_the_day
    first = scheduler.next_card(topic=GUIDANCE)
    assert first is not None and first.id in siblings and first.state == CardState.Review
    scheduler.answer(first.id, Grade.Good)
    (other,) = siblings - {first.id}
    next_day = due + timedelta(days=1)

    for later in (clock.now + timedelta(seconds=30), next_day - timedelta(microseconds=1)):
        clock.now = later
        assert scheduler.next_card(topic=GUIDANCE) is None
    offered: list[str] = []  # the whole queue, up to the last moment of the day: everything but the sibling
    while (card := scheduler.next_card()) is not None and len(offered) < 20:
        offered.append(card.uid)
        scheduler.answer(card.id, Grade.Easy)
    assert offered and scheduler.card(other).uid not in offered

    clock.now = next_day
    back = scheduler.next_card(topic=GUIDANCE)
    assert back is not None and (back.id, back.state) == (other, CardState.Review)
