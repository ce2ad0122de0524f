"""Every card text that can hold math reaches the review screen through the same renderer as the answer."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizapp.decks.questions import StoredChoice, StoredOpen
from quizapp.tui import faces

FORMULA = r"$q(x_t|x_0)$"


def shown(markdown: str) -> list[str]:
    """The text of each paragraph as the Markdown widget shows it: emphasis dropped, escapes undone."""
    return [
        "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
        for token in MarkdownIt("gfm-like").parse(markdown)
        if token.type == "inline"
    ]


def list_items(markdown: str) -> list[list[Token]]:
    """The tokens of each top-level list item, to tell which item a paragraph belongs to."""
    items: list[list[Token]] = []
    depth = 0
    for token in MarkdownIt("gfm-like").parse(markdown):
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                items.append([])
        elif token.type == "list_item_close":
            depth -= 1
        elif depth and items:
            items[-1].append(token)
    return items


def test_a_key_point_shows_its_math_as_the_answer_does() -> None:
    question = StoredOpen(
        id="o", topic="t", prompt="p", answer=FORMULA, key_points=(FORMULA, r"$\frac{1}{N}\sum_i x_i$")
    )
    answer = shown(faces.back(question, None))
    assert answer == ["q(xₜ|x₀)"]
    assert faces.key_point_list(question.key_points, frozenset({1}), 10).split("\n") == [
        f"a [ ] {answer[0]}",
        "b [x] (1/N)∑ᵢ xᵢ",
    ]


def test_a_choice_shows_its_math_as_the_answer_does() -> None:
    question = StoredChoice(id="c", topic="t", prompt="p", choices=(FORMULA, "none"), correct=0, explanation=FORMULA)
    explanation = shown(faces.back(question, None))[-1]
    assert explanation == "q(xₜ|x₀)"
    assert shown(faces.choice_list(question, frozenset(), revealed=False)) == [f"a) {explanation}", "b) none"]


def test_display_math_in_a_choice_stays_inside_its_item() -> None:
    question = StoredChoice(id="c", topic="t", prompt="p", choices=(r"Use $$\frac{a+b}{2}$$ here", "other"), correct=1)
    markdown = faces.choice_list(question, frozenset(), revealed=True)
    items = list_items(markdown)
    assert [shown_in(item) for item in items] == [["a) Use", "(a+b)/2", "here"], ["b) other ✓"]]


def shown_in(tokens: list[Token]) -> list[str]:
    return [
        "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
        for token in tokens
        if token.type == "inline"
    ]


def test_a_formula_across_the_key_point_cut_is_still_rendered() -> None:
    point = "x" * (faces.MAX_KEY_POINT_CHARS - 10) + r" $\sqrt{\alpha_t x_0}$ and more"
    line = faces.key_point_list((point,), frozenset(), 10)
    assert "$" not in line and "\\" not in line
    assert "x √(αₜ x₀) " in line and len(line) == len("a [ ] ") + faces.MAX_KEY_POINT_CHARS
