r"""Find the math spans of Markdown or plain text and replace them by Unicode.

The span rules are pandoc's: ``$...$`` opens before a non-space and closes after
one, not before a digit (so ``$5 and $10`` stays money); ``$$...$$`` is a display
block; ``\$`` is a literal dollar; in Markdown, code spans and fenced blocks are
left alone. Every scan here is linear in the text, however hostile.
"""

from __future__ import annotations

from bisect import bisect_left

from quizapp.mathtext.expression import latex_to_unicode
from quizapp.mathtext.layout import RELATION_CHARS

_MARKDOWN_SPECIALS = frozenset("\\*_[]<>`#|&")


def _escape_markdown(text: str) -> str:
    """Backslash-escape characters Markdown would otherwise interpret."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in text)


def _escape_line_start(line: str) -> str:
    """Stop a display line from starting a list or a setext heading."""
    if line[:1] in ("+", "-", "="):
        return "\\" + line
    digits = len(line) - len(line.lstrip("0123456789"))
    if 0 < digits < len(line) and line[digits] in ".)":
        return line[:digits] + "\\" + line[digits:]
    return line


def _one_line(src: str) -> str:
    """Render a span on one line (line breaks become ``; ``)."""
    lines = latex_to_unicode(src).split("\n")
    out = lines[0] if lines else ""
    for line in lines[1:]:
        joiner = " " if out[-1:] in ("=", "<", ">", ":", ",", "(") or out[-1:] in RELATION_CHARS else "; "
        out += joiner + line
    return out


def _inline_math(src: str) -> str:
    """Render an inline span on one line, escaped for Markdown."""
    return _escape_markdown(_one_line(src))


def _is_fence_line(text: str, i: int) -> tuple[str, int] | None:
    """Return (fence char, length) if a code fence opens at line start i."""
    j = i
    while j < len(text) and text[j] in " \t>":
        j += 1
    fence_char = text[j : j + 1]
    if fence_char not in ("`", "~"):
        return None
    k = j
    while k < len(text) and text[k] == fence_char:
        k += 1
    line_end = text.find("\n", k)
    info = text[k:] if line_end == -1 else text[k:line_end]
    if k - j < 3 or (fence_char == "`" and "`" in info):
        return None  # too short, or an inline code span such as ```x```
    return fence_char, k - j


def _fenced_block_end(text: str, i: int, fence: tuple[str, int]) -> int:
    """Index just past the closing fence line (or the end of text)."""
    fence_char, length = fence
    pos = text.find("\n", i)
    while pos != -1:
        start = pos + 1
        line_end = text.find("\n", start)
        line = text[start:] if line_end == -1 else text[start:line_end]
        stripped = line.lstrip(" \t>")
        run = len(stripped) - len(stripped.lstrip(fence_char))
        if run >= length and not stripped[run:].strip():
            return len(text) if line_end == -1 else line_end
        pos = line_end
    return len(text)


def _backtick_runs(text: str) -> dict[int, list[int]]:
    """Start of every maximal run of backticks, by run length, in order.

    Built once per text, so finding a code span's closer never rescans the
    text (which made many unclosed openers of different lengths quadratic).
    """
    runs: dict[int, list[int]] = {}
    i = text.find("`")
    while i != -1:
        j = i + 1
        while j < len(text) and text[j] == "`":
            j += 1
        runs.setdefault(j - i, []).append(i)
        i = text.find("`", j)
    return runs


def _code_span_end(text: str, i: int, runs: dict[int, list[int]]) -> int:
    """Index past the code span opening at i, or past its backticks only.

    The span closes at the next run of exactly as many backticks; `runs` is
    :func:`_backtick_runs` of `text`.
    """
    j = i
    while j < len(text) and text[j] == "`":
        j += 1
    starts = runs.get(j - i, [])
    k = bisect_left(starts, j)
    return starts[k] + j - i if k < len(starts) else j


def _display_end(text: str, start: int) -> int:
    """Index of the closing ``$$`` of a display span, or -1."""
    i = start
    while i < len(text) - 1:
        if text[i] == "\\":
            i += 2
        elif text.startswith("$$", i):
            return i
        else:
            i += 1
    return -1


def _inline_end(text: str, start: int) -> int:
    """Index of the closing ``$`` of an inline span, or -1 (pandoc rules).

    The first unescaped ``$`` closes the span; the span fails when that
    ``$`` follows whitespace or precedes a digit (``$5 and $10``), or when a
    blank line or a backtick comes first.
    """
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            return -1
        if c == "\n":
            j = i + 1
            while j < len(text) and text[j] in " \t\r":
                j += 1
            if text.startswith("\n", j):  # a blank line (found without copying the rest of the text)
                return -1
        if c == "$":
            ok = not text[i - 1].isspace() and not text[i + 1 : i + 2].isdigit()
            return i if ok else -1
        i += 1
    return -1


def _opens_inline(text: str, i: int) -> bool:
    """Apply the pandoc rule: an opening ``$`` is followed by a non-space."""
    after = text[i + 1 : i + 2]
    return bool(after) and not after.isspace() and after != "$"


def _split_container_prefix(line: str) -> tuple[str, str, bool]:
    """Split a line into (block-quote/list prefix, rest, has list marker)."""
    i = 0
    while i < len(line) and line[i] in " \t>":
        i += 1
    j = i
    if line[j : j + 1] in ("-", "*", "+") and line[j + 1 : j + 2] == " ":
        j += 2
    else:
        k = j
        while k < len(line) and line[k].isdigit():
            k += 1
        if k > j and line[k : k + 1] in (".", ")") and line[k + 1 : k + 2] == " ":
            j = k + 2
    marker = j > i
    while marker and j < len(line) and line[j] == " ":
        j += 1
    return line[:j], line[j:], marker


def _continuation(prefix: str) -> str:
    """Prefix that keeps following lines inside the same quote/list item."""
    return "".join(c if c in ">\t" else " " for c in prefix)


def _is_blank_line(line: str) -> bool:
    """Tell whether a line is empty, also inside a block quote."""
    return not line.strip(" \t\r>")


def _open_display(done: str) -> tuple[str, str]:
    """End the current paragraph before a display block.

    Returns the text before the block and the continuation prefix.
    """
    line_start = done.rfind("\n") + 1
    head = done[line_start:]
    prefix, rest, marker = _split_container_prefix(head)
    cont = _continuation(prefix)
    if rest.strip():
        return done.rstrip(" \t") + f"\n{cont.rstrip()}\n{cont}", cont
    previous = done[: max(line_start - 1, 0)]
    previous_line = previous[previous.rfind("\n") + 1 :]
    if line_start and not marker and not _is_blank_line(previous_line):
        return f"{done[:line_start]}{cont.rstrip()}\n{head}", cont
    return done, cont


def _close_display(text: str, pos: int, cont: str) -> tuple[str, int]:
    """Text to put after a display block and where to resume reading."""
    k = pos
    while k < len(text) and text[k] in " \t\r":
        k += 1
    if k >= len(text):
        return "", k
    if text[k] != "\n":
        return f"\n{cont.rstrip()}\n{cont}", k
    line_end = text.find("\n", k + 1)
    next_line = text[k + 1 :] if line_end == -1 else text[k + 1 : line_end]
    if _is_blank_line(next_line):
        return "", k
    return f"\n{cont.rstrip()}", k


def _pop_last_lines(out: list[str]) -> str:
    """Remove from `out` and return the text after its second-to-last line break.

    That is all :func:`_open_display` reads or changes, so each display block
    costs the length of those lines, not of everything written before it.
    """
    breaks = 0
    for k in range(len(out) - 1, -1, -1):
        piece = out[k]
        end = len(piece)
        while (nl := piece.rfind("\n", 0, end)) != -1:
            breaks += 1
            if breaks == 2:
                tail = piece[nl + 1 :] + "".join(out[k + 1 :])
                del out[k + 1 :]
                if nl + 1 < len(piece):
                    out[k] = piece[: nl + 1]
                return tail
            end = nl
    tail = "".join(out)
    out.clear()
    return tail


def _display_lines(src: str) -> list[str]:
    """Render display math into escaped Markdown lines."""
    return [_escape_line_start(_escape_markdown(line)) for line in latex_to_unicode(src).split("\n") if line]


def render_plain_math(text: str) -> str:
    r"""Replace the math spans of plain text (not Markdown) by one-line Unicode, nothing escaped.

    Spans are found by the same rules as in :func:`render_math`, for widgets that show text as is.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("\\$", i):
            out.append("$")
            i += 2
        elif text.startswith("$$", i) and (end := _display_end(text, i + 2)) != -1:
            out.append(_one_line(text[i + 2 : end]))
            i = end + 2
        elif text[i] == "$" and _opens_inline(text, i) and (end := _inline_end(text, i + 1)) != -1:
            out.append(_one_line(text[i + 1 : end]))
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def render_math(markdown: str) -> str:
    r"""Replace every ``$...$`` / ``$$...$$`` span of Markdown by Unicode.

    Code spans and fenced code blocks are left alone, ``\$`` becomes a
    literal dollar, money amounts such as ``$5 and $10`` stay text, and a
    display block becomes its own paragraph (lines joined by hard breaks).
    """
    out: list[str] = []
    runs: dict[int, list[int]] | None = None
    i, n = 0, len(markdown)
    while i < n:
        c = markdown[i]
        at_line_start = i == 0 or markdown[i - 1] == "\n"
        fence = _is_fence_line(markdown, i) if at_line_start else None
        if fence is not None:
            end = _fenced_block_end(markdown, i, fence)
            out.append(markdown[i:end])
            i = end
        elif c == "`":
            if runs is None:
                runs = _backtick_runs(markdown)
            end = _code_span_end(markdown, i, runs)
            out.append(markdown[i:end])
            i = end
        elif c == "\\":
            pair = markdown[i : i + 2]
            out.append("$" if pair == "\\$" else pair)
            i += 2
        elif markdown.startswith("$$", i):
            end = _display_end(markdown, i + 2)
            lines = _display_lines(markdown[i + 2 : end]) if end != -1 else []
            if not lines:
                out.append("$$")
                i += 2
                continue
            before, cont = _open_display(_pop_last_lines(out))
            after, i = _close_display(markdown, end + 2, cont)
            out += [before, ("\\\n" + cont).join(lines), after]
        elif c == "$" and _opens_inline(markdown, i) and (end := _inline_end(markdown, i + 1)) != -1:
            out.append(_inline_math(markdown[i + 1 : end]))
            i = end + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)
