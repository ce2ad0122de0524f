"""libyaml, when PyYAML has it, reads a deck exactly as PyYAML's own parser does: the same values and the same
positions for every value and key. The fast path is then a speed-up only, and a deck never loads differently
on a machine without libyaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from quizapp.config import bundled_decks_dir
from quizapp.decks import yamlread
from quizapp.decks.yamlread import Loc, Position, YamlDocument, decode, read_yaml
from quizapp.errors import DeckError
from tests.conftest import BROKEN_DECKS, MINI_DECKS

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")

# Text where the two parsers have the most to agree on: folds between East Asian characters in every scalar
# style (the loader parses those scalars a second time), escapes, explicit indentation, anchors and aliases,
# flow collections, comments, Windows line ends and a byte order mark.
TRICKY = """\ufeff# a comment
format: 1
deck: tricky
tags: &shared [a, "b", 'c']
questions:
  - id: plain
    prompt: 视觉信息，
      把数百个 tokens
      压缩成。
    answer: '单引号，
      换行''内'
    tags: *shared
  - id: double
    prompt: "\\u4e2d\\u6587\\n
      文字，\\ \\
      空格\\
      续"
    answer: >2-
        更缩进
      视觉信息，
      把数百个
  - id: literal
    prompt: |+
      保留
        换行

    answer: {k: v, 列表: [1, 2.5, true, null, ~, 2026-03-02]}
    extra: !!str 12
\r
  - {id: flow, prompt: "p", answer: folded
      text, tags: [x, "z"]}
"""


@dataclass(frozen=True)
class Reading:
    """What the loader made of a text: the data, and the position of every value and mapping key."""

    data: Any
    values: dict[Loc, Position]
    keys: dict[Loc, Position]


def _document(text: str, loader: Any, monkeypatch: pytest.MonkeyPatch) -> YamlDocument:
    with monkeypatch.context() as patch:
        patch.setattr(yamlread, "_LOADER", loader)
        return read_yaml(text, Path("deck.yaml"))


def _reading(text: str, loader: Any, monkeypatch: pytest.MonkeyPatch) -> Reading:
    doc = _document(text, loader, monkeypatch)
    values = {loc: doc.position(loc) for loc in doc.value_at}
    keys = {loc: doc.position(loc, key=True) for loc in doc.key_at}
    return Reading(doc.data, values, keys)


def _outcome(text: str, loader: Any, monkeypatch: pytest.MonkeyPatch) -> Reading | list[tuple[int, int]]:
    """The reading of `text`, or where the loader says its problems are."""
    try:
        return _reading(text, loader, monkeypatch)
    except DeckError as e:
        return [(problem.line, problem.column) for problem in e.problems]


def _deck_texts() -> dict[str, str]:
    texts = {path.name: decode(path.read_bytes(), path) for path in sorted(bundled_decks_dir().glob("*.yaml"))}
    texts["tricky"] = decode(TRICKY.encode(), Path("tricky.yaml"))
    return texts


DECKS = _deck_texts()


@pytest.mark.parametrize("name", DECKS)
def test_libyaml_gives_the_data_and_positions_of_the_python_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _reading(DECKS[name], yaml.CSafeLoader, monkeypatch) == _reading(DECKS[name], yaml.SafeLoader, monkeypatch)


def test_the_tricky_deck_is_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is only as good as the text it is made on: this one really exercises the folds."""
    read = _reading(DECKS["tricky"], yaml.CSafeLoader, monkeypatch)
    plain, double, literal, flow = read.data["questions"]
    assert plain["prompt"] == "视觉信息，把数百个 tokens 压缩成。" and plain["tags"] == ["a", "b", "c"]
    assert plain["answer"] == "单引号，换行'内"
    assert double["prompt"] == "中文\n 文字， 空格续" and double["answer"] == "  更缩进\n视觉信息，把数百个"
    assert literal["prompt"] == "保留\n  换行\n\n" and literal["extra"] == "12"
    assert literal["answer"] == {"k": "v", "列表": [1, 2.5, True, None, None, "2026-03-02"]}
    assert flow == {"id": "flow", "prompt": "p", "answer": "folded text", "tags": ["x", "z"]}
    assert read.values[("questions", 1, "answer")] == Position(18, 13)
    assert read.keys[("questions", 3, "answer")] == Position(30, 29)


PARSED_BROKEN = sorted(p.name for p in BROKEN_DECKS.glob("*.yaml") if p.name != "not-utf8.yaml")  # not YAML yet


@pytest.mark.parametrize("name", PARSED_BROKEN)
def test_libyaml_reads_a_broken_file_as_the_python_parser_does(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused at the same places, or (a file only the deck schema refuses) read the same."""
    text = decode((BROKEN_DECKS / name).read_bytes(), BROKEN_DECKS / name)
    fast, python = _outcome(text, yaml.CSafeLoader, monkeypatch), _outcome(text, yaml.SafeLoader, monkeypatch)
    if name == "deep-nesting.yaml":  # libyaml stops deep nesting itself, a few columns before our depth check
        assert isinstance(fast, list) and isinstance(python, list)
        assert [line for line, _ in fast] == [line for line, _ in python] == [3]
    else:
        assert fast == python


@pytest.mark.xfail(
    strict=True,
    raises=DeckError,
    reason="PyYAML's Python parser refuses '?' in a plain scalar of a flow sequence, which libyaml accepts: "
    "the mini deck (follow_ups: [Why does this help large-scale training?]) loads only with libyaml",
)
def test_a_question_mark_in_a_flow_sequence_loads_without_libyaml_too(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (MINI_DECKS / "mini.yaml").read_text(encoding="utf-8")
    assert "[Why does this help large-scale training?]" in text
    assert _reading(text, yaml.SafeLoader, monkeypatch) == _reading(text, yaml.CSafeLoader, monkeypatch)
