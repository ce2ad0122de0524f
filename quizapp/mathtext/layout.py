"""Lay rendered pieces out as text: spacing between items, fractions, roots, scripts, accents, environments.

Everything here works on text already rendered, so it can be read and tested
without the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from quizapp.mathtext.command_sets import CASES_ENVIRONMENTS, MATRIX_DELIMITERS
from quizapp.mathtext.grouping import BARS, CLOSERS, OPENERS, is_combining, is_single_token
from quizapp.mathtext.letterforms import FONTS, SCRIPT_CHARS, SUBSCRIPTS, SUPERSCRIPT_MARKS, SUPERSCRIPTS
from quizapp.mathtext.symbols import RELATIONS

# Relation characters: padded when something is set over them, and a line ending in one runs on.
RELATION_CHARS = frozenset(RELATIONS.values()) | frozenset("=<>")
# Wide gaps (\quad) are em spaces: Markdown and the tidying below keep them, unlike runs of spaces.
EM_SPACE = "\u2003"
_MARKS = frozenset(SUPERSCRIPT_MARKS.values())
_SUPERSCRIPT_FORMS = {**SUPERSCRIPT_MARKS, **SUPERSCRIPTS}


def tidy(text: str) -> str:
    """Collapse spaces, drop spaces just inside brackets, before punctuation and around wide gaps; strip lines."""
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        while "  " in line:
            line = line.replace("  ", " ")
        for opener in OPENERS:
            line = line.replace(opener + " ", opener)
        for closer in ")]}⟩⌋⌉,;":
            line = line.replace(" " + closer, closer)
        line = line.replace(" " + EM_SPACE, EM_SPACE).replace(EM_SPACE + " ", EM_SPACE)
        if line.endswith(" ."):
            line = line[:-2] + "."
        if line:
            lines.append(line)
    return "\n".join(lines)


def unicode_script(text: str, sup: bool) -> str | None:
    """Write a tidied sub/superscript in Unicode script characters, or None if one has no safe form."""
    forms = _SUPERSCRIPT_FORMS if sup else SUBSCRIPTS
    compact = text.replace(" ", "")
    if any(c not in forms for c in compact):
        return None
    return "".join(forms[c] for c in compact)


def ascii_script(text: str, sup: bool) -> str:
    """Write a tidied sub/superscript as ``_x``, ``^x`` or, longer than one character, ``_(t−1)``."""
    if sup and all(c in SUPERSCRIPT_MARKS for c in text):
        return "".join(SUPERSCRIPT_MARKS[c] for c in text)  # x* and f′ read the same either way
    marker = "^" if sup else "_"
    if all(is_combining(c) for c in text[1:]):  # one cluster: θ̂
        return marker + text
    return f"{marker}({text})"


def _clusters(text: str) -> list[str]:
    """Split text into base characters each followed by its combining marks."""
    clusters: list[str] = []
    for c in text:
        if clusters and is_combining(c):
            clusters[-1] += c
        else:
            clusters.append(c)
    return clusters


def accent(text: str, mark: str, every_char: bool) -> str:
    """Put a combining mark after the letters (or all symbols) of text."""
    clusters = _clusters(text)

    def is_letter(cluster: str) -> bool:
        return cluster[0].isalnum() and cluster[0] not in SCRIPT_CHARS

    def is_visible(cluster: str) -> bool:
        return not cluster[0].isspace()

    wanted = is_visible if every_char else is_letter
    if not any(wanted(c) for c in clusters):
        wanted = is_visible
    return "".join(c + mark if wanted(c) else c for c in clusters)


def apply_font(text: str, font: str) -> str:
    """Map letters and digits onto a Unicode math alphabet."""
    table = FONTS[font]
    return "".join(table.get(c, c) for c in text)


def fraction(numerator: str, denominator: str) -> str:
    """Write a fraction inline as ``a/b``, bracketing each part that is more than one token: ``(a+b)/(2c)``.

    Whether the whole needs brackets too (``(1/N)∑``) depends on its neighbours: see :func:`join_items`.
    """
    if not is_single_token(numerator, allow_sign=True):
        numerator = f"({numerator})"
    if not is_single_token(denominator):
        denominator = f"({denominator})"
    return f"{numerator}/{denominator}"


def root(radicand: str, sign: str) -> str:
    """Write a root as ``√x`` over one token and ``√(αₜ x₀)`` over more; sign is ``√``, ``∛``, ``∜`` or ``ⁿ√``."""
    return sign + (radicand if is_single_token(radicand) else f"({radicand})")


ItemKind = Literal["atom", "space", "gap", "amp", "nl"]
Spacing = Literal["", "rel", "bin", "op", "func", "frac", "root"]


@dataclass(slots=True)
class Item:
    """One rendered piece of a math list, with how it wants to be spaced.

    The spacing is decided when neighbours are joined, not when a piece is
    rendered, because it depends on what stands on either side.
    """

    text: str
    kind: ItemKind = "atom"
    """``atom``; ``space`` (source whitespace); ``gap`` (``\\,``, ``\\quad``: kept, and transparent to
    its neighbours); ``amp`` (a column break) or ``nl`` (a row break)."""
    spacing: Spacing = ""
    """``rel``: a relation, padded; ``bin``: a binary operator, padded at the top level, never when unary;
    ``op``: a big operator or one with scripts (``∑ᵢ``, ``∇ₓ``), apart from an operand after it;
    ``func``: a function name, apart from operands on both sides; ``frac``: an inline fraction,
    bracketed whole beside an operand; ``root``: apart from an operand or bracket after it."""
    compound: bool = False
    """Whether a script attached to it needs brackets around it first (``(a/b)²``)."""

    def with_text(self, text: str) -> Item:
        """Return a copy holding new text (used when scripts attach: ``(a/b)²`` is one token)."""
        return Item(text, self.kind, "" if self.spacing in ("frac", "root") else self.spacing, False)


def _starts_operand(item: Item) -> bool:
    """Tell whether an item begins with something a word or root must not run into."""
    return item.text[0].isalnum() or item.text[0] in "√∛∜∂∇∞" or item.spacing in ("op", "func", "frac", "root")


def _ends_operand(item: Item) -> bool:
    """Tell whether an item ends with a letter, digit, script, mark or closer, or ∇ and ∂ (they take what follows)."""
    if item.spacing in ("rel", "bin"):
        return False
    c = item.text[-1]
    return c.isalnum() or c in CLOSERS + BARS + "∇∂" or c in _MARKS or c in SCRIPT_CHARS or is_combining(c)


def _ends_ascii_script(text: str) -> bool:
    """Tell whether text ends with a one-character ``_t`` or ``^h``, which a letter after it would join."""
    if len(text) < 2 or text[-2] in "_^":
        return len(text) >= 2
    end = len(text)
    while end and is_combining(text[end - 1]):
        end -= 1
    return end < len(text) and end >= 2 and text[end - 2] in "_^"


def _is_unary(prev: Item | None) -> bool:
    """Tell whether a sign after `prev` is unary (``−x``, ``= −1``, ``(−a``)."""
    if prev is None or prev.spacing in ("rel", "bin", "op", "func"):
        return True
    return prev.text[-1] in OPENERS or prev.text[-1] in ",;:"


def _multiplies(prev: Item | None, following: Item | None) -> bool:
    """Tell whether a fraction between these neighbours would be read together with one of them."""
    left = prev is not None and (prev.spacing in ("op", "func") or _ends_operand(prev) or prev.text[-1] == "/")
    right = following is not None and (
        _starts_operand(following) or following.text[0] in OPENERS or following.text[0] in BARS + "/"
    )
    return left or right


def _gap_after(prev: Item, item: Item) -> bool:
    """Tell whether the spacing of `prev` and `item` asks for a space between them."""
    first = item.text[0]
    if prev.spacing in ("op", "func", "root") and _starts_operand(item):
        return True
    if prev.spacing == "root" and first in OPENERS:
        return True  # √αₜ (1−ᾱₜ): the bracket is not under the root
    if (first.isalnum() or first in "√∂∇") and _ends_ascii_script(prev.text):
        return True  # σ_t e^h, not σ_te^h
    return item.spacing == "func" and _ends_operand(prev) and prev.text[-1] not in BARS  # x log x, |cos x|


def _next_atom(visible: list[tuple[Item, bool]], index: int) -> Item | None:
    """The atom after `index` in the same row, past any gaps."""
    for later in range(index + 1, len(visible)):
        item = visible[later][0]
        if item.kind != "gap":
            return item if item.kind == "atom" else None
    return None


def join_items(items: list[Item], compact: bool = False) -> str:
    """Concatenate items, inserting the spaces their spacing asks for in this context.

    A relation is padded, and so is a binary operator at the top level (``a − b``) or where the
    source spaced it; a unary sign is not (``= −1``). A fraction beside an operand is bracketed
    whole (``(1/N)∑ᵢ``, ``log(a/b)``). `compact` is for scripts, fraction parts and radicands,
    which stay tight (``x_(t−1)``, ``(1−ᾱₜ)/2``): no space next to an operator.
    """
    visible: list[tuple[Item, bool]] = []  # each item, and whether source whitespace stood before it
    pending = False
    for item in items:
        if item.kind == "space":
            pending = True
        elif item.text or item.kind in ("amp", "nl"):
            visible.append((item, pending))
            pending = False
    out: list[str] = []
    depth = 0
    prev: Item | None = None
    pad_next = glue_next = False
    for index, (item, spaced) in enumerate(visible):
        if item.kind != "atom":
            if item.kind == "gap":
                out.append(item.text)  # kept, and transparent: the atoms around it still see each other
            else:
                out.append(" " if item.kind == "amp" else "\n")
                prev, pad_next, glue_next = None, False, False
            continue
        text, spacing = item.text, item.spacing
        if prev is None:
            gap = spaced and text != "/"
        else:
            operator = spacing in ("bin", "rel") or prev.spacing in ("bin", "rel")
            if (compact and operator) or text == "/" or prev.text == "/":
                gap = False  # x_(t−1), (q·k)/2; a typed slash hugs both sides
            elif glue_next and not operator:
                gap = False  # −x, after a unary sign
            else:
                relation = not compact and "rel" in (spacing, prev.spacing)
                gap = spaced or pad_next or relation or _gap_after(prev, item)
        pad_next = glue_next = False
        if spacing == "frac" and _multiplies(prev, _next_atom(visible, index)):
            text = f"({text})"
            if prev is not None and prev.spacing == "func":
                gap = False  # log(a/b)
        elif spacing == "bin":
            if _is_unary(prev):
                glue_next = True
            elif not compact:
                after = index + 1 < len(visible) and visible[index + 1][1]
                pad_next = depth == 0 or spaced or after
                gap = gap or pad_next
        if gap:
            out.append(" ")
        out.append(text)
        if len(text) == 1:
            depth = depth + 1 if text in OPENERS else max(depth - (text in CLOSERS), 0)
        else:  # a group already joined: its own brackets balance
            depth = max(depth + sum(map(text.count, OPENERS)) - sum(map(text.count, CLOSERS)), 0)
        prev = item
    return tidy("".join(out))


def split_rows(items: list[Item]) -> list[list[str]]:
    r"""Split an environment body into rows (``\\``) of cells (``&``)."""
    rows: list[list[str]] = [[]]
    cell: list[Item] = []
    for item in items:
        if item.kind in ("amp", "nl"):
            rows[-1].append(join_items(cell))
            cell = []
            if item.kind == "nl":
                rows.append([])
        else:
            cell.append(item)
    rows[-1].append(join_items(cell))
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def render_environment(name: str, items: list[Item]) -> str:
    """Lay out matrices inline, cases and alignments as lines."""
    rows = split_rows(items)
    if name in MATRIX_DELIMITERS:
        left, right = MATRIX_DELIMITERS[name]
        body = "; ".join(" ".join(c for c in row if c) for row in rows)
        return f"{left}{body}{right}"
    if name in CASES_ENVIRONMENTS:
        lines = (", ".join(c for c in row if c) for row in rows)
        return "\n" + "\n".join(lines) + "\n"
    return "\n".join(" ".join(c for c in row if c) for row in rows)


def drop_trailing_spaces(items: list[Item]) -> None:
    """Remove source whitespace at the end of an item list."""
    while items and items[-1].kind == "space":
        items.pop()
