"""Syncing deck files into the database: new cards, edits that keep history, renames, retirement.

Unchanged files are skipped by size and mtime, then by content hash, so a start-up with
thousands of cards reads no file and imports no YAML or pydantic. Any problem in any
file means nothing is written (unless the caller asks to skip invalid files).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp import collector
from quizapp.decks.deck_files import file_hash, find_deck_files
from quizapp.errors import DeckError, DeckProblem
from quizapp.store import tallies
from quizapp.store.connection import named, to_db
from quizapp.store.database import Database
from quizapp.store.states import CardState

if TYPE_CHECKING:
    from quizapp.decks.batch import PreparedDeck
    from quizapp.decks.cards import CardSpec
    from quizapp.store.renames import QuestionFace

# Bump when the way cards are derived from a file changes, so every file is synced again.
CARD_FORMAT = "1"
RACY_NS = 2_000_000_000  # a file modified this recently may change again within the same mtime
LISTED = 10  # retired names listed by the summary before "and N more"


@dataclass(frozen=True)
class LikelyRename:
    """A question retired with its reviews that looks like one this sync added: an id renamed
    without `renamed_from`."""

    deck_id: str
    old_id: str
    new_id: str
    reviews: int


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown if len(names) <= LISTED else f"{shown} and {len(names) - LISTED} more"


@dataclass
class SyncReport:
    """What a sync did: counts, and by name what it retired, so a retirement is never silent."""

    deck_ids: list[str] = field(default_factory=list)
    problems: list[DeckProblem] = field(default_factory=list)
    # decks whose file now has problems (`skip_invalid`): their last good version stays in the database, reviewable
    kept_ids: list[str] = field(default_factory=list)
    files_skipped: int = 0
    files_loaded: int = 0
    added: int = 0
    updated: int = 0
    renamed: int = 0
    retired: int = 0
    revived: int = 0
    retired_decks: list[str] = field(default_factory=list)  # decks whose file is gone
    renamed_decks: list[tuple[str, str, Path]] = field(default_factory=list)  # (old id, new id, file)
    # "<deck>/<id>" of each question retired (or the uid of a cloze card whose deletion was removed) → its reviews
    retired_questions: dict[str, int] = field(default_factory=dict)
    likely_renames: list[LikelyRename] = field(default_factory=list)

    def summary(self) -> str:
        """The counts on one line, then what was retired and what looks like a rename that lost reviews."""
        from quizapp.store.renames import reviews_phrase  # as in _note_retired

        lines = [
            f"{len(self.deck_ids)} decks ({self.files_loaded} loaded, {self.files_skipped} unchanged): "
            f"{self.added} added, {self.updated} updated, {self.renamed} renamed, "
            f"{self.retired} retired, {self.revived} revived"
        ]
        for old, new, path in self.renamed_decks:
            lines.append(
                f"deck {old} renamed to {new} (its file {path} now says deck: {new}); its cards keep their history"
            )
        if self.retired_decks:
            lines.append(f"retired the decks whose file is gone: {_listing(self.retired_decks)}")
        if self.retired_questions:
            names = [f"{name} ({reviews_phrase(n)})" if n else name for name, n in self.retired_questions.items()]
            lines.append(f"retired: {_listing(names)}")
        for r in self.likely_renames:
            lines.append(
                f"{r.deck_id}/{r.new_id} looks like a rename of {r.deck_id}/{r.old_id}: to keep its "
                f"{reviews_phrase(r.reviews)}, restore a backup from before this import (quizapp restore FILE) "
                f"and add `renamed_from: [{r.old_id}]` to {r.new_id}, or change the id back to {r.old_id}; "
                "then import again"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Known:
    deck_id: str
    stamp: str
    stat: str


@dataclass(frozen=True)
class _Changed:
    path: Path
    raw: bytes
    stamp: str
    stat: str


def _stamp(raw: bytes) -> str:
    return f"{CARD_FORMAT}:{file_hash(raw)}"


def _stat_of(st: os.stat_result) -> str:
    """Size and mtime, or "" when the file was modified too recently for its mtime to be trusted."""
    if st.st_mtime_ns > time.time_ns() - RACY_NS:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


# What a deck file says about a card: columns of `card` named as the fields of CardSpec, whose values
# `_content` takes in this order (positional parameters: a cold import inserts 100k cards at once).
_CARD_CONTENT = ("uid", "deck_id", "question_id", "cloze", "kind", "topic", "level", "position")
_content: Callable[[CardSpec], tuple[object, ...]] = attrgetter(*_CARD_CONTENT)
_CONTENT_PARAMETERS = ", ".join("?" * len(_CARD_CONTENT))
_UPDATE_CARD = f"UPDATE card SET ({', '.join(_CARD_CONTENT)}, retired) = ({_CONTENT_PARAMETERS}, 0) WHERE id = ?"
_INSERT_CARD = (
    f"INSERT INTO card ({', '.join(_CARD_CONTENT)}, state, suspended, retired, created_at)"
    f" VALUES ({_CONTENT_PARAMETERS}, {CardState.New:d}, 0, 0, ?)"
)
_CARDS_OF_DECK = "SELECT id, uid, retired, position FROM card WHERE deck_id = ?"
_RETIRE_CARD = "UPDATE card SET retired = 1 WHERE id = ?"
_QUESTION_HASHES = "SELECT question_id, content_hash FROM question WHERE deck_id = ?"
_QUESTION_CONTENT = "SELECT content FROM question WHERE deck_id = ? AND question_id = ?"
# The cards just retired, by id ({} is their list of `?`), with their number of reviews.
_RETIRED_CARDS = (
    "SELECT uid, question_id, (SELECT count(*) FROM review WHERE card_id = card.id) AS reviews"
    " FROM card WHERE id IN ({}) ORDER BY id"
)
# A question's row is kept while any card, retired ones included, has its (deck_id, question_id).
_UPSERT_QUESTION = (
    "INSERT INTO question (deck_id, question_id, content, content_hash) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (deck_id, question_id) DO UPDATE SET content = excluded.content, content_hash = excluded.content_hash"
)
# The version a sync is about to replace, kept for the answers given to it (the current one is `question`'s).
_KEEP_REPLACED = (
    "INSERT INTO question_version (deck_id, question_id, content, content_hash)"
    " SELECT deck_id, question_id, content, content_hash FROM question WHERE deck_id = ? AND question_id = ?"
    " ON CONFLICT DO NOTHING"
)
_DROP_UNUSED_QUESTIONS = (
    "DELETE FROM question WHERE deck_id = ? AND NOT EXISTS"
    " (SELECT 1 FROM card c WHERE c.deck_id = question.deck_id AND c.question_id = question.question_id)"
)
_UPSERT_DECK = (
    "INSERT INTO deck (id, title, description, topic, source_path, file_hash, file_stat, synced_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
    " description = excluded.description, topic = excluded.topic, source_path = excluded.source_path,"
    " file_hash = excluded.file_hash, file_stat = excluded.file_stat, synced_at = excluded.synced_at"
)


def _upsert_deck(conn: sqlite3.Connection, deck: PreparedDeck, changed: _Changed, now: str) -> None:
    values = (deck.deck_id, deck.title, deck.description, deck.topic, str(deck.path), changed.stamp, changed.stat, now)
    conn.execute(_UPSERT_DECK, values)


def _apply_deck(conn: sqlite3.Connection, deck: PreparedDeck, changed: _Changed, now: str, report: SyncReport) -> None:
    """Bring one deck's rows in line with its file.

    A card counts as updated when its question changed (any of its deletions, for a cloze card), as
    when each card kept a copy of the question's hash."""
    _upsert_deck(conn, deck, changed, now)
    stored = dict(conn.execute(_QUESTION_HASHES, (deck.deck_id,)))
    questions = {spec.question_id: spec for spec in deck.cards}
    changed_questions = [
        (deck.deck_id, question_id, spec.content, spec.content_hash)
        for question_id, spec in questions.items()
        if stored.get(question_id) != spec.content_hash
    ]
    replaced = [(deck.deck_id, question_id) for _, question_id, _, _ in changed_questions if question_id in stored]
    conn.executemany(_KEEP_REPLACED, replaced)  # what an answer given to the older version saw
    conn.executemany(_UPSERT_QUESTION, changed_questions)
    wanted = {spec.uid for spec in deck.cards}
    existing = {row["uid"]: row for row in named(conn).execute(_CARDS_OF_DECK, (deck.deck_id,))}
    renamed = report.renamed
    inserted: list[CardSpec] = []
    for spec in deck.cards:
        row = existing.get(spec.uid)
        if row is None:
            old = next((existing[o] for o in spec.old_uids if o in existing and o not in wanted), None)
            if old is not None:
                conn.execute(_UPDATE_CARD, (*_content(spec), old["id"]))
                existing.pop(old["uid"])
                report.renamed += 1
            else:
                inserted.append(spec)
            continue
        if row["retired"]:
            report.revived += 1
        elif stored.get(spec.question_id) != spec.content_hash:
            report.updated += 1
        elif row["position"] == spec.position:
            continue
        conn.execute(_UPDATE_CARD, (*_content(spec), row["id"]))
    conn.executemany(_INSERT_CARD, [(*_content(spec), now) for spec in inserted])
    report.added += len(inserted)
    if report.renamed != renamed:  # the questions renamed away from may have no card left
        conn.execute(_DROP_UNUSED_QUESTIONS, (deck.deck_id,))
    gone = [row["id"] for uid, row in existing.items() if uid not in wanted and not row["retired"]]
    conn.executemany(_RETIRE_CARD, [(card_id,) for card_id in gone])
    report.retired += len(gone)
    if gone:
        _note_retired(conn, deck, gone, {spec.uid for spec in inserted}, report)


