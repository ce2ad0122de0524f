"""Settings and paths: database, deck folders, scheduler, review and plan options.

Precedence: command-line option, then environment variable, then default for the database and
the deck folders; the config file (the one QUIZAPP_CONFIG names, else the data folder's
`config.toml`), then default for the scheduler, review and plan settings and the per-deck limits of
new cards. `config_file` writes that file; the rules here say what it may hold.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeGuard, cast

from quizapp.errors import ConfigError

APP_NAME = "quizapp"
PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_decks_dir() -> Path:
    """The decks shipped with quizapp: inside the installed package, or the checkout's `decks/`."""
    installed = PACKAGE_DIR / "bundled_decks"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "decks"


def user_path(text: str) -> Path:
    """A path the user gave, made absolute once: a relative one would mean another file after a `cd`,
    and SQLite's `file:` URIs (`Path.as_uri`) exist only for absolute paths."""
    return Path(text).expanduser().resolve()


def data_dir() -> Path:
    """Per-user data folder (database, backups, the user's own decks); created when first needed."""
    if "QUIZAPP_HOME" in os.environ:
        return user_path(os.environ["QUIZAPP_HOME"])
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)).resolve()


def make_user_decks_dir(db_path: Path) -> None:
    """Make the data folder's `decks/` beside a database just created there, so a new user finds where their own
    decks go (`load_settings` reads it from then on). A database elsewhere (--db, QUIZAPP_DB) leaves the data
    folder alone, and a folder that cannot be made is left out: the database works without it."""
    home = data_dir()
    if db_path.parent == home:
        with contextlib.suppress(OSError):
            (home / "decks").mkdir(exist_ok=True)


def _database_path(option: str | None, home: Path) -> Path:
    """The database file: `--db`, else QUIZAPP_DB, else `quizapp.db` in the data folder.

    Raises:
        ConfigError: if a given path is a folder or its folder does not exist (a typo would otherwise
            create folders and an empty database in the wrong place; only the data folder is created).
    """
    for source, given in (("--db", option), ("QUIZAPP_DB", os.environ.get("QUIZAPP_DB"))):
        if not given:
            continue
        path = user_path(given)
        if path.is_dir():
            raise ConfigError(f"{source} names {path}, which is a folder, not a database file")
        if not path.parent.is_dir():
            what = "is not a folder" if path.parent.exists() else "does not exist"
            raise ConfigError(f"{source} names {path}, but the folder {path.parent} {what}")
        return path
    return home / "quizapp.db"


@dataclass(frozen=True)
class SchedulerSettings:
    """What py-fsrs's Scheduler is built from."""

    desired_retention: float = 0.9
    learning_steps_minutes: tuple[float, ...] = (1.0, 10.0)
    relearning_steps_minutes: tuple[float, ...] = (10.0,)
    maximum_interval_days: int = 36500
    fuzz: bool = True
    parameters: tuple[float, ...] | None = None  # FSRS-6's 21 weights fitted to the user (`fitting`), else py-fsrs's


LeechAction = Literal["tag", "suspend"]
LEECH_ACTIONS: tuple[LeechAction, ...] = ("tag", "suspend")


@dataclass(frozen=True)
class ReviewSettings:
    """Daily limits, the day boundary, and what to do with a card failed again and again (a leech)."""

    new_per_day: int = 20
    day_start_hour: int = 4
    learn_ahead_minutes: int = 20
    leech_threshold: int = 8  # lapses (Again after a study day) that make a card a leech, as in Anki
    leech_action: LeechAction = "tag"  # Anki's two choices: only show it as a leech, or also suspend it
    deck_limits: Mapping[str, int] = field(default_factory=dict, hash=False)
    """New cards a day from a deck, by deck id: the config file's [deck_limits] table. Kept here, beside
    `new_per_day`, because the scheduler applies both, as Anki does: a deck's new cards stop at its own limit
    or at the overall one, whichever comes first. A deck not listed has only the overall limit."""


@dataclass(frozen=True)
class PlanSettings:
    """The candidate's study plan: `quizapp plan --apply` sets the new cards a day and the desired retention
    that get every question seen and recalled by the interview; they are in force until that day."""

    interview_date: date | None = None
    new_per_day: int | None = None
    desired_retention: float | None = None


@dataclass(frozen=True)
class MockSettings:
    """A mock interview: how long, how long a question, and whether its answers also schedule the cards."""

    minutes: int = 30
    seconds_per_question: int = 240  # the countdown of each question: about what an interviewer gives
    counts_as_review: bool = True  # an answer is also an FSRS review, graded from the key points covered


