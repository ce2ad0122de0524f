"""Backups with SQLite's online backup API: daily, before every migration and restore, and on request.

Names. A backup of `quizapp.db` is `quizapp.db.000012.20260601-080000.daily.db`: the database's file
name, a sequence number, the time and the reason. The part after the database's name has a fixed
number of dots and the reason none, so a name parses back to exactly one database: backups of
`quiz.db` never count as backups of `quiz-work.db` in the same folder, nor the other way round.
Names of earlier versions (`quizapp-20260601-080000-daily.db`) are still read, as backups older
than any numbered one.

Order. A new backup takes the number after the highest of this database's backups, finished or
being written, so the order of the numbers is the order the backups were written, whatever the
clock did. Pruning and "newest" use that order, never the time in the name, which is only shown
and used to tell whether a daily backup is due.

Writing. A backup is written to `<name>.partial`, which is created exclusively (two backups in the
same second for the same reason never share a name) and held under an flock while it is written,
then renamed: a crash never leaves a file that looks like a good backup. The flock is released by
the kernel when its process ends, however it ends; at each backup, the partials of this database
that no live process holds (a killed `backup`, a TUI quit mid-backup) are removed.

Pruning keeps the newest KEEP backups and never removes the one just written or the one being
restored.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store.connection import connect_read_only
from quizapp.store.database_file import check_intact, schema_version_of
from quizapp.store.migrations import MIGRATIONS, SCHEMA_VERSION

KEEP = 7
_STAMP = "%Y%m%d-%H%M%S"
_REASON = r"[a-z]+(?:-[a-z]+)*(?:-[0-9]+)?"  # manual, daily, before-restore, before-schema-2
_STAMP_RE = r"[0-9]{8}-[0-9]{6}"
_NAME = re.compile(rf"(?P<owner>.+)\.(?P<seq>[0-9]{{6,}})\.(?P<stamp>{_STAMP_RE})\.{_REASON}\.(?P<ext>db|partial)")
_OLD_NAME = re.compile(rf"(?P<owner>.+)-(?P<stamp>{_STAMP_RE})-{_REASON}\.(?P<ext>db|partial)")
_SIDECARS = ("-journal", "-wal", "-shm")  # files SQLite keeps beside a database
_STALE_UNLOCKED = timedelta(hours=1)  # where there is no flock, an unlocked partial this old is dead
_COLUMNS_OF = "SELECT name FROM pragma_table_info(?)"  # a table's columns; none if there is no such table


@dataclass(frozen=True)
class _Entry:
    """A file of the backup folder that belongs to one database: a finished backup or a partial."""

    path: Path
    seq: int  # 0 for the names of earlier versions, which have none
    stamp: str
    finished: bool

    @property
    def order(self) -> tuple[int, str, str]:
        return (self.seq, self.stamp, self.path.name)


def backup_dir(db_path: Path) -> Path:
    """Backups live in a `backups` folder beside the database."""
    return db_path.parent / "backups"


def _entries(db_path: Path) -> list[_Entry]:
    """This database's backups and partials, oldest first; other databases' files are skipped."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if match := _NAME.fullmatch(path.name):
            if match["owner"] != db_path.name:
                continue
            seq = int(match["seq"])
        elif match := _OLD_NAME.fullmatch(path.name):
            if match["owner"] != db_path.stem:
                continue
            seq = 0
        else:
            continue
        found.append(_Entry(path, seq, match["stamp"], match["ext"] == "db"))
    return sorted(found, key=lambda e: e.order)


def backups(db_path: Path) -> list[Path]:
    """Existing backups of this database, oldest first (in the order they were written)."""
    return [e.path for e in _entries(db_path) if e.finished]


def copy_database(source: Path, target: Path) -> None:
    """Consistent copy of a live database (WAL included) through the backup API."""
    src = connect_read_only(source)  # an absolute, percent-encoded URI; works in a read-only folder
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


if sys.platform == "win32":

    def _try_lock(fd: int) -> bool:
        """No flock here: a partial is then told stale by its age alone."""
        return True

    _HAS_FLOCK = False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        """Take the file's flock without waiting; False if a live process holds it.

        flock, not fcntl locks: SQLite uses fcntl locks on the same file, and those are per process.
        """
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    _HAS_FLOCK = True


