"""Recursive-descent parser that renders math tokens straight to text, within a work budget.

It knows the structure of LaTeX math (groups, arguments, sub/superscripts);
what each command means is asked of the ``render_command`` it is given, which
keeps the command handlers (:mod:`quizapp.mathtext.commands`) out of this module.
"""

from __future__ import annotations

from collections.abc import Callable

from quizapp.mathtext.layout import Item, ascii_script, drop_trailing_spaces, join_items, tidy, unicode_script
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


# Operators that take scripts like a big operator: ∇ₓ log p, 𝔼ₓ f(x).
_SCRIPTED_OPERATORS = frozenset("∇𝛁∂𝔼")


class TooComplex(Exception):
    """Rendering would read more text than the parser's budget allows: show the source instead."""


class NeedsAsciiScripts(Exception):
    """A script has no safe Unicode form: the expression is rendered again with ``_``/``^`` scripts.

    One expression never mixes the two styles: ``μᵣ − μ_g`` would make ``ᵣ`` and ``_g`` look like
    different kinds of index.
    """


class MathParser:
    """Recursive-descent parser that renders tokens straight to text."""

    __slots__ = ("_tokens", "_pos", "_budget", "_render_command", "_unicode_scripts", "_compact")

    def __init__(
        self, tokens: list[Token], source_length: int, render_command: CommandRenderer, unicode_scripts: bool = True
    ) -> None:
        """Prepare to parse `tokens`, read from `source_length` characters of source.

        With `unicode_scripts`, scripts are Unicode characters and one that has none raises
        :class:`NeedsAsciiScripts`; without, every script is written with ``_``/``^``.
        """
        self._tokens = tokens
        self._pos = 0
        self._budget = _WORK_PER_CHARACTER * source_length + _WORK_FLOOR
        self._render_command = render_command
        self._unicode_scripts = unicode_scripts
        self._compact = 0  # how many scripts, fraction parts or radicands enclose the current position

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

    def join(self, items: list[Item]) -> str:
        """Join a group's items, tight if it sits in a script, fraction part or radicand."""
        return join_items(items, compact=self._compact > 0)

    def script(self, text: str, sup: bool) -> str:
        """Render a sub/superscript in the expression's script style."""
        text = tidy(text).replace("\n", " ")
        if not text:
            return ""
        if not self._unicode_scripts:
            return ascii_script(text, sup)
        converted = unicode_script(text, sup)
        if converted is None:
            raise NeedsAsciiScripts
        return converted

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
            scripts.append(self.script(self.argument(compact=True), kind == "sup"))
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
        scripted = base.with_text(body + "".join(scripts))
        if body in _SCRIPTED_OPERATORS:
            scripted.spacing = "op"
        items.append(scripted)

    # -- arguments ----------------------------------------------------------

    def argument_item(self) -> Item | None:
        """Parse one macro argument: a braced group or a single token."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token[0] in ("close", "sub", "sup", "amp"):
            return None
        if token[0] == "open":
            self.advance()
            return Item(self.join(self.sequence("}")))
        return self.atom()

    def argument(self, compact: bool = False) -> str:
        """Parse one macro argument and return its rendered text.

        Args:
            compact: the argument is a script, fraction part or radicand: laid out tight.
        """
        self._compact += compact
        try:
            self.skip_spaces()
            token = self.peek()
            if token is not None and token[0] == "open":
                self.advance()
                return self.join(self.sequence("}"))
            item = self.argument_item()
            return item.text if item is not None else ""
        finally:
            self._compact -= compact

    def optional_argument(self) -> str:
        r"""Parse ``[...]`` if present (e.g. the index of ``\sqrt[n]``)."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token != ("char", "["):
            return ""
        self.advance()
        self._compact += 1
        try:
            return self.join(self.sequence("]"))
        finally:
            self._compact -= 1

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
            items = self.sequence("}")
            atoms = [item for item in items if item.kind != "space"]
            if len(atoms) == 1 and atoms[0].spacing == "frac":
                return atoms[0]  # {\frac{a}{b}} is still a fraction to its neighbours
            return Item(self.join(items))
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
        if c in "-+*":
            return Item("−" if c == "-" else c, spacing="bin")
        if c in "=<>":
            return Item(c, spacing="rel")
        if c == "'":
            return Item("′")
        if c == "~":
            return Item(" ", "gap")
        return Item(c)
