"""Finding deck files and fingerprinting them (stdlib only: start-up checks for changes with it)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from quizapp.errors import DeckError, DeckProblem

DECK_SUFFIXES = (".yaml", ".yml")


def file_hash(raw: bytes) -> str:
    """Content hash used to skip unchanged files on sync."""
    import hashlib  # here: a start-up with unchanged files hashes nothing, and OpenSSL takes 5 ms to load

    return hashlib.sha256(raw).hexdigest()


def find_deck_files(paths: Iterable[Path]) -> list[Path]:
    """Deck files named by `paths`: files as given, folders searched recursively, in a stable order.

    Raises:
        DeckError: for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise DeckError([DeckProblem(path, 1, 1, "no such file or folder")])
    return list(dict.fromkeys(found))