def _note_retired(
    conn: sqlite3.Connection, deck: PreparedDeck, card_ids: list[int], inserted: set[str], report: SyncReport
) -> None:
    """Name the questions just retired with their reviews, and pair the reviewed ones with the added
    questions they look like, so the summary can say which history an unmarked rename left behind."""
    from quizapp.store.renames import QuestionFace, pair_renames  # not on the start-up path: nothing retired there

    present = {spec.question_id for spec in deck.cards}
    faces: dict[str, QuestionFace] = {}
    reviews: dict[str, int] = {}
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start : start + 500]
        rows = named(conn).execute(_RETIRED_CARDS.format(", ".join("?" * len(chunk))), chunk).fetchall()
        for row in rows:
            question_id = row["question_id"]
            if question_id in present:  # a cloze deletion removed from a question still in the file
                report.retired_questions[row["uid"]] = row["reviews"]
                continue
            if question_id not in faces:
                question = named(conn).execute(_QUESTION_CONTENT, (deck.deck_id, question_id)).fetchone()
                faces[question_id] = QuestionFace.from_content(question_id, question["content"])
            reviews[question_id] = reviews.get(question_id, 0) + row["reviews"]
    for question_id in faces:
        report.retired_questions[f"{deck.deck_id}/{question_id}"] = reviews[question_id]
    kept = {spec.question_id for spec in deck.cards if spec.uid not in inserted}
    added: dict[str, QuestionFace] = {}
    for spec in deck.cards:
        if spec.uid in inserted and spec.question_id not in kept:
            added.setdefault(spec.question_id, QuestionFace.from_content(spec.question_id, spec.content))
    reviewed = [face for question_id, face in faces.items() if reviews[question_id]]
    for old_id, new_id in pair_renames(reviewed, list(added.values())).items():
        report.likely_renames.append(LikelyRename(deck.deck_id, old_id, new_id, reviews[old_id]))


