"""Passed and failed answers: the one piece of the report's data that a review session keeps too, in a module of
its own so that the review screen does not load the whole report model (`analysis.model`) on its way to a card."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PassFail:
    """Answers that passed (Hard, Good, Easy) and failed (Again)."""

    passed: int = 0
    failed: int = 0

    @property
    def count(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        return self.passed / self.count if self.count else None
