"""Recursive-descent parser that renders math tokens straight to text, within a work budget.

It knows the structure of LaTeX math (groups, arguments, sub/superscripts);
what each command means is asked of the ``render_command`` it is given, which
keeps the command handlers (:mod:`quizapp.mathtext.commands`) out of this module.
"""

from __future__ import annotations

from collections.abc import Callable

from quizapp.mathtext.layout import Item, drop_trailing_spaces, join_items, subscript, superscript
from quizapp.mathtext.tokenizer import Token

CommandRenderer = Callable[["MathParser", str], Item | None]
"""Renders the command of the given name, reading its arguments from the parser."""

# Each group's rendered text is read again by every group around it (to tidy it,
# bracket a fraction, place a script), so text nested d groups deep costs d times
# its length. A formula that would make the parser read more than this many
# characters per source character is shown as its source instead, which keeps
# hostile nesting such as `a^{a^{a^{...xxx...}}}` linear in time. Real formulas
# read a few characters per source character.
_WORK_PER_CHARACTER = 16
_WORK_FLOOR = 20_000


class TooComplex(Exception):
    """Rendering would read more text than the parser's budget allows: show the source instead."""


class MathParser:
    """Recursive-descent parser that renders tokens straight to text."""

    __slots__ = ("_tokens", "_pos", "_budget", "_render_command")

    def __init__(self, tokens: list[Token], source_length: int, render_command: CommandRenderer) -> None:
        """Prepare to parse `tokens`, read from `source_length` characters of source."""
        self._tokens = tokens
        self._pos = 0
        self._budget = _WORK_PER_CHARACTER * source_length + _WORK_FLOOR
        self._render_command = render_command

    def _charge(self, items: list[Item]) -> None:
        """Count a finished group's text against the budget: enclosing groups re-read it."""
        self._budget -= sum(len(item.text) for item in items)
        if self._budget < 0:
            raise TooComplex

    # -- token access -------------------------------------------------------

    def peek(self) -> Token | None:
        """Look at the next token without consuming it."""
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def advance(self) -> Token:
        """Consume and return the next token."""
        token = self._tokens[self._pos]
        self._pos += 1
        return token

    def skip_spaces(self) -> None:
        """Skip whitespace tokens, which TeX ignores before arguments."""
        while (token := self.peek()) is not None and token[0] == "space":
            self._pos += 1

    # -- sequences ----------------------------------------------------------

    def parse(self) -> str:
        """Render the whole token list."""
        return join_items(self.sequence(None))

    def _at_closer(self, token: Token, closer: str | None) -> bool:
        """Tell whether token ends the sequence being parsed."""
        kind, value = token
        if closer == "}":
            return kind == "close"
        if closer == "]":
            return kind == "char" and value == "]"
        if closer == "end":
            return kind == "cmd" and value == "end"
        return False

    def sequence(self, closer: str | None) -> list[Item]:
        """Parse items until the closer (or the end), attaching scripts."""
        items: list[Item] = []
        while (token := self.peek()) is not None:
            if self._at_closer(token, closer):
                self.advance()
                if closer == "end":
                    self.read_name()
                self._charge(items)
                return items
            kind = token[0]
            if kind == "close":
                self.advance()  # stray "}": skip it
            elif kind in ("sub", "sup"):
                self._attach_scripts(items)
            else:
                if token == ("cmd", "right"):
                    drop_trailing_spaces(items)  # \right hugs its content
                item = self.atom()
                if item is not None:
                    items.append(item)
        self._charge(items)
        return items

    def _attach_scripts(self, items: list[Item]) -> None:
        """Attach a run of sub/superscripts (``x_1^2``, spaces between allowed) to the last atom (or to nothing).

        The run is joined once: attaching one script at a time would copy the
        growing base for each, quadratic in a hostile ``x_1_1_1...``.
        """
        scripts: list[str] = []
        tokens = self._tokens
        while True:
            kind = self.advance()[0]
            text = self.argument(False)
            scripts.append(superscript(text) if kind == "sup" else subscript(text))
            after = self._pos
            while after < len(tokens) and tokens[after][0] == "space":
                after += 1
            if after >= len(tokens) or tokens[after][0] not in ("sub", "sup"):
                break
            self._pos = after
        drop_trailing_spaces(items)
        has_base = bool(items) and items[-1].kind == "atom"
        base = items.pop() if has_base else Item("")
        body = base.text
        if base.compound:
            body = f"({body})"
        items.append(base.with_text(body + "".join(scripts)))

    # -- arguments ----------------------------------------------------------

    def argument_item(self) -> Item | None:
        """Parse one macro argument: a braced group or a single token."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token[0] in ("close", "sub", "sup", "amp"):
            return None
        if token[0] == "open":
            self.advance()
            return Item(join_items(self.sequence("}")))
        return self.atom()

    def argument(self, keep_spaces: bool = True) -> str:
        """Parse one macro argument and return its rendered text."""
        self.skip_spaces()
        token = self.peek()
        if token is not None and token[0] == "open":
            self.advance()
            return join_items(self.sequence("}"), keep_spaces)
        item = self.argument_item()
        return item.text if item is not None else ""

    def optional_argument(self) -> str:
        r"""Parse ``[...]`` if present (e.g. the index of ``\sqrt[n]``)."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token != ("char", "["):
            return ""
        self.advance()
        return join_items(self.sequence("]"), keep_spaces=False)

    def read_name(self) -> str:
        """Read a raw braced name such as ``{aligned}``."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token[0] != "open":
            return ""
        self.advance()
        parts: list[str] = []
        while (token := self.peek()) is not None:
            self.advance()
            if token[0] == "close":
                break
            parts.append(token[1])
        return "".join(parts).strip()

    # -- atoms --------------------------------------------------------------

    def atom(self) -> Item | None:
        """Parse one atom: a character, a group or a command."""
        kind, value = self.advance()
        if kind == "space":
            return Item(" ", "space")
        if kind == "open":
            return Item(join_items(self.sequence("}")))
        if kind == "amp":
            return Item("", "amp")
        if kind == "cmd":
            return self._render_command(self, value)
        if kind == "char":
            return self._char(value)
        return None

    @staticmethod
    def _char(c: str) -> Item:
        """Render a plain character in math mode."""
        if c == "-":
            return Item("−")
        if c == "'":
            return Item("′")
        if c == "~":
            return Item(" ")
        return Item(c)
