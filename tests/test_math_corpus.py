"""Every formula of the bundled decks, as the review screen draws it: readable, unambiguous, cheap.

The formulas are found by the renderer's own span rules (``render_math`` is run on every text field and
the sources it hands to ``latex_to_unicode`` are recorded), so none is missed and code spans are left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

from quizapp.mathtext import commands, latex_to_unicode, render_math, spans
from quizapp.mathtext.tokenizer import tokenize
from tests.timing import cpu_seconds, quarter_and_whole

DECKS = Path(__file__).resolve().parents[1] / "decks"
TEXT_FIELDS = frozenset(
    {"prompt", "answer", "key_points", "follow_ups", "choices", "explanation", "text", "description"}
)

# Script characters that common monospace fonts draw: the Superscripts and Subscripts block, Latin-1's
# ¹²³, and the few modifier letters judged safe (ᵢ ᵣ ᵤ ᵥ ⱼ ᵀ). Written out here, not imported, so that
# a change to the renderer's own list has to be made twice.
ALLOWED_SCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ" + "ᵢᵣᵤᵥⱼᵀ")
_ASCII_SCRIPT = re.compile(r"[_^][^\s_^]")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_COMMAND = re.compile(r"\\[A-Za-z]")
_COMMAND_WORD = re.compile(r"\\[A-Za-z]{2,}")  # prose may write "\n"


def is_script_char(c: str) -> bool:
    """A Unicode sub/superscript or modifier letter, by its Unicode name."""
    name = unicodedata.name(c, "")
    return any(word in name for word in ("SUPERSCRIPT", "SUBSCRIPT", "MODIFIER LETTER"))


def _strings(value: Any) -> Iterator[str]:
    """The texts of one field: a string, or a list of strings or of mappings with a ``text``."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            yield item["text"]


