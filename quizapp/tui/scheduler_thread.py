"""The review's writes on a thread of their own, so waiting for another window's lock never freezes the screen."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from quizapp.errors import StorageError
from quizapp.scheduling import ReviewScheduler
from quizapp.store.connection import storage_problem
from quizapp.store.database import Database

T = TypeVar("T")


class SchedulerThread:
    """A scheduler like the library's, on one thread of its own and over a connection of its own.

    A write waits up to the busy timeout (5 s) while another window holds the write lock, so the
    answers, undos, suspends and buries, and the queue reads that follow them, run here, one at a
    time and in the order given, while the event loop awaits them.

    SQLite binds a connection to the thread that opened it, so this thread opens its own, at its
    first job, rather than share the library's: a shared connection would need a lock, and a read on
    the event loop (home's counts) would then wait behind a write waiting for the other window. The
    library's connection stays on the event loop for its reads, which in WAL mode never wait for a
    writer. The connection lives as long as the app, so its commits are counted for the WAL
    checkpoint as before.
    """

    def __init__(self, scheduler: ReviewScheduler) -> None:
        self._like = scheduler
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-writes")
        self._scheduler: ReviewScheduler | None = None  # opened and used on the thread only
        self._used = False
        self._closed = False

    async def run(self, job: Callable[[ReviewScheduler], T]) -> T:
        """Run `job` with this thread's scheduler, and return what it returns.

        Raises:
            StorageError: if the thread's connection cannot be opened.
            Exception: whatever `job` raises.
        """
        self._used = True
        return await asyncio.wrap_future(self._executor.submit(self._call, job))

    def _call(self, job: Callable[[ReviewScheduler], T]) -> T:
        if self._scheduler is None:
            self._scheduler = self._open()
        return job(self._scheduler)

    def _open(self) -> ReviewScheduler:
        like = self._like
        path = like.db.path
        try:
            db = Database(path, read_only=like.db.read_only)
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the database {path}: {storage_problem(e, path=path) or e}") from e
        # the same FSRS: an answer given here takes the outcome the grade bar's preview worked out on the event loop
        return ReviewScheduler(db, like.memory.settings, like.review, now=like.now, tz=like.tz, memory=like.memory)

    def close(self) -> None:
        """Close the connection once the jobs given so far are done, and end the thread, without waiting:
        a write under way still commits or fails whole (the interpreter waits for it before exiting)."""
        if self._closed:
            return
        self._closed = True
        if self._used:
            self._executor.submit(self._close)
        self._executor.shutdown(wait=False)

    def _close(self) -> None:
        if self._scheduler is not None:
            self._scheduler.db.close()
            self._scheduler = None
