"""`quizapp cards`: find cards by text, topic, deck or state, show one's history, or reset one, on the command
line (the browse screen does the same in the TUI). Imports neither Textual nor SQLAlchemy on a database that
exists."""

from __future__ import annotations

import argparse
import difflib
import sys
from datetime import UTC, datetime

from quizapp import browse
from quizapp.config import load_settings
from quizapp.days import day_bounds
from quizapp.errors import UsageError
from quizapp.store.catalog import topic_counts
from quizapp.store.database import open_database
from quizapp.store.states import CardState
from quizapp.store.sync import sync_decks


def run(args: argparse.Namespace) -> int:
    """List the cards that match, or show or reset one; the deck folders are synced first, as for `topics`."""
    settings = load_settings(args.db, args.decks)
    now = datetime.now(UTC)
    threshold = settings.review.leech_threshold
    db = open_database(settings.db_path, allow_read_only=True)
    try:
        deck_ids = None
        if db.read_only is None:
            synced = sync_decks(db, settings.deck_paths, now, skip_invalid=True)
            deck_ids = synced.deck_ids
            for problem in synced.problems:
                print(f"quizapp: deck skipped: {problem}", file=sys.stderr)
        uid = args.history or args.reset
        if uid:
            card = browse.card_by_uid(db, uid, leech_threshold=threshold)
            if card is None:
                raise UsageError(f"no card {uid} (`quizapp cards` lists them)")
            if args.reset and card.state == CardState.New:
                print(f"{card.uid} is already new: nothing to reset")
            elif args.reset:
                browse.reset_card(db, card.id, now=now)
                print(f"{card.uid} reset: was {browse.state_label(card)}, due {browse.local_time(card.due)}; now new.")
                print(f"Its {card.answers} answer(s) stay in the history for the reports.")
            else:
                print("\n".join(browse.card_report(db, card)))
            return 0
        deck, topic = getattr(args, "deck", None), getattr(args, "topic", None)
        if deck is not None and deck not in (deck_ids if deck_ids is not None else [deck]):
            raise UsageError(f"no deck {deck!r} in these decks")
        if topic is not None:
            known = [name for name, _ in topic_counts(db, deck_ids)] if deck_ids is not None else None
            wanted = topic.rstrip("/")
            if known is not None and not any(n == wanted or n.startswith(wanted + "/") for n in known):
                close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise UsageError(f"no topic {topic!r} in these decks{hint} (`quizapp topics` lists them)")
        due_by = day_bounds(now, settings.review.day_start_hour)[1]
        found = browse.find_cards(
            db, args.text, topic, deck, args.state, args.limit or -1,
            deck_ids=deck_ids, due_by=due_by, leech_threshold=threshold,
        )  # fmt: skip
    finally:
        db.close()
    header = ("card", "topic", "state", "due", "lapses", "answers", "flags", "question")
    rows = [
        (c.uid, c.topic, browse.state_label(c), browse.local_time(c.due), str(c.lapses), str(c.answers),
         browse.flags_label(c), browse.clipped(c.prompt, 40))
        for c in found
    ]  # fmt: skip
    if rows:
        print("\n".join(browse.aligned([header, *rows], right=frozenset({4, 5}))))
    more = "; --limit shows more" if args.limit and len(found) == args.limit else ""
    print(f"{len(found)} card(s){more}")
    return 0
