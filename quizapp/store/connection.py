"""The stdlib SQLite connection: pragmas, transactions and the stored time format.

Start-up, the queue and answering run plain SQL on `sqlite3`: importing SQLAlchemy
alone costs about 0.3 s, half of the start-up budget, and its per-statement overhead
is most of an answer's cost. SQLModel (`tables.py`) defines the schema, and a new
database is created from the statements SQLAlchemy compiles from it (`database._create`).
Every statement is a module-level constant (or, for the queue's per-filter statements, built by
`queue.QueueQueries`), written in capitals, and `tests/store/test_statements.py` compiles each one
against a database created that way: a column renamed in the declaration alone fails there.
Rows are read by column name (`named`), not by position.

SQLite is given a database's path as a plain file name, or as a URI built by `uri` (absolute,
percent-encoded), never as text that could be parsed: a `?`, `#` or `%` is part of a file name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from quizapp.errors import StorageError

BUSY_TIMEOUT_MS = 5000
NEARLY_FULL = 1 << 20  # bytes free under which a failed write is taken for a full disk
_OPEN_FILES = "SELECT count(*) FROM sqlite_master"  # reading the schema opens the file and its WAL


def uri(path: Path, **params: str) -> str:
    """A `file:` URI that SQLite reads back as exactly `path`: absolute, and with `?`, `#` and `%`
    percent-encoded (`as_uri` does that), so a file name is never taken for URI parameters."""
    return path.resolve().as_uri() + (f"?{urlencode(params)}" if params else "")


def companion(path: Path, suffix: str) -> Path:
    """The `-wal` or `-shm` file SQLite keeps beside the database in WAL mode."""
    return path.with_name(path.name + suffix)


def _wal_has_content(path: Path) -> bool:
    wal = companion(path, "-wal")
    return wal.exists() and wal.stat().st_size > 0


def apply_pragmas(conn: sqlite3.Connection, *, wal: bool = True) -> None:
    """WAL so readers never block the writer (unless `wal` is False: see `database._create`); FULL sync so a
    committed answer survives power loss."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if wal:
        use_wal(conn)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def use_wal(conn: sqlite3.Connection) -> None:
    """Make the database a WAL one (nothing to do when it is one already).

    Leaving a rollback journal for the WAL needs an exclusive lock, and SQLite answers BUSY at once, without
    its busy handler, while another connection holds the write lock (waiting could deadlock): so the attempt
    is repeated here, within the usual busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            busy = getattr(e, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def storage_problem(e: sqlite3.Error, conn: sqlite3.Connection | None = None, path: Path | None = None) -> str | None:
    """What the user can act on in an SQLite error (a lock, permissions, a full or failing disk, damage),
    or None when the error is a bug in a statement (no such column, a syntax error, a broken constraint).

    Decided by SQLite's result code, not by the wording of the message; the file system is then
    asked which file or folder is read-only, and whether a failed write met a full disk.

    Args:
        e: the error SQLite raised.
        conn: the connection it came from, to report how long a lock was waited for.
        path: the database file, to name the read-only file or folder and to check the free space.
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
        if path is None:
            return "the file or its folder is read-only"
        cause = read_only_cause(path, folder_named=code == sqlite3.SQLITE_READONLY_DIRECTORY)
        return f"a write cut short must be undone first, but {cause}" if code in _NEEDS_A_WRITER else cause
    if primary == sqlite3.SQLITE_CANTOPEN:
        if path is not None and not _writable(path.parent) and _wal_has_content(path):
            return (
                f"its folder {path.parent} is read-only, and {companion(path, '-wal').name} holds changes "
                "not yet in the database; make the folder writable so quizapp can fold them in"
            )
        if path is not None and not path.exists() and not _writable(path.parent):
            return f"its folder {path.parent} is read-only"
        return "the file or its journal cannot be opened (check the folder exists and is writable)"
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR and path is not None and _disk_full(path)):
        return "the disk is full"
    if primary == sqlite3.SQLITE_IOERR:
        return f"the disk failed to read or write ({e.sqlite_errorname})"
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return "the file is damaged; `quizapp restore` can bring back a backup"
    return None


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _disk_full(path: Path) -> bool:
    """Whether the disk holding `path` is (nearly) full: SQLite reports a write refused for lack of space
    while growing its shared-memory file as an I/O error (SQLITE_IOERR_SHMSIZE), not as SQLITE_FULL."""
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL
    except OSError:
        return False


