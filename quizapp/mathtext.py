"""Render LaTeX math as plain Unicode text for the terminal UI.

Deck cards hold Markdown with math between ``$...$`` and ``$$...$$``.  A
terminal cannot typeset LaTeX, so this module turns each math span into the
closest readable Unicode: Greek letters, accents as combining marks, Unicode
sub/superscripts, ``a/b`` fractions, ``√x`` roots and math alphabets.

It uses the standard library only and builds nothing expensive at import time
because it sits on the application's start-up path.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from types import MappingProxyType

__all__ = ["latex_to_unicode", "render_math", "render_plain_math"]

# ---------------------------------------------------------------------------
# Lookup tables (read-only).
# ---------------------------------------------------------------------------

_GREEK = MappingProxyType(
    {
        "alpha": "α",
        "beta": "β",
        "gamma": "γ",
        "delta": "δ",
        "epsilon": "ε",
        "varepsilon": "ε",
        "zeta": "ζ",
        "eta": "η",
        "theta": "θ",
        "vartheta": "ϑ",
        "iota": "ι",
        "kappa": "κ",
        "varkappa": "ϰ",
        "lambda": "λ",
        "mu": "μ",
        "nu": "ν",
        "xi": "ξ",
        "omicron": "ο",
        "pi": "π",
        "varpi": "ϖ",
        "rho": "ρ",
        "varrho": "ϱ",
        "sigma": "σ",
        "varsigma": "ς",
        "tau": "τ",
        "upsilon": "υ",
        "phi": "φ",
        "varphi": "φ",
        "chi": "χ",
        "psi": "ψ",
        "omega": "ω",
        "Alpha": "Α",
        "Beta": "Β",
        "Gamma": "Γ",
        "Delta": "Δ",
        "Epsilon": "Ε",
        "Zeta": "Ζ",
        "Eta": "Η",
        "Theta": "Θ",
        "Iota": "Ι",
        "Kappa": "Κ",
        "Lambda": "Λ",
        "Mu": "Μ",
        "Nu": "Ν",
        "Xi": "Ξ",
        "Omicron": "Ο",
        "Pi": "Π",
        "Rho": "Ρ",
        "Sigma": "Σ",
        "Tau": "Τ",
        "Upsilon": "Υ",
        "Phi": "Φ",
        "Chi": "Χ",
        "Psi": "Ψ",
        "Omega": "Ω",
    }
)

# Ordinary symbols: printed as they are, no extra spacing.
_SYMBOLS = MappingProxyType(
    {
        "infty": "∞",
        "partial": "∂",
        "nabla": "∇",
        "forall": "∀",
        "exists": "∃",
        "nexists": "∄",
        "neg": "¬",
        "lnot": "¬",
        "emptyset": "∅",
        "varnothing": "∅",
        "ell": "ℓ",
        "hbar": "ℏ",
        "hslash": "ℏ",
        "imath": "ı",
        "jmath": "ȷ",
        "Re": "ℜ",
        "Im": "ℑ",
        "aleph": "ℵ",
        "beth": "ℶ",
        "wp": "℘",
        "top": "⊤",
        "bot": "⊥",
        "dagger": "†",
        "ddagger": "‡",
        "prime": "′",
        "angle": "∠",
        "triangle": "△",
        "square": "□",
        "Box": "□",
        "blacksquare": "■",
        "checkmark": "✓",
        "star": "⋆",
        "bigstar": "★",
        "ast": "∗",
        "bullet": "•",
        "cdot": "·",
        "cdotp": "·",
        "times": "×",
        "div": "÷",
        "pm": "±",
        "mp": "∓",
        "cup": "∪",
        "cap": "∩",
        "setminus": "∖",
        "smallsetminus": "∖",
        "odot": "⊙",
        "otimes": "⊗",
        "oplus": "⊕",
        "ominus": "⊖",
        "oslash": "⊘",
        "circ": "∘",
        "wedge": "∧",
        "vee": "∨",
        "land": "∧",
        "lor": "∨",
        "sqcup": "⊔",
        "sqcap": "⊓",
        "uplus": "⊎",
        "diamond": "⋄",
        "Diamond": "◇",
        "lozenge": "◊",
        "langle": "⟨",
        "rangle": "⟩",
        "lfloor": "⌊",
        "rfloor": "⌋",
        "lceil": "⌈",
        "rceil": "⌉",
        "vert": "|",
        "lvert": "|",
        "rvert": "|",
        "Vert": "‖",
        "lVert": "‖",
        "rVert": "‖",
        "lbrace": "{",
        "rbrace": "}",
        "lbrack": "[",
        "rbrack": "]",
        "backslash": "\\",
        "dots": "…",
        "ldots": "…",
        "cdots": "…",
        "dotsc": "…",
        "dotsb": "…",
        "dotsm": "…",
        "dotsi": "…",
        "dotso": "…",
        "vdots": "⋮",
        "ddots": "⋱",
        "degree": "°",
        "surd": "√",
        "sharp": "♯",
        "flat": "♭",
        "natural": "♮",
        "clubsuit": "♣",
        "heartsuit": "♡",
        "spadesuit": "♠",
        "diamondsuit": "♢",
        "S": "§",
        "P": "¶",
        "copyright": "©",
        "pounds": "£",
        "euro": "€",
        "therefore": "∴",
        "because": "∵",
        "complement": "∁",
        "eth": "ð",
        "mho": "℧",
        "ldotp": ".",
        "colon": ":",
        "bigtriangleup": "△",
        "bigtriangledown": "▽",
    }
)

# Relations and arrows: padded with a space on each side.
_RELATIONS = MappingProxyType(
    {
        "le": "≤",
        "leq": "≤",
        "ge": "≥",
        "geq": "≥",
        "leqslant": "⩽",
        "geqslant": "⩾",
        "ne": "≠",
        "neq": "≠",
        "approx": "≈",
        "sim": "∼",
        "simeq": "≃",
        "cong": "≅",
        "propto": "∝",
        "equiv": "≡",
        "in": "∈",
        "notin": "∉",
        "ni": "∋",
        "subset": "⊂",
        "subseteq": "⊆",
        "supset": "⊃",
        "supseteq": "⊇",
        "subsetneq": "⊊",
        "supsetneq": "⊋",
        "nsubseteq": "⊈",
        "sqsubseteq": "⊑",
        "sqsupseteq": "⊒",
        "ll": "≪",
        "gg": "≫",
        "prec": "≺",
        "succ": "≻",
        "preceq": "⪯",
        "succeq": "⪰",
        "perp": "⊥",
        "parallel": "∥",
        "mid": "|",
        "nmid": "∤",
        "models": "⊨",
        "vdash": "⊢",
        "dashv": "⊣",
        "coloneqq": "≔",
        "eqqcolon": "≕",
        "triangleq": "≜",
        "doteq": "≐",
        "asymp": "≍",
        "lesssim": "≲",
        "gtrsim": "≳",
        "approxeq": "≊",
        "ncong": "≇",
        "nsim": "≁",
        "nleq": "≰",
        "ngeq": "≱",
        "circeq": "≗",
        "to": "→",
        "rightarrow": "→",
        "leftarrow": "←",
        "gets": "←",
        "leftrightarrow": "↔",
        "Rightarrow": "⇒",
        "Leftarrow": "⇐",
        "Leftrightarrow": "⇔",
        "implies": "⟹",
        "impliedby": "⟸",
        "iff": "⟺",
        "mapsto": "↦",
        "longrightarrow": "⟶",
        "longleftarrow": "⟵",
        "longleftrightarrow": "⟷",
        "Longrightarrow": "⟹",
        "Longleftarrow": "⟸",
        "Longleftrightarrow": "⟺",
        "longmapsto": "⟼",
        "hookrightarrow": "↪",
        "hookleftarrow": "↩",
        "uparrow": "↑",
        "downarrow": "↓",
        "updownarrow": "↕",
        "Uparrow": "⇑",
        "Downarrow": "⇓",
        "nearrow": "↗",
        "searrow": "↘",
        "rightleftharpoons": "⇌",
        "rightharpoonup": "⇀",
        "twoheadrightarrow": "↠",
        "leadsto": "⇝",
    }
)

# Big operators: a space follows them when an operand starts right after.
_BIG_OPERATORS = MappingProxyType(
    {
        "sum": "∑",
        "prod": "∏",
        "coprod": "∐",
        "int": "∫",
        "iint": "∬",
        "iiint": "∭",
        "oint": "∮",
        "bigcup": "⋃",
        "bigcap": "⋂",
        "bigoplus": "⨁",
        "bigotimes": "⨂",
        "bigodot": "⨀",
        "bigvee": "⋁",
        "bigwedge": "⋀",
        "bigsqcup": "⨆",
    }
)

# Named functions print as words.
_FUNCTIONS = MappingProxyType(
    {
        name: name
        for name in (
            "arccos",
            "arcsin",
            "arctan",
            "arg",
            "argmax",
            "argmin",
            "cos",
            "cosh",
            "cot",
            "coth",
            "csc",
            "deg",
            "det",
            "dim",
            "exp",
            "gcd",
            "hom",
            "inf",
            "ker",
            "lg",
            "lim",
            "ln",
            "log",
            "max",
            "min",
            "Pr",
            "sec",
            "sin",
            "sinh",
            "sup",
            "tan",
            "tanh",
            "tr",
            "Tr",
            "diag",
            "rank",
            "sgn",
            "sign",
            "softmax",
            "lcm",
            "erf",
            "Var",
            "Cov",
        )
    }
    | {"liminf": "lim inf", "limsup": "lim sup"}
)

_NEGATED = MappingProxyType(
    {
        "=": "≠",
        "∈": "∉",
        "⊂": "⊄",
        "⊆": "⊈",
        "≡": "≢",
        "∼": "≁",
        "≤": "≰",
        "≥": "≱",
        "∃": "∄",
        "|": "∤",
        "≅": "≇",
        "⊃": "⊅",
    }
)

_MACRON = "\u0304"
_ACCENTS = MappingProxyType(
    {
        "bar": _MACRON,
        "overline": _MACRON,
        "hat": "\u0302",
        "widehat": "\u0302",
        "tilde": "\u0303",
        "widetilde": "\u0303",
        "dot": "\u0307",
        "ddot": "\u0308",
        "dddot": "\u20db",
        "vec": "\u20d7",
        "overrightarrow": "\u20d7",
        "overleftarrow": "\u20d6",
        "check": "\u030c",
        "breve": "\u0306",
        "acute": "\u0301",
        "grave": "\u0300",
        "mathring": "\u030a",
        "underline": "\u0332",
        "underbar": "\u0331",
        "utilde": "\u0330",
    }
)
# Accents that span their whole argument get the mark on every character.
_WIDE_ACCENTS = frozenset({"overline", "underline"})

_SUPERSCRIPTS = MappingProxyType(
    dict(
        zip(
            "0123456789+−-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ⊤′″∘*∗†‡",
            "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡᵀ′″°**†‡",
            strict=True,
        )
    )
)

_SUBSCRIPTS = MappingProxyType(
    dict(
        zip(
            "0123456789+−-=()aehijklmnoprstuvxβγρφχ",
            "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
            strict=True,
        )
    )
)

# Characters that already sit in a script position: not a new symbol.
_SCRIPT_CHARS = frozenset(_SUPERSCRIPTS.values()) | frozenset(_SUBSCRIPTS.values())

_SPACE_COMMANDS = frozenset(
    {
        ",",
        ";",
        ":",
        ">",
        " ",
        "quad",
        "qquad",
        "enspace",
        "thinspace",
        "medspace",
        "thickspace",
        "space",
        "enskip",
        "nobreakspace",
    }
)
_NO_OP_COMMANDS = frozenset(
    {
        "!",
        "negthinspace",
        "negmedspace",
        "negthickspace",
        "displaystyle",
        "textstyle",
        "scriptstyle",
        "scriptscriptstyle",
        "limits",
        "nolimits",
        "displaylimits",
        "nonumber",
        "notag",
        "boxed",
        "cancel",
        "bcancel",
        "xcancel",
        "smash",
        "underbrace",
        "overbrace",
        "mathop",
        "mathbin",
        "mathrel",
        "mathord",
        "mathopen",
        "mathclose",
        "mathpunct",
        "strut",
        "mathstrut",
        "relax",
    }
)
_DELIMITER_SIZERS = frozenset(
    {
        "left",
        "right",
        "middle",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
        "bigm",
        "Bigm",
        "biggm",
        "Biggm",
    }
)
_DROP_ARGUMENT_COMMANDS = frozenset(
    {
        "label",
        "color",
        "phantom",
        "hphantom",
        "vphantom",
        "vspace",
        "textcolor",
        "colorbox",
    }
)
_LITERAL_CONTROL_SYMBOLS = MappingProxyType(
    {
        "{": "{",
        "}": "}",
        "_": "_",
        "%": "%",
        "&": "&",
        "#": "#",
        "$": "$",
        "|": "‖",
        "/": "/",
    }
)
_TEXT_COMMANDS = frozenset(
    {
        "text",
        "textrm",
        "textit",
        "textbf",
        "textsf",
        "texttt",
        "textnormal",
        "textup",
        "textmd",
        "mbox",
        "hbox",
        "emph",
    }
)
_PLAIN_FONT_COMMANDS = frozenset(
    {
        "mathrm",
        "mathit",
        "mathsf",
        "mathtt",
        "mathnormal",
        "operatorname",
        "rm",
        "it",
    }
)
_FONT_ALIASES = MappingProxyType(
    {
        "mathbf": "bold",
        "boldsymbol": "bold",
        "bm": "bold",
        "pmb": "bold",
        "mathbfit": "bold",
        "mathbb": "double",
        "mathds": "double",
        "mathbbm": "double",
        "Bbb": "double",
        "mathcal": "script",
        "mathscr": "script",
        "cal": "script",
        "mathfrak": "fraktur",
        "frak": "fraktur",
    }
)
_FRACTION_COMMANDS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_BINOMIAL_COMMANDS = frozenset({"binom", "dbinom", "tbinom"})

_MATRIX_DELIMITERS = MappingProxyType(
    {
        "matrix": ("", ""),
        "smallmatrix": ("", ""),
        "array": ("", ""),
        "pmatrix": ("(", ")"),
        "bmatrix": ("[", "]"),
        "Bmatrix": ("{", "}"),
        "vmatrix": ("|", "|"),
        "Vmatrix": ("‖", "‖"),
    }
)
_CASES_ENVIRONMENTS = frozenset({"cases", "dcases", "rcases", "cases*"})
_ENVIRONMENTS_WITH_SPEC = frozenset({"array", "tabular", "alignat", "alignat*"})

_OPENERS = "([{⟨⌊⌈"
_CLOSERS = ")]}⟩⌋⌉"
# Top-level characters that make a fraction part need parentheses.
_OPERATOR_CHARS = frozenset("+−-=±∓·×÷/<>≤≥≠≈∼≃≅∝≡∈∉⊂⊆⊃⊇∪∩→←↔⇒⇐⇔↦⟹⟺∧∨⊙⊗⊕∘∗⋆*,;: \n")
_RELATION_CHARS = frozenset(_RELATIONS.values()) | frozenset("=<>")
_MARKDOWN_SPECIALS = frozenset("\\*_[]<>`#|&")


def _offset_alphabet(letters: str, start: int, holes: dict[str, str] | None = None) -> dict[str, str]:
    """Map consecutive letters onto a Unicode math alphabet block."""
    holes = holes or {}
    return {c: holes.get(c, chr(start + i)) for i, c in enumerate(letters)}


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_GREEK_UPPER = "".join(chr(c) for c in range(0x391, 0x3AA))
_GREEK_LOWER = "".join(chr(c) for c in range(0x3B1, 0x3CA))

_FONTS = MappingProxyType(
    {
        "bold": MappingProxyType(
            _offset_alphabet(_UPPER, 0x1D400)
            | _offset_alphabet(_LOWER, 0x1D41A)
            | _offset_alphabet(_DIGITS, 0x1D7CE)
            | _offset_alphabet(_GREEK_UPPER, 0x1D6A8)
            | _offset_alphabet(_GREEK_LOWER, 0x1D6C2)
            | {"∇": "𝛁", "∂": "𝛛", "ϑ": "𝛝", "ϕ": "𝛟", "ϱ": "𝛠", "ϖ": "𝛡"}
        ),
        "double": MappingProxyType(
            _offset_alphabet(
                _UPPER,
                0x1D538,
                {
                    "C": "ℂ",
                    "H": "ℍ",
                    "N": "ℕ",
                    "P": "ℙ",
                    "Q": "ℚ",
                    "R": "ℝ",
                    "Z": "ℤ",
                },
            )
            | _offset_alphabet(_LOWER, 0x1D552)
            | _offset_alphabet(_DIGITS, 0x1D7D8)
        ),
        "script": MappingProxyType(
            _offset_alphabet(
                _UPPER,
                0x1D49C,
                {
                    "B": "ℬ",
                    "E": "ℰ",
                    "F": "ℱ",
                    "H": "ℋ",
                    "I": "ℐ",
                    "L": "ℒ",
                    "M": "ℳ",
                    "R": "ℛ",
                },
            )
            | _offset_alphabet(_LOWER, 0x1D4B6, {"e": "ℯ", "g": "ℊ", "o": "ℴ"})
        ),
        "fraktur": MappingProxyType(
            _offset_alphabet(
                _UPPER,
                0x1D504,
                {
                    "C": "ℭ",
                    "H": "ℌ",
                    "I": "ℑ",
                    "R": "ℜ",
                    "Z": "ℨ",
                },
            )
            | _offset_alphabet(_LOWER, 0x1D51E)
        ),
    }
)


# ---------------------------------------------------------------------------
# Small text helpers.
# ---------------------------------------------------------------------------


def _is_combining(c: str) -> bool:
    """Tell whether c is a combining mark (it belongs to the previous char)."""
    return unicodedata.combining(c) != 0


def _is_ascii_letter(c: str) -> bool:
    """TeX control words are made of ASCII letters only."""
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _symbol_count(text: str) -> int:
    """Count visible base symbols, ignoring combining marks and scripts."""
    return sum(1 for c in text if not _is_combining(c) and c not in _SCRIPT_CHARS and not c.isspace())


def _is_wrapped(text: str) -> bool:
    """Tell whether one bracket pair encloses the whole text, e.g. ``(a+b)``."""
    if len(text) < 2 or text[0] not in _OPENERS or text[-1] not in _CLOSERS:
        return False
    depth = 0
    for i, c in enumerate(text):
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS:
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0


def _has_top_level_operator(text: str, allow_sign: bool = False) -> bool:
    """Tell whether text has an operator or space outside all brackets."""
    start = 1 if allow_sign and text[:1] in ("−", "+", "-") else 0
    depth = 0
    for c in text[start:]:
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and c in _OPERATOR_CHARS:
            return True
    return False


def _tidy(text: str) -> str:
    """Collapse spaces, drop spaces just inside brackets and strip lines."""
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        while "  " in line:
            line = line.replace("  ", " ")
        for opener in "([{⟨⌊⌈":
            line = line.replace(opener + " ", opener)
        for closer in ")]}⟩⌋⌉,;":
            line = line.replace(" " + closer, closer)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _to_script(text: str, table: MappingProxyType[str, str]) -> str | None:
    """Convert every character to a script form, or None if one is missing."""
    compact = text.replace(" ", "")
    if not compact or any(c not in table for c in compact):
        return None
    return "".join(table[c] for c in compact)


def _script(text: str, table: MappingProxyType[str, str], marker: str) -> str:
    """Render a sub/superscript in Unicode, else as ``_x`` or ``_(...)``."""
    text = _tidy(text).replace("\n", " ")
    if not text:
        return ""
    converted = _to_script(text, table)
    if converted is not None:
        return converted
    if all(_is_combining(c) for c in text[1:]):  # one cluster; stops at the first base character
        return marker + text
    return f"{marker}({text})"


def _superscript(text: str) -> str:
    """Render ``^{text}``."""
    return _script(text, _SUPERSCRIPTS, "^")


def _subscript(text: str) -> str:
    """Render ``_{text}``."""
    return _script(text, _SUBSCRIPTS, "_")


def _clusters(text: str) -> list[str]:
    """Split text into base characters each followed by its combining marks."""
    clusters: list[str] = []
    for c in text:
        if clusters and _is_combining(c):
            clusters[-1] += c
        else:
            clusters.append(c)
    return clusters


def _accent(text: str, mark: str, every_char: bool) -> str:
    """Put a combining mark after the letters (or all symbols) of text."""
    clusters = _clusters(text)

    def is_letter(cluster: str) -> bool:
        return cluster[0].isalnum() and cluster[0] not in _SCRIPT_CHARS

    def is_visible(cluster: str) -> bool:
        return not cluster[0].isspace()

    wanted = is_visible if every_char else is_letter
    if not any(wanted(c) for c in clusters):
        wanted = is_visible
    return "".join(c + mark if wanted(c) else c for c in clusters)


def _apply_font(text: str, font: str) -> str:
    """Map letters and digits onto a Unicode math alphabet."""
    table = _FONTS[font]
    return "".join(table.get(c, c) for c in text)


def _fraction(numerator: str, denominator: str) -> str:
    """Write a fraction inline as ``a/b``, bracketing compound parts."""
    if _has_top_level_operator(numerator, allow_sign=True):
        numerator = f"({numerator})"
    if _has_top_level_operator(denominator):
        denominator = f"({denominator})"
    return f"{numerator}/{denominator}"


def _root(radicand: str, index: str) -> str:
    """Write a root as ``√x``, ``√(a+b)``, ``∛x`` or ``ⁿ√x``."""
    simple = _is_wrapped(radicand) or radicand.isdigit() or (_symbol_count(radicand) == 1 and " " not in radicand)
    body = radicand if simple or not radicand else f"({radicand})"
    index = _tidy(index)
    if index == "3":
        return "∛" + body
    if index == "4":
        return "∜" + body
    return (_superscript(index) if index else "") + "√" + body


# ---------------------------------------------------------------------------
# Tokenizer and parser.
# ---------------------------------------------------------------------------

# Token kinds: cmd, char, open, close, sub, sup, amp, space.
_Token = tuple[str, str]

_SINGLE_CHAR_TOKENS = MappingProxyType(
    {
        "{": "open",
        "}": "close",
        "_": "sub",
        "^": "sup",
        "&": "amp",
    }
)


def _tokenize(src: str) -> list[_Token]:
    """Split LaTeX source into tokens so the parser never scans raw text."""
    tokens: list[_Token] = []
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


class _Item:
    """One rendered piece of a math list, with how it wants to be spaced.

    kind is ``atom``, ``space`` (source whitespace), ``amp`` or ``nl``.
    spacing is ``""``, ``rel`` (padded), ``word`` (space before a following
    operand) or ``frac`` (space on either side next to an operand).
    """

    __slots__ = ("text", "kind", "spacing", "compound")

    def __init__(
        self,
        text: str,
        kind: str = "atom",
        spacing: str = "",
        compound: bool = False,
    ) -> None:
        self.text = text
        self.kind = kind
        self.spacing = spacing
        self.compound = compound

    def with_text(self, text: str) -> _Item:
        """Return a copy holding new text (used when scripts attach)."""
        return _Item(text, self.kind, self.spacing, False)


def _starts_operand(text: str) -> bool:
    """Tell whether text begins with something a word must not run into."""
    return bool(text) and (text[0].isalnum() or text[0] == "√")


def _ends_operand(text: str) -> bool:
    """Tell whether text ends with a letter, digit, script or closer."""
    if not text:
        return False
    c = text[-1]
    return c.isalnum() or c in _CLOSERS or c in "|‖′" or c in _SCRIPT_CHARS or _is_combining(c)


def _needs_gap(prev: _Item, item: _Item) -> bool:
    """Decide whether two neighbouring items need a space between them."""
    if prev.spacing == "rel" or item.spacing == "rel":
        return True
    if prev.spacing in ("word", "frac") and _starts_operand(item.text):
        return True
    if prev.spacing == "frac" and item.text[:1] in ("(", "["):
        return True
    return item.spacing == "frac" and _ends_operand(prev.text)


def _join(items: list[_Item], keep_spaces: bool = True) -> str:
    """Concatenate items, inserting the spaces their spacing rules ask for."""
    out: list[str] = []
    prev: _Item | None = None
    pending_space = False
    for item in items:
        if item.kind == "space":
            pending_space = pending_space or keep_spaces
            continue
        if item.kind in ("amp", "nl"):
            out.append(" " if item.kind == "amp" else "\n")
            prev, pending_space = None, False
            continue
        if not item.text:
            continue
        if pending_space or (prev is not None and _needs_gap(prev, item)):
            out.append(" ")
        out.append(item.text)
        prev, pending_space = item, False
    return _tidy("".join(out))


def _split_rows(items: list[_Item]) -> list[list[str]]:
    r"""Split an environment body into rows (``\\``) of cells (``&``)."""
    rows: list[list[str]] = [[]]
    cell: list[_Item] = []
    for item in items:
        if item.kind in ("amp", "nl"):
            rows[-1].append(_join(cell))
            cell = []
            if item.kind == "nl":
                rows.append([])
        else:
            cell.append(item)
    rows[-1].append(_join(cell))
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _render_environment(name: str, items: list[_Item]) -> str:
    """Lay out matrices inline, cases and alignments as lines."""
    rows = _split_rows(items)
    if name in _MATRIX_DELIMITERS:
        left, right = _MATRIX_DELIMITERS[name]
        body = "; ".join(" ".join(c for c in row if c) for row in rows)
        return f"{left}{body}{right}"
    if name in _CASES_ENVIRONMENTS:
        lines = (", ".join(c for c in row if c) for row in rows)
        return "\n" + "\n".join(lines) + "\n"
    return "\n".join(" ".join(c for c in row if c) for row in rows)


_HANDLERS = MappingProxyType(
    {
        **{name: "_fraction_command" for name in _FRACTION_COMMANDS},
        **{name: "_binomial_command" for name in _BINOMIAL_COMMANDS},
        **{name: "_text_command" for name in _TEXT_COMMANDS},
        **{name: "_plain_font_command" for name in _PLAIN_FONT_COMMANDS},
        **{name: "_delimiter_command" for name in _DELIMITER_SIZERS},
        **{name: "_drop_argument_command" for name in _DROP_ARGUMENT_COMMANDS},
        "left": "_left_command",
        "sqrt": "_sqrt_command",
        "begin": "_environment_command",
        "end": "_stray_end_command",
        "not": "_not_command",
        "overset": "_overset_command",
        "stackrel": "_overset_command",
        "underset": "_underset_command",
        "substack": "_substack_command",
        "pmod": "_pmod_command",
        "tag": "_tag_command",
        "hspace": "_hspace_command",
        "\\": "_newline_command",
        "newline": "_newline_command",
        "cr": "_newline_command",
    }
)


# Each group's rendered text is read again by every group around it (to tidy it,
# bracket a fraction, place a script), so text nested d groups deep costs d times
# its length. A formula that would make the parser read more than this many
# characters per source character is shown as its source instead, which keeps
# hostile nesting such as `a^{a^{a^{...xxx...}}}` linear in time. Real formulas
# read a few characters per source character.
_WORK_PER_CHARACTER = 16
_WORK_FLOOR = 20_000


def _drop_trailing_spaces(items: list[_Item]) -> None:
    """Remove source whitespace at the end of an item list."""
    while items and items[-1].kind == "space":
        items.pop()


class _TooComplex(Exception):
    """Rendering would read more text than the parser's budget allows."""


