"""Finding cards by text, topic, deck and state; a card's history and key-point record; a reset that lets FSRS
start over and keeps the history; `quizapp cards` as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from quizapp.browse import (
    CardQuery,
    QueryError,
    aligned,
    card_by_uid,
    card_history,
    cell_width,
    find_cards,
    key_point_record,
    parse_query,
    reset_card,
)
from quizapp.scheduling import AnswerMarks, Grade, ReviewScheduler
from quizapp.store.database import Database
from quizapp.store.queue import MEMORY_COLUMNS
from quizapp.store.states import CardState
from quizapp.store.sync import sync_decks
from tests.conftest import MINI_DECKS, START, Clock, fetch
from tests.test_cli import quizapp
from tests.test_cli_cards import imported
from tests.test_leeches import card_id, lapse, to_review

FORWARD = "mini/forward-closed-form"
ALL_MINI = [
    "mini/forward-closed-form",
    "mini/adaln-zero-gate",
    "mini/cfg-formula#c1",
    "mini/cfg-formula#c2",
    "mini/select-all-efficient",
    "mini/cjk-noise",
]


def uids(db: Database, **filters: object) -> list[str]:
    return [card.uid for card in find_cards(db, **filters)]  # type: ignore[arg-type]


# --- the search box ---------------------------------------------------------------------------------------------


def test_filters_are_read_out_of_the_words() -> None:
    typed = "closed  Form topic:diffusion/dit deck:sd-family is:Suspended is:leech is:due is:new"
    assert parse_query(typed) == CardQuery(
        "closed Form", "diffusion/dit", "sd-family", ("suspended", "leech", "due", "new")
    )


def test_an_unknown_prefix_is_text_and_an_empty_filter_or_a_state_being_typed_is_ignored() -> None:
    assert parse_query("x:y topic: is: is:sus") == CardQuery("x:y")


def test_an_unknown_state_is_refused(db: Database) -> None:
    with pytest.raises(QueryError, match="unknown state 'dueish'"):
        parse_query("is:dueish")
    with pytest.raises(QueryError, match="unknown state 'dueish'"):
        find_cards(db, state="dueish")


# --- finding cards ----------------------------------------------------------------------------------------------


def test_text_is_found_in_prompt_answer_cloze_text_and_key_points(scheduler: ReviewScheduler) -> None:
    db = scheduler.db
    assert uids(db, text="CLOSED form") == [FORWARD]  # prompt, any case, every word
    assert uids(db, text="正态") == ["mini/cjk-noise"]  # only in the answer
    assert uids(db, text="reparameterisation") == [FORWARD]  # only in a key point
    assert uids(db, text="guidance scale") == ["mini/cfg-formula#c1", "mini/cfg-formula#c2"]  # cloze text
    assert uids(db, text="closed nowhere") == []


def test_text_is_matched_as_written_not_as_stored_json(scheduler: ReviewScheduler) -> None:
    db = scheduler.db
    assert uids(db, text="prompt") == []  # a key of the stored JSON, in no question
    assert uids(db, text="Salimans") == []  # in a reference only: references are not searched
    assert uids(db, text=r"1-\bar\alpha_t") == [FORWARD]  # JSON stores the backslashes doubled


def test_percent_and_underscore_are_literal(scheduler: ReviewScheduler) -> None:
    db = scheduler.db
    assert uids(db, text="%") == ["mini/cfg-formula#c1", "mini/cfg-formula#c2"]
    with_underscore = [FORWARD, "mini/cfg-formula#c1", "mini/cfg-formula#c2", "mini/cjk-noise"]
    assert uids(db, text="_") == with_underscore


def test_topic_is_itself_and_below(scheduler: ReviewScheduler) -> None:
    db = scheduler.db
    assert uids(db, topic="diffusion/mini") == ALL_MINI
    assert uids(db, topic="diffusion/mini/dit/") == ["mini/adaln-zero-gate"]
    assert uids(db, topic="diffusion/min") == []  # a prefix of a name is not a parent topic


def test_cards_come_by_deck_then_position_and_stop_at_the_limit(db: Database, deck_dir: Path, clock: Clock) -> None:
    mini = (deck_dir / "mini.yaml").read_text(encoding="utf-8")
    (deck_dir / "a-first.yaml").write_text(mini.replace("deck: mini", "deck: amini"), encoding="utf-8")
    sync_decks(db, [deck_dir], clock())
    everything = uids(db)
    assert everything == [uid.replace("mini/", "amini/") for uid in ALL_MINI] + ALL_MINI
    assert uids(db, deck="mini") == ALL_MINI
    assert uids(db, deck_ids=["mini"], text="closed") == [FORWARD]
    assert uids(db, limit=2) == everything[:2]


def test_states_new_learning_review_due_suspended_leech(scheduler: ReviewScheduler, clock: Clock) -> None:
    db = scheduler.db
    forward, gate, cjk = card_id(db), card_id(db, "mini/adaln-zero-gate"), card_id(db, "mini/cjk-noise")
    to_review(scheduler, clock, forward)
    lapse(scheduler, clock, forward)  # one lapse, and in Review again
    scheduler.answer(gate, Grade.Again)  # learning, due in a minute
    scheduler.suspend(cjk)
    now = clock.now
    assert uids(db, state="new") == [
        "mini/cfg-formula#c1",
        "mini/cfg-formula#c2",
        "mini/select-all-efficient",
        "mini/cjk-noise",
    ]
    assert uids(db, state="learning") == ["mini/adaln-zero-gate"]
    assert uids(db, state="review") == [FORWARD]
    assert uids(db, state="suspended") == ["mini/cjk-noise"]
    assert uids(db, state=["suspended", "new"]) == ["mini/cjk-noise"]  # every state asked must hold
    assert uids(db, state="leech", leech_threshold=1) == [FORWARD]
    assert uids(db, state="leech", leech_threshold=2) == []
    assert uids(db, state="due", due_by=now) == []
    assert uids(db, state="due", due_by=now + timedelta(minutes=10)) == ["mini/adaln-zero-gate"]
    assert uids(db, state="due", due_by=now + timedelta(days=400)) == [FORWARD, "mini/adaln-zero-gate"]
    line = card_by_uid(db, FORWARD, leech_threshold=1)
    assert line is not None
    assert (line.state, line.lapses, line.answers, line.leech, line.suspended) == (CardState.Review, 1, 4, True, False)
    assert card_by_uid(db, "mini/nope") is None


# --- history and key points -------------------------------------------------------------------------------------


def test_history_lists_reviews_and_practice_answers_with_their_key_points(
    scheduler: ReviewScheduler, clock: Clock
) -> None:
    db = scheduler.db
    forward = card_id(db)
    scheduler.answer(forward, Grade.Good, marks=AnswerMarks(key_points=(True, False, True)))
    clock.advance(minutes=10)
    scheduler.answer(forward, Grade.Good, marks=AnswerMarks(key_points=(True, True, False)), mode="drill")
    clock.advance(hours=1)
    scheduler.practice(forward, Grade.Hard, None, AnswerMarks(key_points=(False, True, False)), "mock")
    clock.advance(hours=1)
    scheduler.practice(forward, Grade.Again, None, AnswerMarks(), "drill")
    history = card_history(db, forward)
    assert [(h.kind, h.rating, h.recalled, h.marked) for h in history] == [
        ("review", 3, 2, 3),
        ("review (drill)", 3, 2, 3),
        ("mock practice", 2, 1, 3),
        ("drill practice", 1, 0, 0),
    ]
    assert [h.at for h in history] == [
        START,
        START + timedelta(minutes=10),
        *(clock.now - timedelta(hours=h) for h in (1, 0)),
    ]
    assert history[0].interval == timedelta(minutes=10)  # Good on a new card: the second learning step
    assert history[2].interval is None
    line = card_by_uid(db, FORWARD)
    assert line is not None
    record = key_point_record(db, line)
    assert [(p.recalled, p.marked) for p in record] == [(2, 3), (2, 3), (1, 3)]
    assert record[2].text == "sample in one step with reparameterisation"


# --- reset ------------------------------------------------------------------------------------------------------


def test_reset_makes_the_card_new_and_keeps_its_history(scheduler: ReviewScheduler, clock: Clock) -> None:
    db = scheduler.db
    forward = card_id(db)
    to_review(scheduler, clock, forward)
    lapse(scheduler, clock, forward)
    log_before = fetch(db, "SELECT * FROM review WHERE card_id = ? ORDER BY id", forward)
    tally_before = fetch(db, "SELECT * FROM card_tally WHERE card_id = ?", forward)
    clock.advance(days=1)
    reset_card(db, forward, now=clock.now)
    card = fetch(db, f"SELECT {', '.join(MEMORY_COLUMNS)} FROM card WHERE id = ?", forward)[0]
    assert tuple(card) == (CardState.New, None, None, None, None, None)
    assert fetch(db, "SELECT * FROM review WHERE card_id = ? ORDER BY id", forward) == log_before
    assert fetch(db, "SELECT * FROM card_tally WHERE card_id = ?", forward) == tally_before
    history = card_history(db, forward)
    assert [h.kind for h in history] == ["review"] * 4 + ["reset"] and history[-1].at == clock.now


def test_after_a_reset_fsrs_starts_over(scheduler: ReviewScheduler, clock: Clock) -> None:
    db = scheduler.db
    forward, fresh = card_id(db), card_id(db, "mini/cjk-noise")
    to_review(scheduler, clock, forward)
    clock.advance(days=5)
    reset_card(db, forward, now=clock.now)
    again = scheduler.answer(forward, Grade.Good)
    first = scheduler.answer(fresh, Grade.Good)
    assert (again.state, again.due) == (first.state, first.due)
    newest = fetch(db, "SELECT state_before, stability_after FROM review WHERE card_id = ? ORDER BY id DESC", forward)
    assert newest[0].state_before == CardState.New
    assert newest[0].stability_after == scheduler.card(fresh).stability


# --- the command line -------------------------------------------------------------------------------------------


def test_columns_line_up_by_display_width() -> None:
    lines = aligned([("topic", "n"), ("diffusion/中文", "1"), ("ab", "22")], right=frozenset({1}))
    assert lines == ["topic" + " " * 12 + "n", "diffusion/中文" + " " * 3 + "1", "ab" + " " * 14 + "22"]
    assert cell_width("中文x") == 5


def test_cards_lists_filters_and_aligns_cjk(tmp_path: Path) -> None:
    db = imported(tmp_path)
    listed = quizapp("--db", str(db), "--decks", str(MINI_DECKS), "cards", home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["card", "topic", "state", "due", "lapses", "answers", "flags", "question"]
    assert [line.split()[0] for line in lines[1:-1]] == ALL_MINI and lines[-1] == "6 card(s)"
    state_at = {cell_width(line[: line.index(" new ")]) for line in lines[1:-1]}
    assert len(state_at) == 1  # the state column starts at one display column, 中文 included
    found = quizapp(
        "--db", str(db), "--decks", str(MINI_DECKS), "cards", "--text", "Closed", "--state", "new", home=tmp_path
    )
    assert [line.split()[0] for line in found.stdout.splitlines()] == ["card", FORWARD, "1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--topic", "diffusion/mini/dt"], "quizapp: no topic 'diffusion/mini/dt' in these decks; did you mean"),
        (["--deck", "nope"], "quizapp: no deck 'nope' in these decks"),
        (["--state", "dueish"], "quizapp: unknown state 'dueish'"),
        (["--history", "mini/nope"], "quizapp: no card mini/nope (`quizapp cards` lists them)"),
        (["--reset", "mini/nope"], "quizapp: no card mini/nope (`quizapp cards` lists them)"),
    ],
)
def test_unknown_names_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    db = imported(tmp_path)
    result = quizapp("--db", str(db), "--decks", str(MINI_DECKS), "cards", *args, home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1


def test_history_and_reset_from_the_command_line(tmp_path: Path, clock: Clock) -> None:
    from quizapp.config import ReviewSettings, SchedulerSettings
    from quizapp.store.database import open_database

    path = imported(tmp_path)
    db = open_database(path)
    scheduler = ReviewScheduler(db, SchedulerSettings(fuzz=False), ReviewSettings(), now=clock, tz=UTC)
    forward = card_id(db)
    scheduler.answer(forward, Grade.Good, marks=AnswerMarks(key_points=(True, False, True)))
    db.close()
    decks = ("--decks", str(MINI_DECKS))
    history = quizapp("--db", str(path), *decks, "cards", "--history", FORWARD, home=tmp_path)
    assert history.returncode == 0, history.stderr
    assert "review  Good   10m   2/3" in history.stdout
    assert "1/1       mean scaled by" in history.stdout and "0/1       variance" in history.stdout
    reset = quizapp("--db", str(path), *decks, "cards", "--reset", FORWARD, home=tmp_path)
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout.startswith(f"{FORWARD} reset: was learning, due ")
    assert "Its 1 answer(s) stay in the history for the reports." in reset.stdout
    again = quizapp("--db", str(path), *decks, "cards", "--reset", FORWARD, home=tmp_path)
    assert again.stdout.strip() == f"{FORWARD} is already new: nothing to reset"
    db = open_database(path)
    try:
        assert fetch(db, "SELECT state, due FROM card WHERE id = ?", forward)[0] == (CardState.New, None)
        assert len(fetch(db, "SELECT id FROM review WHERE card_id = ?", forward)) == 1
    finally:
        db.close()


def test_cards_imports_neither_textual_nor_fsrs_nor_the_orm(tmp_path: Path) -> None:
    """On a database that exists (creating one compiles the schema with SQLAlchemy, whatever the command)."""
    db = imported(tmp_path)
    runs = [["cards"], ["cards", "--history", FORWARD], ["cards", "--reset", FORWARD]]
    code = (
        "import sys\nfrom quizapp.cli import main\n"
        f"for args in {runs!r}:\n    assert main(['--db', {str(db)!r}, '--decks', {str(MINI_DECKS)!r}, *args]) == 0\n"
        "heavy = {'textual', 'sqlalchemy', 'sqlmodel', 'fsrs'}\n"
        "print('HEAVY', sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines()[-1] == "HEAVY []", out.stderr