def _is_file_at(fd: int, path: Path) -> bool:
    """The open file is still the one at `path` (not unlinked, nor replaced, since it was opened)."""
    try:
        here = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _remove(path: Path) -> None:
    """Remove a database file and what SQLite keeps beside it; sidecars first, so none is orphaned."""
    for suffix in _SIDECARS:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def _remove_stale_partials(db_path: Path, now: datetime) -> None:
    """Remove this database's partials that no live process is writing (left by a kill or a quit)."""
    for entry in _entries(db_path):
        if entry.finished:
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY)
        except OSError:
            continue  # finished or removed since it was listed
        try:
            if not _try_lock(fd) or not _is_file_at(fd, entry.path):
                continue
            if not _HAS_FLOCK and now.timestamp() - os.fstat(fd).st_mtime < _STALE_UNLOCKED.total_seconds():
                continue
            with contextlib.suppress(OSError):  # best effort: what stays is tried again at the next backup
                _remove(entry.path)  # under the lock: a writer that takes it later sees the file is gone
        finally:
            os.close(fd)


def _claim_partial(db_path: Path, now: datetime, reason: str) -> tuple[Path, int]:
    """Create and lock a new partial under the next free number; returns it with its open descriptor.

    The number is free if no other partial has this name (exclusive creation) and no finished
    backup has the number: a writer renames its partial only after it has finished, so a backup
    finished between the listing and the creation is seen by the check after it.
    """
    stamp = now.strftime(_STAMP)
    for _attempt in range(100):
        seq = 1 + max((e.seq for e in _entries(db_path)), default=0)
        partial = backup_dir(db_path) / f"{db_path.name}.{seq:06d}.{stamp}.{reason}.partial"
        try:
            fd = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        if not _try_lock(fd) or not _is_file_at(fd, partial):
            os.close(fd)  # a cleaner took it between creation and lock, and removes it
            continue
        if any(e.finished and e.seq == seq for e in _entries(db_path)):
            _remove(partial)
            os.close(fd)
            continue
        return partial, fd
    raise StorageError(f"cannot find a free name for a backup in {backup_dir(db_path)}")


def _prune(db_path: Path, keep: int, protect: Iterable[Path]) -> None:
    """Remove all but the newest `keep` backups (all kept if `keep` <= 0), never one in `protect`."""
    if keep <= 0:
        return
    spared = {p.resolve() for p in protect}
    for old in backups(db_path)[:-keep]:
        if old.resolve() not in spared:
            _remove(old)


def make_backup(
    db_path: Path, now: datetime, reason: str = "manual", keep: int = KEEP, protect: Iterable[Path] = ()
) -> Path:
    """Back the database up now and keep only the newest `keep` backups.

    Args:
        reason: a word or words joined by hyphens, shown in the name (e.g. `before-schema-2`).
        protect: backups never pruned, such as the one a restore is reading.

    Raises:
        StorageError: if the backup cannot be written.
    """
    if not re.fullmatch(_REASON, reason):
        raise ValueError(f"backup reason {reason!r} does not match {_REASON}")
    folder = backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(db_path, now)
        partial, fd = _claim_partial(db_path, now, reason)
    except OSError as e:
        raise StorageError(f"cannot back up {db_path} to {folder}: {e}") from e
    target = partial.with_suffix(".db")
    try:
        copy_database(db_path, partial)
        partial.replace(target)
    except (OSError, sqlite3.Error) as e:
        _remove(partial)
        raise StorageError(f"cannot back up {db_path} to {folder}: {e}") from e
    finally:
        os.close(fd)
    _prune(db_path, keep, [target, *protect])
    return target


def _made_at(path: Path, now: datetime) -> datetime | None:
    """The time in a backup's name, in the zone of `now` (the one it was written with)."""
    match = _NAME.fullmatch(path.name) or _OLD_NAME.fullmatch(path.name)
    return datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=now.tzinfo) if match else None


