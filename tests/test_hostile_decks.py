"""Hostile and random deck files: the loader either loads or raises DeckError with a position,
never another exception, within a time and memory bound."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.decks.loader import load_deck_bytes
from quizapp.decks.yamlread import MAX_FILE_BYTES
from quizapp.errors import DeckError
from tests.conftest import MINI_DECKS

VALID = (MINI_DECKS / "mini.yaml").read_bytes()


def load_or_positioned_error(raw: bytes) -> None:
    try:
        load_deck_bytes(raw, Path("fuzz.yaml"))
    except DeckError as e:
        assert e.problems and all(p.line >= 1 and p.column >= 1 and p.message for p in e.problems)


@settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    load_or_positioned_error(raw)


@settings(max_examples=300, deadline=1000)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`\n\t ,?0123456789.~") + ["\u202e", "中", "\x00", "\x1b"]),
        max_size=400,
    )
)
def test_random_yaml_like_text(text: str) -> None:
    load_or_positioned_error(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=1000)
@given(st.data())
def test_mutated_valid_deck(data: st.DataObject) -> None:
    raw = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "duplicate"]))
        at = data.draw(st.integers(0, len(raw) - 1))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del raw[at : at + data.draw(st.integers(1, 40))]
        elif action == "insert":
            raw[at:at] = data.draw(
                st.sampled_from([b": ", b"- ", b"&a ", b"*a", b"!!python/name:os.system ", b"{{c1::", b"\t", b"  "])
            )
        else:
            end = min(len(raw), at + data.draw(st.integers(1, 200)))
            raw[at:at] = raw[at:end]
        if not raw:
            raw = bytearray(b"x")
    load_or_positioned_error(bytes(raw))


def _bounded(raw: bytes) -> str:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(DeckError) as info:
        load_deck_bytes(raw, Path("hostile.yaml"))
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024
    return str(info.value)


def test_huge_file_is_refused_before_parsing() -> None:
    raw = b"format: 1\ndeck: big\nquestions: []\nx: '" + b"a" * (50 * 1024 * 1024) + b"'\n"
    assert f"decks are limited to {MAX_FILE_BYTES:,}" in _bounded(raw)


def test_huge_scalar_under_the_size_limit_loads_as_text() -> None:
    big = "a" * (8 * 1024 * 1024)
    raw = f"format: 1\ndeck: big\nquestions:\n  - id: q\n    prompt: p\n    answer: {big}\n".encode()
    started = time.perf_counter()
    deck = load_deck_bytes(raw, Path("big.yaml"))
    assert len(deck.questions[0].answer) == len(big) and time.perf_counter() - started < 2.0  # type: ignore[union-attr]


def test_control_characters_are_a_positioned_error() -> None:
    message = _bounded(b"format: 1\ndeck: d\nquestions:\n  - id: a\x07\n")
    assert message == "hostile.yaml:4:10: character U+0007 is not allowed in YAML (control character?)"


def test_right_to_left_and_escape_characters_in_quoted_text_load_verbatim() -> None:
    raw = 'format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: "\\u202eevil \\e[31m red"\n    answer: שלום עולם\n'
    question = load_deck_bytes(raw.encode(), Path("d.yaml")).questions[0]
    assert question.prompt == "\u202eevil \x1b[31m red" and question.answer == "שלום עולם"  # type: ignore[union-attr]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!!binary", "!custom"])
def test_non_plain_tags_are_refused(tag: str) -> None:
    raw = f"format: 1\ndeck: d\nquestions:\n  - id: a\n    prompt: {tag} x\n    answer: a\n".encode()
    assert "is not allowed: decks are plain YAML" in _bounded(raw)


def test_libyaml_is_used_when_present() -> None:
    from quizapp.decks import yamlread

    assert yamlread._LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
