"""One LaTeX math expression to Unicode text: tokenize, parse with the command handlers, normalize."""

from __future__ import annotations

import unicodedata

from quizapp.mathtext.commands import render_command
from quizapp.mathtext.layout import tidy
from quizapp.mathtext.letterforms import SUBSCRIPTS, SUPERSCRIPT_MARKS, SUPERSCRIPTS
from quizapp.mathtext.parser import MathParser, NeedsAsciiScripts, TooComplex
from quizapp.mathtext.tokenizer import Token, tokenize

_SUPERSCRIPTABLE = frozenset(SUPERSCRIPTS) | frozenset(SUPERSCRIPT_MARKS)


def latex_to_unicode(src: str) -> str:
    """Convert one LaTeX math expression (without dollars) to Unicode text.

    Never raises on malformed input: unknown commands keep their name,
    unbalanced braces are closed implicitly and stray ones are ignored.

    Args:
        src: the expression, as written between dollars.

    Returns:
        Readable Unicode, possibly over several lines (environments, ``\\\\``).
    """
    tokens = tokenize(src)
    try:
        try:
            unicode_scripts = not _a_script_starts_without_unicode_form(tokens)
            text = MathParser(tokens, len(src), render_command, unicode_scripts).parse()
        except NeedsAsciiScripts:  # one script has no safe Unicode form: none of them uses one
            text = MathParser(tokens, len(src), render_command, unicode_scripts=False).parse()
    except (RecursionError, TooComplex):  # absurdly deep nesting: show the source instead
        text = tidy(src)
    # Precomposed letters (ᾱ, ẋ) render more reliably in terminals.
    return unicodedata.normalize("NFC", text)


def _a_script_starts_without_unicode_form(tokens: list[Token]) -> bool:
    """Tell whether a script plainly has no Unicode form (``x_g``, ``e^{-x}``), before any parsing.

    Only a shortcut: the parser finds every other case. It spares a formula that will use ``_``/``^``
    a first, Unicode attempt, which would cost as much as the formula.
    """
    for index, (kind, _) in enumerate(tokens):
        if kind in ("sub", "sup"):
            table = _SUPERSCRIPTABLE if kind == "sup" else SUBSCRIPTS
            following = [token for token in tokens[index + 1 : index + 4] if token[0] != "space"]
            if following[:1] == [("open", "{")]:
                following = following[1:]
            if following and following[0][0] == "char" and following[0][1] not in table:
                return True
    return False
