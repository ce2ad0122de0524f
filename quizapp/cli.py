"""Command line: parse arguments, run a command, turn QuizError into a message and exit code.

`lint`, `schema`, `info` and `--help` stay light: Textual and SQLAlchemy are imported only by
the commands that need them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp import __version__
from quizapp.config import MAX_MOCK_MINUTES, user_path
from quizapp.errors import DeckError, QuizError, UsageError

if TYPE_CHECKING:
    from quizapp.analysis.model import Report

DESCRIPTION = "Spaced-repetition review of deep interview questions (FSRS, SQLite, a terminal UI)."
ENVIRONMENT = f"""environment:
  QUIZAPP_HOME    data folder: quizapp.db, config.toml, backups/, your decks/
                  (default: the user data folder; `quizapp info` shows where)
  QUIZAPP_DB      database file, as --db
  QUIZAPP_DECKS   deck folders or files, separated by '{os.pathsep}', as --decks
  QUIZAPP_CONFIG  settings file (default: config.toml in the data folder)"""
_PATHS_HELP = "deck files or folders (default: the deck folders the review syncs, see --decks)"


def _db_option(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db", metavar="PATH", default=default, help="database file (default: $QUIZAPP_DB or the user data folder)"
    )


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    _db_option(parser, suppress=suppress)
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
    parser = argparse.ArgumentParser(
        prog="quizapp",
        description=DESCRIPTION,
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"quizapp {__version__}")
    _global_options(parser, suppress=False)
    parser.add_argument("--deck", metavar="ID", help="review only this deck")
    parser.add_argument("--topic", metavar="PATH", help="review only this topic and its subtopics (e.g. diffusion/dit)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)  # the commands that read the deck folders and the database
    _global_options(common, suppress=True)
    db_only = argparse.ArgumentParser(add_help=False)  # the commands that read or write only the database
    _db_option(db_only, suppress=True)
    review = commands.add_parser("review", parents=[common], help="review due cards in the terminal UI (the default)")
    review.add_argument("--deck", metavar="ID", default=argparse.SUPPRESS, help="review only this deck")
    review.add_argument("--topic", metavar="PATH", default=argparse.SUPPRESS, help="review only this topic")
    lint = commands.add_parser(
        "lint",
        parents=[common],
        help="check deck files; print file:line:col: message per problem",
        description="Check deck files; print file:line:col: message per problem. With --db (or $QUIZAPP_DB), "
        "also warn about reviewed questions an import into that database would retire, such as an id "
        "renamed without renamed_from; without either, no database is read. Exit 1 on any problem or warning.",
    )
    lint.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=_PATHS_HELP)
    schema = commands.add_parser("schema", help="print the JSON Schema of the deck format")
    schema.add_argument("--report", action="store_true", help="the JSON Schema of `report --format json` instead")
    imp = commands.add_parser("import", parents=[common], help="sync deck files into the database (all or nothing)")
    imp.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=_PATHS_HELP)
    commands.add_parser("backup", parents=[db_only], help="back the database up now (into 'backups' beside it)")
    restore = commands.add_parser(
        "restore", parents=[db_only], help="replace the database with a backup (checked first)"
    )
    restore.add_argument("file", type=user_path, metavar="FILE", help="a quizapp database file, e.g. a backup")
    commands.add_parser("topics", parents=[common], help="list the topics of the decks (for --topic), with card counts")
    commands.add_parser("suspended", parents=[db_only], help="list the suspended and buried cards")
    unsuspend = commands.add_parser(
        "unsuspend", parents=[db_only], help="bring suspended or buried cards back into the queue"
    )
    unsuspend.add_argument("uids", nargs="*", metavar="CARD", help="card ids as `suspended` lists them")
    unsuspend.add_argument("--all", action="store_true", help="every suspended and buried card")
    _cards_parser(commands, common)
    optimize = commands.add_parser(
        "optimize",
        parents=[db_only],
        help="fit FSRS to your answers; keep the fit if it predicts your later answers better",
        description="Fit FSRS-6's parameters to your answers (fsrs-rs), score them and the parameters in use on "
        "the latest 20%% of answers the fit did not see (log loss, RMSE(bins), AUC), and keep the fit only if it "
        "predicts them better. Every fit is kept in the history (--history).",
    )
    now_or_not = optimize.add_mutually_exclusive_group()
    now_or_not.add_argument(
        "--reschedule", action="store_true", default=None, help="recompute the review cards' due dates with a kept fit"
    )
    now_or_not.add_argument(
        "--no-reschedule",
        dest="reschedule",
        action="store_false",
        help="keep the due dates (default without a terminal)",
    )
    optimize.add_argument("--history", action="store_true", help="list every fit and its figures")
    plan = commands.add_parser(
        "plan",
        parents=[db_only],
        help="new cards a day and desired retention to get every question seen and recalled by the interview",
        description="Plan to the interview date: how many new cards a day get every question seen 3 days before "
        "it, the highest desired retention whose busiest day fits your minutes (simulated with FSRS), the expected "
        "recall on the day per topic, or, if it cannot fit, the minutes it needs and what to leave out.",
    )
    plan.add_argument(
        "--interview", type=_day, metavar="DATE", help="the interview date (default: plan.interview_date)"
    )
    plan.add_argument("--minutes", type=float, metavar="M", help="minutes a day (default: your recent mean)")
    plan.add_argument("--apply", action="store_true", help="schedule with the plan until the interview (config [plan])")
    mock = commands.add_parser(
        "mock",
        parents=[common],
        help="a mock interview: timed questions drawn toward your weak topics, follow-ups, a scorecard",
        description="A mock interview in the terminal UI: open questions of level 3-5 above all, drawn across decks "
        "with weights that grow with what is weak (low predicted recall, misses, key points missed, a topic's "
        "again-rate, never seen); a countdown per question, notes, the model answer and key points, then the "
        "question's follow-ups; a scorecard against your previous mocks. Settings: [mock] in config.toml.",
    )
    mock.add_argument(
        "--minutes", type=_mock_minutes, metavar="M", help="length of the mock (default: mock.minutes, 30)"
    )
    mock.add_argument("--topic", metavar="PREFIX", default=argparse.SUPPRESS, help="only this topic and below")
    mock.add_argument("--seed", type=int, metavar="N", help="draw the same questions again")
    drill = commands.add_parser(
        "drill",
        parents=[common],
        help="drill every card of a topic now, without rescheduling the cards that are not due",
        description="Go through every card under a topic now, ahead of schedule. An answer to a card the daily "
        "review would show now is a review as usual; an answer to any other card is kept as a drill answer and "
        "leaves its schedule as it was. A card answered Again comes back at the end of the drill.",
    )
    drill.add_argument("--topic", metavar="PREFIX", required=True, default=argparse.SUPPRESS, help="e.g. diffusion/dit")
    report = commands.add_parser(
        "report",
        parents=[db_only],
        help="weak topics, questions and key points, trend, forecast and calibration (Markdown, HTML, CSV, JSON)",
        description="Report what the review history says: the weakest topics, questions and key points (with the "
        "weakness formula), true retention, leeches, the trend, the due forecast and how well FSRS predicted "
        "recall. Reads the database only.",
    )
    report.add_argument("--format", choices=("md", "html", "csv", "json"), default="md", help="default: md")
    report.add_argument("--out", type=user_path, metavar="FILE", help="write to FILE (replaced atomically)")
    report.add_argument("--deck", metavar="ID", default=argparse.SUPPRESS, help="only this deck")
    report.add_argument("--topic", metavar="PREFIX", default=argparse.SUPPRESS, help="only this topic and below")
    report.add_argument(
        "--since", type=_past_date, metavar="DATE", help="start the trend (days, weeks, heatmap) at DATE (YYYY-MM-DD)"
    )
    report.add_argument("--window", type=_window_days, default=30, metavar="DAYS", help="again-rate window (30)")
    report.add_argument(
        "--limit", type=_count, default=30, metavar="N", help="questions, key points, leeches (30; 0: all)"
    )
    commands.add_parser(
        "info",
        parents=[common],
        help="where the database, deck folders, config file and backups are; the versions in use",
    )
    _config_parser(commands)
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-01-15") from None


def _mock_minutes(text: str) -> int:
    """A mock's `--minutes`: a whole number the config's rule allows."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_MOCK_MINUTES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes from 1 to {MAX_MOCK_MINUTES}")
    return int(text)


