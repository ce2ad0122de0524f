"""East Asian text: which characters are wide, and where a line break stands for no space.

Kept apart from the YAML reader and the TUI so both apply one rule, and start-up imports
neither YAML nor Textual for it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from unicodedata import east_asian_width

_WIDE = frozenset({"W", "F", "H"})
_HANGUL = re.compile(
    "[\u1100-\u11ff\u302e\u302f\u3131-\u318e\u3200-\u321e\u3260-\u327e\ua960-\ua97c\uac00-\ud7fb\uffa0-\uffdc]"
)


@lru_cache(maxsize=4096)
def is_wide(char: str) -> bool:
    """East Asian Wide, Fullwidth or Halfwidth and not Hangul; cached, as text repeats its characters."""
    return char >= "\u1100" and east_asian_width(char) in _WIDE and _HANGUL.match(char) is None


def joins_without_space(before: str, after: str) -> bool:
    """Whether a line break between these two characters stands for no space at all.

    Chinese and Japanese write no spaces between words, so a line break between two of their
    characters is only wrapping. The test is CSS Text Level 3's segment break transformation rule,
    which markdown-it-cjk-breaks applies to Markdown and pandoc's `east_asian_line_breaks` extension
    follows (newlines between two East Asian wide characters are ignored): both characters East
    Asian Wide, Fullwidth or Halfwidth (UAX #11), and neither Hangul, since Korean spaces its words.
    """
    return is_wide(before) and is_wide(after)
