"""One LaTeX math expression to Unicode text: tokenize, parse with the command handlers, normalize."""

from __future__ import annotations

import unicodedata

from quizapp.mathtext.commands import render_command
from quizapp.mathtext.layout import tidy
from quizapp.mathtext.parser import MathParser, TooComplex
from quizapp.mathtext.tokenizer import tokenize


def latex_to_unicode(src: str) -> str:
    """Convert one LaTeX math expression (without dollars) to Unicode text.

    Never raises on malformed input: unknown commands keep their name,
    unbalanced braces are closed implicitly and stray ones are ignored.

    Args:
        src: the expression, as written between dollars.

    Returns:
        Readable Unicode, possibly over several lines (environments, ``\\\\``).
    """
    try:
        text = MathParser(tokenize(src), len(src), render_command).parse()
    except (RecursionError, TooComplex):  # absurdly deep nesting: show the source instead
        text = tidy(src)
    # Precomposed letters (ᾱ, ẋ) render more reliably in terminals.
    return unicodedata.normalize("NFC", text)
