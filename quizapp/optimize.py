"""`quizapp optimize`: fit FSRS to the user's answers, show the judgement, keep the fit if it is better, and
reschedule the review cards with it when the user says so."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from quizapp import fitting
from quizapp.config import Settings
from quizapp.reschedule import reschedule
from quizapp.store import fits
from quizapp.store.database import open_database

# The open srs-benchmark's published figures for FSRS-6 (all its users), as a yardstick for the user's own.
BENCHMARK = fitting.Scores(reviews=0, log_loss=0.3214, rmse_bins=0.0462, auc=0.706)


def _cell(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def judgement(fit: fitting.Fit) -> list[str]:
    """The before/after table, as printed."""
    rows = [
        ("parameters in use", fit.before),
        ("fitted parameters", fit.after),
        ("srs-benchmark, FSRS-6", BENCHMARK),
    ]
    lines = [
        f"fitted on {fit.train_reviews} answers; scored on the {fit.after.reviews} later ones it did not see",
        "",
        f"{'':24}{'log loss':>10}{'RMSE(bins)':>12}{'AUC':>8}",
    ]
    lines += [f"{name:24}{_cell(s.log_loss):>10}{_cell(s.rmse_bins):>12}{_cell(s.auc, 3):>8}" for name, s in rows]
    return lines


def run(
    settings: Settings,
    *,
    reschedule_cards: bool | None,
    show_history: bool,
    ask: Callable[[str], str] = input,
    now: datetime | None = None,
) -> int:
    """Fit, print, keep if better, and reschedule if `reschedule_cards` (None: ask when standard input is a
    terminal, else do not). Returns the exit code.

    Raises:
        fitting.NotEnoughReviews: below the minimum of answers, saying how many more are needed.
    """
    db = open_database(settings.db_path)
    try:
        if show_history:
            for line in _history_lines(fits.history(db)):
                print(line)
            return 0
        current = fits.parameters_in_use(db)
        fit = fitting.fit(fits.answers_by_card(db), current)
        for line in judgement(fit):
            print(line)
        scores = (fit.before.log_loss, fit.before.rmse_bins, fit.before.auc)
        after = (fit.after.log_loss, fit.after.rmse_bins, fit.after.auc)
        when = now or datetime.now(UTC)
        fit_id = fits.record(db, when, fit.parameters, fit.train_reviews, fit.after.reviews, scores, after, fit.better)
        if not fit.better:
            print("\nnot kept: the fitted parameters predicted the later answers no better than those in use")
            return 0
        print("\nkept: the scheduler uses the fitted parameters from now on")
        if reschedule_cards is None:
            reschedule_cards = sys.stdin.isatty() and ask(
                "reschedule the review cards' due dates with them now? [y/N] "
            ).strip().lower() in ("y", "yes")
        if reschedule_cards:
            print("rescheduling (each review card's answers replayed; about 25 s a million answers)…", flush=True)
            fitted = replace(settings.scheduler, parameters=fit.parameters)
            moved = reschedule(db, fitted, settings.review, fit_id)
            print(f"rescheduled {moved} review cards")
        else:
            print("due dates unchanged: each card follows the new parameters from its next answer"
                  " (`quizapp optimize --reschedule` would recompute them all)")  # fmt: skip
        return 0
    finally:
        db.close()


def _history_lines(history: list[fits.StoredFit]) -> list[str]:
    if not history:
        return ["no fit yet: `quizapp optimize` makes one"]
    lines = [f"{'#':>3}  {'fitted (UTC)':16}  {'answers':>8}  {'log loss':>17}  {'RMSE(bins)':>17}  {'AUC':>13}  kept"]
    for f in history:
        lines.append(
            f"{f.id:>3}  {f.fitted_at:%Y-%m-%d %H:%M}  {f.train_reviews + f.test_reviews:>8}"
            f"  {_cell(f.log_loss[0])} → {_cell(f.log_loss[1])}  {_cell(f.rmse_bins[0])} → {_cell(f.rmse_bins[1])}"
            f"  {_cell(f.auc[0], 3)} → {_cell(f.auc[1], 3)}  {'yes' if f.kept else 'no'}"
            + (f", {f.rescheduled} rescheduled" if f.rescheduled else "")
        )
    return lines
