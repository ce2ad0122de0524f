"""Line breaking for Chinese, Japanese and Korean text in Textual.

Textual wraps at whitespace only, so a CJK sentence (which has no spaces) is pushed
whole to the next line and leaves the previous line half empty. CJK text may break
between any two characters, except before closing punctuation (，。、 etc., which
must not start a line). This teaches Textual's word splitter that rule.
"""

from __future__ import annotations

import re

_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CLOSING = (
    "\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\uff09\u300b\u300d\u300f\u3011\u3015\u3009\u201d\u2019\u30fc"
)
_OPENING = "\uff08\u300a\u300c\u300e\u3010\u3014\u3008\u201c\u2018"

# A unit is a CJK character (with opening punctuation before it and closing punctuation
# after it, which must stay on its line), or a run of other non-space characters.
_UNIT = (
    rf"[{_OPENING}]*[{_CJK}][{_CLOSING}]*"
    rf"|[{_OPENING}{_CLOSING}]+"
    rf"|[^\s{_CJK}{_OPENING}{_CLOSING}]+[{_CLOSING}]*"
)
TEXTUAL_CHUNK = re.compile(rf"(?:{_UNIT})\s*|\s+")  # textual._wrap: a unit and the spaces after it
RICH_WORD = re.compile(rf"\s*(?:{_UNIT})\s*")  # rich._wrap (used by Textual's Content): spaces around a unit


def install() -> bool:
    """Make Textual's and Rich's wrapping CJK-aware; returns False if their hooks are gone."""
    from rich import _wrap as rich_wrap
    from textual import _wrap as textual_wrap

    hooks = [(textual_wrap, "re_chunk", TEXTUAL_CHUNK), (rich_wrap, "re_word", RICH_WORD)]
    if not all(isinstance(getattr(module, name, None), re.Pattern) for module, name, _ in hooks):
        return False
    for module, name, pattern in hooks:
        setattr(module, name, pattern)
    return True