def _past_date(text: str) -> date:
    """A `--since` date: ISO, not in the future."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-01") from None
    if day > date.today():
        raise argparse.ArgumentTypeError(f"{text} is in the future")
    return day


def _window_days(text: str) -> int:
    days = _count(text)
    if not 1 <= days <= 365:
        raise argparse.ArgumentTypeError("the window is 1 to 365 days")
    return days


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("give 0 or more")
    return value


def _named(folders: Sequence[Path]) -> list[Path]:
    """The deck folders the review syncs (--decks, $QUIZAPP_DECKS or the defaults), named on stderr: lint and
    import read them when given no path, and the user should know which they were."""
    print(f"deck folders: {', '.join(str(folder) for folder in folders)}", file=sys.stderr)
    return list(folders)


def cmd_lint(paths: list[Path], db: str | None = None, deck_options: list[str] | None = None) -> int:
    """Print every problem in every file (by default, of the deck folders); exit 1 if there is any.

    Given a database (`--db` or $QUIZAPP_DB; never the default one, so plain lint reads no
    database), also print a warning for each reviewed question an import would retire, such as
    an id renamed without `renamed_from`. Warnings exit 1 too: that import would lose history.
    """
    from quizapp.config import load_settings
    from quizapp.decks.cards import card_specs
    from quizapp.decks.loader import load_decks
    from quizapp.store.renames import open_read_only, unmarked_renames

    paths = paths or _named(load_settings(None, deck_options).deck_paths)
    db = db or os.environ.get("QUIZAPP_DB")
    conn = open_read_only(user_path(db)) if db else None  # a wrong database is reported before any deck
    try:
        try:
            decks = load_decks(paths)
        except DeckError as e:
            for problem in e.problems:
                print(problem)
            print(f"{len(e.problems)} problem(s)", file=sys.stderr)
            return 1
        warnings = unmarked_renames(conn, decks) if conn is not None else []
    finally:
        if conn is not None:
            conn.close()
    for warning in warnings:
        print(warning)
    if warnings:
        print(f"{len(warnings)} warning(s): importing would retire reviewed questions", file=sys.stderr)
        return 1
    questions = sum(len(d.deck.questions) for d in decks)
    cards = sum(len(card_specs(d.deck)) for d in decks)
    print(f"{len(decks)} deck(s), {questions} questions, {cards} cards: no problems")
    return 0


def cmd_schema(report: bool = False) -> int:
    """Print the deck JSON Schema, or the report's."""
    if report:
        import json

        from quizapp.analysis.export_json import report_json_schema

        print(json.dumps(report_json_schema(), indent=2, ensure_ascii=False))
        return 0
    from quizapp.decks.schema import deck_schema_json

    print(deck_schema_json())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Sync the given deck files (by default, the deck folders) into the database in one transaction.

    Ctrl-C ends it with one line and exit code 130. Every file is parsed before the write
    transaction begins, and an interrupt inside it rolls it back, so nothing is written; but an
    interrupt can also land during or just after the commit, so the line says what the database shows.
    """
    from quizapp.config import load_settings
    from quizapp.store.connection import to_db
    from quizapp.store.database import open_database
    from quizapp.store.sync import sync_decks

    settings = load_settings(args.db, args.decks)
    now = datetime.now(UTC)
    db = None
    try:
        db = open_database(settings.db_path)
        report = sync_decks(db, args.paths or _named(settings.deck_paths), now)
        print(report.summary())
    except KeyboardInterrupt:
        # The sync stamps each deck it writes with `now`: one so stamped means the commit went through.
        stamped = "SELECT 1 FROM deck WHERE synced_at = ?"
        written = db is not None and db.conn.execute(stamped, (to_db(now),)).fetchone() is not None
        outcome = "its changes were written" if written else "nothing written"
        print(f"quizapp: import interrupted: {outcome}", file=sys.stderr)
        return 130
    finally:
        if db is not None:
            db.close()
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back the database up now."""
    from quizapp.config import load_settings
    from quizapp.store.backup import make_backup
    from quizapp.store.database_file import check_intact

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
    if saved is None:
        print(f"restored {settings.db_path} from {args.file} (there was no database before)")
    else:
        print(f"restored {settings.db_path} from {args.file}; the previous database was saved as {saved}")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    """Sync the deck folders, then list each topic with its number of cards."""
    from quizapp.config import load_settings
    from quizapp.library import open_library

    library = open_library(load_settings(args.db, args.decks))
    try:
        topics = library.topics()
    finally:
        library.db.close()
    width = max((len(name) for name, _ in topics), default=0)
    for name, cards in topics:
        print(f"{name:<{width}}  {cards:>5} cards")
    return 0


