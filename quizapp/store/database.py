"""Opening the database: version check, migration, schema creation, transactions."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store import connection
from quizapp.store.files import schema_version_of
from quizapp.store.migrations import SCHEMA_VERSION, migrate

CHECKPOINT_EVERY = 100  # commits; each answer adds about 8 pages to the WAL


class _Checkpointer:
    """Copies the WAL back into the database file on a thread of its own.

    SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, and with
    synchronous=FULL it fsyncs the whole database: 10-25 ms for one answer in a hundred. A
    checkpoint is not needed for durability (the WAL commit is durable), so it is done here,
    PASSIVE (never waiting on readers or writers), while the user reads the next card.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            conn = connection.connect(self.path)
        except sqlite3.Error:
            return  # answers still commit; the WAL is then checkpointed when quizapp closes
        try:
            while self.wanted.wait() and not self.stopping:
                self.wanted.clear()
                with contextlib.suppress(sqlite3.Error):  # busy or failed: the next one catches up
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def stop(self) -> None:
        """Finish the checkpoint under way, if any, and end the thread."""
        self.stopping = True
        self.wanted.set()
        self.thread.join(timeout=5)


class Database:
    """An open quizapp database: one stdlib connection, used from the thread that opened it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connection.connect(path)
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpointer: _Checkpointer | None = None  # started at the first checkpoint, not before
        self._commits = 0

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        """A read transaction."""
        return connection.read(self.conn)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any error (StorageError if unwritable)."""
        with connection.write(self.conn, self.path) as conn:
            yield conn
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0:
            self._checkpointer = self._checkpointer or _Checkpointer(self.path)
            self._checkpointer.wanted.set()

    def close(self) -> None:
        """Release the connection (the last one to close checkpoints and removes the WAL)."""
        if self._checkpointer:
            self._checkpointer.stop()
        self.conn.close()


def _create(path: Path) -> None:
    """Create the tables from the SQLModel definitions (imported here: only a new database needs them)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import SQLModel

    from quizapp.store.tables import meta_table

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda dbapi, _record: connection.apply_pragmas(dbapi))
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    except SQLAlchemyError as e:
        raise StorageError(f"cannot create the database {path}: {getattr(e, 'orig', e)}") from e
    finally:
        engine.dispose()


def open_database(path: Path) -> Database:
    """Open (creating if needed) the database at `path`.

    Raises:
        StorageError: if the file is not a quizapp database, is corrupt, or comes from a newer version.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(f"cannot create the folder for the database {path}: {e.strerror}") from e
    version = schema_version_of(path)
    try:
        if version is None:
            _create(path)
        elif version < SCHEMA_VERSION:
            migrate(path, version, datetime.now(UTC))
        return Database(path)
    except sqlite3.Error as e:
        raise StorageError(f"cannot open the database {path}: {e}") from e
