"""Line folds between two East Asian characters of a YAML scalar, joined without the space folding put there.

Chinese and Japanese write no spaces between words, so a line break between two of their characters
is only wrapping (`quizapp.east_asian.joins_without_space`). YAML folds a single line break of a plain,
quoted or `>` scalar into a space, and libyaml does not say where it did: the scalar's source is parsed
again with a mark where the text of each of its lines starts, so that a space right before a mark is
known to come from a fold and a space anywhere else to have been written.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from quizapp.east_asian import is_wide

# A space between two characters that may be East Asian wide: where a folded line break may have to vanish.
_WIDE_GAP = re.compile("[^\x00-\u10ff] [^\x00-\u10ff]")
# Private-use characters, one of which (absent from the scalar) marks where each line of a scalar starts.
_LINE_MARKS = "\ue000\ue001\ue002\ue003"
_BREAKS = "\r\n\x85\u2028\u2029"
_TEXT_FOLLOWS = f"(?=[^ \t{_BREAKS}])"  # the line is not blank (YAML's white space is space and tab)
# A line's indentation, which folding drops anyway, when text follows it.
_INDENTATION = re.compile(f"(?<=[{_BREAKS}])[ \t]*{_TEXT_FOLLOWS}")
# In a double-quoted scalar an odd run of backslashes escapes the line break: no fold there.
_ESCAPED_BREAK = re.compile(rf"(?<!\\)(?:\\\\)*\\(?:\r\n|[{_BREAKS}])")
_QUOTED_INDENTATION = re.compile(rf"(?<!\\)(?:\\\\)*(\\?)(?:\r\n|[{_BREAKS}])[ \t]*{_TEXT_FOLLOWS}")
_BLOCK_INDENT = re.compile(f"[{_BREAKS}]( *){_TEXT_FOLLOWS}")
_BLOCK_HEADER = re.compile(r"(?:[!&]\S*[ \t]+)*>[+-]?([1-9])")  # tag and anchor, then an explicit indentation
# Blocks that are East Asian Wide or Fullwidth throughout (UAX #11), where most of the text is: pairs of
# these join in one substitution, any other pair of possibly wide characters is asked of `is_wide`.
_COMMON_WIDE = (
    "\u3000-\u302d\u3030-\u303e\u3041-\u3096\u3099-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)


def join_wide_folds(value: Any, event: Any, text: str, parent_indent: int, loader: Any) -> Any:
    """`value` of a folded scalar without the spaces that folding put between two East Asian characters.

    Linear in the scalar's length; the value is kept as is whenever the marked parse disagrees.

    Args:
        value: the scalar's value as the reader made it; only text is changed.
        event: the scalar's `yaml.ScalarEvent`, for its style and where its source is in `text`.
        text: the whole document.
        parent_indent: 0-based column of the collection holding the scalar, -1 at the top level.
        loader: the loader that read `text`, so that both parses fold alike.
    """
    if type(value) is not str or _WIDE_GAP.search(value) is None:
        return value
    raw = text[event.start_mark.index : event.end_mark.index]
    mark = next((m for m in _LINE_MARKS if m not in raw and m not in value), None)
    if mark is None:
        return value
    marked = _marked(raw, event.style, mark, parent_indent)
    try:
        scalars = [e for e in yaml.parse(marked, Loader=loader) if type(e) is yaml.ScalarEvent]
    except yaml.YAMLError:
        return value
    if len(scalars) != 1 or scalars[0].value.replace(mark, "") != value:
        return value
    return _join_marked(scalars[0].value, mark)


def _marked(raw: str, style: str | None, mark: str, parent_indent: int) -> str:
    """The scalar's source `raw` with `mark` where the text of each line that may fold starts."""
    if style == ">":
        return _marked_folded_block(raw, mark, parent_indent)
    if style == '"' and _ESCAPED_BREAK.search(raw):
        return _QUOTED_INDENTATION.sub(lambda m: m[0] if m[1] else m[0] + mark, raw)
    return _INDENTATION.sub(mark, raw)


def _marked_folded_block(raw: str, mark: str, parent_indent: int) -> str:
    """Marks after the content indentation only: only lines at it fold, and each line keeps its indentation."""
    header = _BLOCK_HEADER.match(raw)
    if header is not None:
        indent = int(header[1])
        if parent_indent > 0:
            # An explicit indentation indicator counts from the parent's indentation, which a parse
            # of the scalar alone lacks: move the content left by as much.
            raw = re.sub(f"(?m)^ {{1,{parent_indent}}}", "", raw)
    else:
        first = _BLOCK_INDENT.search(raw)
        indent = len(first[1]) if first is not None else 0
    return re.sub(f"(?<=[{_BREAKS}]) {{{indent}}}{_TEXT_FOLLOWS}", " " * indent + mark, raw)


def _join_marked(marked: str, mark: str) -> str:
    """The marked value with every fold (a space before `mark`) between two wide characters removed, and no marks."""
    joined = re.sub(f" {mark}(?<=[{_COMMON_WIDE}] {mark})(?=[{_COMMON_WIDE}])", "", marked)
    maybe_wide = f" {mark}(?<=([^\\x00-\\u10ff]) {mark})(?=([^\\x00-\\u10ff]))"
    joined = re.sub(maybe_wide, lambda m: "" if is_wide(m[1]) and is_wide(m[2]) else m[0], joined)
    return joined.replace(mark, "")