# A card of deck :old moves to :new unless its uid there is taken.
_MOVABLE = "NOT EXISTS (SELECT 1 FROM card o WHERE o.uid = :new || substr({card}.uid, length(:old) + 1))"
_MOVE_CARDS = (
    "UPDATE card SET deck_id = :new, uid = :new || substr(uid, length(:old) + 1)"
    f" WHERE deck_id = :old AND {_MOVABLE.format(card='card')}"
)
# Before the move: the questions of the cards that will move go with them, over a row the new deck already
# had for that id (its cards are retired by this sync unless the file has the question, which rewrites the row).
_COPY_QUESTIONS = (
    "INSERT INTO question (deck_id, question_id, content, content_hash)"
    " SELECT :new, q.question_id, q.content, q.content_hash FROM question q WHERE q.deck_id = :old"
    " AND EXISTS (SELECT 1 FROM card c WHERE c.deck_id = :old AND c.question_id = q.question_id"
    f" AND {_MOVABLE.format(card='c')})"
    " ON CONFLICT (deck_id, question_id) DO UPDATE SET content = excluded.content, content_hash = excluded.content_hash"
)
_RETIRE_DECK = "UPDATE card SET retired = 1 WHERE deck_id = ? AND retired = 0"
_FORGET_DECK_FILE = "UPDATE deck SET source_path = '', file_hash = '', file_stat = '' WHERE id = ?"
_FORGET_DECK_HASH = "UPDATE deck SET file_hash = '', file_stat = '' WHERE id = ?"  # a gone file: synced afresh if back
_DECK_FILES = "SELECT id, source_path, file_hash, file_stat FROM deck"
_RESTAT = "UPDATE deck SET file_stat = ? WHERE source_path = ?"


