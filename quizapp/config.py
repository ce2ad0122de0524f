"""Settings and paths: database, deck folders, scheduler and review options.

Precedence: command-line option, then environment variable, then config file, then default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from quizapp.errors import ConfigError

APP_NAME = "quizapp"
PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_decks_dir() -> Path:
    """The decks shipped with quizapp: inside the installed package, or the checkout's `decks/`."""
    installed = PACKAGE_DIR / "bundled_decks"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "decks"


def data_dir() -> Path:
    """Per-user data folder (database, backups, the user's own decks)."""
    if "QUIZAPP_HOME" in os.environ:
        return Path(os.environ["QUIZAPP_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class SchedulerSettings:
    """What py-fsrs's Scheduler is built from."""

    desired_retention: float = 0.9
    learning_steps_minutes: tuple[float, ...] = (1.0, 10.0)
    relearning_steps_minutes: tuple[float, ...] = (10.0,)
    maximum_interval_days: int = 36500
    fuzz: bool = True


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


def _section(data: dict[str, Any], name: str, cls: type[Any], source: Path) -> Any:
    """Build one settings section from a config-file table, rejecting unknown or mistyped keys."""
    table = data.get(name, {})
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown setting [{name}] {key} (known: {', '.join(known)})")
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, (int, float)) and v > 0 for v in value):
                raise ConfigError(f"{source}: [{name}] {key} must be a list of positive numbers")
            value = tuple(float(v) for v in value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: [{name}] {key} must be true or false")
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"{source}: [{name}] {key} must be a number")
        elif isinstance(default, int):
            value = int(value)
        values[key] = value
    section = cls(**values)
    return section


def _validate(settings: Settings) -> Settings:
    s, r = settings.scheduler, settings.review
    if not 0.5 <= s.desired_retention < 1:
        raise ConfigError(f"desired_retention must be in [0.5, 1), not {s.desired_retention}")
    if not 0 <= r.day_start_hour <= 23:
        raise ConfigError(f"day_start_hour must be 0..23, not {r.day_start_hour}")
    if r.new_per_day < 0 or s.maximum_interval_days < 1 or r.learn_ahead_minutes < 0:
        raise ConfigError("new_per_day and learn_ahead_minutes must be >= 0, maximum_interval_days >= 1")
    return settings


def load_settings(db: str | None = None, decks: list[str] | None = None) -> Settings:
    """Resolve the settings of this run.

    Args:
        db: the `--db` option, if given.
        decks: the `--decks` options, if given; they replace the default deck folders.

    Raises:
        ConfigError: for an unreadable or invalid config file.
    """
    home = data_dir()
    db_path = Path(db or os.environ.get("QUIZAPP_DB") or home / "quizapp.db").expanduser()
    if decks:
        deck_paths = tuple(Path(d).expanduser() for d in decks)
    elif os.environ.get("QUIZAPP_DECKS"):
        deck_paths = tuple(Path(d).expanduser() for d in os.environ["QUIZAPP_DECKS"].split(os.pathsep) if d)
    else:
        user_decks = home / "decks"
        deck_paths = (bundled_decks_dir(), user_decks) if user_decks.is_dir() else (bundled_decks_dir(),)
    settings = Settings(db_path=db_path, deck_paths=deck_paths)
    config_file = Path(os.environ.get("QUIZAPP_CONFIG") or home / "config.toml").expanduser()
    if not config_file.is_file():
        return settings
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{config_file}: {e}") from e
    unknown = set(data) - {"scheduler", "review"}
    if unknown:
        raise ConfigError(f"{config_file}: unknown section(s) {', '.join(sorted(unknown))} (known: scheduler, review)")
    return _validate(
        replace(
            settings,
            scheduler=_section(data, "scheduler", SchedulerSettings, config_file),
            review=_section(data, "review", ReviewSettings, config_file),
        )
    )
