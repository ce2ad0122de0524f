"""Card states, shared by the tables, the scheduler and the screens (stdlib only, so cheap to import)."""

from __future__ import annotations

from enum import IntEnum


class CardState(IntEnum):
    """Our card states: py-fsrs's three plus New (never reviewed)."""

    New = 0
    Learning = 1
    Review = 2
    Relearning = 3