def backup_if_due(db_path: Path, now: datetime, keep: int = KEEP) -> Path | None:
    """The daily backup: made when the newest backup is a day old or there is none.

    A newest backup stamped more than a day ahead of `now` (made while the clock was ahead, or the
    clock is behind now) does not count either: otherwise backups would stop until the clock caught up.
    """
    existing = backups(db_path)
    newest = _made_at(existing[-1], now) if existing else None
    if newest is not None and abs(now - newest) < timedelta(days=1):
        return None
    return make_backup(db_path, now, "daily", keep)


def _check_columns(db_path: Path, source: Path, version: int, now: datetime) -> None:
    """`source`, upgraded to the current schema, has every table and column that schema declares.

    A file with the right table names but other columns passes `check_intact` and fails on first
    use. The check runs on a copy (a partial in the backup folder, removed after, or at the next
    backup if this process is killed), upgraded in a transaction that is rolled back: the file is
    restored as it was, and upgraded (after its own backup) when it is next opened.

    Raises:
        StorageError: naming what is missing, or why the upgrade would fail.
    """
    from sqlmodel import SQLModel

    import quizapp.store.tables  # noqa: F401  (declares the tables in SQLModel.metadata)

    try:
        backup_dir(db_path).mkdir(parents=True, exist_ok=True)
        staged, fd = _claim_partial(db_path, now, "restoring")
    except OSError as e:
        raise StorageError(f"cannot create the folder for the database {db_path}: {e.strerror}") from e
    missing: list[str] = []
    try:
        copy_database(source, staged)
        conn = sqlite3.connect(staged, isolation_level=None)
        try:
            conn.execute("BEGIN")
            for step in MIGRATIONS[version - 1 :]:
                step(conn)
            for table in SQLModel.metadata.sorted_tables:
                present = {name for (name,) in conn.execute(_COLUMNS_OF, (table.name,))}
                if not present:
                    missing.append(f"table {table.name}")
                else:
                    missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as e:
        upgrade = f" (schema {version}) cannot be upgraded to schema {SCHEMA_VERSION}"
        raise StorageError(f"{source}{upgrade if version < SCHEMA_VERSION else ''}: {e}; not restored") from e
    finally:
        _remove(staged)
        os.close(fd)
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise StorageError(
            f"{source} is not a complete quizapp database: it lacks {', '.join(missing[:5])}{more}; not restored"
        )


def _move_aside(db_path: Path) -> str:
    """How to set a database aside unchanged (with its WAL, which may hold part of its data)."""
    command = f"mv {db_path} {db_path}.old"
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        command += f" && mv {wal} {db_path}.old-wal"
    return f"restore replaces only a readable quizapp database: move this one aside ({command}), then restore again"


def restore(db_path: Path, source: Path, now: datetime) -> Path | None:
    """Replace the database with `source`, after checking both and backing the current one up.

    Returns:
        The backup made of the database as it was, or None if there was no database (a first restore
        on a new machine, whose data folder is then created).

    Raises:
        StorageError: if `source` is not an intact quizapp database with every table and column this
            version needs (or an older one it can upgrade), or the database is not a readable quizapp
            one (the message says how to set it aside): nothing is changed then. Also if the database
            cannot be written.
    """

    try:
        existing = schema_version_of(db_path)
    except StorageError as e:
        raise StorageError(f"{e.message}; {_move_aside(db_path)}") from e
    _check_columns(db_path, source, check_intact(source), now)
    saved = None
    if existing is not None:
        try:
            saved = make_backup(db_path, now, "before-restore", protect=[source])
        except StorageError as e:
            raise StorageError(f"{e.message}; {_move_aside(db_path)}") from e
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(db_path)
    except OSError as e:
        raise StorageError(f"cannot create the folder for the database {db_path}: {e.strerror}") from e
    except sqlite3.Error as e:
        raise StorageError(f"cannot restore {source} into {db_path}: {e}") from e
    try:
        src = connect_read_only(source)
        try:
            src.backup(target)
        finally:
            src.close()
    except sqlite3.Error as e:
        raise StorageError(f"cannot restore {source} into {db_path}: {e}") from e
    finally:
        target.close()
    return saved
