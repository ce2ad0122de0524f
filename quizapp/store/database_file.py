"""Reading a database file without changing it: is it ours, which schema, is it intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store.connection import companion, connect_read_only, storage_problem
from quizapp.store.migrations import SCHEMA_VERSION

_TABLE_NAMES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_SCHEMA_VERSION = "SELECT value FROM meta WHERE key = 'schema_version'"


def _header(path: Path) -> bytes | None:
    """The first 16 bytes of the file, or None if there is no file.

    Raises:
        StorageError: if the path is a folder or the file cannot be read.
    """
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file")
    try:
        with path.open("rb") as f:
            return f.read(16)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StorageError(f"cannot read {path}: {(e.strerror or str(e)).lower()}") from e


def _reader(path: Path) -> sqlite3.Connection:
    """`connect_read_only`, with its errors said as the user can act on them."""
    try:
        return connect_read_only(path)
    except sqlite3.DatabaseError as e:
        raise _unreadable(path, e) from e


def _unreadable(path: Path, e: sqlite3.DatabaseError) -> StorageError:
    problem = storage_problem(e, path=path)
    if problem is None:
        return StorageError(f"cannot read {path}: {e} (is it a quizapp database?)")
    return StorageError(f"cannot open {path}: {problem}")


def schema_version_of(path: Path) -> int | None:
    """Schema version of an existing file, read-only so a foreign file is never modified (beyond SQLite's
    own rollback of a write cut short, which any program opening it to write would do first).

    Returns None for a new database: no file, an empty one, or an SQLite file without a single table
    (which is what a creation killed before its commit leaves; it holds nothing to lose).
    """
    if companion(path, "-journal").exists() and _header(path):
        # a write cut short in rollback mode (as when the file was being made a WAL database) can leave
        # the header unwritten: SQLite rolls it back, as any writer would, before the file is judged
        _reader(path).close()
    header = _header(path)
    if not header:
        return None
    if header != b"SQLite format 3\x00":
        raise StorageError(f"{path} is not an SQLite database (corrupt or another kind of file); refusing to touch it")
    try:
        conn = _reader(path)
        try:
            tables = {name for (name,) in conn.execute(_TABLE_NAMES)}
            if not tables:
                return None
            if not {"meta", "card", "review"} <= tables:
                raise StorageError(f"{path} is an SQLite database, but not a quizapp one; refusing to touch it")
            row = conn.execute(_SCHEMA_VERSION).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise _unreadable(path, e) from e
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
    conn = _reader(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise StorageError(f"{path} is damaged: {e}") from e
    finally:
        conn.close()
    if result != "ok":
        raise StorageError(f"{path} is damaged: {result}")
    return version
