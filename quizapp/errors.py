"""Errors a user can cause, caught once at the edge (CLI exit code, TUI notification)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class QuizError(Exception):
    """Base of every error quizapp reports to the user instead of a traceback."""

    title = "Error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DeckProblem:
    """One problem in a deck file, with the position an editor can jump to."""

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class DeckError(QuizError):
    """A deck file (or several) failed to load; carries every problem found, not just the first."""

    title = "Deck error"

    def __init__(self, problems: list[DeckProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class StorageError(QuizError):
    """The database cannot be opened or written."""

    title = "Database error"
    exit_code = 2


class ConfigError(QuizError):
    """A setting (config file, environment variable, option) is invalid."""

    title = "Configuration error"
    exit_code = 2


class UsageError(QuizError):
    """A command given arguments it cannot act on."""

    exit_code = 2
