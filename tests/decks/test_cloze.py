"""Cloze deletions: one syntax for lint, cards and display; LaTeX braces nest; hostile text stays linear."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.decks import cloze
from quizapp.decks.cloze import Deletion
from quizapp.decks.loader import load_deck_bytes
from quizapp.decks.questions import StoredCloze
from quizapp.errors import DeckError
from quizapp.tui import faces
from tests.timing import cpu_seconds, quarter_and_whole

FRACTION = r"{{c1::$\frac{a}{\sqrt{d_k}}$}}"


def cloze_deck(text: str) -> bytes:
    """A deck with one cloze question whose text (a block scalar) starts on line 6, column 11."""
    body = "".join(f"      {line}\n" for line in text.split("\n"))
    return f"format: 1\ndeck: d\nquestions:\n  - id: c\n    type: cloze\n    text: |\n{body}".encode()


def lint_messages(text: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck_bytes(cloze_deck(text), Path("deck.yaml"))
    return [str(problem) for problem in info.value.problems]


def test_ordinary_deletions_hints_and_numbers() -> None:
    text = "Noise is added in {{c2::T}} steps; {{c1::DDPM::a 2020 paper}} predicts {{c2::$\\epsilon$}}."
    assert cloze.deletions(text) == [
        Deletion(2, "T", None),
        Deletion(1, "DDPM", "a 2020 paper"),
        Deletion(2, "$\\epsilon$", None),
    ]
    assert cloze.numbers(text) == [1, 2]
    assert cloze.problems(text) == []


def test_mask_output_of_ordinary_deletions_is_unchanged() -> None:
    text = "{{c1::DDPM::a paper}} adds noise in {{c2::T}} steps, {{c1::one}} at a time{{c3::x::}}."
    assert cloze.mask(text, 1, reveal=False) == "**[a paper]** adds noise in T steps, **[…]** at a timex."
    assert cloze.mask(text, 1, reveal=True) == "**DDPM** adds noise in T steps, **one** at a timex."
    assert cloze.mask(text, 3, reveal=False) == "DDPM adds noise in T steps, one at a time**[…]**."
    assert cloze.mask(text, 2, reveal=True) == "DDPM adds noise in **T** steps, one at a timex."


def test_latex_with_double_closing_braces_is_hidden_whole() -> None:
    text = f"Scores are scaled by {FRACTION}, then {{{{c2::softmax}}}}."
    assert cloze.deletions(text) == [Deletion(1, r"$\frac{a}{\sqrt{d_k}}$", None), Deletion(2, "softmax", None)]
    assert cloze.mask(text, 1, reveal=False) == "Scores are scaled by **[…]**, then softmax."
    assert cloze.mask(text, 1, reveal=True) == r"Scores are scaled by **$\frac{a}{\sqrt{d_k}}$**, then softmax."
    assert cloze.mask(text, 2, reveal=False) == r"Scores are scaled by $\frac{a}{\sqrt{d_k}}$, then **[…]**."


def test_latex_fraction_shows_right_on_both_faces_of_the_card() -> None:
    question = StoredCloze(id="c", topic="t", text=FRACTION)
    assert cloze.mask(FRACTION, 1, reveal=False) == "**[…]**"
    assert cloze.mask(FRACTION, 1, reveal=True) == r"**$\frac{a}{\sqrt{d_k}}$**"
    assert faces.front(question, 1) == "**[…]**"
    assert faces.back(question, 1) == "**a/√dₖ**"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"{{c1::$x^{a::b}$::a power}}", Deletion(1, r"$x^{a::b}$", "a power")),  # the hint's :: is outside braces
        (r"{{c1::$\mathbb{E}[x]::mean}}", Deletion(1, r"$\mathbb{E}[x]", "mean")),
        (r"{{c1::$\{x\}$}}", Deletion(1, r"$\{x\}$", None)),  # escaped braces do not count
        (r"{{c1::$a\\b$}}", Deletion(1, r"$a\\b$", None)),
        (r"{{c1::$\frac{\sqrt{x} }{2}$}}", Deletion(1, r"$\frac{\sqrt{x} }{2}$", None)),  # the old `} }` workaround
        ("{{c1::a::b::c}}", Deletion(1, "a", "b::c")),
        ("{{c1::{a}}}", Deletion(1, "{a}", None)),
        ("{{c1::a}}}", Deletion(1, "a", None)),
        ("{{c12::set {x | x > 0}}}", Deletion(12, "set {x | x > 0}", None)),
    ],
)
def test_hidden_text_ends_at_the_first_double_brace_outside_braces(text: str, expected: Deletion) -> None:
    assert cloze.deletions(text) == [expected]
    assert cloze.problems(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Scaled by {{c1::$\\frac{a}{\\sqrt{d_k}$}}.",
            "deck.yaml:7:17: malformed cloze deletion: "
            "unterminated deletion {{c1::…: no closing }} outside braces (the '{' at line 7, column 32 may lack its '}')",
        ),
        (
            "{{c1::$\\frac{\\frac{\\sqrt{x$}}",
            "deck.yaml:7:7: malformed cloze deletion: "
            "unterminated deletion {{c1::…: the '{' at line 7, column 19 is never closed",
        ),
        (
            "First {{c1::x}}\nthen {{c2::y",
            "deck.yaml:8:12: malformed cloze deletion: unterminated deletion {{c2::…: no closing }}",
        ),
        (
            "{{c1::x}} and {{cx::y}}",
            "deck.yaml:7:21: malformed cloze deletion: "
            "'{{cx::y}}…' is not a deletion: expected {{cN::text}} or {{cN::text::hint}}",
        ),
        (
            "{{c1::x}} {{c2:y}}",
            "deck.yaml:7:17: malformed cloze deletion: "
            "'{{c2:y}}…' is not a deletion: expected {{cN::text}} or {{cN::text::hint}}",
        ),
        (
            "{{c1::a {{c2::b}} c}}",
            "deck.yaml:7:15: malformed cloze deletion: deletion {{c2::… inside deletion c1: deletions cannot nest",
        ),
        (
            "{{c1::x}} {{c1234567890::y}}",
            "deck.yaml:7:17: malformed cloze deletion: cloze number in '{{c123456789…' is too long (at most 9 digits)",
        ),
    ],
)
def test_malformed_deletion_is_reported_with_its_place_in_the_text(text: str, expected: str) -> None:
    assert expected in lint_messages(text)


def test_lint_command_reports_where_a_deletion_is_unterminated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "attention.yaml"
    deck.write_bytes(cloze_deck(f"Scores are scaled by {FRACTION}\nand {{{{c2::x"))
    assert main(["lint", str(deck)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{deck}:8:11: malformed cloze deletion: unterminated deletion {{{{c2::…: no closing }}}}"
    )


def test_lint_command_accepts_latex_that_closes_with_double_braces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "attention.yaml"
    deck.write_bytes(cloze_deck(f"Scores are scaled by {FRACTION} after {{{{c2::$QK^{{\\top}}$}}}}"))
    assert main(["lint", str(deck)]) == 0
    assert capsys.readouterr().out.strip() == "1 deck(s), 1 questions, 2 cards: no problems"
    (question,) = load_deck_bytes(deck.read_bytes(), deck).questions
    assert cloze.mask(question.text, 2, reveal=True) == (  # type: ignore[union-attr]
        "Scores are scaled by $\\frac{a}{\\sqrt{d_k}}$ after **$QK^{\\top}$**\n"
    )


HOSTILE = ["{{c1::x ", "{{c1::", "{{c1::{", "{{c1::a::", "{{c1::$\\frac{", "{{c"]


@pytest.mark.parametrize("unit", HOSTILE)
def test_hostile_cloze_text_is_read_in_linear_time(unit: str) -> None:
    def read(size: int) -> Callable[[], None]:
        text = unit * (size // len(unit))

        def run() -> None:
            cloze.deletions(text)
            cloze.problems(text)
            cloze.mask(text, 1, reveal=False)
            cloze.mask(text, 1, reveal=True)

        return run

    quarter, whole = quarter_and_whole(read, 100_000)
    assert whole < 1.0
    assert whole < 8 * quarter + 0.02  # four times the text, about four times the time (quadratic would be 16x)


def test_hostile_cloze_text_fails_lint_fast() -> None:
    text = "{{c1::x " * 12_500
    seconds = cpu_seconds(lambda: lint_messages(text))
    assert seconds < 1.0
    assert lint_messages(text) == [
        "deck.yaml:7:7: malformed cloze deletion: unterminated deletion {{c1::…: the '{' at line 7, column 15 is never closed",
    ]
