"""The stdlib SQLite connection: pragmas, transactions and the stored time format.

Start-up, the queue and answering run plain SQL on `sqlite3`: importing SQLAlchemy
alone costs about 0.3 s, half of the start-up budget, and its per-statement overhead
is most of an answer's cost. SQLModel (`tables.py`) defines and creates the schema;
the statements here and in `sync.py` run against those tables, and every test runs
them on a database SQLModel created.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from quizapp.errors import StorageError

BUSY_TIMEOUT_MS = 5000


def apply_pragmas(conn: sqlite3.Connection) -> None:
    """WAL so readers never block the writer; FULL sync so a committed answer survives power loss."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def storage_problem(e: sqlite3.Error, conn: sqlite3.Connection | None = None) -> str | None:
    """What the user can act on in an SQLite error (a lock, permissions, a full or failing disk, damage),
    or None when the error is a bug in a statement (no such column, a syntax error, a broken constraint).

    Decided by SQLite's primary result code, not by the wording of the message.

    Args:
        e: the error SQLite raised.
        conn: the connection it came from, to report how long a lock was waited for.
    """
    code = getattr(e, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        waited = ""
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                waited = f" (waited {conn.execute('PRAGMA busy_timeout').fetchone()[0] / 1000:g} s)"
        return f"it is locked by another quizapp{waited}; close the other one and try again"
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return "the file or its folder is read-only"
    if primary == sqlite3.SQLITE_CANTOPEN:
        return "the file or its journal cannot be opened (check the folder exists and is writable)"
    if primary == sqlite3.SQLITE_FULL:
        return "the disk is full"
    if primary == sqlite3.SQLITE_IOERR:
        return f"the disk failed to read or write ({e.sqlite_errorname})"
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return "the file is damaged; `quizapp restore` can bring back a backup"
    return None


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun explicitly (see `read` and `write`)."""
    conn = sqlite3.connect(path, isolation_level=None)
    apply_pragmas(conn)
    return conn


def to_db(moment: datetime) -> str:
    """UTC as SQLAlchemy stores a DateTime on SQLite: naive, always with microseconds, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
    u = moment.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d} {u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}"


def from_db(text: str | None) -> datetime | None:
    """The aware UTC datetime of a stored time."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


@contextmanager
def read(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction, so several queries see one state of the database."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


@contextmanager
def write(conn: sqlite3.Connection, path: Path | None) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock up front (BEGIN IMMEDIATE), so two instances
    wait for each other instead of failing; committed on success, rolled back on any error.

    Raises:
        StorageError: if the database cannot be written (locked past the timeout, read-only, disk full
            or failing, damaged). Any other sqlite3 error is a bug in a statement and propagates unchanged.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the error that got us here is the one to report
                    conn.execute("ROLLBACK")
            raise
    except sqlite3.DatabaseError as e:
        problem = storage_problem(e, conn)
        if problem is None:
            raise
        raise StorageError(f"cannot write the database {path}: {problem}") from e
