"""What the app opens on, as the command line asked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Start:
    """Home, or a review of a deck or topic, a drill of a topic, or a mock interview."""

    deck: str | None = None
    topic: str | None = None
    mode: str = "review"  # "review", "drill" or "mock"
    minutes: int | None = None  # a mock's length (default: the [mock] settings)
    seed: int | None = None  # a mock's draw
