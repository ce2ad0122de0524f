"""Opening the database: engine, SQLite pragmas, schema creation and version check."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import SQLModel

from quizapp.errors import StorageError
from quizapp.store.files import schema_version_of
from quizapp.store.migrations import SCHEMA_VERSION, migrate
from quizapp.store.tables import meta_table

BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    """WAL so readers never block the writer; FULL sync so a committed answer survives power loss."""
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _begin(conn: Connection) -> None:
    """Writers take the lock up front (BEGIN IMMEDIATE), so two instances wait instead of failing."""
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite pragmas are applied only on SQLite, so SQL stays portable."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    return engine


class Database:
    """An open quizapp database."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error."""
        try:
            with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
                yield conn
        except OperationalError as e:
            raise StorageError(f"cannot write the database {self.path}: {e.orig}") from e

    def close(self) -> None:
        """Release connections (and the WAL's shared memory)."""
        self.engine.dispose()


def _create(engine: Engine) -> None:
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        SQLModel.metadata.create_all(conn)
        conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))


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
    if version is not None and version < SCHEMA_VERSION:
        migrate(path, version, datetime.now(UTC))
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        if version is None:
            _create(engine)
    except (DatabaseError, OperationalError) as e:
        engine.dispose()
        raise StorageError(f"cannot create the database {path}: {getattr(e, 'orig', e)}") from e
    return Database(engine, path)
