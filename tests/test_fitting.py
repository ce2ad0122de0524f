"""Fitting FSRS to the user's answers: a history made by known parameters is fitted back toward them, the fit
is judged on later answers, too few answers are refused, and a kept fit drives the scheduler."""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fsrs
import pytest

from quizapp import fitting, optimize
from quizapp.config import ReviewSettings, SchedulerSettings, Settings
from quizapp.library import open_library
from quizapp.store import fits
from quizapp.store.database import open_database

DEFAULT = tuple(fsrs.Scheduler().parameters)
# A learner who remembers better at first, gains less stability per success and forgets on a steeper curve.
TRUE = (0.6, 2.5, 5.0, 12.0, *DEFAULT[4:8], 1.3, *DEFAULT[9:20], 0.6)
WATCHED = (0, 1, 2, 3, 8, 20)  # the weights TRUE changes


def generate(true: tuple[float, ...], cards: int, days: int, seed: int = 3) -> list[list[tuple[date, int]]]:
    """Histories scheduled with the default parameters, recalled with the probability `true` gives."""
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=true, learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    histories = []
    for n in range(cards):
        now = start + timedelta(days=rng.randrange(days // 2))
        remembered, scheduled = fsrs.Card(card_id=n), fsrs.Card(card_id=n)
        history = []
        while now < start + timedelta(days=days):
            recall = truth.get_card_retrievability(remembered, now) if remembered.last_review else 0.7
            passed = rng.random() < recall
            grade = fsrs.Rating(rng.choices((2, 3, 4), weights=(15, 75, 10))[0] if passed else 1)
            remembered, _ = truth.review_card(remembered, grade, now)
            scheduled, _ = scheduler.review_card(scheduled, grade, now)
            history.append((now.date(), int(grade)))
            now = max(scheduled.due, now + timedelta(days=1))
        histories.append(history)
    return histories


def distance(parameters: tuple[float, ...]) -> float:
    return sum(abs(parameters[i] - TRUE[i]) / TRUE[i] for i in WATCHED)


def test_a_fit_moves_toward_the_parameters_that_made_the_history_and_predicts_later_answers_better() -> None:
    fit = fitting.fit(generate(TRUE, cards=1500, days=300), None)
    assert fit.before.reviews == fit.after.reviews > 1000
    assert distance(fit.parameters) < 0.6 * distance(DEFAULT)
    assert fit.after.log_loss < fit.before.log_loss - 0.005 and fit.better
    assert fit.after.rmse_bins is not None and fit.before.rmse_bins is not None
    assert fit.after.rmse_bins < fit.before.rmse_bins


def test_fitting_the_parameters_that_made_the_history_changes_little() -> None:
    histories = generate(DEFAULT, cards=1500, days=300)
    fit = fitting.fit(histories, None)
    assert abs(fit.after.log_loss - fit.before.log_loss) < 0.01


def test_too_few_answers_are_refused_saying_how_many_more_are_needed() -> None:
    histories = generate(TRUE, cards=40, days=60)
    found = len(fitting.items_of(histories))
    assert 0 < found < fitting.MIN_REVIEWS
    with pytest.raises(fitting.NotEnoughReviews, match=f"there are {found}: {fitting.MIN_REVIEWS - found} more needed"):
        fitting.fit(histories, None)


def test_items_are_answers_after_a_study_day_and_no_day_is_split_between_fit_and_test() -> None:
    d = date(2026, 1, 1)
    items = fitting.items_of([[(d, 3), (d, 3), (d + timedelta(days=2), 1), (d + timedelta(days=3), 3)]])
    assert [i.reviews for i in items] == [((3, 0), (3, 0), (1, 2)), ((3, 0), (3, 0), (1, 2), (3, 1))]
    many = fitting.items_of(generate(TRUE, cards=300, days=120))
    cut = fitting._time_split(many)
    assert many[cut - 1].day < many[cut].day


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A database of 300 questions with 6,000 simulated answers (the benchmarks' history generator)."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    try:
        import history
        from generate import write_decks
    finally:
        sys.path.pop(0)
    write_decks(tmp_path / "decks", 300)
    db_path = tmp_path / "quizapp.db"
    made = Settings(db_path=db_path, deck_paths=(tmp_path / "decks",))
    open_library(made).db.close()
    history.fill(db_path, 6000, days=200, end=datetime(2026, 11, 1, 12, tzinfo=UTC))
    return made


def test_optimize_keeps_a_better_fit_which_the_scheduler_then_uses_and_reschedules_on_request(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(settings.db_path)
    before = dict(db.conn.execute("SELECT id, due FROM card WHERE state = 2").fetchall())
    db.close()
    assert optimize.run(settings, reschedule_cards=True, show_history=False) == 0
    out = capsys.readouterr().out
    assert "parameters in use" in out and "fitted parameters" in out and "srs-benchmark, FSRS-6" in out
    db = open_database(settings.db_path)
    try:
        (stored,) = fits.history(db)
        if stored.kept:
            assert fits.parameters_in_use(db) == stored.parameters
            after = dict(db.conn.execute("SELECT id, due FROM card WHERE state = 2").fetchall())
            assert stored.rescheduled == len(after) and sum(after[c] != before[c] for c in after) > len(after) // 2
            assert "rescheduled" in out
        else:
            assert fits.parameters_in_use(db) is None and "not kept" in out
    finally:
        db.close()
    library = open_library(settings)
    try:
        assert library.scheduler.memory.settings.parameters == (stored.parameters if stored.kept else None)
    finally:
        library.db.close()
    from quizapp.cli import main

    assert main(["--db", str(settings.db_path), "--decks", str(settings.deck_paths[0]), "report"]) == 0
    scheduler_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("- Scheduler:"))
    assert ("fitted" in scheduler_line) == stored.kept


def test_a_fit_not_kept_changes_nothing(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fit = fitting.fit

    def worse(*args: object) -> fitting.Fit:
        fit = real_fit(*args)  # type: ignore[arg-type]
        return fitting.Fit(fit.parameters, fit.train_reviews, fit.after, fit.before if fit.better else fit.after)

    monkeypatch.setattr(fitting, "fit", worse)
    db = open_database(settings.db_path)
    cards = db.conn.execute("SELECT * FROM card ORDER BY id").fetchall()
    db.close()
    assert optimize.run(settings, reschedule_cards=True, show_history=False) == 0
    db = open_database(settings.db_path)
    try:
        assert db.conn.execute("SELECT * FROM card ORDER BY id").fetchall() == cards
        assert fits.parameters_in_use(db) is None and not fits.history(db)[0].kept
    finally:
        db.close()


def test_without_an_answer_the_due_dates_stay(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    db = open_database(settings.db_path)
    cards = db.conn.execute("SELECT id, due, stability FROM card ORDER BY id").fetchall()
    db.close()
    assert optimize.run(settings, reschedule_cards=None, show_history=False, ask=lambda _: "n") == 0
    db = open_database(settings.db_path)
    try:
        assert db.conn.execute("SELECT id, due, stability FROM card ORDER BY id").fetchall() == cards
        assert fits.history(db)[0].rescheduled == 0
    finally:
        db.close()


def test_the_scheduler_gives_other_intervals_with_other_parameters() -> None:
    from quizapp.memory import NEW, StudyDayFsrs

    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    default = StudyDayFsrs(SchedulerSettings(fuzz=False), ReviewSettings().day_start_hour, UTC)
    fitted = StudyDayFsrs(SchedulerSettings(fuzz=False, parameters=TRUE), ReviewSettings().day_start_hour, UTC)
    assert default.preview(1, NEW, now)[4] != fitted.preview(1, NEW, now)[4]


def test_the_command_refuses_a_new_database_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from quizapp.cli import main

    assert main(["--db", str(tmp_path / "new.db"), "optimize"]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"quizapp: fitting needs {fitting.MIN_REVIEWS} answers given at least a study day after the card's"
        f" previous one; there are 0: {fitting.MIN_REVIEWS} more needed\n"
    )
    assert main(["--db", str(tmp_path / "new.db"), "optimize", "--history"]) == 0
    assert "no fit yet" in capsys.readouterr().out
