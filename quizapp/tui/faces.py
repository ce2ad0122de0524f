"""What each side of a card says, as Markdown with math already turned into Unicode.

Kept free of Textual so it can be tested (and reused by reports) on its own.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

from quizapp.decks import cloze
from quizapp.decks.questions import StoredChoice, StoredCloze, StoredOpen, StoredQuestion
from quizapp.east_asian import joins_without_space
from quizapp.mathtext import render_math, render_plain_math

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

LETTERS = "abcdefgh"
MAX_KEY_POINT_CHARS = 500
# A line break after a possibly East Asian character, and the first character of the next line's text.
_MAYBE_WIDE_BREAK = re.compile("(?<=[^\x00-\u10ff])\n(?=[ \t>]*([^\x00-\u10ff]))")
_CONTAINER_PREFIX = re.compile("[ \t>]*")
# Supplementary private-use characters that tag the candidate breaks while the Markdown is parsed.
_TAG_BASE = 0xF0000
_TAGS = re.compile("[\U000f0000-\U000ffffd]")
_MAX_TAGS = 0xFFFFD - _TAG_BASE


@cache
def _parser() -> MarkdownIt:
    """The parser Textual's Markdown widget uses by default, so soft breaks are found where it finds them."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")


def _join_wide_soft_breaks(markdown: str) -> str:
    """Markdown without the soft line breaks between two East Asian characters (`joins_without_space`).

    A soft break renders as a space, which Chinese and Japanese do not put between words. Which line
    breaks are soft breaks (not in code, a heading's end, a hard break...) is the parser's to say: each
    candidate is tagged and the Markdown parsed; a break joins only with plain text on both sides, so
    that no emphasis or link parses differently once the lines are one.
    """
    candidates = list(_MAYBE_WIDE_BREAK.finditer(markdown))
    if not candidates or _TAGS.search(markdown):
        return markdown
    breaks = [m.start() for m in candidates if joins_without_space(markdown[m.start() - 1], m[1])][:_MAX_TAGS]
    if not breaks:
        return markdown
    pieces: list[str] = []
    start = 0
    for tag, at in enumerate(breaks):
        pieces += (markdown[start:at], chr(_TAG_BASE + tag))
        start = at
    probe = "".join(pieces) + markdown[start:]
    joined: list[int] = []
    for token in _parser().parse(probe):
        children = token.children or []
        for before, soft, after in zip(children, children[1:], children[2:], strict=False):
            if soft.type == "softbreak" and before.type == after.type == "text" and before.content and after.content:
                tag = ord(before.content[-1]) - _TAG_BASE
                if 0 <= tag < len(breaks) and joins_without_space(markdown[breaks[tag] - 1], after.content[0]):
                    joined.append(breaks[tag])
    if not joined:
        return markdown
    out, start = [], 0
    for at in sorted(joined):
        out.append(markdown[start:at])
        prefix = _CONTAINER_PREFIX.match(markdown, at + 1)  # the next line's quote markers and indentation
        start = prefix.end() if prefix else at + 1
    out.append(markdown[start:])
    return "".join(out)


# What one field may show: Textual's Markdown widget builds a widget per block and takes about a second
# per few hundred blocks, so a 20k-row table would freeze the screen for a minute. The bundled decks' longest
# field is 32 lines and 2 KB.
MAX_LINES = 150
MAX_CHARS = 15_000
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def fit_on_card(text: str) -> str:
    """`text` cut to what a card can show in a moment, saying how much was left out (code fences closed)."""
    if len(text) <= MAX_CHARS and text.count("\n") < MAX_LINES:
        return text
    lines = text[:MAX_CHARS].split("\n")[:MAX_LINES]
    if len(lines) > 1 and not text.startswith("\n".join(lines) + "\n"):
        lines.pop()  # a line cut in the middle
    shown = "\n".join(lines)
    fence = None
    for line in lines:
        opening = _FENCE.match(line)
        if opening and (fence is None or opening[1].startswith(fence)):
            fence = None if fence else opening[1]
    hidden_lines = text.count("\n", len(shown)) + 1
    closing = f"\n{fence}" if fence else ""
    note = f"*… {hidden_lines:,} more lines ({len(text) - len(shown):,} characters) not shown: too long for one card.*"
    return f"{shown}{closing}\n\n{note}"


def _markdown(text: str) -> str:
    """A card's Markdown as shown: cut to fit, math in Unicode, lines of East Asian text joined without a space."""
    return _join_wide_soft_breaks(render_math(fit_on_card(text)))


def front(question: StoredQuestion, cloze_number: int | None) -> str:
    """The question side."""
    if isinstance(question, StoredCloze):
        masked = cloze.mask(question.text, cloze_number or 1, reveal=False)
        context = f"{question.prompt.strip()}\n\n" if question.prompt else ""
        return _markdown(context + masked)
    return _markdown(question.prompt)


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
        lines.append(f"- {chosen}**{LETTERS[index]})** {_list_item_markdown(text)}{mark}")
    return "\n".join(lines)


