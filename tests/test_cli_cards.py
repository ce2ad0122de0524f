"""Topics, suspended cards and bringing them back, from the command line; an unknown --topic is named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from quizapp.config import ReviewSettings, SchedulerSettings
from quizapp.scheduling import ReviewScheduler
from quizapp.store.database import open_database
from tests.conftest import MINI_DECKS
from tests.test_cli import quizapp


def imported(tmp_path: Path) -> Path:
    db = tmp_path / "q.db"
    assert quizapp("--db", str(db), "import", str(MINI_DECKS), home=tmp_path).returncode == 0
    return db


def test_topics_lists_every_topic_with_its_cards(tmp_path: Path) -> None:
    db = imported(tmp_path)
    result = quizapp("--db", str(db), "--decks", str(MINI_DECKS), "topics", home=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert [line[0] for line in lines] == sorted(line[0] for line in lines)
    assert ["diffusion/mini/forward", "1", "cards"] in lines
    assert sum(int(line[1]) for line in lines) == 6


def test_an_unknown_topic_is_named_with_the_close_ones(tmp_path: Path) -> None:
    db = imported(tmp_path)
    result = quizapp("--db", str(db), "--decks", str(MINI_DECKS), "--topic", "diffusion/mini/forwrd", home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("quizapp: no topic 'diffusion/mini/forwrd' in these decks")
    assert "did you mean diffusion/mini/forward" in result.stderr and "quizapp topics" in result.stderr
    assert "Traceback" not in result.stderr


def test_suspended_lists_hidden_cards_and_unsuspend_brings_them_back(tmp_path: Path) -> None:
    db_path = imported(tmp_path)
    db = open_database(db_path)
    scheduler = ReviewScheduler(db, SchedulerSettings(), ReviewSettings(), now=lambda: datetime.now(UTC))
    first = scheduler.next_card()
    assert first is not None
    scheduler.suspend(first.id)
    second = scheduler.next_card()
    assert second is not None
    scheduler.bury(second.id)
    db.close()

    listed = quizapp("--db", str(db_path), "suspended", home=tmp_path)
    assert listed.returncode == 0
    assert f"{first.uid}  (suspended)" in listed.stdout
    assert f"{second.uid}  (buried until " in listed.stdout
    assert "2 card(s) out of the queue" in listed.stdout

    missing = quizapp("--db", str(db_path), "unsuspend", "mini/nope", home=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "quizapp: no card mini/nope (`quizapp suspended` lists the hidden ones)",
    )
    assert quizapp("--db", str(db_path), "unsuspend", home=tmp_path).returncode == 2

    one = quizapp("--db", str(db_path), "unsuspend", first.uid, home=tmp_path)
    assert one.stdout.strip() == f"1 card(s) back in the queue: {first.uid}"
    rest = quizapp("--db", str(db_path), "unsuspend", "--all", home=tmp_path)
    assert rest.stdout.strip() == f"1 card(s) back in the queue: {second.uid}"
    assert "0 card(s) out of the queue" in quizapp("--db", str(db_path), "suspended", home=tmp_path).stdout
