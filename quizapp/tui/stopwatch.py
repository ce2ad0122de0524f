"""The clock the screens measure durations with: a card's answer time, the time spent, a mock's countdowns.
One place, so a test can stop it and a picture of the screen comes out the same every time."""

from __future__ import annotations

import time


def seconds() -> float:
    """A monotonic reading in seconds: only differences between two readings mean anything."""
    return time.monotonic()
