"""Deck files → validated `Deck` models, every problem reported with file, line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from quizapp.decks import cloze
from quizapp.decks.deck_files import find_deck_files
from quizapp.decks.model import (
    LINKED_FOLLOW_UP,
    PLAIN_FOLLOW_UP,
    QUESTION_REF_PATTERN,
    QUESTION_TYPES,
    ChoiceQuestion,
    ClozeQuestion,
    Deck,
    FollowUpLink,
    OpenQuestion,
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


_NOUNS: dict[type[BaseModel], str] = {
    Deck: "a deck",
    OpenQuestion: "an open question",
    ChoiceQuestion: "a choice question",
    ClozeQuestion: "a cloze question",
    FollowUpLink: "a follow-up link",
}
_HOLDS = {  # what a required key holds, as "a deck needs ..." says it
    "format": "format: 1, the version of the deck format",
    "deck": "its id, a lowercase slug such as dit-conditioning",
    "questions": "a list of questions",
    "id": "a stable id, a lowercase slug such as adaln-zero",
    "prompt": "the question it asks",
    "answer": "its model answer",
    "choices": "2 to 8 choices",
    "correct": "the 0-based index of the right choice, or a list of them",
    "text": "a text with deletions such as {{c1::hidden}}",
    "question": "the id of the deck question that asks it",
}
_LEVEL = "a whole number from 1 (warm-up) to 5 (research depth)"


def _branch(part: str | int) -> bool:
    """pydantic's name of a union branch ('constrained-int', 'list[...]', 'follow-up-link'), which is in an error's
    location but is no key: the format's keys are identifiers, the branch names are not."""
    return isinstance(part, str) and not part.isidentifier()


def _other_branch(item: ErrorDetails) -> bool:
    """Of `correct`'s `int | list[int]`, only the branch of the kind written is worth a message: the other one's
    error ("should be a valid list" for 3) says nothing. An unknown key's error ends with the key as written, which
    may be any text ('t- ags'): never a branch."""
    last = item["loc"][-1] if item["loc"] else 0
    if item["type"] == "extra_forbidden" or not _branch(last) or last in (PLAIN_FOLLOW_UP, LINKED_FOLLOW_UP):
        return False
    return str(last).startswith("list[") != isinstance(item["input"], list)


def _key(name: str) -> str:
    """A key as a message names it: quoted only when it is more than letters, digits, '_' and '-'."""
    return name if re.fullmatch(r"[\w-]+", name) else repr(name)


def _found(value: object) -> str:
    """A value as a message says what was found instead."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _not_text(value: object) -> str:
    """Why a value YAML read is not text, and how to make it text."""
    if isinstance(value, bool):
        return f"{_found(value)} (YAML reads unquoted yes, no, on, off, true and false so): put it in quotes"
    if isinstance(value, int | float):
        return f"the number {value!r}: put it in quotes to keep it as text"
    if isinstance(value, dict):
        return "a mapping: text with ': ' in it, or that starts with {, must be in quotes"
    return _found(value)


def _value_message(item: ErrorDetails, label: str, root: str) -> str:
    """A sentence about the deck format for one of pydantic's errors on a value."""
    kind, value, ctx = item["type"], item["input"], item.get("ctx", {})
    if root == "level":
        return f"level must be {_LEVEL}, not {_found(value)}"
    if root == "correct":
        return f"correct must be {_HOLDS['correct']}, not {_found(value)}"
    if root == "choices" and kind in ("too_short", "too_long"):
        return f"choices must list {_HOLDS['choices']}, not {ctx['actual_length']}"
    if kind == "string_type":
        return f"{label} must be text, not {_not_text(value)}"
    if kind == "string_too_short":
        return f"{label} must not be empty"
    if kind == "string_too_long":
        return f"{label} must be at most {ctx['max_length']} characters long, not {len(value)}"
    if kind == "list_type":
        return f"{label} must be a list (one '- item' per line, or [a, b]), not {_found(value)}"
    if kind == "follow_up_form":
        return f"{label} must be a text, or a mapping with question: (and optional text:), not {_found(value)}"
    return f"{label}: {item['msg']}"


