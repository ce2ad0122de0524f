"""`--topic`: the session offers the cards of that topic and its subtopics only, and counts only them."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.conftest import MINI_DECKS
from tests.pty_terminal import Terminal

# `maths` covers itself and its subtopics; `mathsy` only starts with the same letters, `physics` is apart.
TOPICS_DECK = """format: 1
deck: topics
title: Topics
questions:
""" + "".join(
    f"  - id: {name}\n    topic: {topic}\n    prompt: Question on {topic}?\n    answer: About {topic}.\n"
    for name, topic in [
        ("lookalike", "mathsy"),
        ("root", "maths"),
        ("physics", "physics"),
        ("algebra", "maths/algebra"),
        ("groups", "maths/algebra/groups"),
    ]
)
IN_MATHS = ["topics/root", "topics/algebra", "topics/groups"]  # in deck order


def answered(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [
            uid for (uid,) in conn.execute("SELECT c.uid FROM review r JOIN card c ON c.id = r.card_id ORDER BY r.id")
        ]


async def test_topic_session_offers_and_counts_only_that_topic_and_its_subtopics(
    make_app: Callable[..., QuizApp], deck_dir: Path
) -> None:
    (deck_dir / "topics.yaml").write_text(TOPICS_DECK)
    app = make_app(topic="maths")
    bars: list[tuple[int, int]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(10):  # more than enough: the test fails below if a card outside the topic was offered
            if not isinstance(app.screen, ReviewScreen):
                break
            bars.append((len(app.screen.session.answers), app.screen.counts.total))
            await pilot.press("space", "4")  # Easy: out of today's queue
            await app.workers.wait_for_complete()  # the answer is saved and the next card shown
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.reviewed == 3
    assert answered(app.library.db.path) == IN_MATHS
    assert bars == [(0, 3), (1, 2), (2, 1)]  # not the 11 new cards of both decks


# --- the same through the command line, on a terminal -------------------------------------------------


@pytest.mark.slow
def test_topic_option_on_the_command_line_reviews_only_that_topic(tmp_path: Path) -> None:
    decks, db = tmp_path / "decks", tmp_path / "quizapp.db"
    decks.mkdir()
    (decks / "topics.yaml").write_text(TOPICS_DECK)
    (decks / "mini.yaml").write_bytes((MINI_DECKS / "mini.yaml").read_bytes())
    term = Terminal(["--db", str(db), "--decks", str(decks), "--topic", "maths"], tmp_path / "home")
    for done in range(1, 4):
        term.wait_for("show answer")
        term.output.clear()
        term.press(" ")
        term.wait_for("Easy")
        term.press("4")
        deadline = time.monotonic() + 10
        while len(answered(db)) < done:
            assert time.monotonic() < deadline, "the answer was not saved"
            time.sleep(0.02)
    term.wait_for("Session done")
    term.wait_for("Reviewed      3")
    assert answered(db) == IN_MATHS
    term.press("q")  # summary → home
    term.wait_for("new cards left")
    assert answered(db) == IN_MATHS
