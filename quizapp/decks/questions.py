"""A question as a card shows it, read back from the database: plain dataclasses, no pydantic.

Sync writes a card's question as JSON from the validated model (`model.py`); reading it
back needs no validation, and importing pydantic would cost a sixth of the start-up
budget. A test checks that every field of the models survives the round trip.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class FollowUp:
    """What the interviewer asks next, and the deck question that asks it, whose card a mock interview asks."""

    text: str  # as the interviewer asks it; "" for a link given without text
    question: str | None = None  # "<deck-id>/<question-id>" of the deck question that asks it (always qualified)


@dataclass(frozen=True)
class _Stored:
    id: str
    topic: str
    level: int | None = None
    key_points: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredOpen(_Stored):
    """Free recall: prompt and model answer."""

    prompt: str = ""
    answer: str = ""
    type: str = "open"


@dataclass(frozen=True)
class StoredChoice(_Stored):
    """Choices with one or several right ones."""

    prompt: str = ""
    choices: tuple[str, ...] = ()
    correct: int | tuple[int, ...] = 0
    explanation: str | None = None
    type: str = "choice"

    @property
    def correct_set(self) -> frozenset[int]:
        """The right indices, whether one or several were given."""
        return frozenset([self.correct] if isinstance(self.correct, int) else self.correct)


@dataclass(frozen=True)
class StoredCloze(_Stored):
    """Text with {{cN::...}} deletions, optional context and explanation."""

    text: str = ""
    prompt: str | None = None
    answer: str | None = None
    type: str = "cloze"


StoredQuestion = StoredOpen | StoredChoice | StoredCloze
_TYPES: dict[str, type[StoredOpen] | type[StoredChoice] | type[StoredCloze]] = {
    "open": StoredOpen,
    "choice": StoredChoice,
    "cloze": StoredCloze,
}
_NAMES = {kind: {f.name for f in fields(cls)} for kind, cls in _TYPES.items()}


def question_from_content(content: str) -> StoredQuestion:
    """The question stored with a card (keys this version does not show are ignored)."""
    data: dict[str, Any] = json.loads(content)
    kind = data.get("type", "open")
    known: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in _NAMES[kind]}
    known["follow_ups"] = tuple(map(_follow_up, data.get("follow_ups", ())))
    return _TYPES[kind](**known)


def _follow_up(entry: str | dict[str, str]) -> FollowUp:
    """A plain follow-up is stored as its text (as before links existed), a link as {question, text}."""
    if isinstance(entry, str):
        return FollowUp(entry)
    return FollowUp(entry.get("text", ""), entry["question"])
