"""`quizapp` on a real pseudo-terminal, its output drained in the background: the harness of the tests
that drive the TUI as a user's terminal does, with keys in and kills and signals from outside."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

OPEN: list[Terminal] = []
"""Every terminal opened and not yet closed: `close_all` ends them after each test (tests/conftest.py),
so a failing test never leaves quizapp running (without its terminal it would spin)."""


class Terminal:
    """`quizapp ARGS` on a pseudo-terminal of `size` (rows, columns)."""

    def __init__(
        self,
        args: Sequence[str],
        home: Path,
        *,
        size: tuple[int, int] = (24, 80),
        prefix: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
        environment = dict(env) if env is not None else {**os.environ, "TERM": "xterm-256color"}
        environment["QUIZAPP_HOME"] = str(home)
        self.process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "quizapp", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            start_new_session=True,
        )
        os.close(slave)
        self.master: int | None = master
        self.output = bytearray()
        OPEN.append(self)
        threading.Thread(target=self._drain, args=(master,), daemon=True).start()

    def _drain(self, master: int) -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            assert self.process.poll() is None, f"quizapp exited: {bytes(self.output[-2000:])!r}"
            assert time.monotonic() < deadline, f"{text!r} never shown"
            time.sleep(0.05)

    def press(self, key: str) -> None:
        assert self.master is not None
        os.write(self.master, key.encode())

    def hang_up(self) -> None:
        """Close the terminal's side of the pty, as a vanished terminal does (no signal is sent)."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def kill(self) -> None:
        """SIGKILL quizapp, wait for it, and close the terminal."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.hang_up()
        if self in OPEN:
            OPEN.remove(self)


def close_all() -> None:
    """Kill every quizapp a test left running on a terminal."""
    while OPEN:
        OPEN[-1].kill()
