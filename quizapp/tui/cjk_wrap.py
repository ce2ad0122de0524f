"""Line breaking for Chinese, Japanese and Korean text in Rich and Textual.

Rich wraps at whitespace only, so a CJK sentence (which has no spaces) is pushed
whole to the next line and leaves the previous line half empty. CJK text may break
between any two characters, except before closing punctuation (，。、 etc., which
must not start a line). This teaches Rich's word splitter that rule; Textual's
`Content` and Rich's `Text` both wrap with it. (Textual's own splitter in
`textual._wrap` serves only TextArea, which quizapp does not use.)

The splitter is a private name of Rich (`rich._wrap.re_word`): pyproject.toml bounds
Rich to the majors this is tested on, and `install` warns instead of patching if the
name is gone or no longer holds the pattern it replaces.
"""

from __future__ import annotations

import re
import warnings

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
RICH_WORD = re.compile(rf"\s*(?:{_UNIT})\s*")  # rich._wrap.words: a unit and the spaces around it
_RICH_DEFAULT = r"\s*\S+\s*"  # what rich._wrap.re_word holds unpatched: a run of non-spaces


def install() -> bool:
    """Make Rich's wrapping (and so Textual's) CJK-aware; idempotent.

    Returns:
        True if CJK text now wraps between characters; False (with a warning) if Rich's hook is not as expected.
    """
    from rich import _wrap as rich_wrap

    current = getattr(rich_wrap, "re_word", None)
    if current is RICH_WORD:
        return True
    if not isinstance(current, re.Pattern) or current.pattern != _RICH_DEFAULT:
        warnings.warn(
            "rich._wrap.re_word is not the pattern quizapp knows; CJK text will wrap only at spaces",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    rich_wrap.re_word = RICH_WORD
    return True
