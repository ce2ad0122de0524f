"""The Anki half of the side-by-side benchmark: the same questions, the same review history, the same grades and
the same queue order, run through the `anki` package (the desktop app's Rust backend) on the same machine.

The collection is made by Anki's own CSV import of the same questions (`write_csv`: every text of the YAML
question, its deck and id as the note's GUID; cloze questions as Cloze notes, so both apps hold one card per
deletion); then each card is given the scheduling state of its quizapp twin and the whole review log. The deck
options are set as quizapp schedules: FSRS, (re)learning cards before reviews, new cards after them, 20 new cards a
day (both apps' default) and no review limit (quizapp has none).

Its processes (timed from outside): python benchmarks/anki_side.py import CSV COLLECTION | first COLLECTION |
answers COLLECTION N | graphs COLLECTION; and the per-answer latencies (timed inside): latencies COLLECTION N | serve
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anki.collection import Collection

DEFAULT_DECK = 1
FSRS6_DECAY = 0.1542  # what fsrs 6 (quizapp's scheduler) uses with default parameters
CSV_HEADER = "#separator:Comma\n#html:false\n#guid column:1\n#notetype column:2\n#tags column:5\n"
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::[^}]*)?\}\}")
DAY = 86400
NEW_PER_DAY = 20  # both apps' default
GRADE_WEIGHTS = (10, 5, 75, 10)  # Again, Hard, Good, Easy
SEED = 7  # the same grades every run, and on both sides
# Deck options as quizapp's queue runs: (re)learning cards first, then reviews, then new cards
REVIEW_MIX_AFTER_REVIEWS, REVIEW_MIX_BEFORE_REVIEWS = 1, 2
GRAPHS_DAYS = 365  # the Statistics screen's default period ("1 year")
# Read from the quizapp database. The grade and state are parameters taken from quizapp's enums in `_build`,
# so that the timed processes, which never read that database, import nothing of quizapp.
LAPSES = (
    "SELECT card_id, count(*) AS reps, sum(rating = :again AND state_before = :review) AS lapses"
    " FROM review GROUP BY card_id"
)
CARDS = (
    "SELECT id, deck_id, question_id, cloze, state, step, stability, difficulty, due, last_review, suspended,"
    " retired, position FROM card"
)
REVIEWS = (
    "SELECT card_id, rating, reviewed_at, duration_ms, state_before, difficulty_after, due_after"
    " FROM review ORDER BY reviewed_at, id"
)


def grades(answers: int, seed: int = SEED) -> list[int]:
    """The grades given, 1 (Again) to 4 (Easy), in order: the same list on both sides."""
    return random.Random(seed).choices((1, 2, 3, 4), weights=GRADE_WEIGHTS, k=answers)


def guid(deck_id: str, question_id: str) -> str:
    """A question's note GUID in the collection: its deck and id, so each card finds its quizapp twin."""
    return f"{deck_id}/{question_id}"


def available() -> bool:
    """True when the `anki` package can be imported (the benchmark skips Anki otherwise)."""
    try:
        import anki  # noqa: F401
    except ImportError:
        return False
    return True


def _lines(title: str, items: list[Any]) -> str:
    return "\n".join([f"{title}:", *(f"- {item}" for item in items)]) if items else ""


def _row(deck_id: str, question: dict[str, Any]) -> list[str]:
    """One deck question as a CSV row: GUID, notetype, front, back, tags; every text of the question is kept."""
    tags = " ".join([str(question.get("topic", "")).replace("/", "::"), f"level::{question.get('level', 0)}"])
    extras = [
        _lines("Key points", question.get("key_points", [])),
        _lines("Follow-ups", question.get("follow_ups", [])),
        _lines("References", question.get("references", [])),
    ]
    kind = question.get("type", "open")
    if kind == "cloze":
        front = "\n".join(filter(None, [question.get("prompt"), question["text"].strip()]))
        notetype, back = "Cloze", [str(question.get("answer") or question.get("explanation") or "")]
    elif kind == "choice":
        choices = "\n".join(f"{chr(65 + i)}. {choice}" for i, choice in enumerate(question["choices"]))
        correct = question["correct"] if isinstance(question["correct"], list) else [question["correct"]]
        notetype, front = "Basic", f"{question['prompt'].strip()}\n{choices}"
        back = [", ".join(chr(65 + i) for i in correct), str(question.get("explanation") or "")]
    else:
        notetype, front, back = "Basic", question["prompt"].strip(), [question["answer"].strip()]
    text = "\n\n".join(part.strip() for part in [*back, *extras] if part.strip())
    return [guid(deck_id, str(question["id"])), notetype, front, text, tags]


