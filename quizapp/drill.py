"""A topic drill: every card under a topic, now, ahead of schedule, without distorting FSRS.

The rule, as in Anki's filtered decks with rescheduling limited to due cards (and hashcards' cram): an answer
to a card the daily review would show now is a review like any other and reschedules it; an answer to any
other card (new, or not due yet) is kept as a practice answer and leaves its schedule exactly as it was. A card
answered Again comes back at the end of the drill, until it is passed or the drill is left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizapp.scheduling import ReviewScheduler, StudyCard
from quizapp.store.states import CardState


def drill_order(scheduler: ReviewScheduler, deck_ids: Sequence[str] | None, topic: str) -> list[StudyCard]:
    """The topic's cards, suspended ones left out, in the order a drill asks them: those due now first (most
    overdue first), then the seen ones by FSRS's predicted recall (the most forgotten first), then the new ones in
    deck order."""
    cards = scheduler.every_card(deck_ids, topic)
    due = sorted((c for c in cards if scheduler.due_now(c)), key=lambda c: (c.due, c.id))
    due_ids = {c.id for c in due}
    seen = [c for c in cards if c.state != CardState.New and c.id not in due_ids]
    seen.sort(key=lambda c: (scheduler.retrievability(c) or 0.0, c.id))
    new = [c for c in cards if c.state == CardState.New]
    return due + seen + new


@dataclass
class DrillQueue:
    """The cards still to ask in a drill, by id; an Again sends its card to the back."""

    waiting: deque[int] = field(default_factory=deque)
    total: int = 0

    @classmethod
    def of(cls, cards: Sequence[StudyCard]) -> DrillQueue:
        return cls(deque(c.id for c in cards), len(cards))

    def next_id(self) -> int | None:
        """The card to ask next, left in the queue until it is answered."""
        return self.waiting[0] if self.waiting else None

    def answered(self, card_id: int, passed: bool) -> None:
        """Take the card off the front; a miss puts it at the back."""
        if self.waiting and self.waiting[0] == card_id:
            self.waiting.popleft()
        if not passed:
            self.waiting.append(card_id)

    def put_back(self, card_id: int) -> None:
        """An undone answer: the card is asked again first."""
        if card_id in self.waiting:
            self.waiting.remove(card_id)
        self.waiting.appendleft(card_id)

    def __len__(self) -> int:
        return len(self.waiting)
