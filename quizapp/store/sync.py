"""Syncing deck files into the database: new cards, edits that keep history, renames, retirement.

Unchanged files are skipped by content hash, so a start-up with thousands of cards parses nothing.
Any problem in any file means nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select, update

from quizapp.decks.cards import CardSpec, card_specs
from quizapp.decks.loader import LoadedDeck, check_unique_decks, file_hash, find_deck_files, load_deck_bytes
from quizapp.decks.model import Deck
from quizapp.errors import DeckError, DeckProblem
from quizapp.store.database import Database
from quizapp.store.tables import card_table, deck_table

# Bump when the way cards are derived from a file changes, so every file is synced again.
CARD_FORMAT = "1"


@dataclass
class SyncReport:
    """What a sync did, in counts."""

    deck_ids: list[str] = field(default_factory=list)
    problems: list[DeckProblem] = field(default_factory=list)
    files_skipped: int = 0
    files_loaded: int = 0
    added: int = 0
    updated: int = 0
    renamed: int = 0
    retired: int = 0
    revived: int = 0

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{len(self.deck_ids)} decks ({self.files_loaded} loaded, {self.files_skipped} unchanged): "
            f"{self.added} added, {self.updated} updated, {self.renamed} renamed, "
            f"{self.retired} retired, {self.revived} revived"
        )


def _stamp(raw: bytes) -> str:
    return f"{CARD_FORMAT}:{file_hash(raw)}"


def _read(paths: Sequence[Path]) -> tuple[dict[Path, bytes], list[DeckProblem]]:
    raws, problems = {}, []
    for path in paths:
        try:
            raws[path] = path.read_bytes()
        except OSError as e:
            problems.append(DeckProblem(path, 1, 1, f"cannot read file: {e.strerror}"))
    return raws, problems


def _apply_deck(conn: Connection, loaded: LoadedDeck, now: datetime, report: SyncReport) -> None:
    """Bring one deck's rows in line with its file."""
    deck = loaded.deck
    values = dict(
        title=deck.display_title,
        description=deck.description,
        topic=deck.topic or deck.deck,
        source_path=str(loaded.path),
        file_hash=loaded.file_hash,
        synced_at=now,
    )
    if conn.execute(select(deck_table.c.id).where(deck_table.c.id == deck.deck)).first():
        conn.execute(update(deck_table).where(deck_table.c.id == deck.deck).values(**values))
    else:
        conn.execute(deck_table.insert().values(id=deck.deck, **values))

    specs = card_specs(deck)
    wanted = {spec.uid for spec in specs}
    existing = {
        row.uid: row
        for row in conn.execute(
            select(
                card_table.c.id,
                card_table.c.uid,
                card_table.c.content_hash,
                card_table.c.retired,
                card_table.c.position,
                card_table.c.deck_id,
            ).where(card_table.c.deck_id == deck.deck)
        )
    }
    inserts = []
    for spec in specs:
        row = existing.get(spec.uid)
        if row is None:
            old = next((existing[o] for o in spec.old_uids if o in existing and o not in wanted), None)
            if old is not None:
                conn.execute(
                    update(card_table).where(card_table.c.id == old.id).values(**_content(spec), retired=False)
                )
                existing.pop(old.uid)
                report.renamed += 1
                continue
            inserts.append({**_content(spec), "created_at": now})
            continue
        if row.retired:
            report.revived += 1
        elif row.content_hash != spec.content_hash:
            report.updated += 1
        elif row.position == spec.position:
            continue
        conn.execute(update(card_table).where(card_table.c.id == row.id).values(**_content(spec), retired=False))
    if inserts:
        conn.execute(card_table.insert(), inserts)
        report.added += len(inserts)
    gone = [
        row.id for uid, row in existing.items() if uid not in wanted and not row.retired and row.deck_id == deck.deck
    ]
    if gone:
        conn.execute(update(card_table).where(card_table.c.id.in_(gone)).values(retired=True))
        report.retired += len(gone)


def _content(spec: CardSpec) -> dict[str, object]:
    return dict(
        uid=spec.uid,
        deck_id=spec.deck_id,
        question_id=spec.question_id,
        cloze=spec.cloze,
        kind=spec.kind,
        topic=spec.topic,
        level=spec.level,
        position=spec.position,
        content=spec.content,
        content_hash=spec.content_hash,
    )


def _vanished(known: dict[str, tuple[str, str]], folders: Iterable[Path], present: set[str]) -> list[str]:
    """Decks whose file was in a synced folder and is gone (and that are not retired yet)."""
    return [
        deck_id
        for source, (deck_id, stamp) in known.items()
        if stamp and source not in present and any(Path(source).is_relative_to(f) for f in folders)
    ]


def _retire_decks(conn: Connection, deck_ids: list[str], report: SyncReport) -> None:
    """Retire every card of these decks; their history stays for reports."""
    for deck_id in deck_ids:
        result = conn.execute(
            update(card_table)
            .where(card_table.c.deck_id == deck_id, card_table.c.retired.is_(False))
            .values(retired=True)
        )
        conn.execute(update(deck_table).where(deck_table.c.id == deck_id).values(file_hash=""))
        report.retired += result.rowcount


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
    files = [p.resolve() for p in find_deck_files(paths)]
    folders = [p.resolve() for p in paths if p.is_dir()]
    raws, problems = _read(files)
    with db.read() as conn:
        known = {
            source: (deck_id, stamp)
            for deck_id, source, stamp in conn.execute(
                select(deck_table.c.id, deck_table.c.source_path, deck_table.c.file_hash)
            )
        }
    report = SyncReport()
    loaded: list[LoadedDeck] = []
    unchanged: list[LoadedDeck] = []
    for path, raw in raws.items():
        stamp = _stamp(raw)
        previous = known.get(str(path))
        if previous and previous[1] == stamp:
            report.files_skipped += 1
            unchanged.append(LoadedDeck(path, _placeholder(previous[0]), stamp))
            continue
        try:
            loaded.append(LoadedDeck(path, load_deck_bytes(raw, path), stamp))
        except DeckError as e:
            problems.extend(e.problems)
    duplicates = check_unique_decks([*unchanged, *loaded])
    problems.extend(duplicates)
    if problems and not skip_invalid:
        raise DeckError(problems)
    report.problems = problems
    clashing = {p.path for p in duplicates}
    loaded = [d for d in loaded if d.path not in clashing]
    unchanged = [d for d in unchanged if d.path not in clashing]
    report.files_loaded = len(loaded)
    report.deck_ids = [d.deck.deck for d in [*unchanged, *loaded]]
    loaded_ids = {d.deck.deck for d in loaded}
    vanished = [d for d in _vanished(known, folders, {str(p) for p in files}) if d not in loaded_ids]
    if loaded or vanished:
        with db.write() as conn:
            for deck in loaded:
                _apply_deck(conn, deck, now, report)
            _retire_decks(conn, vanished, report)
    return report


def _placeholder(deck_id: str) -> Deck:
    """A deck standing for an unchanged file: only its id is needed (for the duplicate check)."""
    return Deck.model_construct(format=1, deck=deck_id, questions=[])
