"""Writing a report: standard output, or a file replaced in one step, with one-line errors."""

from __future__ import annotations

import errno
import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp.analysis.output import ReportWriteError, write_report
from quizapp.errors import QuizError

TEXT = "# 报告\r\n| a | 多 |\n"
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and devices")
NOT_ROOT = pytest.mark.skipif(os.name == "posix" and os.geteuid() == 0, reason="root may write anywhere")


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def failure(out: Path) -> ReportWriteError:
    with pytest.raises(ReportWriteError) as raised:
        write_report(TEXT, out)
    error = raised.value
    assert isinstance(error, QuizError) and error.exit_code == 2
    assert "\n" not in error.message and str(out) in error.message
    return error


def test_no_file_means_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    write_report(TEXT, None)
    assert capsys.readouterr().out == TEXT


def test_standard_output_that_cannot_encode_the_text_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    with pytest.raises(ReportWriteError, match=r"standard output \(ascii\) cannot show") as raised:
        write_report(TEXT, None)
    assert raised.value.exit_code == 2 and raw.getvalue() == b""


def test_file_gets_the_text_as_utf8_bytes_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    write_report(TEXT, out)
    assert out.read_bytes() == TEXT.encode("utf-8")  # CRLF and LF as given, on every platform
    assert os.listdir(tmp_path) == ["report.md"]


def test_file_is_replaced_and_no_temporary_file_stays(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_text("old")
    write_report("new\n", out)
    assert out.read_text() == "new\n" and os.listdir(tmp_path) == ["report.md"]


@POSIX
def test_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    new = tmp_path / "new.md"
    write_report(TEXT, new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644  # not mkstemp's 0o600
    kept = tmp_path / "kept.md"
    kept.write_text("old")
    kept.chmod(0o640)
    write_report(TEXT, kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


@pytest.mark.parametrize("broken", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    out = tmp_path / "report.md"
    out.write_text("old")

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, broken, disk_full)
    error = failure(out)
    monkeypatch.undo()
    assert error.message == f"cannot write {out}: No space left on device"
    assert out.read_text() == "old" and os.listdir(tmp_path) == ["report.md"]


def test_a_folder_is_not_a_file_name(tmp_path: Path) -> None:
    assert failure(tmp_path).message == f"{tmp_path} is a folder: give a file name, such as {tmp_path / 'report.md'}"


def test_a_missing_folder_is_not_created(tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "report.md"
    assert failure(out).message == f"cannot write {out}: {tmp_path / 'nowhere'} does not exist"
    assert not (tmp_path / "nowhere").exists()


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "report.md"
    assert failure(out).message == f"cannot write {out}: {tmp_path / 'file'} is not a folder"


def test_no_permission_in_the_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    out = tmp_path / "report.md"
    assert failure(out).message == f"cannot write {out}: permission denied in {tmp_path}"


@POSIX
@NOT_ROOT
def test_a_read_only_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert "permission denied" in failure(folder / "report.md").message
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


@POSIX
@NOT_ROOT
def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_text("old")
    out.chmod(0o444)
    assert failure(out).message == f"cannot write {out}: the file is read-only"
    assert out.read_text() == "old"


@POSIX
def test_a_symbolic_link_is_followed_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    target = tmp_path / "notes" / "report.md"
    target.write_text("old")
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    write_report(TEXT, link)
    assert link.is_symlink() and target.read_bytes() == TEXT.encode()
    assert sorted(os.listdir(tmp_path / "notes")) == ["report.md"]


@POSIX
def test_a_device_is_written_not_replaced() -> None:
    write_report(TEXT, Path("/dev/null"))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_the_report_modules_import_neither_textual_nor_the_database() -> None:
    code = (
        "import sys\n"
        "import quizapp.analysis.export_markdown, quizapp.analysis.export_csv\n"
        "import quizapp.analysis.export_json, quizapp.analysis.output\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy', 'sqlmodel', 'fsrs', 'rich')]\n"
        "print(','.join(sorted(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
