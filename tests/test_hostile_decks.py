"""Hostile and random deck files: the loader either loads or raises DeckError with a position,
never another exception, within a time and memory bound."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.decks.loader import load_deck_bytes
from quizapp.decks.questions import StoredCloze, StoredOpen
from quizapp.decks.yamlread import MAX_FILE_BYTES
from quizapp.errors import DeckError
from quizapp.mathtext import render_math, render_plain_math
from quizapp.tui import faces
from tests.conftest import MINI_DECKS
from tests.timing import peak_allocation, quarter_and_whole

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


def _refusal(raw: bytes) -> str:
    with pytest.raises(DeckError) as info:
        load_deck_bytes(raw, Path("hostile.yaml"))
    return str(info.value)


def _bounded(raw: bytes) -> str:
    """The refusal of `raw`, which must come within a second and without holding a megabyte."""
    started = time.perf_counter()
    message = _refusal(raw)
    assert time.perf_counter() - started < 1.0
    assert peak_allocation(lambda: _refusal(raw)) < 1024 * 1024  # traced apart: tracing slows allocations
    return message


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


def _filled(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """`unit` repeated between `head` and `tail`, about `size` characters in all."""
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


def _growing_backtick_runs(size: int) -> str:
    """`a``a```a...: code span openers of every length, none closed."""
    runs, total, length = [], 0, 1
    while total + length + 1 <= size:
        runs.append("`" * length + "a")
        total, length = total + length + 1, length + 1
    return "".join(runs)


# Text fields a hostile (or unlucky) deck may hold, by the size wanted. 𝒩 makes a string 4 bytes a
# character, so that code copying the rest of the text at every step shows.
HOSTILE_FIELDS: dict[str, Callable[[int], str]] = {
    "unclosed-dollars": lambda n: _filled("$a ", n),
    "line-breaks-in-an-unclosed-span": lambda n: _filled("\nx", n, head="$𝒩"),
    "unclosed-display-dollars": lambda n: _filled("$$a ", n),
    "displays-after-a-long-code-span": lambda n: "`" + "𝒩" * (n // 2) + "` " + _filled("$$a$$", n // 2),
    "frac-openers": lambda n: _filled("\\frac{", n, head="$", tail="$"),
    "brace-openers": lambda n: _filled("{", n, head="$", tail="$"),
    "left-delimiters": lambda n: _filled("\\left(", n, head="$", tail="$"),
    "subscript-marks": lambda n: _filled("_", n, head="$a", tail="$"),
    "superscript-marks": lambda n: _filled("^", n, head="$a", tail="$"),
    "chained-subscripts": lambda n: _filled("_1", n, head="$\\mathcal{N}", tail="$"),
    "backslashes": lambda n: _filled("\\", n),
    "backslashes-in-math": lambda n: _filled("\\", n, head="$a", tail="$"),
    "bold-markers": lambda n: _filled("**", n),
    "cloze-openers": lambda n: _filled("{{c1::", n),
    "unterminated-deletions": lambda n: _filled("{{c1::x ", n),
    "growing-backtick-runs": _growing_backtick_runs,
    "nested-superscripts": lambda n: "$" + "a^{" * 150 + "x" * (n - 602) + "}" * 150 + "$",
    "nested-fractions": lambda n: "$" + "\\frac{" * 100 + "x" * (n - 1002) + "}{y}" * 100 + "$",
}


def _load_deck_holding(text: str) -> None:
    """The loader on a deck with `text` as an open answer and after a deletion in a cloze text."""
    field = json.dumps(text, ensure_ascii=False)
    cloze_text = json.dumps("{{c1::x}} " + text, ensure_ascii=False)
    raw = (
        "format: 1\ndeck: d\nquestions:\n"
        f"  - id: o\n    prompt: p\n    answer: {field}\n"
        f"  - id: c\n    type: cloze\n    text: {cloze_text}\n"
    )
    try:
        load_deck_bytes(raw.encode(), Path("hostile.yaml"))
    except DeckError as e:
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in e.problems)


def _show_card_faces(text: str) -> None:
    """Both faces of an open and of a cloze card holding `text`, as the review screen asks for them."""
    cloze = StoredCloze(id="c", topic="t", text="{{c1::x}} " + text, prompt=text, answer=text)
    open_question = StoredOpen(id="o", topic="t", prompt=text, answer=text)
    for question, number in ((cloze, 1), (open_question, None)):
        faces.front(question, number)
        faces.back(question, number)


HOSTILE_PATHS: dict[str, Callable[[str], object]] = {
    "loader": _load_deck_holding,
    "render_math": render_math,
    "render_plain_math": render_plain_math,
    "card_faces": _show_card_faces,
}


@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("field", HOSTILE_FIELDS)
def test_hostile_field_costs_linear_time_on_every_path(field: str, path: str) -> None:
    run, make = HOSTILE_PATHS[path], HOSTILE_FIELDS[field]

    def run_on(size: int) -> Callable[[], object]:
        text = make(size)
        return lambda: run(text)

    quarter, whole = quarter_and_whole(run_on, 100_000)
    assert whole < 1.0
    assert whole < 8 * quarter + 0.02  # linear is about 4x the quarter's time, quadratic 16x
