"""Messages the screens send the app, so no screen imports the app it is mounted in."""

from __future__ import annotations

from textual.message import Message


class HomeWanted(Message):
    """A screen is done (a session ended, its summary was read): show home."""
