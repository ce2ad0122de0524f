"""The bundled decks meet their quality bar: counts, type mix, levels, key points, follow-ups,
references, unique ids, and no question asked twice across decks."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

import pytest

from quizapp.config import bundled_decks_dir
from quizapp.decks.loader import LoadedDeck, load_decks
from quizapp.decks.model import ChoiceQuestion, OpenQuestion

MINIMUM = {
    "fusion-mechanisms": 53,
    "dit-conditioning": 55,
    "diffusion-math": 65,
    "transformer-optimization": 58,
    "vision-language-alignment": 46,
    "video-generation": 67,
    "sd-family": 66,
    "mllm-training": 38,
    "llm-systems": 48,
    "post-training": 40,
}
ARXIV = re.compile(r"arXiv:\d{4}\.\d{4,5}")


@pytest.fixture(scope="module")
def decks() -> dict[str, LoadedDeck]:
    return {loaded.deck.deck: loaded for loaded in load_decks([bundled_decks_dir()])}


def test_every_planned_deck_is_bundled_with_enough_questions(decks: dict[str, LoadedDeck]) -> None:
    counts = {deck_id: len(loaded.deck.questions) for deck_id, loaded in decks.items()}
    assert set(counts) == set(MINIMUM)
    assert all(counts[d] >= n for d, n in MINIMUM.items()), counts


@pytest.mark.parametrize("deck_id", sorted(MINIMUM))
def test_deck_quality_bar(decks: dict[str, LoadedDeck], deck_id: str) -> None:
    deck = decks[deck_id].deck
    questions = deck.questions
    types = Counter(q.type for q in questions)
    assert types["choice"] >= 0.15 * len(questions) and types["cloze"] >= 0.10 * len(questions), types
    assert types["open"] > 0
    levels = Counter(q.level for q in questions)
    assert None not in levels and levels[4] + levels[5] > 0 and len(levels) >= 4, levels
    assert deck.description.strip() and deck.topic
    for q in questions:
        assert (q.topic or deck.topic).startswith(deck.topic), q.id
        assert q.follow_ups and q.references, q.id
        assert all(ARXIV.search(r) or "/" in r or "," in r for r in q.references), q.id
        if isinstance(q, OpenQuestion):
            assert 3 <= len(q.key_points) <= 6, q.id
            assert len(q.answer.split()) >= 60, q.id  # an answer of real depth, not a one-liner
        if isinstance(q, ChoiceQuestion):
            assert q.explanation, q.id


def test_ids_are_unique_across_decks(decks: dict[str, LoadedDeck]) -> None:
    ids = Counter(q.id for loaded in decks.values() for q in loaded.deck.questions)
    assert [i for i, n in ids.items() if n > 1] == []


def test_no_question_is_asked_twice(decks: dict[str, LoadedDeck]) -> None:
    def text(q: object) -> str:
        return " ".join((getattr(q, "prompt", None) or getattr(q, "text", "")).lower().split())

    items = [(f"{loaded.deck.deck}/{q.id}", text(q)) for loaded in decks.values() for q in loaded.deck.questions]
    words = [set(t.split()) for _, t in items]
    close = []
    for i, (name_a, a) in enumerate(items):
        for j in range(i + 1, len(items)):
            shared = len(words[i] & words[j]) / max(1, len(words[i] | words[j]))
            if shared > 0.5 and SequenceMatcher(None, a, items[j][1]).ratio() > 0.8:
                close.append((name_a, items[j][0]))
    assert close == []


def test_the_key_of_a_choice_question_is_not_given_away_by_its_length(decks: dict[str, LoadedDeck]) -> None:
    """An option much longer (more hedged, more complete) than the others is a guessable key."""
    telling = []
    for loaded in decks.values():
        for q in loaded.deck.questions:
            if isinstance(q, ChoiceQuestion) and len(q.correct_set) == 1:
                (key,) = q.correct_set
                longest_other = max(len(c) for i, c in enumerate(q.choices) if i != key)
                if len(q.choices[key]) > 1.2 * longest_other:
                    telling.append(f"{loaded.deck.deck}/{q.id}")
    assert telling == []
