r"""What each control sequence renders as: symbol lookups, then one handler per command.

:data:`COMMANDS` maps a command name to the function that reads its arguments
from the parser and renders it, so ``\frac`` is found by searching for
``"frac"`` here, not by building a method name at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from quizapp.mathtext.command_sets import (
    BINOMIAL_COMMANDS,
    DELIMITER_SIZERS,
    DROP_ARGUMENT_COMMANDS,
    ENVIRONMENTS_WITH_SPEC,
    FRACTION_COMMANDS,
    NO_OP_COMMANDS,
    PLAIN_FONT_COMMANDS,
    SPACE_COMMANDS,
    TEXT_COMMANDS,
)
from quizapp.mathtext.layout import (
    EM_SPACE,
    RELATION_CHARS,
    Item,
    Spacing,
    accent,
    apply_font,
    fraction,
    render_environment,
    root,
    split_rows,
    tidy,
)
from quizapp.mathtext.letterforms import ACCENTS, FONT_ALIASES, WIDE_ACCENTS
from quizapp.mathtext.parser import MathParser
from quizapp.mathtext.symbols import (
    BIG_OPERATORS,
    BINARY_OPERATORS,
    FUNCTIONS,
    GREEK,
    LITERAL_CONTROL_SYMBOLS,
    NEGATED,
    RELATIONS,
    SYMBOLS,
)
from quizapp.mathtext.tokenizer import Token

CommandHandler = Callable[[MathParser], Item | None]
"""Reads a command's arguments from the parser and renders it; None when it shows nothing."""


def _symbol(name: str) -> Item | None:
    """Look a command up in the symbol tables."""
    if name in GREEK:
        return Item(GREEK[name])
    if name in SYMBOLS:
        spacing: Spacing = "bin" if name in BINARY_OPERATORS else "op" if name == "colon" else ""
        return Item(SYMBOLS[name], spacing=spacing)
    if name in RELATIONS:
        return Item(RELATIONS[name], spacing="rel")
    if name in BIG_OPERATORS:
        return Item(BIG_OPERATORS[name], spacing="op")
    if name in FUNCTIONS:
        return Item(FUNCTIONS[name], spacing="func")
    if name in LITERAL_CONTROL_SYMBOLS:
        return Item(LITERAL_CONTROL_SYMBOLS[name])
    return None


# -- text mode ----------------------------------------------------------------


def _text_argument(parser: MathParser) -> str:
    """Read an argument in text mode: spaces and hyphens stay as typed."""
    parser.skip_spaces()
    token = parser.peek()
    if token is None or token[0] in ("close", "sub", "sup", "amp"):
        return ""
    if token[0] != "open":
        parser.advance()
        return _text_token(token)
    parser.advance()
    depth, parts = 1, []
    while (token := parser.peek()) is not None:
        parser.advance()
        if token[0] == "open":
            depth += 1
        elif token[0] == "close":
            depth -= 1
            if depth == 0:
                break
        else:
            parts.append(_text_token(token))
    return "".join(parts)


def _text_token(token: Token) -> str:
    r"""Render one token inside ``\text{...}``."""
    kind, value = token
    if kind == "char":
        return " " if value == "~" else value
    if kind != "cmd":
        return value
    if value in SPACE_COMMANDS or value == "\\":
        return " "
    if value in LITERAL_CONTROL_SYMBOLS:
        return "|" if value == "|" else LITERAL_CONTROL_SYMBOLS[value]
    for table in (GREEK, SYMBOLS, RELATIONS):
        if value in table:
            return table[value]
    return value


# -- commands with arguments ---------------------------------------------------


def _fraction(parser: MathParser) -> Item:
    r"""``\frac{a}{b}`` → ``a/b``, ``(a+b)/(c+d)``."""
    numerator = parser.argument(compact=True)
    denominator = parser.argument(compact=True)
    return Item(fraction(numerator, denominator), spacing="frac", compound=True)


def _binomial(parser: MathParser) -> Item:
    r"""``\binom{n}{k}`` → ``C(n,k)``."""
    n = parser.argument(compact=True)
    k = parser.argument(compact=True)
    return Item(f"C({n},{k})")