def cmd_suspended(args: argparse.Namespace) -> int:
    """List the cards out of the queue."""
    from quizapp.config import load_settings
    from quizapp.store.database import open_database
    from quizapp.store.hidden import hidden_cards

    db = open_database(load_settings(args.db, args.decks).db_path)
    try:
        cards = hidden_cards(db, datetime.now(UTC))
    finally:
        db.close()
    for card in cards:
        how = "suspended" if card.suspended else f"buried until {card.buried_until:%Y-%m-%d %H:%M} UTC"
        print(f"{card.uid}  ({how})  {card.prompt[:70]}")
    print(f"{len(cards)} card(s) out of the queue" + ("; `quizapp unsuspend CARD` brings one back" if cards else ""))
    return 0


def cmd_unsuspend(args: argparse.Namespace) -> int:
    """Bring the named (or all) suspended and buried cards back into the queue."""
    from quizapp.config import load_settings
    from quizapp.store.database import open_database
    from quizapp.store.hidden import bring_back, card_ids_of, hidden_cards

    if not args.uids and not args.all:
        raise UsageError("name the cards to bring back (as `quizapp suspended` lists them), or give --all")
    db = open_database(load_settings(args.db, args.decks).db_path)
    try:
        hidden = {card.uid: card.id for card in hidden_cards(db, datetime.now(UTC))}
        if args.all:
            wanted = hidden
        else:
            unknown = sorted(set(args.uids) - set(card_ids_of(db, args.uids)))
            if unknown:
                raise UsageError(f"no card {', '.join(unknown)} (`quizapp suspended` lists the hidden ones)")
            wanted = {uid: hidden[uid] for uid in args.uids if uid in hidden}
        bring_back(db, list(wanted.values()))
    finally:
        db.close()
    print(f"{len(wanted)} card(s) back in the queue" + (f": {', '.join(wanted)}" if 0 < len(wanted) <= 10 else ""))
    return 0


