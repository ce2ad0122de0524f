"""Time and memory of code that must stay linear on hostile text, steady on a busy machine."""

from __future__ import annotations

import gc
import signal
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from types import FrameType

import pytest

DEPTH_STEP = 13  # frames between two runs' call depths; wider than the slow bands seen (about 9 frames)


@contextmanager
def give_up_after(seconds: float) -> Iterator[None]:
    """Fail the test instead of hanging when super-linear code meets hostile text."""

    def expire(signum: int, frame: FrameType | None) -> None:
        pytest.fail(f"still running after {seconds:g} s: super-linear on hostile text?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _deeper(frames: int, run: Callable[[], object]) -> object:
    """`run()` called `frames` calls further down the stack."""
    return run() if frames <= 0 else _deeper(frames - 1, run)


def cpu_seconds(run: Callable[[], object], *, repeat: int = 2, limit: float = 10.0) -> float:
    """Fewest CPU seconds `run` took in `repeat` runs, each from a different call depth.

    CPU time, so other processes barely count, with the garbage collector paused. The depth varies because CPython 3.11 maps and
    unmaps a chunk of its frame stack on every call made right at a chunk's edge, which makes a
    loop of calls several times slower at a few call depths whatever the algorithm.
    """
    best = float("inf")
    collecting = gc.isenabled()
    gc.collect()  # a collection of what earlier tests left is not the cost of `run`
    gc.disable()
    try:
        with give_up_after(limit * repeat):
            for attempt in range(repeat):
                started = time.process_time()
                _deeper(attempt * DEPTH_STEP, run)
                best = min(best, time.process_time() - started)
    finally:
        if collecting:
            gc.enable()
    return best


def quarter_and_whole(
    run_on: Callable[[int], Callable[[], object]], size: int, *, repeat: int = 5
) -> tuple[float, float]:
    """Fewest CPU seconds of `run_on(size // 4)()` and of `run_on(size)()`, the two runs interleaved, each
    attempt from another call depth (as `cpu_seconds` varies it).

    Linear code takes about 4x as long on the whole as on the quarter and quadratic code 16x, so a check at
    8x stays far from both; interleaving puts a slow stretch of a busy machine on both sizes, not on one.
    """
    quarter_run, whole_run = run_on(size // 4), run_on(size)
    quarter = whole = float("inf")
    for attempt in range(repeat):
        frames = attempt * DEPTH_STEP
        quarter = min(quarter, cpu_seconds(partial(_deeper, frames, quarter_run), repeat=1))
        whole = min(whole, cpu_seconds(partial(_deeper, frames, whole_run), repeat=1))
    return quarter, whole


def peak_allocation(run: Callable[[], object]) -> int:
    """Most bytes Python held at once during `run()`, beyond what it held before (the input is not counted)."""
    tracing_already = tracemalloc.is_tracing()
    if not tracing_already:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not tracing_already:
            tracemalloc.stop()
    return peak - before
