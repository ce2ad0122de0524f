"""quizapp's answers timed one by one, in a process of its own, on the path the review screen runs between two cards.

  - `screen`: what the review screen does from a grade to the next card's grade bar: the answer (card state,
    review log, leech check: one durable write transaction), then the next card, the counts above it and
    its lapses (`next_up`, on the scheduler thread), then the intervals of the grade bar (`intervals`);
  - `recount`: the same, with the counts recounted from the database for every card, as when another window
    answers at the same time (`screen` keeps them, updated by each answer, as the review screen does);
  - `core`: the next card and the answer only;
  - `tally`: what the answers of a sitting leave for later: adding them to the report tallies, which the next
    report, browser or mock does first (`tallied.bring_up_to_date`), timed once on the database a `screen` run
    left (one value).

The grades are anki_side.grades(): the same list Anki's side answers with. One untimed read of the first card and
its counts comes first, as Anki's side builds its queue untimed. Prints the seconds of each answer as JSON. With
`serve`, it answers requests read from stdin instead, one JSON list [DB, PATH, N] a line, each with its latencies
as a JSON line: the repetitions of run.py, many and short, in one process as Anki's side has them.

Usage: python benchmarks/answers.py DB screen|recount|core N | DB tally 0 | serve
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from anki_side import grades  # noqa: E402

from quizapp.config import ReviewSettings, SchedulerSettings  # noqa: E402
from quizapp.scheduling import Grade, ReviewScheduler  # noqa: E402
from quizapp.store.database import open_database  # noqa: E402
from quizapp.store.tallied import bring_up_to_date  # noqa: E402

PATHS = ("screen", "recount", "core", "tally")
DECKS = "SELECT id FROM deck ORDER BY id"


def latencies(db_path: Path, path: str, answers: int) -> list[float]:
    """Seconds per answer on `path` (see the module docstring), over every deck, with the default settings."""
    db = open_database(db_path)
    if path == "tally":
        try:
            started = time.perf_counter()
            bring_up_to_date(db)
            return [time.perf_counter() - started]
        finally:
            db.close()
    scheduler = ReviewScheduler(db, SchedulerSettings(), ReviewSettings())
    deck_ids = [row[0] for row in db.conn.execute(DECKS)]  # every deck, as `r` on home reviews
    times: list[float] = []
    try:
        card = scheduler.next_up(deck_ids).card
        for grade in grades(answers):
            if card is None:
                raise RuntimeError("the queue ran empty")
            started = time.perf_counter()
            if path == "core":
                scheduler.answer(card.id, Grade(grade), 10_000)
                card = scheduler.next_card(deck_ids)
            else:
                scheduler.answer(card.id, Grade(grade), 10_000)
                if path == "recount":
                    scheduler.forget_counts()
                card = scheduler.next_up(deck_ids).card  # what ReviewScreen.next_up reads on its scheduler thread
                if card is not None:
                    scheduler.intervals(card)
            times.append(time.perf_counter() - started)
    finally:
        db.close()
    return times


def serve() -> None:
    """Time the answers of each request on stdin (see the module docstring) until stdin ends."""
    for line in sys.stdin:
        db_file, path, count = json.loads(line)
        print(json.dumps(latencies(Path(db_file), path, int(count))), flush=True)


if __name__ == "__main__":
    match sys.argv[1:]:
        case [db_file, path, count] if path in PATHS:
            print(json.dumps(latencies(Path(db_file), path, int(count))))
        case ["serve"]:
            serve()
        case _:
            raise SystemExit(__doc__)
