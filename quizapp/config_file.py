"""The config file as `quizapp config` and the settings screen change it: one setting at a time, checked by
`config.RULES` (the same rules as at start-up), and the whole file written to a temporary file that then
replaces it, so a crash, a full disk or a bad value never leaves half a file or a file quizapp refuses.

The file is written from its checked settings, as flat tables in the order of RULES (then [deck_limits], by
deck id): the values are kept, its comments and layout are not.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from quizapp.atomic_file import replace_file
from quizapp.config import (
    DECK_LIMITS,
    RULES,
    SECTIONS,
    check_config,
    config_path,
    config_to_read,
    defaults,
    parse_setting,
    read_config,
    setting,
)
from quizapp.errors import ConfigError

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class SettingValue:
    """One setting as `quizapp config show` lists it: the value in force, its default and where it comes from."""

    section: str
    key: str
    value: object
    default: object
    from_file: bool

    @property
    def name(self) -> str:
        """`section.key`, as `quizapp config set` takes it."""
        return f"{self.section}.{self.key}"


def current_settings(path: Path | None = None) -> list[SettingValue]:
    """Every setting of RULES, in their order, with the value the config file gives it, else its default; then
    each deck limit the file sets, by deck id (its default is none: the deck has only `review.new_per_day`).

    Raises:
        ConfigError: if the file cannot be read or breaks a rule.
    """
    path = path or config_path()
    values = check_config(read_config(path), path) if path.exists() else {}
    return [
        SettingValue(section, key, values.get(section, {}).get(key, default), default, key in values.get(section, {}))
        for section, keys in defaults().items()
        for key, default in keys.items()
    ] + [SettingValue(DECK_LIMITS, deck_id, limit, None, True) for deck_id, limit in _in_order(DECK_LIMITS, values)]


def shown(value: object) -> str:
    """A value as `config show` prints it and `config set` takes it back; an unset date is "not set"."""
    return "not set" if value is None else toml_value(value)


def show_lines(path: Path | None = None) -> list[str]:
    """`quizapp config show`: the file's path, then every setting, one a line, grouped by section; [deck_limits]
    only if the file sets a deck's limit.

    Raises:
        ConfigError: if the file cannot be read or breaks a rule.
    """
    path = path or config_path()
    settings = current_settings(path)
    where = "" if path.exists() else " (no such file yet: every setting has its default)"
    width = max(len(f"{toml_key(s.key)} = {shown(s.value)}") for s in settings)
    lines = [f"# config file: {path}{where}"]
    for section in SECTIONS:
        in_section = [s for s in settings if s.section == section]
        if section in RULES or in_section:
            lines += ["", f"[{section}]"]
        for s in in_section:
            if section == DECK_LIMITS:
                source = "config file (default: no limit of its own, only review.new_per_day)"
            else:
                source = f"config file (default {shown(s.default)})" if s.from_file else "default"
            lines.append(f"{f'{toml_key(s.key)} = {shown(s.value)}':<{width}}  # {source}")
    return lines


def set_setting(name: str, text: str, path: Path | None = None) -> object:
    """Set one setting (`section.key`, or `deck_limits.<deck id>`) from the text of its value (`0.92`, `suspend`,
    `2027-01-15`), keeping the file's other settings and sections; the file and its folder are created if need be
    (the folder only for the data folder's file).

    Returns:
        The value set, as the settings hold it.

    Raises:
        ConfigError: for an unknown setting, a value the rule does not allow, a file with another problem or one
            that cannot be written. The file is then as it was.
    """
    section, key, rule = setting(name)
    value = rule.from_text(text)
    parse_setting(name, value)  # a bad value is reported as such, before any problem elsewhere in the file
    path = path or config_path()
    data = read_config(path) if path.exists() else {}
    table = data.get(section)
    data[section] = {**(table if isinstance(table, dict) else {}), key: value}
    values = check_config(data, path)
    _save(path, values)
    return values[section][key]


def unset_setting(name: str, path: Path | None = None) -> bool:
    """Take one setting (`section.key`, or `deck_limits.<deck id>`) out of the file, so it has its default again. A
    name the rules do not know can be taken out too, if the file has it: that is how a misspelt setting is removed.

    Returns:
        Whether the file had the setting.

    Raises:
        ConfigError: for a name the rules and the file do not know, a file with another problem, or one that
            cannot be written. The file is then as it was.
    """
    path = path or config_path()
    data = read_config(path) if path.exists() else {}
    section, _, key = name.partition(".")
    table = data.get(section)
    if not isinstance(table, dict) or key not in table:
        setting(name)  # an unknown name is an error; a known one is already its default
        return False
    del table[key]
    _save(path, check_config(data, path))
    return True


def check(path: Path | None = None) -> Path | None:
    """Check the config file quizapp would read, as start-up does.

    Returns:
        The file checked, or None when there is none (every setting has its default).

    Raises:
        ConfigError: if QUIZAPP_CONFIG names no file, or the file cannot be read or breaks a rule.
    """
    path = config_to_read() if path is None else path if path.exists() else None
    if path is not None:
        check_config(read_config(path), path)
    return path


def dumps(tables: dict[str, dict[str, Any]]) -> str:
    """TOML for flat tables, in the given order; an empty table is left out."""
    blocks = []
    for section, table in tables.items():
        if table:
            lines = [f"[{toml_key(section)}]", *(f"{toml_key(key)} = {toml_value(v)}" for key, v in table.items())]
            blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare if it can be (every setting and deck id), else quoted."""
    return key if _BARE_KEY.fullmatch(key) else _basic_string(key)


def toml_value(value: object) -> str:
    """A value as TOML writes it: bool, int, float (a whole one as an int: every rule taking a number takes a
    whole one), string, date, or a list of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, str):
        return _basic_string(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _basic_string(text: str) -> str:
    """A TOML basic string: quote and backslash escaped, and every control character (TOML allows none raw)."""
    escaped = (f"\\{c}" if c in '"\\' else f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c for c in text)
    return '"' + "".join(escaped) + '"'


def _in_order(section: str, values: dict[str, dict[str, object]]) -> list[tuple[str, object]]:
    """A section's checked settings in the order the file is written: RULES's, or by deck id."""
    table = values.get(section, {})
    return [(key, table[key]) for key in (RULES[section] if section in RULES else sorted(table)) if key in table]


def _save(path: Path, values: dict[str, dict[str, object]]) -> None:
    """Write checked settings as the config file, its sections and each section's settings in their order."""
    ordered = {section: dict(_in_order(section, values)) for section in SECTIONS if section in values}
    if "QUIZAPP_CONFIG" not in os.environ:  # the data folder is created when first needed, like the database's
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ConfigError(f"cannot write {path}: {e.strerror or e}") from e
    write_atomically(path, dumps(ordered))


def write_atomically(path: Path, text: str) -> None:
    """Replace the file at `path` with `text` in one step: written to a new file beside it, flushed to the disk,
    then renamed over it. A failure leaves the old file (or none) and no temporary file. A symbolic link
    (a config file kept with one's dotfiles) is followed, so it stays a link.

    Raises:
        ConfigError: if the file cannot be written, in one line.
    """
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise ConfigError(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise ConfigError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        replace_file(target, text.encode("utf-8"))
    except PermissionError as e:
        raise ConfigError(f"cannot write {path}: permission denied in {folder}") from e
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror or e}") from e
