"""Time from launching `quizapp` to the first card painted, and the TUI's peak memory, on a real pseudo-terminal;
and the same launch of a bare Textual app painting the same card (`bare_card.py`), which quizapp's start-up is
measured against.

Usage: python benchmarks/first_card.py [--db PATH] [--decks DIR] [--deck ID] [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

MARKER = b"show answer"
ANSWER_SIDE = b"Again"  # on the grade bar under a turned card
BARE_CARD = Path(__file__).with_name("bare_card.py")


def quizapp_command(args: list[str]) -> list[str]:
    """`quizapp` with `args`, as `python -m quizapp` (what the `quizapp` script runs)."""
    return [sys.executable, "-m", "quizapp", *args]


def bare_command(markdown: Path) -> list[str]:
    """The bare Textual app painting the Markdown of `markdown`."""
    return [sys.executable, str(BARE_CARD), str(markdown)]


class Tui:
    """A terminal app (by default `quizapp` with `args`) on a pseudo-terminal of 80x24."""

    def __init__(self, args: list[str], env: dict[str, str], command: list[str] | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command or quizapp_command(args),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color"},
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def wait_for(self, marker: bytes, timeout: float = 60) -> float:
        """Seconds from launch until `marker` is on the terminal."""
        start = len(self.output)
        deadline = time.perf_counter() + timeout
        while marker not in self.output[start:]:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                raise TimeoutError(f"no {marker!r} on the screen: {bytes(self.output[-300:])!r}")
            try:
                self.output.extend(os.read(self.master, 65536))
            except OSError:
                raise RuntimeError(f"the app exited: {bytes(self.output[-500:])!r}") from None
        return time.perf_counter() - self.started

    def answer(self, count: int) -> None:
        """Reveal and grade Good, `count` times, waiting for each next card."""
        for _ in range(count):
            os.write(self.master, b" ")
            self.wait_for(ANSWER_SIDE)  # a grade typed before the card is turned would be for the question side
            os.write(self.master, b"3")
            self.wait_for(MARKER)

    def peak_rss_mb(self) -> float:
        """The process's peak resident memory so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return kb / 1024

    def close(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        os.close(self.master)


def first_card_seconds(args: list[str], env: dict[str, str], timeout: float = 60) -> float:
    """Seconds until the review screen's first card is on the terminal."""
    return launch_seconds(quizapp_command(args), env, timeout)


def launch_seconds(command: list[str], env: dict[str, str], timeout: float = 60) -> float:
    """Seconds from starting `command` until its first card is on the terminal (MARKER under it)."""
    tui = Tui([], env, command)
    try:
        return tui.wait_for(MARKER, timeout)
    finally:
        tui.close()


def peak_rss_mb(args: list[str], env: dict[str, str], answers: int = 20) -> float:
    """Peak memory of the TUI after its first card and `answers` answers."""
    tui = Tui(args, env)
    try:
        tui.wait_for(MARKER)
        tui.answer(answers)
        return tui.peak_rss_mb()
    finally:
        tui.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--deck", default="diffusion-math")
    parser.add_argument("--decks", type=Path, help="deck folder (default: the bundled decks)")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    home = tempfile.mkdtemp()
    db = options.db or Path(home) / "bench.db"
    env = {**os.environ, "QUIZAPP_HOME": home}
    args = ["--db", str(db), "--deck", options.deck, *(["--decks", str(options.decks)] if options.decks else [])]
    first_card_seconds(args, env)  # the first run creates and syncs the database
    times = [first_card_seconds(args, env) for _ in range(options.runs)]
    print(f"first card painted: median {statistics.median(times):.3f} s, min {min(times):.3f} s over {len(times)} runs")


if __name__ == "__main__":
    main()
