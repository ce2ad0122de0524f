"""Opening the database: version check, migration, schema creation, transactions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from quizapp.config import make_user_decks_dir
from quizapp.errors import StorageError
from quizapp.store import connection
from quizapp.store.connection import storage_problem
from quizapp.store.database_file import schema_version_of
from quizapp.store.migrations import SCHEMA_VERSION
from quizapp.store.upgrade import migrate

CHECKPOINT_EVERY = 100  # commits; each answer adds about 8 pages to the WAL
CHECKPOINT_PAUSE = 0.5  # seconds without a commit: the user is reading a card, not answering one
CHECKPOINT_AT_MOST = 1000  # commits: a WAL that never sees a pause is checkpointed all the same
_WRITE_NOTHING = "UPDATE meta SET value = value WHERE key = 'schema_version'"  # a write that changes no data
_TABLES = "SELECT count(*) FROM sqlite_master"
_STAMP_VERSION = "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"


def checkpoint_delay(pending: int, quiet: float) -> float | None:
    """Seconds until the WAL is checkpointed, `pending` commits after the last checkpoint and `quiet` seconds after
    the last commit: None while it is too short to be worth one, 0 for now.

    The checkpoint fsyncs the database file, which slows the commits that overlap it: run while answers follow
    each other closely, it would be paid by the next few answers (up to 8 ms each on a small disk). So it waits
    for a pause, which a user reading the next card always makes, and only a WAL that keeps growing without
    one is checkpointed at once.
    """
    if pending < CHECKPOINT_EVERY:
        return None
    if pending >= CHECKPOINT_AT_MOST:
        return 0.0
    return max(0.0, CHECKPOINT_PAUSE - quiet)


class _Checkpointer:
    """Copies the WAL back into the database file on a thread of its own, in a pause between commits.

    SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, and with
    synchronous=FULL it fsyncs the whole database: 10-25 ms for one answer in a hundred. A
    checkpoint is not needed for durability (the WAL commit is durable), so it is done here,
    PASSIVE (never waiting on readers or writers), when `checkpoint_delay` says.
    """

    def __init__(self, path: Path, pending: int) -> None:
        self.path = path
        self.pending = pending  # commits since the last checkpoint
        self.last_commit = time.monotonic()
        self.changed = threading.Condition()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self.thread.start()

    def committed(self) -> None:
        """Count a commit; wake the thread only when a checkpoint becomes due, not at every answer."""
        with self.changed:
            self.pending += 1
            self.last_commit = time.monotonic()
            if self.pending in (CHECKPOINT_EVERY, CHECKPOINT_AT_MOST):
                self.changed.notify()

    def _due(self) -> bool:
        """Wait, under the lock, until a checkpoint is due or the thread stops; True if one is due."""
        while not self.stopping:
            delay = checkpoint_delay(self.pending, time.monotonic() - self.last_commit)
            if delay == 0:
                self.pending = 0
                return True
            self.changed.wait(delay)
        return False

    def _run(self) -> None:
        try:
            conn = connection.connect(self.path)
        except sqlite3.Error:
            return  # answers still commit; the WAL is then checkpointed when quizapp closes
        try:
            while True:
                with self.changed:
                    if not self._due():
                        return
                with contextlib.suppress(sqlite3.Error):  # busy or failed: the next one catches up
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def stop(self) -> None:
        """Finish the checkpoint under way, if any, and end the thread (closing the last connection checkpoints)."""
        with self.changed:
            self.stopping = True
            self.changed.notify()
        self.thread.join(timeout=5)


class ReadOnlyDatabase(StorageError):
    """A write to a database opened read-only because its file, WAL files or folder cannot be written."""


class Database:
    """An open quizapp database: one stdlib connection, used from the thread that opened it."""

    def __init__(self, path: Path, *, read_only: str | None = None, new: bool = False) -> None:
        """Connect to the database file at `path`.

        Args:
            path: the database file.
            read_only: why the database cannot be written, if it cannot: it is then opened for reading
                only, and every write raises ReadOnlyDatabase with this reason.
            new: the database was just created (`_create`): its first write, the decks' first import, is
                committed with a rollback journal, and WAL is turned on after it.
        """
        self.path = path
        self.read_only = read_only
        self._wal_after_commit = new  # open_database never opens a new database read-only
        if read_only is None:
            self.conn = connection.connect(path, wal=not new)
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        else:
            self.conn = connection.connect_read_only(path)
        self._checkpointer: _Checkpointer | None = None  # started at the first checkpoint, not before
        self._commits = 0

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        """A read transaction (StorageError if the database cannot be read)."""
        return connection.read(self.conn, self.path)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any error (StorageError if unwritable).

        Raises:
            ReadOnlyDatabase: at once, on a database opened read-only.
        """
        if self.read_only is not None:
            raise ReadOnlyDatabase(f"read-only: answers are not saved ({self.read_only})")
        with connection.write(self.conn, self.path) as conn:
            yield conn
        self._commits += 1
        if self._wal_after_commit:
            self._wal_after_commit = False
            with contextlib.suppress(sqlite3.Error):  # still busy after the timeout: the next connection does it
                connection.use_wal(self.conn)
        if self._checkpointer is not None:
            self._checkpointer.committed()
        elif self._commits >= CHECKPOINT_EVERY:  # a thread only for the sessions that write enough to need one
            self._checkpointer = _Checkpointer(self.path, self._commits)

    @property
    def commits(self) -> int:
        """Write transactions committed on this connection so far: what `PRAGMA data_version`, which counts the
        commits of every other connection, leaves out."""
        return self._commits

    def write_problem(self) -> str | None:
        """Why this database cannot be written, or None: a write is begun and rolled back, so SQLite
        itself answers (a read-only file opens without complaint and fails only at the first write).

        Another instance holding the write lock means the file is writable: that is not waited for.
        """
        if self.read_only is not None:
            return self.read_only
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute(_WRITE_NOTHING)
            finally:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error as e:
            if _is_read_only(e):
                return storage_problem(e, path=self.path)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_MS}")
        return None

    def close(self) -> None:
        """Release the connection (the last one to close checkpoints and removes the WAL)."""
        if self._checkpointer:
            self._checkpointer.stop()
        self.conn.close()


