"""Opening the database: version check, migration, schema creation, transactions."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from quizapp.errors import StorageError
from quizapp.store import connection
from quizapp.store.files import schema_version_of
from quizapp.store.migrations import SCHEMA_VERSION, migrate


class Database:
    """An open quizapp database: one stdlib connection, used from the thread that opened it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connection.connect(path)

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        """A read transaction."""
        return connection.read(self.conn)

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any error (StorageError if unwritable)."""
        return connection.write(self.conn, self.path)

    def close(self) -> None:
        """Release the connection (and the WAL's shared memory)."""
        self.conn.close()


def _create(path: Path) -> None:
    """Create the tables from the SQLModel definitions (imported here: only a new database needs them)."""
    from sqlalchemy import create_engine, event
    from sqlmodel import SQLModel

    from quizapp.store.tables import meta_table

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda dbapi, _record: connection.apply_pragmas(dbapi))
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
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
    except Exception as e:  # SQLAlchemy's errors, without importing SQLAlchemy to name them
        if type(e).__module__.startswith("sqlalchemy"):
            raise StorageError(f"cannot create the database {path}: {getattr(e, 'orig', e)}") from e
        raise
