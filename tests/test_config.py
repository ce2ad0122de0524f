"""Settings: where the database and decks come from, and a config file that is either valid or a clear error."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest

from quizapp.config import PlanSettings, ReviewSettings, SchedulerSettings, bundled_decks_dir, load_settings
from quizapp.errors import ConfigError
from quizapp.scheduling import Grade, ReviewScheduler
from quizapp.store.database import Database
from quizapp.store.sync import sync_decks
from tests.conftest import Clock

# --- paths: option, then environment variable, then default ---------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The QUIZAPP_HOME the autouse fixture set."""
    return tmp_path / "home"


def test_database_is_the_option_then_the_environment_then_the_data_folder(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().db_path == home / "quizapp.db"
    monkeypatch.setenv("QUIZAPP_DB", str(tmp_path / "env.db"))
    assert load_settings().db_path == tmp_path / "env.db"
    assert load_settings(db=str(tmp_path / "option.db")).db_path == tmp_path / "option.db"


def test_decks_are_the_options_then_the_environment_then_bundled_plus_the_users(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().deck_paths == (bundled_decks_dir(),)
    (home / "decks").mkdir(parents=True)
    assert load_settings().deck_paths == (bundled_decks_dir(), home / "decks")
    monkeypatch.setenv("QUIZAPP_DECKS", f"{tmp_path / 'a'}:{tmp_path / 'b'}:")
    assert load_settings().deck_paths == (tmp_path / "a", tmp_path / "b")
    assert load_settings(decks=[str(tmp_path / "c")]).deck_paths == (tmp_path / "c",)


# --- the config file ------------------------------------------------------------------------


def _config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_file_means_the_defaults(home: Path) -> None:
    settings = load_settings()
    assert (settings.scheduler, settings.review, settings.plan) == (
        SchedulerSettings(),
        ReviewSettings(),
        PlanSettings(),
    )


def test_a_valid_config_file_sets_every_setting(home: Path) -> None:
    _config(
        home,
        """
[scheduler]
desired_retention = 0.85
learning_steps_minutes = [1, 2.5, 525600]
relearning_steps_minutes = []
maximum_interval_days = 36500
fuzz = false

[review]
new_per_day = 10000
day_start_hour = 0
learn_ahead_minutes = 1440.0
leech_threshold = 100
leech_action = "suspend"

[plan]
interview_date = 2027-01-15
""",
    )
    settings = load_settings()
    assert settings.scheduler == SchedulerSettings(
        desired_retention=0.85,
        learning_steps_minutes=(1.0, 2.5, 525600.0),
        relearning_steps_minutes=(),
        maximum_interval_days=36500,
        fuzz=False,
    )
    assert settings.review == ReviewSettings(
        new_per_day=10000, day_start_hour=0, learn_ahead_minutes=1440, leech_threshold=100, leech_action="suspend"
    )
    assert settings.plan == PlanSettings(interview_date=date(2027, 1, 15))
    assert type(settings.review.learn_ahead_minutes) is int


def test_a_partial_config_file_keeps_the_other_defaults(home: Path) -> None:
    _config(home, "[review]\nnew_per_day = 5\n")
    settings = load_settings()
    assert settings.review == ReviewSettings(new_per_day=5) and settings.scheduler == SchedulerSettings()


def test_the_file_named_by_quizapp_config_wins_over_the_data_folders(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(home, "[review]\nnew_per_day = 5\n")
    named = tmp_path / "elsewhere.toml"
    named.write_text("[review]\nnew_per_day = 7\n", encoding="utf-8")
    monkeypatch.setenv("QUIZAPP_CONFIG", str(named))
    assert load_settings().review.new_per_day == 7


def test_a_missing_file_named_by_quizapp_config_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "typo.toml"
    monkeypatch.setenv("QUIZAPP_CONFIG", str(missing))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.message == f"QUIZAPP_CONFIG names {missing}, which does not exist"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bool is an int in Python, but `true` is not a number of minutes
        (
            "[review]\nlearn_ahead_minutes = true",
            "[review] learn_ahead_minutes must be a whole number from 0 to 1440, not true",
        ),
        ("[review]\nnew_per_day = 3.5", "[review] new_per_day must be a whole number from 0 to 10000, not 3.5"),
        ("[review]\nnew_per_day = 1e30", "[review] new_per_day must be a whole number from 0 to 10000, not 1e+30"),
        ("[review]\nnew_per_day = -1", "[review] new_per_day must be a whole number from 0 to 10000, not -1"),
        ('[review]\nnew_per_day = "20"', '[review] new_per_day must be a whole number from 0 to 10000, not "20"'),
        (
            "[review]\nlearn_ahead_minutes = 1e15",
            "[review] learn_ahead_minutes must be a whole number from 0 to 1440, not 1000000000000000.0",
        ),
        ("[review]\nday_start_hour = 24", "[review] day_start_hour must be a whole number from 0 to 23, not 24"),
        ("[review]\nday_start_hour = 4.5", "[review] day_start_hour must be a whole number from 0 to 23, not 4.5"),
        ("[review]\nday_start_hour = true", "[review] day_start_hour must be a whole number from 0 to 23, not true"),
        (
            "[scheduler]\nmaximum_interval_days = 10000000",
            "[scheduler] maximum_interval_days must be a whole number from 1 to 36500, not 10000000",
        ),
        (
            "[scheduler]\nmaximum_interval_days = 0",
            "[scheduler] maximum_interval_days must be a whole number from 1 to 36500, not 0",
        ),
        (
            "[scheduler]\ndesired_retention = 1",
            "[scheduler] desired_retention must be a number from 0.5 to 0.99, not 1",
        ),
        (
            "[scheduler]\ndesired_retention = nan",
            "[scheduler] desired_retention must be a number from 0.5 to 0.99, not nan",
        ),
        ("[scheduler]\nfuzz = 1", "[scheduler] fuzz must be true or false, not 1"),
        ("[review]\nleech_threshold = 0", "[review] leech_threshold must be a whole number from 1 to 100, not 0"),
        ('[review]\nleech_action = "Suspend"', '[review] leech_action must be one of "tag", "suspend", not "Suspend"'),
        ("[review]\nleech_action = true", '[review] leech_action must be one of "tag", "suspend", not true'),
        (
            "[plan]\ninterview_date = 2027-01-15T09:00:00",
            "[plan] interview_date must be a date like 2027-01-15, not 2027-01-15 09:00:00",
        ),
        ("[plan]\ninterview_date = 20270115", "[plan] interview_date must be a date like 2027-01-15, not 20270115"),
        (
            '[plan]\ninterview_date = "2027-1-15"',
            '[plan] interview_date must be a date like 2027-01-15, not "2027-1-15"',
        ),
        (
            "[scheduler]\nlearning_steps_minutes = [5e9]",
            "[scheduler] learning_steps_minutes must be a list of minutes, each above 0 and at most 525600 (365 days), "
            "not [5000000000.0]",
        ),
        (
            "[scheduler]\nrelearning_steps_minutes = [10, inf]",
            "[scheduler] relearning_steps_minutes must be a list of minutes, each above 0 and at most 525600 "
            "(365 days), not [10, inf]",
        ),
        (
            "[scheduler]\nlearning_steps_minutes = [true]",
            "[scheduler] learning_steps_minutes must be a list of minutes, each above 0 and at most 525600 "
            "(365 days), not [true]",
        ),
        (
            "[scheduler]\nlearning_steps_minutes = 10",
            "[scheduler] learning_steps_minutes must be a list of minutes, each above 0 and at most 525600 "
            "(365 days), not 10",
        ),
    ],
)
def test_a_value_out_of_bounds_names_the_file_section_key_and_what_is_allowed(
    home: Path, text: str, expected: str
) -> None:
    path = _config(home, text)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.message == f"{path}: {expected}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[review]\nnew_per_dya = 5",
            "unknown setting [review] new_per_dya; did you mean new_per_day? "
            "(known: new_per_day, day_start_hour, learn_ahead_minutes, leech_threshold, leech_action)",
        ),
        (
            "[review]\ncolour = 5",
            "unknown setting [review] colour "
            "(known: new_per_day, day_start_hour, learn_ahead_minutes, leech_threshold, leech_action)",
        ),
        (
            "[reviews]\nnew_per_day = 5",
            "unknown section [reviews]; did you mean [review]? (known: [scheduler], [review], [plan], [mock], [deck_limits])",
        ),
        (
            "[deck_limit]\nmini = 5",
            "unknown section [deck_limit]; did you mean [deck_limits]?"
            " (known: [scheduler], [review], [plan], [mock], [deck_limits])",
        ),
        ("[scheduler]\nnew_per_day = 5", "new_per_day belongs in [review]"),
        ("[review]\ninterview_date = 2027-01-15", "interview_date belongs in [plan]"),
        ("new_per_day = 5", "new_per_day belongs in [review]"),
        ("review = 5", "review must be a table: a [review] line followed by its settings"),
        ("deck_limits = 5", "deck_limits must be a table: a [deck_limits] line followed by its settings"),
        (
            '[deck_limits]\n"DiT Conditioning" = 5',
            '[deck_limits] "DiT Conditioning" is not a deck id (lowercase letters, digits and hyphens, like'
            " dit-conditioning)",
        ),
        ("[deck_limits]\nmini = -1", "[deck_limits] mini must be a whole number from 0 to 10000, not -1"),
        ("[deck_limits]\nmini = 2.5", "[deck_limits] mini must be a whole number from 0 to 10000, not 2.5"),
        ('[deck_limits]\nmini = "5"', '[deck_limits] mini must be a whole number from 0 to 10000, not "5"'),
        ("[deck_limits]\nmini = 10001", "[deck_limits] mini must be a whole number from 0 to 10000, not 10001"),
    ],
)
def test_an_unknown_or_misplaced_setting_says_what_was_meant(home: Path, text: str, expected: str) -> None:
    path = _config(home, text)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.message == f"{path}: {expected}"


