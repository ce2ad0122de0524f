"""Reading a database file without changing it: is it ours, which schema, is it intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store.migrations import SCHEMA_VERSION


def schema_version_of(path: Path) -> int | None:
    """Schema version of an existing file, read-only so a foreign file is never modified.

    Returns None for a missing or empty file (a new database).
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise StorageError(
                f"{path} is not an SQLite database (corrupt or another kind of file); refusing to touch it"
            )
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"meta", "card", "review"} <= tables:
                raise StorageError(f"{path} is an SQLite database, but not a quizapp one; refusing to touch it")
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise StorageError(f"cannot read {path}: {e} (is it a quizapp database?)") from e
    if row is None or not str(row[0]).isdigit():
        raise StorageError(f"{path} has no quizapp schema version; refusing to touch it")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        known = f"schema {version}, this one knows {SCHEMA_VERSION}"
        raise StorageError(f"{path} was written by a newer quizapp ({known}); upgrade quizapp")
    return version


def check_intact(path: Path) -> int:
    """Schema version of a quizapp database that passes SQLite's integrity check.

    Raises:
        StorageError: if the file is missing, foreign, from a newer version, or damaged.
    """
    version = schema_version_of(path)
    if version is None:
        raise StorageError(f"{path} is missing or empty")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise StorageError(f"{path} is damaged: {e}") from e
    finally:
        conn.close()
    if result != "ok":
        raise StorageError(f"{path} is damaged: {result}")
    return version
