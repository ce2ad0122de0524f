"""Split LaTeX math source into tokens, so the parser never scans raw text."""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

# cmd: a control sequence (its name without the backslash); char: any other character;
# open/close: braces; sub/sup: _ and ^; amp: the & column separator; space: a run of whitespace.
TokenKind = Literal["cmd", "char", "open", "close", "sub", "sup", "amp", "space"]
Token = tuple[TokenKind, str]

_SINGLE_CHAR_TOKENS: MappingProxyType[str, TokenKind] = MappingProxyType(
    {
        "{": "open",
        "}": "close",
        "_": "sub",
        "^": "sup",
        "&": "amp",
    }
)


def _is_ascii_letter(c: str) -> bool:
    """TeX control words are made of ASCII letters only."""
    return "a" <= c <= "z" or "A" <= c <= "Z"


def tokenize(src: str) -> list[Token]:
    """Split LaTeX source into tokens; a trailing lone backslash is dropped.

    Args:
        src: one math expression, without its dollars.

    Returns:
        The tokens in order; every run of whitespace is one ``space`` token.
    """
    tokens: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            if i + 1 >= n:
                break  # a trailing backslash carries no content
            if _is_ascii_letter(src[i + 1]):
                j = i + 1
                while j < n and _is_ascii_letter(src[j]):
                    j += 1
                tokens.append(("cmd", src[i + 1 : j]))
                i = j
            else:
                tokens.append(("cmd", src[i + 1]))
                i += 2
        elif c.isspace():
            while i < n and src[i].isspace():
                i += 1
            tokens.append(("space", " "))
        else:
            tokens.append((_SINGLE_CHAR_TOKENS.get(c, "char"), c))
            i += 1
    return tokens