@dataclass(frozen=True)
class Settings:
    """Everything a run of quizapp needs to know."""

    db_path: Path
    deck_paths: tuple[Path, ...]
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    plan: PlanSettings = field(default_factory=PlanSettings)
    mock: MockSettings = field(default_factory=MockSettings)


MAX_NEW_PER_DAY = 10_000
MAX_LEARN_AHEAD_MINUTES = 24 * 60
MAX_STEP_MINUTES = 365 * 24 * 60
MAX_INTERVAL_DAYS = 36_500  # 100 years: any due date stays far from datetime's year 9999
MAX_LEECH_THRESHOLD = 100
MAX_MOCK_MINUTES = 8 * 60
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DECK_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
"""What a deck id looks like (`decks.model.SLUG_PATTERN`, not imported: reading the config must stay light):
every deck id is also a bare TOML key."""


@dataclass(frozen=True)
class _Rule:
    """What one config-file setting accepts; the bounds keep every accepted value usable by the
    scheduler (no overflow when it becomes a date) and sensible for a study plan."""

    kind: Literal["whole", "number", "bool", "steps", "choice", "date"]
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        """The accepted values, as the error message says them."""
        if self.kind == "whole":
            return f"a whole number from {self.low:g} to {self.high:g}"
        if self.kind == "number":
            return f"a number from {self.low:g} to {self.high:g}"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(_shown(choice) for choice in self.choices)
        if self.kind == "date":
            return "a date like 2027-01-15"
        return f"a list of minutes, each above 0 and at most {self.high:g} ({self.high / (24 * 60):g} days)"

    def parse(self, value: object) -> object:
        """The setting's value, or None if `value` is not allowed (a bool is never taken for a number)."""
        if self.kind == "bool":
            return value if isinstance(value, bool) else None
        if self.kind == "choice":
            return value if isinstance(value, str) and value in self.choices else None
        if self.kind == "date":
            return _date(value)
        if self.kind == "steps":
            if not isinstance(value, list) or not all(_is_number(v) and 0 < v <= self.high for v in value):
                return None
            return tuple(float(v) for v in value)
        if not _is_number(value) or not self.low <= value <= self.high:  # also rejects nan
            return None
        if self.kind == "whole":
            return int(value) if float(value).is_integer() else None
        return float(value)

    def from_text(self, text: str) -> object:
        """What a value typed on the command line or in the settings screen stands for, to `parse` next: TOML's
        reading of it (`0.92`, `15`, `true`, `[1, 10]`, `2027-01-15`), else the text itself (`suspend`).
        A list of steps may leave out its brackets (`1, 10`; nothing: no steps)."""
        text = text.strip()
        if "\n" in text or "\r" in text:  # one value, never more lines of TOML
            return text
        if self.kind == "steps" and not text.startswith("["):
            text = f"[{text}]"
        import tomllib  # here, not at the top: the start-up reads no TOML without a config file

        try:
            return tomllib.loads(f"value = {text}")["value"]
        except tomllib.TOMLDecodeError:
            return text


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date(value: object) -> date | None:
    """A TOML date, or a string written as one (`"2027-01-15"`); a date with a time is not a date."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # 2027-02-30
            return None
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


RULES: dict[str, dict[str, _Rule]] = {
    "scheduler": {
        "desired_retention": _Rule("number", 0.5, 0.99),
        "learning_steps_minutes": _Rule("steps", high=MAX_STEP_MINUTES),
        "relearning_steps_minutes": _Rule("steps", high=MAX_STEP_MINUTES),
        "maximum_interval_days": _Rule("whole", 1, MAX_INTERVAL_DAYS),
        "fuzz": _Rule("bool"),
    },
    "review": {
        "new_per_day": _Rule("whole", 0, MAX_NEW_PER_DAY),
        "day_start_hour": _Rule("whole", 0, 23),
        "learn_ahead_minutes": _Rule("whole", 0, MAX_LEARN_AHEAD_MINUTES),
        "leech_threshold": _Rule("whole", 1, MAX_LEECH_THRESHOLD),
        "leech_action": _Rule("choice", choices=LEECH_ACTIONS),
    },
    "plan": {
        "interview_date": _Rule("date"),
        "new_per_day": _Rule("whole", 0, MAX_NEW_PER_DAY),
        "desired_retention": _Rule("number", 0.5, 0.99),
    },
    "mock": {
        "minutes": _Rule("whole", 1, MAX_MOCK_MINUTES),
        "seconds_per_question": _Rule("whole", 10, 3600),
        "counts_as_review": _Rule("bool"),
    },
}
"""Every setting the config file may hold, by section. `SchedulerSettings.parameters` is not one: the fitted
weights live in the database."""
_SECTIONS: dict[str, type[Any]] = {
    "scheduler": SchedulerSettings,
    "review": ReviewSettings,
    "plan": PlanSettings,
    "mock": MockSettings,
}

DECK_LIMITS = "deck_limits"
"""The table of per-deck limits of new cards: its keys are deck ids, not settings, so it is not in RULES. A deck
id no deck has (yet) is allowed: a deck may be added later."""
DECK_LIMIT = _Rule("whole", 0, MAX_NEW_PER_DAY)
"""The rule of every value of [deck_limits]: new cards a day, as `review.new_per_day`."""
SECTIONS = (*RULES, DECK_LIMITS)
"""Every table the config file may hold, in the order it is written."""


def defaults() -> dict[str, dict[str, object]]:
    """The default of every setting of RULES, by section."""
    return {name: {key: getattr(_SECTIONS[name](), key) for key in rules} for name, rules in RULES.items()}


def _shown(value: object) -> str:
    """A value as it is written in TOML, for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)


