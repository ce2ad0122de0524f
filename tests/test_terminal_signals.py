"""The TUI leaves cleanly when its terminal goes: SIGTERM, SIGHUP, a hangup without a signal, no terminal at all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINI_DECKS
from tests.pty_terminal import Terminal
from tests.test_crash_safety import on_terminal

pytestmark = pytest.mark.slow
RESTORED = [b"\x1b[?1049l", b"\x1b[?1000l"]  # the alternate screen left, mouse tracking off


def started(tmp_path: Path) -> Terminal:
    terminal = on_terminal(tmp_path / "q.db", tmp_path)
    terminal.wait_for("new cards left")
    return terminal


def exit_code_within(terminal: Terminal, seconds: float) -> int:
    try:
        return terminal.process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"quizapp still running {seconds} s later")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_restores_the_terminal_and_exits(tmp_path: Path, signum: int, code: int) -> None:
    terminal = started(tmp_path)
    terminal.process.send_signal(signum)
    assert exit_code_within(terminal, 5) == code
    time.sleep(0.2)  # the last output drained
    tail = bytes(terminal.output[-400:])
    assert all(sequence in tail for sequence in RESTORED), tail


def test_a_terminal_that_vanishes_without_a_signal_ends_the_process(tmp_path: Path) -> None:
    terminal = started(tmp_path)
    terminal.hang_up()  # no controlling terminal, so no SIGHUP: only the hangup tells
    assert exit_code_within(terminal, 2) == 129


def test_without_a_terminal_the_review_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(tmp_path / "q.db"), "--decks", str(MINI_DECKS)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "QUIZAPP_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("quizapp: the review needs a terminal")
