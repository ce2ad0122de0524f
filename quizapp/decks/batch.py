"""Loading many changed deck files at once: parsed in parallel processes when there is enough to parse.

Parsing dominates a cold import (about 0.1 s per 1,000 questions, all in Python), and
files are independent, so each one is read, validated and turned into cards in a worker.

The workers are forked by `child_processes.forked`, not by ProcessPoolExecutor, so that an import
stopped in any way leaves none behind: they die with the import process (the kernel kills
them), they ignore Ctrl-C, which the import process handles by killing them, and no pool
thread is left for the exit to wait on. (On Ctrl-C, the pool's manager thread could fail on
a future already cancelled and leave a worker waiting for work, which the exit then joined
forever; and Python 3.11 has no public way to kill a pool's workers.)
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from quizapp.child_processes import forked
from quizapp.decks.cards import CardSpec, card_specs
from quizapp.decks.loader import load_deck_bytes
from quizapp.errors import DeckError, DeckProblem

PARALLEL_MIN_BYTES = 2_000_000  # below this, starting workers costs more than it saves


@dataclass(frozen=True)
class PreparedDeck:
    """What syncing needs from one valid deck file: the deck's fields and its cards."""

    path: Path
    deck_id: str
    title: str
    description: str
    topic: str
    cards: list[CardSpec]


Prepared = PreparedDeck | list[DeckProblem]


def prepare(path: Path, raw: bytes) -> Prepared:
    """One file's deck and cards, or its problems (returned, not raised: they cross a process boundary)."""
    try:
        deck = load_deck_bytes(raw, path)
    except DeckError as e:
        return e.problems
    topic = deck.topic or deck.deck
    return PreparedDeck(path, deck.deck, deck.display_title, deck.description, topic, card_specs(deck))


def _workers(items: list[tuple[Path, bytes]]) -> int:
    """How many processes to use: one when the work is small, forking is unavailable, or threads run
    (forking a process with threads can deadlock)."""
    if sum(len(raw) for _, raw in items) < PARALLEL_MIN_BYTES or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(len(items), os.cpu_count() or 1))


def _work(items: list[tuple[Path, bytes]], share: list[int], results: Connection) -> None:
    """A worker's files, each result sent as soon as it is ready (on an error the worker stops, and the import
    process parses what is missing itself, so that the error is raised there)."""
    for index in share:
        results.send((index, prepare(*items[index])))


def _shares(items: list[tuple[Path, bytes]], workers: int) -> list[list[int]]:
    """The files each worker parses, largest first to the least loaded, so that all finish about together."""
    loads = [0] * workers
    shares: list[list[int]] = [[] for _ in range(workers)]
    for index in sorted(range(len(items)), key=lambda i: -len(items[i][1])):
        least = loads.index(min(loads))
        shares[least].append(index)
        loads[least] += len(items[index][1])
    return shares


def _prepare_in_workers(items: list[tuple[Path, bytes]], workers: int) -> list[Prepared]:
    """Every file's result, parsed by forked workers (the files of a worker that died are parsed here);
    on any exception, Ctrl-C included, the workers are killed and reaped before it propagates.

    Forked, not spawned: a worker starts in milliseconds with the parser imported and the files in
    memory, where a spawned one re-imports pydantic and gets every file pickled; and the import process
    is its parent, which PR_SET_PDEATHSIG watches (under forkserver the parent would be the server).
    The parent is the thread that forks, here the only thread (see `_workers`).
    """
    results: dict[int, Prepared] = {}
    with forked([(_work, (items, share)) for share in _shares(items, workers)]) as readers:
        pending = list(readers)
        while pending:
            ready = wait(pending)
            for reader in [r for r in pending if r in ready]:
                try:
                    index, result = reader.recv()
                except (EOFError, OSError):  # done, or died (mid-message at worst)
                    pending.remove(reader)
                    continue
                results[index] = result
    return [results[i] if i in results else prepare(*items[i]) for i in range(len(items))]


def prepare_all(items: list[tuple[Path, bytes]]) -> tuple[list[PreparedDeck], list[DeckProblem]]:
    """Every file's deck and cards, in the given order, with every problem of every file."""
    workers = _workers(items)
    results = _prepare_in_workers(items, workers) if workers > 1 else [prepare(path, raw) for path, raw in items]
    decks = [r for r in results if isinstance(r, PreparedDeck)]
    problems = [p for r in results if not isinstance(r, PreparedDeck) for p in r]
    return decks, problems