def write_csv(deck_dir: Path, out: Path) -> int:
    """Convert every question of the YAML decks to a CSV that Anki's importer reads; returns the row count."""
    import yaml  # here, not at the top, so the timed import process does not pay for it

    rows = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        handle.write(CSV_HEADER)
        writer = csv.writer(handle)
        for path in sorted(deck_dir.glob("*.yaml")):
            deck = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for question in deck["questions"]:
                writer.writerow(_row(deck["deck"], question))
                rows += 1
    return rows


def _expected_cards(csv_path: Path) -> int:
    """Cards the CSV should produce: one per Basic row, one per distinct cloze number."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[CSV_HEADER.count("\n") :]  # header lines hold no quotes or commas
    return sum(len({m[0] for m in CLOZE.findall(row[2])}) if row[1] == "Cloze" else 1 for row in rows)


def _import(col: Collection, csv_path: str) -> None:
    """Anki's CSV import into the default deck."""
    from anki.collection import ImportCsvRequest

    metadata = col.get_csv_metadata(csv_path, None)  # reads the #guid/#notetype/#tags column headers
    metadata.deck_id = DEFAULT_DECK
    col.import_csv(ImportCsvRequest(path=csv_path, metadata=metadata))


def _import_main(csv_path: str, collection_path: str) -> None:
    """What a user's import costs: open a fresh collection, run Anki's CSV import, close."""
    from anki.collection import Collection

    col = Collection(collection_path)
    try:
        _import(col, csv_path)
    finally:
        col.close()


def _fresh(path: Path) -> None:
    """Remove a collection and its side files so every run starts from nothing."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.with_suffix(".media.db2").unlink(missing_ok=True)
    shutil.rmtree(path.with_suffix(".media"), ignore_errors=True)


def _process_seconds(*args: str) -> float:
    """Wall time of this script run as a process with `args` (start-up and interpreter exit included)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], check=True)
    return time.perf_counter() - started


def import_seconds(csv_path: Path, workdir: Path) -> float:
    """Wall time of a whole import process (start-up, import, close), checked by counting the cards after."""
    from anki.collection import Collection

    workdir.mkdir(parents=True, exist_ok=True)
    collection_path = workdir / "import.anki2"
    _fresh(collection_path)
    seconds = _process_seconds("import", str(csv_path), str(collection_path))
    expected, col = _expected_cards(csv_path), Collection(str(collection_path))
    cards = col.card_count()
    col.close()
    if cards != expected:
        raise RuntimeError(f"Anki imported {cards} cards, expected {expected}")
    return seconds


def _epoch(text: str | None) -> float | None:
    """quizapp's UTC text timestamps as epoch seconds."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _interval(seconds: float) -> int:
    """Anki's revlog interval: days when a day or longer, else negative seconds."""
    return round(seconds / DAY) if seconds >= DAY else -max(1, round(seconds))


def _configure(col: Collection) -> dict[str, Any]:
    """FSRS on, and the deck options that make Anki's queue quizapp's (see the module docstring)."""
    col.set_config("fsrs", True)  # BoolKey::Fsrs, the switch the deck options screen flips
    conf = col.decks.config_dict_for_deck_id(DEFAULT_DECK)
    conf["new"]["perDay"], conf["rev"]["perDay"] = NEW_PER_DAY, 9999
    conf["newMix"], conf["interdayLearningMix"] = REVIEW_MIX_AFTER_REVIEWS, REVIEW_MIX_BEFORE_REVIEWS
    col.decks.update_config(conf)
    col.decks.select(DEFAULT_DECK)
    return conf


