"""Lay rendered pieces out as text: spacing between items, fractions, roots, scripts, accents, environments.

Everything here works on text already rendered, so it can be read and tested
without the parser.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from quizapp.mathtext.command_sets import CASES_ENVIRONMENTS, MATRIX_DELIMITERS
from quizapp.mathtext.letterforms import FONTS, SCRIPT_CHARS, SUBSCRIPTS, SUPERSCRIPTS
from quizapp.mathtext.symbols import RELATIONS

_OPENERS = "([{⟨⌊⌈"
_CLOSERS = ")]}⟩⌋⌉"
# Top-level characters that make a fraction part need parentheses.
_OPERATOR_CHARS = frozenset("+−-=±∓·×÷/<>≤≥≠≈∼≃≅∝≡∈∉⊂⊆⊃⊇∪∩→←↔⇒⇐⇔↦⟹⟺∧∨⊙⊗⊕∘∗⋆*,;: \n")
# Relation characters: padded when something is set over them, and a line ending in one runs on.
RELATION_CHARS = frozenset(RELATIONS.values()) | frozenset("=<>")


def _is_combining(c: str) -> bool:
    """Tell whether c is a combining mark (it belongs to the previous char)."""
    return unicodedata.combining(c) != 0


def _symbol_count(text: str) -> int:
    """Count visible base symbols, ignoring combining marks and scripts."""
    return sum(1 for c in text if not _is_combining(c) and c not in SCRIPT_CHARS and not c.isspace())


def _is_wrapped(text: str) -> bool:
    """Tell whether one bracket pair encloses the whole text, e.g. ``(a+b)``."""
    if len(text) < 2 or text[0] not in _OPENERS or text[-1] not in _CLOSERS:
        return False
    depth = 0
    for i, c in enumerate(text):
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS:
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0


def _has_top_level_operator(text: str, allow_sign: bool = False) -> bool:
    """Tell whether text has an operator or space outside all brackets."""
    start = 1 if allow_sign and text[:1] in ("−", "+", "-") else 0
    depth = 0
    for c in text[start:]:
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and c in _OPERATOR_CHARS:
            return True
    return False


def tidy(text: str) -> str:
    """Collapse spaces, drop spaces just inside brackets and strip lines."""
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        while "  " in line:
            line = line.replace("  ", " ")
        for opener in "([{⟨⌊⌈":
            line = line.replace(opener + " ", opener)
        for closer in ")]}⟩⌋⌉,;":
            line = line.replace(" " + closer, closer)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _to_script(text: str, table: MappingProxyType[str, str]) -> str | None:
    """Convert every character to a script form, or None if one is missing."""
    compact = text.replace(" ", "")
    if not compact or any(c not in table for c in compact):
        return None
    return "".join(table[c] for c in compact)


def _script(text: str, table: MappingProxyType[str, str], marker: str) -> str:
    """Render a sub/superscript in Unicode, else as ``_x`` or ``_(...)``."""
    text = tidy(text).replace("\n", " ")
    if not text:
        return ""
    converted = _to_script(text, table)
    if converted is not None:
        return converted
    if all(_is_combining(c) for c in text[1:]):  # one cluster; stops at the first base character
        return marker + text
    return f"{marker}({text})"


def superscript(text: str) -> str:
    """Render ``^{text}``."""
    return _script(text, SUPERSCRIPTS, "^")


def subscript(text: str) -> str:
    """Render ``_{text}``."""
    return _script(text, SUBSCRIPTS, "_")


def _clusters(text: str) -> list[str]:
    """Split text into base characters each followed by its combining marks."""
    clusters: list[str] = []
    for c in text:
        if clusters and _is_combining(c):
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
    """Write a fraction inline as ``a/b``, bracketing compound parts."""
    if _has_top_level_operator(numerator, allow_sign=True):
        numerator = f"({numerator})"
    if _has_top_level_operator(denominator):
        denominator = f"({denominator})"
    return f"{numerator}/{denominator}"


def root(radicand: str, index: str) -> str:
    """Write a root as ``√x``, ``√(a+b)``, ``∛x`` or ``ⁿ√x``."""
    simple = _is_wrapped(radicand) or radicand.isdigit() or (_symbol_count(radicand) == 1 and " " not in radicand)
    body = radicand if simple or not radicand else f"({radicand})"
    index = tidy(index)
    if index == "3":
        return "∛" + body
    if index == "4":
        return "∜" + body
    return (superscript(index) if index else "") + "√" + body


ItemKind = Literal["atom", "space", "amp", "nl"]
Spacing = Literal["", "rel", "word", "frac"]


@dataclass(slots=True)
class Item:
    """One rendered piece of a math list, with how it wants to be spaced.

    The spacing is decided when neighbours are joined, not when a piece is
    rendered, because it depends on what stands on either side.
    """

    text: str
    kind: ItemKind = "atom"
    """``atom``, ``space`` (source whitespace), ``amp`` (a column break) or ``nl`` (a row break)."""
    spacing: Spacing = ""
    """``rel`` (padded), ``word`` (a space before an operand that follows) or ``frac`` (apart from operands)."""
    compound: bool = False
    """Whether a script attached to it needs brackets around it first (``(a/b)²``)."""

    def with_text(self, text: str) -> Item:
        """Return a copy holding new text (used when scripts attach)."""
        return Item(text, self.kind, self.spacing, False)


def _starts_operand(text: str) -> bool:
    """Tell whether text begins with something a word must not run into."""
    return bool(text) and (text[0].isalnum() or text[0] == "√")


def _ends_operand(text: str) -> bool:
    """Tell whether text ends with a letter, digit, script or closer."""
    if not text:
        return False
    c = text[-1]
    return c.isalnum() or c in _CLOSERS or c in "|‖′" or c in SCRIPT_CHARS or _is_combining(c)


def _needs_gap(prev: Item, item: Item) -> bool:
    """Decide whether two neighbouring items need a space between them."""
    if prev.spacing == "rel" or item.spacing == "rel":
        return True
    if prev.spacing in ("word", "frac") and _starts_operand(item.text):
        return True
    if prev.spacing == "frac" and item.text[:1] in ("(", "["):
        return True
    return item.spacing == "frac" and _ends_operand(prev.text)


def join_items(items: list[Item], keep_spaces: bool = True) -> str:
    """Concatenate items, inserting the spaces their spacing rules ask for."""
    out: list[str] = []
    prev: Item | None = None
    pending_space = False
    for item in items:
        if item.kind == "space":
            pending_space = pending_space or keep_spaces
            continue
        if item.kind in ("amp", "nl"):
            out.append(" " if item.kind == "amp" else "\n")
            prev, pending_space = None, False
            continue
        if not item.text:
            continue
        if pending_space or (prev is not None and _needs_gap(prev, item)):
            out.append(" ")
        out.append(item.text)
        prev, pending_space = item, False
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
