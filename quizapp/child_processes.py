"""Work done in child processes that never outlive quizapp: parallel deck parsing, the report's reads.

SQLite in two threads of one process barely overlaps (its allocator takes a global lock), and
Python code does not at all, so work that must run on both CPUs runs in processes. A child:
- dies with its parent, however the parent dies (Linux's PR_SET_PDEATHSIG, else a watch thread):
  an orphan would otherwise finish its work and then block forever on a pipe nobody reads;
- ignores Ctrl-C, which reaches the whole process group: the parent alone acts on it, and kills
  its children;
- is forked: it starts in milliseconds with everything imported. Only a process with a single thread
  forks (`can_fork`): a child of one whose other threads may hold a lock can wait for it forever.
  (Spawning instead fails inside the Textual app, whose terminal handling leaves file descriptors
  that multiprocessing cannot pass on; the app runs such work in threads instead.)
A job whose child died or failed is run again in this process, so its error is raised here, with
its traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ORPHAN_CHECK_SECONDS = 0.2  # how often a child without PR_SET_PDEATHSIG looks for its parent

T = TypeVar("T")
Job = tuple[Callable[..., T], tuple[Any, ...]]


def kernel_kills_orphans() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies, however the parent dies (even by SIGKILL,
    when no code of the parent runs); False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    result: int = libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), *(ctypes.c_ulong(0),) * 3)
    return result == 0


def _exit_when_orphaned(parent: int) -> None:
    """Where the kernel cannot be asked, notice the parent's death by being adopted by another process."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def become_child_of(parent: int) -> None:
    """In a child: ignore Ctrl-C and die with `parent`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked since the fork, see ctrl_c_held
    if not kernel_kills_orphans():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before it could be watched
        os._exit(1)


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold SIGINT back while starting children, so one is born with it blocked and cannot take a Ctrl-C
    for a KeyboardInterrupt before it ignores it; one that came meanwhile is raised on leaving."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def can_fork() -> bool:
    """Whether children can be forked here: the platform forks and this process runs a single thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _child(work: Callable[..., None], args: tuple[Any, ...], results: Connection, parent: int) -> None:
    become_child_of(parent)
    with contextlib.suppress(Exception):  # the parent does again what is missing, to raise it with its traceback
        work(*args, results)
    results.close()


@contextlib.contextmanager
def forked(works: Sequence[tuple[Callable[..., None], tuple[Any, ...]]]) -> Iterator[list[Connection]]:
    """Start a forked child for each work (a function and its arguments; it is also given the connection to
    send its results on) and yield the connections to read them from, in order; an end read as EOFError is the
    child's end, done or dead. On leaving, however it is left (Ctrl-C included), the children are killed and
    reaped. Call only where `can_fork`."""
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: F401  (imported once here, not once in each child, by kernel_kills_orphans)
    context: Any = multiprocessing.get_context("fork")
    processes: list[BaseProcess] = []
    readers: list[Connection] = []
    try:
        with ctrl_c_held():
            for work, args in works:
                reader, writer = context.Pipe(duplex=False)
                readers.append(reader)
                child = context.Process(target=_child, args=(work, args, writer, os.getpid()), daemon=True)
                processes.append(child)
                child.start()
                writer.close()  # the child holds the only writer left: its end reads as the child's end
        yield readers
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            if process.pid is not None:
                process.join()
        for reader in readers:
            reader.close()


def _send_result(function: Callable[..., Any], args: tuple[Any, ...], results: Connection) -> None:
    results.send(function(*args))


def run_in_children(jobs: Sequence[Job[Any]]) -> list[Any]:
    """The result of each job (a function and its arguments), each run in a forked child at once, in the order
    given (call only where `can_fork`); a job whose child died or failed is run again here."""
    results: dict[int, Any] = {}
    with forked([(_send_result, job) for job in jobs]) as readers:
        pending = list(readers)
        while pending:
            for ready in wait(pending):
                index = readers.index(ready)  # type: ignore[arg-type]
                with contextlib.suppress(EOFError, OSError):  # died or failed: run again below
                    results[index] = readers[index].recv()
                pending.remove(readers[index])
    return [results[i] if i in results else function(*args) for i, (function, args) in enumerate(jobs)]
