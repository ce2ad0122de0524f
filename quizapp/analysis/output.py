"""Where a report goes: standard output, or a file replaced atomically so nobody ever reads half a report."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

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
            _replace(target, data)
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


def _replace(target: Path, data: bytes) -> None:
    """Write `data` to a new file beside `target`, flush it to the disk and rename it over `target`."""
    descriptor, temp = _create_temp(target)
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if target.exists():  # keep the mode of the file replaced; a new one gets 0o666 less the umask
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(target.parent)


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new hidden file beside `target`, created with the umask's mode (mkstemp's would be 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = target.with_name(f".{target.name[:40]}.{secrets.token_hex(4)}.tmp")
        with contextlib.suppress(FileExistsError):
            return os.open(temp, flags, 0o666), temp


def _sync_folder(folder: Path) -> None:
    """Flush the rename to the disk too (POSIX); the file is in place whether or not this works."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
