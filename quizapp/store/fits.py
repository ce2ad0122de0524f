"""Fits of FSRS's parameters, kept in the database: the newest kept one is what the scheduler uses."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from quizapp.store.connection import from_db, named, to_db
from quizapp.store.database import Database

IN_USE = "SELECT parameters FROM parameter_fit WHERE kept = 1 ORDER BY id DESC LIMIT 1"
RECORD = (
    "INSERT INTO parameter_fit (fitted_at, parameters, train_reviews, test_reviews, log_loss_before, log_loss_after,"
    " rmse_bins_before, rmse_bins_after, auc_before, auc_after, kept, rescheduled) VALUES (:fitted_at, :parameters,"
    " :train_reviews, :test_reviews, :log_loss_before, :log_loss_after, :rmse_bins_before, :rmse_bins_after,"
    " :auc_before, :auc_after, :kept, 0)"
)
SET_RESCHEDULED = "UPDATE parameter_fit SET rescheduled = :cards WHERE id = :id"
HISTORY = "SELECT * FROM parameter_fit ORDER BY id"
ANSWERS = "SELECT card_id, study_day, rating FROM review WHERE study_day IS NOT NULL ORDER BY card_id, id"


@dataclass(frozen=True)
class StoredFit:
    """A fit as kept: when, its parameters and its figures before (the parameters in use then) and after."""

    id: int
    fitted_at: datetime
    parameters: tuple[float, ...]
    train_reviews: int
    test_reviews: int
    log_loss: tuple[float, float]
    rmse_bins: tuple[float | None, float | None]
    auc: tuple[float | None, float | None]
    kept: bool
    rescheduled: int


def parameters_in_use(db: Database) -> tuple[float, ...] | None:
    """The parameters of the newest kept fit, or None (py-fsrs's defaults)."""
    with db.read() as conn:
        row = conn.execute(IN_USE).fetchone()
    return None if row is None else tuple(float(w) for w in json.loads(row[0]))


def answers_by_card(db: Database) -> list[list[tuple[date, int]]]:
    """Each card's answers as (study day, grade), in answer order: what a fit learns from."""
    by_card: dict[int, list[tuple[date, int]]] = defaultdict(list)
    with db.read() as conn:
        for card_id, day, rating in conn.execute(ANSWERS):
            by_card[card_id].append((date.fromisoformat(day), rating))
    return list(by_card.values())


def record(
    db: Database,
    when: datetime,
    parameters: Sequence[float],
    train_reviews: int,
    test_reviews: int,
    before: tuple[float, float | None, float | None],
    after: tuple[float, float | None, float | None],
    kept: bool,
) -> int:
    """Keep a fit (kept or not, for the history); returns its id. `before`/`after`: log loss, RMSE(bins), AUC."""
    values = {
        "fitted_at": to_db(when),
        "parameters": json.dumps([round(w, 6) for w in parameters]),
        "train_reviews": train_reviews,
        "test_reviews": test_reviews,
        "log_loss_before": before[0],
        "log_loss_after": after[0],
        "rmse_bins_before": before[1],
        "rmse_bins_after": after[1],
        "auc_before": before[2],
        "auc_after": after[2],
        "kept": kept,
    }
    with db.write() as conn:
        cursor = conn.execute(RECORD, values)
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def set_rescheduled(conn: sqlite3.Connection, fit_id: int, cards: int) -> None:
    """Note how many cards a fit rescheduled (in the transaction that rescheduled them)."""
    conn.execute(SET_RESCHEDULED, {"cards": cards, "id": fit_id})


def history(db: Database) -> list[StoredFit]:
    """Every fit, oldest first."""
    with db.read() as conn:
        rows = named(conn).execute(HISTORY).fetchall()
    return [
        StoredFit(
            row["id"],
            from_db(row["fitted_at"]) or datetime.min,
            tuple(json.loads(row["parameters"])),
            row["train_reviews"],
            row["test_reviews"],
            (row["log_loss_before"], row["log_loss_after"]),
            (row["rmse_bins_before"], row["rmse_bins_after"]),
            (row["auc_before"], row["auc_after"]),
            bool(row["kept"]),
            row["rescheduled"],
        )
        for row in rows
    ]


REVIEW_CARD_ANSWERS = (
    "SELECT r.card_id, r.rating, r.reviewed_at FROM review r JOIN card c ON c.id = r.card_id"
    " WHERE c.state = 2 AND c.retired = 0 ORDER BY r.card_id, r.id"
)
"""Every answer of each card now in Review, in order: what rescheduling replays."""
SET_MEMORY = "UPDATE card SET stability = :stability, difficulty = :difficulty, due = :due WHERE id = :id AND state = 2"