def _is_read_only(e: sqlite3.Error) -> bool:
    code = getattr(e, "sqlite_errorcode", 0)
    return code & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM)


SCHEMA_SQL = Path(__file__).with_name("schema.sql")


def schema_statements() -> list[str]:
    """The CREATE statements of every table and index, as `tables.compiled_schema` gives them: read from
    schema.sql, so that creating a database does not import SQLAlchemy (half a second)."""
    text = SCHEMA_SQL.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in body.split(";") if statement.strip()]


def _create(path: Path) -> None:
    """Create every table and the schema-version row in one transaction, with a rollback journal.

    A crash then leaves either a complete database or an SQLite file without a single table, which
    the next run creates afresh. A second process creating the same database waits for the first
    one's lock (BEGIN IMMEDIATE), then finds the tables and leaves them as they are.

    The file stays in rollback-journal mode until the first write through `Database(new=True)` is
    committed: the decks' first import then writes its pages into the file once, where the WAL
    would take them and the checkpoint copy them again (0.2 s of a 3 s import of 10,000 questions).
    Any other connection turns WAL on as it opens (`connection.use_wal`), so a file never leaves the
    WAL once another process may be reading it through one.
    """
    statements = schema_statements()
    try:
        conn = connection.connect(path, wal=False)
    except sqlite3.Error as e:
        raise StorageError(f"cannot create the database {path}: {storage_problem(e, path=path) or e}") from e
    try:
        with connection.write(conn, path, "create"):
            if conn.execute(_TABLES).fetchone() == (0,):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(_STAMP_VERSION, (str(SCHEMA_VERSION),))
    finally:
        conn.close()


def _give_wal_files_back_their_mode(path: Path) -> None:
    """A session that could only read leaves `-wal` and `-shm` behind with the read-only mode the database
    file had then (SQLite gives them the database's permissions, and a read-only connection does not
    delete them). Once the database is writable again they would fail every write, so the ones that
    are ours get the database's mode back."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if not os.access(path, os.W_OK):
            return
    except OSError:
        return
    for suffix in ("-wal", "-shm"):
        extra = connection.companion(path, suffix)
        with contextlib.suppress(OSError):
            if extra.stat().st_uid == os.geteuid() and not os.access(extra, os.W_OK):
                extra.chmod(mode)


def open_database(path: Path, *, allow_read_only: bool = False) -> Database:
    """Open (creating if needed) the database at `path`.

    Args:
        path: the database file (its folder is created if missing: the callers check a path the
            user gave, see `config.load_settings`).
        allow_read_only: open a database that cannot be written (read-only file, WAL files or folder)
            for reading instead of failing; `Database.read_only` then says why, and every write
            raises ReadOnlyDatabase.

    Raises:
        StorageError: if the file is not a quizapp database, is corrupt, comes from a newer version,
            or cannot be read (or written, unless `allow_read_only`).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"cannot create the folder for the database {path}: {e.strerror}") from e
    _give_wal_files_back_their_mode(path)
    version = schema_version_of(path)
    new = version is None
    if version is None:
        _create(path)
        version = schema_version_of(path)  # what was created, here or by a process that got there first
        if version is None:
            raise StorageError(f"cannot create the database {path}: it is still empty after creation")
        make_user_decks_dir(path)
    try:
        if version < SCHEMA_VERSION:
            migrate(path, version, datetime.now(UTC))
        db = Database(path, new=new)
    except sqlite3.Error as e:
        problem = storage_problem(e, path=path)
        if allow_read_only and _is_read_only(e):
            return _open_read_only(path, problem or str(e))
        raise StorageError(f"cannot open the database {path}: {problem or e}") from e
    if allow_read_only:
        problem = db.write_problem()
        if problem is not None:
            db.close()
            return _open_read_only(path, problem)
    return db


def _open_read_only(path: Path, why: str) -> Database:
    try:
        return Database(path, read_only=why)
    except sqlite3.Error as e:
        raise StorageError(f"cannot open the database {path}: {storage_problem(e, path=path) or e}") from e