def _home_of(key: str) -> str | None:
    """The section a setting belongs in, for a setting written in the wrong place."""
    return next((name for name, rules in RULES.items() if key in rules), None)


def _not_a_deck_id(key: str) -> str:
    return f"{_shown(key)} is not a deck id (lowercase letters, digits and hyphens, like dit-conditioning)"


def setting(name: str) -> tuple[str, str, _Rule]:
    """The section, key and rule of a setting named as `quizapp config set` takes it: `section.key`, or
    `deck_limits.<deck id>` for a deck's limit of new cards.

    Raises:
        ConfigError: for a name that is no setting, with the one probably meant.
    """
    section, dot, key = name.partition(".")
    if section == DECK_LIMITS:
        if not DECK_ID.fullmatch(key):
            problem = _not_a_deck_id(key) if key else "a deck's limit is named deck_limits.<deck id>"
            raise ConfigError(f"{name}: {problem}")
        return section, key, DECK_LIMIT
    rule = RULES.get(section, {}).get(key) if dot else None
    if rule is not None:
        return section, key, rule
    bare = key if dot else section
    home = _home_of(bare)
    known = [f"{section}.{key}" for section, rules in RULES.items() for key in rules]
    close = [f"{home}.{bare}"] if home is not None else get_close_matches(name, known, n=1)
    if dot and not close and get_close_matches(section, [DECK_LIMITS]):  # deck_limit.mini
        close = [f"{DECK_LIMITS}.{key}"]
    hint = f"; did you mean {close[0]}?" if close else ""
    raise ConfigError(f"unknown setting {name}{hint} (`quizapp config show` lists them)")


def parse_setting(name: str, value: object) -> object:
    """A setting's value (`section.key`), checked by its rule.

    Raises:
        ConfigError: for an unknown setting, or a value its rule does not allow (the message says which are).
    """
    section, key, rule = setting(name)
    parsed = rule.parse(value)
    if parsed is None:
        raise ConfigError(f"{section}.{key} must be {rule.allowed()}, not {_shown(value)}")
    return parsed


def _unknown(source: Path, key: str, section: str | None) -> ConfigError:
    """An unknown name, with the setting or section it was probably meant to be."""
    home = _home_of(key)
    if home is not None:
        return ConfigError(f"{source}: {key} belongs in [{home}]")
    if section is None:
        what, known = f"section [{key}]", [f"[{name}]" for name in SECTIONS]
        close = get_close_matches(f"[{key}]", known, n=1)
    else:
        what, known = f"setting [{section}] {key}", list(RULES[section])
        close = get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return ConfigError(f"{source}: unknown {what}{hint} (known: {', '.join(known)})")