def _build(quizapp_db: Path, csv_path: Path, path: Path) -> Collection:
    """A collection of the questions of `csv_path`, each card in the state of its quizapp twin, with the whole
    review log of `quizapp_db`."""
    from anki.collection import Collection

    from quizapp.scheduling import Grade
    from quizapp.store.states import CardState

    _fresh(path)
    col = Collection(str(path))
    _import(col, str(csv_path))
    conf = _configure(col)
    steps = {CardState.Learning: len(conf["new"]["delays"]), CardState.Relearning: len(conf["lapse"]["delays"])}
    today, cutoff, now = col.sched.today, col.sched.day_cutoff, time.time()
    cards_of_notes = "select c.id, n.guid, c.ord from cards c join notes n on n.id = c.nid"
    twins = {(note, ord_): cid for cid, note, ord_ in col.db.all(cards_of_notes)}

    def day(moment: float) -> int:
        """Anki's day number (days since the collection was created, by its rollover hour) of a moment."""
        return today + math.floor((moment - (cutoff - DAY)) / DAY)

    source = sqlite3.connect(f"file:{quizapp_db}?mode=ro", uri=True)
    source.row_factory = sqlite3.Row
    lapsed = {"again": int(Grade.Again), "review": int(CardState.Review)}
    counts = {row["card_id"]: (row["reps"], row["lapses"]) for row in source.execute(LAPSES, lapsed)}
    anki_id: dict[int, int] = {}
    cards: list[list[Any]] = []
    for card in source.execute(CARDS):
        cid = anki_id[card["id"]] = twins.pop((guid(card["deck_id"], card["question_id"]), (card["cloze"] or 1) - 1))
        state, stability = CardState(card["state"]), card["stability"]
        due_at, last_at = _epoch(card["due"]) or now, _epoch(card["last_review"])
        data: dict[str, Any] = {}
        if stability is not None:
            data = {"s": round(stability, 4), "d": round(card["difficulty"], 4), "dr": conf["desiredRetention"]}
            data |= {"decay": FSRS6_DECAY, **({"lrt": int(last_at)} if last_at else {})}
        ivl, left = 0, 0
        if state == CardState.New:
            queue, due_value = 0, card["position"]
        elif state == CardState.Review:
            queue, due_value = 2, day(due_at)
            ivl = max(1, round((due_at - last_at) / DAY) if last_at else round(stability or 1))
        else:  # learning or relearning: intraday by timestamp, later days by day number
            queue, due_value = (1, int(due_at)) if due_at < cutoff else (3, day(due_at))
            left = max(1, steps[state] - (card["step"] or 0))
            ivl = max(1, round(stability or 1)) if state == CardState.Relearning else 0
        queue = -1 if card["suspended"] or card["retired"] else queue
        state_columns = [int(state), queue, due_value, ivl, 2500 if state else 0, *counts.get(cid, (0, 0)), left]
        cards.append([*state_columns, json.dumps(data), cid])
    if twins:
        raise RuntimeError(f"{len(twins)} Anki cards have no quizapp twin, e.g. {next(iter(twins))}")

    revlog: list[list[Any]] = []
    previous = 0
    last_ivl: dict[int, int] = {}
    # Anki's revlog type of an answer given in each of our states: learn, learn, review, relearn
    kinds = {CardState.New: 0, CardState.Learning: 0, CardState.Review: 1, CardState.Relearning: 2}
    for review in source.execute(REVIEWS):
        cid, difficulty = anki_id[review["card_id"]], review["difficulty_after"]
        moment = _epoch(review["reviewed_at"]) or now
        rid = previous = max(int(moment * 1000), previous + 1)  # time order, so unique ids stay monotonic
        ivl = _interval((_epoch(review["due_after"]) or moment) - moment)
        factor = round(((difficulty - 1) / 9 + 0.1) * 1000) if difficulty is not None else 0
        taken = review["duration_ms"] or 10000
        kind = kinds[CardState(review["state_before"])]
        revlog.append([rid, cid, -1, review["rating"], ivl, last_ivl.get(cid, 0), factor, taken, kind])
        last_ivl[cid] = ivl
    source.close()

    def insert() -> None:
        col.db.executemany(
            "update cards set type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, left=?, data=? where id=?",
            cards,
        )
        for start in range(0, len(revlog), 100_000):
            col.db.executemany("insert into revlog values (?,?,?,?,?,?,?,?,?)", revlog[start : start + 100_000])

    col.db.transact(insert)
    if not col.sched.get_queued_cards(fetch_limit=1).cards:
        col.close()
        raise RuntimeError(f"Anki's queue is empty after building {len(cards)} cards (today={today})")
    return col


def build_collection(quizapp_db: Path, csv_path: Path, workdir: Path) -> Path:
    """An Anki collection of the questions of `csv_path` with the cards' states and the review history of
    `quizapp_db`; returns its path."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "collection.anki2"
    _build(quizapp_db, csv_path, path).close()
    return path


def _answer(col: Collection, grade: int) -> None:
    """Fetch the next queued card (with the counts and the four next states) and answer it `grade` (1-4), as
    the desktop app's reviewer does between two cards."""
    from anki.collection import Card  # importing anki.cards first is circular

    queued = col.sched.get_queued_cards(fetch_limit=1)
    if not queued.cards:
        raise RuntimeError("Anki ran out of cards")
    top = queued.cards[0]
    card = Card(col, backend_card=top.card)
    card.start_timer()
    col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=grade - 1))


