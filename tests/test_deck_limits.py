"""Per-deck daily limits of new cards (`[deck_limits]`), as in Anki: a deck's new cards stop at its own limit,
and the overall `review.new_per_day` still caps them all; the queue, `remaining()` and the home screen's
`deck_counts()` agree, and the next study day (4 am) gives the deck its limit again."""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.config import DECK_ID, PlanSettings, ReviewSettings, SchedulerSettings, in_force, load_settings
from quizapp.decks.model import SLUG_PATTERN
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import Database
from quizapp.store.states import CardState
from quizapp.store.sync import sync_decks
from tests.conftest import Clock

EXTRA = "format: 1\ndeck: extra\nquestions:\n" + "".join(
    f"  - id: q{i}\n    prompt: Question {i}?\n    answer: Answer {i}.\n" for i in range(5)
)
"""A second deck of five basic questions, beside the mini deck's six new cards (five offered on one day: a cloze
sibling waits for the next)."""
DECKS = ["mini", "extra"]

MakeScheduler = Callable[..., ReviewScheduler]


@pytest.fixture
def limited(db: Database, deck_dir: Path, clock: Clock) -> MakeScheduler:
    """Schedulers over the mini deck and the extra one, with the review settings given (fuzz off, UTC, 4 am)."""
    (deck_dir / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    sync_decks(db, [deck_dir], clock())

    def make(**review: object) -> ReviewScheduler:
        return ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(**review), now=clock, tz=UTC)  # type: ignore[arg-type]

    return make


def study(scheduler: ReviewScheduler, deck_ids: Sequence[str] | None = None) -> list[str]:
    """Answer Easy to every card the queue offers now (none comes back today), in order: their uids."""
    seen: list[str] = []
    for _ in range(50):  # far more than both decks hold: the queue, not the loop, ends the session
        card = scheduler.next_card(deck_ids)
        if card is None:
            return seen
        assert card.state == CardState.New
        seen.append(card.uid)
        scheduler.answer(card.id, Grade.Easy)
    raise AssertionError(f"the queue never ran out: {seen}")


def per_deck(uids: list[str]) -> Counter[str]:
    return Counter(uid.split("/")[0] for uid in uids)


def new_counts(scheduler: ReviewScheduler, deck_ids: Sequence[str] = DECKS) -> dict[str, int]:
    return {deck: counts.new for deck, counts in scheduler.deck_counts(deck_ids).items()}


def test_a_limited_deck_stops_at_its_limit_while_the_others_go_on(limited: MakeScheduler) -> None:
    scheduler = limited(deck_limits={"mini": 2})
    assert study(scheduler) == [
        "extra/q0",
        "mini/forward-closed-form",
        "extra/q1",
        "mini/adaln-zero-gate",
        "extra/q2",  # mini is at its limit from here on
        "extra/q3",
        "extra/q4",
    ]
    assert scheduler.next_card(["mini"]) is None and scheduler.remaining(["mini"]) == 0
    assert new_counts(scheduler) == {"mini": 0, "extra": 0}


def test_the_next_study_day_gives_the_deck_its_limit_again(limited: MakeScheduler, clock: Clock) -> None:
    scheduler = limited(deck_limits={"mini": 2})
    assert per_deck(study(scheduler, ["mini"])) == {"mini": 2}
    clock.now = (clock.now + timedelta(days=1)).replace(hour=3, minute=59)  # past midnight, before 4 am
    assert scheduler.next_card(["mini"]) is None
    assert new_counts(scheduler, ["mini"]) == {"mini": 0} and scheduler.remaining(["mini"]) == 0
    clock.now = clock.now.replace(hour=4, minute=0)  # the new study day
    assert new_counts(scheduler, ["mini"]) == {"mini": 2} and scheduler.remaining(["mini"]) == 2
    assert study(scheduler, ["mini"]) == ["mini/cfg-formula#c1", "mini/select-all-efficient"]


def test_the_overall_limit_still_caps_the_decks(limited: MakeScheduler) -> None:
    assert limited(new_per_day=1, deck_limits={"mini": 2}).deck_counts(["mini"])["mini"].new == 1
    scheduler = limited(new_per_day=3, deck_limits={"mini": 2})
    assert new_counts(scheduler) == {"mini": 2, "extra": 3} and scheduler.remaining() == 3
    assert study(scheduler) == ["extra/q0", "mini/forward-closed-form", "extra/q1"]
    assert new_counts(scheduler) == {"mini": 0, "extra": 0} and scheduler.remaining() == 0


def test_limit_zero_means_no_new_card_from_that_deck(limited: MakeScheduler) -> None:
    scheduler = limited(deck_limits={"mini": 0, "a-deck-added-later": 1})
    assert new_counts(scheduler) == {"mini": 0, "extra": 5}
    assert scheduler.next_card(["mini"]) is None and scheduler.remaining(["mini"]) == 0
    assert study(scheduler) == [f"extra/q{i}" for i in range(5)]


def test_deck_counts_show_the_deck_limit_as_it_is_used(limited: MakeScheduler) -> None:
    scheduler = limited(deck_limits={"mini": 3})
    assert new_counts(scheduler) == {"mini": 3, "extra": 5}
    first = scheduler.next_card(["mini"])
    assert first is not None
    scheduler.answer(first.id, Grade.Easy)
    assert new_counts(scheduler) == {"mini": 2, "extra": 5}
    scheduler.undo(scheduler.answer(scheduler.next_card(["mini"]).id, Grade.Easy).review_id)  # type: ignore[union-attr]
    assert new_counts(scheduler) == {"mini": 2, "extra": 5}  # an answer undone gives its card back


