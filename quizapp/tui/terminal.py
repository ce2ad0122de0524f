"""Leaving cleanly when the terminal goes: SIGTERM, SIGHUP, or a hangup that sends no signal.

Answers are committed as they are given, so leaving is always safe; what matters is to leave:
restore the terminal (alternate screen, echo, mouse tracking) on a signal, and not keep
running when the terminal is gone (Textual's input thread then reads end-of-file in a loop
at a full core).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import select
import signal
import sys
import threading
from typing import Any

from textual.app import App

EXIT_CODES = {signal.SIGTERM: 128 + signal.SIGTERM, signal.SIGHUP: 128 + signal.SIGHUP}
_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL
POLL_MS = 250


def leave_when_the_terminal_goes(app: App[Any]) -> None:
    """Exit `app` normally (so Textual restores the terminal) on SIGTERM or SIGHUP, or when its
    terminal hangs up. Call from the app's mount, on the event loop's thread."""
    loop = asyncio.get_running_loop()
    for signum, code in EXIT_CODES.items():
        loop.add_signal_handler(signum, functools.partial(app.exit, None, code))
    if sys.__stdin__ is not None and sys.__stdin__.isatty():
        watcher = threading.Thread(target=_watch, args=(app, sys.__stdin__.fileno()), name="hangup", daemon=True)
        watcher.start()


def _watch(app: App[Any], fd: int) -> None:
    """Poll the terminal for a hangup (no event is asked for: poll always reports these)."""
    poller = select.poll()
    poller.register(fd, 0)
    while app.is_running:
        if any(events & _GONE for _fd, events in poller.poll(POLL_MS)):
            with contextlib.suppress(RuntimeError):  # the app finished meanwhile
                app.call_from_thread(app.exit, None, EXIT_CODES[signal.SIGHUP])
            return
