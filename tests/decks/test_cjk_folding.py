"""Chinese text wrapped over several lines reads without the spaces line folding would put between characters.

YAML folds a line break into a space, and a Markdown soft break renders as one; between two East Asian
characters both must stand for nothing (CSS Text 3 segment breaks, pandoc's `east_asian_line_breaks`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from quizapp.decks.loader import load_deck_bytes
from quizapp.decks.model import OpenQuestion
from quizapp.decks.questions import StoredOpen
from quizapp.tui import faces

STYLES = ["plain", "single-quoted", "double-quoted", "folded"]


def scalar(style: str, lines: list[str], indent: str = "      ") -> str:
    """`lines` written as one YAML scalar of `style`, wrapped where the list breaks ("" is a blank line)."""
    body = "\n".join(indent + line if line else "" for line in lines).lstrip()
    if style == "plain":
        return body
    if style == "single-quoted":
        return f"'{body}'"
    if style == "double-quoted":
        return f'"{body}"'
    return ">-\n" + "\n".join(indent + line if line else "" for line in lines)


def answer_of(value: str) -> str:
    """The answer of a one-question deck whose `answer:` is `value`, loaded as a deck file is."""
    raw = f"format: 1\ndeck: cjk\nquestions:\n  - id: q\n    prompt: p\n    answer: {value}\n"
    question = load_deck_bytes(raw.encode(), Path("cjk.yaml")).questions[0]
    assert isinstance(question, OpenQuestion)
    return question.answer


@pytest.mark.parametrize("style", STYLES)
def test_fold_between_chinese_characters_adds_no_space(style: str) -> None:
    assert (
        answer_of(scalar(style, ["视觉信息，", "把数百个", "图像块：", "压缩成。"]))
        == "视觉信息，把数百个图像块：压缩成。"
    )


@pytest.mark.parametrize("style", STYLES)
def test_fold_next_to_a_latin_character_keeps_the_space(style: str) -> None:
    lines = ["视觉编码器输出", "tokens 给", "LLM，再由", "多个", "transformer", "layers 处理"]
    assert answer_of(scalar(style, lines)) == "视觉编码器输出 tokens 给 LLM，再由多个 transformer layers 处理"


@pytest.mark.parametrize("style", STYLES)
def test_space_written_between_chinese_characters_is_kept(style: str) -> None:
    assert answer_of(scalar(style, ["视觉 信息，", "把 数百个"])) == "视觉 信息，把 数百个"


@pytest.mark.parametrize("style", STYLES)
def test_blank_line_keeps_its_newline(style: str) -> None:
    assert answer_of(scalar(style, ["视觉信息，", "", "把数百个", "压缩"])) == "视觉信息，\n把数百个压缩"


@pytest.mark.parametrize("style", STYLES)
def test_korean_and_emoji_follow_the_rule_too(style: str) -> None:
    # Korean spaces its words, so its folds stay spaces; emoji are East Asian Wide
    assert answer_of(scalar(style, ["한국어", "문장，中文", "😀"])) == "한국어 문장，中文😀"


def test_escapes_and_explicit_indentation_fold_by_what_they_stand_for() -> None:
    double = '"\\u4e2d\\u6587\n      文字，\\ \\\n      空格\\\n      续"'
    assert answer_of(double) == "中文文字， 空格续"  # an escaped space is written, an escaped break is no fold
    assert answer_of(">2-\n        更缩进\n      视觉信息，\n      把数百个") == "  更缩进\n视觉信息，把数百个"


def test_literal_block_keeps_the_line_breaks_a_folded_block_joins() -> None:
    assert answer_of("|-\n      视觉信息，\n      把数百个") == "视觉信息，\n把数百个"
    assert answer_of(">-\n      视觉信息，\n      把数百个") == "视觉信息，把数百个"


def test_a_scalar_of_many_wrapped_lines_loads_joined_in_bounded_time() -> None:
    value = "\n      ".join(["视觉信息，把数百个图像块"] * 150_000)  # 4 MB, one fold per line
    started = time.perf_counter()
    answer = answer_of(value)
    assert time.perf_counter() - started < 2.0
    assert answer == "视觉信息，把数百个图像块" * 150_000


def test_blocks_joined_without_asking_are_all_wide() -> None:
    from quizapp.decks.east_asian_folds import _COMMON_WIDE
    from quizapp.east_asian import joins_without_space

    common = re.compile(f"[{_COMMON_WIDE}]")
    assert all(joins_without_space(chr(c), "中") for c in range(0x110000) if common.match(chr(c)))


CARD = """视觉编码器把图像切成
图像块，再压缩成少量
tokens 交给 LLM。

### 为什么
压缩后的
序列更短。

> 引用里的
> 换行
- 列表里的
  换行

```
代码里的
换行保留
```

行内 `代码
跨行` 不变，硬换行\\
也不变。

$$
\\text{损失}
\\\\
\\text{梯度}
$$"""

SHOWN = """视觉编码器把图像切成图像块，再压缩成少量
tokens 交给 LLM。

### 为什么
压缩后的序列更短。

> 引用里的换行
- 列表里的换行

```
代码里的
换行保留
```

行内 `代码
跨行` 不变，硬换行\\
也不变。

损失\\
梯度"""


def test_card_markdown_joins_soft_breaks_between_chinese_lines_only() -> None:
    # not a heading's end, code, a hard break, or the lines of display math
    assert faces.back(StoredOpen(id="q", topic="t", answer=CARD), None) == SHOWN


class MarkdownCard(App[None]):
    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        yield Markdown(self.markdown)


async def test_wrapped_chinese_answer_renders_without_spaces_in_the_tui() -> None:
    answer = "视觉信息，\n把数百个\n图像块压缩成\ntokens，再交给\nLLM。\n"
    app = MarkdownCard(faces.back(StoredOpen(id="q", topic="t", answer=answer), None))
    async with app.run_test() as pilot:
        await pilot.pause()
        shown = [str(block.render()) for block in app.query(MarkdownBlock)]
    assert "视觉信息，把数百个图像块压缩成 tokens，再交给 LLM。" in shown
