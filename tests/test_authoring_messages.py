"""What `quizapp lint` tells a deck author, message by message: one message per mistake, placed where the mistake
is in the file, and said as a sentence about the deck format, with a hint for the usual causes of a YAML error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from quizapp.decks import yamlread
from quizapp.decks.loader import load_deck_bytes
from quizapp.errors import DeckError
from tests.test_cli import quizapp
from tests.timing import quarter_and_whole

HEAD = "format: 1\ndeck: d\nquestions:\n  - id: q\n"  # the question's other keys go on line 5, column 5


def messages(body: str) -> list[str]:
    """The loader's messages for a deck whose one question is `id: q` followed by `body`."""
    with pytest.raises(DeckError) as info:
        load_deck_bytes((HEAD + body).encode(), Path("deck.yaml"))
    return [str(problem) for problem in info.value.problems]


# --- 1. a malformed cloze deletion: one message, at the deletion -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "    type: cloze\n    text: |\n      Scores are scaled\n      by {{c1::$\\frac{1}{\\sqrt{d_k}$}}.\n",
            "deck.yaml:8:10: malformed cloze deletion: unterminated deletion {{c1::…: no closing }} outside braces "
            "(the '{' at line 8, column 25 may lack its '}')",
        ),
        (
            "    type: cloze\n    text: |\n      {{c1::$\\frac{a\n",
            "deck.yaml:7:7: malformed cloze deletion: unterminated deletion {{c1::…: "
            "the '{' at line 7, column 19 is never closed",
        ),
        (
            '    type: cloze\n    text: "Noise is {{cx::Gaussian}}"\n',
            "deck.yaml:6:21: malformed cloze deletion: "
            "'{{cx::Gaussi…' is not a deletion: expected {{cN::text}} or {{cN::text::hint}}",
        ),
        (
            "    type: cloze\n    text: >\n      DDPM adds noise in {{c1::T}} steps\n      and predicts {{c2::$\\epsilon$\n",
            "deck.yaml:8:20: malformed cloze deletion: unterminated deletion {{c2::…: no closing }}",
        ),
        (
            "    type: cloze\n    text: a plain text {{c1::x}}\n      folded {{c2:y}}\n",
            "deck.yaml:7:14: malformed cloze deletion: "
            "'{{c2:y}}' is not a deletion: expected {{cN::text}} or {{cN::text::hint}}",
        ),
    ],
    ids=["literal-unbalanced", "literal-never-closed", "quoted-cx", "folded-unterminated", "plain-folded"],
)
def test_a_malformed_deletion_is_one_message_at_its_line_and_column(body: str, expected: str) -> None:
    assert messages(body) == [expected]


def test_a_deletion_an_escape_hides_is_placed_at_the_start_of_the_text_by_character() -> None:
    """`\\x7b` is a '{' in the text but not in the file: the file's braces no longer line up with the text's."""
    body = '    type: cloze\n    text: "Sets \\x7b{c1::x}} and {{c2::y"\n'
    assert messages(body) == [
        "deck.yaml:6:11: malformed cloze deletion at character 20 of text: unterminated deletion {{c2::…: no closing }}"
    ]


def test_every_malformed_deletion_of_a_text_is_placed_on_its_own_line() -> None:
    body = "    type: cloze\n    text: |\n      {{c1::ok}} and {{cx::a}}\n\n      then {{c2:b}}\n"
    assert [m.split(": ", 2)[0] for m in messages(body)] == ["deck.yaml:7:22", "deck.yaml:9:12"]