def field_texts(node: Any) -> Iterator[str]:
    """Every text of a parsed deck that can hold math, in the deck and in each question."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_FIELDS:
                yield from _strings(value)
            else:
                yield from field_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from field_texts(item)


def formulas_in(markdown: str) -> list[str]:
    """The sources of the math spans the renderer finds in `markdown`."""
    found: list[str] = []

    def record(src: str) -> str:
        found.append(src)
        return latex_to_unicode(src)

    with mock.patch.object(spans, "latex_to_unicode", record):
        render_math(markdown)
    return found


@dataclass(frozen=True)
class DeckText:
    deck: str
    text: str


def deck_texts() -> list[DeckText]:
    return [
        DeckText(path.name, text)
        for path in sorted(DECKS.glob("*.yaml"))
        for text in field_texts(yaml.safe_load(path.read_text(encoding="utf-8")))
    ]


TEXTS = deck_texts()
FORMULAS = sorted({src for item in TEXTS for src in formulas_in(item.text)})


def test_the_corpus_is_every_field_of_every_deck() -> None:
    question = {
        "prompt": "p $a$",
        "answer": "$b$",
        "key_points": ["$c$"],
        "follow_ups": ["$d$", {"question": "other", "text": "$e$"}],
        "choices": ["$f$"],
        "explanation": "$g$",
        "references": ["$not math$"],
    }
    deck = {"description": "$h$", "questions": [question, {"type": "cloze", "text": "$i$"}]}
    assert [f for text in field_texts(deck) for f in formulas_in(text)] == list("habcdefgi")
    assert len({item.deck for item in TEXTS}) == len(list(DECKS.glob("*.yaml")))
    assert len(FORMULAS) > 1500  # about 2,200 distinct formulas when this was written


def rendered(src: str) -> str:
    return latex_to_unicode(src)


def _failures(check: Any) -> list[str]:
    return [f"{src!r} → {rendered(src)!r}" for src in FORMULAS if not check(src, rendered(src))]


def test_every_command_is_known() -> None:
    unknown = sorted(
        {value for src in FORMULAS for kind, value in tokenize(src) if kind == "cmd" and not commands.is_known(value)}
    )
    assert unknown == []


def test_no_command_name_survives_outside_code() -> None:
    leaks = [
        f"{item.deck}: {shown!r}"
        for item in TEXTS
        if _COMMAND_WORD.search(shown := _CODE.sub("", render_math(item.text)))
    ]
    assert leaks == []
    assert _failures(lambda src, out: not _COMMAND.search(out)) == []


def test_no_expression_mixes_unicode_and_ascii_scripts() -> None:
    def one_style(src: str, out: str) -> bool:
        return not (_ASCII_SCRIPT.search(out) and any(is_script_char(c) for c in out))

    assert _failures(one_style) == []


def test_no_script_glyph_outside_the_allow_list() -> None:
    def safe(src: str, out: str) -> bool:
        return all(c in ALLOWED_SCRIPTS for c in out if is_script_char(c) or 0x1D2C <= ord(c) <= 0x1DBF)

    assert _failures(safe) == []


# -- fractions -----------------------------------------------------------------

_GROUP = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|⟨[^⟨⟩]*⟩")
_BAR_GROUP = re.compile(r"\|[^|]*\||‖[^‖]*‖")
_SCRIPTS = re.compile(r"[_^](?:G|.[\u0300-\u036f\u20d0-\u20ff]*)|[\u0300-\u036f\u20d0-\u20ff′″*†‡°]")
_OPERAND_END = frozenset(")]|‖")
_OPERAND_START = frozenset("([|‖√∑∏∫∂∇")
_FUNCTION_CALL = re.compile(r"(?:exp|log|ln|sin|cos|tan|tanh|max|min|softmax|det|tr|Tr|diag|Var|Cov|erf)G")


def one_token(part: str, signed: bool) -> bool:
    """Whether a fraction part reads as one token, judged by reduction: brackets to G, scripts dropped."""
    text = part[1:] if signed and part[:1] in ("−", "+") and len(part) > 1 else part
    while (reduced := _BAR_GROUP.sub("B", _GROUP.sub("G", text))) != text:
        text = reduced
    text = "".join(c for c in _SCRIPTS.sub("", text) if not is_script_char(c))
    text = _FUNCTION_CALL.sub("G", text)
    text = re.sub(r"^(?:√|∛|∜|d(?=\w)|∂(?=\w))", "", text)
    return len(text) <= 1 or re.fullmatch(r"[0-9.]+", text) is not None


def _fractions(src: str) -> list[tuple[str, str, str]]:
    made: list[tuple[str, str, str]] = []
    real = commands.fraction

    def record(numerator: str, denominator: str) -> str:
        made.append((numerator, denominator, real(numerator, denominator)))
        return made[-1][2]

    with mock.patch.object(commands, "fraction", record):
        latex_to_unicode(src)
    return made


def test_every_multi_token_fraction_part_is_bracketed() -> None:
    bad = []
    for src in FORMULAS:
        for numerator, denominator, shown in _fractions(src):
            top = f"({numerator})" if not one_token(numerator, signed=True) else numerator
            bottom = f"({denominator})" if not one_token(denominator, signed=False) else denominator
            if shown != f"{top}/{bottom}":
                bad.append(f"{src!r}: {shown!r}")
    assert bad == []
    assert sum(len(_fractions(src)) for src in FORMULAS) > 150  # the decks hold that many fractions


def test_no_bare_fraction_sits_next_to_a_factor() -> None:
    """A fraction shown without brackets has no operand touching it: ``log a/b``, ``1/2 g``, ``1/N∑`` are wrong."""
    bad = []
    for src in FORMULAS:
        out = rendered(src)
        for _, _, shown in _fractions(src):
            if out.count(shown) != 1 or "/" in src:
                continue  # the same text twice, or a slash typed in the source: not this fraction's for sure
            at = out.index(shown)
            before = out[:at].rstrip(" ")[-1:]
            after = out[at + len(shown) :].lstrip(" ")[:1]
            wrapped = before == "(" and out[at + len(shown) : at + len(shown) + 1] == ")"
            touching = (before.isalnum() or before in _OPERAND_END or (before != "" and is_script_char(before))) or (
                after.isalnum() or after in _OPERAND_START
            )
            if touching and not wrapped:
                bad.append(f"{src!r} → {out!r}")
    assert bad == []


# -- cost ------------------------------------------------------------------------


def test_the_whole_corpus_renders_quickly_and_linearly() -> None:
    assert cpu_seconds(lambda: [latex_to_unicode(src) for src in FORMULAS]) < 2.0
    everything = " ".join(FORMULAS * 4)
    quarter, whole = quarter_and_whole(lambda size: lambda: latex_to_unicode(everything[:size]), len(everything))
    assert whole < 8 * quarter + 0.05  # linear is about 4x the quarter's time, quadratic 16x


def test_a_hostile_formula_of_100_kb_is_cheap() -> None:
    """Scripts nested 17,000 deep (more in tests/test_hostile_decks.py, on every rendering path)."""
    hostile = "x_{" * 17_000 + "a" + "}^{" * 17_000
    assert len(hostile) > 100_000
    assert cpu_seconds(lambda: latex_to_unicode(hostile)) < 1.0
