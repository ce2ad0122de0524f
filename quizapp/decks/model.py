"""Typed models of deck format 1; the JSON Schema is generated from these."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints
from pydantic import Tag as Branch

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
TOPIC_PATTERN = r"^[^/\s][^/]*(/[^/\s][^/]*)*$"
QUESTION_REF_PATTERN = r"^([a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9-]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
Topic = Annotated[str, StringConstraints(pattern=TOPIC_PATTERN, max_length=200)]
Text = Annotated[str, StringConstraints(min_length=1)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo such as `key_point:` must not silently drop data."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FollowUpLink(_Strict):
    """A follow-up that a deck question asks, so the app can offer that question's card as the next question."""

    question: Annotated[str, StringConstraints(pattern=QUESTION_REF_PATTERN, max_length=201)] = Field(
        description="Id of a question of this deck, or '<deck-id>/<question-id>' of another deck's."
    )
    text: Text | None = Field(
        default=None, description="How the interviewer phrases it; the linked question's card asks it."
    )


# Union branch names, which pydantic puts in an error's location; not keys of the file.
PLAIN_FOLLOW_UP, LINKED_FOLLOW_UP = "follow-up-text", "follow-up-link"


def _follow_up_form(value: Any) -> str | None:
    """A text or a mapping: picking the branch up front keeps errors to the form that was written."""
    if isinstance(value, str):
        return PLAIN_FOLLOW_UP
    return LINKED_FOLLOW_UP if isinstance(value, dict | FollowUpLink) else None


FollowUpEntry = Annotated[
    Annotated[Text, Branch(PLAIN_FOLLOW_UP)] | Annotated[FollowUpLink, Branch(LINKED_FOLLOW_UP)],
    Discriminator(
        _follow_up_form,
        custom_error_type="follow_up_form",
        custom_error_message="expected a text, or a mapping with question (and optional text)",
    ),
]


class _QuestionBase(_Strict):
    id: Slug = Field(description="Stable id, unique in the deck; the card is '<deck>/<id>'.")
    topic: Topic | None = Field(None, description="Topic path such as diffusion/dit/adaln; defaults to the deck's.")
    level: int | None = Field(None, ge=1, le=5, description="1 (warm-up) .. 5 (research depth).")
    key_points: list[Text] = Field(default_factory=list, description="What an interviewer listens for.")
    follow_ups: list[FollowUpEntry] = Field(
        default_factory=list,
        description="What the interviewer asks next: a text, or {question: <id> or <deck-id>/<id>, text: ...} "
        "naming the deck question that asks it. A text equal to the prompt of another open or choice question "
        "of the deck links to it.",
    )
    references: list[Text] = Field(default_factory=list, description="Papers (with arXiv id) or repository files.")
    tags: list[Tag] = Field(default_factory=list)
    renamed_from: list[Slug] = Field(
        default_factory=list, description="Old ids whose history this question takes over."
    )


class OpenQuestion(_QuestionBase):
    """Free recall: think or speak the answer, reveal, tick the key points, grade."""

    type: Literal["open"] = "open"
    prompt: Text
    answer: Text


class ChoiceQuestion(_QuestionBase):
    """Pick one (or several) of 2..8 choices; right or wrong suggests the grade."""

    type: Literal["choice"]
    prompt: Text
    choices: list[Text] = Field(min_length=2, max_length=8)
    correct: Annotated[int, Field(ge=0)] | Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1)] = Field(
        description="0-based index, or a list of indices when several are right."
    )
    explanation: Text | None = None

    @property
    def correct_set(self) -> frozenset[int]:
        """The right indices, whether one or several were given."""
        return frozenset([self.correct] if isinstance(self.correct, int) else self.correct)


class ClozeQuestion(_QuestionBase):
    """Anki-style deletions; one card per cloze number."""

    type: Literal["cloze"]
    text: Text = Field(
        description="Markdown with {{c1::hidden}} or {{c1::hidden::hint}} deletions. A deletion ends at the first }} "
        "outside balanced {...} braces of its text, so LaTeX groups nest ({{c1::$\\frac{a}{\\sqrt{d_k}}$}}); "
        "the hint follows the first :: outside braces; a backslash makes the next character literal."
    )
    prompt: Text | None = Field(None, description="Optional context shown above the text.")
    answer: Text | None = Field(None, description="Optional explanation shown after the text is revealed.")


Question = Annotated[OpenQuestion | ChoiceQuestion | ClozeQuestion, Field(union_mode="left_to_right")]
QUESTION_TYPES: dict[str, type[_QuestionBase]] = {
    "open": OpenQuestion,
    "choice": ChoiceQuestion,
    "cloze": ClozeQuestion,
}


class Deck(_Strict):
    """A whole deck file."""

    format: Literal[1] = Field(description="Deck format version.")
    deck: Slug = Field(description="Stable deck id, unique across all decks.")
    title: Text | None = Field(None, description="Shown in the UI; defaults to the deck id.")
    description: str = ""
    topic: Topic | None = Field(None, description="Default topic path of every question.")
    tags: list[Tag] = Field(default_factory=list, description="Added to every question.")
    questions: list[Question]

    @property
    def display_title(self) -> str:
        """Title shown in the UI."""
        return self.title or self.deck

    def topic_of(self, question: _QuestionBase) -> str:
        """The question's own topic, else the deck's, else the deck id."""
        return question.topic or self.topic or self.deck
