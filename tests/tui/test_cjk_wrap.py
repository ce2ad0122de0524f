"""CJK line breaking: Rich's `Text.wrap` and Textual's `Content.wrap` break between CJK characters, never inside a Latin word."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rich import _wrap as rich_wrap
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.content import Content

from quizapp.tui import cjk_wrap

MIXED = "DiT 用 adaLN-Zero 把条件注入每个块，门控初始化为零。Latent diffusion 在 VAE 的潜空间里训练（下采样 8 倍）。"


def rich_lines(text: str, width: int) -> list[str]:
    return [line.plain.rstrip() for line in Text(text).wrap(Console(width=200), width)]


def content_lines(text: str, width: int) -> list[str]:
    return [line.plain.rstrip() for line in Content(text).wrap(width)]


WRAPPERS = pytest.mark.parametrize("wrap", [rich_lines, content_lines], ids=["rich-Text", "textual-Content"])


@pytest.fixture(autouse=True)
def unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from Rich's own splitter and installs the patch itself (restored afterwards)."""
    monkeypatch.setattr(rich_wrap, "re_word", re.compile(r"\s*\S+\s*"))


@WRAPPERS
def test_cjk_breaks_between_characters_and_latin_words_stay_whole(wrap: Callable[[str, int], list[str]]) -> None:
    # Rich alone leaves the first line half empty
    assert wrap(MIXED, 24)[:2] == ["DiT 用 adaLN-Zero", "把条件注入每个块，门控初"]
    assert cjk_wrap.install()
    lines = wrap(MIXED, 24)
    assert lines == [
        "DiT 用 adaLN-Zero 把条件",
        "注入每个块，门控初始化为",
        "零。Latent diffusion 在",
        "VAE 的潜空间里训练（下采",
        "样 8 倍）。",
    ]
    for word in ["adaLN-Zero", "Latent", "diffusion", "VAE"]:
        assert any(word in line for line in lines), word


@WRAPPERS
def test_punctuation_stays_with_its_character(wrap: Callable[[str, int], list[str]]) -> None:
    cjk_wrap.install()
    # nine characters fill 18 cells; the comma may not start a line, so it takes 九 with it
    assert wrap("一二三四五六七八九，十", 18) == ["一二三四五六七八", "九，十"]
    # an opening bracket may not end a line: it goes down with the character it opens
    assert wrap("一二三四五六七八（九）", 18) == ["一二三四五六七八", "（九）"]


@WRAPPERS
@pytest.mark.parametrize("width", [10, 11, 23, 24, 37])
def test_wide_characters_are_never_split_and_lines_fill(wrap: Callable[[str, int], list[str]], width: int) -> None:
    cjk_wrap.install()
    lines = wrap(MIXED, width)
    assert all(cell_len(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == MIXED.replace(" ", "")
    # a line that ends between two CJK characters is full, to the cell (one short when a wide character is next)
    for line, after in zip(lines, lines[1:], strict=False):
        if re.match(r"[\u4e00-\u9fff]", line[-1]) and re.match(r"[\u4e00-\u9fff]", after[0]):
            assert width - cell_len(line) < 2, (line, after)


def test_install_is_idempotent() -> None:
    assert cjk_wrap.install() and cjk_wrap.install()
    assert rich_wrap.re_word is cjk_wrap.RICH_WORD


def test_unknown_rich_splitter_warns_and_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = re.compile(r"\s*\S+?\s*")
    monkeypatch.setattr(rich_wrap, "re_word", changed)
    with pytest.warns(RuntimeWarning, match="CJK text will wrap only at spaces"):
        assert not cjk_wrap.install()
    assert rich_wrap.re_word is changed
    monkeypatch.delattr(rich_wrap, "re_word")
    with pytest.warns(RuntimeWarning):
        assert not cjk_wrap.install()
