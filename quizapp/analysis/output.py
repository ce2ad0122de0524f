"""Where a report goes: standard output, or a file replaced atomically so nobody ever reads half a report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from quizapp.atomic_file import replace_file
from quizapp.errors import QuizError


class ReportWriteError(QuizError):
    """The report cannot be written where the user asked."""

    title = "Report"
    exit_code = 2


def write_report(text: str, out: Path | None) -> None:
    """Write the report to standard output, or to a file that is replaced in one step.

    The text goes to a temporary file in the file's folder, is flushed to the disk, then renamed over
    the file: a crash or a full disk leaves the old file (or none), never a truncated one, and no
    temporary file behind. A device or a pipe (`/dev/null`) is written directly, never replaced.

    Args:
        text: the report.
        out: the file (created or replaced; a symbolic link is followed), or None for standard output.

    Raises:
        ReportWriteError: `out` is a folder, its folder is missing, it cannot be written; or standard
            output cannot encode the text.
    """
    if out is None:
        _write_stdout(text)
        return
    target = Path(os.path.realpath(out))
    folder = target.parent
    if target.is_dir():
        raise ReportWriteError(f"{out} is a folder: give a file name, such as {out / 'report.md'}")
    if not folder.is_dir():
        missing = "is not a folder" if folder.exists() else "does not exist"
        raise ReportWriteError(f"cannot write {out}: {folder} {missing}")
    if target.exists() and not os.access(target, os.W_OK):
        raise ReportWriteError(f"cannot write {out}: the file is read-only")
    data = text.encode("utf-8")
    try:
        if target.exists() and not target.is_file():
            with open(target, "wb") as device:
                device.write(data)
        else:
            replace_file(target, data)
    except PermissionError as e:
        raise ReportWriteError(f"cannot write {out}: permission denied in {folder}") from e
    except OSError as e:
        raise ReportWriteError(f"cannot write {out}: {e.strerror or e}") from e


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except UnicodeEncodeError as e:  # raised before any of the text is written
        raise ReportWriteError(
            f"standard output ({sys.stdout.encoding}) cannot show the report's characters:"
            " write it to a file, or set PYTHONIOENCODING=utf-8"
        ) from e