def answer_latencies(collection: Path, answers: int) -> list[float]:
    """Seconds per answer in Anki: fetch the next queued card, build the answer, answer it.

    Durability: every backend operation (answer_card included) runs in `Collection::transact`, which wraps it
    in `savepoint rust` ... `release rust`; with no outer transaction open, the release is the commit. The
    collection is opened with journal_mode=WAL and SQLite's default synchronous=FULL, so the WAL is synced
    on every commit: each answer is on disk when answer_card returns (there is no autosave timer any more;
    Collection.save/autosave are deprecated no-ops). One untimed fetch first builds the day's queue, as
    quizapp's side also reads its first card and counts untimed.
    """
    from anki.collection import Collection

    col = Collection(str(collection))
    times: list[float] = []
    try:
        col.sched.get_queued_cards(fetch_limit=1)
        for grade in grades(answers):
            started = time.perf_counter()
            _answer(col, grade)
            times.append(time.perf_counter() - started)
    finally:
        col.close()
    return times


def serve() -> None:
    """`answer_latencies` for each request on stdin, one JSON list [COLLECTION, N] a line, each answered with the
    latencies as a JSON line (answers.py serves quizapp's side the same way)."""
    for line in sys.stdin:
        collection, count = json.loads(line)
        print(json.dumps(answer_latencies(Path(collection), int(count))), flush=True)


def _first_card_main(collection: str) -> None:
    """Open the collection, fetch the first queued card and render its question (Anki's HTML)."""
    from anki.collection import Card, Collection

    col = Collection(collection)
    top = col.sched.get_queued_cards(fetch_limit=1).cards[0]
    Card(col, backend_card=top.card).question()
    col.close()


def first_card_seconds(collection: Path) -> float:
    """Whole-process seconds to the first card's question, without the GUI (so a lower bound for Anki)."""
    return _process_seconds("first", str(collection))


def _graphs_main(collection: str) -> None:
    """Open the collection, compute what its Statistics screen shows over a year, close."""
    from anki.collection import Collection

    col = Collection(collection)
    col._backend.graphs(search="", days=GRAPHS_DAYS)
    col.close()


def graphs_seconds(collection: Path) -> float:
    """Whole-process seconds of Anki computing its own statistics: the data of the Statistics screen, which
    the desktop app then draws in a web view (not included, so a lower bound for Anki)."""
    return _process_seconds("graphs", str(collection))


@contextmanager
def graphs_timer(collection: Path) -> Iterator[Callable[[], float]]:
    """Open the collection and give a call that times one `graphs` computation on it, warm (one untimed
    call first: SQLite's cache and the backend's prepared statements are filled, as quizapp's side also is)."""
    from anki.collection import Collection

    col = Collection(str(collection))

    def once() -> float:
        started = time.perf_counter()
        col._backend.graphs(search="", days=GRAPHS_DAYS)
        return time.perf_counter() - started

    try:
        once()
        yield once
    finally:
        col.close()


def _answers_main(collection: str, answers: int) -> None:
    """Answer `answers` cards, then print this process's peak RSS in MB."""
    import resource

    from anki.collection import Collection

    col = Collection(collection)
    for grade in grades(answers):
        _answer(col, grade)
    col.close()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def peak_rss_mb(collection: Path, answers: int = 20) -> float:
    """Peak memory of a process that opens the collection and answers `answers` cards (no GUI)."""
    command = [sys.executable, str(Path(__file__).resolve()), "answers", str(collection), str(answers)]
    return float(subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()[-1])


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["import", csv_file, collection_file]:
            _import_main(csv_file, collection_file)
        case ["first", collection_file]:
            _first_card_main(collection_file)
        case ["latencies", collection_file, count]:
            print(json.dumps(answer_latencies(Path(collection_file), int(count))))
        case ["serve"]:
            serve()
        case ["answers", collection_file, count]:
            _answers_main(collection_file, int(count))
        case ["graphs", collection_file]:
            _graphs_main(collection_file)
        case _:
            raise SystemExit(
                "usage: anki_side.py import CSV COLLECTION | first COLLECTION | latencies COLLECTION N | serve"
                " | answers COLLECTION N | graphs COLLECTION"
            )
