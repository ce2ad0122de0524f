"""Per-character forms: sub/superscripts, accents as combining marks, and the math alphabets.

These tables change one character into another; which command asks for them is the parser's business.
"""

from __future__ import annotations

from types import MappingProxyType

_MACRON = "\u0304"
# Accent commands as the combining mark put after each letter: \hat{x} → x̂.
ACCENTS = MappingProxyType(
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
WIDE_ACCENTS = frozenset({"overline", "underline"})

# Script characters a terminal can be trusted to draw: a missing glyph shows as a box, or comes from
# a fallback font that breaks the column grid. Kept: the Superscripts and Subscripts block
# (U+2070-U+209F) and Latin-1's ¹ ² ³, the script forms monospace fonts (DejaVu Sans Mono, Menlo,
# Consolas, Noto Sans Mono) carry most widely. The modifier letters of the Phonetic Extensions
# (U+1D2C-U+1DBF) are patchy: DejaVu Sans Mono has none of the Greek ones (ᵝ ᵞ ᵟ ᵠ ᵡ ᵦ ᵧ ᵨ ᵩ ᵪ), and
# ᶿ ᶥ are rare phonetic letters. From there only these are kept, because nearly every formula of the
# field needs them and DejaVu Sans Mono and Noto Sans Mono both draw them: ᵢ ᵣ ᵤ ᵥ (U+1D62-U+1D65,
# the index letters the block above lacks), ⱼ (U+2C7C, their companion) and ᵀ (U+1D40, the
# transpose). A script with any other character makes its whole expression write scripts with
# ``_``/``^`` (see ``parser.NeedsAsciiScripts``).
SUPERSCRIPTS = MappingProxyType(
    dict(
        zip(
            "0123456789+−-=()inT⊤",
            "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿᵀᵀ",
            strict=True,
        )
    )
)

SUBSCRIPTS = MappingProxyType(
    dict(
        zip(
            "0123456789+−-=()aehijklmnoprstuvx",
            "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ",
            strict=True,
        )
    )
)

# Superscripts drawn on the line in any font, whichever way the other scripts are written:
# x^* → x*, f^\prime → f′, 90^\circ → 90°.
SUPERSCRIPT_MARKS = MappingProxyType({"′": "′", "″": "″", "*": "*", "∗": "*", "†": "†", "‡": "‡", "∘": "°"})

# Characters that already sit in a script position: not a new symbol.
SCRIPT_CHARS = frozenset(SUPERSCRIPTS.values()) | frozenset(SUBSCRIPTS.values())

# Font commands and the math alphabet each maps letters onto.
FONT_ALIASES = MappingProxyType(
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


def _offset_alphabet(letters: str, start: int, holes: dict[str, str] | None = None) -> dict[str, str]:
    """Map consecutive letters onto a Unicode math alphabet block."""
    holes = holes or {}
    return {c: holes.get(c, chr(start + i)) for i, c in enumerate(letters)}


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_GREEK_UPPER = "".join(chr(c) for c in range(0x391, 0x3AA))
_GREEK_LOWER = "".join(chr(c) for c in range(0x3B1, 0x3CA))

# Math alphabets: letters and digits onto their bold, double-struck, script and fraktur forms.
FONTS = MappingProxyType(
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
