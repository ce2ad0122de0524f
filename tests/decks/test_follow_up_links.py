"""Follow-up links: a follow-up may name the deck question that asks it, written out or found by its prompt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from quizapp.decks.cards import card_specs
from quizapp.decks.loader import load_deck_bytes, load_decks
from quizapp.decks.model import Deck, FollowUpLink
from quizapp.decks.questions import FollowUp, question_from_content
from quizapp.decks.schema import deck_schema
from quizapp.errors import DeckError
from quizapp.tui.faces import extras
from tests.conftest import MINI_DECKS

DECK = """\
format: 1
deck: dit
questions:
  - id: adaln-zero
    prompt: What is adaLN-Zero?
    answer: Scale, shift and gate regressed from c; the gates start at zero.
    follow_ups:
      - How does MM-DiT in SD3 take text instead?
      - question: final-layer
      - question: sd-family/sd3-mmdit
        text: And how does SD3 take the text?
      - "  why is the FINAL layer zero-initialised as well ？"
      - what is adaln-zero?
  - id: final-layer
    type: choice
    prompt: Why is the final layer zero-initialised as well?
    choices: [So the network outputs 0 at init, To save memory]
    correct: 0
  - id: gate-cloze
    type: cloze
    prompt: How does SD3 take the text
    text: The gates start at {{c1::zero}}.
    follow_ups: [How does SD3 take the text?]
"""


def load(text: str, name: str = "deck.yaml") -> Deck:
    return load_deck_bytes(text.encode(), Path(name))


def stored(deck: Deck) -> dict[str, dict[str, Any]]:
    """Each question's JSON as the database keeps it."""
    return {spec.question_id: json.loads(spec.content) for spec in card_specs(deck)}


def test_a_follow_up_is_a_text_or_a_link_to_a_question() -> None:
    question = load(DECK).questions[0]
    assert question.follow_ups[:3] == [
        "How does MM-DiT in SD3 take text instead?",
        FollowUpLink(question="final-layer"),
        FollowUpLink(question="sd-family/sd3-mmdit", text="And how does SD3 take the text?"),
    ]


def test_a_text_equal_to_another_open_or_choice_prompt_links_to_that_question() -> None:
    follow_ups = stored(load(DECK))["adaln-zero"]["follow_ups"]
    # case, spacing and the closing full-width question mark do not count; its own prompt is not a link
    assert follow_ups[3:] == [
        {"question": "dit/final-layer", "text": "  why is the FINAL layer zero-initialised as well ？"},
        "what is adaln-zero?",
    ]
    # a cloze question's prompt is context, not a question the interviewer asks
    assert stored(load(DECK))["gate-cloze"]["follow_ups"] == ["How does SD3 take the text?"]


def test_links_are_stored_qualified_and_plain_follow_ups_as_strings() -> None:
    content = stored(load(DECK))["adaln-zero"]
    assert content["follow_ups"][:3] == [
        "How does MM-DiT in SD3 take text instead?",
        {"question": "dit/final-layer"},
        {"question": "sd-family/sd3-mmdit", "text": "And how does SD3 take the text?"},
    ]
    question = question_from_content(json.dumps(content))
    assert question.follow_ups == (
        FollowUp("How does MM-DiT in SD3 take text instead?"),
        FollowUp("", "dit/final-layer"),
        FollowUp("And how does SD3 take the text?", "sd-family/sd3-mmdit"),
        FollowUp("  why is the FINAL layer zero-initialised as well ？", "dit/final-layer"),
        FollowUp("what is adaln-zero?"),
    )


def test_a_deck_without_links_keeps_its_content_hashes() -> None:
    """Hashes from before links existed: an unchanged deck is not an edit of every question."""
    (loaded,) = load_decks([MINI_DECKS])
    assert {spec.question_id: spec.content_hash for spec in card_specs(loaded.deck)} == {
        "forward-closed-form": "c640ac228c8d2a1f",
        "adaln-zero-gate": "bae31956ae90c509",
        "cfg-formula": "19ababae5984ae25",
        "select-all-efficient": "fe64af7b4127190b",
        "cjk-noise": "973f613e7a4f9e02",
    }


def test_links_are_stored_as_exactly_this_json() -> None:
    """The stored text is what the content hash is taken of: the same deck must give the same bytes."""
    deck = load(
        "format: 1\ndeck: fu\nquestions:\n  - id: a\n    prompt: What is A?\n    answer: A.\n    follow_ups:\n"
        "      - {question: b}\n      - {question: other/c, text: Asked how?}\n      - What is B?\n      - plain one\n"
        "  - id: b\n    prompt: What is B?\n    answer: B.\n"
    )
    spec = card_specs(deck)[0]
    assert spec.content == (
        '{"answer": "A.", "follow_ups": [{"question": "fu/b"}, {"question": "other/c", "text": "Asked how?"}, '
        '{"question": "fu/b", "text": "What is B?"}, "plain one"], "id": "a", "key_points": [], '
        '"prompt": "What is A?", "references": [], "renamed_from": [], "tags": [], "topic": "fu", "type": "open"}'
    )
    assert spec.content_hash == "81b340a2fc64c526"


def test_json_stored_before_links_reads_back_as_follow_ups() -> None:
    old = {"id": "q", "type": "open", "topic": "t", "prompt": "p", "answer": "a", "follow_ups": ["Why?", "And?"]}
    assert question_from_content(json.dumps(old)).follow_ups == (FollowUp("Why?"), FollowUp("And?"))
    assert question_from_content(json.dumps({"id": "q", "topic": "t", "prompt": "p"})).follow_ups == ()


