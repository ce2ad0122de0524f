"""Every value and every mapping key is found again at the line and column where it is written: what lets a
problem message send an editor to the right place."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.config import bundled_decks_dir
from quizapp.decks.yamlread import Loc, YamlDocument, decode, read_yaml
from tests.conftest import MINI_DECKS

# One of each kind of node: block and flow collections, every scalar style, an anchor and its alias, an empty
# value, a quoted key, and a plain scalar folded between Chinese characters (read a second time to join them).
FIXTURE = """\
format: 1
deck: positions
"quoted key": 'single'
tags: &shared [a, "b"]
nested:
  inner: {k: v, n: [1, 2]}
  empty:
questions:
  - id: q1
    prompt: 视觉信息，
      把数百个
    tags: *shared
  - [x, y]
  - >-
    folded
    text
"""


def value_positions(doc: YamlDocument) -> dict[Loc, tuple[int, int]]:
    return {loc: (doc.position(loc).line, doc.position(loc).column) for loc in doc.value_at}


def key_positions(doc: YamlDocument) -> dict[Loc, tuple[int, int]]:
    return {loc: (doc.position(loc, key=True).line, doc.position(loc, key=True).column) for loc in doc.key_at}


def test_every_value_and_key_of_the_fixture_has_its_written_position() -> None:
    doc = read_yaml(FIXTURE, Path("positions.yaml"))
    assert doc.data["questions"][0] == {"id": "q1", "prompt": "视觉信息，把数百个", "tags": ["a", "b"]}
    assert value_positions(doc) == {
        (): (1, 1),
        ("format",): (1, 9),
        ("deck",): (2, 7),
        ("quoted key",): (3, 15),
        ("tags",): (4, 7),  # an anchored collection starts at its anchor
        ("tags", 0): (4, 16),
        ("tags", 1): (4, 19),
        ("nested",): (6, 3),  # a block mapping starts at its first key
        ("nested", "inner"): (6, 10),
        ("nested", "inner", "k"): (6, 14),
        ("nested", "inner", "n"): (6, 20),
        ("nested", "inner", "n", 0): (6, 21),
        ("nested", "inner", "n", 1): (6, 24),
        ("nested", "empty"): (7, 9),  # an empty value is where it would have been written
        ("questions",): (9, 3),
        ("questions", 0): (9, 5),
        ("questions", 0, "id"): (9, 9),
        ("questions", 0, "prompt"): (10, 13),
        ("questions", 0, "tags"): (12, 11),  # an alias is where it is written, not where its anchor is
        ("questions", 1): (13, 5),
        ("questions", 1, 0): (13, 6),
        ("questions", 1, 1): (13, 9),
        ("questions", 2): (14, 5),
    }
    assert key_positions(doc) == {
        ("format",): (1, 1),
        ("deck",): (2, 1),
        ("quoted key",): (3, 1),
        ("tags",): (4, 1),
        ("nested",): (5, 1),
        ("nested", "inner"): (6, 3),
        ("nested", "inner", "k"): (6, 11),
        ("nested", "inner", "n"): (6, 17),
        ("nested", "empty"): (7, 3),
        ("questions",): (8, 1),
        ("questions", 0, "id"): (9, 5),
        ("questions", 0, "prompt"): (10, 5),
        ("questions", 0, "tags"): (12, 5),
    }


def test_a_missing_value_is_placed_at_its_nearest_written_ancestor() -> None:
    doc = read_yaml(FIXTURE, Path("positions.yaml"))
    assert doc.position(("questions", 0, "answer")) == doc.position(("questions", 0))
    assert doc.position(("questions", 0, "answer"), key=True) == doc.position(("questions", 0))
    assert doc.position(("questions", 1, 0, "deeper")) == doc.position(("questions", 1, 0))


DECK_FILES = [*sorted(bundled_decks_dir().glob("*.yaml")), MINI_DECKS / "mini.yaml"]


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda path: path.name)
def test_every_key_and_text_value_of_a_deck_is_found_where_it_is_written(path: Path) -> None:
    text = decode(path.read_bytes(), path)
    lines = text.split("\n")
    doc = read_yaml(text, path)

    def written_at(loc: Loc, *, key: bool = False) -> str:
        where = doc.position(loc, key=key)
        return lines[where.line - 1][where.column - 1 :]

    for loc in doc.key_at:
        assert written_at(loc, key=True).startswith(str(loc[-1])), loc
    texts = 0
    for loc in doc.value_at:
        value = _value(doc.data, loc)
        if isinstance(value, str) and value.strip():
            source = written_at(loc)
            # a quoted or block scalar starts at its indicator, a plain one at its first word
            assert source[:1] in "\"'|>" or source.startswith(value.split()[0]), loc
            texts += 1
    assert texts > len(doc.key_at) // 2  # the check above ran on most values, not on none


def _value(data: object, loc: Loc) -> object:
    for part in loc:
        data = data[part]  # type: ignore[index]
    return data
