"""What changed in a question since the candidate last answered it, line by line: a grade must not be given
against an answer the candidate never saw."""

from __future__ import annotations

import difflib

from quizapp.decks.questions import StoredChoice, StoredQuestion

_TEXT_FIELDS = ("prompt", "text", "answer", "explanation")


def question_lines(question: StoredQuestion) -> list[str]:
    """Every field a card shows, one line per line of text, each named."""
    lines: list[str] = []
    for name in _TEXT_FIELDS:
        value = getattr(question, name, None)
        if value:
            lines += [f"{name}: {line}" for line in value.strip().splitlines()]
    if isinstance(question, StoredChoice):
        right = question.correct_set
        lines += [f"choice {i + 1}{' (right)' if i in right else ''}: {c}" for i, c in enumerate(question.choices)]
    lines += [f"key point {i + 1}: {point}" for i, point in enumerate(question.key_points)]
    lines += [f"follow-up: {f.text or f.question}" for f in question.follow_ups]
    return lines


def changed_lines(before: StoredQuestion, now: StoredQuestion) -> list[str]:
    """The lines removed ("- ") and added ("+ "), with one line of context ("  ") around each change."""
    diff = difflib.unified_diff(question_lines(before), question_lines(now), lineterm="", n=1)
    return [f"{line[0]} {line[1:]}" for line in diff if not line.startswith(("---", "+++", "@@"))]
