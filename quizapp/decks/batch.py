"""Loading many changed deck files at once: parsed in parallel processes when there is enough to parse.

Parsing dominates a cold import (about 0.1 s per 1,000 questions, all in Python), and
files are independent, so each one is read, validated and turned into cards in a worker.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

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


def prepare(path: Path, raw: bytes) -> PreparedDeck | list[DeckProblem]:
    """One file's deck and cards, or its problems (returned, not raised: they cross a process boundary)."""
    try:
        deck = load_deck_bytes(raw, path)
    except DeckError as e:
        return e.problems
    topic = deck.topic or deck.deck
    return PreparedDeck(path, deck.deck, deck.display_title, deck.description, topic, card_specs(deck))


def _star_prepare(item: tuple[Path, bytes]) -> PreparedDeck | list[DeckProblem]:
    return prepare(*item)


def _workers(items: list[tuple[Path, bytes]]) -> int:
    """How many processes to use: one when the work is small, forking is unavailable, or threads run
    (forking a process with threads can deadlock)."""
    if sum(len(raw) for _, raw in items) < PARALLEL_MIN_BYTES or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(len(items), os.cpu_count() or 1))


def prepare_all(items: list[tuple[Path, bytes]]) -> tuple[list[PreparedDeck], list[DeckProblem]]:
    """Every file's deck and cards, in the given order, with every problem of every file."""
    workers = _workers(items)
    if workers == 1:
        results = [prepare(path, raw) for path, raw in items]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_star_prepare, items))
    decks = [r for r in results if isinstance(r, PreparedDeck)]
    problems = [p for r in results if not isinstance(r, PreparedDeck) for p in r]
    return decks, problems