def test_the_review_screen_shows_a_link_as_its_text_or_where_it_points() -> None:
    question = question_from_content(json.dumps(stored(load(DECK))["adaln-zero"]))
    shown = extras(question)
    assert "- And how does SD3 take the text?" in shown and "- → dit/final-layer" in shown
    assert "- How does MM-DiT in SD3 take text instead?" in shown


def problems_of(text: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        load(text)
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def with_follow_up(entry: str) -> str:
    """A deck whose question `adaln-zero` has one follow-up, written on line 8."""
    head = "format: 1\ndeck: dit\nquestions:\n  - id: adaln-zero\n    prompt: p\n    answer: a\n    follow_ups:\n"
    return f"{head}      - {entry}\n  - id: final-layer\n    prompt: q\n    answer: b\n"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("question: final-layr", "8:19: follow-up links to 'final-layr', which is not a question of deck 'dit'"
         " (did you mean 'final-layer'?)"),
        ("question: dit/nothing", "8:19: follow-up links to 'dit/nothing', which is not a question of deck 'dit'"),
        ("question: adaln-zero", "8:19: follow-up links to its own question 'adaln-zero'"),
        ("{text: Why?, question: dit/adaln-zero}", "8:32: follow-up links to its own question 'dit/adaln-zero'"),
        ("question: Final_Layer", "8:19: question: 'Final_Layer' is not a question id or '<deck-id>/<question-id>'"),
        ("question: a/b/c", "8:19: question: 'a/b/c' is not a question id or '<deck-id>/<question-id>'"),
        ("{question: final-layer, txt: Why?}", "8:33: unknown key txt; did you mean text?"),
        ("{text: Why?}", "8:9: missing question: a follow-up link needs the id of the deck question that asks it"),
        ("{question: final-layer, text: ''}", "8:39: follow_ups.0.text must not be empty"),
        ("42", "8:9: follow_ups.0 must be a text, or a mapping with question: (and optional text:), not 42"),
    ],
)  # fmt: skip
def test_each_bad_link_is_reported_where_it_is_written(entry: str, expected: str) -> None:
    assert problems_of(with_follow_up(entry)) == [expected]


def test_a_link_into_another_deck_is_not_checked_alone() -> None:
    assert load(with_follow_up("question: sd-family/nothing")).questions[0].follow_ups


def test_a_link_into_another_deck_linted_together_must_name_one_of_its_questions(tmp_path: Path) -> None:
    (tmp_path / "dit.yaml").write_text(with_follow_up("question: sd/sd3-mmdit"), encoding="utf-8")
    (tmp_path / "sd.yaml").write_text(
        "format: 1\ndeck: sd\nquestions:\n  - id: sd3\n    prompt: p\n    answer: a\n"
        "    follow_ups: [{question: dit/final-layer}, {question: gone/x}]\n",
        encoding="utf-8",
    )
    with pytest.raises(DeckError) as info:
        load_decks([tmp_path])
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'dit.yaml'}:8:19: follow-up links to 'sd/sd3-mmdit', which is not a question of deck 'sd'"
    ]
    (tmp_path / "dit.yaml").write_text(with_follow_up("question: sd/sd3"), encoding="utf-8")
    assert len(load_decks([tmp_path])) == 2


def schema_errors(schema: dict[str, Any], value: Any, root: dict[str, Any]) -> list[str]:
    """The JSON Schema keywords a follow-up's schema uses, checked by hand (no jsonschema installed)."""
    if "$ref" in schema:
        return schema_errors(root["$defs"][schema["$ref"].removeprefix("#/$defs/")], value, root)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            fitting = sum(not schema_errors(option, value, root) for option in schema[key])
            return [] if fitting == 1 or (key == "anyOf" and fitting) else [f"{value!r} fits {fitting} of {key}"]
    if schema["type"] == "null":
        return [] if value is None else [f"{value!r} is not null"]
    if schema["type"] == "string":
        fits = isinstance(value, str) and len(value) >= schema.get("minLength", 0)
        return [] if fits and re.search(schema.get("pattern", ""), value) else [f"{value!r} is not such a string"]
    if not isinstance(value, dict):
        return [f"{value!r} is not an object"]
    errors = [f"missing {key}" for key in schema["required"] if key not in value]
    for key, item in value.items():
        known = schema["properties"].get(key)
        errors += schema_errors(known, item, root) if known else [f"unexpected {key}"]
    return errors


@pytest.mark.parametrize(
    ("entry", "valid"),
    [
        ("How does SD3 take text?", True),
        ({"question": "adaln-zero"}, True),
        ({"question": "sd-family/sd3-mmdit", "text": "And SD3?"}, True),
        ({"text": "And SD3?"}, False),
        ({"question": "Bad_Id"}, False),
        ({"question": "a", "txt": "typo"}, False),
        ("", False),
    ],
)
def test_the_schema_describes_both_forms(entry: Any, valid: bool) -> None:
    schema = deck_schema()
    items = schema["$defs"]["OpenQuestion"]["properties"]["follow_ups"]["items"]
    assert "question" in schema["$defs"]["OpenQuestion"]["properties"]["follow_ups"]["description"]
    assert schema["$defs"]["FollowUpLink"]["description"]
    assert (schema_errors(items, entry, schema) == []) is valid
