"""Deck files → validated `Deck` models, every problem reported with file, line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from quizapp.decks import cloze
from quizapp.decks.deck_files import find_deck_files
from quizapp.decks.model import (
    LINKED_FOLLOW_UP,
    PLAIN_FOLLOW_UP,
    QUESTION_REF_PATTERN,
    QUESTION_TYPES,
    Deck,
    FollowUpLink,
)
from quizapp.decks.yamlread import Loc, YamlDocument, decode, read_yaml
from quizapp.errors import DeckError, DeckProblem


@dataclass(frozen=True)
class LoadedDeck:
    """A deck together with the file it came from."""

    path: Path
    deck: Deck


def _problem(doc: YamlDocument, path: Path, loc: Loc, message: str, *, key: bool = False) -> DeckProblem:
    where = doc.position(loc, key=key)
    return DeckProblem(path, where.line, where.column, message)


def _pydantic_problems(
    error: ValidationError, doc: YamlDocument, path: Path, prefix: Loc, model_fields: Iterable[str]
) -> list[DeckProblem]:
    """Translate pydantic's errors into positioned, human messages."""
    problems = []
    branches = (PLAIN_FOLLOW_UP, LINKED_FOLLOW_UP)  # pydantic's names of union branches, not keys
    for item in error.errors():
        loc = prefix + tuple(p for p in item["loc"] if not (isinstance(p, str) and ("[" in p or p in branches)))
        name = str(loc[-1]) if loc else ""
        kind = item["type"]
        if kind == "extra_forbidden":
            keys = list(FollowUpLink.model_fields if LINKED_FOLLOW_UP in item["loc"] else model_fields)
            close = difflib.get_close_matches(name, keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (expected one of: {', '.join(keys)})"
            problems.append(_problem(doc, path, loc, f"unknown key {name!r}{hint}", key=True))
        elif kind == "missing":
            problems.append(_problem(doc, path, loc[:-1], f"missing required key {name!r}"))
        elif kind == "string_pattern_mismatch" and (
            name in ("id", "deck") or (len(loc) > 1 and loc[-2] == "renamed_from")
        ):
            problems.append(
                _problem(doc, path, loc, f"{name}: {item['input']!r} is not a lowercase slug ([a-z0-9][a-z0-9-]*)")
            )
        elif kind == "string_pattern_mismatch" and name == "question":
            message = f"question: {item['input']!r} is not a question id or '<deck-id>/<question-id>'"
            problems.append(_problem(doc, path, loc, message))
        elif kind == "string_pattern_mismatch" and name == "topic":
            problems.append(_problem(doc, path, loc, f"topic: {item['input']!r} is not a path such as 'diffusion/dit'"))
        elif kind == "literal_error" and name == "format":
            problems.append(_problem(doc, path, loc, f"format: expected 1, found {item['input']!r}"))
        else:
            label = ".".join(str(p) for p in loc[len(prefix) :]) or "value"
            problems.append(_problem(doc, path, loc, f"{label}: {item['msg']}"))
    return problems


def _question_problems(deck_data: dict[str, Any], doc: YamlDocument, path: Path) -> tuple[list[Any], list[DeckProblem]]:
    """Validate each question on its own, so one bad question does not hide the others."""
    questions: list[Any] = []
    problems: list[DeckProblem] = []
    raw_questions = deck_data.get("questions")
    if not isinstance(raw_questions, list):
        if "questions" in deck_data:
            problems.append(_problem(doc, path, ("questions",), "questions: expected a list of questions"))
        return questions, problems
    seen: dict[str, Loc] = {}
    for index, raw in enumerate(raw_questions):
        loc: Loc = ("questions", index)
        if not isinstance(raw, dict):
            problems.append(_problem(doc, path, loc, f"question {index + 1}: expected a mapping with id and prompt"))
            continue
        kind = raw.get("type", "open")
        model = QUESTION_TYPES.get(kind) if isinstance(kind, str) else None
        if model is None:
            problems.append(
                _problem(doc, path, loc + ("type",), f"type: expected open, choice or cloze, found {kind!r}")
            )
            continue
        raw_id = raw.get("id")
        if isinstance(raw_id, str) and raw_id in seen:
            first = doc.position(seen[raw_id] + ("id",))
            problems.append(
                _problem(doc, path, loc + ("id",), f"duplicate id {raw_id!r} (first used on line {first.line})")
            )
        elif isinstance(raw_id, str):
            seen[raw_id] = loc
        problems.extend(_semantic_problems(kind, raw, doc, path, loc))
        try:
            questions.append(model.model_validate(raw))
        except ValidationError as e:
            problems.extend(_pydantic_problems(e, doc, path, loc, model.model_fields))
    problems.extend(_link_problems(raw_questions, deck_data.get("deck"), doc, path))
    return questions, problems


def _link_problems(raw_questions: list[Any], deck_id: object, doc: YamlDocument, path: Path) -> list[DeckProblem]:
    """A follow-up link into this deck must name another of its questions: the app asks that card next.

    A link into another deck is checked by `check_follow_up_links` when that deck is loaded too.
    """
    ids = [raw["id"] for raw in raw_questions if isinstance(raw, dict) and isinstance(raw.get("id"), str)]
    problems = []
    for index, raw in enumerate(raw_questions):
        follow_ups = raw.get("follow_ups") if isinstance(raw, dict) else None
        for number, entry in enumerate(follow_ups if isinstance(follow_ups, list) else []):
            ref = entry.get("question") if isinstance(entry, dict) else None
            if not isinstance(ref, str) or not re.match(QUESTION_REF_PATTERN, ref):
                continue  # not a link, or one pydantic reports
            owner, _, target = ref.rpartition("/")
            if owner and owner != deck_id:
                continue
            where = ("questions", index, "follow_ups", number, "question")
            if target == raw.get("id"):
                problems.append(_problem(doc, path, where, f"follow-up links to its own question {ref!r}"))
            elif target not in ids:
                close = difflib.get_close_matches(target, ids, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                message = f"follow-up links to {ref!r}, which is not a question of deck {deck_id!r}{hint}"
                problems.append(_problem(doc, path, where, message))
    return problems


def _semantic_problems(kind: str, raw: dict[str, Any], doc: YamlDocument, path: Path, loc: Loc) -> list[DeckProblem]:
    """Rules a schema cannot say: cloze deletions present and well formed, choice indices in range.

    Checked on the raw mapping so they are reported even when other keys of the question are wrong.
    """
    problems = []
    text, choices, correct = raw.get("text"), raw.get("choices"), raw.get("correct")
    if kind == "cloze" and isinstance(text, str):
        where = loc + ("text",)
        found = cloze.deletions(text)
        if not found:
            problems.append(_problem(doc, path, where, "cloze text has no deletion such as {{c1::hidden}}"))
        for bad in cloze.problems(text):
            message = f"malformed cloze deletion at character {bad.offset + 1} of text: {bad.message}"
            problems.append(_problem(doc, path, where, message))
        for deletion in found:
            if deletion.number < 1:
                problems.append(_problem(doc, path, where, f"cloze number c{deletion.number}: numbers start at c1"))
            if not deletion.hidden.strip():
                problems.append(_problem(doc, path, where, f"cloze c{deletion.number} hides nothing"))
    elif kind == "choice" and isinstance(choices, list):
        indices = correct if isinstance(correct, list) else [correct]
        for index in indices:
            if isinstance(index, int) and not isinstance(index, bool) and index >= len(choices):
                message = f"correct: index {index} is out of range: there are {len(choices)} choices (0-based)"
                problems.append(_problem(doc, path, loc + ("correct",), message))
    return problems


def load_deck_bytes(raw: bytes, path: Path) -> Deck:
    """Parse and validate one deck file's bytes.

    Raises:
        DeckError: with every problem found, each positioned.
    """
    doc = read_yaml(decode(raw, path), path)
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"{type(doc.data).__name__} {doc.data!r}"[:60]
        raise DeckError([_problem(doc, path, (), f"expected a mapping with format, deck and questions, found {found}")])
    questions, problems = _question_problems(doc.data, doc, path)
    header = {k: v for k, v in doc.data.items() if k != "questions"}
    if "questions" in doc.data:
        header["questions"] = []
    try:
        deck = Deck.model_validate(header)
    except ValidationError as e:
        problems = _pydantic_problems(e, doc, path, (), Deck.model_fields) + problems
        raise DeckError(problems) from e
    if problems:
        raise DeckError(problems)
    return deck.model_copy(update={"questions": questions})


def load_deck_file(path: Path) -> LoadedDeck:
    """Read and load one deck file.

    Raises:
        DeckError: when it cannot be read or is invalid.
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DeckError([DeckProblem(path, 1, 1, f"cannot read file: {e.strerror}")]) from e
    return LoadedDeck(path, load_deck_bytes(raw, path))


def check_unique_decks(decks: Iterable[tuple[str, Path]]) -> list[DeckProblem]:
    """Deck ids must be unique across files; `decks` gives each file's deck id and path."""
    first: dict[str, Path] = {}
    problems = []
    for deck_id, path in decks:
        other = first.setdefault(deck_id, path)
        if other != path:
            problems.append(DeckProblem(path, 1, 1, f"duplicate deck id {deck_id!r}: also used by {other}"))
    return problems


def check_follow_up_links(decks: Sequence[LoadedDeck]) -> list[DeckProblem]:
    """A follow-up link into another of the decks loaded together must name one of its questions."""
    ids = {loaded.deck.deck: {q.id for q in loaded.deck.questions} for loaded in decks}
    problems = []
    for loaded in decks:
        doc: YamlDocument | None = None
        for index, question in enumerate(loaded.deck.questions):
            for number, entry in enumerate(question.follow_ups):
                ref = entry.question if isinstance(entry, FollowUpLink) else ""
                owner, _, target = ref.rpartition("/")
                if owner == loaded.deck.deck or owner not in ids or target in ids[owner]:
                    continue
                if doc is None:  # positions are read again only for a file with a problem
                    try:
                        doc = read_yaml(decode(loaded.path.read_bytes(), loaded.path), loaded.path)
                    except (OSError, DeckError):
                        doc = YamlDocument(None)  # changed since: its problems are put at 1:1
                where = ("questions", index, "follow_ups", number, "question")
                message = f"follow-up links to {ref!r}, which is not a question of deck {owner!r}"
                problems.append(_problem(doc, loaded.path, where, message))
    return problems


def load_decks(paths: Iterable[Path]) -> list[LoadedDeck]:
    """Load every deck file under `paths`, reporting all problems of all files at once.

    Raises:
        DeckError: with every problem in every file.
    """
    loaded, problems = [], []
    for path in find_deck_files(paths):
        try:
            loaded.append(load_deck_file(path))
        except DeckError as e:
            problems.extend(e.problems)
    problems.extend(check_unique_decks((d.deck.deck, d.path) for d in loaded))
    problems.extend(check_follow_up_links(loaded))
    if problems:
        raise DeckError(problems)
    return loaded
