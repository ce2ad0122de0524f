"""`quizapp config`: show, set, unset and check the config file; a bad value or an unwritable file is one line
and exit code 2, and leaves the file as it was; the file is replaced in one step."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from quizapp import config_file
from quizapp.cli import main
from quizapp.config import RULES, PlanSettings, ReviewSettings, SchedulerSettings, load_settings
from quizapp.errors import ConfigError


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The QUIZAPP_HOME the autouse fixture set (not created yet)."""
    return tmp_path / "home"


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["config", *args])
    out, err = capsys.readouterr()
    return code, out, err


def quizapp(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizapp", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QUIZAPP_HOME": str(home), "PATH": "/usr/bin:/bin", **env},
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("scheduler.desired_retention", "0.92", SchedulerSettings(desired_retention=0.92)),
        ("scheduler.learning_steps_minutes", "1, 10, 60", SchedulerSettings(learning_steps_minutes=(1, 10, 60))),
        ("scheduler.relearning_steps_minutes", "[]", SchedulerSettings(relearning_steps_minutes=())),
        ("scheduler.fuzz", "false", SchedulerSettings(fuzz=False)),
        ("review.new_per_day", "15", ReviewSettings(new_per_day=15)),
        ("review.leech_threshold", "6", ReviewSettings(leech_threshold=6)),
        ("review.leech_action", "suspend", ReviewSettings(leech_action="suspend")),
        ("review.leech_action", '"suspend"', ReviewSettings(leech_action="suspend")),
        ("plan.interview_date", "2027-01-15", PlanSettings(interview_date=date(2027, 1, 15))),
        ("deck_limits.dit-conditioning", "5", ReviewSettings(deck_limits={"dit-conditioning": 5})),
        ("deck_limits.llm-systems", "0", ReviewSettings(deck_limits={"llm-systems": 0})),
    ],
)
def test_a_setting_set_is_what_the_next_start_reads(
    home: Path, name: str, text: str, expected: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("set", name, text, capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"{name} = ") and str(home / "config.toml") in out
    settings = load_settings()
    assert expected in (settings.scheduler, settings.review, settings.plan)


def test_set_keeps_the_other_settings_and_sections(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home.mkdir()
    (home / "config.toml").write_text("[scheduler]\nfuzz = false\n\n[review]\nnew_per_day = 5\n", encoding="utf-8")
    assert run("set", "review.leech_threshold", "6", capsys=capsys)[0] == 0
    assert run("set", "plan.interview_date", "2027-01-15", capsys=capsys)[0] == 0
    assert tomllib.loads((home / "config.toml").read_text(encoding="utf-8")) == {
        "scheduler": {"fuzz": False},
        "review": {"new_per_day": 5, "leech_threshold": 6},
        "plan": {"interview_date": date(2027, 1, 15)},
    }


def test_show_lists_every_setting_with_its_value_source_and_default(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("set", "scheduler.desired_retention", "0.92", capsys=capsys)
    run("set", "review.leech_action", "suspend", capsys=capsys)
    code, out, _ = run(capsys=capsys)
    assert code == 0
    assert (
        out
        == f"""\
# config file: {home / "config.toml"}

[scheduler]
desired_retention = 0.92          # config file (default 0.9)
learning_steps_minutes = [1, 10]  # default
relearning_steps_minutes = [10]   # default
maximum_interval_days = 36500     # default
fuzz = true                       # default

[review]
new_per_day = 20                  # default
day_start_hour = 4                # default
learn_ahead_minutes = 20          # default
leech_threshold = 8               # default
leech_action = "suspend"          # config file (default "tag")

[plan]
interview_date = not set          # default
new_per_day = not set             # default
desired_retention = not set       # default

[mock]
minutes = 30                      # default
seconds_per_question = 240        # default
counts_as_review = true           # default
"""
    )
    assert sum(" = " in line for line in out.splitlines()) == sum(len(rules) for rules in RULES.values())
    assert run("show", capsys=capsys)[1] == out


def test_unset_puts_the_default_back(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("set", "review.new_per_day", "15", capsys=capsys)
    run("set", "review.leech_action", "suspend", capsys=capsys)
    code, out, _ = run("unset", "review.new_per_day", capsys=capsys)
    assert (code, out) == (0, "review.new_per_day is back to its default\n")
    assert load_settings().review == ReviewSettings(leech_action="suspend")
    assert (
        run("unset", "review.new_per_day", capsys=capsys)[1] == "review.new_per_day was not set: it has its default\n"
    )


def test_unset_removes_a_misspelt_setting_the_file_has(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home.mkdir()
    (home / "config.toml").write_text("[review]\nnew_per_dya = 5\nnew_per_day = 7\n", encoding="utf-8")
    assert run("check", capsys=capsys)[0] == 1
    assert run("unset", "review.new_per_dya", capsys=capsys)[0] == 0
    assert run("check", capsys=capsys)[:2] == (0, f"{home / 'config.toml'}: ok\n")
    assert load_settings().review.new_per_day == 7


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "scheduler.desired_retention",
            "1.5",
            "scheduler.desired_retention must be a number from 0.5 to 0.99, not 1.5",
        ),
        ("review.new_per_day", "-1", "review.new_per_day must be a whole number from 0 to 10000, not -1"),
        ("review.new_per_day", "3.5", "review.new_per_day must be a whole number from 0 to 10000, not 3.5"),
        ("review.new_per_day", "many", 'review.new_per_day must be a whole number from 0 to 10000, not "many"'),
        ("review.leech_threshold", "0", "review.leech_threshold must be a whole number from 1 to 100, not 0"),
        ("review.leech_threshold", "101", "review.leech_threshold must be a whole number from 1 to 100, not 101"),
        ("review.leech_action", "delete", 'review.leech_action must be one of "tag", "suspend", not "delete"'),
        ("plan.interview_date", "2027-02-30", 'plan.interview_date must be a date like 2027-01-15, not "2027-02-30"'),
        ("plan.interview_date", "15/01/2027", 'plan.interview_date must be a date like 2027-01-15, not "15/01/2027"'),
        ("scheduler.fuzz", "1", "scheduler.fuzz must be true or false, not 1"),
        (
            "scheduler.learning_steps_minutes",
            "0, 10",
            "scheduler.learning_steps_minutes must be a list of minutes, each above 0 and at most 525600 (365 days),"
            " not [0, 10]",
        ),
        ("review.new_per_dya", "5", "unknown setting review.new_per_dya; did you mean review.new_per_day?"),
        ("new_per_day", "5", "unknown setting new_per_day; did you mean review.new_per_day?"),
        ("scheduler.new_per_day", "5", "unknown setting scheduler.new_per_day; did you mean review.new_per_day?"),
        ("scheduler.parameters", "[0.2, 1.2]", "unknown setting scheduler.parameters"),  # not set by hand
        ("deck_limits.mini", "-1", "deck_limits.mini must be a whole number from 0 to 10000, not -1"),
        ("deck_limits.mini", "1.5", "deck_limits.mini must be a whole number from 0 to 10000, not 1.5"),
        ("deck_limits.My_Deck", "3", 'deck_limits.My_Deck: "My_Deck" is not a deck id'),
    ],
)
def test_a_bad_value_or_name_is_refused_and_the_file_left_as_it_was(
    home: Path, name: str, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir()
    before = "[review]\nnew_per_day = 5   # a comment\n"
    (home / "config.toml").write_text(before, encoding="utf-8")
    code, out, err = run("set", name, text, capsys=capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"quizapp: {message}") and err.count("\n") == 1
    assert (home / "config.toml").read_text(encoding="utf-8") == before
    assert [p.name for p in home.iterdir()] == ["config.toml"]


def test_set_refuses_a_file_broken_elsewhere_but_can_mend_the_broken_setting(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir()
    path = home / "config.toml"
    path.write_text("[review]\nnew_per_day = -3\n", encoding="utf-8")
    code, _, err = run("set", "review.leech_threshold", "6", capsys=capsys)
    assert code == 2 and "new_per_day must be a whole number" in err
    assert path.read_text(encoding="utf-8") == "[review]\nnew_per_day = -3\n"
    assert run("set", "review.new_per_day", "3", capsys=capsys)[0] == 0
    assert load_settings().review.new_per_day == 3


def test_check_says_ok_or_the_problem_with_exit_1(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run("check", capsys=capsys)
    assert code == 0 and out.startswith("ok: no config file")
    home.mkdir()
    (home / "config.toml").write_text("[review]\nleech_action = 'burn'\n", encoding="utf-8")
    code, out, err = run("check", capsys=capsys)
    expected = f'quizapp: {home / "config.toml"}: [review] leech_action must be one of "tag", "suspend", not "burn"\n'
    assert (code, out, err) == (1, "", expected)
    monkeypatch.setenv("QUIZAPP_CONFIG", str(tmp_path / "typo.toml"))
    code, _, err = run("check", capsys=capsys)
    assert (code, err) == (1, f"quizapp: QUIZAPP_CONFIG names {tmp_path / 'typo.toml'}, which does not exist\n")


def test_set_writes_the_file_quizapp_config_names(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    named = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("QUIZAPP_CONFIG", str(named))
    assert run("set", "review.new_per_day", "9", capsys=capsys)[0] == 0
    assert named.read_text(encoding="utf-8") == "[review]\nnew_per_day = 9\n"
    assert not home.exists()
    assert load_settings().review.new_per_day == 9


def test_a_symlinked_config_file_stays_a_link(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dotfiles = tmp_path / "dotfiles.toml"
    dotfiles.write_text("[review]\nnew_per_day = 5\n", encoding="utf-8")
    home.mkdir()
    (home / "config.toml").symlink_to(dotfiles)
    assert run("set", "review.leech_threshold", "4", capsys=capsys)[0] == 0
    assert (home / "config.toml").is_symlink()
    assert dotfiles.read_text(encoding="utf-8") == "[review]\nnew_per_day = 5\nleech_threshold = 4\n"


# --- the atomic write ------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    home: Path, failing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.mkdir()
    path = home / "config.toml"
    path.write_text("[review]\nnew_per_day = 5\n", encoding="utf-8")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, disk_full)
    with pytest.raises(ConfigError) as caught:
        config_file.set_setting("review.new_per_day", "6")
    assert caught.value.message == f"cannot write {path}: No space left on device"
    assert path.read_text(encoding="utf-8") == "[review]\nnew_per_day = 5\n"
    assert [p.name for p in home.iterdir()] == ["config.toml"]


def test_the_file_is_replaced_not_rewritten_in_place(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A reader holding the old file sees it whole: the new one is another inode, renamed over it."""
    run("set", "review.new_per_day", "5", capsys=capsys)
    path = home / "config.toml"
    path.chmod(0o640)
    with path.open(encoding="utf-8") as old:
        run("set", "review.new_per_day", "6", capsys=capsys)
        assert old.read() == "[review]\nnew_per_day = 5\n"
    assert path.read_text(encoding="utf-8") == "[review]\nnew_per_day = 6\n"
    assert path.stat().st_mode & 0o777 == 0o640  # the mode of the file replaced is kept


def test_what_is_written_reads_back_the_same() -> None:
    tables = {
        "numbers": {"whole": 36500, "negative": -3, "real": 0.92, "tiny": 1e-05, "huge": 1e30, "round": 1440.0},
        "other": {"yes": True, "no": False, "day": date(2027, 1, 15), "steps": (1.0, 2.5, 525600.0), "none": []},
        "text": {"plain": "suspend", "quoted": 'say "hi" \\ bye', "control": "tab\there\nnew\x7f\x00", "cjk": "漢字"},
        "empty": {},
    }
    text = config_file.dumps(tables)
    assert "[empty]" not in text
    read = tomllib.loads(text)
    expected = {name: table for name, table in tables.items() if table}
    expected["other"] = {**expected["other"], "steps": [1.0, 2.5, 525600.0]}
    assert read == expected
    assert "round = 1440\n" in text and "steps = [1, 2.5, 525600]\n" in text


# --- as a user runs it ---------------------------------------------------------------------------


def test_an_unwritable_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    target = not_a_folder / "config.toml"
    result = quizapp("config", "set", "review.new_per_day", "5", home=tmp_path, QUIZAPP_CONFIG=str(target))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"quizapp: cannot write {target}: the folder {not_a_folder} does not exist\n"


def test_an_unknown_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = quizapp("config", "set", "review.leech_treshold", "5", home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (
        "quizapp: unknown setting review.leech_treshold; did you mean review.leech_threshold?"
        " (`quizapp config show` lists them)\n"
    )


@pytest.mark.parametrize(
    "args", [["config"], ["config", "set", "review.new_per_day", "15"], ["config", "unset", "plan.interview_date"]]
)
def test_config_imports_neither_textual_nor_sqlalchemy(args: list[str], tmp_path: Path) -> None:
    code = (
        "import sys; from quizapp.cli import main\n"
        f"assert main({args!r}) == 0\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlalchemy', 'sqlmodel', 'fsrs'})\n"
        "print('HEAVY', heavy)"
    )
    env = {**os.environ, "QUIZAPP_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.stdout.splitlines()[-1] == "HEAVY []", out.stderr