def _rename_deck(
    conn: sqlite3.Connection, old: str, deck: PreparedDeck, changed: _Changed, now: str, report: SyncReport
) -> None:
    """The file that held deck `old` now declares another id: its cards move to the new id with their
    history (a card whose new uid is already taken stays behind and is retired), and the old deck keeps
    no file."""
    _upsert_deck(conn, deck, changed, now)
    conn.execute(_COPY_QUESTIONS, {"old": old, "new": deck.deck_id})
    conn.execute(_MOVE_CARDS, {"old": old, "new": deck.deck_id})
    conn.execute(_DROP_UNUSED_QUESTIONS, (old,))
    report.retired += conn.execute(_RETIRE_DECK, (old,)).rowcount
    conn.execute(_FORGET_DECK_FILE, (old,))
    report.renamed_decks.append((old, deck.deck_id, deck.path))


def _still_claims(path: Path, deck_id: str, stamp: str) -> bool:
    """Whether the file at `path`, which held deck `deck_id` at its last sync, still declares it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return False  # gone or unreadable: the deck has moved to another file
    if _stamp(raw) == stamp:
        return True
    from quizapp.decks.batch import prepare

    prepared = prepare(path, raw)
    return not isinstance(prepared, list) and prepared.deck_id == deck_id  # a broken file claims nothing


def _taken_ids(prepared: Sequence[PreparedDeck], known: dict[str, _Known], synced: set[str]) -> list[DeckProblem]:
    """A changed file may not take a deck id that another file, not synced now, still declares."""
    owners = {k.deck_id: source for source, k in known.items() if k.stamp}
    problems = []
    for deck in prepared:
        owner = owners.get(deck.deck_id)
        if owner is None or owner == str(deck.path) or owner in synced:
            continue  # files synced together are checked against each other by check_unique_decks
        if _still_claims(Path(owner), deck.deck_id, known[owner].stamp):
            message = f"duplicate deck id {deck.deck_id!r}: also used by {owner} (give one of them another deck id)"
            problems.append(DeckProblem(deck.path, 1, 1, message))
    return problems


def _vanished(known: dict[str, _Known], folders: Iterable[Path], present: set[str]) -> list[str]:
    """Decks whose file was in a synced folder and is gone (and that are not retired yet)."""
    return [
        k.deck_id
        for source, k in known.items()
        if k.stamp and source not in present and any(Path(source).is_relative_to(f) for f in folders)
    ]


def _retire_decks(conn: sqlite3.Connection, deck_ids: list[str], report: SyncReport) -> None:
    """Retire every card of these decks; their history stays for reports."""
    for deck_id in deck_ids:
        report.retired += conn.execute(_RETIRE_DECK, (deck_id,)).rowcount
        conn.execute(_FORGET_DECK_HASH, (deck_id,))
        report.retired_decks.append(deck_id)


def _scan(
    files: list[Path], known: dict[str, _Known]
) -> tuple[list[tuple[str, Path]], list[_Changed], list[tuple[str, str]], list[DeckProblem]]:
    """Split files into unchanged (deck id and path), changed, and unchanged files whose stat is to be
    recorded; a file is read only when its size or mtime differ from the last sync."""
    unchanged: list[tuple[str, Path]] = []
    changed: list[_Changed] = []
    restat: list[tuple[str, str]] = []
    problems: list[DeckProblem] = []
    for path in files:
        previous = known.get(str(path))
        try:
            stat = _stat_of(path.stat())
            if previous and previous.stamp and stat and stat == previous.stat:
                unchanged.append((previous.deck_id, path))
                continue
            raw = path.read_bytes()
        except OSError as e:
            problems.append(DeckProblem(path, 1, 1, f"cannot read file: {e.strerror}"))
            continue
        stamp = _stamp(raw)
        if previous and previous.stamp == stamp:
            unchanged.append((previous.deck_id, path))
            if stat != previous.stat:
                restat.append((stat, str(path)))
        else:
            changed.append(_Changed(path, raw, stamp, stat))
    return unchanged, changed, restat, problems


def sync_decks(db: Database, paths: Sequence[Path], now: datetime, *, skip_invalid: bool = False) -> SyncReport:
    """Sync the deck files under `paths` into the database, in one transaction.

    Args:
        db: the open database.
        paths: deck files and folders (folders are searched recursively).
        now: the sync time (UTC-aware).
        skip_invalid: sync the valid files and leave the invalid ones (and their cards) as they
            were, reporting their problems, instead of refusing the whole sync. The TUI's start
            uses it so one broken file of the user's does not block the review of the others.

    Returns:
        Counts of what changed, the ids of every deck synced, and the problems of skipped files.

    Raises:
        DeckError: listing every problem in every file (unless `skip_invalid`); nothing is written then.
    """
    with collector.held_off():  # parsing makes millions of objects and no cycles: collections would only walk them
        return _sync(db, paths, now, skip_invalid)


def _sync(db: Database, paths: Sequence[Path], now: datetime, skip_invalid: bool) -> SyncReport:
    files = [p.resolve() for p in find_deck_files(paths)]
    folders = [p.resolve() for p in paths if p.is_dir()]
    with db.read() as conn:
        known = {
            row["source_path"]: _Known(row["id"], row["file_hash"], row["file_stat"])
            for row in named(conn).execute(_DECK_FILES)
        }
    unchanged, changed, restat, problems = _scan(files, known)
    report = SyncReport(files_skipped=len(unchanged))
    prepared: list[PreparedDeck] = []
    if changed:
        from quizapp.decks.batch import prepare_all
        from quizapp.decks.loader import check_unique_decks

        prepared, invalid = prepare_all([(c.path, c.raw) for c in changed])
        problems.extend(invalid)
        duplicates = check_unique_decks([*unchanged, *((d.deck_id, d.path) for d in prepared)])
        duplicates += _taken_ids(prepared, known, {str(p) for p in files})
        problems.extend(duplicates)
        clashing = {p.path for p in duplicates}
        prepared = [d for d in prepared if d.path not in clashing]
        unchanged = [(deck_id, path) for deck_id, path in unchanged if path not in clashing]
    if problems and not skip_invalid:
        raise DeckError(problems)
    report.problems = problems
    report.files_loaded = len(prepared)
    report.deck_ids = [*(deck_id for deck_id, _ in unchanged), *(d.deck_id for d in prepared)]
    broken = {str(p.path.resolve()) for p in problems}
    synced = set(report.deck_ids)
    report.kept_ids = sorted(
        {k.deck_id for path, k in known.items() if path in broken and k.stamp and k.deck_id not in synced}
    )
    loaded_ids = {d.deck_id for d in prepared}
    vanished = [d for d in _vanished(known, folders, {str(p) for p in files}) if d not in loaded_ids]
    if prepared or vanished or restat:
        by_path = {c.path: c for c in changed}
        stamp = to_db(now)
        with db.write() as conn:
            for deck in prepared:
                previous = known.get(str(deck.path))
                if previous and previous.stamp and previous.deck_id != deck.deck_id:
                    _rename_deck(conn, previous.deck_id, deck, by_path[deck.path], stamp, report)
                _apply_deck(conn, deck, by_path[deck.path], stamp, report)
            _retire_decks(conn, vanished, report)
            conn.executemany(_RESTAT, restat)
            tallies.catch_up(conn)  # refiling moves a card's whole history: every review of it counted first
            tallies.refile_moved(conn)
    return report
