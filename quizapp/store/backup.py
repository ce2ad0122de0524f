"""Backups with SQLite's online backup API: daily, before every migration, and on request.

A backup is written under a temporary name and renamed when complete, so a crash
mid-backup never leaves a file that looks like a good backup.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from quizapp.errors import StorageError

KEEP = 7
_STAMP = "%Y%m%d-%H%M%S"


def backup_dir(db_path: Path) -> Path:
    """Backups live in a `backups` folder beside the database."""
    return db_path.parent / "backups"


def backups(db_path: Path) -> list[Path]:
    """Existing backups of this database, oldest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.db"), key=lambda p: p.name.removeprefix(f"{db_path.stem}-"))


def copy_database(source: Path, target: Path) -> None:
    """Consistent copy of a live database (WAL included) through the backup API."""
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def make_backup(db_path: Path, now: datetime, reason: str = "manual", keep: int = KEEP) -> Path:
    """Back the database up now and keep only the newest `keep` backups.

    Raises:
        StorageError: if the backup cannot be written.
    """
    folder = backup_dir(db_path)
    target = folder / f"{db_path.stem}-{now.strftime(_STAMP)}-{reason}.db"
    partial = target.with_suffix(".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        copy_database(db_path, partial)
        partial.replace(target)
    except (OSError, sqlite3.Error) as e:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot back up {db_path} to {folder}: {e}") from e
    for old in backups(db_path)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return target


def backup_if_due(db_path: Path, now: datetime, keep: int = KEEP) -> Path | None:
    """The daily backup: made when the newest backup is a day old or there is none."""
    existing = backups(db_path)
    if existing:
        stamp = existing[-1].name.removeprefix(f"{db_path.stem}-")[: len("20260101-000000")]
        try:
            newest = datetime.strptime(stamp, _STAMP).replace(tzinfo=now.tzinfo)
        except ValueError:
            newest = None
        if newest is not None and now - newest < timedelta(days=1):
            return None
    return make_backup(db_path, now, "daily", keep)


def restore(db_path: Path, source: Path, now: datetime) -> Path | None:
    """Replace the database with `source`, after checking it and backing the current one up.

    Returns:
        The backup made of the database as it was, or None if there was no database (a first restore
        on a new machine, whose data folder is then created).

    Raises:
        StorageError: if `source` is not an intact quizapp database (nothing is changed then), or the
            database cannot be written.
    """
    from quizapp.store.files import check_intact

    check_intact(source)
    saved = make_backup(db_path, now, "before-restore") if db_path.exists() else None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(db_path)
    except OSError as e:
        raise StorageError(f"cannot create the folder for the database {db_path}: {e.strerror}") from e
    except sqlite3.Error as e:
        raise StorageError(f"cannot restore {source} into {db_path}: {e}") from e
    try:
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            src.backup(target)
        finally:
            src.close()
    except sqlite3.Error as e:
        raise StorageError(f"cannot restore {source} into {db_path}: {e}") from e
    finally:
        target.close()
    return saved
