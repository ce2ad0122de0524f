"""Time from launching `quizapp` to the first card painted, measured on a real pseudo-terminal.

Usage: python benchmarks/first_card.py [--db PATH] [--deck ID] [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
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


def first_card_seconds(args: list[str], env: dict[str, str], timeout: float = 30) -> float:
    """Seconds until the review screen's first card is on the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "quizapp", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**env, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()
    try:
        while MARKER not in output:
            if time.perf_counter() - started > timeout:
                raise TimeoutError(bytes(output[-500:]))
            try:
                output.extend(os.read(master, 65536))
            except OSError:
                raise RuntimeError(f"quizapp exited: {bytes(output[-500:])!r}") from None
        return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        os.close(master)


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
