"""Questions → cards: one per question, one per cloze number for cloze questions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from quizapp.decks import cloze
from quizapp.decks.model import ChoiceQuestion, ClozeQuestion, Deck, FollowUpLink, OpenQuestion, Question


@dataclass(frozen=True)
class CardSpec:
    """What a deck file says about one card; the database adds scheduling state to it."""

    uid: str
    deck_id: str
    question_id: str
    cloze: int | None
    kind: str
    topic: str
    level: int | None
    content: str  # the question as JSON, the same for all its cards: the database stores it once
    content_hash: str  # of `content`: a changed hash is an edit of the question, so of each of its cards
    old_uids: tuple[str, ...]
    position: int


def card_uid(deck_id: str, question_id: str, cloze_number: int | None) -> str:
    """The card's identity: `<deck>/<id>` plus `#cN` for a cloze card."""
    base = f"{deck_id}/{question_id}"
    return base if cloze_number is None else f"{base}#c{cloze_number}"


def _prompt_key(prompt: str) -> str:
    """A prompt as a follow-up's text is matched to it: case, spacing and the closing `?` or `.` do not count."""
    return " ".join(prompt.casefold().split()).rstrip("?.!？。！ ")


def _stored_follow_ups(deck: Deck, question: Question, asked_by: dict[str, str]) -> list[str | dict[str, str]]:
    """The question's follow-ups as stored (in JSON): a link names its question with the deck id, and a plain one
    that is another question's prompt (`asked_by`: prompt key → id) links to it, so the app can ask that card next."""
    stored: list[str | dict[str, str]] = []
    for entry in question.follow_ups:
        if isinstance(entry, FollowUpLink):
            qualified = entry.question if "/" in entry.question else f"{deck.deck}/{entry.question}"
            link = {"question": qualified}
            stored.append(link if entry.text is None else {**link, "text": entry.text})
            continue
        asker = asked_by.get(_prompt_key(entry), question.id)
        stored.append(entry if asker == question.id else {"question": f"{deck.deck}/{asker}", "text": entry})
    return stored


def card_specs(deck: Deck) -> list[CardSpec]:
    """Every card of a deck, in file order (the order new cards are introduced)."""
    specs: list[CardSpec] = []
    asked_by: dict[str, str] = {}
    for question in deck.questions:
        if isinstance(question, OpenQuestion | ChoiceQuestion):
            asked_by.setdefault(_prompt_key(question.prompt), question.id)
    for question in deck.questions:
        tags = list(dict.fromkeys([*deck.tags, *question.tags]))
        stored = question.model_dump(mode="json", exclude_none=True, exclude={"follow_ups"})
        stored.update(tags=tags, topic=deck.topic_of(question), follow_ups=_stored_follow_ups(deck, question, asked_by))
        content = json.dumps(stored, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(content.encode()).hexdigest()[:16]
        numbers: list[int | None] = [*cloze.numbers(question.text)] if isinstance(question, ClozeQuestion) else [None]
        for number in numbers:
            specs.append(
                CardSpec(
                    uid=card_uid(deck.deck, question.id, number),
                    deck_id=deck.deck,
                    question_id=question.id,
                    cloze=number,
                    kind=question.type,
                    topic=deck.topic_of(question),
                    level=question.level,
                    content=content,
                    content_hash=digest,
                    old_uids=tuple(card_uid(deck.deck, old, number) for old in question.renamed_from),
                    position=len(specs),
                )
            )
    return specs
