"""Python's cyclic garbage collector, held off while quizapp allocates in bursts that leave no cycles behind.

A collection walks every live object of its generation, and the oldest one holds everything imported:
parsing 10k questions runs many full collections over a growing heap, and they free nothing (parsing
leaves no cycles: `gc.collect()` finds 0 objects after it). Held off, a cold import of 10k questions
takes 0.92x as long and the TUI's path to its first card 0.93x (README, "Speed"); the peak memory of
the import stays at 92 MB, since objects without cycles are freed by their reference counts either way.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False


@contextmanager
def held_off() -> Iterator[None]:
    """No collection inside the block; the collector is back as it was after it (it may already be off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pause_for_start() -> None:
    """Off until `resume_after_start`: the TUI's imports and first screen allocate the app's lasting objects."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_after_start() -> None:
    """Back on, once the first screen is painted, with what exists now frozen (set apart for good): the modules,
    classes and widgets of the start live as long as the app, and no later collection walks them again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
