"""Anki cloze deletions: `{{c1::hidden}}` and `{{c1::hidden::hint}}`.

One scanner shared by the loader (lint), card generation and display, so the three never
disagree. It reads the text once, left to right, so hostile text costs linear time.

A deletion opens with `{{cN::` (N is 1 to 9 digits 0-9) and ends at the first `}}` that
is outside balanced `{...}` braces of its own text, so LaTeX groups may nest inside it:
`{{c1::$\\frac{a}{\\sqrt{d_k}}$}}`. The hint separator is the first `::` outside braces.
A backslash makes the next character literal (`\\{`, `\\}`, `\\\\` count as no brace).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

OPENER = "{{c"
MAX_NUMBER_DIGITS = 9
_DIGITS = "0123456789"


@dataclass(frozen=True)
class Deletion:
    """One deletion in a cloze text."""

    number: int
    hidden: str
    hint: str | None


BRACE = "{brace}"
"""Where a problem's message names the place of the '{' at fault, which only the caller can say (`describe`)."""


@dataclass(frozen=True)
class ClozeProblem:
    """A malformed deletion: where it starts in the text (0-based), what is wrong, and the '{' at fault, if any."""

    offset: int
    message: str
    brace: int = -1

    def describe(self, place: Callable[[int], str]) -> str:
        """The message, with the '{' at fault placed by `place` (e.g. as a line and column of the file)."""
        return self.message.replace(BRACE, place(self.brace)) if self.brace >= 0 else self.message


@dataclass(frozen=True)
class _Span:
    """A well-formed deletion and the slice `text[start:end]` it occupies."""

    start: int
    end: int
    deletion: Deletion


@dataclass(frozen=True)
class _Scan:
    spans: list[_Span]
    problems: list[ClozeProblem]


def _snippet(text: str, start: int, length: int = 12) -> str:
    """The first characters of `text` at `start`, on one line, for a message."""
    piece = text[start : start + length].split("\n", 1)[0]
    return piece if start + len(piece) >= len(text) else piece + "…"


def _opener(text: str, start: int) -> tuple[int, int] | str:
    """Read `{{cN::` at `start`: its number and where the hidden text begins, or what is wrong."""
    digits_start = start + len(OPENER)
    end = digits_start
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    digits = text[digits_start:end]
    if not digits or not text.startswith("::", end):
        return f"{_snippet(text, start)!r} is not a deletion: expected {{{{cN::text}}}} or {{{{cN::text::hint}}}}"
    if len(digits) > MAX_NUMBER_DIGITS:
        return f"cloze number in {_snippet(text, start)!r} is too long (at most {MAX_NUMBER_DIGITS} digits)"
    return int(digits), end + 2


def _scan(text: str) -> _Scan:
    """Find every deletion and every malformed one, in one pass over the text."""
    spans: list[_Span] = []
    problems: list[ClozeProblem] = []
    n = len(text)
    position = 0
    while (start := text.find(OPENER, position)) != -1:
        head = _opener(text, start)
        if isinstance(head, str):
            problems.append(ClozeProblem(start, head))
            position = start + 1
            continue
        number, body = head
        label = f"{{{{c{number}::…"
        depth, separator, unclosed, nested = 0, -1, -1, []
        i = body
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "{":
                if depth == 0:
                    unclosed = i
                if text.startswith(OPENER, i) and not isinstance(inner := _opener(text, i), str):
                    message = f"deletion {{{{c{inner[0]}::… inside deletion c{number}: deletions cannot nest"
                    nested.append(ClozeProblem(i, message))
                depth += 1
            elif c == "}":
                if depth:
                    depth -= 1
                elif text.startswith("}}", i):
                    break
            elif c == ":" and depth == 0 and separator == -1 and text.startswith("::", i):
                separator = i
                i += 1
            i += 1
        if i >= n:
            if depth:
                why = f"the '{{' at {BRACE} is never closed"
            elif unclosed != -1:
                why = f"no closing }}}} outside braces (the '{{' at {BRACE} may lack its '}}')"
            else:
                why = "no closing }}"
            problems.append(ClozeProblem(start, f"unterminated deletion {label}: {why}", unclosed))
            break  # the rest of the text belongs to it: shown as typed
        problems.extend(nested)
        if separator == -1:
            deletion = Deletion(number, text[body:i], None)
        else:
            deletion = Deletion(number, text[body:separator], text[separator + 2 : i])
        spans.append(_Span(start, i + 2, deletion))
        position = i + 2
    return _Scan(spans, problems)


def deletions(text: str) -> list[Deletion]:
    """Every well-formed deletion in `text`, in order of appearance."""
    return [span.deletion for span in _scan(text).spans]


def problems(text: str) -> list[ClozeProblem]:
    """Malformed deletions, in order: what lint reports and display shows as typed."""
    return _scan(text).problems


def numbers(text: str) -> list[int]:
    """Distinct cloze numbers, ascending: one card each."""
    return sorted({d.number for d in deletions(text)})


def mask(text: str, number: int, *, reveal: bool) -> str:
    """The text as card `number` shows it: its deletions blanked (or filled in bold), others plain."""
    parts: list[str] = []
    position = 0
    for span in _scan(text).spans:
        deletion = span.deletion
        parts.append(text[position : span.start])
        if deletion.number != number:
            parts.append(deletion.hidden)
        elif reveal:
            parts.append(f"**{deletion.hidden}**")
        else:
            parts.append(f"**[{deletion.hint}]**" if deletion.hint else "**[…]**")
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
