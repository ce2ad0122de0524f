"""Command line: parse arguments, run a command, turn QuizError into a message and exit code.

`lint`, `schema` and `--help` stay light: Textual and SQLAlchemy are imported only by the
commands that need them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from quizapp import __version__
from quizapp.errors import DeckError, QuizError

DESCRIPTION = "Spaced-repetition review of deep interview questions (FSRS, SQLite, a terminal UI)."


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db", metavar="PATH", default=default, help="database file (default: $QUIZAPP_DB or the user data folder)"
    )
    parser.add_argument(
        "--decks",
        metavar="DIR",
        action="append",
        default=default,
        help="deck folder or file to use instead of the defaults; repeatable (default: $QUIZAPP_DECKS, "
        "else the bundled decks plus the 'decks' folder in the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (global options are accepted before or after the command)."""
    parser = argparse.ArgumentParser(prog="quizapp", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"quizapp {__version__}")
    _global_options(parser, suppress=False)
    parser.add_argument("--deck", metavar="ID", help="review only this deck")
    parser.add_argument("--topic", metavar="PATH", help="review only this topic and its subtopics (e.g. diffusion/dit)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    review = commands.add_parser("review", parents=[common], help="review due cards in the terminal UI (the default)")
    review.add_argument("--deck", metavar="ID", default=argparse.SUPPRESS, help="review only this deck")
    review.add_argument("--topic", metavar="PATH", default=argparse.SUPPRESS, help="review only this topic")
    lint = commands.add_parser(
        "lint", parents=[common], help="check deck files; print file:line:col: message per problem"
    )
    lint.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="deck files or folders")
    commands.add_parser("schema", parents=[common], help="print the JSON Schema of the deck format")
    imp = commands.add_parser("import", parents=[common], help="sync deck files into the database (all or nothing)")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="deck files or folders")
    commands.add_parser("backup", parents=[common], help="back the database up now (into 'backups' beside it)")
    restore = commands.add_parser(
        "restore", parents=[common], help="replace the database with a backup (checked first)"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a quizapp database file, e.g. a backup")
    return parser


def cmd_lint(paths: list[Path]) -> int:
    """Print every problem in every file; exit 1 if there is any."""
    from quizapp.decks.cards import card_specs
    from quizapp.decks.loader import load_decks

    try:
        decks = load_decks(paths)
    except DeckError as e:
        for problem in e.problems:
            print(problem)
        print(f"{len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    questions = sum(len(d.deck.questions) for d in decks)
    cards = sum(len(card_specs(d.deck)) for d in decks)
    print(f"{len(decks)} deck(s), {questions} questions, {cards} cards: no problems")
    return 0


def cmd_schema() -> int:
    """Print the deck JSON Schema."""
    from quizapp.decks.schema import deck_schema_json

    print(deck_schema_json())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Sync the given deck files into the database in one transaction."""
    from quizapp.config import load_settings
    from quizapp.store.database import open_database
    from quizapp.store.sync import sync_decks

    settings = load_settings(args.db, args.decks)
    db = open_database(settings.db_path)
    try:
        report = sync_decks(db, args.paths, datetime.now(UTC))
    finally:
        db.close()
    print(report.summary())
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back the database up now."""
    from quizapp.config import load_settings
    from quizapp.store.backup import make_backup
    from quizapp.store.files import check_intact

    settings = load_settings(args.db, args.decks)
    check_intact(settings.db_path)
    print(make_backup(settings.db_path, datetime.now(UTC)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore the database from a file, keeping a backup of the current one."""
    from quizapp.config import load_settings
    from quizapp.store.backup import restore

    settings = load_settings(args.db, args.decks)
    saved = restore(settings.db_path, args.file, datetime.now(UTC))
    print(f"restored {settings.db_path} from {args.file}; the previous database was saved as {saved}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Sync the deck folders, then run the review TUI."""
    from quizapp.tui.launch import run_review

    return run_review(db=args.db, decks=args.decks, deck=args.deck, topic=args.topic)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `quizapp` command."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "lint":
            return cmd_lint(args.paths)
        if args.command == "schema":
            return cmd_schema()
        if args.command == "import":
            return cmd_import(args)
        if args.command == "backup":
            return cmd_backup(args)
        if args.command == "restore":
            return cmd_restore(args)
        return cmd_review(args)
    except DeckError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return e.exit_code
    except QuizError as e:
        print(f"quizapp: {e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