def test_many_malformed_deletions_are_placed_in_linear_time() -> None:
    def lint(size: int) -> Callable[[], object]:
        """Linting a text of `size` characters, each of its deletions malformed."""
        body = "    type: cloze\n    text: |\n      " + "{{cx:: " * (size // 7) + "\n"
        return lambda: messages(body)

    quarter, whole = quarter_and_whole(lint, 100_000)
    assert whole < 2.0
    assert whole < 8 * quarter + 0.02  # linear is about 4x the quarter's time, quadratic 16x


# --- 2. pydantic's errors, said as the format says them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "    prompt: p\n    answer: a\n    level: 7\n",
            "deck.yaml:7:12: level must be a whole number from 1 (warm-up) to 5 (research depth), not 7",
        ),
        (
            "    prompt: p\n    answer: a\n    level: three\n",
            "deck.yaml:7:12: level must be a whole number from 1 (warm-up) to 5 (research depth), not 'three'",
        ),
        ("    prompt: p\n", "deck.yaml:4:5: missing answer: an open question needs its model answer"),
        (
            "    type: choice\n    prompt: p\n    choices: [a, b]\n",
            "deck.yaml:4:5: missing correct: a choice question needs the 0-based index of the right choice, "
            "or a list of them",
        ),
        (
            "    type: choice\n    prompt: p\n    choices: [a, b]\n    correct: 2\n",
            "deck.yaml:8:14: correct must be the 0-based index of a choice (0 to 1: there are 2), not 2",
        ),
        (
            "    type: choice\n    prompt: p\n    choices: [a, b]\n    correct: [0, -1]\n",
            "deck.yaml:8:18: correct must be the 0-based index of the right choice, or a list of them, not -1",
        ),
        (
            "    type: choice\n    prompt: p\n    choices: [a, b]\n    correct: first\n",
            "deck.yaml:8:14: correct must be the 0-based index of the right choice, or a list of them, not 'first'",
        ),
        (
            "    type: choice\n    prompt: p\n    choices: [only]\n    correct: 0\n",
            "deck.yaml:7:14: choices must list 2 to 8 choices, not 1",
        ),
        (
            "    prompt: 42\n    answer: a\n",
            "deck.yaml:5:13: prompt must be text, not the number 42: put it in quotes to keep it as text",
        ),
        (
            "    prompt: p\n    answer: yes\n",
            "deck.yaml:6:13: answer must be text, not true (YAML reads unquoted yes, no, on, off, true and false so): "
            "put it in quotes",
        ),
        (
            "    prompt: # of heads?\n    answer: a\n",
            "deck.yaml:5:12: prompt must be text, not empty (text after ' #' is a comment: put text that holds # in "
            "quotes)",
        ),
        ("    prompt: p\n    answer: ''\n", "deck.yaml:6:13: answer must not be empty"),
        (
            "    prompt: p\n    answer: a\n    key_points: scale and shift\n",
            "deck.yaml:7:17: key_points must be a list (one '- item' per line, or [a, b]), not 'scale and shift'",
        ),
        (
            "    prompt: p\n    answer: a\n    key_point: [x]\n",
            "deck.yaml:7:5: unknown key key_point; did you mean key_points?",
        ),
        (
            "    prompt: p\n    answer: a\n    difficulty: 3\n",
            "deck.yaml:7:5: unknown key difficulty; an open question has the keys id, topic, level, key_points, "
            "follow_ups, references, tags, renamed_from, type, prompt, answer",
        ),
        (
            "    type: chioce\n    prompt: p\n",
            "deck.yaml:5:11: type must be open, choice or cloze, not 'chioce'; did you mean choice?",
        ),
    ],
    ids=[
        "level-7", "level-text", "missing-answer", "missing-correct", "correct-out-of-range", "correct-negative",
        "correct-text", "one-choice", "number-for-text", "yes-for-text", "comment-for-text", "empty-text",
        "text-for-list", "unknown-key-close", "unknown-key-far", "type-typo",
    ],
)  # fmt: skip
def test_a_value_the_format_does_not_allow_is_a_sentence_about_the_format(body: str, expected: str) -> None:
    assert messages(body) == [expected]


def test_a_deck_without_format_says_what_to_write() -> None:
    with pytest.raises(DeckError) as info:
        load_deck_bytes(b"deck: d\nquestions: []\n", Path("deck.yaml"))
    assert [str(p) for p in info.value.problems] == [
        "deck.yaml:1:1: missing format: a deck needs format: 1, the version of the deck format"
    ]