def _sqrt(parser: MathParser) -> Item:
    r"""``\sqrt[n]{x}`` → ``ⁿ√x``, ``\sqrt{a+b}`` → ``√(a+b)``."""
    index = tidy(parser.optional_argument())
    radicand = parser.argument(compact=True)
    sign = {"": "√", "3": "∛", "4": "∜"}.get(index) or parser.script(index, sup=True) + "√"
    return Item(root(radicand, sign), spacing="root", compound=True)


def _text(parser: MathParser) -> Item:
    r"""``\text{...}``: literal text with its spaces."""
    return Item(_text_argument(parser))


def _plain_font(parser: MathParser) -> Item:
    r"""``\mathrm{KL}``, ``\operatorname{diag}``: upright words."""
    parser.skip_spaces()
    if parser.peek() == ("char", "*"):
        parser.advance()  # \operatorname*{argmax}
    text = parser.argument()
    is_word = len(text) > 1 and text.replace(" ", "").isalpha()
    return Item(text, spacing="func" if is_word else "")


def _delimiter(parser: MathParser) -> Item | None:
    r"""``\left(``, ``\big|`` …: keep the delimiter, ``\left.`` → nothing."""
    parser.skip_spaces()
    token = parser.peek()
    if token is None or token[0] in ("close", "sub", "sup", "amp"):
        return None
    if token == ("char", "."):
        parser.advance()
        return None
    return parser.atom()


def _left(parser: MathParser) -> Item | None:
    r"""``\left(``: the delimiter, hugging the content that follows."""
    item = _delimiter(parser)
    parser.skip_spaces()
    return item


def _drop_argument(parser: MathParser) -> None:
    r"""``\label{..}``, ``\color{..}``, ``\phantom{..}``: drop the argument."""
    parser.argument()


def _hspace(parser: MathParser) -> Item:
    r"""``\hspace{1em}`` → one space."""
    parser.argument()
    return Item(" ", "gap")


def _newline(parser: MathParser) -> Item:
    r"""``\\`` → a line break."""
    return Item("", "nl")


def _environment(parser: MathParser) -> Item:
    r"""``\begin{name}...\end{name}`` laid out as text."""
    name = parser.read_name()
    if name in ENVIRONMENTS_WITH_SPEC:
        parser.read_name()
    return Item(render_environment(name, parser.sequence("end")))


def _stray_end(parser: MathParser) -> None:
    r"""Swallow the name of an ``\end`` that has no ``\begin``."""
    parser.read_name()


def _not(parser: MathParser) -> Item | None:
    r"""``\not\in`` → ``∉``; otherwise overlay a long solidus."""
    item = parser.argument_item()
    if item is None:
        return None
    negated = NEGATED.get(item.text, item.text + "\u0338")
    return Item(negated, spacing=item.spacing or ("rel" if negated in NEGATED.values() else ""))


def _set_over_or_under(parser: MathParser, sup: bool) -> Item:
    """The base (second argument) with the first as a script: a relation stays spaced as one."""
    mark = parser.argument(compact=True)
    base = parser.argument(compact=True)
    spacing: Spacing = "rel" if base in RELATION_CHARS else ""
    return Item(base + parser.script(mark, sup), spacing=spacing)


def _overset(parser: MathParser) -> Item:
    r"""``\overset{a}{b}`` → ``b`` with ``a`` as a superscript."""
    return _set_over_or_under(parser, sup=True)


def _underset(parser: MathParser) -> Item:
    r"""``\underset{a}{b}`` → ``b`` with ``a`` as a subscript."""
    return _set_over_or_under(parser, sup=False)


def _substack(parser: MathParser) -> Item:
    r"""``\substack{a\\b}`` → ``a, b``."""
    parser.skip_spaces()
    if parser.peek() != ("open", "{"):
        return Item(parser.argument())
    parser.advance()
    rows = split_rows(parser.sequence("}"))
    return Item(", ".join(" ".join(c for c in row if c) for row in rows))


def _pmod(parser: MathParser) -> Item:
    r"""``\pmod{n}`` → ``(mod n)``."""
    return Item(f"(mod {parser.argument()})", spacing="rel")