def test_a_file_that_is_not_toml_is_an_error_with_its_position(home: Path) -> None:
    path = _config(home, "[review]\nnew_per_day 5\n")
    with pytest.raises(ConfigError, match=r"line 2, column 13") as caught:
        load_settings()
    assert caught.value.message.startswith(f"{path}: ")


def test_the_largest_accepted_values_work_in_the_scheduler(
    home: Path, db: Database, deck_dir: Path, clock: Clock
) -> None:
    """Bounds are chosen so nothing accepted can overflow once it becomes a date."""
    _config(
        home,
        "[scheduler]\nlearning_steps_minutes = [525600]\nrelearning_steps_minutes = [525600]\n"
        "maximum_interval_days = 36500\nfuzz = false\n"
        "[review]\nlearn_ahead_minutes = 1440\nnew_per_day = 10000\n",
    )
    settings = load_settings()
    sync_decks(db, [deck_dir], clock())
    scheduler = ReviewScheduler(db, settings.scheduler, settings.review, now=clock, tz=UTC)
    card = scheduler.next_card()
    assert card is not None
    for grade in [Grade.Good, Grade.Again, Grade.Good] + [Grade.Easy] * 5:
        scheduler.intervals(card)
        scheduler.answer(card.id, grade)
        card = scheduler.card(card.id)
        assert card.due is not None
        clock.now = card.due
    assert card.due.year < 9999


def test_an_interview_date_may_be_written_as_a_string(home: Path) -> None:
    _config(home, '[plan]\ninterview_date = "2027-01-15"\n')
    assert load_settings().plan == PlanSettings(interview_date=date(2027, 1, 15))
