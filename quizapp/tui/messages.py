"""Messages the screens send the app, so no screen imports the app it is mounted in."""

from __future__ import annotations

from textual.message import Message


class HomeWanted(Message):
    """A screen is done (a session ended, its summary was read): show home."""


class MockWanted(Message):
    """Start a mock interview with the [mock] settings (home's `m`, the Statistics screen's `m` on a topic)."""

    def __init__(self, topic: str | None = None) -> None:
        super().__init__()
        self.topic = topic