def _section(data: dict[str, Any], name: str, source: Path) -> dict[str, object]:
    """One section's settings from a config-file table, rejecting unknown keys and values out of bounds; in
    [deck_limits], every key that is a deck id is known."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: {name} must be a table: a [{name}] line followed by its settings")
    values: dict[str, object] = {}
    for key, value in table.items():
        if name == DECK_LIMITS and not DECK_ID.fullmatch(key):
            raise ConfigError(f"{source}: [{name}] {_not_a_deck_id(key)}")
        rule = DECK_LIMIT if name == DECK_LIMITS else RULES[name].get(key)
        if rule is None:
            raise _unknown(source, key, name)
        parsed = rule.parse(value)
        if parsed is None:
            raise ConfigError(f"{source}: [{name}] {key} must be {rule.allowed()}, not {_shown(value)}")
        values[key] = parsed
    return values


def config_path() -> Path:
    """The config file quizapp reads and `quizapp config set` writes: the one QUIZAPP_CONFIG names, else
    `config.toml` in the data folder; either may not exist yet."""
    named = os.environ.get("QUIZAPP_CONFIG")
    return Path(named).expanduser() if named else data_dir() / "config.toml"


def config_to_read() -> Path | None:
    """The config file to read: the one QUIZAPP_CONFIG names (it must exist), else the data folder's, if any.

    Raises:
        ConfigError: if QUIZAPP_CONFIG names a file that does not exist.
    """
    path = config_path()
    if os.environ.get("QUIZAPP_CONFIG") and not path.is_file():
        problem = "is not a file" if path.exists() else "does not exist"
        raise ConfigError(f"QUIZAPP_CONFIG names {path}, which {problem}")
    return path if path.is_file() else None


def read_config(path: Path) -> dict[str, Any]:
    """A config file's TOML, as written: not yet checked against the rules (`check_config` does that).

    Raises:
        ConfigError: for a file that cannot be read, is not UTF-8 or is not TOML.
    """
    import tomllib  # here, not at the top: the start-up reads no TOML without a config file

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: {e.strerror}") from e
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from e


def check_config(data: dict[str, Any], source: Path) -> dict[str, dict[str, object]]:
    """The settings a config file sets, checked against RULES (and DECK_LIMIT): section → setting → value, the
    sections in the order of SECTIONS.

    Raises:
        ConfigError: for an unknown section or setting, a section that is not a table, a value not allowed, or a
            key of [deck_limits] that is not a deck id, naming `source`.
    """
    for name in data:
        if name not in SECTIONS:
            raise _unknown(source, name, None)
    return {name: _section(data, name, source) for name in SECTIONS if name in data}


def load_settings(db: str | None = None, decks: list[str] | None = None) -> Settings:
    """Resolve the settings of this run.

    Args:
        db: the `--db` option, if given.
        decks: the `--decks` options, if given; they replace the default deck folders.

    Raises:
        ConfigError: for an unreadable or invalid config file, a QUIZAPP_CONFIG naming no file, or a
            database path that is a folder or lies in a folder that does not exist.
    """
    home = data_dir()
    db_path = _database_path(db, home)
    if decks:
        deck_paths = tuple(Path(d).expanduser() for d in decks)
    elif os.environ.get("QUIZAPP_DECKS"):
        deck_paths = tuple(Path(d).expanduser() for d in os.environ["QUIZAPP_DECKS"].split(os.pathsep) if d)
    else:
        user_decks = home / "decks"
        deck_paths = (bundled_decks_dir(), user_decks) if user_decks.is_dir() else (bundled_decks_dir(),)
    settings = Settings(db_path=db_path, deck_paths=deck_paths)
    config_file = config_to_read()
    if config_file is None:
        return settings
    values = check_config(read_config(config_file), config_file)
    settings = replace(settings, **{name: _SECTIONS[name](**values.get(name, {})) for name in RULES})
    deck_limits = cast("dict[str, int]", values.get(DECK_LIMITS, {}))  # whole numbers: DECK_LIMIT parsed them
    return replace(settings, review=replace(settings.review, deck_limits=deck_limits))


def planned(
    scheduler: SchedulerSettings, review: ReviewSettings, plan: PlanSettings, today: date
) -> tuple[SchedulerSettings, ReviewSettings]:
    """The scheduler and review settings to schedule with on study day `today`: the plan's new cards a day and
    desired retention until the interview date, the normal ones from that day on."""
    if plan.interview_date is None or today >= plan.interview_date:
        return scheduler, review
    if plan.desired_retention is not None:
        scheduler = replace(scheduler, desired_retention=plan.desired_retention)
    if plan.new_per_day is not None:
        review = replace(review, new_per_day=plan.new_per_day)
    return scheduler, review


def in_force(settings: Settings, today: date) -> Settings:
    """`settings` as they schedule on study day `today` (`planned`)."""
    scheduler, review = planned(settings.scheduler, settings.review, settings.plan, today)
    return replace(settings, scheduler=scheduler, review=review)
