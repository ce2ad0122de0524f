"""Editing a card's question in the user's editor, at its line in the deck file, then syncing that file.

The card keeps its history through the edit: it is found again by its stable id (`<deck>/<question id>`).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any, Protocol

from textual.app import App, SuspendNotSupported

from quizapp.browse import deck_file
from quizapp.errors import DeckError, QuizError
from quizapp.library import Library
from quizapp.store.sync import SyncReport, sync_decks

FALLBACK_EDITORS = ("vi", "nano")
PROBLEMS_SHOWN = 3


class EditableCard(Protocol):
    """What `edit_question` needs of a card: the browser's `CardLine` and the scheduler's `StudyCard` have it."""

    @property
    def uid(self) -> str: ...

    @property
    def deck_id(self) -> str: ...


def question_id_of(card: EditableCard) -> str:
    """`mini/cfg-formula#c2` of deck `mini` → `cfg-formula`."""
    return card.uid.removeprefix(f"{card.deck_id}/").partition("#")[0]


def question_line(path: Path, question_id: str) -> int:
    """The line of the question's `id:` in the deck file (1 if it cannot be found).

    Read with positions when the file is valid YAML; a file broken since its last sync is scanned for the
    `id:` line instead, so the editor still opens where the question is.
    """
    from quizapp.decks.yamlread import decode, read_yaml  # YAML is imported when an edit is asked for

    try:
        raw = path.read_bytes()
        doc = read_yaml(decode(raw, path), path)
    except OSError:
        return 1
    except DeckError:
        return _scanned_line(raw.decode("utf-8", errors="replace"), question_id)
    questions = doc.data.get("questions") if isinstance(doc.data, dict) else None
    for index, question in enumerate(questions if isinstance(questions, list) else []):
        if isinstance(question, dict) and question.get("id") == question_id:
            return doc.position(("questions", index, "id"), key=True).line
    return 1


def _scanned_line(text: str, question_id: str) -> int:
    """The first line that is `id: <question_id>` (after a `- ` or not, quoted or not)."""
    line = re.compile(rf"^\s*(?:-\s+)?id\s*:\s*(['\"]?){re.escape(question_id)}\1\s*(?:#.*)?$")
    for number, text_line in enumerate(text.splitlines(), start=1):
        if line.match(text_line):
            return number
    return 1


def editor_command() -> list[str] | None:
    """$VISUAL, else $EDITOR (either may hold arguments, `code --wait`), else vi, else nano; None if none is."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    for fallback in FALLBACK_EDITORS:
        found = shutil.which(fallback)
        if found:
            return [found]
    return None


def edit_question(app: App[Any], card: EditableCard, library: Library) -> bool:
    """Open the card's question in the user's editor, then sync its deck file into the database.

    The editor ($VISUAL, $EDITOR, else vi or nano) is run as `EDITOR +LINE FILE`, LINE being the question's
    `id:` line, while the app is suspended (`App.suspend`; a headless app, as under Pilot, runs it without).
    Then the deck file alone is synced: the question's cards keep their history, their ids being stable.
    Every outcome is told with `app.notify`: no editor, a deck file that is gone, a read-only database, or a
    deck error after the edit (each problem's `file:line:column` and the `quizapp lint FILE` command; the
    database keeps the previous version of the deck).

    Call it from the event loop (it blocks while the editor runs, as the terminal is the editor's then). On
    True, read the card again: its question may have changed, or the edit may have retired it.

    Returns:
        True if the deck file was synced (changed or not); False if no editor ran or the edit left a deck error.
    """
    path = deck_file(library.db, card.deck_id)
    command = editor_command()
    problem = _cannot_edit(path, command, library)
    if problem is not None:
        app.notify(problem, title="Cannot edit", severity="error", timeout=10, markup=False)
        return False
    assert path is not None and command is not None  # what _cannot_edit checked
    try:
        _run(app, [*command, f"+{question_line(path, question_id_of(card))}", str(path)])
    except (OSError, SuspendNotSupported) as e:
        why = "the terminal cannot hand over to an editor" if isinstance(e, SuspendNotSupported) else e.strerror
        app.notify(f"cannot run {shlex.join(command)}: {why}", title="Cannot edit", severity="error", markup=False)
        return False
    try:
        report = sync_decks(library.db, [path], library.scheduler.now())
    except DeckError as e:
        app.notify(_deck_error_notice(e, path), title="Deck error", severity="error", timeout=30, markup=False)
        return False
    except QuizError as e:
        app.notify(e.message, title=e.title, severity="error", timeout=15, markup=False)
        return False
    _tell_synced(app, report, path)
    return True


def _cannot_edit(path: Path | None, command: list[str] | None, library: Library) -> str | None:
    if library.db.read_only is not None:
        return f"the database is read-only ({library.db.read_only}): an edit could not be synced"
    if path is None:
        return "this card's deck has no file"
    if not path.is_file():
        return f"the deck file {path} is gone"
    if command is None:
        return "no editor found: set $EDITOR (or $VISUAL), e.g. `export EDITOR=nano`"
    return None


def _run(app: App[Any], command: list[str]) -> None:
    """Run the editor with the terminal handed over to it, and wait for it to end."""
    if app.is_headless:
        subprocess.run(command, check=False)
        return
    with app.suspend():
        subprocess.run(command, check=False)


def _deck_error_notice(error: DeckError, path: Path) -> str:
    shown = [str(problem) for problem in error.problems[:PROBLEMS_SHOWN]]
    more = len(error.problems) - len(shown)
    if more:
        shown.append(f"… and {more} more")
    return "\n".join([*shown, f"The previous version stays in use. Press e to fix it, or run `quizapp lint {path}`."])


def _tell_synced(app: App[Any], report: SyncReport, path: Path) -> None:
    """Say what the sync did; a question retired by the edit (its id changed or removed) is a warning."""
    lost = report.retired_questions or report.likely_renames
    if lost:
        app.notify(report.summary(), title="Edit synced", severity="warning", timeout=30, markup=False)
    elif report.files_loaded:
        app.notify(f"{path.name} synced: {report.updated} updated, {report.added} added", timeout=4, markup=False)
    else:
        app.notify(f"{path.name} unchanged", timeout=3, markup=False)
