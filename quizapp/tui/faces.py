"""What each side of a card says, as Markdown with math already turned into Unicode.

Kept free of Textual so it can be tested (and reused by reports) on its own.
"""

from __future__ import annotations

from quizapp.decks import cloze
from quizapp.decks.stored import StoredChoice, StoredCloze, StoredOpen, StoredQuestion
from quizapp.mathtext import render_math

LETTERS = "abcdefgh"


def front(question: StoredQuestion, cloze_number: int | None) -> str:
    """The question side."""
    if isinstance(question, StoredCloze):
        masked = cloze.mask(question.text, cloze_number or 1, reveal=False)
        context = f"{question.prompt.strip()}\n\n" if question.prompt else ""
        return render_math(context + masked)
    return render_math(question.prompt)


def choice_list(question: StoredChoice, picked: frozenset[int], revealed: bool) -> str:
    """The choices labelled a), b), ...; after the reveal, right ones ticked and wrong picks crossed."""
    lines = []
    for index, text in enumerate(question.choices):
        mark = ""
        if revealed:
            if index in question.correct_set:
                mark = " ✓" if index in picked or not picked else " ✓ (missed)"
            elif index in picked:
                mark = " ✗"
        chosen = "▸ " if index in picked and not revealed else ""
        lines.append(f"- {chosen}**{LETTERS[index]})** {render_math(text.strip())}{mark}")
    return "\n".join(lines)


def back(question: StoredQuestion, cloze_number: int | None) -> str:
    """The answer side: model answer, explanation, or the filled-in cloze text."""
    if isinstance(question, StoredOpen):
        return render_math(question.answer)
    if isinstance(question, StoredChoice):
        right = ", ".join(f"{LETTERS[i]})" for i in sorted(question.correct_set))
        explanation = f"\n\n{question.explanation}" if question.explanation else ""
        return render_math(f"**Answer: {right}**{explanation}")
    filled = cloze.mask(question.text, cloze_number or 1, reveal=True)
    extra = f"\n\n{question.answer}" if question.answer else ""
    return render_math(filled + extra)


def extras(question: StoredQuestion) -> str:
    """Follow-ups and references, shown under the answer."""
    parts = []
    if question.follow_ups:
        parts.append("**Follow-ups**\n\n" + "\n".join(f"- {render_math(f.strip())}" for f in question.follow_ups))
    if question.references:
        parts.append("**References**\n\n" + "\n".join(f"- {render_math(r.strip())}" for r in question.references))
    return "\n\n".join(parts)


def grade_is_right(question: StoredChoice, picked: frozenset[int]) -> bool:
    """A pick is right when it is exactly the set of correct choices."""
    return picked == question.correct_set