class _Parser:
    """Recursive-descent parser that renders tokens straight to text."""

    __slots__ = ("_tokens", "_pos", "_budget")

    def __init__(self, tokens: list[_Token], budget: int) -> None:
        self._tokens = tokens
        self._pos = 0
        self._budget = budget

    def _charge(self, items: list[_Item]) -> None:
        """Count a finished group's text against the budget: enclosing groups re-read it."""
        self._budget -= sum(len(item.text) for item in items)
        if self._budget < 0:
            raise _TooComplex

    # -- token access -------------------------------------------------------

    def _peek(self) -> _Token | None:
        """Look at the next token without consuming it."""
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _advance(self) -> _Token:
        """Consume and return the next token."""
        token = self._tokens[self._pos]
        self._pos += 1
        return token

    def _skip_spaces(self) -> None:
        """Skip whitespace tokens, which TeX ignores before arguments."""
        while (token := self._peek()) is not None and token[0] == "space":
            self._pos += 1

    # -- sequences ----------------------------------------------------------

    def parse(self) -> str:
        """Render the whole token list."""
        return _join(self._sequence(None))

    def _at_closer(self, token: _Token, closer: str | None) -> bool:
        """Tell whether token ends the sequence being parsed."""
        kind, value = token
        if closer == "}":
            return kind == "close"
        if closer == "]":
            return kind == "char" and value == "]"
        if closer == "end":
            return kind == "cmd" and value == "end"
        return False

    def _sequence(self, closer: str | None) -> list[_Item]:
        """Parse items until the closer (or the end), attaching scripts."""
        items: list[_Item] = []
        while (token := self._peek()) is not None:
            if self._at_closer(token, closer):
                self._advance()
                if closer == "end":
                    self._read_name()
                self._charge(items)
                return items
            kind = token[0]
            if kind == "close":
                self._advance()  # stray "}": skip it
            elif kind in ("sub", "sup"):
                self._attach_scripts(items)
            else:
                if token == ("cmd", "right"):
                    _drop_trailing_spaces(items)  # \right hugs its content
                item = self._atom()
                if item is not None:
                    items.append(item)
        self._charge(items)
        return items

    def _attach_scripts(self, items: list[_Item]) -> None:
        """Attach a run of sub/superscripts (``x_1^2``, spaces between allowed) to the last atom (or to nothing).

        The run is joined once: attaching one script at a time would copy the
        growing base for each, quadratic in a hostile ``x_1_1_1...``.
        """
        scripts: list[str] = []
        tokens = self._tokens
        while True:
            kind = self._advance()[0]
            text = self._argument(False)
            scripts.append(_superscript(text) if kind == "sup" else _subscript(text))
            after = self._pos
            while after < len(tokens) and tokens[after][0] == "space":
                after += 1
            if after >= len(tokens) or tokens[after][0] not in ("sub", "sup"):
                break
            self._pos = after
        _drop_trailing_spaces(items)
        has_base = bool(items) and items[-1].kind == "atom"
        base = items.pop() if has_base else _Item("")
        body = base.text
        if base.compound:
            body = f"({body})"
        items.append(base.with_text(body + "".join(scripts)))

    # -- arguments ----------------------------------------------------------

    def _argument_item(self) -> _Item | None:
        """Parse one macro argument: a braced group or a single token."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token[0] in ("close", "sub", "sup", "amp"):
            return None
        if token[0] == "open":
            self._advance()
            return _Item(_join(self._sequence("}")))
        return self._atom()

    def _argument(self, keep_spaces: bool = True) -> str:
        """Parse one macro argument and return its rendered text."""
        self._skip_spaces()
        token = self._peek()
        if token is not None and token[0] == "open":
            self._advance()
            return _join(self._sequence("}"), keep_spaces)
        item = self._argument_item()
        return item.text if item is not None else ""

    def _optional_argument(self) -> str:
        r"""Parse ``[...]`` if present (e.g. the index of ``\sqrt[n]``)."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token != ("char", "["):
            return ""
        self._advance()
        return _join(self._sequence("]"), keep_spaces=False)

    def _read_name(self) -> str:
        """Read a raw braced name such as ``{aligned}``."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token[0] != "open":
            return ""
        self._advance()
        parts: list[str] = []
        while (token := self._peek()) is not None:
            self._advance()
            if token[0] == "close":
                break
            parts.append(token[1])
        return "".join(parts).strip()

    def _text_argument(self) -> str:
        """Read an argument in text mode: spaces and hyphens stay as typed."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token[0] in ("close", "sub", "sup", "amp"):
            return ""
        if token[0] != "open":
            self._advance()
            return self._text_token(token)
        self._advance()
        depth, parts = 1, []
        while (token := self._peek()) is not None:
            self._advance()
            if token[0] == "open":
                depth += 1
            elif token[0] == "close":
                depth -= 1
                if depth == 0:
                    break
            else:
                parts.append(self._text_token(token))
        return "".join(parts)

    @staticmethod
    def _text_token(token: _Token) -> str:
        r"""Render one token inside ``\text{...}``."""
        kind, value = token
        if kind == "char":
            return " " if value == "~" else value
        if kind != "cmd":
            return value
        if value in _SPACE_COMMANDS or value == "\\":
            return " "
        if value in _LITERAL_CONTROL_SYMBOLS:
            return "|" if value == "|" else _LITERAL_CONTROL_SYMBOLS[value]
        for table in (_GREEK, _SYMBOLS, _RELATIONS):
            if value in table:
                return table[value]
        return value

    # -- atoms --------------------------------------------------------------

    def _atom(self) -> _Item | None:
        """Parse one atom: a character, a group or a command."""
        kind, value = self._advance()
        if kind == "space":
            return _Item(" ", "space")
        if kind == "open":
            return _Item(_join(self._sequence("}")))
        if kind == "amp":
            return _Item("", "amp")
        if kind == "cmd":
            return self._command(value)
        if kind == "char":
            return self._char(value)
        return None

    @staticmethod
    def _char(c: str) -> _Item:
        """Render a plain character in math mode."""
        if c == "-":
            return _Item("−")
        if c == "'":
            return _Item("′")
        if c == "~":
            return _Item(" ")
        return _Item(c)

    def _command(self, name: str) -> _Item | None:
        """Render a control sequence, dispatching on what kind it is."""
        symbol = self._symbol(name)
        if symbol is not None:
            return symbol
        handler = _HANDLERS.get(name)
        if handler is not None:
            result: _Item | None = getattr(self, handler)()
            return result
        if name in _ACCENTS:
            text = self._argument()
            return _Item(_accent(text, _ACCENTS[name], name in _WIDE_ACCENTS))
        if name in _FONT_ALIASES:
            return _Item(_apply_font(self._argument(), _FONT_ALIASES[name]))
        if name in _SPACE_COMMANDS:
            return _Item(" ")
        if name in _NO_OP_COMMANDS:
            return None
        if name in ("bmod", "mod"):
            return _Item("mod", spacing="rel")
        # Unknown command: keep its name so no content is lost.
        return _Item(name, spacing="word" if len(name) > 1 else "")

    @staticmethod
    def _symbol(name: str) -> _Item | None:
        """Look a command up in the symbol tables."""
        if name in _GREEK:
            return _Item(_GREEK[name])
        if name in _SYMBOLS:
            return _Item(_SYMBOLS[name], spacing="word" if name == "colon" else "")
        if name in _RELATIONS:
            return _Item(_RELATIONS[name], spacing="rel")
        if name in _BIG_OPERATORS:
            return _Item(_BIG_OPERATORS[name], spacing="word")
        if name in _FUNCTIONS:
            return _Item(_FUNCTIONS[name], spacing="word")
        if name in _LITERAL_CONTROL_SYMBOLS:
            return _Item(_LITERAL_CONTROL_SYMBOLS[name])
        return None

    # -- command handlers ---------------------------------------------------

    def _fraction_command(self) -> _Item:
        r"""``\frac{a}{b}`` → ``a/b``."""
        numerator = self._argument(keep_spaces=False)
        denominator = self._argument(keep_spaces=False)
        return _Item(_fraction(numerator, denominator), spacing="frac", compound=True)

    def _binomial_command(self) -> _Item:
        r"""``\binom{n}{k}`` → ``C(n,k)``."""
        n = self._argument(keep_spaces=False)
        k = self._argument(keep_spaces=False)
        return _Item(f"C({n},{k})")

    def _sqrt_command(self) -> _Item:
        r"""``\sqrt[n]{x}`` → ``ⁿ√x``."""
        index = self._optional_argument()
        radicand = self._argument(keep_spaces=False)
        return _Item(_root(radicand, index), spacing="word", compound=True)

    def _text_command(self) -> _Item:
        r"""``\text{...}``: literal text with its spaces."""
        return _Item(self._text_argument())

    def _plain_font_command(self) -> _Item:
        r"""``\mathrm{KL}``, ``\operatorname{diag}``: upright words."""
        self._skip_spaces()
        if self._peek() == ("char", "*"):
            self._advance()  # \operatorname*{argmax}
        text = self._argument()
        is_word = len(text) > 1 and text.replace(" ", "").isalpha()
        return _Item(text, spacing="word" if is_word else "")

    def _delimiter_command(self) -> _Item | None:
        r"""``\left(``, ``\big|`` …: keep the delimiter, ``\left.`` → nothing."""
        self._skip_spaces()
        token = self._peek()
        if token is None or token[0] in ("close", "sub", "sup", "amp"):
            return None
        if token == ("char", "."):
            self._advance()
            return None
        return self._atom()

    def _left_command(self) -> _Item | None:
        r"""``\left(``: the delimiter, hugging the content that follows."""
        item = self._delimiter_command()
        self._skip_spaces()
        return item

    def _drop_argument_command(self) -> None:
        r"""``\label{..}``, ``\color{..}``, ``\phantom{..}``: drop the argument."""
        self._argument()

    def _hspace_command(self) -> _Item:
        r"""``\hspace{1em}`` → one space."""
        self._argument()
        return _Item(" ")

    def _newline_command(self) -> _Item:
        r"""``\\`` → a line break."""
        return _Item("", "nl")

    def _environment_command(self) -> _Item:
        r"""``\begin{name}...\end{name}`` laid out as text."""
        name = self._read_name()
        if name in _ENVIRONMENTS_WITH_SPEC:
            self._read_name()
        return _Item(_render_environment(name, self._sequence("end")))

    def _stray_end_command(self) -> None:
        r"""Swallow the name of an ``\end`` that has no ``\begin``."""
        self._read_name()

    def _not_command(self) -> _Item | None:
        r"""``\not\in`` → ``∉``; otherwise overlay a long solidus."""
        item = self._argument_item()
        if item is None:
            return None
        negated = _NEGATED.get(item.text, item.text + "\u0338")
        return _Item(negated, spacing=item.spacing or ("rel" if negated in _NEGATED.values() else ""))

    def _overset_command(self) -> _Item:
        r"""``\overset{a}{b}`` → ``b`` with ``a`` as a superscript."""
        over = self._argument(keep_spaces=False)
        base = self._argument(keep_spaces=False)
        spacing = "rel" if base in _RELATION_CHARS else ""
        return _Item(base + _superscript(over), spacing=spacing)

    def _underset_command(self) -> _Item:
        r"""``\underset{a}{b}`` → ``b`` with ``a`` as a subscript."""
        under = self._argument(keep_spaces=False)
        base = self._argument(keep_spaces=False)
        spacing = "rel" if base in _RELATION_CHARS else ""
        return _Item(base + _subscript(under), spacing=spacing)

    def _substack_command(self) -> _Item:
        r"""``\substack{a\\b}`` → ``a, b``."""
        self._skip_spaces()
        if self._peek() != ("open", "{"):
            return _Item(self._argument())
        self._advance()
        rows = _split_rows(self._sequence("}"))
        return _Item(", ".join(" ".join(c for c in row if c) for row in rows))

    def _pmod_command(self) -> _Item:
        r"""``\pmod{n}`` → ``(mod n)``."""
        return _Item(f"(mod {self._argument()})", spacing="rel")

    def _tag_command(self) -> _Item:
        r"""``\tag{1}`` → ``(1)`` set apart by a space."""
        return _Item(f"({self._argument()})", spacing="rel")


# ---------------------------------------------------------------------------
# Public API: one expression.
# ---------------------------------------------------------------------------


def latex_to_unicode(src: str) -> str:
    """Convert one LaTeX math expression (without dollars) to Unicode text.

    Never raises on malformed input: unknown commands keep their name,
    unbalanced braces are closed implicitly and stray ones are ignored.
    """
    try:
        text = _Parser(_tokenize(src), _WORK_PER_CHARACTER * len(src) + _WORK_FLOOR).parse()
    except (RecursionError, _TooComplex):  # absurdly deep nesting: show the source instead
        text = _tidy(src)
    # Precomposed letters (ᾱ, ẋ) render more reliably in terminals.
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------
# Public API: Markdown with math spans.
# ---------------------------------------------------------------------------


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
        joiner = " " if out[-1:] in ("=", "<", ">", ":", ",", "(") or out[-1:] in _RELATION_CHARS else "; "
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