def _cards_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    cards = commands.add_parser(
        "cards",
        parents=[common],
        help="find cards by text, topic, deck or state; show a card's history; reset a card",
        description="List the cards that match (every word of --text in the prompt, answer, cloze text or key "
        "points; --state new, learning, review, due, suspended or leech, repeatable), by deck and position. "
        "--history shows a card's answers and key points; --reset makes a card new again (its answers stay "
        "in the history for the reports).",
    )
    cards.add_argument("--text", metavar="T", help="words to find")
    cards.add_argument("--topic", metavar="P", default=argparse.SUPPRESS, help="this topic and below")
    cards.add_argument("--deck", metavar="D", default=argparse.SUPPRESS, help="this deck")
    cards.add_argument("--state", metavar="S", action="append", help="new, learning, review, due, suspended, leech")
    cards.add_argument("--limit", type=_count, default=200, metavar="N", help="cards listed (200; 0: all)")
    one = cards.add_mutually_exclusive_group()
    one.add_argument("--history", metavar="UID", help="this card's answers and key-point record")
    one.add_argument("--reset", metavar="UID", help="make this card new again; its history is kept")


def cmd_cards(args: argparse.Namespace) -> int:
    """List the cards that match, or show or reset one (see `quizapp.cards_command`)."""
    from quizapp.cards_command import run

    return run(args)


