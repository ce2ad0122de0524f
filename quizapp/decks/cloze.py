"""Anki cloze deletions: `{{c1::hidden}}` and `{{c1::hidden::hint}}`."""

from __future__ import annotations

import re
from dataclasses import dataclass

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass(frozen=True)
class Deletion:
    """One deletion in a cloze text."""

    number: int
    hidden: str
    hint: str | None


def deletions(text: str) -> list[Deletion]:
    """Every deletion in `text`, in order of appearance."""
    return [Deletion(int(m[1]), m[2], m[3]) for m in CLOZE.finditer(text)]


def numbers(text: str) -> list[int]:
    """Distinct cloze numbers, ascending: one card each."""
    return sorted({d.number for d in deletions(text)})


def mask(text: str, number: int, *, reveal: bool) -> str:
    """The text as card `number` shows it: its deletions blanked (or filled in bold), others plain."""

    def replace(m: re.Match[str]) -> str:
        if int(m[1]) != number:
            return m[2]
        if reveal:
            return f"**{m[2]}**"
        return f"**[{m[3]}]**" if m[3] else "**[…]**"

    return CLOZE.sub(replace, text)