# --- 3. YAML syntax errors, with the likely cause -----------------------------------------------------------------

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize(
    ("body", "where", "hint"),
    [
        ("\tprompt: p\n    answer: a\n", "5:1", "YAML indents with spaces, not tabs"),
        ("    prompt: p\n\tanswer: a\n", "6:1", "YAML indents with spaces, not tabs"),
        (
            "    prompt: Why: because\n    answer: a\n",
            "5:16",
            "quote the text: prompt: \"...\" (unquoted, ': ' starts a mapping and ' #' a comment)",
        ),
        ("    prompt: {x} is a set\n    answer: a\n", "5:17", 'text that starts with { must be in quotes: prompt: "..."'),
        ("    prompt: [1] says\n    answer: a\n", "5:17", 'text that starts with [ must be in quotes: prompt: "..."'),
        ("    prompt: `x` is code\n    answer: a\n", "5:13", 'text that starts with ` must be in quotes: prompt: "..."'),
        ("    prompt: @user said\n    answer: a\n", "5:13", 'text that starts with @ must be in quotes: prompt: "..."'),
        ("    prompt: %d items\n    answer: a\n", "5:13", 'text that starts with % must be in quotes: prompt: "..."'),
        (
            '    prompt: "Attention" is all\n    answer: a\n',
            "5:25",
            'text in quotes ends at the closing quote: put the whole text in quotes, prompt: "..."',
        ),
        (
            "    prompt: p\n   answer: a\n",
            "6:4",
            "check the indentation: the keys of one mapping, and the '- ' of one list, start in the same column",
        ),
        (
            "    prompt: p\n      answer: a\n",
            "6:13",
            "check the indentation: the keys of one mapping, and the '- ' of one list, start in the same column",
        ),
    ],
    ids=[
        "tab", "tab-later", "colon-in-text", "brace-first", "bracket-first", "backtick-first", "at-first",
        "percent-first", "quote-first", "indent-less", "indent-more",
    ],
)  # fmt: skip
def test_a_yaml_syntax_error_keeps_its_position_and_gives_the_likely_cause(
    body: str, where: str, hint: str, loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlread, "_LOADER", loader)
    (message,) = messages(body)
    assert message.startswith(f"deck.yaml:{where}: YAML syntax error: ") and message.endswith(f"; {hint}")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "    prompt: !important note\n",
            "deck.yaml:5:13: tag '!important' is not allowed: decks are plain YAML; "
            "text that starts with ! must be in quotes",
        ),
        (
            "    prompt: *args and **kwargs\n",
            "deck.yaml:5:13: alias *args has no anchor before it; text that starts with * must be in quotes",
        ),
    ],
)
def test_a_tag_or_an_alias_at_the_start_of_text_says_to_quote_it(body: str, expected: str) -> None:
    assert messages(body) == [expected]


# --- the same messages from the command line ------------------------------------------------------------------------


def test_lint_prints_one_positioned_sentence_per_mistake(tmp_path: Path) -> None:
    deck = tmp_path / "attention.yaml"
    deck.write_text(
        "format: 1\ndeck: attention\nquestions:\n"
        "  - id: scale\n    type: cloze\n    text: |\n      Scores are scaled by {{c1::$\\frac{1}{\\sqrt{d_k}$}}.\n"
        "  - id: heads\n    level: 7\n    prompt: How many heads?\n    answer: 8\n    key_point: [x]\n",
        encoding="utf-8",
    )
    result = quizapp("lint", str(deck), home=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{deck}:7:28: malformed cloze deletion: unterminated deletion {{{{c1::…: no closing }}}} outside braces "
        "(the '{' at line 7, column 43 may lack its '}')",
        f"{deck}:9:12: level must be a whole number from 1 (warm-up) to 5 (research depth), not 7",
        f"{deck}:11:13: answer must be text, not the number 8: put it in quotes to keep it as text",
        f"{deck}:12:5: unknown key key_point; did you mean key_points?",
    ]
    assert result.stderr == "4 problem(s)\n"


def test_lint_gives_a_syntax_error_its_hint(tmp_path: Path) -> None:
    deck = tmp_path / "tabs.yaml"
    deck.write_text("format: 1\ndeck: tabs\nquestions:\n  - id: a\n\tprompt: p\n", encoding="utf-8")
    result = quizapp("lint", str(deck), home=tmp_path)
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{deck}:5:1: YAML syntax error: ")
    assert line.endswith("; YAML indents with spaces, not tabs")