def read_only_cause(path: Path, *, folder_named: bool = False) -> str:
    """Which of the database, its WAL files or its folder cannot be written, as a user would fix it.

    Args:
        path: the database file.
        folder_named: SQLite said the folder is the problem (SQLITE_READONLY_DIRECTORY).
    """
    if path.exists() and not _writable(path):
        return f"the file {path} is read-only"
    for suffix in ("-shm", "-wal"):
        extra = companion(path, suffix)
        if extra.exists() and not _writable(extra):
            return f"{extra} is read-only; make it writable, or delete it while no quizapp is running"
    if folder_named or not _writable(path.parent):
        return f"its folder {path.parent} is read-only"
    return "the file or its folder is read-only"


def connect(path: Path, *, wal: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun explicitly (see `read` and `write`).
    With `wal` False, a database still in rollback-journal mode is left in it (`apply_pragmas`).

    The path is passed as a plain file name, never parsed as a URI, so any character is allowed in it.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        apply_pragmas(conn, wal=wal)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (`mode=ro`), ready to read.

    Two states of a file only a writer can read: a write cut short leaves a journal to roll back (or
    a WAL to recover), and SQLite does that only on a connection that may write. When the file and
    its folder are writable that recovery, which any writer would run, is let happen first.

    In WAL mode even a reader needs the `-shm` file; in a read-only folder without one SQLite cannot
    create it (SQLITE_READONLY_DIRECTORY), so the file is then opened `immutable=1`: read without
    locks, which is sound because nothing can write a WAL there either. Not when a `-wal` holds
    changes: an immutable reader would skip them and show an older state.

    Raises:
        sqlite3.Error: if the file cannot be read.
    """
    try:
        return _reader(path)
    except sqlite3.Error as e:
        code = getattr(e, "sqlite_errorcode", None)
        if code in _NEEDS_A_WRITER and _writable(path) and _writable(path.parent):
            recovering = sqlite3.connect(path, isolation_level=None)
            try:
                recovering.execute(_OPEN_FILES).fetchone()
            finally:
                recovering.close()
            return _reader(path)
        if code != sqlite3.SQLITE_READONLY_DIRECTORY or _wal_has_content(path):
            raise
    return sqlite3.connect(uri(path, mode="ro", immutable="1"), uri=True, isolation_level=None)


_NEEDS_A_WRITER = (sqlite3.SQLITE_READONLY_ROLLBACK, sqlite3.SQLITE_READONLY_RECOVERY)


def _reader(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(uri(path, mode="ro"), uri=True, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(_OPEN_FILES).fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def named(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor whose rows are read by column name (`sqlite3.Row`), so no caller depends on the order of a
    select list; the connection's own rows stay tuples."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor


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
def read(conn: sqlite3.Connection, path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A read transaction, so several queries see one state of the database.

    Raises:
        StorageError: if the database cannot be read (damaged, a failing disk, a file gone); an error
            that is a bug (no such column...) propagates as it is.
    """
    try:
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")
    except sqlite3.DatabaseError as e:
        problem = storage_problem(e, conn, path)
        if problem is None:
            raise
        raise StorageError(f"cannot read the database {path}: {problem}") from e


@contextmanager
def write(conn: sqlite3.Connection, path: Path | None, doing: str = "write") -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock up front (BEGIN IMMEDIATE), so two instances
    wait for each other instead of failing; committed on success, rolled back on any error.
    `doing` names the write in the error message ("cannot create the database ...").

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
        problem = storage_problem(e, conn, path)
        if problem is None:
            raise
        raise StorageError(f"cannot {doing} the database {path}: {problem}") from e
