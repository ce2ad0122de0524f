"""Render LaTeX math as plain Unicode text for the terminal UI.

Deck cards hold Markdown with math between ``$...$`` and ``$$...$$``. A
terminal cannot typeset LaTeX, so each math span becomes the closest readable
Unicode: Greek letters, accents as combining marks, Unicode sub/superscripts,
``a/b`` fractions, ``√x`` roots and math alphabets. Linear text can be misread
where typeset math cannot, so the layout brackets what could be read across a
``/`` or under a ``√`` (``(1/N)∑ᵢ``, ``log(a/b)``, ``√(1−ᾱₜ)``), spaces binary
operators and relations, and writes all the scripts of one expression the same
way: in Unicode characters that monospace fonts draw, or else as ``_x``/``^(…)``.

Read in this order, source to text:

- ``spans``: finds the math spans of Markdown or plain text (``render_math``, ``render_plain_math``);
- ``expression``: one expression to Unicode (``latex_to_unicode``);
- ``tokenizer``: LaTeX source to tokens;
- ``parser``: tokens to rendered items (groups, arguments, scripts), within a work budget;
- ``commands``: what each control sequence renders as, one handler per command in ``COMMANDS``;
- ``layout``: rendered items to text (spacing, fractions, roots, scripts, environments);
- ``grouping``: whether rendered text reads as one token (so needs no brackets);
- ``symbols``, ``letterforms``, ``command_sets``: the tables, and no logic.

Standard library only, and nothing expensive built at import time: the
package sits on the application's start-up path.
"""

from __future__ import annotations

from quizapp.mathtext.expression import latex_to_unicode
from quizapp.mathtext.spans import render_math, render_plain_math

__all__ = ["latex_to_unicode", "render_math", "render_plain_math"]
