"""A question edited since the card's last answer says so, and shows what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Markdown, Static

from quizapp.question_diff import changed_lines
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.sync import sync_decks
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.changes import ChangesScreen
from quizapp.tui.screens.review import ReviewScreen
from tests.conftest import Clock, fetch
from tests.tui.conftest import settle

FIRST = "mini/forward-closed-form"


def edit_first_answer(deck_dir: Path) -> None:
    deck = deck_dir / "mini.yaml"
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("      - variance $1-\\bar\\alpha_t$\n", "      - variance is $1-\\bar\\alpha_t$\n"))


def test_the_version_answered_is_kept_and_an_edit_shows_as_changed_lines(
    scheduler: ReviewScheduler, deck_dir: Path, clock: Clock
) -> None:
    card = scheduler.next_card()
    assert card is not None and card.uid == FIRST and card.seen_hash is None
    scheduler.answer(card.id, Grade.Good)
    answered = scheduler.card(card.id)
    assert answered.seen_hash == answered.content_hash and scheduler.question_seen(answered) is None
    edit_first_answer(deck_dir)
    clock.advance(minutes=1)
    sync_decks(scheduler.db, [deck_dir], clock())
    edited = scheduler.card(card.id)
    assert edited.seen_hash == answered.content_hash != edited.content_hash
    before = scheduler.question_seen(edited)
    assert before is not None
    lines = changed_lines(before, edited.question)
    assert (
        "- key point 2: variance $1-\\bar\\alpha_t$" in lines
        and "+ key point 2: variance is $1-\\bar\\alpha_t$" in lines
    )
    scheduler.answer(card.id, Grade.Good)  # answered against the new version: no longer edited
    assert scheduler.question_seen(scheduler.card(card.id)) is None


def test_each_sync_keeps_the_version_it_replaces_and_the_current_one_once(
    scheduler: ReviewScheduler, deck_dir: Path, clock: Clock
) -> None:
    """`question` holds the current version and `question_version` the replaced ones: an import writes each
    question once, and a card answered two edits ago still shows the version it was answered in."""
    versions = "SELECT count(*) AS versions FROM question_version"
    assert fetch(scheduler.db, versions) == [(0,)]
    card = scheduler.next_card()
    assert card is not None
    scheduler.answer(card.id, Grade.Good)
    answered = scheduler.card(card.id).question
    edit_first_answer(deck_dir)
    clock.advance(minutes=1)
    sync_decks(scheduler.db, [deck_dir], clock())
    deck = deck_dir / "mini.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("variance is", "the variance is"), encoding="utf-8")
    clock.advance(minutes=1)
    sync_decks(scheduler.db, [deck_dir], clock())
    assert fetch(scheduler.db, versions) == [(2,)]
    edited = scheduler.card(card.id)
    assert scheduler.question_seen(edited) == answered != edited.question


async def test_the_card_says_it_was_edited_and_w_shows_what_changed(
    make_app: Callable[..., QuizApp], deck_dir: Path, clock: Clock
) -> None:
    app = make_app()
    first = app.library.scheduler.next_card()
    assert first is not None
    app.library.scheduler.answer(first.id, Grade.Again)  # back in a minute
    edit_first_answer(deck_dir)
    clock.advance(minutes=2)
    app = make_app()  # synced again, as on the next start
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None and screen.card.uid == FIRST
        assert "edited since your last answer" in str(screen.query_one("#card-meta", Static).render())
        await pilot.press("w")
        assert isinstance(app.screen, ChangesScreen)
        text = str(app.screen.query_one("#changes-lines", Static).render())
        assert "variance is" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_e_on_a_card_edits_its_question_and_shows_it_again_with_its_history(
    make_app: Callable[..., QuizApp], deck_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    script = tmp_path / "editor.sh"
    script.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path / "argv"}\nsed -i "s/Write the closed form/Derive the closed form/" "$2"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app()
    first = app.library.scheduler.next_card()
    assert first is not None
    app.library.scheduler.answer(first.id, Grade.Again)
    clock.advance(minutes=2)  # due again: the first card of the review
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.card is not None and screen.card.id == first.id
        assert "Derive the closed form" in screen.query_one("#prompt", Markdown).source
        assert "edited since your last answer" in str(screen.query_one("#card-meta", Static).render())
    lines = (deck_dir / "mini.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.strip() == "- id: forward-closed-form")
    assert (tmp_path / "argv").read_text(encoding="utf-8").split() == [f"+{line}", str(deck_dir / "mini.yaml")]
    assert len(fetch(app.library.db, "SELECT id FROM review WHERE card_id = ?", first.id)) == 1  # history kept