def _list_item_markdown(text: str) -> str:
    """`text` rendered as a card field is, indented to stay inside its list item: a ``$$...$$`` block or a
    second paragraph would otherwise end the list."""
    first, *rest = _markdown(text.strip()).split("\n")
    return "\n".join([first, *(f"  {line}" if line else "" for line in rest)])


def back(question: StoredQuestion, cloze_number: int | None) -> str:
    """The answer side: model answer, explanation, or the filled-in cloze text."""
    if isinstance(question, StoredOpen):
        return _markdown(question.answer)
    if isinstance(question, StoredChoice):
        right = ", ".join(f"{LETTERS[i]})" for i in sorted(question.correct_set))
        explanation = f"\n\n{question.explanation}" if question.explanation else ""
        return _markdown(f"**Answer: {right}**{explanation}")
    filled = cloze.mask(question.text, cloze_number or 1, reveal=True)
    extra = f"\n\n{question.answer}" if question.answer else ""
    return _markdown(filled + extra)


def extras(question: StoredQuestion) -> str:
    """Follow-ups and references, shown under the answer."""
    parts = []
    if question.follow_ups:
        # A link without text shows where it points: this screen cannot look up that question's prompt.
        asked = [f.text.strip() or f"→ {f.question}" for f in question.follow_ups]
        parts.append("**Follow-ups**\n\n" + "\n".join(f"- {a}" for a in asked))
    if question.references:
        parts.append("**References**\n\n" + "\n".join(f"- {r.strip()}" for r in question.references))
    return _markdown("\n\n".join(parts))


def key_point_list(key_points: tuple[str, ...], recalled: frozenset[int], limit: int) -> str:
    """The key points as a checklist of plain lines: the letter that ticks each and [x] or [ ], so ticked
    and unticked differ without colour. Beyond the letters, a point is listed without a key."""
    lines = []
    for index, point in enumerate(key_points[:limit]):
        key = LETTERS[index] if index < len(LETTERS) else " "
        mark = "[x]" if index in recalled else "[ ]"
        lines.append(f"{key} {mark} {_key_point_text(point)}")
    return "\n".join(lines)


def _key_point_text(point: str) -> str:
    """A key point as plain text, its math rendered as the answer's is (same span rules, same renderer).

    It is cut after rendering, so a formula across the cut does not show as LaTeX; the source read is
    bounded too, so a huge point costs no more than a few short ones.
    """
    return render_plain_math(point[: 4 * MAX_KEY_POINT_CHARS])[:MAX_KEY_POINT_CHARS]


def suggested_by_key_points(recalled: int, total: int) -> int | None:
    """The grade the share of key points recalled suggests: all → Good (3), at least half → Hard (2), fewer →
    Again (1); nothing ticked yet → no suggestion. Easy stays the candidate's call."""
    if total == 0 or recalled == 0:
        return None
    if recalled == total:
        return 3
    return 2 if 2 * recalled >= total else 1


def grade_is_right(question: StoredChoice, picked: frozenset[int]) -> bool:
    """A pick is right when it is exactly the set of correct choices."""
    return picked == question.correct_set


def leech_tag(lapses: int, threshold: int) -> str:
    """The label a leech wears while it is shown: a card failed this often wants rewriting, not more reviews."""
    return f"leech · {_lapses(lapses)}" if lapses >= threshold else ""


def leech_notice(lapses: int, suspended: bool) -> str:
    """What the candidate is told when an answer makes a card a leech."""
    done = "; it was suspended." if suspended else "."
    return f"This card is a leech: {_lapses(lapses)}. Rewrite it or split it{done}"


def _lapses(count: int) -> str:
    return f"{count} lapse" if count == 1 else f"{count} lapses"


def description(text: str) -> str:
    """A deck's description as Markdown (its notation with the math in Unicode), for the deck's info view."""
    return _markdown(text or "*No description.*")


def description_lines(text: str, width: int, lines: int = 2) -> str:
    """A deck's description on home: its words, math in Unicode, cut to `lines` lines of `width` cells with
    "…" when it goes on (the info view, i, shows it whole)."""
    wrapped = Text(" ".join(render_plain_math(text).split())).wrap(_CONSOLE, width)
    if len(wrapped) <= lines:
        return "\n".join(line.plain for line in wrapped)
    last = wrapped[lines - 1].plain.rstrip()
    shown = [line.plain.rstrip() for line in wrapped[: lines - 1]]
    return "\n".join([*shown, set_cell_size(last, min(cell_len(last), width - 1)).rstrip() + "…"])


_CONSOLE = Console(file=io.StringIO(), width=200)  # only measures: wraps the home screen's description
