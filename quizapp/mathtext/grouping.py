"""Whether rendered text reads as one token: where a fraction or a root needs brackets to be read right.

``1/2σ`` is read as ``1/(2σ)`` by some and ``(1/2)σ`` by others, so only a single token stands bare
beside a ``/`` or under a ``√``. The test works on rendered text, so it sees what the reader sees.
"""

from __future__ import annotations

import re
import unicodedata

from quizapp.mathtext.letterforms import SCRIPT_CHARS, SUPERSCRIPT_MARKS
from quizapp.mathtext.symbols import FUNCTIONS

OPENERS = "([{⟨⌊⌈"
CLOSERS = ")]}⟩⌋⌉"
_BRACKET = re.compile("[" + re.escape(OPENERS + CLOSERS) + "]")
# Characters that cannot start a token: operators, punctuation and spaces.
_OPERATOR_CHARS = frozenset("+−-=±∓·×÷/<>≤≥≠≈∼≃≅∝≡∈∉⊂⊆⊃⊇∪∩→←↔⇒⇐⇔↦⟹⟺∧∨⊙⊗⊕∘∗⋆*,;:. \n\u2003")
# Bars that open and close a group of their own: |x|, ‖x‖.
BARS = "|‖"
_MARKS = frozenset(SUPERSCRIPT_MARKS.values())
_FUNCTION_NAMES = frozenset(FUNCTIONS.values())
_LONGEST_FUNCTION_NAME = max(map(len, _FUNCTION_NAMES))


def is_combining(c: str) -> bool:
    """Tell whether c is a combining mark (it belongs to the previous char)."""
    return unicodedata.combining(c) != 0


def _group_end(text: str, i: int) -> int:
    """Index past the bracket group (or bar pair) opening at i, or -1 if it does not close."""
    if text[i] in BARS:
        return text.find(text[i], i + 1) + 1 or -1
    depth = 0
    for bracket in _BRACKET.finditer(text, i):  # jumps from bracket to bracket: long groups cost little
        depth += 1 if bracket[0] in OPENERS else -1
        if depth == 0:
            return bracket.end()
    return -1


def _cluster_end(text: str, i: int) -> int:
    """Index past the character at i and the combining marks on it."""
    j = i + 1
    while j < len(text) and is_combining(text[j]):
        j += 1
    return j


def _base_end(text: str, i: int) -> int:
    """Index past the base of a token starting at i (group, number or one symbol), or -1."""
    c = text[i]
    if c in OPENERS or c in BARS:
        return _group_end(text, i)
    if c.isdigit():
        j = i
        while j < len(text) and (text[j].isdigit() or text[j] == "."):
            j += 1
        return j
    if c in _OPERATOR_CHARS or c in CLOSERS or c.isspace():
        return -1
    return _cluster_end(text, i)


def is_single_token(text: str, allow_sign: bool = False) -> bool:
    """Tell whether rendered text reads as one token, so a fraction or root needs no brackets on it.

    One token is a symbol with its scripts (``ᾱₜ₋₁``, ``x_(t−1)``, ``T′``), a number (``0.5``,
    ``10⁻⁵``), a bracketed group (``(1−ᾱₜ)``, ``‖x‖²``), a root of one of these (``√ᾱₜ``), a
    differential (``dx``, ``∂L``) or a named function's call (``exp(x)``). Anything longer (``2σ``,
    ``HW``, and ``p(x)``, which may be a product) may be read across a ``/``.

    Args:
        text: rendered text.
        allow_sign: whether a leading sign belongs to the token (a numerator's ``−1``).
    """
    i, n = 0, len(text)
    if allow_sign and n > 1 and text[0] in "−+":
        i = 1
    while i < n and text[i] in SCRIPT_CHARS:  # a root's index
        i += 1
    if i < n and text[i] in "√∛∜":
        i += 1
    elif i + 1 < n and text[i] in "d∂" and text[i + 1].isalpha():
        i += 1  # a differential: the symbol after it is the token
    if i >= n:
        return i == 0
    name, longest = i, min(n, i + _LONGEST_FUNCTION_NAME)
    while name < longest and text[name].isalpha() and text[name] not in SCRIPT_CHARS:
        name += 1
    if name < n and text[name] in OPENERS and text[i:name] in _FUNCTION_NAMES:
        i = name  # exp(x): a named function's argument is its own
    j = _base_end(text, i)
    while 0 < j < n:
        c = text[j]
        if c in SCRIPT_CHARS or c in _MARKS or is_combining(c):
            j += 1
        elif c in "_^" and j + 1 < n:
            j = _group_end(text, j + 1) if text[j + 1] in OPENERS else _cluster_end(text, j + 1)
        else:
            return False
    return j == n
