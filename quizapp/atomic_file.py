"""Replacing a file in one step, so nobody ever reads half of it: a report, the config file."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def replace_file(target: Path, data: bytes) -> None:
    """Write `data` to a new file beside `target`, flush it to the disk and rename it over `target`.

    A failure leaves the old file (or none) and no temporary file. The mode of a file replaced is kept; a
    new one gets 0o666 less the umask. `target` is a real path (links resolved by the caller).

    Raises:
        OSError: as the file system gives it (the caller says it in one line).
    """
    descriptor, temp = _create_temp(target)
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if target.exists():
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
        temp = target.with_name(f".{target.name[:40]}.{os.urandom(4).hex()}.tmp")
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