def _tag(parser: MathParser) -> Item:
    r"""``\tag{1}`` → ``(1)`` set apart by a space."""
    return Item(f"({parser.argument()})", spacing="rel")


def _accent(mark: str, every_char: bool) -> CommandHandler:
    r"""A handler for an accent: ``\hat{x}`` → ``x̂``."""

    def render(parser: MathParser) -> Item:
        return Item(accent(parser.argument(), mark, every_char))

    return render


def _font(font: str) -> CommandHandler:
    r"""A handler for a math alphabet: ``\mathbb{R}`` → ``ℝ``."""

    def render(parser: MathParser) -> Item:
        return Item(apply_font(parser.argument(), font))

    return render


# Every space is one cell in a terminal, so a quad between two formulas is several, as em spaces:
# runs of plain spaces collapse, in Markdown and in ``layout.tidy``.
_WIDE_SPACES = MappingProxyType({"quad": EM_SPACE * 2, "qquad": EM_SPACE * 4})


def _space(name: str) -> CommandHandler:
    r"""A handler for a spacing command: ``\,``, ``\;``, ``\:``, ``\ `` → one space, ``\quad`` → a wide gap."""
    text = _WIDE_SPACES.get(name, " ")

    def render(parser: MathParser) -> Item:
        return Item(text, "gap")

    return render


def _nothing(parser: MathParser) -> None:
    r"""``\displaystyle``, ``\limits`` …: typesetting hints with nothing to show."""


def _mod(parser: MathParser) -> Item:
    r"""``a \bmod b`` → ``a mod b``."""
    return Item("mod", spacing="rel")


# Built once, from the groups in command_sets. Later entries win: only \left is in two groups
# (a delimiter sizer that also hugs what follows).
COMMANDS: MappingProxyType[str, CommandHandler] = MappingProxyType(
    {
        **dict.fromkeys(("bmod", "mod"), _mod),
        **dict.fromkeys(NO_OP_COMMANDS, _nothing),
        **{name: _space(name) for name in SPACE_COMMANDS},
        **{name: _font(font) for name, font in FONT_ALIASES.items()},
        **{name: _accent(mark, name in WIDE_ACCENTS) for name, mark in ACCENTS.items()},
        **dict.fromkeys(FRACTION_COMMANDS, _fraction),
        **dict.fromkeys(BINOMIAL_COMMANDS, _binomial),
        **dict.fromkeys(TEXT_COMMANDS, _text),
        **dict.fromkeys(PLAIN_FONT_COMMANDS, _plain_font),
        **dict.fromkeys(DELIMITER_SIZERS, _delimiter),
        **dict.fromkeys(DROP_ARGUMENT_COMMANDS, _drop_argument),
        "left": _left,
        "sqrt": _sqrt,
        "begin": _environment,
        "end": _stray_end,
        "not": _not,
        "overset": _overset,
        "stackrel": _overset,
        "underset": _underset,
        "substack": _substack,
        "pmod": _pmod,
        "tag": _tag,
        "hspace": _hspace,
        "\\": _newline,
        "newline": _newline,
        "cr": _newline,
    }
)


def is_known(name: str) -> bool:
    """Tell whether `name` (no backslash) is a command this renderer draws; any other shows as its bare name."""
    return _symbol(name) is not None or name in COMMANDS


def render_command(parser: MathParser, name: str) -> Item | None:
    """Render the control sequence `name`, reading its arguments from `parser`.

    Args:
        parser: positioned just after the command's token.
        name: the command without its backslash.

    Returns:
        The rendered item, or None for a command that shows nothing.
    """
    symbol = _symbol(name)
    if symbol is not None:
        if name == "partial" or symbol.spacing == "bin":
            parser.skip_spaces()  # the space after \partial or \cdot only ends the command's name: ∂L, (a·b)
        return symbol
    handler = COMMANDS.get(name)
    if handler is not None:
        return handler(parser)
    # Unknown command: keep its name so no content is lost.
    return Item(name, spacing="func" if len(name) > 1 else "")
