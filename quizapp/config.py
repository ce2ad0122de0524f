"""Settings and paths: database, deck folders, scheduler and review options.

Precedence: command-line option, then environment variable, then default for the database and
the deck folders; the config file (the one QUIZAPP_CONFIG names, else the data folder's
`config.toml`), then default for the scheduler and review settings.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal, TypeGuard

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


@dataclass(frozen=True)
class ReviewSettings:
    """Daily limits and the day boundary."""

    new_per_day: int = 20
    day_start_hour: int = 4
    learn_ahead_minutes: int = 20


@dataclass(frozen=True)
class Settings:
    """Everything a run of quizapp needs to know."""

    db_path: Path
    deck_paths: tuple[Path, ...]
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)


MAX_NEW_PER_DAY = 10_000
MAX_LEARN_AHEAD_MINUTES = 24 * 60
MAX_STEP_MINUTES = 365 * 24 * 60
MAX_INTERVAL_DAYS = 36_500  # 100 years: any due date stays far from datetime's year 9999


@dataclass(frozen=True)
class _Rule:
    """What one config-file setting accepts; the bounds keep every accepted value usable by the
    scheduler (no overflow when it becomes a date) and sensible for a study plan."""

    kind: Literal["whole", "number", "bool", "steps"]
    low: float = 0
    high: float = 0

    def allowed(self) -> str:
        """The accepted values, as the error message says them."""
        if self.kind == "whole":
            return f"a whole number from {self.low:g} to {self.high:g}"
        if self.kind == "number":
            return f"a number from {self.low:g} to {self.high:g}"
        if self.kind == "bool":
            return "true or false"
        return f"a list of minutes, each above 0 and at most {self.high:g} ({self.high / (24 * 60):g} days)"

    def parse(self, value: object) -> object:
        """The setting's value, or None if `value` is not allowed (a bool is never taken for a number)."""
        if self.kind == "bool":
            return value if isinstance(value, bool) else None
        if self.kind == "steps":
            if not isinstance(value, list) or not all(_is_number(v) and 0 < v <= self.high for v in value):
                return None
            return tuple(float(v) for v in value)
        if not _is_number(value) or not self.low <= value <= self.high:  # also rejects nan
            return None
        if self.kind == "whole":
            return int(value) if float(value).is_integer() else None
        return float(value)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
    },
}
_SECTIONS: dict[str, type[Any]] = {"scheduler": SchedulerSettings, "review": ReviewSettings}


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


def _unknown(source: Path, key: str, section: str | None) -> ConfigError:
    """An unknown name, with the setting or section it was probably meant to be."""
    home = _home_of(key)
    if home is not None:
        return ConfigError(f"{source}: {key} belongs in [{home}]")
    if section is None:
        what, known = f"section [{key}]", [f"[{name}]" for name in RULES]
        close = get_close_matches(f"[{key}]", known, n=1)
    else:
        what, known = f"setting [{section}] {key}", list(RULES[section])
        close = get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return ConfigError(f"{source}: unknown {what}{hint} (known: {', '.join(known)})")


def _section(data: dict[str, Any], name: str, source: Path) -> Any:
    """Build one settings section from a config-file table, rejecting unknown keys and values out of bounds."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: {name} must be a table: a [{name}] line followed by its settings")
    values: dict[str, Any] = {}
    for key, value in table.items():
        rule = RULES[name].get(key)
        if rule is None:
            raise _unknown(source, key, name)
        parsed = rule.parse(value)
        if parsed is None:
            raise ConfigError(f"{source}: [{name}] {key} must be {rule.allowed()}, not {_shown(value)}")
        values[key] = parsed
    return _SECTIONS[name](**values)


def _config_file(home: Path) -> Path | None:
    """The config file to read: the one QUIZAPP_CONFIG names (it must exist), else the data folder's, if any.

    Raises:
        ConfigError: if QUIZAPP_CONFIG names a file that does not exist.
    """
    named = os.environ.get("QUIZAPP_CONFIG")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            problem = "is not a file" if path.exists() else "does not exist"
            raise ConfigError(f"QUIZAPP_CONFIG names {path}, which {problem}")
        return path
    default = home / "config.toml"
    return default if default.is_file() else None


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
    config_file = _config_file(home)
    if config_file is None:
        return settings
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{config_file}: {e.strerror}") from e
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{config_file}: {e}") from e
    for name in data:
        if name not in RULES:
            raise _unknown(config_file, name, None)
    return replace(
        settings,
        scheduler=_section(data, "scheduler", config_file),
        review=_section(data, "review", config_file),
    )