@pytest.mark.parametrize(
    ("review", "deck_ids"),
    [
        ({"deck_limits": {"mini": 2}}, None),
        ({"deck_limits": {"mini": 2}}, ["mini", "extra"]),
        ({"deck_limits": {"mini": 2, "extra": 1}}, None),
        ({"deck_limits": {"mini": 4, "extra": 10}}, None),
        ({"deck_limits": {"mini": 2}}, ["mini"]),
        ({"deck_limits": {"extra": 0}}, ["extra"]),
        ({"new_per_day": 6, "deck_limits": {"extra": 2}}, None),
        ({"new_per_day": 4, "deck_limits": {"mini": 1}}, None),
    ],
)
def test_remaining_and_deck_counts_are_what_the_queue_then_gives(
    limited: MakeScheduler, review: dict[str, object], deck_ids: list[str] | None
) -> None:
    scheduler = limited(**review)
    promised, by_deck = scheduler.remaining(deck_ids), new_counts(scheduler, deck_ids or DECKS)
    given = study(scheduler, deck_ids)
    assert len(given) == promised
    if promised == sum(by_deck.values()):  # else the overall limit is what stops them (checked above)
        assert per_deck(given) == {deck: n for deck, n in by_deck.items() if n}
    assert all(per_deck(given)[deck] <= n for deck, n in review["deck_limits"].items())  # type: ignore[attr-defined]


def test_only_the_decks_own_new_cards_use_up_its_limit(limited: MakeScheduler, clock: Clock) -> None:
    """Another deck's new cards, and answers to cards already seen, leave a deck's limit as it was."""
    scheduler = limited(deck_limits={"extra": 2})
    assert per_deck(study(scheduler)) == {"mini": 5, "extra": 2}
    clock.advance(days=30)
    reviews = 0
    while (card := scheduler.next_card(["extra"])) is not None and card.state == CardState.Review:
        scheduler.answer(card.id, Grade.Good)
        reviews += 1
    assert reviews == 2 and card is not None and card.uid == "extra/q2"
    assert new_counts(scheduler) == {"mini": 1, "extra": 2}


# --- the config file --------------------------------------------------------------------------------


def test_config_set_writes_the_deck_limit_and_the_next_start_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limited: MakeScheduler
) -> None:
    home = tmp_path / "home"
    assert main(["config", "set", "deck_limits.mini", "3"]) == 0
    assert main(["config", "set", "deck_limits.dit-conditioning", "0"]) == 0
    assert main(["config", "set", "review.new_per_day", "15"]) == 0
    assert tomllib.loads((home / "config.toml").read_text(encoding="utf-8")) == {
        "review": {"new_per_day": 15},
        "deck_limits": {"dit-conditioning": 0, "mini": 3},
    }
    settings = load_settings()
    limits = {"mini": 3, "dit-conditioning": 0}
    assert settings.review == ReviewSettings(new_per_day=15, deck_limits=limits)
    planned = replace(settings, plan=PlanSettings(interview_date=date(2027, 1, 15), new_per_day=40))
    assert in_force(planned, date(2026, 3, 2)).review == ReviewSettings(new_per_day=40, deck_limits=limits)
    capsys.readouterr()
    assert main(["config", "show"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[-4:-2] == ["", "[deck_limits]"]
    assert [line.split("  # ")[0].rstrip() for line in shown[-2:]] == ["dit-conditioning = 0", "mini = 3"]
    assert all("# config file" in line for line in shown[-2:])
    assert main(["config", "unset", "deck_limits.dit-conditioning"]) == 0
    assert load_settings().review.deck_limits == {"mini": 3}


def test_the_settings_read_limit_the_scheduler(tmp_path: Path, limited: MakeScheduler) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[deck_limits]\n"mini" = 1\nextra = 2\n', encoding="utf-8")
    review = load_settings().review
    assert review.deck_limits == {"mini": 1, "extra": 2}
    assert per_deck(study(limited(deck_limits=review.deck_limits))) == {"mini": 1, "extra": 2}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deck_limits.mini", "-1", "deck_limits.mini must be a whole number from 0 to 10000, not -1"),
        ("deck_limits.mini", "2.5", "deck_limits.mini must be a whole number from 0 to 10000, not 2.5"),
        ("deck_limits.mini", "10001", "deck_limits.mini must be a whole number from 0 to 10000, not 10001"),
        ("deck_limits.mini", "some", 'deck_limits.mini must be a whole number from 0 to 10000, not "some"'),
        ("deck_limits.mini", "true", "deck_limits.mini must be a whole number from 0 to 10000, not true"),
        (
            "deck_limits.Mini_Deck",
            "3",
            'deck_limits.Mini_Deck: "Mini_Deck" is not a deck id (lowercase letters, digits and hyphens, like'
            " dit-conditioning)",
        ),
        ("deck_limits", "3", "deck_limits: a deck's limit is named deck_limits.<deck id>"),
        ("deck_limit.mini", "3", "unknown setting deck_limit.mini; did you mean deck_limits.mini?"),
    ],
)
def test_a_bad_deck_limit_is_refused_and_the_file_left_as_it_was(
    tmp_path: Path, name: str, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    before = "[deck_limits]\nmini = 5  # a comment\n"
    (home / "config.toml").write_text(before, encoding="utf-8")
    assert main(["config", "set", name, text]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"quizapp: {message}") and err.count("\n") == 1
    assert (home / "config.toml").read_text(encoding="utf-8") == before


def test_a_deck_id_in_the_config_is_what_a_deck_file_calls_one() -> None:
    """The config's pattern is a copy (reading the config imports no pydantic): it must stay the decks'."""
    assert f"^{DECK_ID.pattern}$" == SLUG_PATTERN