def _pydantic_problems(
    error: ValidationError, doc: YamlDocument, path: Path, prefix: Loc, model: type[BaseModel]
) -> list[DeckProblem]:
    """Translate pydantic's errors into positioned sentences about the deck format."""
    problems = []
    for item in error.errors():
        if _other_branch(item):
            continue
        kind, raw = item["type"], item["loc"]
        last = raw[-1:] if kind == "extra_forbidden" else ()  # an unknown key may be any text
        loc = prefix + tuple(p for p in raw[: len(raw) - len(last)] if not _branch(p)) + last
        name = str(loc[-1]) if loc else ""
        label = ".".join(str(p) for p in loc[len(prefix) :]) or "value"
        owner = FollowUpLink if LINKED_FOLLOW_UP in raw else model
        if kind == "extra_forbidden":
            keys = list(owner.model_fields)
            close = difflib.get_close_matches(name, keys, n=1)
            hint = f"did you mean {close[0]}?" if close else f"{_NOUNS[owner]} has the keys {', '.join(keys)}"
            problems.append(_problem(doc, path, loc, f"unknown key {_key(name)}; {hint}", key=True))
        elif kind == "missing":
            message = f"missing {name}: {_NOUNS[owner]} needs {_HOLDS.get(name, 'it')}"
            problems.append(_problem(doc, path, loc[:-1], message))
        elif kind == "string_pattern_mismatch" and (
            name in ("id", "deck") or (len(loc) > 1 and loc[-2] == "renamed_from")
        ):
            problems.append(
                _problem(doc, path, loc, f"{label}: {item['input']!r} is not a lowercase slug ([a-z0-9][a-z0-9-]*)")
            )
        elif kind == "string_pattern_mismatch" and name == "question":
            message = f"question: {item['input']!r} is not a question id or '<deck-id>/<question-id>'"
            problems.append(_problem(doc, path, loc, message))
        elif kind == "string_pattern_mismatch" and name == "topic":
            problems.append(_problem(doc, path, loc, f"topic: {item['input']!r} is not a path such as 'diffusion/dit'"))
        elif kind == "literal_error" and name == "format":
            message = f"format must be 1, the version of the deck format, not {_found(item['input'])}"
            problems.append(_problem(doc, path, loc, message))
        else:
            root = str(loc[len(prefix)]) if len(loc) > len(prefix) else ""
            message = _value_message(item, label, root)
            if item["input"] is None and "#" in doc.line_at(loc):
                message += " (text after ' #' is a comment: put text that holds # in quotes)"
            problems.append(_problem(doc, path, loc, message))
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
            close = difflib.get_close_matches(kind, QUESTION_TYPES, n=1) if isinstance(kind, str) else []
            hint = f"; did you mean {close[0]}?" if close else ""
            message = f"type must be open, choice or cloze, not {_found(kind)}{hint}"
            problems.append(_problem(doc, path, loc + ("type",), message))
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
            problems.extend(_pydantic_problems(e, doc, path, loc, model))
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
        found, malformed = cloze.deletions(text), cloze.problems(text)
        if not found and not malformed:
            problems.append(_problem(doc, path, where, "cloze text has no deletion such as {{c1::hidden}}"))
        problems.extend(_cloze_problems(malformed, text, doc, path, where))
        for deletion in found:
            if deletion.number < 1:
                problems.append(_problem(doc, path, where, f"cloze number c{deletion.number}: numbers start at c1"))
            if not deletion.hidden.strip():
                problems.append(_problem(doc, path, where, f"cloze c{deletion.number} hides nothing"))
    elif kind == "choice" and isinstance(choices, list):
        indices = correct if isinstance(correct, list) else [correct]
        for index in indices:
            if choices and isinstance(index, int) and not isinstance(index, bool) and index >= len(choices):
                n = len(choices)
                message = f"correct must be the 0-based index of a choice (0 to {n - 1}: there are {n}), not {index}"
                problems.append(_problem(doc, path, loc + ("correct",), message))
    return problems


def _cloze_problems(
    malformed: list[cloze.ClozeProblem], text: str, doc: YamlDocument, path: Path, where: Loc
) -> list[DeckProblem]:
    """Each malformed deletion at its line and column in the file, or, where the text as written cannot be matched
    to its value (an escape in a quoted scalar), at the start of the text with its place in the text."""
    offsets = [bad.offset for bad in malformed] + [bad.brace for bad in malformed if bad.brace >= 0]
    places = doc.places_in_text(where, text, offsets)
    placed = {offset: place for offset, place in zip(offsets, places, strict=True) if place is not None}
    problems = []
    for bad in malformed:
        if bad.offset in placed and (bad.brace < 0 or bad.brace in placed):
            at = placed[bad.offset]
            message = bad.describe(lambda offset: f"line {placed[offset].line}, column {placed[offset].column}")
            problems.append(DeckProblem(path, at.line, at.column, f"malformed cloze deletion: {message}"))
        else:
            message = bad.describe(lambda offset: f"character {offset + 1}")
            problems.append(
                _problem(doc, path, where, f"malformed cloze deletion at character {bad.offset + 1} of text: {message}")
            )
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
        problems = _pydantic_problems(e, doc, path, (), Deck) + problems
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