def cmd_info(args: argparse.Namespace) -> int:
    """Print where quizapp keeps things and the versions in use: what a move, a backup or a bug report needs.

    Reads no database and imports neither Textual nor SQLAlchemy: the versions come from the installed metadata.
    """
    import platform
    from importlib import metadata

    from quizapp.config import config_path, data_dir, load_settings
    from quizapp.decks.deck_files import find_deck_files
    from quizapp.store.backup import backup_dir, backups

    settings = load_settings(args.db, args.decks)
    home, db, config = data_dir(), settings.db_path, config_path()
    first_run = " (not there yet: made by the first review or import)"

    def deck_files(folder: Path) -> str:
        return f"{len(find_deck_files([folder]))} deck file(s)" if folder.exists() else "does not exist"

    def version(package: str) -> str:
        try:
            return f"{package} {metadata.version(package)}"
        except metadata.PackageNotFoundError:
            return f"{package} not installed"

    folders = [f"{folder} ({deck_files(folder)})" for folder in settings.deck_paths]
    if not args.decks and not os.environ.get("QUIZAPP_DECKS") and not (home / "decks").is_dir():
        folders.append(f"{home / 'decks'} (not there yet: made with the database, for your own decks)")
    saved = backups(db)
    versions = [f"quizapp {__version__}", f"Python {platform.python_version()}"]
    versions += [version(package) for package in ("textual", "sqlmodel", "fsrs")]
    rows = [
        ("data folder", str(home) + ("" if home.is_dir() else first_run)),
        ("database", str(db) + ("" if db.exists() else first_run)),
        *(("deck folders" if i == 0 else "", folder) for i, folder in enumerate(folders)),
        ("config file", str(config) + ("" if config.is_file() else " (not there: every setting has its default)")),
        ("backups", f"{backup_dir(db)} ({f'{len(saved)} of {db.name}' if saved else 'none yet'})"),
        ("versions", ", ".join(versions)),
    ]
    for name, value in rows:
        print(f"{name:<13}{value}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan to the interview date (see `quizapp.planning`)."""
    from quizapp.config import load_settings
    from quizapp.plan_command import run

    settings = load_settings(args.db, args.decks)
    interview = args.interview or settings.plan.interview_date
    if interview is None:
        raise UsageError("give the interview date: --interview 2027-01-15 (or set plan.interview_date)")
    return run(settings, interview, args.minutes, apply=args.apply)


def cmd_optimize(args: argparse.Namespace) -> int:
    """Fit FSRS to the answers in the database (see `quizapp.optimize`)."""
    from quizapp.config import load_settings
    from quizapp.optimize import run

    return run(load_settings(args.db, args.decks), reschedule_cards=args.reschedule, show_history=args.history)


def cmd_report(args: argparse.Namespace) -> int:
    """Build the report from the database as it is (nothing synced) and write it in the chosen format."""
    from quizapp.analysis.build import build_report
    from quizapp.analysis.model import Filters
    from quizapp.analysis.output import write_report
    from quizapp.config import in_force, load_settings
    from quizapp.days import study_day
    from quizapp.store.database import open_database
    from quizapp.store.fits import parameters_in_use

    loaded = load_settings(args.db, args.decks)
    settings = in_force(loaded, study_day(datetime.now(UTC), loaded.review.day_start_hour))  # a plan's, if any
    if not settings.db_path.exists():
        raise QuizError(f"no database at {settings.db_path} yet: review some cards first (run `quizapp`)")
    filters = Filters(
        deck=getattr(args, "deck", None),
        topic=getattr(args, "topic", None),
        since=args.since,
        window_days=args.window,
        leech_threshold=settings.review.leech_threshold,
        limit=args.limit,
    )
    db = open_database(settings.db_path, allow_read_only=True)
    try:
        fitted = dataclasses.replace(settings.scheduler, parameters=parameters_in_use(db))
        report = build_report(db, fitted, settings.review, filters)
    finally:
        db.close()
    if filters.deck is not None and not report.decks:
        raise UsageError(f"no deck {filters.deck!r} in {settings.db_path}")
    if filters.topic is not None and not report.topics:
        raise UsageError(f"no topic {filters.topic!r} in {settings.db_path} (`quizapp topics` lists them)")
    write_report(_render(report, args.format), args.out)
    return 0


def _render(report: Report, form: str) -> str:
    """The report as text in `form` (md, html, csv, json)."""
    if form == "html":
        from quizapp.analysis.export_html import to_html

        return to_html(report)
    if form == "csv":
        from quizapp.analysis.export_csv import to_csv

        return to_csv(report)
    if form == "json":
        from quizapp.analysis.export_json import to_json

        return to_json(report)
    from quizapp.analysis.export_markdown import to_markdown

    return to_markdown(report)


def cmd_review(args: argparse.Namespace, mode: str = "review") -> int:
    """Sync the deck folders, then run the review TUI (or start it on a drill or a mock interview)."""
    from quizapp import collector

    collector.pause_for_start()  # until the first screen is painted (the app resumes it, or run_review on failing)
    from quizapp.tui.launch import run_review
    from quizapp.tui.start import Start

    start = Start(
        deck=args.deck,
        topic=args.topic,
        mode=mode,
        minutes=getattr(args, "minutes", None),
        seed=getattr(args, "seed", None),
    )
    return run_review(db=args.db, decks=args.decks, start=start)


# --- quizapp config: light, like lint and schema (no Textual, no SQLAlchemy) -------------------------------


def _config_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    config = commands.add_parser(
        "config",
        help="show, set, unset or check the settings (the config file)",
        description="Show, set, unset or check the settings in the config file: the one $QUIZAPP_CONFIG names, "
        "else config.toml in the data folder. A value is checked by the rules quizapp starts with, and the "
        "file is replaced in one step (its comments are not kept).",
    )
    actions = config.add_subparsers(dest="config_action", metavar="ACTION")
    actions.add_parser("show", help="every setting: its value, where it comes from and its default (the default)")
    put = actions.add_parser("set", help="set one setting, e.g. `quizapp config set review.new_per_day 15`")
    put.add_argument("name", metavar="SECTION.KEY", help="e.g. scheduler.desired_retention, plan.interview_date")
    put.add_argument("value", metavar="VALUE", help="e.g. 0.92, 15, suspend, 2027-01-15, '1, 10', true")
    unset = actions.add_parser("unset", help="put one setting back to its default")
    unset.add_argument("name", metavar="SECTION.KEY")
    actions.add_parser("check", help="check the config file: print ok, or the problem and exit 1")


def cmd_config(args: argparse.Namespace) -> int:
    """Show, set, unset or check the settings; a problem in the file is a one-line error (exit 2, check: 1)."""
    from quizapp import config_file
    from quizapp.config import config_path
    from quizapp.errors import ConfigError

    if args.config_action == "set":
        value = config_file.set_setting(args.name, args.value)
        print(f"{args.name} = {config_file.shown(value)} (in {config_path()})")
    elif args.config_action == "unset":
        removed = config_file.unset_setting(args.name)
        print(f"{args.name} is back to its default" if removed else f"{args.name} was not set: it has its default")
    elif args.config_action == "check":
        try:
            checked = config_file.check()
        except ConfigError as e:
            print(f"quizapp: {e.message}", file=sys.stderr)
            return 1
        print(f"{checked}: ok" if checked else f"ok: no config file at {config_path()}, every setting has its default")
    else:
        print("\n".join(config_file.show_lines()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `quizapp` command."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "config":
            return cmd_config(args)
        if args.command == "lint":
            return cmd_lint(args.paths, args.db, args.decks)
        if args.command == "info":
            return cmd_info(args)
        if args.command == "schema":
            return cmd_schema(args.report)
        if args.command == "import":
            return cmd_import(args)
        if args.command == "backup":
            return cmd_backup(args)
        if args.command == "restore":
            return cmd_restore(args)
        if args.command == "topics":
            return cmd_topics(args)
        if args.command == "suspended":
            return cmd_suspended(args)
        if args.command == "unsuspend":
            return cmd_unsuspend(args)
        if args.command == "cards":
            return cmd_cards(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "optimize":
            return cmd_optimize(args)
        if args.command == "plan":
            return cmd_plan(args)
        if args.command in ("mock", "drill"):
            return cmd_review(args, args.command)
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
