"""The deck loader: every field read, every error positioned, hostile input refused fast."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest

from quizapp.decks.cards import card_specs
from quizapp.decks.loader import load_deck_bytes, load_decks
from quizapp.decks.model import ChoiceQuestion, ClozeQuestion, OpenQuestion
from quizapp.decks.questions import question_from_content
from quizapp.errors import DeckError
from tests.conftest import BROKEN_DECKS, MINI_DECKS
from tests.timing import peak_allocation


def problems_of(text: str | bytes) -> list[str]:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(DeckError) as info:
        load_deck_bytes(raw, Path("deck.yaml"))
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_mini_deck_reads_every_field() -> None:
    (loaded,) = load_decks([MINI_DECKS])
    deck = loaded.deck
    assert (deck.deck, deck.title, deck.topic, deck.tags) == ("mini", "Mini deck", "diffusion/mini", ["test"])
    by_id = {q.id: q for q in deck.questions}
    open_q = by_id["forward-closed-form"]
    assert isinstance(open_q, OpenQuestion)
    assert open_q.level == 2 and open_q.topic == "diffusion/mini/forward"
    assert len(open_q.key_points) == 3 and open_q.follow_ups and open_q.references[0].startswith("Ho et al.")
    choice = by_id["adaln-zero-gate"]
    assert isinstance(choice, ChoiceQuestion) and choice.correct_set == {1} and choice.explanation
    assert by_id["select-all-efficient"].correct_set == {0, 1}  # type: ignore[union-attr]
    cloze = by_id["cfg-formula"]
    assert isinstance(cloze, ClozeQuestion) and "{{c2::guidance scale}}" in cloze.text


def test_cards_one_per_cloze_number_and_content_round_trips() -> None:
    (loaded,) = load_decks([MINI_DECKS])
    specs = card_specs(loaded.deck)
    assert [s.uid for s in specs] == [
        "mini/forward-closed-form",
        "mini/adaln-zero-gate",
        "mini/cfg-formula#c1",
        "mini/cfg-formula#c2",
        "mini/select-all-efficient",
        "mini/cjk-noise",
    ]
    for spec in specs:
        question = question_from_content(spec.content)
        original = next(q for q in loaded.deck.questions if q.id == spec.question_id)
        shown = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(question).items()}
        kept = original.model_dump(exclude={"tags", "topic", "renamed_from"})
        kept["follow_ups"] = [{"text": f, "question": None} for f in kept["follow_ups"]]  # the mini deck has no links
        assert {k: shown[k] for k in kept} == kept  # every field of the model survives the round trip
        assert "test" in question.tags and question.topic == spec.topic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: p\n    answer: a\n    key_point: [x]\n",
            "7:5: unknown key key_point; did you mean key_points?",
        ),
        (  # an unknown key that is not an identifier, holding a list: not taken for a union branch's name
            "format: 1\ndeck: d\nt- ags: [test]\nquestions: []\n",
            "3:1: unknown key 't- ags'; did you mean tags?",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: p\n    answer: a\n  - id: a\n    prompt: q\n    answer: b\n",
            "7:9: duplicate id 'a' (first used on line 4)",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: Bad_Id\n    prompt: p\n    answer: a\n",
            "4:9: id: 'Bad_Id' is not a lowercase slug ([a-z0-9][a-z0-9-]*)",
        ),
        (
            "format: 1\ndeck: Bad Deck\nquestions: []\n",
            "2:7: deck: 'Bad Deck' is not a lowercase slug ([a-z0-9][a-z0-9-]*)",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: c\n    type: cloze\n    text: nothing hidden\n",
            "6:11: cloze text has no deletion such as {{c1::hidden}}",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: c\n    type: choice\n    prompt: p\n    choices: [a, b]\n    correct: 5\n",
            "8:14: correct must be the 0-based index of a choice (0 to 1: there are 2), not 5",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: c\n    type: choice\n    prompt: p\n    choices: [a, b]\n    correct: [0, 2]\n",
            "8:14: correct must be the 0-based index of a choice (0 to 1: there are 2), not 2",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: p\n",
            "4:5: missing answer: an open question needs its model answer",
        ),
        ("format: 2\ndeck: d\nquestions: []\n", "1:9: format must be 1, the version of the deck format, not 2"),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: a\n    type: essay\n    prompt: p\n",
            "5:11: type must be open, choice or cloze, not 'essay'",
        ),
        (
            "format: 1\ndeck: d\nquestions:\n  - id: a\n    level: 7\n    prompt: p\n    answer: a\n",
            "5:12: level must be a whole number from 1 (warm-up) to 5 (research depth), not 7",
        ),
        ("format: 1\ndeck: d\ndeck: e\nquestions: []\n", "3:1: duplicate key 'deck'"),
        (
            "format: 1\ndeck: d\nquestions: []\n---\nformat: 1\n",
            "4:1: only one YAML document per deck file (found '---')",
        ),
    ],
)
def test_each_error_names_its_position(text: str, expected: str) -> None:
    assert expected in problems_of(text)


def test_every_problem_is_reported_not_just_the_first() -> None:
    found = problems_of((BROKEN_DECKS / "schema-errors.yaml").read_bytes())
    assert [f.split(":")[0] for f in found] == ["7", "10", "16", "19", "24"]


def test_syntax_error_gives_position_and_where_the_construct_started() -> None:
    (message,) = problems_of((BROKEN_DECKS / "syntax-error.yaml").read_bytes())
    assert message.startswith("6:1: YAML syntax error") and "line 5, column 13" in message


# libyaml (in PyYAML >= 6.0.4) stops deep nesting with its own words and column before our depth check does;
# either way the file is refused with a positioned problem on the nested line.
NESTED_TOO_DEEP = re.compile(r"^3:\d+: .*\b(nesting|depth)\b", re.IGNORECASE)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.yaml", "1:1: the file is empty"),
        ("top-level-list.yaml", "1:1: expected a mapping with format, deck and questions, found a list"),
        ("not-utf8.yaml", "3:11: not UTF-8 text (byte 0xe9)"),
        ("python-tag.yaml", "5:13: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
        ("alias-bomb.yaml", "aliases expand to more than 10,000 values"),
        ("deep-nesting.yaml", NESTED_TOO_DEEP),
    ],
)
def test_hostile_files_fail_fast_with_small_memory(name: str, expected: str | re.Pattern[str]) -> None:
    raw = (BROKEN_DECKS / name).read_bytes()
    messages: list[str] = []
    started = time.perf_counter()
    peak = peak_allocation(lambda: messages.extend(problems_of(raw)))  # a DeckError and nothing else
    elapsed = time.perf_counter() - started
    (message,) = messages  # with one problem
    if isinstance(expected, str):
        assert expected in message
    else:
        assert expected.search(message), message
    assert elapsed < 1.0
    assert peak < 4 * 1024 * 1024  # Python allocations while loading; the largest file is 200 KB


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "owned"
    text = f'format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: !!python/object/apply:os.system ["touch {marker}"]\n    answer: a\n'
    problems_of(text)
    assert not marker.exists()


def test_duplicate_deck_ids_across_files_are_an_error() -> None:
    with pytest.raises(DeckError) as info:
        load_decks([BROKEN_DECKS / "dup-deck-a.yaml", BROKEN_DECKS / "dup-deck-b.yaml"])
    (problem,) = info.value.problems
    assert problem.path.name == "dup-deck-b.yaml" and "duplicate deck id 'same-id'" in problem.message


def test_anchors_within_bound_are_allowed() -> None:
    text = "format: 1\ndeck: d\ntags: &t [x, y]\nquestions:\n  - id: a\n    prompt: p\n    answer: a\n    tags: *t\n"
    deck = load_deck_bytes(text.encode(), Path("d.yaml"))
    assert deck.questions[0].tags == ["x", "y"]


def test_yaml_scalars_keep_their_text_where_text_is_expected() -> None:
    text = "format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: 'yes'\n    answer: '2024-01-01'\n"
    deck = load_deck_bytes(text.encode(), Path("d.yaml"))
    assert (deck.questions[0].prompt, deck.questions[0].answer) == ("yes", "2024-01-01")  # type: ignore[union-attr]


RENAMED_FROM = "format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: p\n    answer: a\n    renamed_from: {}\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[Old_Id]", "7:20: renamed_from.0: 'Old_Id' is not a lowercase slug ([a-z0-9][a-z0-9-]*)"),
        ("[7]", "7:20: renamed_from.0 must be text, not the number 7: put it in quotes to keep it as text"),
        (
            "[{old: x}]",
            "7:20: renamed_from.0 must be text, not a mapping: text with ': ' in it, or that starts with {, must be in quotes",
        ),
        ("[" + "a" * 101 + "]", "7:20: renamed_from.0 must be at most 100 characters long, not 101"),
        ("5", "7:19: renamed_from must be a list (one '- item' per line, or [a, b]), not 5"),
    ],
)
def test_renamed_from_gets_the_slug_message_only_for_a_pattern_mismatch(value: str, expected: str) -> None:
    assert problems_of(RENAMED_FROM.format(value)) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x: !!bool maybe\n", "t.yaml:1:4: bad bool value 'maybe'"),
        ("a: 中文中文\nb: c\nd: e\x07\n", "t.yaml:3:5: character U+0007 is not allowed in YAML (control character?)"),
    ],
    ids=["typed-value-of-no-type", "control-character-after-chinese"],
)
def test_a_bad_character_or_value_is_placed_where_it_is(text: str, expected: str) -> None:
    from quizapp.decks.yamlread import read_yaml

    with pytest.raises(DeckError) as error:
        read_yaml(text, Path("t.yaml"))
    assert [str(p) for p in error.value.problems] == [expected]
